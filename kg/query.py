"""The named SPARQL queries: a catalogue read from ``queries/*.rq``, and running them.

Each ``.rq`` file starts with a header of ``#+`` lines (YAML-shaped, documented in
``queries/README.md``) that says what the query answers and which parameters it takes::

    #+ summary: Org chart of a company as of a date
    #+ params:
    #+   - name: date
    #+     type: date
    #+     default: 2026-03-20

A header line ``#+ needs: inferred`` says the query reads triples that OWL 2 RL
reasoning adds (:func:`query_graph` with ``inferred=True``); without it the query runs
on the ontology and the asserted data.

A parameter ``date`` is the variable ``?date`` of the query. Values are checked and
turned into RDF terms (a date into an ``xsd:date`` literal, a company name into the
company's IRI), then bound with a ``VALUES`` block at the top of the query's ``WHERE``
group; user text never becomes SPARQL syntax.

>>> from rdflib import Graph
>>> graph = Graph().parse(format="turtle", data='''
...     @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     <https://example.org/acme> a rkg:Company ; rdfs:label "Acme"@en .''')
>>> query = Query.from_text('''
... #+ summary: The label of a company
... #+ params:
... #+   - name: company
... #+     type: company
... PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
... SELECT ?label WHERE { ?company rdfs:label ?label } ORDER BY ?label''')
>>> run_query(query, graph, params={"company": "ACME"}).rows
[{'label': 'Acme'}]
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier

from kg.errors import KGError, ParameterError, QueryError, display_path
from kg.load import from_oxigraph
from kg.project import Project, find_project
from kg.results import QueryResult, sparql_term
from kg.vocab import PREFIXES

__all__ = [
    "ENGINES",
    "PARAM_TYPES",
    "Param",
    "Query",
    "bind_query",
    "date_span",
    "find_query",
    "load_catalogue",
    "query_graph",
    "run_query",
    "to_store",
]

_RKG = "https://w3id.org/restructuring-kg/ontology#"
_PREFIXES = f"""
PREFIX rkg: <{_RKG}>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
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

_DATE_FORMS = (
    (re.compile(r"\d{4}-\d{2}-\d{2}\Z"), XSD.date),
    (re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z"), XSD.gYearMonth),
    (re.compile(r"\d{4}\Z"), XSD.gYear),
)
_PERIODS = ("quarter", "month", "year")
#: The engines :func:`query_graph` takes by their older names (see :data:`kg.engines.ALIASES`).
ENGINES = ("rdflib", "oxigraph")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_QUERY_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
_HEADER_KEYS = ("summary", "description", "params", "needs")
_PARAM_KEYS = ("name", "type", "default", "description", "values")


# -- Parameters -----------------------------------------------------------------


def _date(value: str, graph: Any) -> Identifier:
    for pattern, datatype in _DATE_FORMS:
        if pattern.match(value):
            if datatype == XSD.date:
                try:
                    datetime.date.fromisoformat(value)
                except ValueError:
                    break
            return Literal(value, datatype=datatype)
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


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
            raise ParameterError(f"query {query!r}, parameter {self.name!r}: {error}") from None


# -- Queries --------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A named SPARQL query and what its header says about it."""

    name: str
    text: str
    summary: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    needs: tuple[str, ...] = ()
    path: Optional[Path] = field(default=None, compare=False)

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "Query":
        """Read a ``.rq`` file; its name is the file name without ``.rq``."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"{display_path(path)}: cannot read query: {error}") from None
        return cls.from_text(text, name=path.stem, path=path)

    @classmethod
    def from_text(cls, text: str, *, name: str = "query", path: Optional[Path] = None) -> "Query":
        """A query from SPARQL text, with or without a ``#+`` header."""
        where = display_path(path) if path else name
        header = _parse_header(text, where)
        params = tuple(
            Param(
                name=p["name"],
                type=p["type"],
                default=p.get("default"),
                description=p.get("description", ""),
                values=tuple(v.strip() for v in p.get("values", "").split(",") if v.strip()),
            )
            for p in header.get("params", [])
        )
        query = cls(
            name=name,
            text=text,
            summary=header.get("summary", ""),
            description=header.get("description", ""),
            params=params,
            needs=tuple(header.get("needs", "").split()),
            path=path,
        )
        variables = {v[1:] for v in _variables(text)}
        for p in params:
            if p.name not in variables:
                raise QueryError(f"{where}: parameter {p.name!r} is not a variable of the query")
            if p.type not in PARAM_TYPES:
                raise QueryError(
                    f"{where}: parameter {p.name!r} has unknown type {p.type!r}; "
                    f"use one of {', '.join(PARAM_TYPES)}"
                )
        _check_form(text, where)
        return query

    @property
    def is_violation(self) -> bool:
        """Whether this query lists data defects (its name ends in ``-violation``)."""
        return self.name.endswith("-violation")


def _parse_header(text: str, where: str) -> dict[str, Any]:
    """Read the ``#+`` lines at the top of a query (a small subset of YAML)."""
    header: dict[str, Any] = {}
    key: Optional[str] = None
    item: Optional[dict[str, str]] = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        body = line[2:].rstrip()
        if body and not body.startswith(" "):
            raise QueryError(f"{where}:{number}: header lines start with '#+ '")
        content = body.strip()
        indent = len(body) - len(body.lstrip()) - 1
        if not content:
            continue
        if indent == 0:
            name, sep, value = content.partition(":")
            if not sep or name not in _HEADER_KEYS:
                raise QueryError(
                    f"{where}:{number}: header line should be 'key: value' with key one of "
                    f"{', '.join(_HEADER_KEYS)}"
                )
            if name in header:
                raise QueryError(f"{where}:{number}: header key {name!r} given twice")
            key, value = name, value.strip()
            header[key] = [] if key == "params" else "" if value in (">", "|") else _scalar(value)
            item = None
        elif key == "params":
            if content.startswith("- "):
                item = {}
                header["params"].append(item)
                content = content[2:].strip()
            if item is None:
                raise QueryError(f"{where}:{number}: each parameter starts with '- name: …'")
            name, sep, value = content.partition(":")
            if not sep or name.strip() not in _PARAM_KEYS:
                raise QueryError(
                    f"{where}:{number}: parameter line should be 'key: value' with key one of "
                    f"{', '.join(_PARAM_KEYS)}"
                )
            item[name.strip()] = _scalar(value.strip())
        elif key in ("description", "summary"):
            header[key] = f"{header[key]} {content}".strip()
        else:
            raise QueryError(f"{where}:{number}: unexpected indented header line")
    if header and not header.get("summary"):
        raise QueryError(f"{where}: the header has no summary")
    for p in header.get("params", []):
        if "name" not in p or "type" not in p:
            raise QueryError(f"{where}: every parameter needs a name and a type")
        if not _NAME.match(p["name"]):
            raise QueryError(f"{where}: parameter name {p['name']!r} is not a SPARQL variable name")
    names = [p["name"] for p in header.get("params", [])]
    if len(set(names)) != len(names):
        raise QueryError(f"{where}: a parameter is declared twice")
    return header


def _scalar(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


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


def _check_form(text: str, where: str) -> None:
    words = [m.group().upper() for m in _tokens(text) if m.lastgroup == "word"]
    form = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    if form is None:
        raise QueryError(f"{where}: not a SPARQL query (no SELECT or ASK)")
    if form not in ("SELECT", "ASK"):
        raise QueryError(f"{where}: {form} queries are not supported; write a SELECT or ASK")


# -- Catalogue ------------------------------------------------------------------


def load_catalogue(*folders: Union[str, Path]) -> dict[str, Query]:
    """The queries of the given folders and their subfolders, by name.

    The default is the ``queries/`` folder of the project :func:`~kg.project.find_project`
    finds; add an extension folder after it. A name defined twice is an error, not a
    silent override.

    >>> catalogue = load_catalogue()
    >>> catalogue["org-chart"].summary
    'Org chart of a company as of a date: units, their parents and heads'
    """
    catalogue: dict[str, Query] = {}
    for folder in folders or (find_project().queries_dir,):
        folder = Path(folder)
        if not folder.is_dir():
            raise QueryError(f"{display_path(folder)}: not a folder of queries")
        for path in sorted(folder.rglob("*.rq")):
            if not _QUERY_NAME.match(path.stem):
                raise QueryError(f"{display_path(path)}: query names are lower-case kebab-case")
            query = Query.from_file(path)
            if query.name in catalogue:
                raise QueryError(
                    f"{display_path(path)}: query {query.name!r} is also defined in "
                    f"{display_path(catalogue[query.name].path)}"
                )
            catalogue[query.name] = query
    return catalogue


# -- Running --------------------------------------------------------------------


def bind_query(
    query: Query, graph: Any, params: Optional[Mapping[str, Any]] = None
) -> str:
    """The query text with its parameters bound, ready for any SPARQL 1.1 store.

    Parameters not given take their default; one with no default stays unbound
    (the query then answers for all values). The ``VALUES`` block is written from
    checked RDF terms.
    """
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
    if not bound:
        return query.text
    names = " ".join(f"?{name}" for name, _ in bound)
    terms = " ".join(sparql_term(term) for _, term in bound)
    at = _where_group(query.text)
    return f"{query.text[:at]}\n  VALUES ({names}) {{ ({terms}) }}\n{query.text[at:]}"


def date_span(date: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) at its precision.

    >>> date_span("2026-02")
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    >>> date_span("2025")
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    """
    parts = [int(p) for p in str(date).split("-")]
    if len(parts) == 3:
        day = datetime.date(*parts)
        return day, day
    if len(parts) == 2:
        return datetime.date(parts[0], parts[1], 1), datetime.date(
            parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1]
        )
    return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)


def _check_range(query: Query, bound: Mapping[str, Identifier]) -> None:
    """Refuse a range whose ``from`` starts after its ``to`` ends (it would answer nothing)."""
    dates = (XSD.date, XSD.gYearMonth, XSD.gYear)
    start, end = (
        date_span(bound[name]) if isinstance(bound.get(name), Literal) and bound[name].datatype in dates else None
        for name in ("from", "to")
    )
    if start is not None and end is not None and start[0] > end[1]:
        raise ParameterError(
            f"query {query.name!r}: the range is empty: from {bound['from']} is after to {bound['to']}"
        )


def run_query(
    name_or_text: Union[str, Query],
    graph: Any,
    *,
    params: Optional[Mapping[str, Any]] = None,
    catalogue: Optional[Mapping[str, Query]] = None,
) -> QueryResult:
    """Run a named query (or a :class:`Query`, or SPARQL text) on a graph.

    ``graph`` is what the query runs on: an :class:`rdflib.Graph` or a
    ``pyoxigraph.Store`` holding the ontology and the data (see :func:`query_graph`),
    or any object with a method ``evaluate(text) -> QueryResult``, such as
    :class:`kg.store.SparqlEndpoint`. ``params`` maps parameter names to values (text,
    numbers, :class:`datetime.date`, IRIs). Returns a :class:`~kg.results.QueryResult`;
    iterate it for rows of Python values.

    :raises ParameterError: an unknown parameter or a value of the wrong kind.
    :raises QueryError: no such query, a SPARQL syntax error, or the query failed.
    """
    query = _lookup(name_or_text, catalogue)
    text = bind_query(query, graph, params)
    return _evaluate(text, graph, where=display_path(query.path) if query.path else query.name)


def query_graph(
    project: Optional[Project] = None, *, inferred: bool = False, engine: str = "rdflib"
) -> Any:
    """The graph the named queries run on: the ontology and the asserted data of
    ``project`` (:func:`~kg.project.find_project` by default), plus the OWL 2 RL
    inferences of :func:`kg.reason.reason` when ``inferred`` (for a query whose header
    says ``needs: inferred``).

    ``engine`` is an engine of :mod:`kg.engines` (``reference``, alias ``rdflib``: an
    :class:`rdflib.Graph` and owlrl; ``fast``, alias ``oxigraph``: an in-memory
    ``pyoxigraph.Store`` loaded from the files and the fast reasoner, much faster).
    """
    from kg.engines import engine_named

    chosen = engine_named(engine, error=QueryError)
    return chosen.query_target(chosen.open(project if project is not None else find_project()), inferred=inferred)


def to_store(*graphs: Graph) -> Any:
    """A new in-memory ``pyoxigraph.Store`` whose default graph holds the triples of ``graphs``.

    Blank nodes keep their identity: a blank node of ``graphs`` is the same blank node in
    the store, so what the store answers joins the rdflib graphs. Literals go in as written;
    those Oxigraph stores in another form (``"7"^^xsd:int`` as ``xsd:integer``) are noted
    in the store (:func:`kg.fast.store.record_rewritten`, which
    :func:`kg.fast.store.graph_of` reads back) and named in a :class:`kg.load.LoadWarning`.

    >>> data = Graph().parse(format="turtle", data="<https://example.org/a> <https://example.org/b> [] .")
    >>> [str(row["o"]) for row in run_query("SELECT ?o WHERE { ?s ?p ?o }", to_store(data))] == [
    ...     str(o) for o in data.objects()]
    True
    """
    import pyoxigraph

    from kg.fast.store import record_rewritten, warn_rewritten

    store = pyoxigraph.Store()
    literals = set()

    plain = (str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")

    def noting(quads):
        for quad in quads:
            value = quad.object
            if isinstance(value, pyoxigraph.Literal) and value.datatype.value not in plain:
                literals.add(value)
            yield quad

    for graph in graphs:
        # Oxigraph's parse keeps blank node labels (its store loaders rename them).
        text = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_extend(noting(
            pyoxigraph.Quad(t.subject, t.predicate, t.object)
            for t in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES)
        ))
    warn_rewritten(record_rewritten(store, literals))
    return store


def find_query(name: str, catalogue: Optional[Mapping[str, Query]] = None) -> Query:
    """The query called ``name`` in ``catalogue`` (:func:`load_catalogue` by default).

    :raises QueryError: no query has that name; the message lists close names.
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    if name in catalogue:
        return catalogue[name]
    close = difflib.get_close_matches(name, list(catalogue), n=5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `kg queries` lists them"
    raise QueryError(f"no query is named {name!r}{hint}")


def _lookup(name_or_text: Union[str, Query], catalogue: Optional[Mapping[str, Query]]) -> Query:
    if isinstance(name_or_text, Query):
        return name_or_text
    if "{" in name_or_text:
        return Query.from_text(name_or_text)
    return find_query(name_or_text, catalogue)


def _evaluate(text: str, graph: Any, *, where: str = "query") -> QueryResult:
    namespaces = _scan(text, where)
    endpoint = callable(getattr(graph, "evaluate", None))
    if not isinstance(graph, Graph) and not endpoint:
        # Oxigraph parses the query itself; rdflib's parser would cost more than running it.
        return _evaluate_oxigraph(text, graph, where, namespaces)
    try:  # for an endpoint too: a syntax error is reported here, before anything is sent
        algebra = translateQuery(parseQuery(text))
    except Exception as error:  # pyparsing and rdflib raise many kinds
        raise QueryError(f"{where}: SPARQL syntax error: {error}") from None
    if endpoint:
        try:
            return graph.evaluate(text)
        except KGError:
            raise
        except Exception as error:
            raise QueryError(f"{where}: query failed: {error}") from None
    _join_bgps_lazily(algebra.algebra)
    _scope_values(algebra.algebra)
    try:
        answer = graph.query(algebra)
    except Exception as error:
        raise QueryError(f"{where}: query failed: {error}") from None
    if answer.type == "ASK":
        return QueryResult((), boolean=bool(answer.askAnswer), namespaces=namespaces)
    names = tuple(str(v) for v in answer.vars)
    bindings = tuple({n: t for n, t in zip(names, row) if t is not None} for row in answer)
    return QueryResult(names, bindings, namespaces=namespaces)


def _join_bgps_lazily(part: Any) -> None:
    """Mark every join whose right side is a basic graph pattern as lazy.

    rdflib evaluates a join lazily (the right side once per solution of the left, with
    its bindings) only when no join lies below it; otherwise it evaluates the right side
    on its own. A parameter's ``VALUES`` block adds a join below every later one, and a
    basic graph pattern such as ``?a rdfs:label ?x . ?b rdfs:label ?y`` evaluated on its
    own is the cross product of all labels. For a basic graph pattern the lazy join is
    the same join, so this changes the cost, never the answer.
    """
    if isinstance(part, CompValue):
        if part.name == "Join" and getattr(part.get("p2"), "name", None) == "BGP":
            part["lazy"] = True
        children: Iterable[Any] = part.values()
    elif isinstance(part, (list, tuple)):
        children = part
    else:
        return
    for child in children:
        _join_bgps_lazily(child)


def _scope_values(part: Any) -> set:
    """Add the variables of ``VALUES`` blocks to the scopes rdflib keeps (``_vars``).

    rdflib leaves them out. When no row of an OPTIONAL passes its filter, rdflib checks
    the OPTIONAL once more with only the left side's scope bound, so a parameter's
    ``VALUES`` binding (such as ``?date``) is dropped there: a filter such as
    ``NOT EXISTS { ... FILTER (?since > ?date) }`` then passes, and the left row is
    wrongly left out. Returns the ``VALUES`` variables within ``part``.
    """
    if isinstance(part, CompValue):
        if part.name == "values":
            found = {variable for row in part["res"] for variable in row}
        else:
            found = set()
            for key, child in part.items():
                if key != "expr":  # expressions bind nothing
                    found |= _scope_values(child)
        if found and isinstance(part.get("_vars"), set):
            part["_vars"] |= found
        return found
    if isinstance(part, (list, tuple)):
        return set().union(*(_scope_values(child) for child in part))
    return set()


#: Keywords that would fetch data from elsewhere, and why they are refused.
_REMOTE = {
    "FROM": "FROM and FROM NAMED are not supported; load the data instead",
    "SERVICE": "SERVICE is not supported; this tool never fetches anything",
}


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
    tokens = [token for token in _tokens(text) if not token.group().isspace()]
    for token in tokens:
        if token.lastgroup == "word" and token.group().upper() in _REMOTE:
            raise QueryError(f"{where}: {_REMOTE[token.group().upper()]}")
    for keyword, name, iri in zip(tokens, tokens[1:], tokens[2:]):
        if keyword.group().upper() == "PREFIX" and name.lastgroup == "pname" and iri.lastgroup == "iri":
            namespaces[name.group()[:-1]] = iri.group()[1:-1]
    return namespaces


def _evaluate_oxigraph(text: str, store: Any, where: str, namespaces: dict[str, str]) -> QueryResult:
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        raise QueryError(f"cannot query a {type(store).__name__}") from None
    if not isinstance(store, pyoxigraph.Store):
        raise QueryError(
            f"cannot query a {type(store).__name__}; give an rdflib Graph, a pyoxigraph Store "
            "or an object with an evaluate(text) method"
        )
    try:
        answer = store.query(text)
    except SyntaxError as error:
        raise QueryError(f"{where}: SPARQL syntax error: {error}") from None
    except (OSError, ValueError, RuntimeError) as error:
        raise QueryError(f"{where}: query failed: {error}") from None
    try:
        if isinstance(answer, pyoxigraph.QueryBoolean):
            return QueryResult((), boolean=bool(answer), namespaces=namespaces)
        names = tuple(v.value for v in answer.variables)
        converted: dict[Any, Identifier] = {}  # rows repeat terms (a company, a label)

        def term(value: Any) -> Identifier:
            found = converted.get(value)
            if found is None:
                found = converted[value] = from_oxigraph(value)
            return found

        bindings = tuple(
            {n: term(value) for n, value in zip(names, s) if value is not None} for s in answer
        )
    except (SyntaxError, OSError, ValueError, RuntimeError) as error:
        raise QueryError(f"{where}: query failed: {error}") from None
    return QueryResult(names, bindings, namespaces=namespaces)
