"""OWL 2 RL reasoning: what users need is derived, store-breaking noise is not."""

from __future__ import annotations

import owlrl
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.current import current
from kg.errors import ReasoningError
from kg.load import load_graph
from kg.reason import rdflib_conversions_kept, reason
from kg.vocab import ORG, OWL, PROV, RDF, RDFS, RKG, SKOS, XSD
from tests.conftest import PROLOGUE, ROOT, TINY_DATA

ORG_ID = "https://w3id.org/restructuring-kg/id/org/"
PERSON = "https://w3id.org/restructuring-kg/id/person/"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_graph([ROOT / "ontology" / "restructuring.ttl", ROOT / "ontology" / "imports" / "w3c-axioms.ttl"])


@pytest.fixture(scope="module")
def tiny(ontology) -> tuple[Graph, Graph]:
    """The tiny company with the real ontology, and what reasoning adds to it."""
    graph = Graph()
    graph += ontology
    graph.parse(data=TINY_DATA, format="turtle")
    return graph, reason(graph)


def test_input_is_not_modified(tiny):
    graph, _ = tiny
    before = set(graph)
    reason(graph)
    assert set(graph) == before


def test_result_holds_only_new_triples(tiny):
    graph, inferred = tiny
    assert len(inferred) > 0
    assert not any(triple in graph for triple in inferred)


def test_types_follow_the_class_hierarchy(tiny):
    _, inferred = tiny
    lab = URIRef(ORG_ID + "acme-lab")
    for cls in (ORG.OrganizationalUnit, ORG.Organization, URIRef("http://xmlns.com/foaf/0.1/Agent")):
        assert (lab, RDF.type, cls) in inferred
    assert (URIRef(ORG_ID + "acme"), RDF.type, ORG.FormalOrganization) in inferred


def test_placements_give_the_org_hierarchy(tiny):
    graph, inferred = tiny
    acme, group, lab = (URIRef(ORG_ID + name) for name in ("acme", "acme-ai", "acme-lab"))
    assert (lab, RKG.wasSubOrganizationOf, group) in inferred  # reasoning: at some time
    inferred = inferred + current(graph + inferred)  # the untimed ORG terms: the latest state (kg.current)
    assert (lab, ORG.subOrganizationOf, group) in inferred
    assert (group, ORG.subOrganizationOf, acme) in inferred
    assert (lab, ORG.transitiveSubOrganizationOf, acme) in inferred  # two levels up
    assert (acme, ORG.hasSubOrganization, group) in inferred
    assert (lab, ORG.subOrganizationOf, acme) not in inferred  # not transitive itself


def test_reporting_lines_give_reports_to(tiny):
    graph, inferred = tiny
    inferred = inferred + current(graph + inferred)  # the untimed ORG terms: the latest state (kg.current)
    bo, ann = URIRef(PERSON + "bo-chen"), URIRef(PERSON + "ann-lee")
    assert (bo, ORG.reportsTo, ann) in inferred
    assert (bo, RKG.reportsToTransitively, ann) in inferred


def test_reports_to_transitively_chains(ontology):
    graph = Graph()
    graph += ontology
    graph.parse(format="turtle", data=PROLOGUE + """
        rrep:a-b a rkg:ReportingLine ; rkg:subordinate rper:a ; rkg:superior rper:b .
        rrep:b-c a rkg:ReportingLine ; rkg:subordinate rper:b ; rkg:superior rper:c .""")
    inferred = reason(graph)
    inferred += current(graph + inferred)  # org:reportsTo holds for lines with no end (kg.current)
    a, c = URIRef(PERSON + "a"), URIRef(PERSON + "c")
    assert (a, RKG.reportsToTransitively, c) in inferred
    assert (a, ORG.reportsTo, c) not in inferred


def test_super_properties_are_derived(tiny):
    _, inferred = tiny
    event = URIRef("https://w3id.org/restructuring-kg/id/event/2026-03-16-acme-lab-established")
    assert (event, PROV.wasAssociatedWith, URIRef(PERSON + "bo-chen")) in inferred
    assert (URIRef(ORG_ID + "acme-lab"), ORG.resultedFrom, event) in inferred


def test_no_triple_a_store_would_reject_or_that_is_noise(tiny):
    _, inferred = tiny
    for s, p, o in inferred:
        assert not isinstance(s, Literal)
        assert not (s == o and p in (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf))
        assert not (p == RDF.type and o in (OWL.Thing, RDFS.Resource))
        assert not (p in (RDFS.subClassOf, RDFS.subPropertyOf) and o in (OWL.Thing, OWL.topObjectProperty))
        assert s != OWL.Nothing
        assert not str(s).startswith(("http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/2002/07/owl#"))


def test_owlrl_alone_would_produce_that_noise(tiny):
    """The filter is needed: plain owlrl types literals and states x owl:sameAs x."""
    graph, _ = tiny
    closure = Graph()
    closure += graph
    with rdflib_conversions_kept():
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    assert any(isinstance(s, Literal) for s in closure.subjects())
    assert any(s == o for s, o in closure.subject_objects(OWL.sameAs))


# That kg.reason adds what plain owlrl adds: tests/test_reasoning_parity.py.


def test_inference_notes_are_editorial_notes(ontology):
    graph = Graph()
    graph += ontology
    graph.parse(format="turtle", data=PROLOGUE + 'rmem:x-begin rkg:inferenceNote "From the next holder."@en .')
    inferred = reason(graph)
    node = URIRef("https://w3id.org/restructuring-kg/id/membership/x-begin")
    assert (node, SKOS.editorialNote, Literal("From the next holder.", lang="en")) in inferred


@pytest.mark.parametrize("consistent", [True, False])
def test_reasoning_leaves_rdflib_s_literal_conversions_as_they_were(consistent):
    """owlrl leaves its own converters in rdflib (for xsd:gYear, under which "2023Z" is
    ill-typed): after kg.reason, a literal is read in the process as before, even after an error."""
    import rdflib.term

    before = dict(rdflib.term._toPythonMapping)
    graph = Graph().parse(format="turtle", data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix ex: <https://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:Person owl:disjointWith ex:Organization . ex:acme a ex:Organization ; ex:since "2023Z"^^xsd:gYear .
        """ + ("" if consistent else "ex:acme a ex:Person ."))
    if consistent:
        reason(graph)
    else:
        with pytest.raises(ReasoningError):
            reason(graph)
    assert rdflib.term._toPythonMapping == before
    assert not Literal("2023Z", datatype=XSD.gYear).ill_typed


def test_an_inconsistent_graph_is_an_error():
    graph = Graph().parse(format="turtle", data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix ex: <https://example.org/> .
        ex:Person owl:disjointWith ex:Organization .
        ex:acme a ex:Person , ex:Organization .""")
    with pytest.raises(ReasoningError, match="Disjoint classes"):
        reason(graph)


def test_blank_nodes_of_citations_get_their_types(tiny):
    _, inferred = tiny
    derivations = {s for s in inferred.subjects(RDF.type, PROV.Influence) if isinstance(s, BNode)}
    assert derivations  # prov:Derivation is a prov:Influence


def test_shipped_graph_has_org_hierarchy_and_no_literal_subjects(shipped_graph):
    assert not any(isinstance(s, Literal) for s in shipped_graph.subjects())
    assert any(True for _ in shipped_graph.triples((None, ORG.subOrganizationOf, None)))
