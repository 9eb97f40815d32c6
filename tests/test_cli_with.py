"""--with on every command that reads the graph; kg diff's report without Graphviz; --timeout and Ctrl-C.

The extension is the one docs/extending.md builds (Example Robotics), written from its snippets.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synth import write_synthetic
from kg.cli import main
from tests.conftest import ROOT, write_project
from tests.test_extension import _write_guide

COMPANY = "Example Robotics"


@pytest.fixture(scope="module")
def extension(tmp_path_factory) -> Path:
    return _write_guide(tmp_path_factory.mktemp("guide"))


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def kg(*argv, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **kwargs.pop("env", {}))
    return subprocess.run([sys.executable, "-m", "kg", *map(str, argv)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, **kwargs)


def test_chart_with_an_extension_draws_its_company(extension, capsys, tmp_path):
    picture = tmp_path / "chart.dot"
    code, out, err = run(capsys, "chart", COMPANY, "--as-of", "2026-04-01", "-o", picture, "--with", extension)
    assert code == 0, err
    assert "Example Robotics Lab" in picture.read_text(encoding="utf-8")
    assert out.splitlines()[-1].startswith(f"{COMPANY} on 2026-04-01: 1 unit")
    code, _, err = run(capsys, "chart", COMPANY, "-o", picture)  # without it, the company is unknown
    assert code == 2 and "no company is named" in err


def test_timeline_with_an_extension_shows_its_events(extension, capsys, tmp_path):
    picture = tmp_path / "timeline.dot"
    code, out, err = run(capsys, "timeline", "--companies", COMPANY, "-o", picture, "--with", extension)
    assert code == 0, err
    assert "Example Robotics sets up its lab" in picture.read_text(encoding="utf-8")
    assert out.splitlines()[-1].startswith("2 events of 1 company")


def test_diff_with_an_extension_reports_its_changes(extension, capsys):
    code, out, err = run(capsys, "diff", COMPANY, "--from", "2026-01", "--to", "2026-04", "--with", extension)
    assert code == 0, err
    assert "Example Robotics Lab" in out and "Example Robotics sets up its lab" in out


def test_docs_with_an_extension_document_its_terms_and_queries(extension, capsys, tmp_path):
    code, _, err = run(capsys, "docs", "-o", tmp_path / "site", "--with", extension)
    assert code == 0, err
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "acquihire" in page and "AcquihireShape" in page and "acquihires" in page
    header = page.split("<main>", 1)[1].split("<h2", 1)[0]
    assert header.index("Restructuring Knowledge Graph ontology</strong>") < header.index("My extension of restructuring-kg")


def test_docs_show_the_project_s_ontology_header_not_the_w3c_axioms(capsys, tmp_path):
    code, _, err = run(capsys, "docs", "-o", tmp_path / "site")
    assert code == 0, err
    header = (tmp_path / "site" / "index.html").read_text(encoding="utf-8").split("<main>", 1)[1].split("<h2", 1)[0]
    assert "<strong>Restructuring Knowledge Graph ontology</strong>, version 0.1.0" in header
    assert "<code>https://w3id.org/restructuring-kg/ontology</code>" in header
    assert "W3C axioms" not in header
    assert "string: one of disagreement, inference" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_changes_takes_with_too(extension, capsys):
    code, _, err = run(capsys, "changes", ROOT / "data", ROOT / "data", "--with", extension)
    assert code == 0, err


def test_load_with_an_extension_loads_the_build_made_with_it(extension, capsys, tmp_path, oxigraph_server, monkeypatch):
    for name in ("KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    project = write_project(tmp_path / "p", shapes=shapes)
    assert run(capsys, "--root", project.root, "build", "--with", extension)[0] == 0
    # The build holds the extension: without --with it is out of date (its files are gone).
    code, _, err = run(capsys, "--root", project.root, "load", "--endpoint", oxigraph_server.url)
    assert code == 2 and "is gone since it was made" in err
    code, out, err = run(capsys, "--root", project.root, "load", "--endpoint", oxigraph_server.url, "--with", extension)
    assert code == 0, err
    code, out, _ = run(capsys, "query", "--endpoint", oxigraph_server.url, "--file", _ask_acquihire(tmp_path))
    assert code == 0 and "true" in out


def _ask_acquihire(folder: Path) -> Path:
    path = folder / "ask.rq"
    path.write_text("ASK { ?event a <https://example.org/my-extension#Acquihire> }\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["chart", "diff", "timeline", "docs", "load", "serve", "changes"])
def test_every_command_that_reads_the_graph_takes_with(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--with DIR" in capsys.readouterr().out


def test_diff_prints_its_report_before_failing_on_the_picture_without_graphviz(tmp_path):
    """Graphviz hidden from PATH: the text report is printed, then the picture fails (exit 2)."""
    bare = tmp_path / "bin"
    bare.mkdir()
    done = kg("diff", "Alibaba", "--from", "2025-06", "--to", "2026-03", "-o", tmp_path / "diff.svg",
              env={"PATH": str(bare)})
    assert done.returncode == 2
    assert "is not on PATH; install Graphviz" in done.stderr and "Traceback" not in done.stderr
    with_report = kg("diff", "Alibaba", "--from", "2025-06", "--to", "2026-03")
    assert done.stdout == with_report.stdout and done.stdout.count("\n") > 3
    assert not (tmp_path / "diff.svg").exists()


# -- --timeout and Ctrl-C ------------------------------------------------------------------

#: A query that runs for hours on the shipped data (a triple product of all triples).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . } ORDER BY ?n\n"


def test_query_timeout_stops_a_runaway_oxigraph_query(tmp_path):
    (tmp_path / "runaway.rq").write_text(RUNAWAY, encoding="utf-8")
    start = time.monotonic()
    done = kg("query", "--file", tmp_path / "runaway.rq", "--timeout", "1")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "kg: error: the query did not finish within 1 s (--timeout); stopped\n"
    assert time.monotonic() - start < 60


def test_ctrl_c_stops_a_running_oxigraph_query(tmp_path):
    """Measured: before, the process ran on for the query's whole length (over 20 s here); now
    it exits within about a second of the signal."""
    (tmp_path / "runaway.rq").write_text(RUNAWAY, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "kg", "query", "--file", str(tmp_path / "runaway.rq"),
                                "--timeout", "600"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(8)  # loading takes about 2 s; the query is running by now
    assert process.poll() is None
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the query went on after Ctrl-C")
    assert process.returncode == 130 and err == b"kg: interrupted\n"
    assert time.monotonic() - sent < 10


def test_validate_timeout(tmp_path):
    project = write_project(tmp_path / "p")
    write_synthetic(project.data_dir / "synth.ttl", companies=2)
    done = kg("--root", project.root, "validate", "--timeout", "0.05")
    assert done.returncode == 2
    assert done.stderr == "kg: error: the validation did not finish within 0.05 s (--timeout); stopped\n"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_timeout_must_be_seconds_above_0(value, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["query", "org-chart", "--timeout", value])
    assert exit.value.code == 2 and "is not a number of seconds above 0" in capsys.readouterr().err
