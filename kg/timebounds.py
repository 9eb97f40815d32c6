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
from typing import Any, Iterable, Optional, cast

import pyoxigraph
from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.dates import span_of
from kg.fast.store import from_rdflib
from kg.load import from_oxigraph
from kg.vocab import PREFIXES, RKG

__all__ = ["DATED", "INTERVALS", "add_day_bounds", "day_bounds"]

_PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rkg", "time", "dcterms"))

#: Everything dated or bounded, with how: ``exact`` (a day, month or year), ``notBefore``
#: or ``notAfter``.
DATED = _PROLOGUE + """SELECT ?thing ?how ?value WHERE {
    { ?thing time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|dcterms:date ?value BIND ("exact" AS ?how) }
    UNION { ?thing rkg:notBefore ?value BIND ("notBefore" AS ?how) }
    UNION { ?thing rkg:notAfter ?value BIND ("notAfter" AS ?how) }
}"""

#: The beginnings and ends of intervals.
INTERVALS = _PROLOGUE + """SELECT ?interval ?side ?instant WHERE {
    { ?interval time:hasBeginning ?instant BIND ("beginning" AS ?side) }
    UNION { ?interval time:hasEnd ?instant BIND ("end" AS ?side) }
}"""


def _day(day: datetime.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def _rows(source: Any, text: str, names: tuple[str, ...]) -> Iterable[tuple]:
    """The rows of a SELECT on an rdflib graph or on the default graph of a pyoxigraph store."""
    if isinstance(source, Graph):
        # a SELECT: its rows are tuples (rdflib types a result's items as any query form's)
        yield from cast("Iterable[tuple[Any, ...]]", source.query(text))
        return
    for solution in source.query(text):
        yield tuple(from_oxigraph(solution[name]) for name in names)


def _bounds(source: Any) -> tuple[dict, dict]:
    """The earliest and the latest day of each dated or bounded thing of ``source``."""
    spans: dict[Node, dict[str, list]] = {}
    for thing, how, value in _rows(source, DATED, ("thing", "how", "value")):
        span = span_of(value) if isinstance(value, Literal) else None
        if span is not None:
            spans.setdefault(thing, {}).setdefault(str(how), []).append(span)
    earliest, latest = {}, {}
    for thing, found in spans.items():
        if "exact" in found:  # a stated date; a bound beside it is a shape violation
            earliest[thing] = min(first for first, _ in found["exact"])
            latest[thing] = max(last for _, last in found["exact"])
            continue
        if "notBefore" in found:  # the tightest bound
            earliest[thing] = max(first for first, _ in found["notBefore"])
        if "notAfter" in found:
            latest[thing] = min(last for _, last in found["notAfter"])
    return earliest, latest


def day_bounds(source: Any) -> Graph:
    """The derived day bounds of ``source`` that it does not hold yet.

    ``source`` is an :class:`rdflib.Graph` or a ``pyoxigraph.Store`` (its default graph is
    read); it is not changed. Returns a new graph of ``rkg:earliestDay``,
    ``rkg:latestDay``, ``rkg:holdsFrom`` and ``rkg:holdsUntil`` triples, all typed
    ``xsd:date``. Dates that are not well-formed days, months or years are left out (the
    shapes report them).
    """
    earliest, latest = _bounds(source)
    derived = Graph()
    for thing, day in earliest.items():
        derived.add((thing, RKG.earliestDay, _day(day)))
    for thing, day in latest.items():
        derived.add((thing, RKG.latestDay, _day(day)))
    begins: dict[Node, list] = {}
    ends: dict[Node, list] = {}
    for interval, side, instant in _rows(source, INTERVALS, ("interval", "side", "instant")):
        if str(side) == "beginning":
            day = earliest.get(instant, latest.get(instant))  # only notAfter: the bound as the date
            if day is not None:
                begins.setdefault(interval, []).append(day)
        else:
            day = latest.get(instant, earliest.get(instant))  # only notBefore: the bound as the date
            if day is not None:
                ends.setdefault(interval, []).append(day)
    for interval, days in begins.items():
        derived.add((interval, RKG.holdsFrom, _day(min(days))))
    for interval, days in ends.items():
        derived.add((interval, RKG.holdsUntil, _day(max(days))))
    return _new(derived, source)


def _new(derived: Graph, source: Any) -> Graph:
    if isinstance(source, Graph):
        held = [t for t in derived if t in source]
    else:
        default = pyoxigraph.DefaultGraph()
        held = [t for t in derived
                if any(True for _ in source.quads_for_pattern(*map(from_rdflib, t), default))]
    for triple in held:
        derived.remove(triple)
    return derived


def add_day_bounds(store: Any, *, into: Optional[Any] = None) -> Graph:
    """Add :func:`day_bounds` of a pyoxigraph ``store``'s default graph to the store.

    :param into: the named graph to write to; the default graph when ``None``.
    :returns: the triples added.
    """
    derived = day_bounds(store)
    graph = pyoxigraph.DefaultGraph() if into is None else into
    store.extend(pyoxigraph.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph) for s, p, o in derived)
    return derived
