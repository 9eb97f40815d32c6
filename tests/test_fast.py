"""kg.fast gives the answers of the reference stack: pySHACL's violations and rdflib's
query rows, on synthetic graphs with injected defects, on the shipped graph and on small
graphs made to probe each feature.

The other parity tests: each shape case (tests/test_shapes.py, one pySHACL pass over all of
them), the W3C SHACL suite through both engines (tests/test_conformance.py), owlrl's
inferences (tests/test_reasoning_parity.py) and the rows of every named query on rdflib,
pyoxigraph and an Oxigraph server over the shipped graph (tests/test_store.py)."""

from __future__ import annotations

import contextlib
import re

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from benchmarks.synth import sample_params, write_synthetic
from kg.errors import ShapesError
from kg.fast.reason import _schema, compile_rules
from kg.fast.reason import reason as fast_reason
from kg.fast.store import INFERRED, from_rdflib, graph_of, load_store, record_rewritten
from kg.fast.validate import Unsupported, unsupported
from kg.fast.validate import validate as fast_validate
from kg.load import LoadWarning, parse
from kg.query import load_catalogue, run_query, to_store
from kg.validate import SH, validate

COMPANIES = 1


def result_keys(report, graph: Graph) -> list[tuple]:
    """Each result as severity, focus node, source shape, constraint, path and value.

    A blank node is named by its label (each parser names blank nodes its own way).
    """

    def text(node):
        if node is None:
            return ""
        if isinstance(node, BNode):
            label = graph.value(node, RDFS.label)
            return "_:" + str(label) if label is not None else "_:"
        return node.n3()

    return sorted(
        (r.severity_name, text(r.focus_node), str(r.source_shape), str(r.source_constraint_component),
         text(r.result_path) if not isinstance(r.result_path, BNode) else report.rule(r), text(r.value))
        for r in report.results
    )


@pytest.fixture(scope="session")  # slow tests run first (conftest): shared with the others
def synthetic(tmp_path_factory):
    """One company with a defect of each kind (pySHACL stays at seconds): the file and its rdflib graph."""
    path = tmp_path_factory.mktemp("fast") / "synthetic.nt"
    write_synthetic(path, companies=COMPANIES, seed=7, violations=1)
    return path, Graph().parse(path, format="nt")


@pytest.fixture(scope="session")
def reasoned(tmp_path_factory, shipped_graphs, shipped_project):
    """One company with a defect of each kind, reasoned by kg.fast into the default graph of a
    store (that its inferences are owlrl's is tests/test_reasoning_parity.py's): the asserted
    rdflib graph, the store and the count of inferred triples."""
    path = tmp_path_factory.mktemp("fast") / "reasoned.nt"
    write_synthetic(path, companies=1, seed=11, violations=1)
    graph = shipped_graphs.ontology + Graph().parse(path, format="nt")
    store = load_store([*shipped_project.ontology_files, path])
    count = fast_reason(store, into=pyoxigraph.DefaultGraph())
    return graph, store, count


def test_the_project_shapes_and_ontology_need_no_fallback(shipped_graphs):
    """The fast path is fast for every shape and axiom, not a hand-picked subset."""
    assert unsupported(shipped_graphs.shapes) is None
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*map(_oxi, t)) for t in shipped_graphs.ontology)
    assert compile_rules(_schema(store)).unsupported == []


def _oxi(term):
    from kg.fast.store import from_rdflib

    return from_rdflib(term)


@pytest.mark.slow
def test_validation_reports_what_pyshacl_reports_on_injected_defects(synthetic, shipped_graphs, shipped_project):
    path, data = synthetic
    reference = validate(data, shapes_graph=shipped_graphs.shapes, ontology_graph=shipped_graphs.ontology)
    store = load_store([*shipped_project.ontology_files, path])
    fast = fast_validate(store, shapes_graph=shipped_graphs.shapes, fallback=False)
    assert len(reference.violations) > 80
    assert result_keys(fast, graph_of(store)) == result_keys(reference, data)
    assert fast.conforms is reference.conforms is False
    assert sorted(r.message for r in fast.results) == sorted(r.message for r in reference.results)


def test_validation_leaves_the_store_as_it_was(synthetic, shipped_graphs, shipped_project):
    """The focus nodes it keeps in named graphs while it runs are removed."""
    path, _ = synthetic
    store = load_store([*shipped_project.ontology_files, path])
    before = set(store.quads_for_pattern(None, None, None, None))
    fast_validate(store, shapes_graph=shipped_graphs.shapes, fallback=False)
    assert set(store.quads_for_pattern(None, None, None, None)) == before
    assert list(store.named_graphs()) == []


def test_values_found_over_the_whole_store_give_the_focus_nodes_own_results(synthetic, shipped_graphs,
                                                                             shipped_project, monkeypatch):
    """The value checks read each path's values once over the whole store and look only the
    bad ones up among the focus nodes (compared with pySHACL above); with more bad values than
    that lookup takes, each shape's focus nodes are joined with the path: the same report."""
    import kg.fast.validate as fast

    path, _ = synthetic
    store = load_store([*shipped_project.ontology_files, path])
    looked_up = fast_validate(store, shapes_graph=shipped_graphs.shapes, fallback=False)
    monkeypatch.setattr(fast, "_FEW", 0)
    joined = fast_validate(store, shapes_graph=shipped_graphs.shapes, fallback=False)
    assert len(looked_up.violations) > 80
    assert result_keys(joined, graph_of(store)) == result_keys(looked_up, graph_of(store))


@pytest.mark.slow
def test_validation_of_the_shipped_graph_is_pyshacl_s(shipped_graphs, shipped_project):
    """The one run of pySHACL on the shipped data (that it conforms: tests/test_shapes.py)."""
    reference = validate(shipped_graphs.data, shapes_graph=shipped_graphs.shapes, ontology_graph=shipped_graphs.ontology)
    store = load_store([*shipped_project.ontology_files, *shipped_project.data_files])
    fast = fast_validate(store, shapes_graph=shipped_graphs.shapes, fallback=False)
    assert result_keys(fast, graph_of(store)) == result_keys(reference, shipped_graphs.data)
    assert fast.conforms is reference.conforms


#: A SPARQL-based target (SHACL Advanced Features, not compiled: its shapes go to pySHACL).
SPARQL_TARGET = 'sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this a <https://example.org/Unit> }" ]'
#: A SPARQL-based constraint component.
COMPONENT = """
    ex:LangComponent a sh:ConstraintComponent ;
        sh:parameter [ sh:path ex:lang ] ;
        sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:message "Not in that language." ;
            sh:select "SELECT DISTINCT $this ?value WHERE { $this $PATH ?value . FILTER (!langMatches(lang(?value), $lang)) }" ] .
"""


def test_unsupported_shapes_go_to_pyshacl_or_fail_loudly():
    shapes = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; """ + SPARQL_TARGET + """ ; sh:property [ sh:path ex:name ; sh:maxCount 0 ] .""")
    store = pyoxigraph.Store()
    store.load(b"""@prefix ex: <https://example.org/> . ex:lab a ex:Unit ; ex:name "Lab" .""",
               format=pyoxigraph.RdfFormat.TURTLE)
    assert re.search("sh:target", unsupported(shapes))
    report = fast_validate(store, shapes_graph=shapes)
    reference = validate(graph_of(store), shapes_graph=shapes)
    assert [(str(r.focus_node), str(r.result_path)) for r in report.results] == [
        ("https://example.org/lab", "https://example.org/name")]
    assert result_keys(report, graph_of(store)) == result_keys(reference, graph_of(store))
    with pytest.raises(Unsupported, match="sh:target"):
        fast_validate(store, shapes_graph=shapes, fallback=False)


def test_reasoning_into_the_default_graph_adds_the_inferred_triples(reasoned):
    graph, store, count = reasoned
    assert count > 1000
    assert len(store) == len(graph) + count
    assert not any(True for _ in store.quads_for_pattern(None, None, None, INFERRED))


def _rows(result) -> list:
    """The rows as RDF terms in N-Triples form, in a canonical order (engines may break ORDER BY ties apart)."""
    if result.boolean is not None:
        return [result.boolean]
    return sorted(tuple(row[v].n3() if v in row else "" for v in result.vars) for row in result.bindings)


#: Queries rdflib does not finish in minutes on the synthetic graph (role-succession's
#: nested OPTIONALs); they are compared on the shipped graph only.
SLOW_IN_RDFLIB = {"role-succession"}


@pytest.mark.slow
def test_every_named_query_returns_rdflib_s_rows(reasoned, shipped_project):
    _, store, _ = reasoned
    graph = graph_of(store)  # the same triples, in rdflib
    catalogue = load_catalogue(shipped_project.queries_dir)
    sample = sample_params(companies=1, seed=11)
    nonempty = 0
    for name, query in catalogue.items():
        if name in SLOW_IN_RDFLIB:
            continue
        params = {p.name: sample.get(p.name, sample.get(p.type)) for p in query.params}
        params = {k: v for k, v in params.items() if v is not None}
        expected = run_query(query, graph, params=params)
        found = run_query(query, store, params=params)
        assert found.vars == expected.vars, name
        assert _rows(found) == _rows(expected), name
        nonempty += bool(expected.bindings)
    assert nonempty >= len(catalogue) // 2


# -- Any input: both engines give the standard answer, or refuse loudly -------------------------

SH_PROLOGUE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


def both(data: str, shapes: str) -> tuple:
    """The fast report (over a store of ``data``) and the reference report, and the data graph."""
    shapes_graph = Graph().parse(format="turtle", data=SH_PROLOGUE + shapes)
    store = pyoxigraph.Store()
    store.load((SH_PROLOGUE + data).encode(), format=pyoxigraph.RdfFormat.TURTLE)
    return fast_validate(store, shapes_graph=shapes_graph), validate(graph_of(store), shapes_graph=shapes_graph), graph_of(store)


def test_a_shape_the_fast_engine_cannot_run_goes_to_pyshacl_alone_with_a_note():
    fast, reference, data = both(
        'ex:lab a ex:Unit ; ex:name "Lab" . ex:x a ex:Unit .',
        """ex:Closed a sh:NodeShape ; """ + SPARQL_TARGET + """ ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
           ex:Named a sh:NodeShape ; sh:targetClass ex:Unit ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .""")
    assert result_keys(fast, data) == result_keys(reference, data)
    assert len(fast.results) == 2
    assert len(fast.notes) == 1
    assert "example.org/Closed" in fast.notes[0] and "sh:target" in fast.notes[0] and "Named" not in fast.notes[0]


@pytest.mark.parametrize("query, refused", [
    ("SELECT $this WHERE { $this ?p ?o . SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c } }", "SERVICE"),
    ("SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 1 } }", "MINUS"),
    ("SELECT $this WHERE { $this ?p ?o . VALUES ?o { 1 } }", "VALUES"),
    ("SELECT $this WHERE { $this ?p ?o . { SELECT ?o WHERE { ?s ?p ?o } } }", "sub-query"),
    ("SELECT $this WHERE { BIND (ex:lab AS $this) }", "AS \\$this"),
    ("SELECT $this FROM <urn:g> WHERE { $this ?p ?o }", "FROM"),
])
def test_forbidden_sparql_is_refused_by_both_engines_naming_the_shape(query, refused):
    shapes = Graph().parse(format="turtle", data=SH_PROLOGUE + f'ex:S a sh:NodeShape ; sh:targetNode ex:lab ; sh:sparql [ sh:select """{query}""" ] .')
    store = pyoxigraph.Store()
    store.load(SH_PROLOGUE.encode() + b"ex:lab ex:p 1 .", format=pyoxigraph.RdfFormat.TURTLE)
    with pytest.raises(ShapesError, match=f"https://example.org/S.*{refused}"):
        fast_validate(store, shapes_graph=shapes)
    with pytest.raises(ShapesError, match=f"https://example.org/S.*{refused}"):
        validate(graph_of(store), shapes_graph=shapes)


def test_sparql_with_this_is_pre_bound_where_a_join_would_differ():
    # $this only in a nested FILTER, in a BIND and in a nested group: a join sees it unbound
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:bad, ex:good ;
        sh:sparql [ sh:select "SELECT $this WHERE { { FILTER ($this = <https://example.org/bad>) } }" ] ;
        sh:sparql [ sh:select "SELECT $this WHERE { BIND ($this AS ?that) FILTER (?that = <https://example.org/bad>) }" ] ."""
    fast, reference, data = both("ex:good ex:p 1 .", shapes)
    assert [str(r.focus_node) for r in fast.results] == ["https://example.org/bad"] * 2
    assert result_keys(fast, data) == result_keys(reference, data)


def test_sh_prefixes_are_those_of_each_constraint():
    shapes = """ex:a sh:declare [ sh:prefix "p" ; sh:namespace "https://example.org/a#"^^xsd:anyURI ] .
        ex:b sh:declare [ sh:prefix "p" ; sh:namespace "https://example.org/b#"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:x ;
            sh:sparql [ sh:prefixes ex:a ; sh:select "SELECT $this WHERE { $this p:q ?v }" ] ;
            sh:sparql [ sh:prefixes ex:b ; sh:select "SELECT $this WHERE { $this p:q ?v }" ] ."""
    fast, reference, data = both("ex:x <https://example.org/b#q> 1 .", shapes)
    assert len(fast.results) == 1
    assert result_keys(fast, data) == result_keys(reference, data)


def test_a_shape_that_is_a_class_targets_its_instances():
    shapes = """ex:Unit a owl:Class, sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
        ex:Kind rdfs:subClassOf rdfs:Class . ex:Team a ex:Kind, sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] ."""
    fast, reference, data = both("ex:lab a ex:Unit . ex:t a ex:Team .", shapes)
    assert sorted(str(r.focus_node) for r in fast.results) == ["https://example.org/lab", "https://example.org/t"]
    assert fast.notes == ()
    assert result_keys(fast, data) == result_keys(reference, data)


def test_a_value_reached_from_two_focus_nodes_gives_two_results():
    shapes = """ex:P a sh:NodeShape ; sh:targetClass ex:Person ;
        sh:property [ sh:path ex:address ; sh:property [ sh:path ex:city ; sh:class ex:City ] ] ."""
    fast, reference, data = both("ex:a a ex:Person ; ex:address ex:home . ex:b a ex:Person ; ex:address ex:home . "
                                 "ex:home ex:city ex:nowhere .", shapes)
    assert len(fast.results) == 2 == len(reference.results)
    assert result_keys(fast, data) == result_keys(reference, data)


@pytest.mark.parametrize("data", [
    "ex:a ex:from 1 ; ex:to 2 . ex:b ex:from 2 ; ex:to 2 . ex:c ex:from 3 ; ex:to 2 . ex:d ex:from 1 ; ex:to 1.5 .",
    'ex:a ex:from "2026-03-15"^^xsd:date ; ex:to "2026-03-16"^^xsd:date . '
    'ex:b ex:from "2026-03-16"^^xsd:date ; ex:to "2026-03-16"^^xsd:date . '
    'ex:c ex:from "2026-03-17"^^xsd:date ; ex:to "2026-03-16"^^xsd:date . '
    'ex:d ex:from "2026-03-17Z"^^xsd:date ; ex:to "2026-03-16"^^xsd:date . '
    'ex:e ex:from "2026-03-15+14:00"^^xsd:date ; ex:to "2026-03-15-10:00"^^xsd:date . '
    'ex:f ex:from "2026"^^xsd:gYear ; ex:to "2026-03-16"^^xsd:date . '
    'ex:g ex:from "2026-02-30"^^xsd:date ; ex:to "2026-03-16"^^xsd:date . '
    'ex:h ex:from "b" ; ex:to "a" . ex:i ex:from "2026-03-15"^^xsd:date ; ex:to "2026-03-16" .',
])
def test_less_than_and_less_than_or_equals_give_pyshacl_s_results(data):
    """Pairs surely in order (two integers, two days with no time zone) are left out in the
    store; every other pair is compared as pySHACL compares it."""
    shapes = """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:from ;
        sh:property [ sh:path ex:from ; sh:lessThan ex:to ] , [ sh:path ex:from ; sh:lessThanOrEquals ex:to ] ."""
    fast, reference, graph = both(data, shapes)
    assert len(fast.results) >= 3
    assert result_keys(fast, graph) == result_keys(reference, graph)


def test_focus_sets_stored_while_another_is_stored_keep_their_own_nodes():
    """The values of a property are stored from the focus nodes of their shape, which are
    stored then too (when a query first reads them): each set in a graph of its own."""
    shapes = """ex:Issue a sh:NodeShape ; sh:targetClass ex:Issue ;
        sh:property [ sh:path ex:assignedTo ; sh:node [
            sh:property [ sh:path ex:email ; sh:minCount 1 ] , [ sh:path ex:lastName ; sh:minCount 1 ] ] ] ,
          [ sh:path ex:submittedBy ; sh:minCount 1 ] ."""
    fast, reference, data = both("ex:i1 a ex:Issue ; ex:assignedTo ex:anon ; ex:submittedBy ex:anon . "
                                 "ex:i2 a ex:Issue ; ex:assignedTo ex:john ; ex:submittedBy ex:anon . "
                                 'ex:john ex:email "john@example.org" ; ex:lastName "Doe" .', shapes)
    assert [str(r.focus_node) for r in fast.results] == ["https://example.org/i1"]
    assert result_keys(fast, data) == result_keys(reference, data)


def test_a_nested_warning_shape_still_fails_its_sh_node():
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:node ex:Inner .
        ex:Inner a sh:NodeShape ; sh:severity sh:Warning ; sh:property [ sh:path ex:name ; sh:minCount 1 ] ."""
    fast, reference, data = both("ex:x ex:p 1 .", shapes)
    assert [r.source_constraint_component for r in fast.results] == [SH.NodeConstraintComponent]
    assert not fast.conforms
    assert result_keys(fast, data) == result_keys(reference, data)


def test_an_ill_typed_boolean_in_the_store_fails_an_or_of_datatypes():
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:x ;
        sh:property [ sh:path ex:flag ; sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:boolean ] ) ] ."""
    store = pyoxigraph.Store()  # SPARQL Update keeps the lexical form (no rdflib parser on the way)
    store.update('INSERT DATA { <https://example.org/x> <https://example.org/flag> "none"^^<http://www.w3.org/2001/XMLSchema#boolean> }')
    report = fast_validate(store, shapes_graph=Graph().parse(format="turtle", data=SH_PROLOGUE + shapes))
    assert [(r.source_constraint_component, str(r.value)) for r in report.results] == [(SH.OrConstraintComponent, "none")]


def test_the_report_graph_does_not_conform_when_it_has_only_warnings():
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Info ] ."
    fast, reference, _ = both("ex:x ex:p 1 .", shapes)
    for report in (fast, reference):
        assert report.conforms  # only violations fail the project's check
        top = next(report.graph.subjects(RDF.type, SH.ValidationReport))
        assert report.graph.value(top, SH.conforms).toPython() is False  # the SHACL spec's conforms


@pytest.mark.parametrize("shapes", [
    """ex:S a sh:NodeShape ; sh:targetClass ex:Unit ; sh:closed true ;
           sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ; sh:property [ sh:path ex:name ] .""",
    "ex:S a sh:NodeShape ; sh:targetClass ex:Unit ; sh:property [ sh:path ex:name ; sh:uniqueLang true ] .",
    """ex:S a sh:NodeShape ; sh:targetClass ex:Unit ;
           sh:property [ sh:path ex:member ; sh:qualifiedValueShape [ sh:class ex:Head ] ; sh:qualifiedMinCount 1 ;
                         sh:qualifiedMaxCount 1 ; sh:qualifiedValueShapesDisjoint true ] ;
           sh:property [ sh:path ex:member ; sh:qualifiedValueShape [ sh:class ex:Deputy ] ; sh:qualifiedMaxCount 1 ;
                         sh:qualifiedValueShapesDisjoint true ] .""",
], ids=["closed", "uniqueLang", "qualifiedValueShape"])
def test_closed_unique_lang_and_qualified_value_shapes_run_compiled(shapes):
    data = """ex:lab a ex:Unit ; ex:name "Lab"@en, "Labor"@en, "Labo"@fr ; ex:budget 3 ;
                  ex:member ex:a, ex:b, ex:c . ex:a a ex:Head, ex:Deputy . ex:b a ex:Deputy . ex:c a ex:Deputy .
              ex:ok a ex:Unit ; ex:name "OK"@en ; ex:member ex:h . ex:h a ex:Head ."""
    fast, reference, graph = both(data, shapes)
    assert fast.notes == ()
    assert fast.results and result_keys(fast, graph) == result_keys(reference, graph)


@pytest.mark.parametrize("shape", [
    'ex:S a sh:NodeShape ; sh:targetClass ex:Unit ; sh:property [ sh:path ex:name ; ex:lang "en" ] .',
    """ex:S a sh:NodeShape ; sh:targetClass ex:Unit ; sh:property [ sh:path ex:name ;
           sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value FILTER (lang(?value) != 'en') }" ] ] .""",
], ids=["component", "PATH"])
def test_sparql_components_and_path_run_compiled(shape):
    fast, reference, graph = both('ex:lab a ex:Unit ; ex:name "Lab"@en, "Labor"@de . ex:ok a ex:Unit ; ex:name "OK"@en .',
                                  shape + COMPONENT)
    assert fast.notes == ()
    assert [(str(r.focus_node), str(r.value)) for r in fast.results] == [("https://example.org/lab", "Labor")]
    assert result_keys(fast, graph) == result_keys(reference, graph)


def test_an_ask_validator_reports_each_failing_value():
    ask = """ex:EnAsk a sh:ConstraintComponent ; sh:parameter [ sh:path ex:askLang ] ;
        sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (langMatches(lang($value), $askLang)) }" ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:Unit ; sh:property [ sh:path ex:name ; ex:askLang "en" ] ."""
    fast, reference, graph = both('ex:lab a ex:Unit ; ex:name "Lab"@en, "Labor"@de . ex:ok a ex:Unit ; ex:name "OK"@en .', ask)
    assert fast.notes == ()
    assert [(str(r.focus_node), r.value) for r in fast.results] == [("https://example.org/lab", Literal("Labor", lang="de"))]
    # the same result as pySHACL's, which leaves out the value (SHACL 6.4 gives it: the value node)
    assert [k[:-1] for k in result_keys(fast, graph)] == [k[:-1] for k in result_keys(reference, graph)]


def test_shapes_graph_and_current_shape_are_pre_bound_and_the_store_is_left_as_it_was():
    shapes = Graph().parse(format="turtle", data=SH_PROLOGUE + """
        ex:S a sh:NodeShape ; sh:targetNode ex:x ; ex:limit 1 ;
            sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <https://example.org/p> ?value . GRAPH $shapesGraph { $currentShape <https://example.org/limit> ?limit } FILTER (?value > ?limit) }" ] .""")
    store = pyoxigraph.Store()
    store.load(SH_PROLOGUE.encode() + b"ex:x ex:p 1, 2 .", format=pyoxigraph.RdfFormat.TURTLE)
    before = set(store)
    report = fast_validate(store, shapes_graph=shapes)
    assert [(str(r.focus_node), str(r.value)) for r in report.results] == [("https://example.org/x", "2")]
    assert set(store) == before and list(store.named_graphs()) == []
    with pytest.raises(ShapesError, match="pySHACL does not run"):  # the reference refuses it, loudly
        validate(graph_of(store), shapes_graph=shapes)


def test_a_blank_focus_node_that_must_be_pre_bound_goes_to_pyshacl_with_a_note():
    shapes = """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;
        sh:sparql [ sh:select "SELECT $this WHERE { BIND ($this AS ?that) FILTER (isBlank(?that)) }" ] ."""
    fast, reference, data = both("[] ex:p 1 . ex:x ex:p 2 .", shapes)
    assert len(fast.results) == 1 and len(fast.notes) == 1 and "blank node" in fast.notes[0]
    assert result_keys(fast, data) == result_keys(reference, data)


def test_forbidden_sparql_in_a_sparql_target_is_refused_too():
    shapes = Graph().parse(format="turtle", data=SH_PROLOGUE + """ex:S a sh:NodeShape ;
        sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?this ?p ?o } }" ] ;
        sh:property [ sh:path ex:name ; sh:minCount 1 ] .""")
    store = pyoxigraph.Store()
    for engine in (lambda: fast_validate(store, shapes_graph=shapes), lambda: validate(graph_of(store), shapes_graph=shapes)):
        with pytest.raises(ShapesError, match="https://example.org/S.*SERVICE"):
            engine()


# -- Literals as written: the store keeps values ("7"^^xsd:int as an xsd:integer) --------------


def written_both(tmp_path, data: str, shapes: str) -> tuple:
    """The fast and the reference report on ``data`` read as ``kg validate`` reads it (files
    parsed by kg.load, literals as written; the fast engine's store made by kg.query.to_store,
    which notes the literals it rewrites), and the data graph."""
    (tmp_path / "data.ttl").write_text(SH_PROLOGUE + data, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(SH_PROLOGUE + shapes, encoding="utf-8")
    graph, shapes_graph = parse(tmp_path / "data.ttl"), parse(tmp_path / "shapes.ttl")
    with pytest.warns(LoadWarning) if written_forms_of(graph) else _nothing():
        store = to_store(graph)
    return fast_validate(store, shapes_graph=shapes_graph), validate(graph, shapes_graph=shapes_graph), graph


def written_forms_of(graph: Graph) -> bool:
    """Whether Oxigraph rewrites a literal of ``graph``."""
    return bool(record_rewritten(pyoxigraph.Store(), [from_rdflib(o) for o in graph.objects() if isinstance(o, Literal)]))


@contextlib.contextmanager
def _nothing():
    yield


_SIZE = "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:property [ sh:path ex:size ; {} ] ."
WRITTEN_CASES = {
    # (data, the constraint, the values of the results, as written; "" for a result without one)
    "int is an xsd:int": ('ex:a ex:size "7"^^xsd:int .', "sh:datatype xsd:int", []),
    "int is not an xsd:integer": ('ex:a ex:size "7"^^xsd:int .', "sh:datatype xsd:integer",
                                  ['"7"^^xsd:int']),
    "decimal written 4.0 is an xsd:decimal": ('ex:a ex:size "4.0"^^xsd:decimal .', "sh:datatype xsd:decimal", []),
    "4.0 is not below 4": ('ex:a ex:size "4.0"^^xsd:decimal .', "sh:maxExclusive 4", ['"4.0"^^xsd:decimal']),
    "in: 04 is not 4": ('ex:a ex:size "04"^^xsd:integer .', "sh:in ( 4 5 )", ['"04"^^xsd:integer']),
    "in: 04 is 04": ('ex:a ex:size "04"^^xsd:integer .', 'sh:in ( "04"^^xsd:integer )', []),
    "in: 4 is not 4.0": ('ex:a ex:size "4"^^xsd:decimal .', 'sh:in ( "4.0"^^xsd:decimal )', ['"4"^^xsd:decimal']),
    "in: 4.0 is 4.0": ('ex:a ex:size "4.0"^^xsd:decimal .', 'sh:in ( "4.0"^^xsd:decimal )', []),
    "hasValue: 04 is not 4": ('ex:a ex:size "04"^^xsd:integer .', "sh:hasValue 4", [""]),
    "hasValue: 4.0 is 4.0": ('ex:a ex:size "4.0"^^xsd:decimal .', 'sh:hasValue "4.0"^^xsd:decimal', []),
    "hasValue: 4 is not 4.0": ('ex:a ex:size "4"^^xsd:decimal .', 'sh:hasValue "4.0"^^xsd:decimal', [""]),
    "pattern reads 05": ('ex:a ex:size "05"^^xsd:integer .', 'sh:pattern "^0"', []),
    "maxLength reads 1.50": ('ex:a ex:size "1.50"^^xsd:decimal .', "sh:maxLength 3", ['"1.50"^^xsd:decimal']),
    "class reports the int": ('ex:a ex:size "7"^^xsd:int .', "sh:class ex:Size", ['"7"^^xsd:int']),
    "boolean 0": ('ex:a ex:size "0"^^xsd:boolean .', 'sh:in ( false )', ['"0"^^xsd:boolean']),
}


@pytest.mark.parametrize("case", list(WRITTEN_CASES))
def test_the_fast_engine_checks_and_reports_literals_as_written(tmp_path, case):
    data, constraint, shown = WRITTEN_CASES[case]
    fast, reference, graph = written_both(tmp_path, data, _SIZE.format(constraint))
    assert fast.notes == ()
    assert result_keys(fast, graph) == result_keys(reference, graph)
    values = sorted("" if r.value is None else r.value.n3(graph.namespace_manager) for r in fast.results)
    assert values == sorted(shown)
    assert fast.conforms == (not fast.results)


def test_literals_the_store_made_one_value_are_named_in_the_notes(tmp_path):
    data = 'ex:a ex:size "7"^^xsd:int . ex:b ex:size "07"^^xsd:integer . ex:c ex:size "5"^^xsd:int .'
    fast, reference, graph = written_both(tmp_path, data, _SIZE.format("sh:datatype xsd:int"))
    assert len(fast.notes) == 1
    assert all(form in fast.notes[0] for form in ('"7"^^<http://www.w3.org/2001/XMLSchema#int>',
                                                  '"07"^^<http://www.w3.org/2001/XMLSchema#integer>'))
    assert [str(r.focus_node) for r in reference.results] == ["https://example.org/b"]


def test_sparql_that_may_read_a_rewritten_literal_goes_to_pyshacl_with_a_note(tmp_path):
    # ex:Size looks at the datatype of ex:size values ("7"^^xsd:int, stored as an xsd:integer):
    # pySHACL runs it; the others only join, project or read other predicates: compiled
    data = 'ex:a ex:size "7"^^xsd:int ; ex:name "a" .'
    shapes = """ex:Size a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:sparql [ sh:select
            "SELECT $this ?value WHERE { $this <https://example.org/size> ?value FILTER (datatype(?value) != xsd:int) }" ;
            sh:prefixes ex: ] .
        ex:Name a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:sparql [ sh:select
            "SELECT $this ?value WHERE { $this <https://example.org/name> ?value FILTER (?value != 'b') }" ] .
        ex:Predicate a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:sparql [ sh:select
            "SELECT $this ?value WHERE { $this ?value [] FILTER (?value = <https://example.org/name>) }" ] .
        ex:Path a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:property [ sh:path ex:size ;
            sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value }" ] ] .
        ex: sh:declare [ sh:prefix "xsd" ; sh:namespace "http://www.w3.org/2001/XMLSchema#"^^xsd:anyURI ] ."""
    fast, reference, graph = written_both(tmp_path, data, shapes)
    assert [note.split(" validated by pySHACL")[0] for note in fast.notes] == ["shape <https://example.org/Size>"]
    assert result_keys(fast, graph) == result_keys(reference, graph)
    assert sorted(str(r.source_shape).rsplit("/", 1)[-1] for r in fast.results if isinstance(r.source_shape, URIRef)) == [
        "Name", "Predicate"]
    assert [r.value.n3(graph.namespace_manager) for r in fast.results if isinstance(r.value, Literal) and r.value.datatype] == ['"7"^^xsd:int']


def test_an_ask_validator_on_a_rewritten_literal_goes_to_pyshacl_with_a_note(tmp_path):
    # $value would be written into the query in the stored form ("7"^^xsd:integer)
    ask = """ex:IntAsk a sh:ConstraintComponent ; sh:parameter [ sh:path ex:askType ] ;
        sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (datatype($value) = $askType) }" ] .
        ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:property [ sh:path ex:size ; ex:askType xsd:int ] ."""
    fast, reference, graph = written_both(tmp_path, 'ex:a ex:size "7"^^xsd:int . ex:b ex:size 8 .', ask)
    assert [note.split(" validated by pySHACL")[0] for note in fast.notes] == ["shape <https://example.org/T>"]
    assert [str(r.focus_node) for r in fast.results] == ["https://example.org/b"]
    assert [k[:-1] for k in result_keys(fast, graph)] == [k[:-1] for k in result_keys(reference, graph)]


@pytest.mark.parametrize("shape", [
    'sh:targetNode "04"^^xsd:integer ; sh:datatype xsd:int',
    'sh:targetNode "04"^^xsd:integer ; sh:pattern "^4"',
    'sh:targetNode "4.0"^^xsd:decimal ; sh:maxInclusive 3',
], ids=["datatype", "pattern", "maxInclusive"])
def test_a_target_node_the_store_would_rewrite_is_checked_and_reported_as_written(tmp_path, shape):
    fast, reference, graph = written_both(tmp_path, "ex:a ex:b 1 .", f"ex:S a sh:NodeShape ; {shape} .")
    assert len(fast.results) == 1 and fast.notes == ()
    assert result_keys(fast, graph) == result_keys(reference, graph)
    assert str(fast.results[0].focus_node) in shape
