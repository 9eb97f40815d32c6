"""Shared by the picture tests (test_chart, test_diff, test_timeline): the shipped data in
an Oxigraph store, the kg command, and a mark for tests that need Graphviz."""

from __future__ import annotations

import shutil

import pytest

from kg.cli import main
from kg.project import Project
from kg.query import query_graph
from tests.conftest import ROOT

needs_graphviz = pytest.mark.skipif(
    shutil.which("dot") is None or shutil.which("neato") is None, reason="Graphviz (dot, neato) is not installed"
)


@pytest.fixture(scope="module")
def store():
    """The shipped ontology and data in an Oxigraph store, as the picture commands query them."""
    return query_graph(Project.at(ROOT), engine="oxigraph")


def run(capsys, *argv) -> tuple[int, str, str]:
    """``kg --root <checkout> ARGV``: the exit code, stdout and stderr."""
    code = main(["--root", str(ROOT), *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err
