"""What changed in a company's organization between two dates.

Both charts come from :func:`kg.chart.org_chart` (the ``org-chart`` and
``reporting-lines`` queries) and the events between the dates from the
``restructuring-timeline`` query; this module compares what they return. A unit only
in the later chart was added (created or moved in from outside the company's chart),
only in the earlier one removed (merged, dissolved or upgraded into another unit; the
events say which), and in both under other parents moved.

>>> from kg.fast.store import load_project_store
>>> from kg.project import find_project
>>> changes = diff_charts(load_project_store(find_project()), company="Alibaba",
...                       start="2026-03-15", end="2026-03-20")
>>> [c.text for c in changes.changes if c.what == "unit" and c.kind == "added"][0]
'AI Innovation Business Unit (business unit) under Alibaba Token Hub (since 2026-03-16)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from kg.chart import OrgChart, check_date, compare_dot, interval_text, org_chart
from kg.errors import ParameterError
from kg.query import Query, run_query

__all__ = ["Change", "ChartDiff", "diff_charts", "diff_dot", "diff_report"]

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


def _parents(chart: OrgChart, iri: str) -> str:
    unit = chart.units[iri]
    return " and ".join(
        f"{chart.names[p]}" + (f" ({interval_text(*span)})" if any(span) else "") for p, span in sorted(unit.parents.items())
    )


def _compare(before: OrgChart, after: OrgChart) -> list[Change]:
    changes: list[Change] = []
    names = {**before.names, **after.names}
    for iri in sorted(set(before.units) | set(after.units), key=lambda i: names[i]):
        old, new = before.units.get(iri), after.units.get(iri)
        unit = new or old
        kind = f" ({unit.kind})" if unit.kind else ""
        if old is None:
            changes.append(Change("unit", "added", f"{unit.name}{kind} under {_parents(after, iri)}"))
        elif new is None:
            changes.append(Change("unit", "removed", f"{unit.name}{kind}, was under {_parents(before, iri)}"))
        elif set(old.parents) != set(new.parents):
            changes.append(Change("unit", "moved", f"{unit.name}: from {_parents(before, iri)} to {_parents(after, iri)}"))
        old_heads, new_heads = (old.heads if old else set()), (new.heads if new else set())
        for head, role in sorted(old_heads ^ new_heads):
            change = "added" if (head, role) in new_heads else "removed"
            changes.append(Change("head", change, f"{head}, {role or 'head'} of {unit.name}"))
    before_lines, after_lines = {l.iri: l for l in before.lines}, {l.iri: l for l in after.lines}
    for iri in sorted(set(before_lines) ^ set(after_lines)):
        line = after_lines.get(iri) or before_lines[iri]
        change = "added" if iri in after_lines else "removed"
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
    return ChartDiff(before=before, after=after, changes=_compare(before, after), events=events)


def diff_report(diff: ChartDiff, *, markdown: bool = False) -> str:
    """The changes as text (or Markdown), one section per kind of change, then the events."""
    title = f"{diff.after.company_name}: changes from {diff.before.date} to {diff.after.date}"
    out = [f"# {title}" if markdown else title]
    out.append(
        "(org-chart and reporting-lines queries at both dates; dates of different precision "
        "are compared at the coarser one)"
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
        date = ("not after " if row["dated"] == "not after" else "") + str(row["date"])
        status = f" [{row['status']}]" if row["status"] else ""
        text = f"{date}  {row['kind']}: {row['label']}{status}"
        out.append(f"- {text}" if markdown else f"  {text}")
    return "\n".join(out) + "\n"


def diff_dot(diff: ChartDiff) -> str:
    """The DOT text of both charts in one picture, changes colored."""
    return compare_dot(
        diff.before,
        diff.after,
        title=f"{diff.after.company_name}: changes from {diff.before.date} to {diff.after.date}",
        legend=[
            ("added", f"added by {diff.after.date}"),
            ("removed", f"gone by {diff.after.date}"),
            ("moved", "moved to another parent"),
            ("unchanged", "unchanged"),
            ("person", "person (in a reporting line)"),
        ],
    )
