"""kg.chart and ``kg chart``: the org chart of a company as of a date.

Expected facts (checked against the sources): on 16 March 2026 Alibaba set up Alibaba
Token Hub, led by Wu Yongming, with Tongyi Lab, the MaaS business line, the Qianwen
Business Unit (led by Wu Jia), the Wukong Business Unit and the AI Innovation Business
Unit (s000 L6, L38; s003 L2, L9-L11; s004 L24). Before that, Tongyi Lab sat within
Alibaba Cloud (s003 L12).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from kg.chart import OrgChart, RenderError, Unit, chart_dot, org_chart, render
from kg.errors import ParameterError
from tests.conftest import ROOT
from tests.pictures import needs_graphviz, run, store  # noqa: F401 (store is a fixture)

ATH_UNITS = {"Tongyi Lab", "MaaS business line", "Qianwen Business Unit", "Wukong Business Unit", "AI Innovation Business Unit"}




def svg_text(path) -> str:
    """All the text of an SVG file, which must parse as XML."""
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def under(chart: OrgChart, parent_name: str) -> set[str]:
    return {u.name for u in chart.units.values() if any(chart.names[p] == parent_name for p in u.parents)}


def test_alibaba_token_hub_and_its_units_only_after_2026_03_16(store):
    before = org_chart(store, company="Alibaba", date="2026-03-15")
    after = org_chart(store, company="Alibaba Group", date="2026-03-20")
    assert before.company_name == after.company_name == "Alibaba Group"
    assert "Alibaba Token Hub" not in {u.name for u in before.units.values()}
    assert "Tongyi Lab" in under(before, "Alibaba Cloud")
    assert under(after, "Alibaba Token Hub") >= ATH_UNITS
    assert "Tongyi Lab" not in under(after, "Alibaba Cloud")
    heads = {u.name: {h for h, _ in u.heads} for u in after.units.values()}
    assert heads["Alibaba Token Hub"] == {"Wu Yongming"}
    assert heads["Qianwen Business Unit"] == {"Wu Jia"}
    assert heads["Tongyi Lab"] == {"Zhou Jingren"}


def test_reporting_lines_are_those_the_query_returns(store):
    after = org_chart(store, company="Alibaba", date="2026-03-20")
    reports_to_wu = {after.names[line.subordinate] for line in after.lines if after.names[line.superior] == "Wu Yongming"}
    assert reports_to_wu >= {"Qianwen Business Unit", "Wukong Business Unit", "MaaS business line"}
    assert "Wu Yongming" in {after.names[p] for p in after.people}
    before = org_chart(store, company="Alibaba", date="2026-03-15")
    assert "Qianwen Business Unit" not in {before.names[line.subordinate] for line in before.lines}


def test_unknown_company_lists_close_matches(store):
    with pytest.raises(ParameterError, match="no company is named 'Alibabba'; close matches: 'Alibaba Group'"):
        org_chart(store, company="Alibabba", date="2026-03-20")


@pytest.mark.parametrize("date", ["2026-02-30", "16 March 2026", "2026-3-16", ""])
def test_bad_date_is_refused(store, date):
    with pytest.raises(ParameterError):
        org_chart(store, company="Alibaba", date=date)


@needs_graphviz
def test_labels_are_escaped():
    chart = OrgChart(company="https://example.org/c", company_name='Acme "R&D" <Group>', date="2026")
    chart.units["https://example.org/u"] = Unit(
        iri="https://example.org/u", name="Lab {x} \\ 'y'", kind="lab",
        parents={"https://example.org/c": ("", "")}, heads={("Ann <b>Lee</b>", "head")},
    )
    chart.names.update({"https://example.org/u": "Lab {x} \\ 'y'"})
    svg = render(chart_dot(chart), format="svg").decode("utf-8")
    text = " ".join(t for t in ET.fromstring(svg).itertext())
    for shown in ('Acme "R&D" <Group>', "Lab {x} \\ 'y'", "head: Ann <b>Lee</b>"):
        assert shown in text


def test_missing_graphviz_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match="Graphviz's 'dot' program is not on PATH; install Graphviz"):
        render("digraph { a }", format="svg")


# -- kg chart ---------------------------------------------------------------------


@needs_graphviz
def test_kg_chart_writes_svg_with_the_units_and_people_of_the_date(capsys, tmp_path):
    code, out, err = run(capsys, "chart", "Alibaba", "--as-of", "2026-03-20", "-o", tmp_path / "after.svg")
    assert (code, err) == (0, "")
    assert "Alibaba Group on 2026-03-20" in out
    text = svg_text(tmp_path / "after.svg")
    for name in ATH_UNITS | {"Alibaba Token Hub", "head: Wu Yongming", "head: Wu Jia", "Wu Yongming"}:
        assert name in text
    code, out, err = run(capsys, "chart", "Alibaba", "--as-of", "2026-03-15", "-o", tmp_path / "before.svg")
    assert code == 0
    before = svg_text(tmp_path / "before.svg")
    assert "Alibaba Token Hub" not in before and "Wukong Business Unit" not in before
    assert "Tongyi Lab" in before and "Alibaba Cloud" in before


@needs_graphviz
def test_kg_chart_writes_png(capsys, tmp_path):
    code, _, _ = run(capsys, "chart", "Tencent", "--as-of", "2026-03-20", "-o", tmp_path / "tencent.png")
    assert code == 0
    assert (tmp_path / "tencent.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_kg_chart_dot_output_needs_no_graphviz(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, _, _ = run(capsys, "chart", "Alibaba", "--as-of", "2026-03-20", "-o", tmp_path / "chart.dot")
    assert code == 0
    assert (tmp_path / "chart.dot").read_text(encoding="utf-8").startswith('digraph "org chart" {')


@pytest.mark.parametrize(
    "argv, message",
    [
        (["chart", "Alibabba", "--as-of", "2026-03-20"], "kg: error: no company is named 'Alibabba'; close matches: 'Alibaba Group'"),
        (["chart", "Alibaba", "--as-of", "2026-13-01"], "kg: error: --as-of: '2026-13-01' is not a date"),
        (["chart", "Alibaba", "--as-of", "2026-03-20", "-o", "chart.txt"], "cannot tell the format; name the file .svg, .png or .dot"),
    ],
)
def test_kg_chart_bad_input_exits_2_and_writes_nothing(capsys, tmp_path, argv, message):
    if "-o" not in argv:
        argv = argv + ["-o", tmp_path / "chart.svg"]
    else:
        argv = [tmp_path / a if a == "chart.txt" else a for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_kg_chart_missing_graphviz_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, _, err = run(capsys, "chart", "Alibaba", "--as-of", "2026-03-20", "-o", tmp_path / "chart.svg")
    assert code == 2
    assert "install Graphviz" in err
    assert list(tmp_path.iterdir()) == []


# -- the pictures page ------------------------------------------------------------------


def test_the_pictures_page_shows_the_commands_that_draw_docs_img():
    """docs/pictures.md shows each picture with the command that draws it: the same lines as
    docs/img/pictures.sh, which tests/test_pictures.py runs and compares with the pictures."""
    page = (ROOT / "docs" / "pictures.md").read_text(encoding="utf-8")
    script = (ROOT / "docs" / "img" / "pictures.sh").read_text(encoding="utf-8")
    shown = [line for line in page.splitlines() if line.startswith("kg ") and " -o docs/img/" in line]
    drawn = [line for line in script.splitlines() if line.startswith("kg ")]
    assert shown == drawn
