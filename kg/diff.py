"""What changed in a company's organization between two dates.

Both charts come from :func:`kg.chart.org_chart` (the ``org-chart`` and
``reporting-lines`` queries), the events between the dates from the
``restructuring-timeline`` query, and where an added unit came from or what a removed
one became from the ``unit-lineage`` query; this module compares what they return. A
unit only in the later chart was added, only in the earlier one removed (merged,
dissolved or upgraded into another unit: its lineage says which), and in both under
other parents moved.

>>> from kg.query import query_graph
>>> changes = diff_charts(query_graph(engine="oxigraph"), company="Alibaba",
...                       start="2026-03-15", end="2026-03-20")
>>> [c.text for c in changes.changes if c.what == "unit" and c.kind == "added"][0]
'AI Innovation Business Unit (business unit) under Alibaba Token Hub (since 2026-03-16)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from kg.chart import OrgChart, check_date, classify, compare_dot, interval_text, org_chart
from kg.errors import ParameterError
from kg.query import Query, run_query

__all__ = ["Change", "ChartDiff", "diff_charts", "diff_dot", "diff_report", "lineage"]

_SIGNS = {"added": "+", "removed": "-", "moved": "~"}
_SECTIONS = (
    ("unit", "added", "Units added"),
    ("unit", "removed", "Units removed"),
    ("unit", "moved", "Units moved"),
    ("head", "added", "Heads gained"),
    ("head", "removed", "Heads lost"),
    ("reporting line", "added", "Reporting lines added"),
    ("reporting line", "removed", "Reporting lines ended"),
)


@dataclass(frozen=True)
class Change:
    """One difference: ``what`` (``unit``, ``head``, ``reporting line``) was ``kind``
    (``added``, ``removed``, ``moved``); ``text`` says it for people."""

    what: str
    kind: str
    text: str


@dataclass
class ChartDiff:
    """The charts at both dates, the changes between them, and the events dated in between."""

    before: OrgChart
    after: OrgChart
    changes: list[Change] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: unit IRI -> where an added unit came from, or what a removed one became (``unit-lineage``)
    notes: dict[str, str] = field(default_factory=dict)


def _parents(chart: OrgChart, iri: str) -> str:
    unit = chart.units[iri]
    return " and ".join(
        f"{chart.names[p]}" + (f" ({interval_text(*span)})" if any(span) else "") for p, span in sorted(unit.parents.items())
    )


def lineage(graph: Any, unit: str, *, direction: str, catalogue: Optional[Mapping[str, Query]] = None) -> str:
    """What ``unit`` (an IRI) became (``direction="successor"``) or came from
    (``"predecessor"``), as the ``unit-lineage`` query says, for people; ``""`` if nothing.

    A successor chain reads ``became B (merger, 2026-06), then C (...)``; predecessors
    one step back read ``from A and B (merger, 2026-06)``.
    """
    rows = [r for r in run_query("unit-lineage", graph, params={"unit": unit}, catalogue=catalogue)
            if r["direction"] == direction]
    if not rows:
        return ""

    def when(row: dict[str, Any]) -> str:
        return ("not after " if row["dateIsUpperBound"] else "") + str(row["date"] or "undated")

    if direction == "predecessor":
        first = sorted((r for r in rows if r["step"] == 1), key=lambda r: str(r["fromName"]))
        names = " and ".join(dict.fromkeys(str(r["fromName"]) for r in first))
        return f"from {names} ({first[0]['eventType']}, {when(first[0])})" if first else ""
    steps = []
    for row in sorted(rows, key=lambda r: (r["step"], str(r["toName"]))):
        steps.append(f"{row['toName']} ({row['eventType']}, {when(row)})")
    return "became " + ", then ".join(dict.fromkeys(steps))


def _compare(before: OrgChart, after: OrgChart, notes: Mapping[str, str]) -> list[Change]:
    """The changes :func:`kg.chart.classify` finds, for people, units by name."""
    changes: list[Change] = []
    classified = classify(before, after)
    names = {**before.names, **after.names}
    for iri in sorted(classified.units, key=lambda i: names[i]):
        status = classified.units[iri]
        unit = after.units.get(iri) or before.units[iri]
        kind = f" ({unit.kind})" if unit.kind else ""
        note = f"; {notes[iri]}" if notes.get(iri) else ""
        if status == "added":
            changes.append(Change("unit", "added", f"{unit.name}{kind} under {_parents(after, iri)}{note}"))
        elif status == "removed":
            changes.append(Change("unit", "removed", f"{unit.name}{kind}, was under {_parents(before, iri)}{note}"))
        elif status == "moved":
            changes.append(Change("unit", "moved", f"{unit.name}: from {_parents(before, iri)} to {_parents(after, iri)}"))
        for (_, head, role), change in sorted((k, s) for k, s in classified.heads.items() if k[0] == iri):
            if change != "unchanged":
                changes.append(Change("head", change, f"{head}, {role or 'head'} of {unit.name}"))
    lines = {line.iri: line for chart in (before, after) for line in chart.lines}
    for iri, change in sorted(classified.lines.items()):
        if change == "unchanged":
            continue
        line = lines[iri]
        span = f" ({interval_text(line.since, line.until)})" if line.since or line.until else ""
        changes.append(
            Change("reporting line", change, f"{names[line.subordinate]} reports to {names[line.superior]}" + span)
        )
    return changes


def diff_charts(
    graph: Any,
    *,
    company: str,
    start: str,
    end: str,
    catalogue: Optional[Mapping[str, Query]] = None,
) -> ChartDiff:
    """Compare the org charts of ``company`` at ``start`` and ``end``.

    :raises ParameterError: an unknown company, a malformed date, or ``start`` after ``end``.
    """
    start, end = check_date(start, option="--from"), check_date(end, option="--to")
    width = min(len(start), len(end))
    if start[:width] > end[:width]:
        raise ParameterError(f"--from {start} is after --to {end}")
    before = org_chart(graph, company=company, date=start, catalogue=catalogue)
    after = org_chart(graph, company=company, date=end, catalogue=catalogue)
    events = run_query(
        "restructuring-timeline",
        graph,
        params={"company": before.company, "from": start, "to": end},
        catalogue=catalogue,
    ).rows
    notes = {iri: lineage(graph, iri, direction="predecessor", catalogue=catalogue)
             for iri in set(after.units) - set(before.units)}
    notes.update({iri: lineage(graph, iri, direction="successor", catalogue=catalogue)
                  for iri in set(before.units) - set(after.units)})
    return ChartDiff(before=before, after=after, changes=_compare(before, after, notes), events=events,
                     notes={iri: note for iri, note in notes.items() if note})


def diff_report(diff: ChartDiff, *, markdown: bool = False) -> str:
    """The changes as text (or Markdown), one section per kind of change, then the events."""
    title = f"{diff.after.company_name}: changes from {diff.before.date} to {diff.after.date}"
    out = [f"# {title}" if markdown else title]
    out.append(
        "(org-chart and reporting-lines queries at both dates; the events are those whose possible "
        "days lie between them: one known only by a latest date may precede them and is not listed)"
    )
    for what, kind, heading in _SECTIONS:
        found = [c for c in diff.changes if c.what == what and c.kind == kind]
        if not found:
            continue
        out.append("")
        out.append(f"## {heading} ({len(found)})" if markdown else f"{heading} ({len(found)})")
        if markdown:
            out.append("")
        out += [f"- {c.text}" if markdown else f"  {_SIGNS[kind]} {c.text}" for c in found]
    if not diff.changes:
        out += ["", "No changes."]
    heading = f"Events dated {diff.before.date} to {diff.after.date} (restructuring-timeline)"
    out += ["", f"## {heading} ({len(diff.events)})" if markdown else f"{heading} ({len(diff.events)})"]
    if markdown:
        out.append("")
    for row in diff.events:
        date = {"not after": "not after ", "inferred": "inferred "}.get(row["dated"], "") + str(row["date"])
        status = f" [{row['status']}]" if row["status"] else ""
        text = f"{date}  {row['kind']}: {row['label']}{status}"
        out.append(f"- {text}" if markdown else f"  {text}")
    return "\n".join(out) + "\n"


def diff_dot(diff: ChartDiff) -> str:
    """The DOT text of both charts in one picture, changes colored."""
    return compare_dot(
        diff.before,
        diff.after,
        notes={iri: note.replace(", then ", "\nthen ").splitlines() for iri, note in diff.notes.items()},
        title=f"{diff.after.company_name}: changes from {diff.before.date} to {diff.after.date}",
        legend=[
            ("added", f"added by {diff.after.date}"),
            ("removed", f"gone by {diff.after.date}"),
            ("moved", "moved to another parent"),
            ("unchanged", "unchanged"),
            ("person", "person (in a reporting line)"),
        ],
    )
