"""The endpoint client against real stores it must get along with: a real Oxigraph server
behind small loopback proxies (written here) that behave as other stores do — one demands
HTTP Digest authentication (as Virtuoso's /sparql-auth), one refuses a direct POST of a query
or update (415, or no answer at all, as Debian's Virtuoso 7.2) and takes form-encoded POSTs.
`kg load` and `kg query --endpoint` must work through each."""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import Callable, Optional

import pytest

from kg.build import build
from kg.cli import main
from kg.store import LOAD_GRAPHS, Credentials, SparqlEndpoint
from tests.conftest import ROOT, LoopbackServer, write_project

USER, PASSWORD, REALM = "analyst", "s3cret", "kg-test"
#: Answers a request itself (status, body, headers) instead of forwarding it, or None.
Gate = Callable[["Handler"], Optional[tuple[int, bytes, dict]]]


class Handler(BaseHTTPRequestHandler):
    upstream: str
    gate: Gate
    seen: list

    def handle_any(self) -> None:
        self.body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.command, self.path, dict(self.headers)))
        answer = self.gate(self)
        if answer is None:
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            request = urllib.request.Request(
                self.upstream + self.path, data=self.body if self.command in ("POST", "PUT") else None,
                method=self.command, headers=headers,
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    answer = response.status, response.read(), {"Content-Type": response.headers.get("Content-Type")}
            except urllib.error.HTTPError as error:
                answer = error.code, error.read(), {"Content-Type": error.headers.get("Content-Type")}
        status, data, headers = answer
        try:
            self.send_response(status)
            for name, value in headers.items():
                if value:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting
            pass

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def log_message(self, *args) -> None:
        pass


class Proxy(LoopbackServer):
    """A loopback HTTP proxy in front of ``upstream`` whose ``gate`` may answer instead."""

    def __init__(self, upstream: str, gate: Gate):
        self.seen: list = []
        super().__init__(type("GatedHandler", (Handler,), {"upstream": upstream, "gate": staticmethod(gate), "seen": self.seen}))


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def digest_gate() -> Gate:
    """HTTP Digest (RFC 7616, MD5, qop=auth) as the only way in; Basic is refused like no credentials."""
    nonce = secrets.token_hex(16)
    challenge = {"WWW-Authenticate": f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", algorithm=MD5'}

    def gate(request: Handler):
        header = request.headers.get("Authorization", "")
        if header.startswith("Digest "):
            fields = {k: a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', header)}
            ha1 = _md5(f"{USER}:{REALM}:{PASSWORD}")
            ha2 = _md5(f"{request.command}:{fields.get('uri')}")
            expected = _md5(f"{ha1}:{nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
            if fields.get("username") == USER and fields.get("nonce") == nonce and fields.get("uri") == request.path \
                    and fields.get("response") == expected:
                return None
        return 401, b"authentication required", challenge

    return gate


def form_only_gate(*, hang: Optional[threading.Event] = None) -> Gate:
    """A direct POST of a query or update is refused (415), or never answered until ``hang`` is set."""

    def gate(request: Handler):
        if request.command == "POST" and request.headers.get("Content-Type", "").startswith("application/sparql-"):
            if hang is not None:
                hang.wait(60)
            return 415, b"Unsupported Media Type", {"Content-Type": "text/plain"}
        return None

    return gate


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small project with the shipped queries, built; the number of triples a load gives."""
    project = write_project(tmp_path_factory.mktemp("endpoint") / "project")
    for query in (ROOT / "queries").glob("*.rq"):
        shutil.copy(query, project.queries_dir)
    return project, sum(build(project, project.default_build_dir).counts.values())


@pytest.fixture
def credentials(monkeypatch):
    for name in ("KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def kg(capsys, project, *argv) -> tuple[int, str, str]:
    code = main(["--root", str(project.root), *map(str, argv)])
    return (code, *capsys.readouterr())


def embedded_answer(capsys, project) -> str:
    code, out, err = kg(capsys, project, "query", "org-chart", "--param", "company=Acme", "--format", "tsv")
    assert (code, err) == (0, "") and out.count("\n") > 1
    return out


def count(server) -> int:
    return SparqlEndpoint(server.url, credentials=Credentials()).count()


def test_load_and_query_through_a_digest_only_endpoint(oxigraph_server, built, capsys, credentials):
    project, triples = built
    proxy = Proxy(oxigraph_server.url, digest_gate())
    try:
        code, out, err = kg(capsys, project, "load", "--endpoint", proxy.url)
        assert code == 2 and "HTTP 401: the endpoint wants credentials" in err and count(oxigraph_server) == 0

        credentials.setenv("KG_ENDPOINT_USER", USER)
        credentials.setenv("KG_ENDPOINT_PASSWORD", "wrong")
        code, out, err = kg(capsys, project, "load", "--endpoint", proxy.url)
        assert code == 2 and "HTTP 401: the endpoint refused the credentials" in err and "Traceback" not in err
        assert count(oxigraph_server) == 0

        credentials.setenv("KG_ENDPOINT_PASSWORD", PASSWORD)
        code, out, err = kg(capsys, project, "load", "--endpoint", proxy.url)
        assert (code, err) == (0, "") and f"loaded {triples} triples" in out
        assert count(oxigraph_server) == triples
        expected = embedded_answer(capsys, project)
        assert kg(capsys, project, "query", "org-chart", "--param", "company=Acme", "--format", "tsv",
                  "--endpoint", proxy.url) == (0, expected, "")
    finally:
        proxy.close()
    authorizations = [headers.get("Authorization", "") for _, _, headers in proxy.seen]
    assert any(a.startswith("Digest ") for a in authorizations)
    assert not any(a.startswith("Basic ") for a in authorizations), "the password went out in the clear"
    # Once challenged, the client answers up front: the load's triples went up once (the failed
    # loads stopped before their upload), with Digest from the first byte.
    puts = [headers.get("Authorization", "") for method, _, headers in proxy.seen if method == "PUT"]
    assert len(puts) == 1 and puts[0].startswith("Digest ")


def test_load_and_query_through_an_endpoint_that_refuses_a_direct_post(oxigraph_server, built, capsys, credentials):
    project, triples = built
    proxy = Proxy(oxigraph_server.url, form_only_gate())
    try:
        code, out, err = kg(capsys, project, "load", "--endpoint", proxy.url)
        assert (code, err) == (0, "") and count(oxigraph_server) == triples
        expected = embedded_answer(capsys, project)
        assert kg(capsys, project, "query", "org-chart", "--param", "company=Acme", "--format", "tsv",
                  "--endpoint", proxy.url) == (0, expected, "")
    finally:
        proxy.close()
    direct = [path for method, path, headers in proxy.seen
              if method == "POST" and headers.get("Content-Type", "").startswith("application/sparql-")]
    forms = [path for method, path, headers in proxy.seen
             if method == "POST" and headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")]
    # One refused probe per kind and run: a query and an update for kg load, a query for kg query.
    assert sorted(direct) == ["/query", "/query", "/update"]
    assert len(forms) > 5


def test_an_endpoint_that_never_answers_a_direct_post(oxigraph_server, built, capsys, credentials):
    """As Debian's Virtuoso 7.2: a direct POST hangs. The probe gives up after 3 s (or a shorter
    --timeout) and the form POST is used from then on."""
    project, triples = built
    hang = threading.Event()
    proxy = Proxy(oxigraph_server.url, form_only_gate(hang=hang))
    try:
        started = time.monotonic()
        code, out, err = kg(capsys, project, "load", "--endpoint", proxy.url, "--timeout", "1")
        assert (code, err) == (0, "") and count(oxigraph_server) == triples
        expected = embedded_answer(capsys, project)
        assert kg(capsys, project, "query", "org-chart", "--param", "company=Acme", "--format", "tsv",
                  "--endpoint", proxy.url, "--timeout", "1") == (0, expected, "")
        assert time.monotonic() - started < 30
    finally:
        hang.set()
        proxy.close()


def test_an_endpoint_that_never_answers_at_all(oxigraph_server, built, capsys, credentials):
    project, _ = built
    hang = threading.Event()
    proxy = Proxy(oxigraph_server.url, lambda request: hang.wait(60) and None)
    try:
        started = time.monotonic()
        code, out, err = kg(capsys, project, "query", "org-chart", "--param", "company=Acme",
                            "--endpoint", proxy.url, "--timeout", "0.5")
        assert code == 2 and out == ""
        assert err == f"kg: error: {proxy.url}/query: no answer within 0.5 s\n"
        assert time.monotonic() - started < 20
    finally:
        hang.set()
        proxy.close()


@pytest.mark.parametrize("value", ["0", "-3", "soon", "inf"])
def test_a_bad_timeout_is_a_clear_error(built, capsys, value):
    project, _ = built
    with pytest.raises(SystemExit) as exited:
        main(["--root", str(project.root), "query", "org-chart", "--endpoint", "http://127.0.0.1:9", "--timeout", value])
    assert exited.value.code == 2
    assert f"argument --timeout: {value!r} is not a number of seconds above 0" in capsys.readouterr().err


def test_an_ask_answers_a_boolean_through_the_form_post(oxigraph_server, credentials):
    proxy = Proxy(oxigraph_server.url, form_only_gate())
    try:
        endpoint = SparqlEndpoint(proxy.url, credentials=Credentials())
        endpoint.update("INSERT DATA { <urn:a> <urn:b> 7 }")
        assert endpoint.evaluate("ASK { <urn:a> <urn:b> 7 }").boolean is True
        assert endpoint.evaluate("ASK { <urn:a> <urn:b> 8 }").boolean is False
        (row,) = endpoint.evaluate("SELECT ?n (?n > 3 AS ?big) WHERE { <urn:a> <urn:b> ?n }").rows
        assert row == {"n": 7, "big": True}
        assert endpoint.ways == {"query": "form POST", "update": "form POST"}
    finally:
        proxy.close()


# -- a real Virtuoso 7 ------------------------------------------------------------------

def test_load_and_query_a_real_virtuoso(virtuoso, built, capsys, credentials):
    """The README's Virtuoso line: kg load through /sparql-auth (Digest) and the Graph Store
    endpoint, into a named graph, twice; kg query through /sparql (where a direct POST hangs)."""
    project, triples = built
    graph = "https://w3id.org/restructuring-kg/graph/all"
    credentials.setenv("KG_ENDPOINT_USER", "dba")
    credentials.setenv("KG_ENDPOINT_PASSWORD", "dba")
    # What a load killed mid-way leaves: the next load must find it in Virtuoso too.
    left = f"{LOAD_GRAPHS}staging-0123456789abcdef"
    SparqlEndpoint(f"{virtuoso}/sparql-auth", store_url=f"{virtuoso}/sparql-graph-crud-auth").put_graph(
        b"<urn:left:a> <urn:left:p> <urn:left:b> .\n", graph=left)
    for run in range(2):
        code, out, err = kg(capsys, project, "load", "--endpoint", f"{virtuoso}/sparql-auth",
                            "--store", f"{virtuoso}/sparql-graph-crud-auth", "--graph", graph)
        assert (code, err) == (0, "") and f"loaded {triples} triples" in out
        assert (f"removed 1 graph left by an interrupted load: <{left}>" in out) == (run == 0)
    for name in ("KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD"):
        credentials.delenv(name)
    endpoint = SparqlEndpoint(f"{virtuoso}/sparql", credentials=Credentials())
    assert endpoint.count(graph) == triples
    graphs = endpoint.evaluate("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "
                               f'"{LOAD_GRAPHS}")) }}')
    assert graphs.rows == []  # no staging or previous graph left
    assert endpoint.evaluate(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").boolean is True
    assert endpoint.evaluate("ASK { GRAPH <urn:nothing> { ?s ?p ?o } }").boolean is False
    assert endpoint.ways == {"query": "form POST"}

    query = project.root / "units.rq"
    query.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                     "SELECT ?thing ?name WHERE { ?thing rdfs:label ?name "
                     'FILTER(STRSTARTS(STR(?thing), "https://w3id.org/restructuring-kg/id/")) } ORDER BY ?thing ?name\n')
    expected = kg(capsys, project, "query", "--file", query, "--format", "tsv")
    assert expected[0] == 0 and expected[1].count("\n") > 2
    assert kg(capsys, project, "query", "--file", query, "--format", "tsv", "--endpoint", f"{virtuoso}/sparql") == expected


def test_an_endpoint_that_takes_queries_only_by_get(oxigraph_server, built, capsys, credentials):
    project, _ = built
    assert kg(capsys, project, "load", "--endpoint", oxigraph_server.url)[0] == 0
    proxy = Proxy(oxigraph_server.url, lambda request: (405, b"Method Not Allowed", {}) if request.command == "POST" else None)
    query = project.root / "units.rq"
    query.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                     "SELECT ?thing ?name WHERE { ?thing rdfs:label ?name "
                     'FILTER(STRSTARTS(STR(?thing), "https://w3id.org/restructuring-kg/id/")) } ORDER BY ?thing ?name\n')
    try:
        expected = kg(capsys, project, "query", "--file", query, "--format", "tsv")
        assert expected[0] == 0 and expected[1].count("\n") > 2
        assert kg(capsys, project, "query", "--file", query, "--format", "tsv", "--endpoint", proxy.url) == expected
        # reporting-chain: the longest named query (about 9,600 characters as a URL's query string)
        code, out, err = kg(capsys, project, "query", "reporting-chain", "--param", "person=Bo Chen", "--endpoint", proxy.url)
        assert code == 2 and out == "" and "the endpoint takes a query only by GET, and this one is too long for a URL" in err
        code, out, err = kg(capsys, project, "load", "--endpoint", proxy.url)
        assert code == 2 and "/update: the update failed: HTTP 405 Method Not Allowed" in err
        assert "was not changed (nothing was sent to it)" in err
    finally:
        proxy.close()
    assert {method for method, path, _ in proxy.seen if path.startswith("/query")} == {"POST", "GET"}
