"""What changed between two versions of the graph: a semantic diff for review.

:func:`compare` reads two graphs and lists, in a stable order,

- the entities (IRIs with an ``rdf:type``) added and removed, grouped by class —
  roles held (``org:Membership``) and events and activities (``org:ChangeEvent``,
  ``prov:Activity``) in sections of their own;
- the dates that changed on entities in both: an event's ``dcterms:date``, or its bounds
  ``rkg:notBefore`` and ``rkg:notAfter``, and the beginning or end of an interval (a
  membership's, placement's or reporting line's) at the precision written, a lower
  bound marked ``not before``;
- the labels (``rdfs:label``) that changed.

Intervals, instants and citations are parts of the entities they belong to: they are
reported through their dates, never as entities. :func:`load_version` reads a version
from a Turtle file, a folder of Turtle files, or a project folder.

>>> from rdflib import Graph
>>> prologue = '''@prefix org: <http://www.w3.org/ns/org#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
...     @prefix ex: <https://example.org/> . '''
>>> old = Graph().parse(format="turtle", data=prologue + '''
...     ex:e a org:ChangeEvent ; rdfs:label "Lab set up"@en ; dcterms:date "2026"^^xsd:gYear .''')
>>> new = Graph().parse(format="turtle", data=prologue + '''
...     ex:e a org:ChangeEvent ; rdfs:label "Lab set up"@en ; dcterms:date "2026-03-16"^^xsd:date .
...     ex:lab a org:OrganizationalUnit ; rdfs:label "Lab"@en .''')
>>> print(format_changes(compare(old, new)), end="")
added entities (1)
  org:OrganizationalUnit
    <https://example.org/lab> "Lab"
changed dates (1)
  <https://example.org/e> "Lab set up": date 2026 -> 2026-03-16
2 changes; triples: 3 added, 1 removed
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Union

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ProjectError, display_path
from kg.load import load_graph
from kg.project import Project
from kg.vocab import DCTERMS, ORG, PROV, RDF, RDFS, RKG, TIME, label, qname

__all__ = ["Changes", "DateChange", "Entity", "LabelChange", "compare", "format_changes", "load_version"]

#: Types whose instances are parts of other entities, reported through them.
_PARTS = {TIME.Interval, TIME.Instant, TIME.TemporalEntity, PROV.Derivation}
_POSITIONS = (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear, RKG.notAfter)
_EVENT_DATES = (("date", DCTERMS.date), ("not before", RKG.notBefore), ("not after", RKG.notAfter))


@dataclass(frozen=True, order=True)
class Entity:
    """An entity of one version: its IRI, label, and the class it is listed under."""

    node: URIRef
    label: Optional[str] = field(compare=False, default=None)
    cls: Optional[Node] = field(compare=False, default=None)
    dates: str = field(compare=False, default="")


@dataclass(frozen=True, order=True)
class DateChange:
    """A date of ``node`` (``what``: ``date``, ``not before``, ``not after``, ``begin`` or ``end`` of its
    interval ``via``) that is ``old`` in one version and ``new`` in the other (``None``: absent)."""

    node: URIRef
    what: str
    old: Optional[str]
    new: Optional[str]
    label: Optional[str] = field(compare=False, default=None)


@dataclass(frozen=True, order=True)
class LabelChange:
    node: URIRef
    old: Optional[str]
    new: Optional[str]


@dataclass(frozen=True)
class Changes:
    """What :func:`compare` found; each list is sorted by IRI."""

    added: tuple[Entity, ...] = ()
    removed: tuple[Entity, ...] = ()
    roles_added: tuple[Entity, ...] = ()
    roles_removed: tuple[Entity, ...] = ()
    events_added: tuple[Entity, ...] = ()
    events_removed: tuple[Entity, ...] = ()
    dates: tuple[DateChange, ...] = ()
    labels: tuple[LabelChange, ...] = ()
    triples_added: int = 0
    triples_removed: int = 0

    @property
    def count(self) -> int:
        """How many changes are listed (entities, roles, events, dates and labels)."""
        return sum(len(part) for part in (
            self.added, self.removed, self.roles_added, self.roles_removed,
            self.events_added, self.events_removed, self.dates, self.labels,
        ))


def load_version(path: Union[str, os.PathLike]) -> Graph:
    """One version of the graph: a Turtle file, a folder of Turtle files (``**/*.ttl``),
    or a project folder (its ontology and data).

    :raises ProjectError: ``path`` does not exist or holds no Turtle file.
    :raises RDFSyntaxError: a file is not valid Turtle.
    """
    path = Path(path)
    if path.is_file():
        return load_graph([path])
    if not path.is_dir():
        raise ProjectError(f"{display_path(path)}: no such file or folder")
    if (path / "ontology").is_dir() and (path / "data").is_dir():
        project = Project.at(path)
        return load_graph([*project.ontology_files, *project.data_files])
    files = sorted(p for p in path.rglob("*.ttl") if p.is_file())
    if not files:
        raise ProjectError(f"{display_path(path)}: no Turtle files (*.ttl) in this folder")
    return load_graph(files)


class _Classes:
    """The class hierarchy of both versions (and an ontology), to sort entities into sections."""

    def __init__(self, graphs: Iterable[Graph]):
        self.hierarchy = Graph()
        for graph in graphs:
            self.hierarchy += graph.triples((None, RDFS.subClassOf, None))

    def is_a(self, cls: Node, *tops: URIRef) -> bool:
        return any(c in tops for c in self.hierarchy.transitive_objects(cls, RDFS.subClassOf))


def _position(graph: Graph, instant: Node) -> Optional[str]:
    """Where an instant is: its date or upper bound as written, a lower bound (rkg:notBefore)
    marked as one."""
    values = sorted(str(v) for p in _POSITIONS for v in graph.objects(instant, p))
    values += sorted(f"not before {v}" for v in graph.objects(instant, RKG.notBefore))
    return ", ".join(values) if values else None


def _dates(graph: Graph, node: Node) -> dict[str, Optional[str]]:
    """The dates of ``node``: its event dates, and the beginning and end of each interval."""
    dates: dict[str, Optional[str]] = {}
    for what, prop in _EVENT_DATES:
        values = sorted(str(v) for v in graph.objects(node, prop))
        if values:
            dates[what] = ", ".join(values)
    for via, interval in graph.predicate_objects(node):
        is_interval = (interval, RDF.type, TIME.Interval) in graph or any(
            (interval, p, None) in graph for p in (TIME.hasBeginning, TIME.hasEnd)
        )
        if via == RDF.type or not is_interval:
            continue
        for what, link in (("begin", TIME.hasBeginning), ("end", TIME.hasEnd)):
            instants = list(graph.objects(interval, link))
            dates[f"{what} ({qname(via)})"] = ", ".join(sorted(filter(None, (_position(graph, i) for i in instants)))) or None
    return dates


def _span(dates: dict[str, Optional[str]]) -> str:
    if "date" in dates:
        return dates["date"] or ""
    if "not before" in dates and "not after" in dates:
        return f"between {dates['not before']} and {dates['not after']}"
    if "not before" in dates:
        return f"not before {dates['not before']}"
    if "not after" in dates:
        return f"not after {dates['not after']}"
    begins = ", ".join(v for k, v in dates.items() if k.startswith("begin") and v)
    ends = ", ".join(v for k, v in dates.items() if k.startswith("end") and v)
    if begins and ends:
        return f"{begins} to {ends}"
    return f"from {begins}" if begins else f"until {ends}" if ends else ""


def _entities(graph: Graph) -> dict[URIRef, set[Node]]:
    types: dict[URIRef, set[Node]] = {}
    for node, cls in graph.subject_objects(RDF.type):
        if isinstance(node, URIRef):
            types.setdefault(node, set()).add(cls)
    return {node: classes for node, classes in types.items() if not classes & _PARTS}


def compare(old: Graph, new: Graph, *, ontology: Optional[Graph] = None) -> Changes:
    """The changes from ``old`` to ``new``; ``ontology`` adds class axioms for sorting entities.

    Neither graph is modified.
    """
    classes = _Classes([g for g in (ontology, old, new) if g is not None])
    old_entities, new_entities = _entities(old), _entities(new)

    def entity(graph: Graph, node: URIRef, types: set[Node]) -> Entity:
        cls = min(types, key=lambda c: (not isinstance(c, URIRef), qname(c)))
        return Entity(node, label(graph, node), cls, _span(_dates(graph, node)))

    sections: dict[str, list[Entity]] = {key: [] for key in ("added", "removed", "roles_added", "roles_removed", "events_added", "events_removed")}
    for suffix, graph, these, others in (("added", new, new_entities, old_entities), ("removed", old, old_entities, new_entities)):
        for node in sorted(set(these) - set(others)):
            types = these[node]
            if any(classes.is_a(c, ORG.Membership) for c in types):
                key = f"roles_{suffix}"
            elif any(classes.is_a(c, ORG.ChangeEvent, PROV.Activity) for c in types):
                key = f"events_{suffix}"
            else:
                key = suffix
            sections[key].append(entity(graph, node, types))

    dates, labels = [], []
    for node in sorted(set(old_entities) & set(new_entities)):
        before, after = _dates(old, node), _dates(new, node)
        for what in sorted(set(before) | set(after)):
            if before.get(what) != after.get(what):
                dates.append(DateChange(node, what, before.get(what), after.get(what), label(new, node)))
        old_labels = sorted(str(v) for v in old.objects(node, RDFS.label) if isinstance(v, Literal))
        new_labels = sorted(str(v) for v in new.objects(node, RDFS.label) if isinstance(v, Literal))
        if old_labels != new_labels:
            labels.append(LabelChange(node, " | ".join(old_labels) or None, " | ".join(new_labels) or None))

    added, removed = _triple_counts(old, new)
    return Changes(
        **{key: tuple(value) for key, value in sections.items()},
        dates=tuple(dates),
        labels=tuple(labels),
        triples_added=added,
        triples_removed=removed,
    )


def _comparable(graph: Graph) -> set[tuple]:
    """The triples of ``graph`` with each blank node (a citation) replaced by what it says."""

    def term(node: Node):
        if isinstance(node, BNode):  # who points to it, and what it says
            return (
                tuple(sorted((s, p) for s, p in graph.subject_predicates(node) if not isinstance(s, BNode))),
                tuple(sorted((p, o) for p, o in graph.predicate_objects(node) if not isinstance(o, BNode))),
            )
        return node

    return {(term(s), p, term(o)) for s, p, o in graph}


def _triple_counts(old: Graph, new: Graph) -> tuple[int, int]:
    """Triples added and removed; blank nodes (citations) are compared by what they say."""
    before, after = _comparable(old), _comparable(new)
    return len(after - before), len(before - after)


def _name(node: Node, text: Optional[str]) -> str:
    return qname(node) + (f' "{text}"' if text else "")


def _cls_name(entity: Entity) -> str:
    """The class ``entity`` is listed under, written short (every listed entity has one)."""
    return qname(entity.cls) if entity.cls is not None else ""


def _blocks(changes: Changes) -> list[tuple[str, list[tuple[Optional[str], str]]]]:
    """The sections of a report: a title and its lines, each with an optional group."""
    blocks: list[tuple[str, list[tuple[Optional[str], str]]]] = []
    for title, entities in (("added entities", changes.added), ("removed entities", changes.removed)):
        blocks.append((title, [(_cls_name(e), _name(e.node, e.label)) for e in sorted(entities, key=lambda e: (_cls_name(e), e.node))]))
    for title, entities in (
        ("roles added", changes.roles_added), ("roles removed", changes.roles_removed),
        ("events added", changes.events_added), ("events removed", changes.events_removed),
    ):
        lines: list[tuple[Optional[str], str]] = []
        for e in entities:
            details = ", ".join(filter(None, (e.dates, _cls_name(e))))
            lines.append((None, _name(e.node, e.label) + (f" ({details})" if details else "")))
        blocks.append((title, lines))
    blocks.append(("changed dates", [
        (None, f"{_name(c.node, c.label)}: {c.what} {c.old or '(none)'} -> {c.new or '(none)'}") for c in changes.dates
    ]))
    blocks.append(("changed labels", [
        (None, f"{qname(c.node)}: \"{c.old or ''}\" -> \"{c.new or ''}\"") for c in changes.labels
    ]))
    return [(title, lines) for title, lines in blocks if lines]


def format_changes(changes: Changes, *, markdown: bool = False) -> str:
    """``changes`` as plain text, or as Markdown (``markdown=True``) for a review."""
    out = []
    for title, lines in _blocks(changes):
        if markdown:
            out.append(f"## {title[0].upper()}{title[1:]} ({len(lines)})\n")
        else:
            out.append(f"{title} ({len(lines)})")
        group = None
        for line_group, text in lines:
            if line_group is not None and line_group != group:
                if markdown and group is not None:
                    out.append("")
                group = line_group
                out.append(f"### {group}\n" if markdown else f"  {group}")
            if markdown:
                out.append(f"- {_markdown(text)}")
            else:
                out.append(("    " if line_group is not None else "  ") + text)
        if markdown:
            out.append("")
    summary = (
        f"{changes.count} change{'' if changes.count == 1 else 's'}; "
        f"triples: {changes.triples_added} added, {changes.triples_removed} removed"
    )
    out.append(f"_{summary}_" if markdown else summary)
    return "\n".join(out) + "\n"


def _markdown(text: str) -> str:
    for char in "\\`*_[]<|":
        text = text.replace(char, "\\" + char)
    return text.replace(" -> ", " → ")
