"""Both reasoners give owlrl's triples: on the shipped graph, on a synthetic company and on an
analyst's own axioms, not only on the shipped ones (the one reasoning parity suite).

Each case is a tiny graph reasoned three ways: the fast reasoner (``kg.fast.reason``, over
a pyoxigraph store), the reference (``kg.reason``, owlrl with its shortcuts) and plain
owlrl (no shortcut). Where owlrl is wrong (``owl:hasKey``), the test states the OWL 2 RL
result and that the reference gives it.
"""

from __future__ import annotations

import random
from collections import Counter

import owlrl
import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.cli import main
from kg.current import add_current
from kg.errors import ReasoningError
from kg.fast.reason import reason as fast_reason
from kg.fast.store import INFERRED, graph_of, load_store
from kg.load import load_graph
from kg.query import to_store
from kg.reason import _is_noise, rdflib_conversions_kept, reason
from kg.timebounds import add_day_bounds
from kg.vocab import OWL, RDF, RDFS
from tests.conftest import PROLOGUE, ROOT, TINY_DATA

EX = "https://example.org/"
PREFIXES = PROLOGUE + """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex:  <https://example.org/> .
"""


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def _plain_owlrl(graph: Graph) -> set:
    """What plain owlrl (no shortcut) adds to ``graph``, less the noise kg.reason leaves out."""
    closure = Graph()
    closure += graph
    with rdflib_conversions_kept():
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    return {t for t in closure if t not in graph and not _is_noise(*t)}


def canonical(triples, asserted: Graph) -> Counter:
    """Triples with each blank node replaced by what ``asserted`` says of it (its own
    IRI- and literal-valued properties, and who points to it), so that graphs parsed
    apart compare."""

    def name(node):
        if not isinstance(node, BNode):
            return node
        out = sorted((p, o) for p, o in asserted.predicate_objects(node) if not isinstance(o, BNode))
        into = sorted((s, p) for s, p in asserted.subject_predicates(node) if not isinstance(s, BNode))
        return ("_:", tuple(out), tuple(into))

    return Counter((name(s), p, name(o)) for s, p, o in triples)


# 0. The shipped graph: kg build's inferences (the fast rules and the untimed ORG relations
#    of the latest state) are those of the session's reference graph (owlrl, kg.current).

@pytest.mark.slow
def test_reasoning_on_the_shipped_graph_is_owlrl_s(shipped_graphs, shipped_graph, shipped_project):
    store = load_store([*shipped_project.ontology_files, *shipped_project.data_files])
    asserted = shipped_graphs.ontology + shipped_graphs.data
    count = fast_reason(store)
    count += add_current(store, into=INFERRED)  # as kg build does: the untimed ORG relations of the latest state
    count += len(add_day_bounds(store, into=INFERRED))  # and the day bounds of the asserted data
    expected = set(shipped_graph) - set(asserted)
    assert count == len(expected)
    assert canonical(graph_of(store, inferred=True), graph_of(store)) == canonical(expected, asserted)


def test_same_result_as_plain_owlrl_on_the_tiny_company(shipped_ontology):
    """Skipping eq-ref and setting inert triples aside changes no inference."""
    graph = shipped_ontology + Graph().parse(data=TINY_DATA, format="turtle")
    assert set(reason(graph)) == _plain_owlrl(graph)


def test_same_result_as_plain_owlrl_with_equality(shipped_ontology):
    """Triples set aside (labels, dates) still follow owl:sameAs, as rules eq-rep-s/o say."""
    graph = shipped_ontology + Graph().parse(format="turtle", data=PROLOGUE + """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        rper:eddie-wu rdfs:label "Eddie Wu"@en ; owl:sameAs rper:wu-yongming .
        rper:wu-yongming dcterms:date "2023"^^xsd:gYear .
        rpl:x a rkg:Placement ; rkg:placedUnit rorg:lab-a , rorg:lab-b ; rkg:parentOrganization rorg:acme .
        rorg:lab-a rdfs:label "Lab A"@en .""")
    inferred = reason(graph)
    assert set(inferred) == _plain_owlrl(graph)
    wu = URIRef("https://w3id.org/restructuring-kg/id/person/wu-yongming")
    assert (wu, RDFS.label, Literal("Eddie Wu", lang="en")) in inferred
    # rkg:placedUnit is functional: the two labs are the same, and share their label.
    assert (URIRef("https://w3id.org/restructuring-kg/id/org/lab-b"), RDFS.label, Literal("Lab A", lang="en")) in inferred


def three_ways(text: str, *, base: Graph | None = None):
    """``text`` (Turtle, after the usual prefixes) reasoned by the fast reasoner, the
    reference and plain owlrl: (what the fast one returned, and the three sets of triples)."""
    graph = Graph()
    if base is not None:
        graph += base
    graph.parse(format="turtle", data=PREFIXES + text)
    store = to_store(graph)
    result = fast_reason(store)
    fast = set(graph_of(store, inferred=True))
    assert result == len(fast)
    return result, fast, set(reason(graph)), _plain_owlrl(graph)


def assert_all_raise(text: str, match: str) -> None:
    graph = Graph().parse(format="turtle", data=PREFIXES + text)
    with pytest.raises(ReasoningError, match=match) as fast:
        fast_reason(to_store(graph))
    with pytest.raises(ReasoningError, match=match) as reference:
        reason(graph)
    assert str(fast.value) == str(reference.value)


# 1. A property only declared with a characteristic gets its inferences (the reference
#    took every rdf:type of a property for a declaration and set its triples aside).

CHARACTERISTICS = {
    "transitive": ("ex:p a owl:TransitiveProperty . ex:a ex:p ex:b . ex:b ex:p ex:c .", (ex("a"), ex("p"), ex("c"))),
    "symmetric": ("ex:p a owl:SymmetricProperty . ex:a ex:p ex:b .", (ex("b"), ex("p"), ex("a"))),
    "functional": ('ex:p a owl:FunctionalProperty . ex:a ex:p ex:b , ex:c . ex:b rdfs:label "B" .',
                   (ex("c"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("B"))),
    "inverse functional": ("ex:p a owl:InverseFunctionalProperty . ex:a ex:p ex:z . ex:b ex:p ex:z .",
                           (ex("a"), OWL.sameAs, ex("b"))),
    "user subclass of owl:TransitiveProperty": (
        "ex:Chain rdfs:subClassOf owl:TransitiveProperty . ex:p a ex:Chain . ex:a ex:p ex:b . ex:b ex:p ex:c .",
        (ex("a"), ex("p"), ex("c"))),
    "user sub-property of rdfs:subClassOf": (
        "ex:narrower rdfs:subPropertyOf rdfs:subClassOf . ex:Lab ex:narrower ex:Unit . ex:x a ex:Lab .",
        (ex("x"), RDF.type, ex("Unit"))),
    "user sub-property of owl:inverseOf": (
        "ex:opposite rdfs:subPropertyOf owl:inverseOf . ex:p ex:opposite ex:q . ex:a ex:p ex:b .",
        (ex("b"), ex("q"), ex("a"))),
}


@pytest.mark.parametrize("case", CHARACTERISTICS)
def test_a_property_s_characteristic_gives_its_inferences(case):
    text, expected = CHARACTERISTICS[case]
    _, fast, ref, plain = three_ways(text)
    assert expected in plain
    assert fast == ref == plain


# Equality (eq-sym, eq-trans, eq-rep-s/o) runs in the fast rules: what owlrl derives
# from each owl:sameAs, stated or made by a rule, and what the rules derive from that.

EQUALITY = {
    "functional": (CHARACTERISTICS["functional"][0], (ex("b"), OWL.sameAs, ex("c"))),
    "stated, with copies of labels and types": (
        'ex:eddie rdfs:label "Eddie" ; owl:sameAs ex:wu . ex:wu owl:sameAs ex:yongming . ex:yongming a ex:CEO .'
        "ex:CEO rdfs:subClassOf ex:Person .", (ex("eddie"), RDF.type, ex("Person"))),
    "feeding a transitive property and its inverse": (
        "ex:p a owl:TransitiveProperty ; owl:inverseOf ex:q . ex:a ex:p ex:b . ex:c ex:p ex:d . ex:b owl:sameAs ex:c .",
        (ex("d"), ex("q"), ex("a"))),
    "two rounds: a functional value makes a key shared": (
        "ex:Person owl:hasKey (ex:id) . ex:id a owl:FunctionalProperty . ex:a a ex:Person ; ex:id ex:i1 , ex:i2 . "
        "ex:b a ex:Person ; ex:id ex:i2 . ex:b ex:likes ex:tea .", (ex("a"), ex("likes"), ex("tea"))),
    "max cardinality 1": ("ex:Solo rdfs:subClassOf [ owl:onProperty ex:boss ; owl:maxCardinality 1 ] . "
                          "ex:x a ex:Solo ; ex:boss ex:ann , ex:bo . ex:ann ex:office ex:hq .",
                          (ex("bo"), ex("office"), ex("hq"))),
    "max qualified cardinality 1": (
        "ex:Solo rdfs:subClassOf [ owl:onProperty ex:boss ; owl:maxQualifiedCardinality 1 ; owl:onClass ex:Person ] . "
        "ex:x a ex:Solo ; ex:boss ex:ann , ex:bo , ex:acme . ex:ann a ex:Person . ex:bo a ex:Person .",
        (ex("ann"), OWL.sameAs, ex("bo"))),
    "a node the same as a literal has its datatype": (
        'ex:p a owl:FunctionalProperty . ex:a ex:p ex:b , "3"^^xsd:integer .',
        (ex("b"), RDF.type, URIRef("http://www.w3.org/2001/XMLSchema#decimal"))),
    "a property both functional and inverse functional": (
        "ex:p a owl:FunctionalProperty , owl:InverseFunctionalProperty . ex:a ex:p ex:z . ex:b ex:p ex:z .",
        (ex("a"), OWL.sameAs, ex("b"))),
    "a user's sub-property of owl:sameAs": ("ex:alias rdfs:subPropertyOf owl:sameAs . ex:a ex:alias ex:b . "
                                            "ex:b ex:q ex:c .", (ex("a"), ex("q"), ex("c"))),
    "a literal value of a functional property": ('ex:p a owl:FunctionalProperty . ex:a ex:p "1" , "2" . ex:b ex:q "1" .',
                                                 (ex("b"), ex("q"), Literal("2"))),
}


@pytest.mark.parametrize("case", EQUALITY)
def test_equality_runs_fast_with_owlrl_s_triples(case):
    text, expected = EQUALITY[case]
    result, fast, ref, plain = three_ways(text)
    assert (result.engine, result.warnings) == ("fast", ())
    assert expected in fast
    assert fast == ref == plain


def test_a_sub_property_of_rdf_type_goes_to_owlrl_with_a_warning_that_names_it():
    result, fast, ref, plain = three_ways("ex:isA rdfs:subPropertyOf rdf:type . ex:x ex:isA ex:C . "
                                          "ex:C rdfs:subClassOf ex:D .")
    assert result.engine == "owlrl"
    assert any("https://example.org/isA" in w and "rdf:type" in w for w in result.warnings)
    assert (ex("x"), RDF.type, ex("D")) in fast
    assert fast == ref == plain


def test_equality_of_properties_goes_to_owlrl_with_a_warning_that_names_the_statement():
    result, fast, ref, plain = three_ways("ex:p owl:sameAs ex:q . ex:a ex:p ex:b . ex:q rdfs:domain ex:C .")
    assert result.engine == "owlrl"
    assert any("https://example.org/p" in w and "eq-rep-p" in w for w in result.warnings)
    assert (ex("a"), ex("q"), ex("b")) in fast
    assert fast == ref == plain


@pytest.mark.parametrize("text, match", [
    ("ex:p a owl:IrreflexiveProperty . ex:a ex:p ex:a .", "Irreflexive"),
    ("ex:p a owl:AsymmetricProperty . ex:a ex:p ex:b . ex:b ex:p ex:a .", "asymmetric"),
    ("ex:p owl:propertyDisjointWith ex:q . ex:a ex:p ex:b ; ex:q ex:b .", "disjoint properties"),
    ("ex:A owl:disjointWith ex:B . ex:C rdfs:subClassOf ex:B . ex:x a ex:A , ex:C .", "Disjoint classes"),
    ("[] a owl:AllDisjointClasses ; owl:members (ex:A ex:B ex:C) . ex:x a ex:A , ex:C .", "Disjoint classes"),
    ("ex:A owl:complementOf ex:B . ex:x a ex:A , ex:B .", "complementarity"),
    ("ex:R owl:onProperty ex:p ; owl:maxCardinality 0 . ex:x a ex:R ; ex:p ex:y .", "maximum cardinality"),
    ("ex:a owl:sameAs ex:b ; owl:differentFrom ex:b .", "'sameAs' and 'differentFrom'"),
    ("[] a owl:AllDifferent ; owl:members (ex:a ex:b ex:c) . ex:p a owl:FunctionalProperty . ex:x ex:p ex:a , ex:c .",
     "'sameAs' and 'AllDifferent'"),
    ("[] a owl:AllDisjointProperties ; owl:members (ex:p ex:q ex:r) . ex:a ex:p ex:b ; ex:r ex:b .",
     "Disjoint properties"),
    ('ex:open rdfs:range xsd:boolean . ex:x ex:open "2026"^^xsd:integer . ex:y ex:open true .',
     "XMLSchema#boolean and .*XMLSchema#decimal have a common individual 2026"),
    ('ex:x ex:amount "1,000"^^xsd:decimal .', "does not match its datatype"),
    # xsd:boolean is used only by a property no axiom mentions: still a used datatype.
    ('ex:open rdfs:range xsd:boolean . ex:x ex:open "2026"^^xsd:integer . ex:y ex:flag true .',
     "XMLSchema#boolean and .*XMLSchema#decimal have a common individual 2026"),
])
def test_an_inconsistency_is_an_error_of_both_reasoners(text, match):
    assert_all_raise(text, match)


# 2. Class expressions run in the fast rules, with owlrl's triples.

CLASS_EXPRESSIONS = {
    "intersection": ("ex:C owl:equivalentClass [ owl:intersectionOf (ex:A ex:B) ] . ex:x a ex:A , ex:B . ex:y a ex:A .",
                     (ex("x"), RDF.type, ex("C"))),
    "union": ("ex:U owl:equivalentClass [ owl:unionOf (ex:A ex:B) ] . ex:x a ex:B .", (ex("x"), RDF.type, ex("U"))),
    "some values": ("ex:Parent owl:equivalentClass [ owl:onProperty ex:hasChild ; owl:someValuesFrom ex:Person ] . "
                    "ex:x ex:hasChild ex:y . ex:y a ex:Person . ex:z ex:hasChild ex:w .",
                    (ex("x"), RDF.type, ex("Parent"))),
    "some values of a datatype": (
        "ex:Dated owl:equivalentClass [ owl:onProperty ex:when ; owl:someValuesFrom xsd:date ] . "
        'ex:x ex:when "2026-03-16"^^xsd:date . ex:y ex:when "2026"^^xsd:gYear .',
        (ex("x"), RDF.type, ex("Dated"))),
    "all values": ("ex:Lab rdfs:subClassOf [ owl:onProperty ex:head ; owl:allValuesFrom ex:Scientist ] . "
                   "ex:x a ex:Lab ; ex:head ex:h .", (ex("h"), RDF.type, ex("Scientist"))),
    "has value, both ways": (
        "ex:AcmeUnit owl:equivalentClass [ owl:onProperty ex:company ; owl:hasValue ex:acme ] . "
        "ex:company rdfs:subPropertyOf ex:partOf . ex:partOf a owl:TransitiveProperty . ex:acme ex:partOf ex:world . "
        "ex:x a ex:AcmeUnit . ex:y ex:company ex:acme .",
        (ex("x"), ex("partOf"), ex("world"))),
    "has value of a literal": ('ex:Big owl:equivalentClass [ owl:onProperty ex:size ; owl:hasValue "big" ] . '
                               'ex:x ex:size "big" . ex:y a ex:Big .', (ex("y"), ex("size"), Literal("big"))),
    "one of": ("ex:Colour owl:oneOf (ex:red ex:green) . ex:Colour rdfs:subClassOf ex:Quality .",
               (ex("red"), RDF.type, ex("Quality"))),
    "a chain through a blank-node inverse": (
        "ex:sibling owl:propertyChainAxiom ( [ owl:inverseOf ex:child ] ex:child ) . "
        "ex:mum ex:child ex:ann , ex:bo .", (ex("ann"), ex("sibling"), ex("bo"))),
    "a restriction on a blank-node inverse": (
        "ex:Parent owl:equivalentClass [ owl:onProperty [ owl:inverseOf ex:childOf ] ; owl:someValuesFrom owl:Thing ] . "
        "ex:Lab rdfs:subClassOf [ owl:onProperty [ owl:inverseOf ex:in ] ; owl:allValuesFrom ex:Staff ] . "
        "ex:kid ex:childOf ex:mum . ex:lab a ex:Lab . ex:ann ex:in ex:lab .",
        (ex("ann"), RDF.type, ex("Staff"))),
    "the inverse of an inverse": ("ex:p owl:inverseOf [ owl:inverseOf ex:q ] . ex:a ex:p ex:b .",
                                  (ex("a"), ex("q"), ex("b"))),
    "a property chain": ("ex:grandparent owl:propertyChainAxiom (ex:parent ex:parent) . "
                         "ex:a ex:parent ex:b . ex:b ex:parent ex:c .", (ex("a"), ex("grandparent"), ex("c"))),
}


@pytest.mark.parametrize("case", CLASS_EXPRESSIONS)
def test_class_expressions_run_fast_with_owlrl_s_triples(case):
    text, expected = CLASS_EXPRESSIONS[case]
    result, fast, ref, plain = three_ways(text)
    assert (result.engine, result.warnings) == ("fast", ())
    assert expected in fast
    assert fast == ref == plain


# 3. owl:hasKey: owlrl 7.6 compares only the first n-1 properties of a key.

KEYS = """
    ex:Person owl:hasKey (ex:id) .
    ex:a a ex:Person ; ex:id "1" .   ex:b a ex:Person ; ex:id "1" .
    ex:c a ex:Person ; ex:id "2" .   ex:d a ex:Person .
    ex:Badge owl:hasKey (ex:issuer ex:number) .
    ex:x a ex:Badge ; ex:issuer ex:acme ; ex:number 7 .
    ex:y a ex:Badge ; ex:issuer ex:acme ; ex:number 7 .
    ex:z a ex:Badge ; ex:issuer ex:acme ; ex:number 8 .
"""


def test_a_key_makes_the_same_only_instances_that_share_every_key_value():
    result, fast, ref, plain = three_ways(KEYS)
    same = {(s, o) for s, p, o in fast if p == OWL.sameAs}
    assert same == {(ex("a"), ex("b")), (ex("b"), ex("a")), (ex("x"), ex("y")), (ex("y"), ex("x"))}
    assert fast == ref
    assert (result.engine, result.warnings) == ("fast", ())
    # Plain owlrl's off-by-one: a one-property key merges c (another id) and d (none) with a,
    # and the two-property key ignores the number.
    assert {(ex("a"), OWL.sameAs, ex("c")), (ex("a"), OWL.sameAs, ex("d")), (ex("x"), OWL.sameAs, ex("z"))} <= plain


# 4. Axioms restated from the published W3C ontologies (OWL-Time's restrictions, union
#    and disjointness; PROV-O's and ORG's disjointness, inverses and transitivity), with
#    a few instances and the shipped ontology.

W3C = """
time:TemporalEntity owl:unionOf (time:Instant time:Interval) .
time:Instant rdfs:subClassOf time:TemporalEntity .
time:Interval rdfs:subClassOf time:TemporalEntity .
time:ProperInterval rdfs:subClassOf time:Interval ; owl:disjointWith time:Instant .
time:before a owl:ObjectProperty , owl:TransitiveProperty ; owl:inverseOf time:after ;
    rdfs:domain time:TemporalEntity ; rdfs:range time:TemporalEntity .
time:hasTRS a owl:FunctionalProperty , owl:ObjectProperty ; rdfs:range time:TRS ;
    rdfs:domain [ a owl:Class ; owl:unionOf (time:TemporalPosition time:GeneralDurationDescription) ] .
time:GeneralDateTimeDescription rdfs:subClassOf time:TemporalPosition ,
    [ a owl:Restriction ; owl:onProperty time:year ; owl:maxCardinality "1"^^xsd:nonNegativeInteger ] ,
    [ a owl:Restriction ; owl:onProperty time:unitType ; owl:cardinality "1"^^xsd:nonNegativeInteger ] .
time:DateTimeDescription rdfs:subClassOf time:GeneralDateTimeDescription ,
    [ a owl:Restriction ; owl:onProperty time:year ; owl:allValuesFrom xsd:gYear ] ,
    [ a owl:Restriction ; owl:onProperty time:hasTRS ; owl:hasValue <http://www.opengis.net/def/uom/ISO-8601/0/Gregorian> ] .
time:MonthOfYear rdfs:subClassOf time:DateTimeDescription ,
    [ a owl:Restriction ; owl:onProperty time:unitType ; owl:hasValue time:unitMonth ] .
time:Number a rdfs:Datatype ; owl:equivalentClass [ a rdfs:Datatype ; owl:unionOf (xsd:double xsd:float xsd:decimal) ] .
prov:Activity owl:disjointWith prov:Entity .
prov:wasGeneratedBy rdfs:domain prov:Entity ; rdfs:range prov:Activity .
org:memberOf owl:inverseOf org:hasMember .
"""

W3C_INSTANCES = """
ex:q1 a time:ProperInterval ; time:before ex:q2 . ex:q2 a time:Interval ; time:before ex:q3 .
ex:launch a time:Instant ; time:after ex:q3 .
ex:d1 a time:DateTimeDescription ; time:year "2026"^^xsd:gYear ; time:unitType time:unitYear .
ex:m1 a time:MonthOfYear ; time:month "--03"^^xsd:gMonth .
ex:report prov:wasGeneratedBy ex:review . ex:ann org:memberOf ex:acme .
"""


@pytest.fixture(scope="module")
def shipped_ontology() -> Graph:
    return load_graph([ROOT / "ontology" / "restructuring.ttl", ROOT / "ontology" / "imports" / "w3c-axioms.ttl"])


def test_w3c_ontologies_with_instances_reason_fast_with_owlrl_s_triples(shipped_ontology):
    result, fast, ref, plain = three_ways(W3C + W3C_INSTANCES, base=shipped_ontology)
    assert (result.engine, result.warnings) == ("fast", ())
    gregorian = URIRef("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian")
    time = "http://www.w3.org/2006/time#"
    for triple in [
        (ex("q1"), URIRef(time + "before"), ex("q3")),  # transitive
        (ex("q3"), URIRef(time + "before"), ex("launch")),  # inverse
        (ex("q1"), RDF.type, URIRef(time + "TemporalEntity")),  # union
        (ex("d1"), URIRef(time + "hasTRS"), gregorian),  # hasValue
        (ex("m1"), URIRef(time + "unitType"), URIRef(time + "unitMonth")),
        (ex("review"), RDF.type, URIRef("http://www.w3.org/ns/prov#Activity")),
        (ex("acme"), URIRef("http://www.w3.org/ns/org#hasMember"), ex("ann")),
    ]:
        assert triple in fast
    assert fast == ref == plain


def test_w3c_ontologies_inconsistent_instances_are_errors_of_both(shipped_ontology):
    graph = shipped_ontology + Graph().parse(format="turtle", data=PREFIXES + W3C + """
        ex:q1 a time:ProperInterval , time:Instant .""")
    with pytest.raises(ReasoningError, match="Disjoint classes"):
        fast_reason(to_store(graph))
    with pytest.raises(ReasoningError, match="Disjoint classes"):
        reason(graph)


def test_a_second_value_of_a_functional_w3c_property_is_the_same_as_the_first(shipped_ontology):
    result, fast, ref, _ = three_ways(W3C + W3C_INSTANCES + "ex:d1 time:hasTRS ex:julian .", base=shipped_ontology)
    assert (result.engine, result.warnings) == ("fast", ())
    assert (ex("julian"), OWL.sameAs, URIRef("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian")) in fast
    assert fast == ref


def test_reasoning_into_the_default_graph_reports_the_engine():
    store = to_store(Graph().parse(format="turtle", data=PREFIXES + CHARACTERISTICS["symmetric"][0]))
    result = fast_reason(store, into=pyoxigraph.DefaultGraph())
    assert (int(result), result.engine) == (1, "fast")


# 5. Through the CLI: an ill-typed literal is an error (exit 2, no traceback, nothing
#    written), and leaving the fast rules is said.

def test_kg_build_force_with_an_ill_typed_decimal_is_an_error_not_a_traceback(make_project, capsys):
    project = make_project(data={"acme.ttl": TINY_DATA + '\nrorg:acme ex:amount "1,000"^^xsd:decimal .\n'
                                 .replace("\nrorg:", "\n@prefix ex: <https://example.org/> .\nrorg:", 1)})
    out_dir = project.root / "out"
    code = main(["--root", str(project.root), "build", "--force", "--out", str(out_dir)])
    err = capsys.readouterr().err
    assert code == 2
    assert "kg: error:" in err and "1,000" in err and "Traceback" not in err
    assert not out_dir.exists()


def test_kg_build_says_when_equality_of_properties_sends_reasoning_to_owlrl(make_project, capsys):
    extra = PREFIXES + "ex:p owl:sameAs ex:q . ex:a ex:p ex:b ."
    project = make_project(data={"acme.ttl": TINY_DATA, "extra.ttl": extra})
    code = main(["--root", str(project.root), "build", "--out", str(project.root / "out")])
    err = capsys.readouterr().err
    assert code == 0
    assert "kg: warning: reasoning: https://example.org/p" in err and "eq-rep-p" in err and "owlrl" in err


# 6. Any input: small random ontologies and instances mixing every feature above.

def random_graph(seed: int) -> str:
    """Turtle of 1-8 random axioms and 2-10 random facts over a few classes, properties,
    individuals and literals (the same text for the same seed)."""
    rng = random.Random(seed)
    c = lambda: f"ex:C{rng.randrange(5)}"  # noqa: E731
    p = lambda: f"ex:p{rng.randrange(4)}"  # noqa: E731
    i = lambda: f"ex:a{rng.randrange(6)}"  # noqa: E731
    literal = lambda: rng.choice(['"1"', '"2"', '"3"^^xsd:integer', "true", '"2.5"^^xsd:decimal'])  # noqa: E731
    axioms = [
        lambda: f"{c()} rdfs:subClassOf {c()} .", lambda: f"{c()} owl:equivalentClass {c()} .",
        lambda: f"{p()} rdfs:subPropertyOf {p()} .", lambda: f"{p()} owl:inverseOf {p()} .",
        lambda: f"{p()} owl:inverseOf [ owl:inverseOf {p()} ] .", lambda: f"{p()} a owl:TransitiveProperty .",
        lambda: f"{p()} a owl:SymmetricProperty .", lambda: f"{p()} a owl:FunctionalProperty .",
        lambda: f"{p()} a owl:InverseFunctionalProperty .", lambda: f"{p()} rdfs:domain {c()} .",
        lambda: f"{p()} rdfs:range {c()} .", lambda: f"{p()} owl:propertyChainAxiom ({p()} {p()}) .",
        lambda: f"{c()} owl:equivalentClass [ owl:intersectionOf ({c()} {c()}) ] .",
        lambda: f"{c()} owl:equivalentClass [ owl:unionOf ({c()} {c()}) ] .",
        lambda: f"{c()} owl:equivalentClass [ owl:onProperty {p()} ; owl:someValuesFrom {c()} ] .",
        lambda: f"{c()} rdfs:subClassOf [ owl:onProperty {p()} ; owl:allValuesFrom {c()} ] .",
        lambda: f"{c()} owl:equivalentClass [ owl:onProperty {p()} ; owl:hasValue {rng.choice([i(), literal()])} ] .",
        lambda: f"{c()} rdfs:subClassOf [ owl:onProperty {p()} ; owl:maxCardinality 1 ] .",
        lambda: f"{c()} owl:hasKey ({p()}) .", lambda: f"{c()} owl:hasKey ({p()} {p()}) .",
        lambda: f"{i()} owl:sameAs {i()} .", lambda: f"{c()} owl:disjointWith {c()} .",
        lambda: f"{p()} a owl:IrreflexiveProperty .",
        lambda: f"ex:Sub rdfs:subPropertyOf rdfs:subClassOf . {c()} ex:Sub {c()} .",
        lambda: f"ex:Trans rdfs:subClassOf owl:TransitiveProperty . {p()} a ex:Trans .",
        lambda: f"{c()} owl:equivalentClass [ owl:onProperty {p()} ; owl:someValuesFrom owl:Thing ] .",
        lambda: f"{c()} owl:equivalentClass [ owl:onProperty {p()} ; owl:someValuesFrom xsd:integer ] .",
        lambda: f"{c()} rdfs:subClassOf [ owl:onProperty {p()} ; owl:maxQualifiedCardinality 1 ; owl:onClass {c()} ] .",
        lambda: f"{c()} rdfs:subClassOf [ owl:onProperty {p()} ; owl:maxCardinality 0 ] .",
        lambda: f"{c()} owl:complementOf {c()} .", lambda: f"{i()} owl:differentFrom {i()} .",
        lambda: f"[] a owl:AllDifferent ; owl:members ({i()} {i()} {i()}) .",
        lambda: f"{c()} owl:oneOf ({i()} {i()}) .",
        lambda: f"[] owl:sourceIndividual {i()} ; owl:assertionProperty {p()} ; owl:targetIndividual {i()} .",
        lambda: f"{p()} owl:propertyDisjointWith {p()} .", lambda: f"{p()} a owl:AsymmetricProperty .",
        lambda: f"ex:alias rdfs:subPropertyOf owl:sameAs . {i()} ex:alias {i()} .",
        lambda: f"ex:Fn rdfs:subClassOf owl:FunctionalProperty . {p()} a ex:Fn .",
        lambda: f"{p()} owl:propertyChainAxiom ({p()} {p()} {p()}) .", lambda: f"{p()} owl:equivalentProperty {p()} .",
        lambda: f"{p()} rdfs:range {rng.choice(['xsd:integer', 'xsd:boolean'])} .",
        lambda: f"{c()} owl:equivalentClass [ owl:intersectionOf ({c()} [ owl:onProperty {p()} ; "
                f"owl:someValuesFrom {c()} ]) ] .",
    ]
    lines = [rng.choice(axioms)() for _ in range(rng.randint(1, 8))]
    for _ in range(rng.randint(2, 10)):
        k = rng.random()
        lines.append(f"{i()} a {c()} ." if k < 0.35 else f"{i()} {p()} {i()} ." if k < 0.85
                     else f"{i()} {p()} {literal()} ." if k < 0.95 else f"{i()} ex:flag {literal()} ." if k < 0.97
                     else f'{i()} rdfs:label "x" .')
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(60))
def test_random_axioms_and_facts_give_the_same_triples_or_the_same_error(seed):
    text = random_graph(seed)
    try:
        _, fast, ref, plain = three_ways(text)
    except ReasoningError:
        assert_all_raise(text, "inconsistent")
    else:
        assert fast == ref
        if "hasKey" not in text:  # plain owlrl's off-by-one (see the key test)
            assert ref == plain


def test_kg_build_writes_the_same_files_with_both_engines_for_a_user_s_axioms(make_project):
    """The issue's list: a property chain, owl:hasKey, a symmetric property (and equality,
    a class expression), in a user's extension, built by each engine."""
    from kg.build import build

    extension = PREFIXES + """
        ex:colleague a owl:SymmetricProperty .
        ex:grandparent owl:propertyChainAxiom (ex:parent ex:parent) .
        ex:Badge owl:hasKey (ex:number) .
        ex:Senior owl:equivalentClass [ owl:onProperty ex:reports ; owl:someValuesFrom ex:Senior ] .
        ex:ann ex:colleague ex:bo ; ex:parent ex:cy . ex:cy ex:parent ex:di .
        ex:b1 a ex:Badge ; ex:number 7 ; ex:holder ex:ann . ex:b2 a ex:Badge ; ex:number 7 .
        ex:b3 a ex:Badge ; ex:number 8 .
        ex:eve a ex:Senior . ex:fay ex:reports ex:eve ."""
    project = make_project(data={"acme.ttl": TINY_DATA, "extension.ttl": extension})
    outputs = {}
    for engine in ("fast", "reference"):
        build(project, project.root / engine, engine=engine)
        outputs[engine] = sorted((project.root / engine / "inferred.nt").read_text(encoding="utf-8").splitlines())
    assert outputs["fast"] == outputs["reference"]
    text = "\n".join(outputs["fast"])
    for triple in ["<https://example.org/bo> <https://example.org/colleague> <https://example.org/ann>",
                   "<https://example.org/ann> <https://example.org/grandparent> <https://example.org/di>",
                   "<https://example.org/b2> <https://example.org/holder> <https://example.org/ann>",
                   "<https://example.org/fay> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/Senior>"]:
        assert triple in text
    assert "<https://example.org/b3> <http://www.w3.org/2002/07/owl#sameAs>" not in text


@pytest.mark.slow
@pytest.mark.parametrize("defects", [False, True], ids=["w3c-axioms-and-same-as", "a-defect-of-each-kind"])
def test_a_synthetic_company_reasons_fast_with_owlrl_s_triples(defects, tmp_path, shipped_ontology):
    """A company of the benchmark's kind (about 2,300 triples): with OWL-Time/PROV/ORG
    class-expression axioms and ten owl:sameAs pairs of its people; or with a defect of each
    kind that the shapes find (which those disjointness axioms would make inconsistent)."""
    from benchmarks.synth import write_synthetic

    path = tmp_path / "company.nt"
    write_synthetic(path, companies=1, seed=11 if defects else 3, violations=int(defects))
    graph = shipped_ontology + Graph().parse(path, format="nt")
    if not defects:
        people = sorted({s for s in graph.subjects()
                         if str(s).startswith("https://w3id.org/restructuring-kg/id/person/")})
        assert len(people) >= 20
        extra = W3C + "".join(f"<{a}> owl:sameAs <{b}> .\n" for a, b in zip(people[0:20:2], people[1:20:2]))
        graph.parse(format="turtle", data=PREFIXES + extra)
    store = to_store(graph)
    result = fast_reason(store)
    fast, ref = set(graph_of(store, inferred=True)), set(reason(graph))
    assert (result.engine, result.warnings) == ("fast", ())
    assert sum(1 for _, p, _ in fast if p == OWL.sameAs) >= (0 if defects else 10)
    assert result == len(fast) == len(ref) > 1000
    assert fast == ref
