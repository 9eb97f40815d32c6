"""kg.timeline and ``kg timeline``: restructuring events across companies on one time axis.

Expected events (checked against the sources): Alibaba set up Alibaba Token Hub on
16 March 2026 (s000 L6; s003 L2); Tencent dissolved its AI Lab on 20 March 2026
(s001 L43, L45); Meta's layoff of 20% was a reported plan (s000 L7-L8); Alibaba's
merger into the Qwen C Business Group has no date, only 'before 16 March 2026' (s004 L12),
so it may precede any start date: it is shown only on a timeline without one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph

from kg.chart import render
from kg.errors import ParameterError
from kg.load import load_graph
from kg.project import Project
from kg.timebounds import day_bounds
from kg.timeline import KIND_COLORS, event_timeline, timeline_dot
from tests.conftest import ROOT, TINY_DATA
from tests.pictures import needs_graphviz, run, store  # noqa: F401 (store is a fixture)


def test_events_of_every_company_by_default(store):
    timeline = event_timeline(store)
    # the query's default end; no start: from the earliest event (Google's, not after 2005)
    assert (timeline.start, timeline.end) == ("2005", "2026-12-31")
    assert {"Alibaba Group", "Baidu", "Tencent", "Meta"} <= set(timeline.companies)
    by_label = {e.label: e for e in timeline.events}
    hub = by_label["Alibaba sets up the Alibaba Token Hub business group"]
    assert (hub.date, hub.kind, hub.not_after, hub.company) == ("2026-03-16", "establishment", False, "Alibaba Group")
    lab = by_label["Tencent dissolves AI Lab and moves part of its staff into the Large Language Model Division"]
    assert (lab.date, lab.kind) == ("2026-03-20", "dissolution")
    merger = by_label["Alibaba merges two business groups into the Qwen C Business Group"]
    assert (merger.date, merger.not_after) == ("2026-03-16", True)


def test_companies_range_and_type_narrow_it(store):
    timeline = event_timeline(store, companies=["Tencent", "Alibaba"], start="2026-04", end="2026-06", type="Appointment")
    assert {(e.company, e.kind) for e in timeline.events} == {("Alibaba Group", "appointment")}
    assert [e.label for e in timeline.events] == ["Lei Yanqun becomes CEO of Taobao Flash Sale"]


def test_dot_marks_precision_plans_and_undated_events(store):
    dot = timeline_dot(event_timeline(store, companies=["Meta", "Alibaba"], end="2026-06"))
    assert "2026-03-14  Reported plan for Meta to lay off" in dot and "(reported plan)" in dot
    assert "\u2264 2026-03-16  Alibaba merges two business groups into the Qwen C Business Group" in dot
    assert dot.count(KIND_COLORS["establishment"]) >= 2  # the marks and the legend


def test_an_event_known_only_by_its_latest_date_is_never_placed_in_a_range_it_may_precede(store):
    # Google's merger is known only as not after 2026-03-19 (it may be years earlier)
    merger = "Google merges DeepMind and Google Brain into Google DeepMind"
    for start in ("2026", "2026-03-01", "2025"):
        assert merger not in [e.label for e in event_timeline(store, start=start, end="2026-12-31").events]
    undated = {e.label: e for e in event_timeline(store, end="2026-12-31").events}[merger]
    assert (undated.date, undated.not_after) == ("2026-03-19", True)
    # before its bound is not enough either: it may fall after the end
    assert merger not in [e.label for e in event_timeline(store, end="2026-03-18").events]


@pytest.mark.parametrize(
    "kwargs, message",
    [({"companies": ["Tencnet"]}, "no company is named 'Tencnet'; close matches: .*'Tencent'"),
     ({"start": "2026-04", "end": "2026-03"}, "--from 2026-04 is after --to 2026-03"),
     ({"start": "March"}, "--from: 'March' is not a date")],
)
def test_bad_input(store, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        event_timeline(store, **kwargs)


# -- kg timeline --------------------------------------------------------------------


@needs_graphviz
def test_kg_timeline_writes_svg_with_lanes_and_labels(capsys, tmp_path):
    code, out, err = run(capsys, "timeline", "-o", tmp_path / "timeline.svg")
    assert (code, err) == (0, "")
    assert "events of 8 companies from 2005 to 2026-12-31" in out
    root = ET.parse(tmp_path / "timeline.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(" ".join(root.itertext()).split())  # Graphviz writes runs of spaces with &#160;
    for shown in ("Alibaba Group", "Tencent", "Baidu", "2026-03-16 Alibaba sets up the Alibaba Token Hub business group",
                  "Event types", "dissolution", "2026"):
        assert shown in text


@needs_graphviz
def test_kg_timeline_writes_png(capsys, tmp_path):
    code, out, _ = run(capsys, "timeline", "--companies", "Tencent", "--from", "2026-03", "--to", "2026-04",
                       "-o", tmp_path / "tencent.png")
    assert code == 0 and "1 event of 1 company" in out
    assert (tmp_path / "tencent.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "argv, message",
    [(["--companies", "Alibabba"], "close matches: 'Alibaba Group'"),
     (["--from", "2026-13"], "--from: '2026-13' is not a date"),
     (["--type", "Picnic"], "no event-type is named 'Picnic'")],
)
def test_kg_timeline_bad_input_exits_2(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, "timeline", *argv, "-o", tmp_path / "timeline.svg")
    assert code == 2 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def tiny_graph(extra: str) -> Graph:
    """The ontology, the conftest's tiny company and ``extra`` Turtle, in one rdflib graph,
    with the day bounds a build derives (:func:`kg.timebounds.day_bounds`)."""
    graph = load_graph(Project.at(ROOT).ontology_files)
    graph.parse(data=TINY_DATA + extra, format="turtle")
    graph += day_bounds(graph)
    return graph


def test_an_event_of_two_types_is_one_row():
    graph = tiny_graph("rev:2026-03-16-acme-lab-established a rkg:Transfer .")
    timeline = event_timeline(graph, start="2026", end="2026")
    assert [(e.label, e.kind) for e in timeline.events] == [("Acme sets up Acme Lab", "establishment / transfer")]


@needs_graphviz
def test_labels_are_escaped_in_the_picture():
    graph = tiny_graph('rev:odd a rkg:Establishment ; rdfs:label "Acme <R&D> \\"lab\\" {x}"@en ; '
                       'dcterms:date "2026-03-20"^^xsd:date ; rkg:company rorg:acme .')
    timeline = event_timeline(graph, start="2026-03", end="2026-04")
    svg = render(timeline_dot(timeline), format="svg", engine="neato", options=("-n2",))
    text = " ".join(" ".join(ET.fromstring(svg).itertext()).split())
    assert 'Acme <R&D> "lab" {x}' in text
