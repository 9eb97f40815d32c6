"""Portability: every named query gives the same rows on Apache Jena ARQ as on Oxigraph.

An analyst loads the built graph into a store of their own; the named queries must mean
the same there. Jena ARQ (Debian's ``libapache-jena-java``, which ``.ci/run`` installs)
runs each query, with its defaults and with every reviewed case of ``tests/expected/``,
on the graph ``kg export --with-inferred`` writes (ontology, asserted and inferred
triples), in one JVM (``tests/jena/RunQueries.java``). Rows are compared term by term
(blank node labels are each engine's own; a number by its value, as engines write
numbers in different lexical forms), in order: the queries have an ORDER BY.

A query that a store cannot run the same way is listed in :data:`DIFFERENT` with the
reason; the test fails when a listed case starts to agree, or an unlisted one differs.

Debian 12's Jena needs an explicit class path (:mod:`benchmarks.jena`, which the
benchmark's Jena stage uses too).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchmarks.jena import compile_runner, missing
from kg.query import bind_query, to_store
from kg.store import parse_results
from tests.same_rows import ROOT, check_differences, differences, named_cases

#: Cases Jena answers differently, with the reason. Empty: every case agrees.
DIFFERENT: dict[str, str] = {}


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    """A function running query texts on Jena ARQ over the shipped graph, in one JVM."""
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run installs it")
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("jena")
    classpath = compile_runner(ROOT / "tests" / "jena" / "RunQueries.java", workdir)

    def run(data: Path, texts: dict[str, str]) -> dict[str, object]:
        files = {}
        for key, text in texts.items():
            files[key] = workdir / f"{key.replace('/', '--')}.rq"
            files[key].write_text(text, encoding="utf-8")
        subprocess.run(
            ["java", "-cp", classpath, "RunQueries", str(data),
             *(str(f) for f in files.values())],
            check=True, capture_output=True, timeout=600,
        )
        answers: dict[str, object] = {}
        for key, file in files.items():
            error = file.with_name(file.name + ".error")
            answers[key] = error.read_text() if error.exists() else parse_results(
                file.with_name(file.name + ".srj").read_bytes()
            )
        return answers

    return run


def test_every_named_query_gives_the_same_rows_on_jena(jena, shipped_graph, tmp_path):
    store = to_store(shipped_graph)
    cases = named_cases()
    texts = {key: bind_query(query, store, params) for key, (query, params) in cases.items()}
    data = tmp_path / "kg.nt"
    data.write_text(shipped_graph.serialize(format="nt"), encoding="utf-8")
    differ, rows_compared = differences(cases, store, jena(data, texts), engine="Jena")
    assert rows_compared > 0
    check_differences(differ, DIFFERENT, engine="Jena")
