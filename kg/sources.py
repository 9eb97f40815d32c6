"""Checking citations against the source documents.

A citation is a resource's ``prov:qualifiedDerivation [ prov:entity S ; rkg:locator L ]``,
where ``S`` is a source document whose ``dcterms:identifier`` is its file name and ``L``
gives 1-based lines: ``"L5"``, ``"L5-L7"``, ``"L5,L9"`` or a comma-separated mix. A
citation is verified when the file exists, the locator is well formed, every line it
names exists, and at least one of those lines contains a name of the thing cited.

The names of a thing are the ``rdfs:label``, ``skos:prefLabel`` and ``skos:altLabel`` of

- the thing itself;
- every resource it links to directly (its IRI objects, one hop: a membership's member
  and organization, an event's organizations and people), except its types, its
  sources and terms of the ontology and the W3C vocabularies;
- for a figure, the resources that point to it with ``rkg:figure`` and the resources
  they link to (a figure's line names what the figure is about);
- for an ``rkg:Claim``, the ``rkg:subject`` of its disagreement.

Names and lines are compared in lower case with every character that is not a letter
or digit dropped, so ``"Large Model"`` matches ``"Large - Model"``.

>>> import tempfile, pathlib
>>> from rdflib import Graph
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "s1.txt").write_text("Title\\nAcme set up the Tongyi Lab in March.\\n")
>>> graph = Graph().parse(format="turtle", data='''
...     @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
...     @prefix prov: <http://www.w3.org/ns/prov#> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix dcterms: <http://purl.org/dc/terms/> .
...     @prefix ex: <https://example.org/> .
...     ex:s1 a rkg:SourceDocument ; dcterms:identifier "s1.txt" .
...     ex:tongyi rdfs:label "Tongyi Lab"@en ;
...         prov:qualifiedDerivation [ prov:entity ex:s1 ; rkg:locator "L2" ] ,
...                                  [ prov:entity ex:s1 ; rkg:locator "L1" ] .''')
>>> report = check_citations(graph, folder)
>>> len(report.citations), [(c.locator, c.reason) for c in report.failures]
(2, [('L1', 'no cited line names it (Tongyi Lab)')])
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import SourcesError, display_path
from kg.vocab import DCTERMS, PREFIXES, PROV, RDF, RKG, names

__all__ = ["Citation", "CitationReport", "check_citations", "normalize", "parse_locator"]

_LOCATOR = re.compile(r"^L([1-9][0-9]*)(?:-L([1-9][0-9]*))?$")
#: Links that do not say what a thing is about.
_NOT_ABOUT = {RDF.type, PROV.wasDerivedFrom, PROV.qualifiedDerivation}
#: Namespaces of vocabulary terms (classes, roles, statuses, measures), whose names are no evidence.
_VOCABULARIES = tuple(
    PREFIXES[prefix]
    for prefix in ("rkg", "org", "prov", "time", "foaf", "skos", "dcterms", "schema", "owl", "rdf", "rdfs", "xsd", "sh")
)


def normalize(text: str) -> str:
    """``text`` in lower case with everything but letters and digits dropped.

    >>> normalize("Large - Model Algorithm Dept.")
    'largemodelalgorithmdept'
    """
    return "".join(ch for ch in text.lower() if ch.isalnum())


def parse_locator(locator: str) -> list[int]:
    """The 1-based line numbers a locator names, in order.

    >>> parse_locator("L5-L7,L9")
    [5, 6, 7, 9]

    :raises ValueError: the locator is not ``Ln``, ``Ln-Lm`` (n <= m) or a comma-separated list of those.
    """
    lines = []
    for part in locator.split(","):
        match = _LOCATOR.match(part)
        if not match:
            raise ValueError(f"malformed locator {locator!r} (write L5, L5-L7 or L5,L9)")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise ValueError(f"malformed locator {locator!r}: the range L{first}-L{last} runs backwards")
        lines.extend(range(first, last + 1))
    return lines


@dataclass(frozen=True)
class Citation:
    """One citation of a source by a resource, and whether it holds.

    :ivar reason: why the citation fails, or ``None`` when it is verified.
    """

    node: Node
    source: Optional[Node]
    file: Optional[Path]
    locator: Optional[str]
    reason: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class CitationReport:
    """Every citation checked by :func:`check_citations`, sorted by node, file and locator."""

    citations: tuple[Citation, ...]

    @property
    def failures(self) -> list[Citation]:
        return [c for c in self.citations if not c.ok]

    @property
    def ok(self) -> bool:
        """``True`` when every citation is verified."""
        return not self.failures


def _is_vocabulary(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(_VOCABULARIES)


def _linked(graph: Graph, node: Node) -> set[Node]:
    return {
        o for p, o in graph.predicate_objects(node)
        if isinstance(o, URIRef) and p not in _NOT_ABOUT and not _is_vocabulary(o)
    }


def _about(graph: Graph, node: Node) -> set[Node]:
    """The thing itself and the resources whose names may stand for it in a source."""
    about = {node} | _linked(graph, node)
    for owner in graph.subjects(RKG.figure, node):
        about |= {owner} | _linked(graph, owner)
    for disagreement in graph.subjects(RKG.claim, node):
        about |= set(graph.objects(disagreement, RKG.subject))
    return about


class _Sources:
    """The source files of one folder, read once each."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lines: dict[str, Optional[list[str]]] = {}

    def lines(self, name: str) -> Optional[list[str]]:
        if name not in self._lines:
            path = self.folder / name
            try:
                self._lines[name] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except FileNotFoundError:
                self._lines[name] = None
            except OSError as error:
                raise SourcesError(f"{display_path(path)}: cannot read ({error.strerror or error})") from None
        return self._lines[name]


def _check(graph: Graph, sources: _Sources, node: Node, derivation: Node) -> list[Citation]:
    source = graph.value(derivation, PROV.entity)
    if source is None:
        return [Citation(node, None, None, None, "the derivation has no prov:entity")]
    identifier = graph.value(source, DCTERMS.identifier)
    if not isinstance(identifier, Literal) or "/" in str(identifier) or str(identifier) in ("", ".", ".."):
        return [Citation(node, source, None, None, "the source has no file name (dcterms:identifier)")]
    path = sources.folder / str(identifier)
    locators = sorted(str(locator) for locator in graph.objects(derivation, RKG.locator))
    if not locators:
        return [Citation(node, source, path, None, "the derivation has no rkg:locator")]
    results = []
    for locator in locators:
        results.append(Citation(node, source, path, locator, _failure(graph, sources, node, str(identifier), locator)))
    return results


def _failure(graph: Graph, sources: _Sources, node: Node, name: str, locator: str) -> Optional[str]:
    lines = sources.lines(name)
    if lines is None:
        return f"no such file: {name}"
    try:
        numbers = parse_locator(locator)
    except ValueError as error:
        return str(error)
    missing = [n for n in numbers if n > len(lines)]
    if missing:
        return f"line {missing[0]} does not exist ({name} has {len(lines)} lines)"
    candidates = sorted({n for thing in _about(graph, node) for n in names(graph, thing)})
    wanted = {normalize(n) for n in candidates} - {""}
    cited = [normalize(lines[n - 1]) for n in numbers]
    if any(name in line for line in cited for name in wanted):
        return None
    if not candidates:
        return "the cited resource has no name (rdfs:label, skos:altLabel, skos:prefLabel) to look for"
    shown = ", ".join(candidates[:6]) + (", ..." if len(candidates) > 6 else "")
    return f"no cited line names it ({shown})"


def check_citations(graph: Graph, sources_dir: Union[str, os.PathLike]) -> CitationReport:
    """Check every citation in ``graph`` against the files in ``sources_dir``.

    ``graph`` is the data (with the source documents' ``dcterms:identifier``).

    :raises SourcesError: ``sources_dir`` is not a folder, or a file cannot be read.
    """
    folder = Path(sources_dir)
    if not folder.is_dir():
        raise SourcesError(f"{display_path(folder)}: no such folder (the source documents)")
    sources = _Sources(folder)
    citations = []
    for node, derivation in graph.subject_objects(PROV.qualifiedDerivation):
        citations.extend(_check(graph, sources, node, derivation))
    citations.sort(key=lambda c: (str(c.node), str(c.file or ""), c.locator or "", c.reason or ""))
    return CitationReport(tuple(citations))
