"""Counts over the data: per class, per company, per source document.

Counts are over the asserted data: a class counts the resources typed with it in the
data files (not its subclasses' instances); events and activities of a company are the
resources with ``rkg:company`` of a subclass of ``rkg:RestructuringEvent`` or
``rkg:BusinessActivity`` (the ontology, when given, supplies the subclasses).

>>> from rdflib import Graph
>>> data = Graph().parse(format="turtle", data='''
...     @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
...     @prefix prov: <http://www.w3.org/ns/prov#> .
...     @prefix dcterms: <http://purl.org/dc/terms/> .
...     @prefix ex: <https://example.org/> .
...     ex:acme a rkg:Company .
...     ex:lab a rkg:Lab ; rkg:company ex:acme ; prov:wasDerivedFrom ex:s1 .
...     ex:split a rkg:RestructuringEvent ; rkg:company ex:acme ;
...         prov:qualifiedDerivation [ prov:entity ex:s1 ; rkg:locator "L2" ] .
...     ex:s1 a rkg:SourceDocument ; dcterms:identifier "s1.txt" .''')
>>> counts = stats(data)
>>> [(c.things, c.events) for c in counts.companies]
[(2, 1)]
>>> [(s.identifier, s.resources, s.citations) for s in counts.sources]
[('s1.txt', 2, 1)]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.errors import plural
from kg.vocab import DCTERMS, PROV, RDF, RDFS, RKG, label, qname

__all__ = ["CompanyCounts", "SourceCounts", "Stats", "stats", "subclasses"]


@dataclass(frozen=True)
class CompanyCounts:
    """Resources of one company: all with ``rkg:company``, and its events and activities."""

    company: Node  # an IRI in data that conforms (a blank node is counted too)
    label: Optional[str]
    things: int
    events: int
    activities: int


@dataclass(frozen=True)
class SourceCounts:
    """Resources citing one source document, and how many citations (derivations) name it."""

    source: Node  # an IRI in data that conforms
    identifier: Optional[str]
    label: Optional[str]
    resources: int
    citations: int


@dataclass(frozen=True)
class Stats:
    """What :func:`stats` counted.

    :ivar triples: triples in the data.
    :ivar classes: resources per asserted class, most first (ties by IRI).
    :ivar companies: one entry per ``rkg:Company``, by label.
    :ivar sources: one entry per ``rkg:SourceDocument``, by file name.
    """

    triples: int
    classes: tuple[tuple[URIRef, int], ...]
    companies: tuple[CompanyCounts, ...]
    sources: tuple[SourceCounts, ...]

    def text_lines(self, *, data_files: int, where: str) -> list[str]:
        """The counts as ``kg stats`` prints them: ``data_files`` files counted, in folder ``where``."""
        lines = [f"{plural(self.triples, 'triple')} in {plural(data_files, 'data file')} ({where})",
                 "", "resources per class (asserted rdf:type)"]
        lines += [f"  {n:6}  {qname(cls)}" for cls, n in self.classes]
        lines += ["", "per company                       things  events  activities"]
        lines += [f"  {(c.label or qname(c.company)):30.30} {c.things:7} {c.events:7} {c.activities:11}"
                  for c in self.companies]
        lines += ["", "per source document               resources citing  citations"]
        lines += [f"  {(s.identifier or qname(s.source)):30.30} {s.resources:18} {s.citations:10}" for s in self.sources]
        return lines

    def to_json(self, *, data_files: int) -> dict:
        """The counts as ``kg stats --format json`` writes them."""
        return {
            "triples": self.triples,
            "data_files": data_files,
            "classes": {str(cls): n for cls, n in self.classes},
            "companies": [
                {"company": str(c.company), "label": c.label, "things": c.things, "events": c.events,
                 "activities": c.activities}
                for c in self.companies
            ],
            "sources": [
                {"source": str(s.source), "file": s.identifier, "label": s.label, "resources": s.resources,
                 "citations": s.citations}
                for s in self.sources
            ],
        }


def subclasses(graph: Graph, cls: Node) -> set[Node]:
    """``cls`` and every class below it by ``rdfs:subClassOf``, directly or not."""
    found, todo = {cls}, [cls]
    while todo:
        for sub in graph.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _instances(data: Graph, classes: set[Node]) -> set[Node]:
    return {s for c in classes for s in data.subjects(RDF.type, c)}


def stats(data: Graph, *, ontology: Optional[Graph] = None) -> Stats:
    """Count the resources of ``data`` per class, per company and per source document.

    :param ontology: the ontology, for the subclasses of events and activities.
    """
    schema = data if ontology is None else ontology + data
    per_class = Counter(c for c in data.objects(None, RDF.type) if isinstance(c, URIRef))
    classes = tuple(sorted(per_class.items(), key=lambda item: (-item[1], str(item[0]))))

    events = _instances(data, subclasses(schema, RKG.RestructuringEvent))
    activities = _instances(data, subclasses(schema, RKG.BusinessActivity))
    companies = []
    for company in set(data.subjects(RDF.type, RKG.Company)):
        things = set(data.subjects(RKG.company, company))
        companies.append(
            CompanyCounts(company, label(data, company), len(things), len(things & events), len(things & activities))
        )
    companies.sort(key=lambda c: ((c.label or "").lower(), str(c.company)))

    sources = []
    for source in set(data.subjects(RDF.type, RKG.SourceDocument)):
        derivations = set(data.subjects(PROV.entity, source))
        citing = set(data.subjects(PROV.wasDerivedFrom, source))
        citing |= {s for d in derivations for s in data.subjects(PROV.qualifiedDerivation, d)}
        identifier = data.value(source, DCTERMS.identifier)
        sources.append(
            SourceCounts(
                source,
                str(identifier) if identifier is not None else None,
                label(data, source),
                len(citing),
                len(derivations),
            )
        )
    sources.sort(key=lambda s: (s.identifier or "", str(s.source)))
    return Stats(triples=len(data), classes=classes, companies=tuple(companies), sources=tuple(sources))
