"""Query text: the SPARQL tokenizer, and binding a query's parameters into its text.

The tokenizer is a single regular expression over the lexical forms of SPARQL 1.1
(comments, strings, IRIs, variables, prefixed names, words, brackets); keywords inside
strings, IRIs, comments, variables or prefixed names never count.

>>> prefixes("PREFIX ex: <urn:ex:> # PREFIX no: <urn:no:>\\nSELECT * WHERE { ?s ?p 'PREFIX x: <urn:x:>' }")
{'ex': 'urn:ex:'}
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Optional

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.dates import date_span
from kg.errors import ParameterError, QueryError
from kg.results import sparql_term
from kg.vocab import PREFIXES

if TYPE_CHECKING:
    from kg.sparql.catalogue import Query

__all__ = ["bind_query", "prefixes"]

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
      |'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
      |"(?:[^"\\\n\r]|\\.)*"
      |'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z][A-Za-z0-9_\-.]*)?:(?:[A-Za-z0-9_\-:%]|\.(?=[A-Za-z0-9_\-:%]))*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<punct>[{}()])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> Iterator[re.Match[str]]:
    return (m for m in _TOKEN.finditer(text) if m.lastgroup != "comment")


def _variables(text: str) -> set[str]:
    return {m.group() for m in _tokens(text) if m.lastgroup == "var"}


def _where_group(text: str) -> int:
    """Offset just after the ``{`` that opens the query's top-level ``WHERE`` group."""
    parens = 0
    for m in _tokens(text):
        if m.group() == "(":
            parens += 1
        elif m.group() == ")":
            parens -= 1
        elif m.group() == "{" and parens == 0:
            return m.end()
    raise QueryError("the query has no WHERE group")


def _sub_selects(text: str) -> list[tuple[int, set[str]]]:
    """For each sub-select (a ``{`` followed by ``SELECT``): the offset just after the
    ``{`` that opens its ``WHERE`` group, and the variables that occur in it.

    >>> q = "SELECT ?a WHERE { ?a <urn:p> ?b { SELECT ?b WHERE { ?b <urn:q> ?c } } }"
    >>> [(q[:at][-19:], sorted(names)) for at, names in _sub_selects(q)]
    [('{ SELECT ?b WHERE {', ['b', 'c'])]
    """
    tokens = _significant(text)
    found: list[tuple[int, set[str]]] = []
    for i, token in enumerate(tokens[1:], 1):
        if token.group().upper() != "SELECT" or token.lastgroup != "word" or tokens[i - 1].group() != "{":
            continue
        depth, parens, where = 1, 0, None
        names: set[str] = set()
        for inner in tokens[i + 1:]:
            mark = inner.group()
            if inner.lastgroup == "var":
                names.add(mark[1:])
            elif mark == "(":
                parens += 1
            elif mark == ")":
                parens -= 1
            elif mark == "{":
                if where is None and parens == 0:
                    where = inner.end()
                depth += 1
            elif mark == "}":
                depth -= 1
                if depth == 0:
                    break
        if where is not None:
            found.append((where, names))
    return found


def _check_form(text: str, where: str) -> None:
    words = [m.group().upper() for m in _tokens(text) if m.lastgroup == "word"]
    form = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    if form is None:
        raise QueryError(f"{where}: not a SPARQL query (no SELECT or ASK)")
    if form not in ("SELECT", "ASK"):
        raise QueryError(f"{where}: {form} queries are not supported; write a SELECT or ASK")


#: Keywords that would fetch data from elsewhere, and why they are refused.
_REMOTE = {
    "FROM": "FROM and FROM NAMED are not supported; load the data instead",
    "SERVICE": "SERVICE is not supported; this tool never fetches anything",
}


def _significant(text: str) -> list[re.Match[str]]:
    return [token for token in _tokens(text) if not token.group().isspace()]


def _declared(tokens: list[re.Match[str]]) -> Iterator[tuple[str, str]]:
    for keyword, name, iri in zip(tokens, tokens[1:], tokens[2:]):
        if keyword.group().upper() == "PREFIX" and name.lastgroup == "pname" and iri.lastgroup == "iri":
            yield name.group()[:-1], iri.group()[1:-1]


def prefixes(text: str) -> dict[str, str]:
    """The ``PREFIX`` declarations of a query: prefix (``""`` for the empty one) to namespace."""
    return dict(_declared(_significant(text)))


def _scan(text: str, where: str) -> dict[str, str]:
    """Refuse ``FROM`` and ``SERVICE`` (running a query never fetches anything), and
    return the project's prefixes updated with the query's own ``PREFIX`` declarations.

    One pass over the query's tokens, whatever engine runs it: keywords in strings,
    IRIs, comments, variables and prefixed names (``?from``, ``ex:service``) do not count.

    >>> _scan("PREFIX ex: <urn:ex:> SELECT ?from WHERE { ?s ex:service <urn:from> }", "q")["ex"]
    'urn:ex:'
    >>> _scan("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "q")
    Traceback (most recent call last):
    kg.errors.QueryError: q: FROM and FROM NAMED are not supported; load the data instead
    """
    namespaces = dict(PREFIXES)
    tokens = _significant(text)
    for token in tokens:
        if token.lastgroup == "word" and token.group().upper() in _REMOTE:
            raise QueryError(f"{where}: {_REMOTE[token.group().upper()]}")
    namespaces.update(_declared(tokens))
    return namespaces


def bind_query(
    query: Query, graph: Any, params: Optional[Mapping[str, Any]] = None
) -> str:
    """The query text with its parameters bound, ready for any SPARQL 1.1 store.

    Parameters not given take their default; one with no default stays unbound
    (the query then answers for all values). The ``VALUES`` block is written from
    checked RDF terms, at the top of the ``WHERE`` group and, for the parameters a
    sub-select mentions, at the top of its ``WHERE`` group too: a parameter is the one
    value of its variable everywhere in the query (a sub-select is evaluated on its own
    and would otherwise rank, count or list for every value). A date parameter ``p``
    also binds ``?pFirst`` and ``?pLast``, the first and last day of the date given
    (``xsd:date``), when the query uses them.
    """
    # The parameter layer runs queries (to resolve names); the tokenizer alone, which
    # kg.store uses, must not load it.
    from kg.sparql.params import _check_range

    params = dict(params or {})
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise ParameterError(
            f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {known})"
        )
    bound: list[tuple[str, Identifier]] = []
    for p in query.params:
        value = params[p.name] if p.name in params else p.default
        if value is None or (value == "" and p.name not in params):
            continue
        bound.append((p.name, p.resolve(value, graph, query=query.name)))
    _check_range(query, dict(bound))
    bound += _day_variables(query, bound)
    if not bound:
        return query.text
    # The query's WHERE group gets every binding; a sub-select, which sees nothing of
    # the rows around it, gets those of the parameters it mentions (as the query's own
    # VALUES would not reach it). Insertions from the end keep the offsets valid.
    text = query.text
    places: list[tuple[int, Optional[set[str]]]] = [(_where_group(text), None), *_sub_selects(text)]
    for at, mentioned in sorted(places, key=lambda place: place[0], reverse=True):
        these = [(name, term) for name, term in bound if mentioned is None or name in mentioned]
        if these:
            text = f"{text[:at]}\n  {_values(these)}\n{text[at:]}"
    return text


def _values(bound: list[tuple[str, Identifier]]) -> str:
    """A one-row ``VALUES`` block of checked RDF terms."""
    names = " ".join(f"?{name}" for name, _ in bound)
    terms = " ".join(sparql_term(term) for _, term in bound)
    return f"VALUES ({names}) {{ ({terms}) }}"


def _day_variables(query: Query, bound: list[tuple[str, Identifier]]) -> list[tuple[str, Identifier]]:
    """For a date parameter ``p``, ``?pFirst`` and ``?pLast`` (its first and last day as
    ``xsd:date``) when the query uses them: "holds on D" is then one overlap comparison
    with the derived bounds (:mod:`kg.timebounds`)."""
    used = {v[1:] for v in _variables(query.text)}
    types = {p.name: p.type for p in query.params}
    days: list[tuple[str, Identifier]] = []
    for name, term in bound:
        if types[name] == "date" and {f"{name}First", f"{name}Last"} & used:
            first, last = date_span(term)
            days += [(f"{name}First", Literal(first.isoformat(), datatype=XSD.date)),
                     (f"{name}Last", Literal(last.isoformat(), datatype=XSD.date))]
    return days
