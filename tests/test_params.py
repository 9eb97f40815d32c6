"""Query parameters from the command line: empty values, prefixed names, empty ranges, allowed values.

Each refusal is one line on stderr, exit 2, no traceback; run in real ``kg`` processes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kg.errors import ParameterError
from kg.query import Query, bind_query, find_query, run_query
from tests.conftest import ROOT


def kg(*argv) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "kg", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def refused(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), done.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    "argv, words",
    [
        (["org-chart", "--param", "date="], ["parameter 'date'", "empty"]),
        (["org-chart", "--param", "company=  "], ["parameter 'company'", "empty"]),
        (["personnel-changes-by-period", "--param", "from=2026-05", "--param", "to=2025"],
         ["range is empty", "from 2026-05 is after to 2025"]),
        (["unit-changes-by-period", "--param", "to=2024-12"], ["range is empty", "from 2025-01-01 is after to 2024-12"]),
        (["disagreements-and-inferences", "--param", "only=disagreements"],
         ["parameter 'only'", "'disagreements' is not one of disagreement, inference"]),
    ],
    ids=["empty-date", "blank-company", "from-after-to", "to-before-the-default-from", "unknown-only"],
)
def test_refused_in_one_line_with_exit_2(argv, words):
    refused(kg("query", *argv), *words)


def test_a_range_of_one_month_is_not_empty(shipped_graphs):
    from kg.query import query_graph

    store = query_graph(shipped_graphs.project, engine="oxigraph")
    run_query("personnel-changes-by-period", store, params={"from": "2026-03", "to": "2026-03"})
    run_query("personnel-changes-by-period", store, params={"from": "2026", "to": "2026-01-01"})
    with pytest.raises(ParameterError, match="range is empty"):
        run_query("personnel-changes-by-period", store, params={"from": "2026-03-02", "to": "2026-03-01"})


def test_the_prefixed_name_a_result_prints_is_accepted_back():
    """The org-chart output names the company rorg:…; that form works as --param, like the name."""
    by_name = kg("query", "org-chart", "--param", "company=Alibaba", "--format", "csv")
    by_qname = kg("query", "org-chart", "--param", "company=rorg:alibaba-group", "--format", "csv")
    by_iri = kg("query", "org-chart", "--param",
                "company=https://w3id.org/restructuring-kg/id/org/alibaba-group", "--format", "csv")
    assert by_name.returncode == by_qname.returncode == by_iri.returncode == 0, by_qname.stderr
    assert by_qname.stdout == by_name.stdout == by_iri.stdout
    assert by_name.stdout.count("\n") > 5
    table = kg("query", "org-chart", "--param", "company=Alibaba")
    assert "rorg:" in table.stdout  # the form shown is the form accepted


def test_an_unknown_prefixed_name_says_so_with_close_matches():
    refused(kg("query", "org-chart", "--param", "company=rorg:alibaba-grup"), "no company is named", "Alibaba")


def test_allowed_values_are_read_from_the_header_and_checked():
    query = Query.from_text(
        "#+ summary: s\n#+ params:\n#+   - name: only\n#+     type: string\n#+     values: a, b\n"
        "SELECT ?only WHERE { } ORDER BY ?only"
    )
    assert query.params[0].values == ("a", "b")
    assert "VALUES (?only)" in bind_query(query, None, {"only": "a"})
    with pytest.raises(ParameterError, match="'c' is not one of a, b"):
        bind_query(query, None, {"only": "c"})


def test_the_shipped_only_parameter_still_selects_each_kind(shipped_graphs):
    from kg.query import query_graph

    store = query_graph(shipped_graphs.project, engine="oxigraph")
    kinds = {str(row["kind"]) for row in run_query("disagreements-and-inferences", store, params={"only": "inference"})}
    assert kinds == {"inference"}
    assert find_query("disagreements-and-inferences").params[0].values == ("disagreement", "inference")
