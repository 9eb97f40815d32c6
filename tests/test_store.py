"""Triple stores, against a real Oxigraph server on 127.0.0.1: kg load, kg serve, the
SPARQL endpoint, one answer on every engine, and the faults a store can throw at us.

Oxigraph has no authentication and never fails on purpose, so the fault tests put a
small HTTP proxy (:class:`Proxy`, test-only) in front of the real server: it forwards
every request, except those its ``fault`` answers itself (401, 500, garbage).
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import Callable, Optional

import pyoxigraph
import pytest

from kg.build import build
from kg.cli import main
from kg.errors import StoreError
from kg.export import ntriples
from kg.query import load_catalogue, run_query
from kg.serve import free_port
from kg.store import LOAD_GRAPHS, LOAD_STEPS, Credentials, SparqlEndpoint, replace_graph
from tests.conftest import ROOT, LoopbackServer, write_project
from tests.same_rows import rows as _rows

#: What the store held before a load: a load that fails must leave exactly this.
EARLIER = b"""<urn:earlier:a> <urn:earlier:p> "kept" .
<urn:earlier:b> <urn:earlier:p> <urn:earlier:a> .
"""
Fault = Callable[[str, str, dict, bytes], Optional[tuple[int, bytes]]]


class Proxy(LoopbackServer):
    """An HTTP proxy on 127.0.0.1 in front of ``upstream``; ``fault`` may answer a request instead."""

    def __init__(self, upstream: str, fault: Optional[Fault] = None):
        self.fault = fault
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = proxy.fault(self.command, self.path, dict(self.headers), body) if proxy.fault else None
                if answer is None:
                    headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                    request = urllib.request.Request(
                        upstream + self.path, data=body if self.command in ("POST", "PUT") else None,
                        method=self.command, headers=headers,
                    )
                    try:
                        with urllib.request.urlopen(request, timeout=60) as response:
                            status, kind, data = response.status, response.headers.get("Content-Type"), response.read()
                    except urllib.error.HTTPError as error:
                        status, kind, data = error.code, error.headers.get("Content-Type"), error.read()
                else:
                    (status, data), kind = answer, "text/html"
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="kg-test"')
                if kind:
                    self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

            def log_message(self, *args) -> None:
                pass

        super().__init__(Handler)


@pytest.fixture
def store(oxigraph_server):
    """The real server, holding EARLIER in its default graph."""
    SparqlEndpoint(oxigraph_server.url, credentials=Credentials()).put_graph(EARLIER)
    return oxigraph_server


@pytest.fixture
def proxy(store):
    proxy = Proxy(store.url)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small project with the shipped queries, built to its default build folder; the build's counts."""
    project = write_project(tmp_path_factory.mktemp("store") / "project")
    for query in (ROOT / "queries").glob("*.rq"):
        shutil.copy(query, project.queries_dir)
    return project, build(project, project.default_build_dir).counts


def contents(server) -> tuple[set[bytes], list[str]]:
    """What the real server holds: its default graph's N-Triples lines, and its named graphs."""
    request = urllib.request.Request(f"{server.url}/store?default", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request) as response:
        lines = {line for line in response.read().splitlines() if line.strip()}
    endpoint = SparqlEndpoint(server.url, credentials=Credentials())
    graphs = endpoint.evaluate("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    return lines, [str(row["g"]) for row in graphs.bindings]


def kg_load(capsys, project, *argv) -> tuple[int, str, str]:
    code = main(["--root", str(project.root), "load", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def without_credentials(monkeypatch) -> None:
    for name in ("KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)


# -- kg load ------------------------------------------------------------------------


def test_load_twice_holds_what_the_build_reported(store, built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    project, counts = built
    total = counts["ontology"] + counts["asserted"] + counts["inferred"]
    for _ in range(2):
        code, out, err = kg_load(capsys, project, "--endpoint", store.url)
        assert (code, err) == (0, "")
        assert f"loaded {total} triples" in out
        lines, graphs = contents(store)
        assert len(lines) == total
        assert graphs == []  # no staging or previous graph left behind
    assert not any(b"urn:earlier" in line for line in lines)  # replaced, not added to


def test_load_into_a_named_graph_leaves_the_rest_of_the_store_alone(store, built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    project, counts = built
    total = counts["ontology"] + counts["asserted"] + counts["inferred"]
    graph = "https://example.org/graphs/kg"
    for _ in range(2):
        assert kg_load(capsys, project, "--endpoint", f"{store.url}/query", "--graph", graph)[0] == 0
        endpoint = SparqlEndpoint(store.url, credentials=Credentials())
        assert endpoint.count(graph) == total
        assert contents(store) == ({line for line in EARLIER.splitlines()}, [graph])


def test_loaded_triples_are_the_built_ones(store, built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    project, _ = built
    assert kg_load(capsys, project, "--endpoint", store.url)[0] == 0
    exported = (project.default_build_dir / "asserted.nt").read_bytes().splitlines()
    lines, _ = contents(store)
    assert set(exported) <= lines


# -- one answer everywhere ------------------------------------------------------------


def _oxigraph_triples(graph) -> list:
    return list(pyoxigraph.parse(ntriples(graph), format=pyoxigraph.RdfFormat.N_TRIPLES))


def _embedded(graph) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_extend(
        pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph()) for t in _oxigraph_triples(graph)
    )
    return store


def test_every_named_query_answers_the_same_on_every_engine(shipped_graph, oxigraph_server):
    """rdflib in memory, pyoxigraph embedded and the Oxigraph server, on the same graph
    (ontology + asserted + inferred), for every query of the catalogue with its defaults."""
    triples = _oxigraph_triples(shipped_graph)
    embedded = _embedded(shipped_graph)
    server = SparqlEndpoint(oxigraph_server.url, credentials=Credentials())
    assert replace_graph(server, triples).triples == len(shipped_graph) == len(embedded)

    catalogue = load_catalogue()
    assert catalogue
    answered = 0
    for name, query in sorted(catalogue.items()):
        expected = _rows(run_query(query, shipped_graph))
        assert _rows(run_query(query, embedded)) == expected, f"{name}: pyoxigraph differs from rdflib"
        assert _rows(run_query(query, server)) == expected, f"{name}: the server differs from rdflib"
        answered += bool(expected[1])
    assert answered > 0  # the comparison is not between empty answers only


def test_a_query_without_needs_inferred_answers_the_same_without_the_inferences(shipped_graphs, shipped_graph):
    """What the README promises of the ``#+ needs: inferred`` header: a store loaded without
    the inferred triples (``kg export`` without ``--with-inferred``) answers every other query alike."""
    full, bare = _embedded(shipped_graph), _embedded(shipped_graphs.ontology + shipped_graphs.data)
    for name, query in sorted(load_catalogue().items()):
        if not {"inferred", "days"} & set(query.needs):  # days: the derived day bounds, in the inferred graph
            assert _rows(run_query(query, bare)) == _rows(run_query(query, full)), (
                f"{name} needs the inferred triples: its header should say `#+ needs: inferred`"
            )


def test_kg_query_on_an_endpoint_prints_what_the_embedded_engine_prints(store, built, capsys, monkeypatch):
    """The wiring of ``kg query --endpoint``, query by query (the engines' parity is tested above)."""
    without_credentials(monkeypatch)
    project, _ = built
    assert kg_load(capsys, project, "--endpoint", store.url)[0] == 0
    examples = {"company": "Acme", "person": "Bo Chen", "unit": "Acme Lab"}
    printed = 0
    for name, query in sorted(load_catalogue(project.queries_dir).items()):
        params = [f"--param={p.name}={examples[p.type]}" for p in query.params if p.type in examples]
        answers = []
        for engine in (["--engine", "oxigraph"], ["--endpoint", f"{store.url}/query"]):
            code = main(["--root", str(project.root), "query", name, "--format", "tsv", *params, *engine])
            answers.append((code, *capsys.readouterr()))
        assert answers[0] == answers[1], name
        printed += answers[0][0] == 0 and answers[0][1].count("\n") > 1
    assert printed > 0


def test_kg_query_on_an_endpoint_that_answers_nonsense(store, proxy, built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    project, _ = built
    proxy.fault = lambda method, path, headers, body: (200, b"Service Unavailable")
    code = main(["--root", str(project.root), "query", "org-chart", "--param", "company=Acme", "--endpoint", proxy.url])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"kg: error: {proxy.url}/query: the answer is not SPARQL JSON results")


# -- faults: each a clear message, exit 2, the earlier data intact -------------------


def test_an_unreachable_endpoint(built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    project, _ = built
    url = f"http://127.0.0.1:{free_port()}"
    code, out, err = kg_load(capsys, project, "--endpoint", url)
    assert code == 2 and out == ""
    assert f"kg: error: {url}/query: cannot reach the endpoint" in err
    assert "was not changed" in err and "Traceback" not in err


def test_credentials_come_from_the_environment(store, proxy, built, capsys, monkeypatch):
    expected = "Basic " + base64.b64encode(b"analyst:s3cret").decode()
    proxy.fault = lambda method, path, headers, body: None if headers.get("Authorization") == expected else (401, b"no")
    project, counts = built
    before = contents(store)

    without_credentials(monkeypatch)
    code, _, err = kg_load(capsys, project, "--endpoint", proxy.url)
    assert code == 2
    assert "HTTP 401: the endpoint wants credentials; set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD" in err

    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "wrong")
    code, out, err = kg_load(capsys, project, "--endpoint", proxy.url)
    assert code == 2
    assert "HTTP 401: the endpoint refused the credentials" in err and "was not changed" in err
    assert "wrong" not in out + err and "Traceback" not in err
    assert contents(store) == before

    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    code, out, err = kg_load(capsys, project, "--endpoint", proxy.url)
    assert (code, err) == (0, "")
    assert len(contents(store)[0]) == sum(counts.values())
    assert "s3cret" not in out


def test_a_bearer_token(store, proxy, built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    proxy.fault = lambda method, path, headers, body: None if headers.get("Authorization") == "Bearer t0k3n" else (401, b"")
    monkeypatch.setenv("KG_ENDPOINT_TOKEN", "t0k3n")
    project, counts = built
    assert kg_load(capsys, project, "--endpoint", proxy.url)[0] == 0
    assert len(contents(store)[0]) == sum(counts.values())


def _fail_once(when: Callable[[str, str, bytes], bool], answer: tuple[int, bytes]) -> Fault:
    """A fault that answers the first request matching ``when`` and forwards the rest."""
    fired = []

    def fault(method, path, headers, body):
        if not fired and when(method, path, body):
            fired.append(path)
            return answer
        return None

    fault.fired = fired
    return fault


@pytest.mark.parametrize(
    "when, answer, message",
    [
        # The upload of the triples to the staging graph: a server error.
        (lambda m, p, b: m == "PUT", (500, b"disk full"), "the upload failed: HTTP 500 Internal Server Error: disk full"),
        # The count of the staging graph: an answer that is not SPARQL JSON.
        (lambda m, p, b: b"staging-" in b and m == "POST" and p.startswith("/query"), (200, b"<html>proxy error</html>"),
         "not SPARQL JSON results (not JSON: <html>proxy error</html>)"),
        # The swap of the staging graph into place.
        (lambda m, p, b: p.startswith("/update") and b"MOVE GRAPH" in b, (500, b"busy"), "the update failed: HTTP 500"),
    ],
    ids=["upload-500", "staging-count-garbage", "swap-500"],
)
def test_a_failure_mid_load_leaves_the_graph_as_it_was(store, proxy, built, capsys, monkeypatch, when, answer, message):
    without_credentials(monkeypatch)
    project, _ = built
    before = contents(store)
    proxy.fault = _fail_once(when, answer)
    code, out, err = kg_load(capsys, project, "--endpoint", proxy.url)
    assert proxy.fault.fired, "the fault was never triggered"
    assert code == 2 and out == ""
    assert message in err and "the default graph was not changed" in err and "Traceback" not in err
    assert contents(store) == before


def test_a_wrong_count_after_the_swap_puts_the_previous_graph_back(store, proxy, built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    project, _ = built
    before = contents(store)
    counts_of_default = []

    def fault(method, path, headers, body):
        if path.startswith("/query") and b"COUNT" in body and b"GRAPH" not in body:
            counts_of_default.append(body)
            if len(counts_of_default) == 2:  # the first counts before the load, the second after the swap
                return 200, b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}'
        return None

    proxy.fault = fault
    code, _, err = kg_load(capsys, project, "--endpoint", proxy.url)
    assert code == 2
    assert "the default graph holds 7 triples after the load" in err and "the previous content was put back" in err
    assert contents(store) == before


def test_a_malformed_query_answer(store, proxy):
    proxy.fault = lambda method, path, headers, body: (200, b'{"head": {"vars": ["x"]}, "results": 5}')
    endpoint = SparqlEndpoint(proxy.url, credentials=Credentials())
    with pytest.raises(StoreError, match=r"/query: the answer is not SPARQL JSON results"):
        endpoint.evaluate("SELECT ?x WHERE { ?x ?p ?o }")


def test_a_refused_query_names_the_endpoint_and_the_status(store):
    endpoint = SparqlEndpoint(store.url, credentials=Credentials())
    with pytest.raises(StoreError, match=r"/query: the query failed: HTTP 400"):
        endpoint.evaluate("SELECT nonsense")


# -- kg serve -------------------------------------------------------------------------


def test_serve_answers_until_interrupted(built):
    project, counts = built
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "--root", str(project.root), "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith(f"serving {sum(counts.values())} triples") and f"http://127.0.0.1:{port}" in first
        endpoint = SparqlEndpoint(f"http://127.0.0.1:{port}", credentials=Credentials())
        assert endpoint.count() == sum(counts.values())
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode in (0, 130)
    assert "Traceback" not in err and "stopped" in err
    with pytest.raises(StoreError, match="cannot reach"):
        endpoint.count()


def test_serve_on_a_port_in_use_leaves_that_server_alone(built, store):
    project, _ = built
    before = contents(store)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "kg", "--root", str(project.root), "serve", "--port", str(store.port)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert f"kg: error: port {store.port} of 127.0.0.1 is in use" in done.stderr
    assert "Traceback" not in done.stderr
    assert contents(store) == before


# -- kg load: killed or interrupted at each step -------------------------------------

NEW = b"".join(b"<urn:new:%d> <urn:new:p> \"%d\" .\n" % (i, i) for i in range(50))


def _new_triples() -> list:
    return list(pyoxigraph.parse(NEW, format=pyoxigraph.RdfFormat.N_TRIPLES))


def _restarted(server):
    """A new Oxigraph server on the killed one's store folder (what a user's restart gives)."""
    from kg.serve import OxigraphServer

    return OxigraphServer(location=server.location).start()


def _load_graphs(server) -> list[str]:
    return [g for g in contents(server)[1] if g.startswith(LOAD_GRAPHS)]


@pytest.mark.parametrize("step", ["upload", "count", "swap", "recount", "cleanup"])
def test_a_server_killed_at_each_step_of_a_load(store, step):
    """The server dies (kill -9) just before a step: the error says what is known, and after a
    restart the store holds the old or the new content whole; the next load removes what is left."""
    before = contents(store)
    endpoint = SparqlEndpoint(store.url, credentials=Credentials())

    def kill(name):
        if name == step:
            store.process.kill()
            store.process.wait()

    with pytest.raises(StoreError) as raised:
        replace_graph(endpoint, _new_triples(), on_step=kill)
    message = str(raised.value)
    assert "the store could not be checked afterwards" in message
    if step in ("upload", "count"):
        assert "the default graph was not changed (the swap was never sent)" in message
    else:
        assert "not changed" not in message
    assert f"the next kg load removes the graphs under <{LOAD_GRAPHS}>" in message

    restarted = _restarted(store)
    try:
        lines, _ = contents(restarted)
        new = {line for line in NEW.splitlines()}
        assert lines in (before[0], new), "neither the old nor the new content, whole"
        if step in ("upload", "count", "swap"):
            assert lines == before[0]
        again = SparqlEndpoint(restarted.url, credentials=Credentials())
        loaded = replace_graph(again, _new_triples())
        assert loaded.triples == len(new)
        assert all(g.startswith(LOAD_GRAPHS) for g in loaded.leftovers)
        assert bool(loaded.leftovers) == (step != "upload")  # the upload never reached the store
        assert contents(restarted) == (new, [])
    finally:
        restarted.stop()


def test_a_server_killed_after_the_swap_but_before_its_answer(store, proxy):
    """The swap is done but its answer never comes: the message must not say "not changed"."""
    before = contents(store)

    def fault(method, path, headers, body):
        if path.startswith("/update") and b"MOVE GRAPH" in body:
            request = urllib.request.Request(store.url + path, data=body, method="POST",
                                             headers={"Content-Type": headers["Content-Type"]})
            urllib.request.urlopen(request, timeout=60).close()
            store.process.kill()
            store.process.wait()
            return 502, b"upstream gone"
        return None

    proxy.fault = fault
    with pytest.raises(StoreError) as raised:
        replace_graph(SparqlEndpoint(proxy.url, credentials=Credentials()), _new_triples())
    message = str(raised.value)
    assert "not changed" not in message
    assert "the swap was sent, so the default graph holds either its previous content" in message
    restarted = _restarted(store)
    try:
        lines, graphs = contents(restarted)
        assert lines == {line for line in NEW.splitlines()}
        (previous,) = graphs
        assert previous.startswith(f"{LOAD_GRAPHS}previous-") and previous in message
        loaded = replace_graph(SparqlEndpoint(restarted.url, credentials=Credentials()), _new_triples())
        assert loaded.leftovers == (previous,)
        assert contents(restarted)[1] == []
    finally:
        restarted.stop()
    assert before[1] == []


@pytest.mark.parametrize("step", LOAD_STEPS)
def test_an_interrupted_load_cleans_up_and_says_what_the_store_holds(store, step):
    """Ctrl-C (KeyboardInterrupt) before each step: the previous content stays or comes back, no
    staging or previous graph is left, and the message says what was counted."""
    before = contents(store)
    endpoint = SparqlEndpoint(store.url, credentials=Credentials())

    def interrupt(name):
        if name == step:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as raised:
        replace_graph(endpoint, _new_triples(), on_step=interrupt)
    message = str(raised.value)
    if step == "cleanup":  # the new content was counted in place: it stays
        assert "the new content is in place: the default graph holds 50 triples (counted)" in message
        assert contents(store) == ({line for line in NEW.splitlines()}, [])
    else:
        assert contents(store) == before
        if step in ("check", "leftovers"):
            assert "the default graph was not changed" in message
        else:
            put_back = "the previous content was put back" if step == "recount" else "the default graph was not changed"
            assert f"{put_back}: the default graph holds 2 triples, as before the load (counted)" in message


def test_kg_load_stopped_by_sigterm_mid_upload(store, proxy, built):
    """A real `kg load` process gets SIGTERM while its upload is under way."""
    project, _ = built
    before = contents(store)
    uploading, release = threading.Event(), threading.Event()

    def fault(method, path, headers, body):
        if method == "PUT" and not uploading.is_set():
            request = urllib.request.Request(store.url + path, data=body, method="PUT",
                                             headers={"Content-Type": headers["Content-Type"]})
            urllib.request.urlopen(request, timeout=60).close()  # the staging graph is in the store
            uploading.set()
            release.wait(60)
            return 502, b"too late"
        return None

    proxy.fault = fault
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_ENDPOINT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "--root", str(project.root), "load", "--endpoint", proxy.url],
        env=dict(env, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert uploading.wait(120), "the upload never started"
        assert any(g.startswith(f"{LOAD_GRAPHS}staging-") for g in contents(store)[1])
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130 and out == ""
    assert "kg: interrupted: the load was interrupted; the default graph was not changed: " \
           "the default graph holds 2 triples, as before the load (counted)" in err
    assert "Traceback" not in err
    assert contents(store) == before


def test_kg_load_removes_the_graphs_an_earlier_load_left(store, built, capsys, monkeypatch):
    without_credentials(monkeypatch)
    project, counts = built
    endpoint = SparqlEndpoint(store.url, credentials=Credentials())
    left = f"{LOAD_GRAPHS}staging-0123456789abcdef"
    endpoint.put_graph(NEW, graph=left)
    code, out, err = kg_load(capsys, project, "--endpoint", store.url)
    assert (code, err) == (0, "")
    assert f"removed 1 graph left by an interrupted load: <{left}>" in out
    assert contents(store)[1] == []
