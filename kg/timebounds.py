"""Plain ``xsd:date`` bounds derived from dates at any precision (the time model).

The data keeps the precision a source gives: a beginning, an end or an event is dated
by a day, a month or a year (``time:inXSDDate``, ``time:inXSDgYearMonth``,
``time:inXSDgYear``, ``dcterms:date``), or only bounded (``rkg:notBefore``,
``rkg:notAfter``). XSD gives no order between a day, a month and a year, so this stage
derives plain days that every store compares the same way:

- on everything dated or bounded, ``rkg:earliestDay`` (the first day it can be: a
  month's 1st, a year's 1 January, the first day of ``rkg:notBefore``; absent when only
  ``rkg:notAfter`` bounds it) and ``rkg:latestDay`` (the last day it can be: a month's
  last day, a year's 31 December, the last day of ``rkg:notAfter``; absent when only
  ``rkg:notBefore`` bounds it);
- on every interval with a beginning or an end, ``rkg:holdsFrom`` (its beginning's
  earliest day or, for a beginning only bounded by ``rkg:notAfter``, that bound's last
  day: as-of queries take the bound as the date) and ``rkg:holdsUntil`` (its end's
  latest day or, for an end only bounded by ``rkg:notBefore``, that bound's first day).
  Without a beginning (held since before the sources) or an end (still held) the
  interval has no ``rkg:holdsFrom`` or ``rkg:holdsUntil``: that side is open.

An interval then holds on a day, month or year D (first day ``?first``, last day
``?last``) when ``holdsFrom <= ?last`` and ``holdsUntil >= ?first``, an absent side
counting as open. The bounds depend on the asserted data only; :func:`kg.build.build`
writes them to the inferred graph (both engines) after letting the shapes see them, and
:func:`kg.query.query_graph` adds them to every local query graph.

>>> from rdflib import Graph
>>> graph = Graph().parse(format="turtle", data='''
...     @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
...     @prefix time: <http://www.w3.org/2006/time#> .
...     @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
...     @prefix ex: <https://example.org/> .
...     ex:role time:hasBeginning ex:start ; time:hasEnd ex:stop .
...     ex:start time:inXSDgYearMonth "2024-02"^^xsd:gYearMonth .
...     ex:stop rkg:notAfter "2026"^^xsd:gYear .''')
>>> sorted(f"{s.split('/')[-1]} {p.split('#')[-1]} {o}" for s, p, o in day_bounds(graph))
['role holdsFrom 2024-02-01', 'role holdsUntil 2026-12-31', 'start earliestDay 2024-02-01', 'start latestDay 2024-02-29', 'stop latestDay 2026-12-31']
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, Iterable, Iterator, Optional, cast

import pyoxigraph
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from kg.dates import span_of
from kg.load import from_oxigraph
from kg.vocab import PREFIXES, RKG

__all__ = ["DATED", "INTERVALS", "add_day_bounds", "day_bounds", "store_day_bounds"]

_PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rkg", "time", "dcterms"))

#: The relations that date a thing, by how: ``exact`` (a day, month or year), ``notBefore``
#: or ``notAfter``; and those from an interval to its instants, by side.
_DATING: dict[str, tuple[str, ...]] = {
    "exact": ("time:inXSDDate", "time:inXSDgYearMonth", "time:inXSDgYear", "dcterms:date"),
    "notBefore": ("rkg:notBefore",), "notAfter": ("rkg:notAfter",)}
_SIDES: dict[str, tuple[str, ...]] = {"beginning": ("time:hasBeginning",), "end": ("time:hasEnd",)}

#: Everything dated or bounded, with how (see ``_DATING``).
DATED = _PROLOGUE + "SELECT ?thing ?how ?value WHERE {\n    " + "\n    UNION ".join(
    f'{{ ?thing {"|".join(names)} ?value BIND ("{how}" AS ?how) }}' for how, names in _DATING.items()) + "\n}"

#: The beginnings and ends of intervals.
INTERVALS = _PROLOGUE + "SELECT ?interval ?side ?instant WHERE {\n    " + "\n    UNION ".join(
    f'{{ ?interval {"|".join(names)} ?instant BIND ("{side}" AS ?side) }}' for side, names in _SIDES.items()) + "\n}"


def _day(day: datetime.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


_NAMES = ("earliestDay", "latestDay", "holdsFrom", "holdsUntil")
_XSD_DATE = pyoxigraph.NamedNode(str(XSD.date))
_MISSING = object()


def _bounds(dated: Iterable[tuple], span: Callable[[Any], Any]) -> tuple[dict, dict]:
    """The earliest and the latest day of each dated or bounded thing of the ``(thing, how,
    value)`` rows ``dated``, ``span`` giving a value's first and last day (or ``None``).

    One pass, one day kept per thing and kind (no list of the days of each: at 1M triples
    the lists and their garbage collection were most of the time)."""
    exact_first: dict = {}
    exact_last: dict = {}
    not_before: dict = {}  # the tightest bound: the latest first day
    not_after: dict = {}  # the earliest last day
    for thing, how, value in dated:
        found = span(value)
        if found is None:
            continue
        first, last = found
        if how == "exact":
            known = exact_first.get(thing)
            if known is None or first < known:
                exact_first[thing] = first
            known = exact_last.get(thing)
            if known is None or last > known:
                exact_last[thing] = last
        elif how == "notBefore":
            known = not_before.get(thing)
            if known is None or first > known:
                not_before[thing] = first
        else:
            known = not_after.get(thing)
            if known is None or last < known:
                not_after[thing] = last
    # A stated date wins over any bound beside it (a shape violation), on both sides.
    not_before.update(exact_first)
    not_after.update(exact_last)
    return not_before, not_after


def _derived(dated: Iterable[tuple], intervals: Iterable[tuple], span: Callable[[Any], Any]
             ) -> Iterator[tuple[Any, str, datetime.date]]:
    """The derived bounds, as ``(thing, name, day)`` (a name of :data:`_NAMES`), of the rows
    of :data:`DATED` and :data:`INTERVALS` (``how`` and ``side`` as text), whatever the terms."""
    earliest, latest = _bounds(dated, span)
    for thing, day in earliest.items():
        yield thing, "earliestDay", day
    for thing, day in latest.items():
        yield thing, "latestDay", day
    begins: dict = {}  # the earliest day of any beginning
    ends: dict = {}  # the latest day of any end
    for interval, side, instant in intervals:
        if side == "beginning":
            day = earliest.get(instant, latest.get(instant))  # only notAfter: the bound as the date
            if day is not None:
                known = begins.get(interval)
                if known is None or day < known:
                    begins[interval] = day
        else:
            day = latest.get(instant, earliest.get(instant))  # only notBefore: the bound as the date
            if day is not None:
                known = ends.get(interval)
                if known is None or day > known:
                    ends[interval] = day
    for interval, day in begins.items():
        yield interval, "holdsFrom", day
    for interval, day in ends.items():
        yield interval, "holdsUntil", day


def day_bounds(source: Any) -> Graph:
    """The derived day bounds of ``source`` that it does not hold yet.

    ``source`` is an :class:`rdflib.Graph` or a ``pyoxigraph.Store`` (its default graph is
    read); it is not changed. Returns a new graph of ``rkg:earliestDay``,
    ``rkg:latestDay``, ``rkg:holdsFrom`` and ``rkg:holdsUntil`` triples, all typed
    ``xsd:date``. Dates that are not well-formed days, months or years are left out (the
    shapes report them). For a store, :func:`store_day_bounds` gives the same triples as
    Oxigraph terms, without making rdflib terms of them.
    """
    if not isinstance(source, Graph):
        derived = Graph()
        for made in store_day_bounds(source):
            derived.add((from_oxigraph(made.subject), from_oxigraph(made.predicate), from_oxigraph(made.object)))
        return derived
    dated = ((thing, str(how), value) for thing, how, value in cast("Iterable[tuple[Any, ...]]", source.query(DATED)))
    intervals = ((i, str(side), instant) for i, side, instant in cast("Iterable[tuple[Any, ...]]", source.query(INTERVALS)))
    derived = Graph()
    for thing, name, day in _derived(dated, intervals, lambda v: span_of(v) if isinstance(v, Literal) else None):
        triple = (thing, RKG[name], _day(day))
        if triple not in source:
            derived.add(triple)
    return derived


def store_day_bounds(store: pyoxigraph.Store) -> list[pyoxigraph.Triple]:
    """:func:`day_bounds` of a pyoxigraph ``store``'s default graph, as Oxigraph triples.

    Each distinct date literal is read once (not once per use), and no rdflib term is made
    per triple: at 1M triples this is what made the bounds cost 40 s.

    >>> store = pyoxigraph.Store()
    >>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:x"), pyoxigraph.NamedNode(str(RKG.notBefore)),
    ...                           pyoxigraph.Literal("2024", datatype=pyoxigraph.NamedNode(str(XSD.gYear)))))
    >>> [str(t.object) for t in store_day_bounds(store)]
    ['"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>']
    """
    spans: dict = {}

    def span(value):
        if not isinstance(value, pyoxigraph.Literal):
            return None
        found = spans.get(value, _MISSING)
        if found is _MISSING:
            found = spans[value] = span_of(cast(Literal, from_oxigraph(value)))
        return found

    default = pyoxigraph.DefaultGraph()

    def rows(kinds: dict[str, tuple[str, ...]]) -> Iterator[tuple]:
        # The rows of DATED or INTERVALS, read from the store's index of each relation
        # (without the query engine: a third of the time at 1M triples).
        for kind, names in kinds.items():
            for name in names:
                prefix, local = name.split(":")
                relation = pyoxigraph.NamedNode(PREFIXES[prefix] + local)
                for quad in store.quads_for_pattern(None, relation, None, default):
                    yield quad.subject, kind, quad.object

    dated, intervals = rows(_DATING), rows(_SIDES)
    predicates = {name: pyoxigraph.NamedNode(str(RKG[name])) for name in _NAMES}
    held = {quad.triple for predicate in predicates.values()
            for quad in store.quads_for_pattern(None, predicate, None, default)}
    days: dict = {}
    found = []
    for thing, name, day in _derived(dated, intervals, span):
        literal = days.get(day)
        if literal is None:
            literal = days[day] = pyoxigraph.Literal(day.isoformat(), datatype=_XSD_DATE)
        triple = pyoxigraph.Triple(thing, predicates[name], literal)
        if triple not in held:
            found.append(triple)
    return found


def add_day_bounds(store: Any, *, into: Optional[Any] = None) -> list[pyoxigraph.Triple]:
    """Add :func:`store_day_bounds` of a pyoxigraph ``store``'s default graph to the store.

    :param into: the named graph to write to; the default graph when ``None``.
    :returns: the triples added (Oxigraph triples).
    """
    derived = store_day_bounds(store)
    graph = pyoxigraph.DefaultGraph() if into is None else into
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in derived)
    return derived
