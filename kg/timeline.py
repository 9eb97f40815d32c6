"""A timeline of restructuring events across companies: one lane per company, one row per event.

The events come from the ``restructuring-timeline`` query, run with
:func:`kg.query.run_query`. Each event sits on a shared time axis at the precision its
sources give: a dot for a day, a bar over the month or the year for a date known only
to the month or year. An event no source dates (the query marks it ``not after``) is
drawn hollow with a dashed lead-in, ending at the latest date it can have; it is shown
only on a timeline without a start date, as it may precede any start. The picture
is DOT with every position fixed, drawn by Graphviz (``neato -n2``), so SVG and PNG
come from the same text.

>>> from kg.query import query_graph
>>> timeline = event_timeline(query_graph(engine="oxigraph"), companies=["Tencent"], end="2026-04")
>>> [(e.date, e.kind, e.not_after) for e in timeline.events]  # doctest: +NORMALIZE_WHITESPACE
[('2016', 'establishment', False), ('2026-03', 'reorganization', True),
 ('2026-03-20', 'dissolution', False), ('2026-03-23', 'split or spin-off', True)]
>>> [e.date for e in event_timeline(query_graph(engine="oxigraph"), companies=["Tencent"],
...                                 start="2026-03", end="2026-04").events]  # the undated ones may precede March
['2026-03-20']
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence

from kg.chart import check_date, dot_id, dot_label, resolve_company
from kg.dates import date_span as period
from kg.errors import ParameterError, QueryError
from kg.query import Query, load_catalogue, run_query

__all__ = ["Event", "Timeline", "event_timeline", "period", "timeline_dot"]

#: The color of each event type of the ontology (by its label), the same in every picture.
KIND_COLORS = {
    "establishment": "#009e73",
    "merger": "#e69f00",
    "split or spin-off": "#d55e00",
    "dissolution": "#8b0000",
    "reorganization": "#cc79a7",
    "transfer": "#0072b2",
    "upgrade or renaming": "#17becf",
    "layoff": "#000000",
    "appointment": "#6a3d9a",
    "departure": "#b15928",
    "rotation": "#9e9ac8",
    "structural change": "#7f7f7f",
    "personnel change": "#7f7f7f",
    "restructuring event": "#7f7f7f",
}
#: Colors for other types (an extension's, or activities), in the order they first appear.
PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8c564b",
    "#7f7f7f", "#bcbd22", "#17becf", "#9467bd", "#2ca02c", "#f0e442", "#1f77b4",
)
_FONT = "Helvetica"
_LABEL_W, _GAP, _AXIS_W, _MARGIN = 470, 16, 560, 12
_ROW, _LANE, _HEAD = 16, 22, 46
_CHARS = 82  # label characters that fit in the label column at 10 pt


@dataclass(frozen=True)
class Event:
    """An event as the ``restructuring-timeline`` query returns it; ``kind`` is its type's
    label (types joined by ``" / "`` when it has several)."""

    iri: str
    date: str
    not_after: bool
    company: str
    kind: str
    label: str
    status: str = ""
    sources: str = ""
    #: the date is inferred, not stated (the query marks it ``inferred``)
    inferred: bool = False

    @property
    def color_kind(self) -> str:
        """The type that colors the event: the first of its types (they are sorted)."""
        return self.kind.split(" / ")[0]


@dataclass
class Timeline:
    """The events between two dates, in the query's order, and the range asked for."""

    start: str
    end: str
    events: list[Event] = field(default_factory=list)

    @property
    def companies(self) -> list[str]:
        """The companies with events, by name."""
        return sorted({e.company for e in self.events})


def event_timeline(
    graph: Any,
    *,
    companies: Sequence[str] = (),
    start: Optional[str] = None,
    end: Optional[str] = None,
    type: Optional[str] = None,
    catalogue: Optional[Mapping[str, Query]] = None,
) -> Timeline:
    """The events of ``companies`` (all when empty) between ``start`` and ``end``.

    Missing dates and type take the query's defaults. Companies are names or other names.
    An event is shown when some day it can be on lies in the range; one known only by
    ``rkg:notAfter`` may precede any start, so it is shown (hollow, "not after") only when
    no ``start`` is given, and the axis then begins with the earliest event.

    :raises ParameterError: an unknown company or event type, a malformed date, or
        ``start`` after ``end``.
    """
    params: dict[str, str] = {}
    if start is not None:
        params["from"] = check_date(start, option="--from")
    if end is not None:
        params["to"] = check_date(end, option="--to")
    if type is not None:
        params["type"] = type
    catalogue = load_catalogue() if catalogue is None else catalogue
    if "restructuring-timeline" not in catalogue:
        raise QueryError("no query is named 'restructuring-timeline'")
    query = catalogue["restructuring-timeline"]
    defaults = {p.name: p.default for p in query.params}
    first, last = params.get("from", defaults.get("from")), params.get("to", defaults.get("to"))
    if last is None:
        raise QueryError("the query 'restructuring-timeline' gives no default for 'to'")
    if first is not None and period(first)[0] > period(last)[1]:
        raise ParameterError(f"--from {first} is after --to {last}")
    wanted: list[Optional[str]] = [resolve_company(graph, name)[0] for name in companies] or [None]
    timeline = Timeline(start=first or last, end=last)
    seen: dict[str, int] = {}
    for company in wanted:
        run = dict(params, **({"company": company} if company else {}))
        for row in run_query(query, graph, params=run):
            event = Event(
                iri=str(row["event"]),
                date=str(row["date"]),
                not_after=row["dated"] == "not after",
                company=str(row["companyName"]),
                kind=str(row["kind"]),
                label=str(row["label"]),
                status=str(row["status"] or ""),
                sources=str(row["sources"] or ""),
                inferred=row["dated"] == "inferred",
            )
            if event.iri in seen:  # an event of two types: one row, both types
                earlier = timeline.events[seen[event.iri]]
                kinds = sorted(set(earlier.kind.split(" / ")) | {event.kind})
                timeline.events[seen[event.iri]] = dataclasses.replace(earlier, kind=" / ".join(kinds))
            else:
                seen[event.iri] = len(timeline.events)
                timeline.events.append(event)
    if len(wanted) > 1:
        timeline.events.sort(key=lambda e: (e.date, e.company, e.iri))
    if first is None:  # no start: the axis begins with the earliest event shown
        timeline.start = min((e.date for e in timeline.events), key=lambda d: period(d)[0], default=last)
    return timeline


# -- Drawing ----------------------------------------------------------------------


def _months(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _text_node(name: str, x: float, y: float, width: float, text: str, *, size: int = 10,
               bold: bool = False, align: str = "LEFT", color: str = "#222222", tooltip: str = "") -> str:
    body = dot_label(("b" if bold else "", text))[1:-1]
    cell = (
        f'<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0" FIXEDSIZE="TRUE" WIDTH="{int(width)}" HEIGHT="{_ROW - 2}">'
        f'<TR><TD ALIGN="{align}" FIXEDSIZE="TRUE" WIDTH="{int(width)}" HEIGHT="{_ROW - 2}">'
        f'<FONT POINT-SIZE="{size}" COLOR="{color}">{body}</FONT></TD></TR></TABLE>'
    )
    return (
        f"  {dot_id(name)} [shape=plaintext, margin=0, fixedsize=true, width={width / 72:.3f}, "
        f"height={(_ROW - 2) / 72:.3f}, pos=\"{x:.1f},{y:.1f}!\", label=<{cell}>, tooltip={dot_id(tooltip or text)}];"
    )


def _box(name: str, x1: float, x2: float, y: float, height: float, *, fill: str, line: str,
         dashed: bool = False, shape: str = "box", tooltip: str = "") -> str:
    style = "filled" + (",dashed" if dashed else "")
    width = max(x2 - x1, height)
    return (
        f"  {dot_id(name)} [shape={shape}, style={dot_id(style)}, fixedsize=true, label=\"\", "
        f"width={width / 72:.3f}, height={height / 72:.3f}, pos=\"{(x1 + x2) / 2:.1f},{y:.1f}!\", "
        f"fillcolor={dot_id(fill)}, color={dot_id(line)}, penwidth=1.2, tooltip={dot_id(tooltip or name)}];"
    )


def _rule(name: str, x1: float, y1: float, x2: float, y2: float, *, color: str, dashed: bool = False, width: float = 1) -> list[str]:
    return [
        f"  {dot_id(name + ' a')} [shape=point, style=invis, width=0.01, pos=\"{x1:.1f},{y1:.1f}!\"];",
        f"  {dot_id(name + ' b')} [shape=point, style=invis, width=0.01, pos=\"{x2:.1f},{y2:.1f}!\"];",
        f"  {dot_id(name + ' a')} -> {dot_id(name + ' b')} [dir=none, color={dot_id(color)}, penwidth={width}"
        + (", style=dashed" if dashed else "") + "];",
    ]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def timeline_dot(timeline: Timeline, *, title: Optional[str] = None) -> str:
    """The DOT text of ``timeline``, every position fixed; draw it with ``neato -n2``."""
    first, last = period(timeline.start)[0], period(timeline.end)[1]
    span = max((last - first).days + 1, 1)
    x0 = _MARGIN + _LABEL_W + _GAP

    def x(day: datetime.date, *, end: bool = False) -> float:
        day = min(max(day, first), last)
        return x0 + ((day - first).days + (1 if end else 0)) / span * _AXIS_W

    kinds = list(dict.fromkeys(e.color_kind for e in timeline.events))
    others = [kind for kind in kinds if kind not in KIND_COLORS]
    colors = {kind: KIND_COLORS.get(kind) or PALETTE[others.index(kind) % len(PALETTE)] for kind in kinds}
    lanes = {company: [e for e in timeline.events if e.company == company] for company in timeline.companies}
    legend_rows = (len(kinds) + 3) // 4 + 2
    height = _HEAD + sum(_LANE + _ROW * len(events) for events in lanes.values()) + _ROW * (legend_rows + 1) + _MARGIN
    width = x0 + _AXIS_W + _MARGIN
    top = height - _MARGIN
    out = [
        'digraph "timeline" {',
        f'  graph [bb="0,0,{width:.0f},{height:.0f}", splines=line, bgcolor="white", fontname={dot_id(_FONT)}];',
        f"  node [fontname={dot_id(_FONT)}];",
    ]
    heading = title or f"Restructuring events, {timeline.start} to {timeline.end}"
    out.append(_text_node("title", _MARGIN + (width - 2 * _MARGIN) / 2, top - 8, width - 2 * _MARGIN, heading, size=14, bold=True))
    # The time axis: a line at each month (darker at each year), labels above.
    axis_top, axis_bottom = top - _HEAD + 8, _ROW * (legend_rows + 1) + _MARGIN
    months = list(_months(first, last))
    every = 1 if len(months) <= 18 else 3 if len(months) <= 48 else 12
    for i, month in enumerate(months):
        mx = x(month)
        is_year = month.month == 1 or i == 0
        out += _rule(f"month {month}", mx, axis_top, mx, axis_bottom, color="#999999" if is_year else "#e2e2e2",
                     width=1 if is_year else 0.6)
        if is_year:
            out.append(_text_node(f"year {month}", mx + 18, axis_top + 20, 36, str(month.year), bold=True, align="LEFT"))
        if (month.month - 1) % every == 0:
            out.append(_text_node(f"month label {month}", mx + 14, axis_top + 7, 28, month.strftime("%b"), size=8,
                                  align="LEFT", color="#666666"))
    out += _rule("axis end", x(last, end=True), axis_top, x(last, end=True), axis_bottom, color="#999999")
    y: float = axis_top - 4
    for company, events in lanes.items():
        y -= _LANE / 2
        out.append(
            f"  {dot_id('lane ' + company)} [shape=box, style=filled, fillcolor=\"#eef2f7\", color=\"#eef2f7\", "
            f"fixedsize=true, label=\"\", width={(width - 2 * _MARGIN) / 72:.3f}, height={(_LANE - 4) / 72:.3f}, "
            f"pos=\"{width / 2:.1f},{y:.1f}!\"];"
        )
        out.append(_text_node("lane label " + company, _MARGIN + _LABEL_W / 2 + 4, y, _LABEL_W, company, size=11, bold=True))
        y -= _LANE / 2
        for event in events:
            y -= _ROW / 2
            begin, finish = period(event.date)
            plan = event.status == "reported plan"
            prefix = "\u2264 " if event.not_after else ""
            suffix = (" (date inferred)" if event.inferred else "") + (" (reported plan)" if plan else "")
            text = _shorten(f"{prefix}{event.date}  {event.label}", _CHARS - len(suffix)) + suffix
            dated = "not after " if event.not_after else "inferred " if event.inferred else ""
            tooltip = f"{dated}{event.date}: {event.label} " \
                      f"[{event.kind}; {event.status}] sources: {event.sources}"
            out.append(_text_node("label " + event.iri + event.kind, _MARGIN + _LABEL_W / 2, y, _LABEL_W, text, tooltip=tooltip))
            color = colors[event.color_kind]
            fill = "white" if event.not_after else color
            if event.not_after:
                out += _rule("lead " + event.iri + event.kind, x0, y, x(begin), y, color=color, dashed=True)
            if begin == finish:
                out.append(_box("mark " + event.iri + event.kind, x(begin) - 4.5, x(begin) + 4.5, y, 9, fill=fill, line=color,
                                dashed=plan, shape="circle", tooltip=tooltip))
            else:
                out.append(_box("mark " + event.iri + event.kind, x(begin), x(finish, end=True), y, 8, fill=fill + ("" if event.not_after else "99"),
                                line=color, dashed=plan, tooltip=tooltip))
            y -= _ROW / 2
    # The legend: event types, then how dates are drawn.
    y = _ROW * legend_rows + _MARGIN
    out.append(_text_node("legend title", _MARGIN + 60, y, 120, "Event types", bold=True))
    column = (width - 2 * _MARGIN) / 4
    for i, kind in enumerate(kinds):
        lx = _MARGIN + (i % 4) * column
        ly = y - _ROW * (1 + i // 4)
        out.append(_box("legend " + kind, lx + 2, lx + 10, ly, 9, fill=colors[kind], line=colors[kind], shape="circle"))
        out.append(_text_node("legend label " + kind, lx + 16 + (column - 20) / 2, ly, column - 20, kind))
    ly = y - _ROW * (1 + (len(kinds) + 3) // 4)
    marks = [
        ("dot", "\u25cf on a day"),
        ("bar", "\u25ac over the month or year: date known only to the month or year"),
        ("hollow", "\u2264 hollow, dashed lead-in: no source dates it; not after that date"),
        ("plan", "dashed outline: reported plan, not a fact"),
    ]
    for i, (name, text) in enumerate(marks):
        lx = _MARGIN + (0 if i % 2 == 0 else (width - 2 * _MARGIN) * 0.35)
        row_y = ly - _ROW * (i // 2)
        w = (width - 2 * _MARGIN) * (0.35 if i % 2 == 0 else 0.65)
        out.append(_text_node("legend mark " + name, lx + w / 2, row_y, w, text, size=9, color="#444444"))
    out.append("}")
    return "\n".join(out) + "\n"
