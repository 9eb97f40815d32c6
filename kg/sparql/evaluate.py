"""Running SPARQL text on an engine: an rdflib graph, an Oxigraph store, or an endpoint.

The target is an :class:`rdflib.Graph`, a ``pyoxigraph.Store``, or any object with a
method ``evaluate(text) -> QueryResult`` (such as :class:`kg.store.SparqlEndpoint`).
Errors come back as :class:`~kg.errors.QueryError` naming ``where`` the query comes from.

>>> from rdflib import BNode, Graph, Literal, URIRef
>>> graph = Graph().parse(format="turtle", data="<urn:a> <urn:b> 1 .")
>>> evaluate("SELECT ?o WHERE { ?s ?p ?o }", graph).rows
[{'o': 1}]
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator, Optional, cast

from pyparsing import ParseBaseException
from rdflib import Graph
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import SPARQLError
from rdflib.term import Identifier

from kg.errors import QueryError
from kg.load import from_oxigraph
from kg.results import QueryResult
from kg.sparql.workarounds import _join_bgps_lazily, _scope_values
from kg.vocab import PREFIXES

__all__ = ["evaluate"]


#: What rdflib raises for a query it cannot parse or run: pyparsing's parse errors, its
#: SPARQL errors, a value it cannot take (an invalid ``\\U`` escape) and a bad regular
#: expression; besides these it raises a bare ``Exception`` (an unknown prefix, an
#: expression it cannot evaluate), which :func:`_reported` tells from a programming error.
_RDFLIB_ERRORS = (ParseBaseException, SPARQLError, ValueError, re.error)


@contextmanager
def _reported(doing: str) -> Iterator[None]:
    """Turn what rdflib raises for a bad query into a :class:`QueryError` saying ``doing``;
    any other error (a programming error, here or in rdflib) goes on as it is."""
    try:
        yield
    except _RDFLIB_ERRORS as error:
        raise QueryError(f"{doing}: {error}") from error
    except Exception as error:
        if type(error) is not Exception:  # rdflib's own failures are bare Exceptions
            raise
        raise QueryError(f"{doing}: {error}") from error


def evaluate(
    text: str, graph: Any, *, where: str = "query", namespaces: Optional[dict[str, str]] = None
) -> QueryResult:
    """Run the SELECT or ASK query ``text`` on ``graph``; ``namespaces`` are the result's
    prefixes (the project's by default).

    :raises QueryError: a SPARQL syntax error, or the query failed on the engine.
    """
    namespaces = dict(PREFIXES) if namespaces is None else namespaces
    if not isinstance(graph, Graph) and not _is_endpoint(graph):
        # Oxigraph parses the query itself; rdflib's parser would cost more than running it.
        return _evaluate_oxigraph(text, graph, where, namespaces)
    with _reported(f"{where}: SPARQL syntax error"):  # for an endpoint too: before anything is sent
        algebra = translateQuery(parseQuery(text))
    if _is_endpoint(graph):
        try:
            return graph.evaluate(text)  # kg.store.SparqlEndpoint raises StoreError
        except OSError as error:  # another object's network failure
            raise QueryError(f"{where}: query failed: {error}") from error
    _join_bgps_lazily(algebra.algebra)
    _scope_values(algebra.algebra)
    with _reported(f"{where}: query failed"):  # rdflib evaluates as the rows are read
        answer = graph.query(algebra)
        if answer.type == "ASK":
            return QueryResult((), boolean=bool(answer.askAnswer), namespaces=namespaces)
        names = tuple(str(v) for v in answer.vars)
        bindings = tuple({n: t for n, t in zip(names, row) if t is not None} for row in answer)
    return QueryResult(names, bindings, namespaces=namespaces)


def _is_endpoint(graph: Any) -> bool:
    """Whether ``graph`` answers queries itself (``evaluate(text) -> QueryResult``)."""
    return callable(getattr(graph, "evaluate", None))


def _evaluate_oxigraph(text: str, store: Any, where: str, namespaces: dict[str, str]) -> QueryResult:
    try:
        import pyoxigraph
    except ImportError as error:  # pragma: no cover - pyoxigraph is a dependency
        raise QueryError(f"cannot query a {type(store).__name__}") from error
    if not isinstance(store, pyoxigraph.Store):
        raise QueryError(
            f"cannot query a {type(store).__name__}; give an rdflib Graph, a pyoxigraph Store "
            "or an object with an evaluate(text) method"
        )
    try:
        answer = store.query(text)
    except SyntaxError as error:
        raise QueryError(f"{where}: SPARQL syntax error: {error}") from error
    except (OSError, ValueError, RuntimeError) as error:
        raise QueryError(f"{where}: query failed: {error}") from error
    try:
        if isinstance(answer, pyoxigraph.QueryBoolean):
            return QueryResult((), boolean=bool(answer), namespaces=namespaces)
        if not isinstance(answer, pyoxigraph.QuerySolutions):
            raise QueryError(f"{where}: only SELECT and ASK queries are supported")
        # Oxigraph writes the solutions as SPARQL TSV in Rust much faster than it makes a
        # Python object of each value (at 1M triples, 3,798 rows of 8 columns: 6 ms
        # against 45 ms); the rows are read from that text (QueryResult.from_tsv).
        # The stubs say bytes | None: None is only when an output is given, and none is.
        text_rows = cast(bytes, answer.serialize(format=pyoxigraph.QueryResultsFormat.TSV)).decode("utf-8")
        try:
            return QueryResult.from_tsv(text_rows, namespaces=namespaces)
        except ValueError:  # a value the reader does not know (a triple term): as objects
            answer = cast(pyoxigraph.QuerySolutions, store.query(text))  # a SELECT, as the first time
            names = tuple(v.value for v in answer.variables)
            bindings = tuple(
                {n: cast(Identifier, from_oxigraph(v)) for n, v in zip(names, s) if v is not None}
                for s in answer
            )
    except (SyntaxError, OSError, ValueError, RuntimeError) as error:
        raise QueryError(f"{where}: query failed: {error}") from error
    return QueryResult(names, bindings, namespaces=namespaces)


