"""Parameter types: the text a user gives turned into checked RDF terms.

A date becomes an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal; a company,
person, unit, role, event type or source name becomes the IRI of the one thing of that
kind bearing the name (looked up in the graph the query runs on, with close matches
when none does).

>>> PARAM_TYPES["date"]("2026-03", None)
rdflib.term.Literal('2026-03', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYearMonth'))
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.dates import date_literal, date_span
from kg.errors import ParameterError
from kg.results import sparql_term
from kg.sparql.evaluate import evaluate as _evaluate
from kg.vocab import PREFIXES

if TYPE_CHECKING:
    from kg.sparql.catalogue import Query

__all__ = ["PARAM_TYPES", "Param", "date_span"]

#: The prefixes the fixed queries below use, from the project's namespaces.
_PREFIXES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rkg", "org", "rdfs", "skos", "foaf", "dcterms"))
#: Each kind of named thing: the properties that name it, and a fixed pattern that
#: holds for ``?x`` when ?x is of that kind.
_KINDS = {
    "company": ("rdfs:label|skos:prefLabel|skos:altLabel", "?x a rkg:Company"),
    "person": ("rdfs:label|skos:prefLabel|skos:altLabel", "?x a foaf:Person"),
    "unit": ("rdfs:label|skos:prefLabel|skos:altLabel", """
        { ?class rdfs:subClassOf* org:Organization . ?x a ?class }
        UNION { ?x rkg:company ?company } UNION { ?placement rkg:placedUnit ?x } UNION { ?x a rkg:Company }"""),
    "role": ("rdfs:label|skos:prefLabel|skos:altLabel", "?x a org:Role"),
    "event-type": ("rdfs:label|skos:prefLabel|skos:altLabel", """
        VALUES ?top { rkg:RestructuringEvent rkg:BusinessActivity } ?x rdfs:subClassOf* ?top"""),
    "source": ("rdfs:label|dcterms:title|dcterms:identifier", "?x a rkg:SourceDocument"),
}
#: Fixed queries that list each kind of named thing with its names (each thing once,
#: then its names: a unit, say, is placed many times).
_NAMES = {
    kind: f"SELECT ?x ?name WHERE {{ {{ SELECT DISTINCT ?x WHERE {{ {test} }} }} ?x {names} ?name }}"
    for kind, (names, test) in _KINDS.items()
}
#: Fixed queries for the things of each kind that bear one of the names ``?name`` or
#: are ``?x`` (bound by a VALUES block): lookups in the store's indexes.
_NAMED = {
    kind: f"SELECT DISTINCT ?x ?name WHERE {{ ?x {names} ?name . {test} }}"
    for kind, (names, test) in _KINDS.items()
}

_PERIODS = ("quarter", "month", "year")


def _date(value: str, graph: Any) -> Identifier:
    return date_literal(value)


def _integer(value: str, graph: Any) -> Identifier:
    if not re.fullmatch(r"[+-]?\d+", value.strip()):
        raise ValueError(f"{value!r} is not an integer")
    return Literal(int(value), datatype=XSD.integer)


def _string(value: str, graph: Any) -> Identifier:
    return Literal(value)


def _currency(value: str, graph: Any) -> Identifier:
    if not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code such as USD or CNY")
    return Literal(value.strip().upper())


def _period(value: str, graph: Any) -> Identifier:
    if value.strip().lower() not in _PERIODS:
        raise ValueError(f"{value!r} is not a period; use one of {', '.join(_PERIODS)}")
    return Literal(value.strip().lower())


def _expand(value: str) -> str:
    """``value`` with a project prefix (``rorg:alibaba-group``, as results print it) expanded.

    >>> _expand("rorg:alibaba-group")
    'https://w3id.org/restructuring-kg/id/org/alibaba-group'
    >>> _expand("urn:x:y")
    'urn:x:y'
    """
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def _iri(value: str, graph: Any) -> Identifier:
    value = _expand(value)
    if not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+\Z", value):
        raise ValueError(f"{value!r} is not an absolute IRI")
    term = URIRef(value)
    sparql_term(term)  # refuses characters an IRI cannot hold
    return term


def _named(kind: str) -> Callable[[str, Any], Identifier]:
    def names_of(text: str, graph: Any) -> dict[str, set[URIRef]]:
        names: dict[str, set[URIRef]] = {}
        for row in _evaluate(text, graph).bindings:
            thing = row["x"]
            if isinstance(thing, URIRef):
                for name in (str(row["name"]), str(thing), _local_name(thing)):
                    names.setdefault(name.casefold(), set()).add(thing)
        return names

    def resolve(value: str, graph: Any) -> Identifier:
        # A name or IRI as given is looked up; only if nothing bears it are all names
        # compared (in any case, and by the IRI's last segment), which at a million
        # triples takes the better part of a second.
        given = _expand(value.strip())
        wanted = given.casefold()
        found: set[URIRef] = set()
        if given:
            try:
                bound = f"VALUES ?x {{ {sparql_term(_iri(given, graph))} }}"
            except ValueError:
                forms = (Literal(given), Literal(given, lang="en"))
                bound = f"VALUES ?name {{ {' '.join(sparql_term(form) for form in forms)} }}"
            bound = f"WHERE {{ {bound}"
            found = names_of(_PREFIXES + _NAMED[kind].replace("WHERE {", bound, 1), graph).get(wanted, set())
        if not found:
            names = names_of(_PREFIXES + _NAMES[kind], graph)
            found = names.get(wanted, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise ValueError(
                f"{value!r} names more than one {kind}: "
                + ", ".join(sorted(f"<{t}>" for t in found))
            )
        if not names:
            raise ValueError(f"no {kind} is in the graph (is the ontology loaded with the data?)")
        close = difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.6)
        shown = sorted({_display_name(graph, names[c]) for c in close})
        hint = f"; close matches: {', '.join(shown)}" if shown else ""
        raise ValueError(f"no {kind} is named {value!r}{hint}")

    resolve.__name__ = f"_{kind.replace('-', '_')}"
    return resolve


#: Parameter types: each turns the text a user gives into an RDF term, or raises
#: ``ValueError`` with a message for the user.
PARAM_TYPES: dict[str, Callable[[str, Any], Identifier]] = {
    "date": _date,
    "integer": _integer,
    "string": _string,
    "currency": _currency,
    "period": _period,
    "iri": _iri,
    **{kind: _named(kind) for kind in _NAMES},
}


def _local_name(iri: URIRef) -> str:
    return re.split(r"[/#]", str(iri))[-1]


def _display_name(graph: Any, things: set[URIRef]) -> str:
    labels = [
        str(row["label"])
        for thing in sorted(things)
        for row in _evaluate(
            "SELECT ?label WHERE { " + sparql_term(thing)
            + " <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
            graph,
        ).bindings
    ]
    return repr(labels[0]) if labels else repr(_local_name(min(things)))


@dataclass(frozen=True)
class Param:
    """A declared parameter: its name (the query variable), type and default text."""

    name: str
    type: str
    default: Optional[str] = None
    description: str = ""
    #: The values allowed, when the header lists them (``values: a, b``); any otherwise.
    values: tuple[str, ...] = ()

    def resolve(self, value: Any, graph: Any, *, query: str = "query") -> Identifier:
        """The RDF term for ``value``; raises :class:`ParameterError` naming the parameter.

        An empty value is refused (leave the parameter out for its default), and so is
        a value not among :attr:`values` when the header lists them.
        """
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        try:
            if not text.strip():
                raise ValueError("empty; give a value, or leave the parameter out for its default")
            if self.values and text.strip() not in self.values:
                raise ValueError(f"{text!r} is not one of {', '.join(self.values)}")
            return PARAM_TYPES[self.type](text, graph)
        except ValueError as error:
            raise ParameterError(f"query {query!r}, parameter {self.name!r}: {error}") from error


def _check_range(query: Query, bound: Mapping[str, Identifier]) -> None:
    """Refuse a range whose ``from`` starts after its ``to`` ends (it would answer nothing)."""
    dates = (XSD.date, XSD.gYearMonth, XSD.gYear)
    spans: list[Optional[tuple[datetime.date, datetime.date]]] = []
    for name in ("from", "to"):
        term = bound.get(name)
        spans.append(date_span(term) if isinstance(term, Literal) and term.datatype in dates else None)
    start, end = spans
    if start is not None and end is not None and start[0] > end[1]:
        raise ParameterError(
            f"query {query.name!r}: the range is empty: from {bound['from']} is after to {bound['to']}"
        )

