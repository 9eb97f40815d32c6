"""The untimed ORG shortcuts describe one state: the latest one the sources describe (kg.current)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from kg.build import build
from kg.current import CLOSURE, CURRENT, add_current, current
from kg.query import to_store
from kg.vocab import ORG, PREFIXES, RKG
from tests.conftest import PROLOGUE, TINY_DATA

ORG_ID = PREFIXES["rorg"]
PERSON = PREFIXES["rper"]
BUILD_FILES = ("asserted.nt", "inferred.nt", "graph.trig")

#: The tiny company, where the lab moved from the AI group to the company itself on 1 May
#: 2026, and Bo Chen's reporting line to Ann Lee ended then.
MOVED = PROLOGUE + """
rpl:acme-lab-in-acme-ai-interval time:hasEnd rpl:acme-lab-in-acme-ai-end .
rpl:acme-lab-in-acme-ai-end a time:Instant ; time:inXSDDate "2026-05-01"^^xsd:date .
rpl:acme-lab-in-acme a rkg:Placement ; rdfs:label "Acme Lab directly in Acme"@en ;
    rkg:placedUnit rorg:acme-lab ; rkg:parentOrganization rorg:acme ;
    rkg:placedDuring rpl:acme-lab-in-acme-interval ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L3" ] .
rpl:acme-lab-in-acme-interval a time:Interval ; time:hasBeginning rpl:acme-lab-in-acme-begin .
rpl:acme-lab-in-acme-begin a time:Instant ; time:inXSDDate "2026-05-01"^^xsd:date .
"""

#: Every pair of untimed parents of one unit whose placements never held at the same
#: time (one ended before, or when, the other began; dates compared at the coarser precision).
NEVER_TOGETHER = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rkg: <https://w3id.org/restructuring-kg/ontology#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?unit ?p1 ?p2 WHERE {
    ?unit org:subOrganizationOf ?p1 , ?p2 . FILTER (STR(?p1) < STR(?p2))
    FILTER NOT EXISTS {
        ?x1 rkg:placedUnit ?unit ; rkg:parentOrganization ?p1 .
        ?x2 rkg:placedUnit ?unit ; rkg:parentOrganization ?p2 .
        OPTIONAL { ?x1 rkg:placedDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|rkg:notAfter) ?b1 }
        OPTIONAL { ?x1 rkg:placedDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|rkg:notAfter) ?e1 }
        OPTIONAL { ?x2 rkg:placedDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|rkg:notAfter) ?b2 }
        OPTIONAL { ?x2 rkg:placedDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|rkg:notAfter) ?e2 }
        FILTER (!BOUND(?e1) || !BOUND(?b2) || SUBSTR(STR(?e1), 1, STRLEN(STR(?b2))) > SUBSTR(STR(?b2), 1, STRLEN(STR(?e1))))
        FILTER (!BOUND(?e2) || !BOUND(?b1) || SUBSTR(STR(?e2), 1, STRLEN(STR(?b1))) > SUBSTR(STR(?b1), 1, STRLEN(STR(?e2))))
    }
}"""


def local(node) -> str:
    return str(node).rsplit("/", 1)[-1]


def test_no_shipped_unit_has_two_untimed_parents_that_never_held_together(shipped_graph):
    assert len(list(shipped_graph.triples((None, ORG.subOrganizationOf, None)))) > 20
    assert [tuple(local(n) for n in row) for row in shipped_graph.query(NEVER_TOGETHER)] == []


def test_the_check_finds_two_parents_that_never_held_together(make_project, tmp_path):
    # History-wide parents, as the reasoner derived them before kg.current: both of the lab's.
    graph = Graph()
    graph.parse(format="turtle", data=TINY_DATA + MOVED)
    graph.update("PREFIX org: <http://www.w3.org/ns/org#> PREFIX rkg: <https://w3id.org/restructuring-kg/ontology#> "
                 "INSERT { ?u org:subOrganizationOf ?p } WHERE { ?x rkg:placedUnit ?u ; rkg:parentOrganization ?p }")
    assert [tuple(local(n) for n in row) for row in graph.query(NEVER_TOGETHER)] == [("acme-lab", "acme", "acme-ai")]


def test_tongyi_lab_is_in_no_unit_after_it_was_upgraded_but_its_history_stays(shipped_graph):
    lab = URIRef(ORG_ID + "tongyi-lab")
    assert list(shipped_graph.objects(lab, ORG.subOrganizationOf)) == []  # upgraded on 8 April 2026
    assert sorted(local(p) for p in shipped_graph.objects(lab, RKG.wasSubOrganizationOf)) == [
        "alibaba-cloud", "alibaba-token-hub"]
    dingtalk = URIRef(ORG_ID + "dingtalk")
    assert [local(p) for p in shipped_graph.objects(dingtalk, ORG.subOrganizationOf)] == ["wukong-business-unit"]


def test_ended_reporting_lines_and_roles_give_no_untimed_relation(shipped_graph):
    lin, zhou = URIRef(PERSON + "lin-junyang"), URIRef(PERSON + "zhou-jingren")
    assert (lin, RKG.reportedTo, zhou) in shipped_graph  # at some time
    assert (lin, ORG.reportsTo, zhou) not in shipped_graph  # ended on 3 March 2026
    assert (lin, ORG.memberOf, URIRef(ORG_ID + "qwen-team")) not in shipped_graph
    assert (URIRef(PERSON + "wu-yongming"), ORG.headOf, URIRef(ORG_ID + "alibaba-token-hub")) in shipped_graph
    assert (URIRef(PERSON + "lei-yanqun"), ORG.headOf, URIRef(ORG_ID + "taobao-flash-sale")) in shipped_graph
    assert (URIRef(PERSON + "wu-zeming"), ORG.headOf, URIRef(ORG_ID + "taobao-flash-sale")) not in shipped_graph


def test_rdflib_and_oxigraph_derive_the_same_triples(shipped_graphs):
    graph = shipped_graphs.ontology + shipped_graphs.data
    from_rdflib = current(graph)
    store = to_store(graph)
    into = pyoxigraph.NamedNode("https://example.org/current")
    added = add_current(store, into=into)
    from_store = {tuple(str(t.value) for t in (q.subject, q.predicate, q.object))
                  for q in store.quads_for_pattern(None, None, None, into)}
    assert added == len(from_rdflib) > 0
    assert from_store == {tuple(str(t) for t in triple) for triple in from_rdflib}


def test_oxigraph_adds_only_what_neither_graph_holds_as_rdflib_does():
    # Some current relations stated in the data, one written by reasoning: neither is added again.
    graph = Graph().parse(format="turtle", data=TINY_DATA + MOVED + PROLOGUE
                          + "rorg:acme-lab org:subOrganizationOf rorg:acme ; org:transitiveSubOrganizationOf rorg:acme .")
    from_rdflib = current(graph)
    store = to_store(graph)
    into = pyoxigraph.NamedNode("https://example.org/current")
    held = next(iter(from_rdflib))
    store.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode(str(t)) for t in held), into))
    added = add_current(store, into=into)
    from_store = {tuple(str(t.value) for t in (q.subject, q.predicate, q.object))
                  for q in store.quads_for_pattern(None, None, None, into)}
    assert added == len(from_rdflib) - 1 > 0
    assert from_store == {tuple(str(t) for t in triple) for triple in from_rdflib}
    assert add_current(store, into=into) == 0


def test_current_does_not_change_its_input_and_adds_nothing_twice():
    graph = Graph().parse(format="turtle", data=TINY_DATA)
    before = set(graph)
    derived = current(graph)
    assert set(graph) == before and len(derived) > 0
    assert len(current(graph + derived)) == 0
    assert "CONSTRUCT" in CURRENT and "CONSTRUCT" in CLOSURE


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_build_keeps_only_the_latest_parent_untimed(make_project, tmp_path: Path, engine):
    project = make_project(data={"acme.ttl": TINY_DATA + MOVED})
    build(project, tmp_path / engine, force=True, engine=engine)
    inferred = Graph().parse(tmp_path / engine / "inferred.nt", format="nt")
    lab = URIRef(ORG_ID + "acme-lab")
    assert [local(p) for p in inferred.objects(lab, ORG.subOrganizationOf)] == ["acme"]
    assert sorted(local(p) for p in inferred.objects(lab, RKG.wasSubOrganizationOf)) == ["acme", "acme-ai"]


def test_both_engines_write_the_same_files_when_a_unit_moved(make_project, tmp_path):
    project = make_project(data={"acme.ttl": TINY_DATA + MOVED})
    build(project, tmp_path / "fast", force=True)
    build(project, tmp_path / "reference", force=True, engine="reference")
    for name in BUILD_FILES:
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name
