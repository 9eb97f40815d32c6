"""kg.diff and ``kg diff``: what changed in a company's organization between two dates.

Expected changes (checked against the sources): between 15 and 20 March 2026 Alibaba
set up Alibaba Token Hub led by Wu Yongming, moved Tongyi Lab and the MaaS business line
into it from Alibaba Cloud, and DingTalk into the new Wukong Business Unit (s000 L6,
L38; s003 L2, L9-L12; s004 L16, L32); Wu Jia leads the Qianwen Business Unit (s003 L10).
On 8 April 2026 Tongyi Lab became the Tongyi Large Model Division, a Technical Committee
was set up, and Lei Yanqun replaced Wu Zeming as CEO of Taobao Flash Sale (s001 L9,
L21); in June the Token Foundry Division was formed (s002 L20). The Intelligent
Information and Intelligent Connectivity business groups merged into the Qwen C Business
Group at a date s004 (L12) gives only as before 16 March.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kg.chart import COLORS
from kg.diff import diff_charts, diff_report
from kg.errors import ParameterError
from tests.pictures import needs_graphviz, run, store  # noqa: F401 (store is a fixture)

SVG = "{http://www.w3.org/2000/svg}"
RORG = "https://w3id.org/restructuring-kg/id/org/"



def texts(changes, what, kind) -> list[str]:
    return [c.text for c in changes.changes if c.what == what and c.kind == kind]


def test_token_hub_reorganization(store):
    changes = diff_charts(store, company="Alibaba", start="2026-03-15", end="2026-03-20")
    added = " | ".join(texts(changes, "unit", "added"))
    for unit in ("Alibaba Token Hub (business group) under Alibaba Group", "Qianwen Business Unit", "Wukong Business Unit",
                 "AI Innovation Business Unit"):
        assert unit in added
    moved = {t.split(":")[0]: t for t in texts(changes, "unit", "moved")}
    assert set(moved) >= {"Tongyi Lab", "MaaS business line", "DingTalk"}
    assert "from Alibaba Cloud" in moved["Tongyi Lab"] and "to Alibaba Token Hub" in moved["Tongyi Lab"]
    assert "to Wukong Business Unit" in moved["DingTalk"]
    assert set(texts(changes, "head", "added")) >= {"Wu Yongming, head of Alibaba Token Hub", "Wu Jia, head of Qianwen Business Unit"}
    # The two groups merged into the Qwen C Business Group no later than 16 March (s004 L12).
    removed = texts(changes, "unit", "removed")
    assert [t.split(" (")[0] for t in removed] == [
        "Intelligent Connectivity Business Group", "Intelligent Information Business Group"]
    assert all(t.endswith("; became Qwen C Business Group (merger, not after 2026-03-16)") for t in removed)
    assert "Alibaba sets up the Alibaba Token Hub business group" in {e["label"] for e in changes.events}


def test_only_what_certainly_happened_in_between_is_listed(store):
    # The AI Future Research Institute was set up in 2026, by June at the latest (s002):
    # not between 15 and 20 March, and the chart shows it from June.
    changes = diff_charts(store, company="Alibaba", start="2026-03-15", end="2026-03-20")
    assert not any("AI Future Research Institute" in c.text for c in changes.changes)
    # Events no source dates may precede the 15th: never listed as in between.
    listed = {e["label"]: e for e in changes.events}
    assert "Alibaba merges two business groups into the Qwen C Business Group" not in listed
    assert all(e["dated"] != "not after" for e in changes.events)
    assert "possible days lie between them" in diff_report(changes)


def test_april_and_june_changes(store):
    changes = diff_charts(store, company="Alibaba", start="2026-03-20", end="2026-06-30")
    added = " | ".join(texts(changes, "unit", "added"))
    assert "Technical Committee" in added and "Token Foundry Division" in added
    # What a removed unit became, and where an added one came from (the unit-lineage query).
    # The end of Tongyi Lab's placement and the Token Foundry's parent are inferred (issue 17): the text says so.
    assert "Tongyi Lab (lab), was under Alibaba Token Hub (2026-03-16 to 2026-04-08, inferred); became Tongyi Large Model " \
           "Division (upgrade or renaming, 2026-04-08), then Token Foundry Division (merger, 2026-06)" \
           in texts(changes, "unit", "removed")
    assert "Token Foundry Division (business unit) under Alibaba Group (since 2026-06, inferred); from Future Life Laboratory " \
           "and Tongyi Large Model Division (merger, 2026-06)" in texts(changes, "unit", "added")
    assert "Lei Yanqun, chief executive officer of Taobao Flash Sale" in texts(changes, "head", "added")
    assert "Wu Zeming, chief executive officer of Taobao Flash Sale" in texts(changes, "head", "removed")


def test_same_date_has_no_changes(store):
    changes = diff_charts(store, company="Alibaba", start="2026-03-20", end="2026-03-20")
    assert changes.changes == []
    assert "No changes." in diff_report(changes)


def test_report_text_and_markdown(store):
    changes = diff_charts(store, company="Alibaba", start="2026-03-15", end="2026-03-20")
    text = diff_report(changes)
    assert text.startswith("Alibaba Group: changes from 2026-03-15 to 2026-03-20\n")
    assert "\nUnits added (" in text and "  + Alibaba Token Hub (business group)" in text
    assert "  ~ Tongyi Lab: from Alibaba Cloud" in text
    markdown = diff_report(changes, markdown=True)
    assert markdown.startswith("# Alibaba Group: changes from 2026-03-15 to 2026-03-20\n")
    assert "\n## Units moved (" in markdown and "\n- Tongyi Lab: from Alibaba Cloud" in markdown


@pytest.mark.parametrize(
    "start, end, message",
    [("2026-03-20", "2026-03-15", "--from 2026-03-20 is after --to 2026-03-15"),
     ("2026-03-32", "2026-04-01", "--from: '2026-03-32' is not a date"),
     ("2026-03-01", "soon", "--to: 'soon' is not a date")],
)
def test_bad_dates(store, start, end, message):
    with pytest.raises(ParameterError, match=message):
        diff_charts(store, company="Alibaba", start=start, end=end)


# -- kg diff ----------------------------------------------------------------------


def node_stroke(svg_root, iri: str) -> set[str]:
    for group in svg_root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        if group.get("class") == "node" and title is not None and title.text == iri:
            return {shape.get("stroke") for shape in group.iter() if shape.get("stroke")}
    raise AssertionError(f"no node {iri}")


@needs_graphviz
def test_kg_diff_prints_the_report_and_colors_the_picture(capsys, tmp_path):
    code, out, err = run(capsys, "diff", "Alibaba", "--from", "2026-03-15", "--to", "2026-03-20", "-o", tmp_path / "diff.svg")
    assert code == 0 and "wrote" in err
    assert out.startswith("Alibaba Group: changes from 2026-03-15 to 2026-03-20\n")
    assert "Units added (" in out and "+ Wu Jia, head of Qianwen Business Unit" in out
    root = ET.parse(tmp_path / "diff.svg").getroot()
    assert node_stroke(root, RORG + "alibaba-token-hub") == {COLORS["added"][0]}
    assert node_stroke(root, RORG + "tongyi-lab") == {COLORS["moved"][0]}
    assert node_stroke(root, RORG + "taobao") == {COLORS["unchanged"][0]}
    text = " ".join(root.itertext())
    assert "+ head: Wu Jia" not in text  # a new unit's head is not a change of head
    assert "Alibaba Token Hub" in text


@needs_graphviz
def test_kg_diff_marks_removed_units_and_changed_heads(capsys, tmp_path):
    code, out, _ = run(capsys, "diff", "Alibaba", "--from", "2026-03-20", "--to", "2026-06-30",
                       "--format", "md", "-o", tmp_path / "diff.svg")
    assert code == 0 and out.startswith("# Alibaba Group: changes")
    root = ET.parse(tmp_path / "diff.svg").getroot()
    assert node_stroke(root, RORG + "tongyi-lab") == {COLORS["removed"][0]}
    text = " ".join(root.itertext())
    assert "+ chief executive officer: Lei Yanqun" in text
    assert "\u2212 chief executive officer: Wu Zeming" in text


@pytest.mark.parametrize(
    "argv, message",
    [(["Alibabba", "--from", "2026-03-15", "--to", "2026-03-20"], "no company is named 'Alibabba'; close matches"),
     (["Alibaba", "--from", "2026-03-15", "--to", "2026-02-30"], "--to: '2026-02-30' is not a date")],
)
def test_kg_diff_bad_input_exits_2(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, "diff", *argv, "-o", tmp_path / "diff.svg")
    assert code == 2 and message in err and out == ""
    assert list(tmp_path.iterdir()) == []
