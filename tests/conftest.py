"""Shared fixtures: the shipped project (loaded once per session) and small projects.

- ``shipped_project``: the project of this checkout.
- ``shipped_graphs``: its ontology, shapes and data, loaded once (:class:`kg.ProjectGraphs`).
- ``shipped_graph``: the graph an analyst queries: ontology + asserted data + OWL 2 RL
  inferences, as one rdflib graph (reasoning runs once per session, when first asked).
- ``make_project``: writes a small project (the real ontology, small shapes and data) to
  a temporary folder and returns it as a :class:`kg.Project`.
- ``oxigraph_server``: a real Oxigraph SPARQL server on a free port of 127.0.0.1, always stopped.
- ``virtuoso_server`` (and ``virtuoso``, its URL): a real Virtuoso 7 server on 127.0.0.1, one
  per test module, always stopped; :meth:`VirtuosoServer.restart` when a query hung it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Optional

import pytest
from rdflib import Graph

from kg.current import current
from kg.load import ProjectGraphs, load_project
from kg.project import Project
from kg.reason import reason

ROOT = Path(__file__).resolve().parent.parent

PROLOGUE = """\
@prefix rkg:     <https://w3id.org/restructuring-kg/ontology#> .
@prefix rorg:    <https://w3id.org/restructuring-kg/id/org/> .
@prefix rper:    <https://w3id.org/restructuring-kg/id/person/> .
@prefix rmem:    <https://w3id.org/restructuring-kg/id/membership/> .
@prefix rpl:     <https://w3id.org/restructuring-kg/id/placement/> .
@prefix rrep:    <https://w3id.org/restructuring-kg/id/reporting/> .
@prefix rev:     <https://w3id.org/restructuring-kg/id/event/> .
@prefix rfig:    <https://w3id.org/restructuring-kg/id/figure/> .
@prefix rsrc:    <https://w3id.org/restructuring-kg/id/source/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix time:    <http://www.w3.org/2006/time#> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix sh:      <http://www.w3.org/ns/shacl#> .
"""

#: A small company in the style of docs/data-conventions.md: a group with two units (one
#: under the other), a CEO and a lab head with time-bound memberships, a reporting line,
#: an event with a figure, each cited.
TINY_DATA = PROLOGUE + """
rsrc:s1 a rkg:SourceDocument ; rdfs:label "A test article"@en ; dcterms:identifier "s1.txt" .

rorg:acme a rkg:Company ; rdfs:label "Acme Group"@en ; skos:altLabel "Acme"@en ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L1" ] .

rorg:acme-ai a rkg:BusinessGroup ; rdfs:label "Acme AI Group"@en ; rkg:company rorg:acme ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L2" ] .

rorg:acme-lab a rkg:Lab ; rdfs:label "Acme Lab"@en ; rkg:company rorg:acme ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L3" ] .

rpl:acme-ai-in-acme a rkg:Placement ; rdfs:label "Acme AI Group in Acme"@en ;
    rkg:placedUnit rorg:acme-ai ; rkg:parentOrganization rorg:acme ;
    rkg:placedDuring rpl:acme-ai-in-acme-interval ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L2" ] .
rpl:acme-ai-in-acme-interval a time:Interval .

rpl:acme-lab-in-acme-ai a rkg:Placement ; rdfs:label "Acme Lab in the Acme AI Group"@en ;
    rkg:placedUnit rorg:acme-lab ; rkg:parentOrganization rorg:acme-ai ;
    rkg:placedDuring rpl:acme-lab-in-acme-ai-interval ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L3" ] .
rpl:acme-lab-in-acme-ai-interval a time:Interval ;
    time:hasBeginning rpl:acme-lab-in-acme-ai-begin .
rpl:acme-lab-in-acme-ai-begin a time:Instant ; time:inXSDDate "2026-03-16"^^xsd:date .

rper:ann-lee a foaf:Person ; rdfs:label "Ann Lee"@en ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L4" ] .
rper:bo-chen a foaf:Person ; rdfs:label "Bo Chen"@en ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L5" ] .

rmem:ann-lee-ceo-acme a rkg:RoleMembership ; rdfs:label "Ann Lee, CEO of Acme"@en ;
    org:member rper:ann-lee ; org:organization rorg:acme ; org:role rkg:ceo ;
    org:memberDuring rmem:ann-lee-ceo-acme-interval ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L4" ] .
rmem:ann-lee-ceo-acme-interval a time:Interval ;
    time:hasBeginning rmem:ann-lee-ceo-acme-begin .
rmem:ann-lee-ceo-acme-begin a time:Instant ; time:inXSDgYear "2023"^^xsd:gYear .

rmem:bo-chen-head-acme-lab a rkg:RoleMembership ; rdfs:label "Bo Chen, head of Acme Lab"@en ;
    org:member rper:bo-chen ; org:organization rorg:acme-lab ; org:role rkg:head ;
    org:memberDuring rmem:bo-chen-head-acme-lab-interval ;
    prov:wasGeneratedBy rev:2026-03-16-acme-lab-established ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L5" ] .
rmem:bo-chen-head-acme-lab-interval a time:Interval ;
    time:hasBeginning rmem:bo-chen-head-acme-lab-begin .
rmem:bo-chen-head-acme-lab-begin a time:Instant ; time:inXSDDate "2026-03-16"^^xsd:date .

rrep:bo-chen-to-ann-lee a rkg:ReportingLine ; rdfs:label "Bo Chen reports to Ann Lee"@en ;
    rkg:subordinate rper:bo-chen ; rkg:superior rper:ann-lee ;
    rkg:reportingDuring rrep:bo-chen-to-ann-lee-interval ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L5" ] .
rrep:bo-chen-to-ann-lee-interval a time:Interval .

rev:2026-03-16-acme-lab-established a rkg:Establishment ;
    rdfs:label "Acme sets up Acme Lab"@en ;
    dcterms:date "2026-03-16"^^xsd:date ;
    rkg:status rkg:announced ;
    rkg:company rorg:acme ;
    org:resultingOrganization rorg:acme-lab ;
    rkg:involvedPerson rper:bo-chen ;
    rkg:figure rfig:acme-lab-headcount ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L3,L5" ] .

rfig:acme-lab-headcount a schema:QuantitativeValue ;
    rdfs:label "staff of the new lab"@en ;
    rkg:measure rkg:headcount ;
    schema:value "300"^^xsd:decimal ;
    schema:unitText "employees" ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L6" ] .
"""

#: The source document TINY_DATA cites (file s1.txt): every citation in it holds.
TINY_SOURCE = """Acme Group reports its results.
The group set up the Acme AI Group this year.
It also set up the Acme Lab, under the AI group, on March 16.
Ann Lee has been chief executive since 2023.
Bo Chen heads the new lab and reports to Ann Lee.
About 300 people will work at the Acme - Lab.
"""

#: Small shapes: organizations and people need a label (a violation), a person without
#: an alternative name is worth a warning, a membership's role is an org:Role.
TINY_SHAPES = PROLOGUE + """
@prefix ex: <https://example.org/shapes#> .

ex:OrganizationShape a sh:NodeShape ;
    rdfs:label "organization"@en ;
    sh:targetClass org:Organization ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "An organization has a label."@en ] .

ex:PersonShape a sh:NodeShape ;
    rdfs:label "person"@en ;
    sh:targetClass foaf:Person ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "A person has a label."@en ] ;
    sh:property [ sh:path skos:altLabel ; sh:minCount 1 ; sh:severity sh:Warning ;
                  sh:message "A person usually has another name."@en ] .

ex:MembershipShape a sh:NodeShape ;
    rdfs:label "membership"@en ;
    sh:targetClass org:Membership ;
    sh:property [ sh:path org:role ; sh:class org:Role ; sh:message "The role is an org:Role."@en ] .
"""


def write_project(
    root: Path,
    *,
    data: Optional[dict[str, str]] = None,
    shapes: Optional[str] = TINY_SHAPES,
    pyproject: bool = False,
) -> Project:
    """Write a project to ``root``: the real ontology, ``shapes`` and the ``data`` files."""
    (root / "ontology" / "imports").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "ontology" / "restructuring.ttl", root / "ontology" / "restructuring.ttl")
    shutil.copy(ROOT / "ontology" / "imports" / "w3c-axioms.ttl", root / "ontology" / "imports" / "w3c-axioms.ttl")
    if shapes is not None:
        (root / "ontology" / "shapes.ttl").write_text(shapes, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    (root / "queries").mkdir(exist_ok=True)
    for name, text in (data if data is not None else {"acme.ttl": TINY_DATA}).items():
        (root / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "data" / name).write_text(text, encoding="utf-8")
    if pyproject:
        (root / "pyproject.toml").write_text('[project]\nname = "restructuring-kg"\n', encoding="utf-8")
    return Project.at(root)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Project]:
    """A factory: ``make_project(data={...}, shapes=...)`` writes a project under tmp_path."""

    def make(name: str = "project", **kwargs) -> Project:
        return write_project(tmp_path / name, **kwargs)

    return make


@pytest.fixture(scope="session")
def shipped_project() -> Project:
    """The project of this checkout."""
    return Project.at(ROOT, origin="checkout")


@pytest.fixture(scope="session")
def shipped_graphs(shipped_project: Project) -> ProjectGraphs:
    """The shipped ontology, shapes and data, loaded once."""
    return load_project(shipped_project)


@pytest.fixture(scope="session")
def shipped_graph(shipped_graphs: ProjectGraphs) -> Graph:
    """Ontology + asserted data + OWL 2 RL inferences + the untimed ORG shortcuts of the
    latest state (:mod:`kg.current`), as one graph (what a store holds after a build)."""
    graph = Graph()
    graph += shipped_graphs.ontology
    graph += shipped_graphs.data
    graph += reason(graph)
    graph += current(graph)
    return graph


@pytest.fixture
def oxigraph_server(tmp_path: Path):
    """A real Oxigraph server (the ``oxigraph`` command) on a free port of 127.0.0.1, with its
    store in tmp_path; ready when given, always stopped afterwards. Yields a :class:`kg.serve.OxigraphServer`
    (``.url`` is its root: ``/query``, ``/update``, ``/store``)."""
    from kg.errors import StoreError
    from kg.serve import OxigraphServer

    for attempt in range(3):  # another process may take the free port before the server binds it
        server = OxigraphServer(location=tmp_path / f"oxigraph-{attempt}")
        try:
            server.start()
            break
        except StoreError:
            if attempt == 2:
                raise
    try:
        yield server
    finally:
        server.stop()


class LoopbackServer:
    """An HTTP server on a free port of 127.0.0.1, serving ``handler`` in a thread until :meth:`close`."""

    def __init__(self, handler: type) -> None:
        import threading
        from http.server import ThreadingHTTPServer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


#: Passed and failed W3C SHACL suite entries per (engine, suite), filled by tests/test_conformance.py
#: through each test's report, so that the counts reach this process under pytest-xdist too.
_CONFORMANCE: dict = {}
_COUNTED = "w3c-shacl-outcome"


@pytest.fixture
def conformance_counts(request) -> Callable[[str, str, bool], None]:
    """Count one W3C SHACL suite entry, ``count(engine, suite, passed)``; the counts are
    printed at the end of the run."""

    def count(engine: str, suite: str, passed: bool) -> None:
        request.node.user_properties.append((_COUNTED, (engine, suite, bool(passed))))

    return count


def pytest_runtest_logreport(report) -> None:
    for name, value in report.user_properties:
        if name == _COUNTED and report.when == "call":
            engine, suite, passed = value
            _CONFORMANCE.setdefault((engine, suite), {True: 0, False: 0})[passed] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    counts = _CONFORMANCE
    if not counts:
        return
    terminalreporter.section("W3C SHACL test suite")
    for (engine, suite), outcome in sorted(counts.items()):
        total = outcome[True] + outcome[False]
        terminalreporter.write_line(f"{engine + ' engine':>28}, {suite:>6}: {outcome[True]}/{total} passed")


# -- a real Virtuoso 7 ------------------------------------------------------------------

VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = .
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


class VirtuosoServer:
    """A real Virtuoso 7 server (Debian's ``virtuoso-opensource-7``, or the ``virtuoso-t``
    that KG_TEST_VIRTUOSO names) on 127.0.0.1, on a new database in ``folder`` whose ``dba``
    password is ``dba``. ``url`` is its root (``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud-auth``)."""

    def __init__(self, command: str, folder: Path):
        from kg.serve import free_port

        self.command, self.folder = command, folder
        self.url = f"http://127.0.0.1:{free_port()}"
        folder.joinpath("virtuoso.ini").write_text(
            VIRTUOSO_INI.format(sql=free_port(), http=self.url.rsplit(":", 1)[1]), encoding="utf-8")
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = subprocess.Popen([self.command, "+foreground", "+configfile", "virtuoso.ini"], cwd=self.folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/sparql?query=ASK%7B%7D", timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.folder / "virtuoso.log"
                    self.stop()
                    pytest.fail(f"Virtuoso did not start: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}")
                time.sleep(0.5)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Stop (a hung server is killed) and start again, on the same database."""
        if self.process is not None:
            self.process.kill()  # a hung Virtuoso does not stop on SIGTERM in time
            self.process.wait()
            self.process = None
        self.start()


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso 7 server (:class:`VirtuosoServer`), one per test module, always stopped."""
    command = os.environ.get("KG_TEST_VIRTUOSO") or shutil.which("virtuoso-t")
    if not command:
        reason = "Virtuoso is not installed (apt-get install virtuoso-opensource-7, or set KG_TEST_VIRTUOSO)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run installs it")
        pytest.skip(reason)
    server = VirtuosoServer(command, tmp_path_factory.mktemp("virtuoso"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def virtuoso(virtuoso_server) -> str:
    """The root URL of the module's Virtuoso server."""
    return virtuoso_server.url


def stderr_on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """Run ``python -m kg argv`` with its standard error on a pseudo-terminal; its exit code
    and what it wrote there (what a user at a terminal sees of its progress)."""
    import pty
    import sys

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    main_fd, terminal = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "kg", *map(str, argv)], env=env, stdout=subprocess.PIPE,
                              stderr=terminal, timeout=300)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main_fd)
    return done.returncode, shown.decode()
