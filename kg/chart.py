"""Org charts: a company's units, their heads and reporting lines as of a date, drawn by Graphviz.

The facts come from two named queries, ``org-chart`` (units, the parent each sits under
on the date, and their heads) and ``reporting-lines`` (who or what reports to whom on
the date), run with :func:`kg.query.run_query`; this module only draws what they
return. Graphviz's ``dot`` program lays the chart out (Debian: ``apt-get install
graphviz``); :func:`render` runs it with the DOT text on its standard input.

>>> from kg.query import query_graph
>>> store = query_graph(engine="oxigraph")
>>> chart = org_chart(store, company="Alibaba", date="2026-03-20")
>>> chart.company_name, "Alibaba Token Hub" in {u.name for u in chart.units.values()}
('Alibaba Group', True)
>>> print(chart_dot(chart).splitlines()[0])
digraph "org chart" {
"""

from __future__ import annotations

import datetime
import html
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from kg.dates import date_literal
from kg.errors import KGError, ParameterError, display_path
from kg.query import PARAM_TYPES, Query, run_query

__all__ = [
    "FORMATS",
    "ChartChanges",
    "OrgChart",
    "RenderError",
    "Unit",
    "chart_dot",
    "classify",
    "compare_dot",
    "check_date",
    "date_today",
    "dot_id",
    "dot_label",
    "interval_text",
    "org_chart",
    "output_format",
    "render",
    "resolve_company",
]

#: The picture formats the commands write, by file suffix.
FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}

#: Colors: changes in a diff, and the plain chart.
COLORS = {
    "added": ("#1b7a35", "#dff3e4"),
    "removed": ("#b3261e", "#fbe0de"),
    "moved": ("#a05a00", "#fff0cc"),
    "unchanged": ("#444444", "#ffffff"),
    "company": ("#1f3a5f", "#dbe7f5"),
    "person": ("#5c4a8a", "#efeaf8"),
}
_FONT = "Helvetica"
_COMPANY_NAME = Query.from_text(
    """#+ summary: The label of a thing
#+ params:
#+   - name: company
#+     type: iri
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE { ?company rdfs:label ?name } ORDER BY ?name""",
    name="company-name",
)


class RenderError(KGError):
    """A picture cannot be drawn: Graphviz is missing or failed, or the format is unknown."""


# -- Facts ------------------------------------------------------------------------


@dataclass
class Unit:
    """A unit as the ``org-chart`` query returns it on one date."""

    iri: str
    name: str
    kind: str = ""
    #: parent IRI -> (since, until) of the placement (text, "" when unknown)
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (head name, role label)
    heads: set[tuple[str, str]] = field(default_factory=set)


@dataclass(frozen=True)
class Line:
    """A reporting line as the ``reporting-lines`` query returns it."""

    iri: str
    subordinate: str
    superior: str
    since: str = ""
    until: str = ""


@dataclass
class OrgChart:
    """The org chart of a company on a date: units by IRI, people in reporting lines, lines.

    ``names`` maps every IRI shown (company, units, parents, people) to its label.
    """

    company: str
    company_name: str
    date: str
    units: dict[str, Unit] = field(default_factory=dict)
    people: set[str] = field(default_factory=set)
    lines: list[Line] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def resolve_company(graph: Any, company: str) -> tuple[str, str]:
    """The IRI and label of the company named ``company`` (a name or other name).

    :raises ParameterError: no company or several have that name; the message lists
        close matches.
    """
    try:
        term = PARAM_TYPES["company"](company, graph)
    except ValueError as error:
        raise ParameterError(str(error)) from None
    rows = run_query(_COMPANY_NAME, graph, params={"company": str(term)}).rows
    return str(term), (str(rows[0]["name"]) if rows else str(term))


def check_date(value: str, *, option: str = "date") -> str:
    """``value`` if it is a date the queries take (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``).

    >>> check_date("2026-02-30", option="--as-of")
    Traceback (most recent call last):
    ...
    kg.errors.ParameterError: --as-of: '2026-02-30' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)
    """
    try:
        return str(date_literal(str(value).strip()))
    except ValueError as error:
        raise ParameterError(f"{option}: {error}") from None


def date_today() -> str:
    """Today's date as ``YYYY-MM-DD``."""
    return datetime.date.today().isoformat()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def org_chart(
    graph: Any,
    *,
    company: str,
    date: str,
    catalogue: Optional[Mapping[str, Query]] = None,
) -> OrgChart:
    """The org chart of ``company`` on ``date``, from the ``org-chart`` and ``reporting-lines`` queries.

    :param graph: an :class:`rdflib.Graph` or ``pyoxigraph.Store`` with the ontology and data.
    :param company: a company name or other name (``"Alibaba"``).
    :param date: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
    :raises ParameterError: an unknown company or a malformed date.
    """
    date = check_date(date)
    iri, name = resolve_company(graph, company)
    params = {"company": iri, "date": date}
    chart = OrgChart(company=iri, company_name=name, date=str(date), names={iri: name})
    for row in run_query("org-chart", graph, params=params, catalogue=catalogue):
        unit = chart.units.setdefault(
            str(row["unit"]), Unit(iri=str(row["unit"]), name=str(row["unitName"]), kind=_text(row["kind"]))
        )
        chart.names[unit.iri] = unit.name
        chart.names[str(row["parent"])] = str(row["parentName"])
        unit.parents[str(row["parent"])] = _marked(_text(row["since"]), _text(row["until"]), row["inferred"] is True)
        if row["headName"]:
            unit.heads.add((str(row["headName"]), _text(row["headRole"])))
    for row in run_query("reporting-lines", graph, params=params, catalogue=catalogue):
        line = Line(
            iri=str(row["line"]),
            subordinate=str(row["subordinate"]),
            superior=str(row["superior"]),
            since=_text(row["since"]),
            until=_text(row["until"]),
        )
        chart.lines.append(line)
        for end, end_name, is_person in (
            (line.subordinate, row["subordinateName"], row["subordinateIsPerson"]),
            (line.superior, row["superiorName"], row["superiorIsPerson"]),
        ):
            chart.names[end] = str(end_name)
            if is_person:
                chart.people.add(end)
    return chart


# -- DOT --------------------------------------------------------------------------


def dot_id(text: str) -> str:
    """``text`` as a quoted DOT identifier.

    >>> dot_id('say "hi" \\\\ there')
    '"say \\\\"hi\\\\" \\\\\\\\ there"'
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_label(*lines: tuple[str, str]) -> str:
    """An HTML-like DOT label from ``(style, text)`` lines; the text is escaped.

    ``style`` is ``"b"`` (bold), ``"i"`` (italic, smaller), or a color such as
    ``"#1b7a35"``; ``""`` for plain.

    >>> dot_label(("b", "R&D <lab>"), ("", "head: A"))
    '<<B>R&amp;D &lt;lab&gt;</B><BR/>head: A>'
    """
    parts = []
    for style, text in lines:
        body = html.escape(text, quote=True).replace("&#x27;", "&#39;")
        if style == "b":
            body = f"<B>{body}</B>"
        elif style == "i":
            body = f'<FONT POINT-SIZE="9"><I>{body}</I></FONT>'
        elif style.startswith("#"):
            body = f'<FONT COLOR="{style}">{body}</FONT>'
        parts.append(body)
    return "<" + "<BR/>".join(parts) + ">"


def _marked(since: str, until: str, inferred: bool) -> tuple[str, str]:
    """A placement's (since, until), the last date given saying ``inferred`` when the
    parent or a date is inferred rather than stated (``org-chart``'s ``inferred``)."""
    if not inferred:
        return since, until
    if until:
        return since, f"{until}, inferred"
    return (f"{since}, inferred" if since else _INFERRED), until


#: The "since" of an inferred placement that has no dates.
_INFERRED = "inferred"


def interval_text(since: str, until: str) -> str:
    """How long something held, for a label: ``"since 2026-03"``, ``"2025 to 2026-04-08"``."""
    if since == _INFERRED and not until:
        return _INFERRED
    if since and until:
        return f"{since} to {until}"
    if since:
        return f"since {since}"
    if until:
        return f"until {until}"
    return ""


def _node(node_id: str, label: str, status: str, *, shape: str = "box", dashed: bool = False, tooltip: str = "") -> str:
    line_color, fill = COLORS[status]
    style = "rounded,filled" + (",dashed" if dashed else "") if shape == "box" else "filled" + (",dashed" if dashed else "")
    return (
        f"  {dot_id(node_id)} [shape={shape}, style={dot_id(style)}, color={dot_id(line_color)}, "
        f"fillcolor={dot_id(fill)}, penwidth={2 if status != 'unchanged' else 1}, "
        f"label={label}, tooltip={dot_id(tooltip or node_id)}];"
    )


def _edge(tail: str, head: str, status: str, *, label: str = "", reporting: bool = False) -> str:
    color = COLORS[status][0] if status != "unchanged" else ("#6a5a9a" if reporting else "#555555")
    attrs = [f"color={dot_id(color)}", f"fontcolor={dot_id(color)}"]
    if reporting:
        # Drawn from superior to subordinate, arrow pointing up, so that the layout ranks
        # a superior before what reports to it.
        attrs += ["style=dashed", "dir=back", "arrowtail=vee"]
    else:
        attrs += ["arrowhead=none"]
    if status == "removed":
        attrs[-1:] = attrs[-1:] + ["penwidth=2"]
        if not reporting:
            attrs.append("style=dashed")
    elif status in ("added", "moved"):
        attrs.append("penwidth=2")
    if label:
        attrs.append(f"label={dot_id(label)}")
    return f"  {dot_id(tail)} -> {dot_id(head)} [{', '.join(attrs)}];"


def _header(title: str, legend: Iterable[tuple[str, str]] = ()) -> list[str]:
    legend = list(legend)
    out = [
        "digraph \"org chart\" {",
        f"  graph [rankdir=LR, fontname={dot_id(_FONT)}, fontsize=16, labelloc=t, labeljust=l, "
        f"nodesep=0.15, ranksep=0.6, label={dot_label(('b', title))}];",
        f"  node [fontname={dot_id(_FONT)}, fontsize=11, margin=\"0.12,0.05\"];",
        f"  edge [fontname={dot_id(_FONT)}, fontsize=9];",
    ]
    if legend:
        cells = "".join(
            f'<TR><TD BGCOLOR="{COLORS[status][1]}" ALIGN="LEFT"><FONT COLOR="{COLORS[status][0]}">'
            f"{html.escape(text)}</FONT></TD></TR>"
            for status, text in legend
        )
        out.append(
            f'  "legend" [shape=plain, label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" '
            f'CELLPADDING="4"><TR><TD><B>Legend</B></TD></TR>{cells}</TABLE>>];'
        )
    return out


def _status(in_before: bool, in_after: bool) -> str:
    return "unchanged" if in_before and in_after else "added" if in_after else "removed"


@dataclass
class ChartChanges:
    """How two charts of one company differ: each thing of either chart with its status,
    ``added`` (only in the later chart), ``removed`` (only in the earlier), ``moved`` (a unit
    in both, under other parents) or ``unchanged``. The one classification that the
    comparison picture (:func:`compare_dot`) and ``kg diff`` (:mod:`kg.diff`) both use."""

    #: unit IRI -> status
    units: dict[str, str] = field(default_factory=dict)
    #: (unit IRI, head name, role label) -> status
    heads: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: (parent IRI, unit IRI) -> status of the placement
    placements: dict[tuple[str, str], str] = field(default_factory=dict)
    #: reporting line IRI -> status
    lines: dict[str, str] = field(default_factory=dict)
    #: person IRI (in a reporting line) -> status
    people: dict[str, str] = field(default_factory=dict)


def classify(before: OrgChart, after: OrgChart) -> ChartChanges:
    """What changed from ``before`` to ``after`` (two charts of one company).

    >>> a = OrgChart("c", "C", "2026", units={"u": Unit("u", "U", parents={"c": ("", "")})})
    >>> b = OrgChart("c", "C", "2027", units={"u": Unit("u", "U", parents={"p": ("", "")}, heads={("Ann", "")})})
    >>> changes = classify(a, b)
    >>> changes.units, changes.heads, sorted(changes.placements.items())
    ({'u': 'moved'}, {('u', 'Ann', ''): 'added'}, [(('c', 'u'), 'removed'), (('p', 'u'), 'added')])
    """
    changes = ChartChanges()
    for iri in set(before.units) | set(after.units):
        old, new = before.units.get(iri), after.units.get(iri)
        status = _status(old is not None, new is not None)
        if status == "unchanged" and old is not None and new is not None and set(old.parents) != set(new.parents):
            status = "moved"
        changes.units[iri] = status
        old_heads, new_heads = (old.heads if old else set()), (new.heads if new else set())
        for head, role in old_heads | new_heads:
            changes.heads[(iri, head, role)] = _status((head, role) in old_heads, (head, role) in new_heads)
        for parent in {*(old.parents if old else ()), *(new.parents if new else ())}:
            changes.placements[(parent, iri)] = _status(old is not None and parent in old.parents,
                                                        new is not None and parent in new.parents)
    before_lines, after_lines = {line.iri for line in before.lines}, {line.iri for line in after.lines}
    changes.lines = {iri: _status(iri in before_lines, iri in after_lines) for iri in before_lines | after_lines}
    changes.people = {p: _status(p in before.people, p in after.people) for p in before.people | after.people}
    return changes


def _line_label(line: Line) -> str:
    """``"reports to"``, with the line's interval when known."""
    span = interval_text(line.since, line.until)
    return f"reports to ({span})" if span else "reports to"


def chart_dot(chart: OrgChart) -> str:
    """The DOT text of ``chart``: the company, its units under their parents, heads in the
    unit boxes, people in reporting lines as ellipses, reporting lines dashed."""
    return compare_dot(
        chart,
        chart,
        title=f"{chart.company_name}: org chart as of {chart.date}",
        legend=[("company", "company"), ("unchanged", "unit (head inside)"), ("person", "person (in a reporting line)")],
    )


def compare_dot(
    before: OrgChart,
    after: OrgChart,
    *,
    title: str,
    legend: Iterable[tuple[str, str]] = (),
    notes: Mapping[str, Sequence[str]] = {},
) -> str:
    """The DOT text of the union of two charts of one company, changes colored.

    A unit only in ``after`` is drawn as added (green), only in ``before`` as removed
    (red, dashed), in both under other parents as moved (amber); heads, placements and
    reporting lines likewise. Given the same chart twice, nothing is colored. ``notes``
    adds lines in italics to a unit's box (by IRI), such as what a removed unit became.
    """
    out = _header(title, legend)
    out.append(_node(after.company, dot_label(("b", after.company_name), ("i", "company")), "company"))
    shown = {after.company}
    names = {**before.names, **after.names}
    changes = classify(before, after)
    for iri in sorted(changes.units, key=lambda i: names.get(i, i)):
        unit = after.units.get(iri) or before.units[iri]
        status = changes.units[iri]
        lines = [("b", unit.name)] + ([("i", unit.kind)] if unit.kind else [])
        for (_, head, role), head_status in sorted((k, s) for k, s in changes.heads.items() if k[0] == iri):
            text = f"{'head' if role in ('', 'head') else role}: {head}"
            style = ""
            if status in ("unchanged", "moved") and head_status != "unchanged":
                sign = "+ " if head_status == "added" else "\u2212 "
                text, style = sign + text, COLORS[head_status][0]
            lines.append((style, text))
        lines += [("i", note) for note in notes.get(iri, ())]
        out.append(_node(iri, dot_label(*lines), status, dashed=status == "removed", tooltip=iri))
        shown.add(iri)
    for person in sorted(changes.people, key=lambda i: names.get(i, i)):
        status = changes.people[person]
        out.append(_node(person, dot_label(("", names[person])), "person" if status == "unchanged" else status, shape="ellipse"))
        shown.add(person)

    def ensure(node: str) -> None:
        if node not in shown:
            out.append(_node(node, dot_label(("", names.get(node, node))), "unchanged", dashed=True))
            shown.add(node)

    placements = {
        (parent, iri): span
        for chart in (before, after)
        for iri, unit in chart.units.items()
        for parent, span in unit.parents.items()
    }
    for (parent, iri), (since, until) in sorted(placements.items()):
        ensure(parent)
        out.append(_edge(parent, iri, changes.placements[(parent, iri)], label=interval_text(since, until)))
    lines_by_iri = {line.iri: line for chart in (before, after) for line in chart.lines}
    for iri, line in sorted(lines_by_iri.items()):
        ensure(line.subordinate)
        ensure(line.superior)
        status = changes.lines[iri]
        out.append(_edge(line.superior, line.subordinate, status, reporting=True, label=_line_label(line)))
    out.append("}")
    return "\n".join(out) + "\n"


# -- Rendering --------------------------------------------------------------------


def output_format(path: Union[str, Path]) -> str:
    """The picture format for ``path`` by its suffix (``.svg``, ``.png``, ``.dot``).

    >>> output_format("chart.SVG")
    'svg'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise RenderError(
            f"{display_path(path)}: cannot tell the format; name the file .svg, .png or .dot"
        )
    return FORMATS[suffix]


def render(dot: str, *, format: str = "svg", engine: str = "dot", options: Sequence[str] = ()) -> bytes:
    """Lay out and draw the DOT text ``dot`` with Graphviz; ``format`` ``"dot"`` returns it as is.

    ``engine`` is the Graphviz program (``dot``, or ``neato`` with ``options=("-n2",)``
    for positions fixed in the text).

    :raises RenderError: Graphviz is not installed, or it failed (its message included).
    """
    if format == "dot":
        return dot.encode("utf-8")
    program = shutil.which(engine)
    if program is None:
        raise RenderError(
            f"Graphviz's {engine!r} program is not on PATH; install Graphviz "
            "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), "
            "or write a .dot file"
        )
    try:
        done = subprocess.run(
            [program, *options, f"-T{format}"], input=dot.encode("utf-8"), capture_output=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RenderError(f"Graphviz's {engine!r} could not run: {error}") from error
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        raise RenderError(f"Graphviz's {engine!r} failed: {message}")
    return done.stdout
