"""The ``*-violation.rq`` queries: silent on the shipped data, and each finds the defect it
is about in a small bad graph (with a near miss beside it that must not be reported).

The bad graphs are inline Turtle on top of the real ontology; only the triples a query
looks at are written, since these queries check what the shapes cannot, not what they do.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.query import load_catalogue, run_query, to_store
from tests.conftest import PROLOGUE, ROOT

CATALOGUE = load_catalogue(ROOT / "queries")
VIOLATION_QUERIES = sorted(name for name, query in CATALOGUE.items() if query.is_violation)

ID = "https://w3id.org/restructuring-kg/id/"

#: query name -> (bad data, the (this, value) pairs it must report, nothing else).
BAD_GRAPHS = {
    "organization-lifetime-violation": (
        PROLOGUE + """
rorg:lab a rkg:Lab ; rdfs:label "Lab"@en ; rkg:company rorg:acme .
rorg:new a rkg:Lab ; rdfs:label "New Lab"@en ; rkg:company rorg:acme .
rev:lab-dissolved a rkg:Dissolution ; dcterms:date "2026-03-20"^^xsd:date ;
    rkg:status rkg:announced ; org:originalOrganization rorg:lab .
rev:new-established a rkg:Establishment ; dcterms:date "2026-03-16"^^xsd:date ;
    rkg:status rkg:announced ; org:resultingOrganization rorg:new .
rev:lab-plan a rkg:Dissolution ; dcterms:date "2025-01-01"^^xsd:date ;
    rkg:status rkg:reportedPlan ; org:originalOrganization rorg:new .

# Still open after the lab was dissolved: reported.
rmem:open-head org:member rper:ann ; org:organization rorg:lab ; org:role rkg:head ;
    org:memberDuring rmem:open-head-interval .
rmem:open-head-interval time:hasBeginning rmem:open-head-begin .
rmem:open-head-begin time:inXSDgYear "2024"^^xsd:gYear .
# Ends on the day of the dissolution: touching, not reported.
rpl:lab-in-acme rkg:placedUnit rorg:lab ; rkg:parentOrganization rorg:acme ;
    rkg:placedDuring rpl:lab-in-acme-interval .
rpl:lab-in-acme-interval time:hasEnd rpl:lab-in-acme-end .
rpl:lab-in-acme-end time:inXSDDate "2026-03-20"^^xsd:date .
# Ends, by its upper bound, after the dissolution: reported.
rrep:lab-to-ann rkg:subordinate rorg:lab ; rkg:superior rper:ann ;
    rkg:reportingDuring rrep:lab-to-ann-interval .
rrep:lab-to-ann-interval time:hasEnd rrep:lab-to-ann-end .
rrep:lab-to-ann-end rkg:notAfter "2026-04-01"^^xsd:date .
# Begins a month before the new lab was set up: reported.
rpl:new-in-acme rkg:placedUnit rorg:new ; rkg:parentOrganization rorg:acme ;
    rkg:placedDuring rpl:new-in-acme-interval .
rpl:new-in-acme-interval time:hasBeginning rpl:new-in-acme-begin .
rpl:new-in-acme-begin time:inXSDgYearMonth "2026-02"^^xsd:gYearMonth .
# Begins in the month of the set-up: the same at the coarser precision, not reported
# (and the planned dissolution of 2025 is not a fact, so it ends nothing).
rmem:new-head org:member rper:bo ; org:organization rorg:new ; org:role rkg:head ;
    org:memberDuring rmem:new-head-interval .
rmem:new-head-interval time:hasBeginning rmem:new-head-begin .
rmem:new-head-begin time:inXSDgYearMonth "2026-03"^^xsd:gYearMonth .
""",
        {
            ("membership/open-head", "event/lab-dissolved"),
            ("reporting/lab-to-ann", "event/lab-dissolved"),
            ("placement/new-in-acme", "event/new-established"),
        },
    ),
    "event-placement-violation": (
        PROLOGUE + """
# Set up, but placed only with no beginning: reported.
rev:x-established a rkg:Establishment ; dcterms:date "2026-03-16"^^xsd:date ;
    rkg:status rkg:announced ; org:resultingOrganization rorg:x .
rpl:x-in-acme rkg:placedUnit rorg:x ; rkg:parentOrganization rorg:acme ;
    rkg:placedDuring rpl:x-in-acme-interval .
# Moved under rorg:hub and placed there from the same month: not reported.
rev:y-moved a rkg:Transfer ; dcterms:date "2026-03-16"^^xsd:date ; rkg:status rkg:announced ;
    rkg:transferredUnit rorg:y ; org:resultingOrganization rorg:hub .
rpl:y-in-hub rkg:placedUnit rorg:y ; rkg:parentOrganization rorg:hub ;
    rkg:placedDuring rpl:y-in-hub-interval .
rpl:y-in-hub-interval time:hasBeginning rpl:y-in-hub-begin .
rpl:y-in-hub-begin time:inXSDgYearMonth "2026-03"^^xsd:gYearMonth .
# Moved under rorg:hub but placed from then on under another parent: reported.
rev:z-moved a rkg:Transfer ; dcterms:date "2026-03-16"^^xsd:date ; rkg:status rkg:announced ;
    rkg:transferredUnit rorg:z ; org:resultingOrganization rorg:hub .
rpl:z-in-acme rkg:placedUnit rorg:z ; rkg:parentOrganization rorg:acme ;
    rkg:placedDuring rpl:z-in-acme-interval .
rpl:z-in-acme-interval time:hasBeginning rpl:z-in-acme-begin .
rpl:z-in-acme-begin time:inXSDDate "2026-03-16"^^xsd:date .
# Only a reported plan, and an event dated only by its upper bound: not checked.
rev:w-planned a rkg:Establishment ; dcterms:date "2026-03-16"^^xsd:date ;
    rkg:status rkg:reportedPlan ; org:resultingOrganization rorg:w .
rev:v-established a rkg:Establishment ; rkg:notAfter "2026-03-16"^^xsd:date ;
    rkg:status rkg:completed ; org:resultingOrganization rorg:v .
""",
        {("event/x-established", "org/x"), ("event/z-moved", "org/z")},
    ),
    "departure-destination-violation": (
        PROLOGUE + """
rorg:acme a rkg:Company . rorg:rival a rkg:Company .
rorg:rival-lab a rkg:Lab ; rkg:company rorg:rival .
# Ann leaves for the rival, a source gives her role there, but no membership: reported.
rev:ann-leaves a rkg:Departure ; dcterms:date "2026-01"^^xsd:gYearMonth ; rkg:status rkg:completed ;
    rkg:company rorg:acme ; rkg:involvedPerson rper:ann ; rkg:destinationOrganization rorg:rival .
rev:ann-joins a rkg:Appointment ; dcterms:date "2026-02"^^xsd:gYearMonth ; rkg:status rkg:completed ;
    rkg:company rorg:rival ; rkg:involvedPerson rper:ann ; rkg:affectedOrganization rorg:rival-lab .
# Her membership at the rival's lab begins before she left: it does not count.
rmem:ann-early org:member rper:ann ; org:organization rorg:rival-lab ; org:role rkg:head ;
    org:memberDuring rmem:ann-early-interval .
rmem:ann-early-interval time:hasBeginning rmem:ann-early-begin .
rmem:ann-early-begin time:inXSDgYear "2025"^^xsd:gYear .
# Bo does the same and his membership begins after he left: not reported.
rev:bo-leaves a rkg:Departure ; dcterms:date "2026-01"^^xsd:gYearMonth ; rkg:status rkg:completed ;
    rkg:company rorg:acme ; rkg:involvedPerson rper:bo ; rkg:destinationOrganization rorg:rival-lab .
rev:bo-joins a rkg:Appointment ; dcterms:date "2026-02"^^xsd:gYearMonth ; rkg:status rkg:completed ;
    rkg:company rorg:rival ; rkg:involvedPerson rper:bo ; rkg:affectedOrganization rorg:rival-lab .
rmem:bo-head org:member rper:bo ; org:organization rorg:rival-lab ; org:role rkg:head ;
    org:memberDuring rmem:bo-head-interval .
rmem:bo-head-interval time:hasBeginning rmem:bo-head-begin .
rmem:bo-head-begin time:inXSDgYearMonth "2026-02"^^xsd:gYearMonth .
# Cy leaves for the rival and no source gives a role there: nothing to check.
rev:cy-leaves a rkg:Departure ; dcterms:date "2026-01"^^xsd:gYearMonth ; rkg:status rkg:completed ;
    rkg:company rorg:acme ; rkg:involvedPerson rper:cy ; rkg:destinationOrganization rorg:rival .
""",
        {("event/ann-leaves", "event/ann-joins")},
    ),
    "shared-alias-violation": (
        PROLOGUE + """
@prefix rprd: <https://w3id.org/restructuring-kg/id/product/> .
rorg:ace-lab rdfs:label "Ace Lab"@en ; skos:altLabel "Ace"@en .
rprd:ace-app rdfs:label "Ace App"@en ; skos:altLabel "Ace"@en , "Ace"@de .
rper:ace-person rdfs:label "Ace Person"@en ; skos:altLabel "Ace"@de .
rev:ace-event rdfs:label "Ace Event"@en ; skos:altLabel "the ace"@en .
""",
        {("org/ace-lab", "product/ace-app"), ("person/ace-person", "product/ace-app")},
    ),
}


@pytest.fixture(scope="module")
def ontology(shipped_graphs) -> Graph:
    return shipped_graphs.ontology


@pytest.fixture(scope="module")
def asserted_graph(shipped_graphs) -> Graph:
    """The shipped ontology and data as an analyst loads them, before reasoning."""
    return shipped_graphs.ontology + shipped_graphs.data


def _pairs(result) -> set[tuple[str, str]]:
    return {
        (str(row["this"]).removeprefix(ID), str(row["value"]).removeprefix(ID))
        for row in result.bindings
    }


@pytest.fixture(scope="module")
def asserted_store(asserted_graph):
    return to_store(asserted_graph)


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("name", VIOLATION_QUERIES)
def test_violation_query_is_silent_on_the_shipped_data(name, engine, asserted_graph, asserted_store):
    graph = asserted_graph if engine == "rdflib" else asserted_store
    result = run_query(name, graph, catalogue=CATALOGUE)
    assert not result.bindings, result.serialize("table")


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("name", sorted(BAD_GRAPHS))
def test_violation_query_reports_exactly_the_defects_of_a_bad_graph(name, engine, ontology):
    data, expected = BAD_GRAPHS[name]
    graph = ontology + Graph().parse(data=data, format="turtle")
    store = graph if engine == "rdflib" else to_store(graph)
    result = run_query(name, store, catalogue=CATALOGUE)
    assert _pairs(result) == expected
    assert all(row.get("message") for row in result.bindings)


@pytest.mark.parametrize("name", sorted(BAD_GRAPHS))
def test_violation_query_has_header_and_result_columns(name):
    query = CATALOGUE[name]
    assert query.summary and query.description
    assert not query.params
