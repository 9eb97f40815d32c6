"""SPARQL 1.1 stores over HTTP: asking an endpoint, and loading a graph into one.

:class:`SparqlEndpoint` speaks the three standard protocols of a SPARQL 1.1 store with
the standard library's :mod:`urllib`: queries (SPARQL 1.1 Protocol, answers in the W3C
SPARQL JSON results format), updates, and the Graph Store HTTP Protocol. Its
:meth:`~SparqlEndpoint.evaluate` answers like the in-memory engines, so
:func:`kg.query.run_query` runs the named queries on a server too.

:func:`replace_graph` replaces one graph of a store with new triples so that nothing is ever
half-replaced: it uploads them to a staging graph, counts them there, swaps the
staging graph in (one update request), counts again, and puts the previous content
back if anything is off or it is interrupted; its graphs live under :data:`LOAD_GRAPHS`,
where the next load finds and removes any that a killed one left.

Credentials come from the environment, never from the command line:
``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD`` (sent only in answer to the server's
challenge, Basic or Digest), or ``KG_ENDPOINT_TOKEN`` (sent as ``Authorization: Bearer``).
Queries and updates go as a direct POST, or form-encoded where a store does not take that
(:meth:`SparqlEndpoint.way`).

>>> result = parse_results(b'''{"head": {"vars": ["unit"]}, "results": {"bindings": [
...     {"unit": {"type": "uri", "value": "https://example.org/lab"}}]}}''')
>>> result.rows
[{'unit': rdflib.term.URIRef('https://example.org/lab')}]
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Optional

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier

from kg.errors import StoreError
from kg.results import QueryResult, sparql_term
from kg.sparql.text import prefixes
from kg.vocab import GRAPH, PREFIXES

__all__ = [
    "Credentials", "ENV_PASSWORD", "ENV_TOKEN", "ENV_USER", "LOAD_GRAPHS", "LOAD_STEPS", "Loaded", "SparqlEndpoint",
    "parse_results", "replace_graph",
]

ENV_USER, ENV_PASSWORD, ENV_TOKEN = "KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_ENDPOINT_TOKEN"
_RESULTS_JSON = "application/sparql-results+json"


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


class _BasicAfterChallenge(urllib.request.HTTPBasicAuthHandler):
    """HTTP Basic only once the server has asked for it, then with each request (no 401 round trip each).

    A Digest server never sees the password: Basic is sent only in reply to a Basic challenge.
    """

    challenged = False

    def retry_http_basic_auth(self, host, req, realm):
        self.challenged = True
        return super().retry_http_basic_auth(host, req, realm)

    def http_request(self, req):
        if self.challenged and not req.has_header("Authorization"):
            user, password = self.passwd.find_user_password(None, req.full_url)
            if user is not None:
                pair = f"{user}:{password or ''}".encode("utf-8")
                req.add_unredirected_header("Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))
        return req

    https_request = http_request


class _DigestUpFront(urllib.request.HTTPDigestAuthHandler):
    """HTTP Digest that, once challenged, answers that challenge up front on later requests (the
    nonce count going up, RFC 7616), so that no request, a large upload least of all, is sent
    twice; a server that wants a new nonce says so with a new challenge, answered as usual."""

    challenge: Optional[dict] = None

    def retry_http_digest_auth(self, req, auth):
        _, _, text = auth.partition(" ")
        self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(text)))
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req):
        if self.challenge and not req.has_header("Authorization"):
            answer = self.get_authorization(req, self.challenge)
            if answer:
                req.add_unredirected_header("Authorization", f"Digest {answer}")
        return req

    https_request = http_request


#: How a query or an update can be sent (SPARQL 1.1 Protocol, sections 2.1 and 2.2), in the order tried.
_WAYS = {"query": ("direct POST", "form POST", "GET"), "update": ("direct POST", "form POST")}
#: The longest URL a query is sent in (servers commonly refuse more than 8 KB of request line).
_LONGEST_URL = 8000
#: Seconds a probe waits for an answer to a direct POST before trying a form POST.
_DIRECT_PROBE_WAIT = 3.0
#: Harmless requests that find which way an endpoint takes.
_PROBES = {"query": "ASK {}", "update": "INSERT DATA { }"}


class _WayRefused(StoreError):
    """The endpoint refused (or did not answer) one way of sending a request."""


class SparqlEndpoint:
    """A SPARQL 1.1 store reached over HTTP.

    :param url: the query endpoint. An Oxigraph server's root (``http://127.0.0.1:7878``)
        or ``…/query`` URL stands for its ``/query``, ``/update`` and ``/store`` endpoints.
    :param update_url: the SPARQL Update endpoint (default: ``url``).
    :param store_url: the Graph Store HTTP Protocol endpoint (default: ``url``).
    :param credentials: default: from the environment (:meth:`Credentials.from_environment`).
        A user and password answer the server's challenge, Basic or Digest; a token is
        sent as ``Authorization: Bearer`` with every request.
    :param timeout: seconds to wait for each answer.

    Queries and updates go as a direct POST (``application/sparql-query``, ``…-update``)
    where the endpoint takes it, else form-encoded (or, for queries, as a GET): the first
    query (update) tries a harmless one each way (waiting at most 3 s for an answer to the
    direct POST), and the way found is kept for the endpoint's life.

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
        if not timeout > 0:
            raise StoreError(f"a timeout must be more than 0 seconds, not {timeout:g}")
        if not parts.query and (parts.path in ("", "/") or parts.path.endswith("/query")):
            root = url.rstrip("/").removesuffix("/query")
            url, update_url, store_url = f"{root}/query", update_url or f"{root}/update", store_url or f"{root}/store"
        self.url = url
        self.update_url = update_url or url
        self.store_url = store_url or url
        self.credentials = Credentials.from_environment() if credentials is None else credentials
        self.timeout = timeout
        self.ways: dict[str, str] = {}  # "query"/"update" -> the way the endpoint takes, once known
        handlers: list = []
        if self.credentials.user and not self.credentials.token:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for endpoint in {self.url, self.update_url, self.store_url}:
                passwords.add_password(None, endpoint, self.credentials.user, self.credentials.password or "")
            handlers += [_DigestUpFront(passwords), _BasicAfterChallenge(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return f"SparqlEndpoint({self.url!r})"

    # -- the three protocols ---------------------------------------------------------

    def evaluate(self, text: str) -> QueryResult:
        """Run a SELECT or ASK query; the answer as a :class:`~kg.results.QueryResult`.

        :raises StoreError: the endpoint cannot be reached, refuses the query, or does
            not answer with SPARQL JSON results.
        """
        body = self._request("query", text)
        namespaces = dict(PREFIXES)
        namespaces.update(prefixes(text))
        try:
            return parse_results(body, namespaces=namespaces)
        except StoreError as error:
            raise StoreError(f"{self.url}: {error}") from None

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update request."""
        self._request("update", text)

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

    def way(self, kind: str) -> str:
        """How this endpoint takes a ``"query"`` or an ``"update"``: found by a harmless request the first time.

        :raises StoreError: it takes it in no way (a read-only endpoint, for updates), or cannot be reached.
        """
        if kind not in self.ways:
            self.ways[kind] = self._find_way(kind)
        return self.ways[kind]

    def _request(self, kind: str, text: str) -> bytes:
        """Send a query or an update the way this endpoint takes."""
        return self._send(*self._shaped(kind, self.way(kind), text), doing=kind)

    def _shaped(self, kind: str, way: str, text: str) -> tuple[str, str, Optional[bytes], dict[str, str]]:
        url = self.url if kind == "query" else self.update_url
        accept = {"Accept": _RESULTS_JSON} if kind == "query" else {}
        if way == "direct POST":
            return "POST", url, text.encode("utf-8"), {"Content-Type": f"application/sparql-{kind}; charset=utf-8", **accept}
        form = urllib.parse.urlencode({kind: text})
        if way == "GET":
            target = f"{url}{'&' if '?' in url else '?'}{form}"
            if len(target) > _LONGEST_URL:
                raise StoreError(f"{url}: the endpoint takes a query only by GET, and this one is too long for a URL "
                                 f"({len(target):,} characters encoded; servers take about {_LONGEST_URL:,})")
            return "GET", target, None, accept
        return "POST", url, form.encode("ascii"), {"Content-Type": "application/x-www-form-urlencoded", **accept}

    def _find_way(self, kind: str) -> str:
        """The first way of sending a ``kind`` that the endpoint answers properly (a harmless probe)."""
        refusals: dict[str, str] = {}
        url = self.url if kind == "query" else self.update_url
        for way in _WAYS[kind]:
            try:
                # Only the direct POST may hang (Virtuoso 7.2 never answers it): it gets a short wait.
                wait = min(self.timeout, _DIRECT_PROBE_WAIT) if way == "direct POST" else self.timeout
                answer = self._send(*self._shaped(kind, way, _PROBES[kind]), doing=kind, probe=wait)
            except _WayRefused as error:
                refusals[way] = str(error)
                continue
            if kind == "query":
                try:
                    parse_results(answer)
                except StoreError as error:
                    refusals[way] = f"{url}: {error}"
                    continue
            return way
        if len(set(refusals.values())) == 1:  # the same answer every way: not a matter of the way
            raise StoreError(next(iter(refusals.values())))
        ways = "; ".join(f"{way}: {problem.removeprefix(url + ': ')}" for way, problem in refusals.items())
        raise StoreError(f"{url}: the endpoint took a {kind} in no way kg sends one ({ways})")

    def _send(
        self, method: str, url: str, data: Optional[bytes], headers: dict[str, str], *, doing: str,
        probe: Optional[float] = None,
    ) -> bytes:
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        if method == "GET":  # name the endpoint, not the query in the URL
            url = url.split("?", 1)[0]
        # Unredirected, so that no redirect carries it elsewhere.
        if self.credentials.token:
            request.add_unredirected_header("Authorization", f"Bearer {self.credentials.token}")
        timeout = self.timeout if probe is None else probe
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            problem = f"{url}: the {doing} failed: {_http_problem(error, self.credentials)}"
            if probe is not None and error.code not in (401, 403, 404, 407):
                raise _WayRefused(problem) from error
            raise StoreError(problem) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, (socket.timeout, TimeoutError)):
                raise (StoreError if probe is None else _WayRefused)(f"{url}: no answer within {timeout:g} s") from error
            reason = getattr(error.reason, "strerror", None) or error.reason
            raise StoreError(f"{url}: cannot reach the endpoint ({reason})") from error
        except (socket.timeout, TimeoutError):
            raise (StoreError if probe is None else _WayRefused)(f"{url}: no answer within {timeout:g} s") from None
        except (ConnectionError, OSError) as error:  # e.g. the connection closed mid-answer
            raise StoreError(f"{url}: the {doing} failed: {error.strerror or error}") from error
        except ValueError as error:  # urllib's Digest handler, on a challenge of a scheme it does not know
            raise StoreError(f"{url}: the {doing} failed: {error}") from error


def _http_problem(error: urllib.error.HTTPError, credentials: Credentials) -> str:
    try:
        detail = " ".join(error.read(500).decode("utf-8", "replace").split())
    except OSError:
        detail = ""
    if error.code == 401 or (error.code == 403 and not detail):
        if credentials:
            return f"HTTP {error.code}: the endpoint refused the credentials in {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}"
        return f"HTTP {error.code}: the endpoint wants credentials; set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}"
    if error.code == 403:  # refused with a reason: a read-only store, a missing grant
        return f"HTTP 403: the endpoint refused the request: {detail}"
    return f"HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")


# -- W3C SPARQL 1.1 Query Results JSON ----------------------------------------------


def parse_results(data: bytes, *, namespaces: Optional[Mapping[str, str]] = None) -> QueryResult:
    """A :class:`~kg.results.QueryResult` from a W3C SPARQL 1.1 Query Results JSON document.

    ``xsd:string`` literals come back as plain literals, as the in-memory engines give them.

    :raises StoreError: ``data`` is not such a document.

    >>> parse_results(b'{"head": {}, "boolean": true}').boolean
    True
    >>> parse_results(b'''{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [{"__ASK_RETVAL":
    ...     {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}]}}''').boolean
    True
    >>> parse_results(b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}').boolean  # Virtuoso: false
    False
    >>> parse_results(b'''{"head": {"vars": ["n", "b"]}, "results": {"bindings": [{
    ...     "n": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "7"},
    ...     "b": {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1"}}]}}''').rows
    [{'n': 7, 'b': True}]
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
            return QueryResult((), boolean=_boolean(document["boolean"]), namespaces=namespaces)
        names = tuple(document["head"]["vars"])
        if not all(isinstance(n, str) for n in names):
            raise ValueError("head.vars is not a list of names")
        bindings = tuple(
            {name: _term(value) for name, value in row.items() if name in names}
            for row in document["results"]["bindings"]
        )
        if names == (_VIRTUOSO_ASK,) and len(bindings) <= 1:  # one row of 1 when true, no row when false
            value = bindings[0].get(_VIRTUOSO_ASK) if bindings else None
            return QueryResult((), boolean=value is not None and _boolean(str(value)), namespaces=namespaces)
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        raise StoreError(f"the answer is not SPARQL JSON results ({error})") from error
    return QueryResult(names, bindings, namespaces=namespaces)


#: The one variable of Virtuoso 7's answer to an ASK query, in some set-ups: one row of 1 if true, none if false.
_VIRTUOSO_ASK = "__ASK_RETVAL"


def _boolean(value) -> bool:
    """An ASK answer: JSON ``true``/``false``, or as some stores write it, ``1``/``0`` or ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if value in (0, 1) or value in ("0", "1"):
        return int(value) == 1
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"boolean is not true or false: {value!r}")


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
        if datatype == str(XSD.boolean) and text.strip() in ("1", "0"):  # Virtuoso's booleans
            return Literal(text.strip() == "1")
        return Literal(text, datatype=URIRef(datatype))
    raise ValueError(f"unknown term type {kind!r}")


# -- Loading ------------------------------------------------------------------------


#: Every graph ``kg load`` makes for a moment lies under this prefix: ``…/kg-load/staging-<token>``
#: (the new triples, before the swap) and ``…/kg-load/previous-<token>`` (the old ones, after it).
#: Any such graph in a store was left by a load that was killed; the next load removes it.
LOAD_GRAPHS = str(GRAPH["kg-load/"])
#: The steps of :func:`replace_graph`, in order, as its ``on_step`` hook names them.
LOAD_STEPS = ("check", "leftovers", "upload", "count", "swap", "recount", "cleanup")


@dataclass(frozen=True)
class Loaded:
    """What :func:`replace_graph` did: the triples the graph holds (counted) and the
    leftover graphs of earlier, interrupted loads that it removed first."""

    triples: int
    leftovers: tuple[str, ...] = ()


def replace_graph(
    endpoint: SparqlEndpoint,
    triples: Iterable[pyoxigraph.Triple],
    *,
    graph: Optional[str] = None,
    on_step: Optional[Callable[[str], None]] = None,
) -> Loaded:
    """Replace a graph of ``endpoint`` with ``triples``; what it then holds, counted.

    ``graph`` is the IRI of a named graph, or ``None`` for the default graph. Graphs
    under :data:`LOAD_GRAPHS` that an earlier load left are removed first. The triples go
    to a fresh staging graph (Graph Store Protocol ``PUT``) and are counted there; one
    update request then moves the current content aside and the staging graph in; the
    graph is counted again, and the previous content is dropped. Loading the same
    triples again gives the same graph.

    On any failure, or an interruption (``KeyboardInterrupt``), before the new content
    is counted in place, the previous content is put back and the staging and previous
    graphs are removed; then the store is counted and the error says what it holds (or
    that it could not be checked, and what may be left).

    :param on_step: called with each step's name (:data:`LOAD_STEPS`) before it starts.
    :raises StoreError: a step failed; the message names it and what the store holds.
    :raises KeyboardInterrupt: interrupted; its message says what the store holds.
    """
    data = pyoxigraph.serialize(sorted(set(triples), key=str), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert data is not None  # serialize returns the bytes when not given an output
    expected = data.count(b"\n")
    load = _Load(endpoint, graph, expected)
    step = on_step or (lambda name: None)
    try:
        step("check")
        load.before = endpoint.count(graph)  # can we reach, and read, the store at all?
        endpoint.way("update")  # does the store take updates at all (and how)? Before anything is written.
        step("leftovers")
        leftovers = _leftovers(endpoint)
        if leftovers:
            endpoint.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))
    except StoreError as error:
        raise StoreError(f"{error}; {load.shown} was not changed (nothing was sent to it)") from None
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"the load was interrupted; {load.shown} was not changed (nothing was sent to it)") from None
    try:
        step("upload")
        endpoint.put_graph(data, graph=load.staging)
        step("count")
        staged = endpoint.count(load.staging)
        if staged != expected:
            raise StoreError(f"{endpoint.url}: the staging graph holds {staged} triples, not the {expected} sent")
        step("swap")
        load.swap_sent = True
        endpoint.update(f"MOVE SILENT {load.target} TO GRAPH <{load.previous}> ;\nMOVE GRAPH <{load.staging}> TO {load.target}")
        step("recount")
        loaded = endpoint.count(graph)
        if loaded != expected:
            raise StoreError(
                f"{endpoint.url}: {load.shown} holds {loaded} triples after the load, not {expected}"
                + (" (is the store's default graph the union of its named graphs? load into a named graph with --graph)"
                   if graph is None else "")
            )
        load.done = True
        step("cleanup")
        endpoint.update(f"DROP SILENT GRAPH <{load.previous}>")
    except StoreError as error:
        raise StoreError(f"{error}; {load.recover()}") from None
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"the load was interrupted; {load.recover()}") from None
    except BaseException:
        load.recover()
        raise
    return Loaded(loaded, tuple(leftovers))


class _Load:
    """The state of one :func:`replace_graph`, and how to undo it."""

    def __init__(self, endpoint: SparqlEndpoint, graph: Optional[str], expected: int):
        self.endpoint, self.graph, self.expected = endpoint, graph, expected
        self.target = "DEFAULT" if graph is None else f"GRAPH {sparql_term(URIRef(graph))}"
        self.shown = "the default graph" if graph is None else f"graph <{graph}>"
        token = secrets.token_hex(8)
        self.staging, self.previous = f"{LOAD_GRAPHS}staging-{token}", f"{LOAD_GRAPHS}previous-{token}"
        self.before: Optional[int] = None
        self.swap_sent = self.done = False

    def recover(self) -> str:
        """Undo what is not complete, remove our graphs, count; what the store now holds."""
        endpoint = self.endpoint
        try:
            swapped = self.done or (self.swap_sent and endpoint.count(self.staging) == 0 and self.expected > 0)
        except StoreError as error:
            return self._unknown(error)
        except KeyboardInterrupt:
            return self._unknown("interrupted again while cleaning up")
        problem = None
        try:
            if swapped and not self.done:
                endpoint.update(f"CLEAR SILENT {self.target} ;\nADD SILENT GRAPH <{self.previous}> TO {self.target}")
            endpoint.update(f"DROP SILENT GRAPH <{self.staging}> ;\nDROP SILENT GRAPH <{self.previous}>")
        except StoreError as error:  # a store that reads but does not write: still count what it holds
            problem = str(error)
        except KeyboardInterrupt:
            problem = "interrupted again while cleaning up"
        try:
            now = endpoint.count(self.graph)
            left = {g: n for g in (self.staging, self.previous) if (n := endpoint.count(g))}
        except StoreError as error:
            return self._unknown(error)
        except KeyboardInterrupt:
            return self._unknown("interrupted again while cleaning up")
        if self.done:
            what = f"the new content is in place: {self.shown} holds {now} triples (counted)"
        elif now == self.before:
            what = f"{'the previous content was put back' if swapped else f'{self.shown} was not changed'}: " \
                   f"{self.shown} holds {now} triples, as before the load (counted)"
        else:
            what = f"{self.shown} holds {now} triples (counted), not the {self.before} it held before the load"
        if left:
            graphs = " and ".join(f"<{g}> ({n} triples)" for g, n in left.items())
            what += f"; graph {graphs} could not be removed{f' ({problem})' if problem else ''}: the next kg load removes it"
        return what

    def _unknown(self, why) -> str:
        if not self.swap_sent:
            state = f"{self.shown} was not changed (the swap was never sent)"
        elif self.done:
            state = f"the new content was in place in {self.shown} (counted before the failure)"
        else:
            state = (f"the swap was sent, so {self.shown} holds either its previous content (and graph "
                     f"<{self.staging}> the new) or the new content (and graph <{self.previous}> the previous)")
        return (f"the store could not be checked afterwards ({why}): {state}; "
                f"the next kg load removes the graphs under <{LOAD_GRAPHS}>")


def _leftovers(endpoint: SparqlEndpoint) -> list[str]:
    """The graphs under :data:`LOAD_GRAPHS`: left by loads that were killed."""
    result = endpoint.evaluate(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), {sparql_term(Literal(LOAD_GRAPHS))})) }} ORDER BY ?g"
    )
    return [str(row["g"]) for row in result.bindings if isinstance(row.get("g"), URIRef)]
