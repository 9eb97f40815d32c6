"""SPARQL 1.1 stores over HTTP: asking an endpoint, and loading a graph into one.

:class:`SparqlEndpoint` speaks the three standard protocols of a SPARQL 1.1 store with
the standard library's :mod:`urllib`: queries (SPARQL 1.1 Protocol, answers in the W3C
SPARQL JSON results format), updates, and the Graph Store HTTP Protocol. Its
:meth:`~SparqlEndpoint.evaluate` answers like the in-memory engines, so
:func:`kg.query.run_query` runs the named queries on a server too.

:func:`replace_graph` replaces one graph of a store with new triples so that nothing is ever
half-replaced: it uploads them to a staging graph, counts them there, swaps the
staging graph in (one update request), counts again, and puts the previous content
back if anything is off.

Credentials come from the environment, never from the command line:
``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD`` (HTTP Basic, or Digest when the
server asks for it), or ``KG_ENDPOINT_TOKEN`` (sent as ``Authorization: Bearer``).

>>> result = parse_results(b'''{"head": {"vars": ["unit"]}, "results": {"bindings": [
...     {"unit": {"type": "uri", "value": "https://example.org/lab"}}]}}''')
>>> result.rows
[{'unit': rdflib.term.URIRef('https://example.org/lab')}]
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier

from kg.errors import StoreError
from kg.results import QueryResult, sparql_term
from kg.vocab import GRAPH, PREFIXES

__all__ = ["Credentials", "ENV_PASSWORD", "ENV_TOKEN", "ENV_USER", "SparqlEndpoint", "parse_results", "replace_graph"]

ENV_USER, ENV_PASSWORD, ENV_TOKEN = "KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_ENDPOINT_TOKEN"
_RESULTS_JSON = "application/sparql-results+json"
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)


@dataclass(frozen=True, repr=False)
class Credentials:
    """A user and password, or a bearer token, for an endpoint (never printed)."""

    user: Optional[str] = None
    password: Optional[str] = None
    token: Optional[str] = None

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None) -> "Credentials":
        """Read ``KG_ENDPOINT_USER``/``KG_ENDPOINT_PASSWORD`` or ``KG_ENDPOINT_TOKEN``.

        >>> Credentials.from_environment({"KG_ENDPOINT_TOKEN": "t0k"}).token
        't0k'
        """
        environ = os.environ if environ is None else environ
        return cls(environ.get(ENV_USER) or None, environ.get(ENV_PASSWORD) or None, environ.get(ENV_TOKEN) or None)

    def __bool__(self) -> bool:
        return bool(self.user or self.token)

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password={'***' if self.password else None}, token={'***' if self.token else None})"


class SparqlEndpoint:
    """A SPARQL 1.1 store reached over HTTP.

    :param url: the query endpoint. An Oxigraph server's root (``http://127.0.0.1:7878``)
        or ``…/query`` URL stands for its ``/query``, ``/update`` and ``/store`` endpoints.
    :param update_url: the SPARQL Update endpoint (default: ``url``).
    :param store_url: the Graph Store HTTP Protocol endpoint (default: ``url``).
    :param credentials: default: from the environment (:meth:`Credentials.from_environment`).
    :param timeout: seconds to wait for each answer.

    >>> SparqlEndpoint("http://127.0.0.1:7878").store_url
    'http://127.0.0.1:7878/store'
    >>> SparqlEndpoint("http://127.0.0.1:7878/query").update_url
    'http://127.0.0.1:7878/update'
    >>> SparqlEndpoint("http://localhost:3030/kg").update_url  # Jena Fuseki: one URL for all
    'http://localhost:3030/kg'
    """

    def __init__(
        self,
        url: str,
        *,
        update_url: Optional[str] = None,
        store_url: Optional[str] = None,
        credentials: Optional[Credentials] = None,
        timeout: float = 300.0,
    ):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        if not parts.query and (parts.path in ("", "/") or parts.path.endswith("/query")):
            root = url.rstrip("/").removesuffix("/query")
            url, update_url, store_url = f"{root}/query", update_url or f"{root}/update", store_url or f"{root}/store"
        self.url = url
        self.update_url = update_url or url
        self.store_url = store_url or url
        self.credentials = Credentials.from_environment() if credentials is None else credentials
        self.timeout = timeout
        handlers: list = []
        if self.credentials.user:  # Basic goes with every request; Digest (Virtuoso) when asked for
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for endpoint in {self.url, self.update_url, self.store_url}:
                passwords.add_password(None, endpoint, self.credentials.user, self.credentials.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return f"SparqlEndpoint({self.url!r})"

    # -- the three protocols ---------------------------------------------------------

    def evaluate(self, text: str) -> QueryResult:
        """Run a SELECT or ASK query; the answer as a :class:`~kg.results.QueryResult`.

        :raises StoreError: the endpoint cannot be reached, refuses the query, or does
            not answer with SPARQL JSON results.
        """
        body = self._send(
            "POST", self.url, text.encode("utf-8"),
            {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": _RESULTS_JSON},
            doing="query",
        )
        namespaces = dict(PREFIXES)
        namespaces.update((prefix or "", iri) for prefix, iri in _PREFIX_DECL.findall(text))
        try:
            return parse_results(body, namespaces=namespaces)
        except StoreError as error:
            raise StoreError(f"{self.url}: {error}") from None

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update request."""
        self._send(
            "POST", self.update_url, text.encode("utf-8"),
            {"Content-Type": "application/sparql-update; charset=utf-8"}, doing="update",
        )

    def put_graph(self, data: bytes, *, graph: Optional[str] = None) -> None:
        """Replace a graph (the default graph when ``graph`` is ``None``) with N-Triples ``data``."""
        self._send(
            "PUT", self._graph_url(graph), data,
            {"Content-Type": "application/n-triples; charset=utf-8"}, doing="upload",
        )

    def count(self, graph: Optional[str] = None) -> int:
        """The number of triples in a graph (the default graph when ``graph`` is ``None``)."""
        pattern = "?s ?p ?o" if graph is None else f"GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }}"
        result = self.evaluate(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        try:
            (row,) = result.bindings
            return int(str(row["n"]))
        except (ValueError, KeyError):
            raise StoreError(f"{self.url}: a COUNT query gave {len(result.bindings)} rows, not one number") from None

    # -- HTTP ------------------------------------------------------------------------

    def _graph_url(self, graph: Optional[str]) -> str:
        query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
        return f"{self.store_url}{'&' if '?' in self.store_url else '?'}{query}"

    def _send(self, method: str, url: str, data: bytes, headers: dict[str, str], *, doing: str) -> bytes:
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        # Unredirected, so that a Digest challenge's answer replaces it and no redirect carries it.
        if self.credentials.token:
            request.add_unredirected_header("Authorization", f"Bearer {self.credentials.token}")
        elif self.credentials.user:
            pair = f"{self.credentials.user}:{self.credentials.password or ''}".encode("utf-8")
            request.add_unredirected_header("Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise StoreError(f"{url}: the {doing} failed: {_http_problem(error, self.credentials)}") from None
        except urllib.error.URLError as error:
            reason = getattr(error.reason, "strerror", None) or error.reason
            raise StoreError(f"{url}: cannot reach the endpoint ({reason})") from None
        except (socket.timeout, TimeoutError):
            raise StoreError(f"{url}: no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as error:  # e.g. the connection closed mid-answer
            raise StoreError(f"{url}: the {doing} failed: {error.strerror or error}") from None


def _http_problem(error: urllib.error.HTTPError, credentials: Credentials) -> str:
    if error.code in (401, 403):
        if credentials:
            return f"HTTP {error.code}: the endpoint refused the credentials in {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}"
        return f"HTTP {error.code}: the endpoint wants credentials; set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}"
    try:
        detail = " ".join(error.read(500).decode("utf-8", "replace").split())
    except OSError:
        detail = ""
    return f"HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")


# -- W3C SPARQL 1.1 Query Results JSON ----------------------------------------------


def parse_results(data: bytes, *, namespaces: Optional[Mapping[str, str]] = None) -> QueryResult:
    """A :class:`~kg.results.QueryResult` from a W3C SPARQL 1.1 Query Results JSON document.

    ``xsd:string`` literals come back as plain literals, as the in-memory engines give them.

    :raises StoreError: ``data`` is not such a document.

    >>> parse_results(b'{"head": {}, "boolean": true}').boolean
    True
    >>> parse_results(b'<html>Bad gateway</html>')
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: the answer is not SPARQL JSON results (not JSON: <html>Bad gateway</html>)
    """
    namespaces = dict(PREFIXES) if namespaces is None else namespaces
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        sample = " ".join(data[:80].decode("utf-8", "replace").split())
        raise StoreError(f"the answer is not SPARQL JSON results (not JSON: {sample})") from None
    try:
        if "boolean" in document:
            if not isinstance(document["boolean"], bool):
                raise ValueError("boolean is not true or false")
            return QueryResult((), boolean=document["boolean"], namespaces=namespaces)
        names = tuple(document["head"]["vars"])
        if not all(isinstance(n, str) for n in names):
            raise ValueError("head.vars is not a list of names")
        bindings = tuple(
            {name: _term(value) for name, value in row.items() if name in names}
            for row in document["results"]["bindings"]
        )
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        raise StoreError(f"the answer is not SPARQL JSON results ({error})") from None
    return QueryResult(names, bindings, namespaces=namespaces)


def _term(value: Mapping[str, str]) -> Identifier:
    kind, text = value["type"], value["value"]
    if not isinstance(text, str):
        raise ValueError(f"a value is not a string: {text!r}")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return Literal(text, lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype in (None, str(XSD.string), str(RDF.langString)):
            return Literal(text)
        return Literal(text, datatype=URIRef(datatype))
    raise ValueError(f"unknown term type {kind!r}")


# -- Loading ------------------------------------------------------------------------


def replace_graph(endpoint: SparqlEndpoint, triples: Iterable[pyoxigraph.Triple], *, graph: Optional[str] = None) -> int:
    """Replace a graph of ``endpoint`` with ``triples``; return the triples it then holds.

    ``graph`` is the IRI of a named graph, or ``None`` for the default graph. The
    triples go to a fresh staging graph first (Graph Store Protocol ``PUT``) and are
    counted there; one update request then moves the current content aside and the
    staging graph in; the graph is counted again, and the previous content comes back
    if the count is wrong. Loading the same triples again gives the same graph.

    :raises StoreError: a step failed; the message names it and says that the graph
        was left as it was (or, if even restoring failed, where its old content is).
    """
    data = pyoxigraph.serialize(sorted(set(triples), key=str), format=pyoxigraph.RdfFormat.N_TRIPLES)
    expected = data.count(b"\n")
    target = "DEFAULT" if graph is None else f"GRAPH {sparql_term(URIRef(graph))}"
    shown = "the default graph" if graph is None else f"graph <{graph}>"
    token = secrets.token_hex(8)
    staging, previous = str(GRAPH[f"staging-{token}"]), str(GRAPH[f"previous-{token}"])
    untouched = f"; {shown} was not changed"

    try:
        endpoint.count(graph)  # can we reach, and read, the store at all?
    except StoreError as error:
        raise StoreError(f"{error}{untouched}") from None
    try:
        endpoint.put_graph(data, graph=staging)
        staged = endpoint.count(staging)
        if staged != expected:
            raise StoreError(f"{endpoint.url}: the staging graph holds {staged} triples, not the {expected} sent")
    except StoreError as error:
        _drop_quietly(endpoint, staging)
        raise StoreError(f"{error}{untouched}") from None
    try:
        endpoint.update(f"MOVE SILENT {target} TO GRAPH <{previous}> ;\nMOVE GRAPH <{staging}> TO {target}")
    except StoreError as error:
        _drop_quietly(endpoint, staging)
        raise StoreError(f"{error}{untouched}") from None
    try:
        loaded = endpoint.count(graph)
        if loaded != expected:
            raise StoreError(
                f"{endpoint.url}: {shown} holds {loaded} triples after the load, not {expected}"
                + (" (is the store's default graph the union of its named graphs? load into a named graph with --graph)"
                   if graph is None else "")
            )
    except StoreError as error:
        try:
            endpoint.update(f"MOVE SILENT GRAPH <{previous}> TO {target}")
        except StoreError:
            raise StoreError(f"{error}; restoring failed too: the previous content is in graph <{previous}>") from None
        raise StoreError(f"{error}; the previous content was put back") from None
    _drop_quietly(endpoint, previous)
    return loaded


def _drop_quietly(endpoint: SparqlEndpoint, graph: str) -> None:
    """Remove a graph of our own making; a failure here changes nothing the user has."""
    try:
        endpoint.update(f"DROP SILENT GRAPH <{graph}>")
    except StoreError:
        pass
