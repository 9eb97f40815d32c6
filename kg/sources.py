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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional, Union

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from text_to_num import alpha2digit

from kg.errors import SourcesError, display_path, plural
from kg.vocab import DCTERMS, PREFIXES, PROV, RDF, RKG, SCHEMA, TIME, Loaded, describe, names, qname

__all__ = [
    "Citation",
    "CitationReport",
    "Grounding",
    "GroundingReport",
    "check_citations",
    "check_grounding",
    "date_forms",
    "normalize",
    "numbers_in",
    "parse_locator",
]

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
    lines: list[int] = []
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

    def text_lines(self, loaded: Loaded) -> list[str]:
        """Each failed citation (the node, its files, what it cites, why it fails), then the counts."""
        lines = []
        for citation in self.failures:
            name, _, files = describe(loaded, citation.node)
            cited = display_path(citation.file) if citation.file else qname(citation.source) if citation.source else "?"
            if citation.locator:
                cited += f" {citation.locator}"
            where = f" ({', '.join(files)})" if files else ""
            lines.append(f"{name}{where}: {cited}: {citation.reason}")
        return [*lines, f"{plural(len(self.citations), 'citation')} checked, {len(self.failures)} failed"]


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
                raise SourcesError(f"{display_path(path)}: cannot read ({error.strerror or error})") from error
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


# -- Grounding: the dates and figures a citation stands for are on its lines ---------

#: Where a date, month or year is written: on an event or activity, on an instant, or
#: as the reference period of a figure.
_DATE_PROPERTIES = (DCTERMS.date, TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear, RKG.referencePeriod)
#: Where a figure's number is written.
_NUMBER_PROPERTIES = (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
#: Units whose name carries a scale ("fifty petaflops" is 5 x 10^16 operations a second).
_UNIT_SCALES = {"teraflops": 10**12, "petaflops": 10**15, "exaflops": 10**18}
#: Plural or vague quantities that state a lower bound only ("hundreds of times").
_VAGUE = {"dozens": 12, "hundreds": 100, "thousands": 10**3, "millions": 10**6, "billions": 10**9,
          "threedigit": 100, "tens": 10}
_DIGITS = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(%|percent|thousand|million|billion|trillion|teraflops|petaflops|exaflops)?")
_ALL_SCALES = {**_SCALES, **_UNIT_SCALES}
_PLURALS = re.compile(r"\b(?:tens|dozens|hundreds|thousands|millions|billions)\b")
_VAGUE_OF = re.compile(r"\b(tens|dozens|hundreds|thousands) of (thousands|millions|billions)\b")


def date_forms(value: str) -> list[re.Pattern]:
    """Patterns, any of which on a line states the day, month or year ``value``.

    ``value`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``. A day or month may be written
    without its year (the sources date themselves, and the year of a day in March is
    read from the article), but never a year without the year.

    >>> [bool(p.search("on march 16, alibaba")) for p in date_forms("2026-03-16")]
    [True, False, False, False, False]
    >>> any(p.search("dated 3/16") for p in date_forms("2026-03-16"))
    True
    >>> any(p.search("in mid-march") for p in date_forms("2026-03")), any(p.search("in may") for p in date_forms("2026-03"))
    (True, False)
    """
    parts = value.split("-")
    year = parts[0]
    if len(parts) == 1:
        return [re.compile(rf"(?<!\d){year}(?!\d)")]
    month = int(parts[1])
    name = _MONTHS[month - 1]
    short = name[:3]
    if len(parts) == 2:
        return [re.compile(rf"\b(?:{name}|{short}\.?)\b"), re.compile(rf"{year}-{month:02d}(?!\d)"),
                re.compile(rf"(?<!\d)0?{month}月"), re.compile(rf"(?<!\d)0?{month}/{year}")]
    day = int(parts[2])
    ordinal = r"(?:st|nd|rd|th)?"
    return [
        re.compile(rf"\b(?:{name}|{short}\.?)\s+0?{day}{ordinal}(?!\d)"),
        re.compile(rf"(?<!\d)0?{day}{ordinal}\s+(?:of\s+)?(?:{name}|{short})\b"),
        re.compile(rf"(?<![\d/])0?{month}/0?{day}(?![\d/]|/\d{{1,2}}\b)"),
        re.compile(rf"{year}-{month:02d}-{day:02d}"),
        re.compile(rf"(?<!\d)0?{month}月0?{day}[日号]"),
    ]


def _decimal(text: str) -> Optional[Decimal]:
    try:
        return Decimal(text.rstrip(",").replace(",", ""))
    except InvalidOperation:
        return None


def _scaled(match: re.Match) -> str:
    """A number with its scale word as plain digits (a unit keeps its name)."""
    number, scale = _decimal(match.group(1)), match.group(2)
    if number is None or scale is None:
        return match.group(0)
    if scale in _SCALES:
        return format(number * _SCALES[scale], "f")
    return f"{format(number, 'f')} {scale}"


def numbers_in(line: str, *, vague: bool = False) -> set[Decimal]:
    """Every number ``line`` states, in digits or words, with its scale.

    ``"20%"``, ``"16,000"``, ``"8.971 billion"``, ``"fifty-three billion"``, ``"a
    hundred-million-dollar"``. With ``vague``, also the least value of a plural
    quantity (``hundreds`` is 100, ``millions`` 1,000,000, ``three-digit`` 100).

    >>> sorted(float(n) for n in numbers_in("about 16,000 of 79,000, 20% and $1.6 billion"))
    [20.0, 16000.0, 79000.0, 1600000000.0]
    >>> sorted(int(n) for n in numbers_in("three hundred and eighty billion renminbi, fifty-three billion dollars"))
    [53000000000, 380000000000]
    >>> sorted(int(n) for n in numbers_in("hundreds of times", vague=True))
    [100]
    >>> 10**11 in numbers_in("hundreds of billions of agents", vague=True)
    True
    """
    text = line.lower()
    # Digits with a scale word first ("1.6 billion" -> 1600000000), then the plural
    # quantities are set aside ("hundreds" is no number), then words to digits
    # (text2num: "fifty-three billion" -> 53000000000; a hyphen between words is a space
    # first, so that "a hundred-million-dollar" reads as a number too).
    text = _DIGITS.sub(_scaled, text)
    words = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", _PLURALS.sub("several", text))
    found: set[Decimal] = set()
    for match in _DIGITS.finditer(alpha2digit(words, "en", threshold=0)):
        number = _decimal(match.group(1))
        if number is None:
            continue
        found.add(number)
        if match.group(2) in _ALL_SCALES:
            found.add(number * _ALL_SCALES[match.group(2)])
    if vague:
        text = line.lower()
        every_word = re.findall(r"[a-z]+", text)
        squeezed = re.sub(r"[^a-z]", "", text)
        found |= {Decimal(n) for word, n in _VAGUE.items() if (word in every_word or (word == "threedigit" and word in squeezed))}
        for many, scale in _VAGUE_OF.findall(text):
            found.add(Decimal(_VAGUE[many]) * _VAGUE[scale])
    return found


@dataclass(frozen=True)
class Grounding:
    """One date or number of a resource, and whether a line it cites states it.

    :ivar node: the event, instant or figure that carries the value.
    :ivar value: the value as written in the data (``2026-03-16``, ``16000``).
    :ivar lines: the lines searched, as ``file Ln``.
    :ivar reason: why it is not grounded, or ``None`` when a line states it.
    """

    node: Node
    kind: str
    value: str
    lines: tuple[str, ...]
    reason: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class GroundingReport:
    """Every value checked by :func:`check_grounding`, sorted by node and value."""

    values: tuple[Grounding, ...]

    @property
    def failures(self) -> list[Grounding]:
        return [g for g in self.values if not g.ok]

    @property
    def ok(self) -> bool:
        return not self.failures

    def text_lines(self, loaded: Loaded) -> list[str]:
        """Each value no cited line states (the node, its files, the lines searched), then the counts."""
        lines = []
        for value in self.failures:
            name, _, files = describe(loaded, value.node)
            where = f" ({', '.join(files)})" if files else ""
            searched = ", ".join(value.lines) or "none"
            lines.append(f"{name}{where}: {value.kind} {value.value}: {value.reason} (lines searched: {searched})")
        return [*lines, f"{plural(len(self.values), 'date or figure value')} checked, {len(self.failures)} not stated"]


def _inferred(graph: Graph, node: Node) -> bool:
    return any(o.toPython() is True for o in graph.objects(node, RKG.inferred) if isinstance(o, Literal))


def _cited_lines(graph: Graph, sources: _Sources, node: Node) -> list[tuple[str, int, str]]:
    """(file, line number, text) of every line ``node`` cites that exists."""
    lines: list[tuple[str, int, str]] = []
    for derivation in graph.objects(node, PROV.qualifiedDerivation):
        identifier = graph.value(graph.value(derivation, PROV.entity), DCTERMS.identifier)
        if identifier is None or "/" in str(identifier):
            continue
        text = sources.lines(str(identifier))
        for locator in graph.objects(derivation, RKG.locator):
            try:
                numbers = parse_locator(str(locator))
            except ValueError:
                continue
            lines.extend((str(identifier), n, text[n - 1]) for n in numbers if text is not None and n <= len(text))
    return lines


def _head(sources: _Sources, identifier: Optional[Node]) -> list[tuple[str, int, str]]:
    """The first lines of a source document, where a source gives its own date."""
    text = sources.lines(str(identifier)) if identifier is not None and "/" not in str(identifier) else None
    return [(str(identifier), n, line) for n, line in enumerate((text or [])[:_HEAD], start=1)]


_HEAD = 3


def _owners(graph: Graph, instant: Node) -> set[Node]:
    """What an instant dates: the membership, placement or reporting line whose interval it bounds,
    and the event that began (for a beginning) or ended (for an end) it."""
    owners = set()
    for edge, event_link in ((TIME.hasBeginning, PROV.wasGeneratedBy), (TIME.hasEnd, PROV.wasInvalidatedBy)):
        for interval in graph.subjects(edge, instant):
            for owner in graph.subjects(None, interval):
                owners.add(owner)
                owners.update(graph.objects(owner, event_link))
    return owners


def check_grounding(graph: Graph, sources_dir: Union[str, os.PathLike]) -> GroundingReport:
    """Check that every date and figure not marked ``rkg:inferred true`` is stated where it is cited.

    A date (``dcterms:date`` of an event, ``time:inXSDDate``/``inXSDgYearMonth``/``inXSDgYear``
    of an instant, ``rkg:referencePeriod`` of a figure) must be written on one of the
    lines its resource cites — for an instant, the lines of the membership, placement or
    reporting line it bounds and of the event that began or ended it — in one of the
    forms of :func:`date_forms`. A figure's ``schema:value``, ``minValue`` and ``maxValue``
    must be one of the :func:`numbers_in` its cited lines (a vague plural such as
    "hundreds" only for a figure marked ``rkg:lowerBound true``). ``rkg:notAfter`` is a
    bound, inferred by definition, and not checked.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "s1.txt").write_text("On March 16 Acme set up a lab of 300 people.\\n")
    >>> graph = Graph().parse(format="turtle", data=\'\'\'
    ...     @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
    ...     @prefix prov: <http://www.w3.org/ns/prov#> .
    ...     @prefix dcterms: <http://purl.org/dc/terms/> .
    ...     @prefix schema: <https://schema.org/> .
    ...     @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ...     @prefix ex: <https://example.org/> .
    ...     ex:s1 dcterms:identifier "s1.txt" .
    ...     ex:set-up dcterms:date "2026-03-17"^^xsd:date ;
    ...         prov:qualifiedDerivation [ prov:entity ex:s1 ; rkg:locator "L1" ] .
    ...     ex:staff schema:value "300"^^xsd:decimal ;
    ...         prov:qualifiedDerivation [ prov:entity ex:s1 ; rkg:locator "L1" ] .\'\'\')
    >>> [(g.value, g.reason) for g in check_grounding(graph, folder).failures]
    [('2026-03-17', 'no cited line states this date')]

    :raises SourcesError: ``sources_dir`` is not a folder, or a file cannot be read.
    """
    folder = Path(sources_dir)
    if not folder.is_dir():
        raise SourcesError(f"{display_path(folder)}: no such folder (the source documents)")
    sources = _Sources(folder)
    values = []
    for prop in _DATE_PROPERTIES:
        for node, value in graph.subject_objects(prop):
            if _inferred(graph, node):
                continue
            owners = {node} if prop in (DCTERMS.date, RKG.referencePeriod) else _owners(graph, node)
            lines = sorted({line for owner in owners for line in _cited_lines(graph, sources, owner)})
            if (node, RDF.type, RKG.SourceDocument) in graph:
                lines = _head(sources, graph.value(node, DCTERMS.identifier))
            forms = date_forms(str(value))
            stated = any(form.search(text.lower()) for *_, text in lines for form in forms)
            values.append(_grounding(node, "date", str(value), lines, stated, "no cited line states this date"))
    for prop in _NUMBER_PROPERTIES:
        for node, value in graph.subject_objects(prop):
            if _inferred(graph, node):
                continue
            lines = sorted(set(_cited_lines(graph, sources, node)))
            vague = any(o.toPython() is True for o in graph.objects(node, RKG.lowerBound) if isinstance(o, Literal))
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                values.append(_grounding(node, "figure", str(value), lines, False, "not a number"))
                continue
            stated = any(number == n for *_, text in lines for n in numbers_in(text, vague=vague))
            values.append(_grounding(node, "figure", str(value), lines, stated, "no cited line states this number"))
    values.sort(key=lambda g: (str(g.node), g.kind, g.value))
    return GroundingReport(tuple(values))


def _grounding(node: Node, kind: str, value: str, lines, stated: bool, reason: str) -> Grounding:
    where = tuple(f"{name} L{n}" for name, n, _ in lines)
    if not lines:
        return Grounding(node, kind, value, where, "no cited line to search (cite the line that states it, or mark it rkg:inferred true with a note)")
    return Grounding(node, kind, value, where, None if stated else reason)
