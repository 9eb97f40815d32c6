"""Tests of the time model: the plain days derived from dates at any precision
(:mod:`kg.timebounds`), the date layer (:mod:`kg.dates`) and the ``?pFirst``/``?pLast``
binding of a date parameter."""

from __future__ import annotations

import datetime

import pytest
from rdflib import Graph, Literal, URIRef

from kg.dates import date_literal, date_span, span_of
from kg.query import Query, bind_query, query_graph, run_query, to_store
from kg.timebounds import add_day_bounds, day_bounds
from kg.vocab import PREFIXES, RKG, XSD

EX = "https://example.org/"
TURTLE = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()) + f"@prefix ex: <{EX}> .\n"


def _bounds(data: str, *, engine: str = "rdflib") -> dict[tuple[str, str], str]:
    graph = Graph().parse(format="turtle", data=TURTLE + data)
    source = graph if engine == "rdflib" else to_store(graph)
    derived = day_bounds(source)
    assert all(o.datatype == XSD.date for o in derived.objects())
    return {(str(s).removeprefix(EX), str(p).split("#")[-1]): str(o) for s, p, o in derived}


ENGINES = ("rdflib", "oxigraph")


#: One dated or bounded thing each, and the days derived for it.
CASES = {
    "a day is its own earliest and latest day": (
        'ex:i time:inXSDDate "2026-03-16"^^xsd:date .', {"earliestDay": "2026-03-16", "latestDay": "2026-03-16"}),
    "a month runs from its first to its last day": (
        'ex:i time:inXSDgYearMonth "2024-02"^^xsd:gYearMonth .', {"earliestDay": "2024-02-01", "latestDay": "2024-02-29"}),
    "a year runs from 1 January to 31 December": (
        'ex:i time:inXSDgYear "2025"^^xsd:gYear .', {"earliestDay": "2025-01-01", "latestDay": "2025-12-31"}),
    "not after gives only a latest day": (
        'ex:i rkg:notAfter "2026-03"^^xsd:gYearMonth .', {"latestDay": "2026-03-31"}),
    "not before gives only an earliest day": (
        'ex:i rkg:notBefore "2026"^^xsd:gYear .', {"earliestDay": "2026-01-01"}),
    "both bounds give both days": (
        'ex:i rkg:notBefore "2026-02"^^xsd:gYearMonth ; rkg:notAfter "2026-03-20"^^xsd:date .',
        {"earliestDay": "2026-02-01", "latestDay": "2026-03-20"}),
    "an event dated by dcterms:date gets its days": (
        'ex:i dcterms:date "2026-03"^^xsd:gYearMonth .', {"earliestDay": "2026-03-01", "latestDay": "2026-03-31"}),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES)
def test_the_days_of_a_dated_or_bounded_thing(case, engine):
    data, days = CASES[case]
    assert _bounds(data, engine=engine) == {("i", name): day for name, day in days.items()}


@pytest.mark.parametrize("engine", ENGINES)
def test_an_interval_holds_from_its_beginnings_first_to_its_ends_last_day(engine):
    bounds = _bounds('''
        ex:i time:hasBeginning ex:b ; time:hasEnd ex:e .
        ex:b time:inXSDgYear "2023"^^xsd:gYear .
        ex:e time:inXSDgYearMonth "2026-03"^^xsd:gYearMonth .''', engine=engine)
    assert (bounds[("i", "holdsFrom")], bounds[("i", "holdsUntil")]) == ("2023-01-01", "2026-03-31")


def test_a_beginning_known_only_by_not_after_is_taken_at_the_bound():
    bounds = _bounds('ex:i time:hasBeginning ex:b . ex:b rkg:notAfter "2026-03-23"^^xsd:date .')
    assert bounds[("i", "holdsFrom")] == "2026-03-23"
    assert ("b", "earliestDay") not in bounds


def test_an_end_known_only_by_not_before_is_taken_at_the_bound():
    bounds = _bounds('ex:i time:hasEnd ex:e . ex:e rkg:notBefore "2026-03"^^xsd:gYearMonth .')
    assert bounds[("i", "holdsUntil")] == "2026-03-01"
    assert ("e", "latestDay") not in bounds


def test_an_interval_without_beginning_or_end_is_open_on_that_side():
    bounds = _bounds('ex:i time:hasEnd ex:e . ex:e time:inXSDDate "2026-03-16"^^xsd:date .')
    assert ("i", "holdsFrom") not in bounds and bounds[("i", "holdsUntil")] == "2026-03-16"
    bounds = _bounds('ex:i time:hasBeginning ex:b . ex:b time:inXSDDate "2026-03-16"^^xsd:date .')
    assert ("i", "holdsUntil") not in bounds and bounds[("i", "holdsFrom")] == "2026-03-16"


def test_an_ill_typed_or_ill_formed_date_derives_nothing():
    assert _bounds('''
        ex:a time:inXSDgYear "2026"^^xsd:integer .
        ex:b time:inXSDDate "2026-02-30"^^xsd:string .
        ex:c rkg:notAfter "soon" .
        ex:d time:inXSDDate "2026-03-16"@en .''') == {}


def test_a_plain_literal_is_read_as_written():
    """The shapes report its missing datatype; the other rules read the date as the old
    string comparison did, so one defect is reported once."""
    assert _bounds('ex:i time:inXSDDate "2026-03" .') == {("i", "earliestDay"): "2026-03-01", ("i", "latestDay"): "2026-03-31"}


def test_blank_node_instants_and_the_store_give_the_same_triples():
    graph = Graph().parse(format="turtle", data=TURTLE + '''
        ex:i time:hasBeginning [ time:inXSDgYearMonth "2026-03"^^xsd:gYearMonth ] .''')
    store = to_store(graph)
    assert set(day_bounds(store)) == set(day_bounds(graph))
    added = add_day_bounds(store)
    assert len(added) == 3 and len(day_bounds(store)) == 0  # what a graph holds is not derived again


def test_the_source_is_not_changed():
    graph = Graph().parse(format="turtle", data=TURTLE + 'ex:b time:inXSDDate "2026-03-16"^^xsd:date .')
    before = set(graph)
    day_bounds(graph)
    assert set(graph) == before


# -- the date layer -----------------------------------------------------------------------


def test_date_spans_of_text_and_literals():
    assert date_span("2026-03-16") == (datetime.date(2026, 3, 16),) * 2
    assert date_span("2023-02") == (datetime.date(2023, 2, 1), datetime.date(2023, 2, 28))
    assert span_of(Literal("2026-03-16Z", datatype=XSD.date)) == (datetime.date(2026, 3, 16),) * 2
    assert span_of(Literal("2026", datatype=XSD.date)) is None
    with pytest.raises(ValueError, match="is not a date"):
        date_span("March")
    with pytest.raises(ValueError, match="is not a date"):
        date_literal("2026-13")


# -- binding ?pFirst and ?pLast -------------------------------------------------------------

_HOLDS = Query.from_text('''
#+ summary: Intervals that hold on a date
#+ params:
#+   - name: date
#+     type: date
PREFIX rkg: <https://w3id.org/restructuring-kg/ontology#>
SELECT ?interval WHERE {
  ?interval rkg:holdsFrom|rkg:holdsUntil ?day .
  FILTER NOT EXISTS { ?interval rkg:holdsFrom ?from FILTER (?from > ?dateLast) }
  FILTER NOT EXISTS { ?interval rkg:holdsUntil ?until FILTER (?until < ?dateFirst) }
} GROUP BY ?interval ORDER BY ?interval''')


def test_a_date_parameter_binds_its_first_and_last_day_when_the_query_uses_them():
    text = bind_query(_HOLDS, Graph(), {"date": "2026-02"})
    assert 'VALUES (?date ?dateFirst ?dateLast) { ("2026-02"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> ' \
           '"2026-02-01"^^<http://www.w3.org/2001/XMLSchema#date> "2026-02-28"^^<http://www.w3.org/2001/XMLSchema#date>) }' in text


def test_a_query_that_does_not_use_them_is_bound_as_before():
    query = Query.from_text('''
#+ summary: x
#+ params:
#+   - name: date
#+     type: date
SELECT ?date WHERE { }''')
    assert "dateFirst" not in bind_query(query, Graph(), {"date": "2026"})


@pytest.mark.parametrize("engine", ENGINES)
def test_holds_on_a_day_month_or_year_is_one_overlap_test(engine):
    graph = Graph().parse(format="turtle", data=TURTLE + '''
        ex:feb time:hasBeginning [ time:inXSDDate "2026-02-10"^^xsd:date ] ; time:hasEnd [ time:inXSDDate "2026-02-20"^^xsd:date ] .
        ex:open time:hasBeginning [ time:inXSDgYearMonth "2026-03"^^xsd:gYearMonth ] .
        ex:old time:hasEnd [ time:inXSDgYear "2025"^^xsd:gYear ] .''')
    graph += day_bounds(graph)
    source = graph if engine == "rdflib" else to_store(graph)

    def holding(date):
        return [str(row["interval"]).removeprefix(EX) for row in run_query(_HOLDS, source, params={"date": date})]

    assert holding("2026-02-15") == ["feb"]
    assert holding("2026-02") == ["feb"]
    assert holding("2026-03-01") == ["open"]
    assert holding("2026") == ["feb", "open"]
    assert holding("2025-12") == ["old"]


def test_query_graphs_hold_the_bounds_with_or_without_inferences(shipped_project):
    plain = query_graph(shipped_project)
    assert (None, RKG.holdsFrom, None) in plain and (None, RKG.earliestDay, None) in plain
    assert len(day_bounds(plain)) == 0


def test_every_dated_instant_of_the_shipped_data_has_its_bounds(shipped_project):
    graph = query_graph(shipped_project)
    for instant in set(graph.subjects(URIRef(PREFIXES["time"] + "inXSDDate"))):
        assert (instant, RKG.earliestDay, None) in graph and (instant, RKG.latestDay, None) in graph
    interval = URIRef(PREFIXES["rmem"] + "he-jingzhou-head-baidu-app-rd-center-interval")
    assert list(graph.objects(interval, RKG.holdsFrom)) == [Literal("2026-03-18", datatype=XSD.date)]
