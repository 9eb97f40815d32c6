"""Bulk entry from templates: rows of a CSV or TSV file turned into Turtle.

In the spirit of ROBOT templates, each row of a spreadsheet describes one thing — a
person, a unit (with its placement), a role held by a person (a membership) or an
event — in the columns that ``docs/extending.md`` documents (:data:`COLUMNS`). The
rows become triples written as ``docs/data-conventions.md`` says: IRIs in the
project's namespaces, English labels, time-bound intervals at the precision given, and
every fact cited with ``prov:wasDerivedFrom`` and a ``prov:qualifiedDerivation`` with
its line locator.

Every row is checked (:func:`apply_template`): a bad row gets a :class:`RowError`
naming its row, line, column and what is wrong. The rows are then validated with the
project's shapes, together with the project's data, and each violation is traced back
to its row. The result is usable only when no row fails; the command line writes
nothing otherwise.

>>> import tempfile, pathlib
>>> from kg.load import load_project
>>> from kg.project import find_project
>>> path = pathlib.Path(tempfile.mkdtemp()) / "people.csv"
>>> _ = path.write_text('''kind,id,label,source,locator
... person,jiang-fang,Jiang Fang,s003,L19
... person,Hao Zhou,Hao Zhou,s003,L99
... ''')
>>> result = apply_template(path, load_project(find_project()), check_shapes=False)
>>> for error in result.errors:
...     print(error.row, error.column, error.message)
1 id rper:jiang-fang already exists in data/alibaba.ttl: one resource per real thing
2 id 'Hao Zhou' is not a lower-case kebab-case local name (such as 'wu-yongming')
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.dates import date_literal
from kg.errors import TemplateError, display_path
from kg.files import write_file
from kg.load import ProjectGraphs
from kg.validate import ValidationReport, validate
from kg.vocab import DCTERMS, FOAF, ORG, PREFIXES, PROV, RDF, RDFS, RKG, SKOS, TIME, XSD, bind_prefixes, label, qname

__all__ = ["COLUMNS", "ID_BASE", "KINDS", "RowError", "TemplateError", "TemplateResult", "apply_template", "write_turtle"]

#: The columns each kind of row may fill; ``kind`` and the citation columns apply to all.
COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("id", "label", "altLabels", "comment"),
    "unit": ("id", "label", "altLabels", "comment", "class", "company", "parent", "begin", "end"),
    "role": ("id", "label", "person", "organization", "role", "begin", "end", "responsibility"),
    "event": (
        "id", "label", "comment", "class", "date", "status", "company", "original", "resulting",
        "affected", "transferred", "person", "role",
    ),
}
KINDS = tuple(COLUMNS)
_CITATION = ("source", "locator")
_ALL = ("kind", *sorted({c for columns in COLUMNS.values() for c in columns}), *_CITATION)
#: Columns a row of the kind must fill.
_REQUIRED = {
    "person": ("id", "label"),
    "unit": ("id", "label", "class", "company", "parent"),
    "role": ("person", "organization", "role"),
    "event": ("id", "label", "class", "date", "status", "company"),
}
#: Columns that may hold several values, separated by ``|``.
_MANY = ("altLabels", "original", "resulting", "affected", "transferred", "person", "source", "locator")

_LOCAL = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
_LOCATOR = re.compile(r"L[1-9][0-9]*(-L[1-9][0-9]*)?(,L[1-9][0-9]*(-L[1-9][0-9]*)?)*\Z")
#: The property of a beginning or end for a date of each precision (:func:`kg.dates.date_literal`).
_POSITIONS = {XSD.gYear: TIME.inXSDgYear, XSD.gYearMonth: TIME.inXSDgYearMonth, XSD.date: TIME.inXSDDate}
#: Where the project mints things; ``apply_template(base=...)`` mints under another base.
ID_BASE = "https://w3id.org/restructuring-kg/id/"
#: The folder of each kind of thing under a base (``rorg:`` is ``<base>org/``).
_FOLDERS = {"rorg": "org/", "rper": "person/", "rmem": "membership/", "rpl": "placement/", "rev": "event/"}


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row.

    :ivar row: the 1-based number of the data row (the header is not counted).
    :ivar line: the line of the file where the row ends.
    :ivar column: the column at fault, or ``None`` for the row as a whole.
    """

    path: Path
    row: int
    line: int
    column: Optional[str]
    message: str

    def __str__(self) -> str:
        where = f"{display_path(self.path)}:{self.line}: row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class TemplateResult:
    """What :func:`apply_template` made of a template.

    :ivar graph: the triples of every row (usable only when :attr:`ok`).
    :ivar errors: every row error, in row order, then the shape violations traced to rows.
    :ivar report: the validation report of the project with the rows, or ``None`` when
        the rows were not validated (a row failed, or ``check_shapes=False``).
    """

    graph: Graph
    rows: int
    errors: tuple[RowError, ...] = ()
    report: Optional[ValidationReport] = None

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowFailed(Exception):
    def __init__(self, column: Optional[str], message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class _Context:
    """The project the rows refer to, and what earlier rows minted."""

    graphs: ProjectGraphs
    graph: Graph
    base: str = ID_BASE
    minted: dict[URIRef, int] = field(default_factory=dict)  # node -> row

    def namespace(self, prefix: str) -> str:
        """Where things of a kind (``rorg``, ``rper``, ...) are minted."""
        return self.base + _FOLDERS[prefix]

    def known(self, node: URIRef) -> bool:
        return node in self.minted or (node, None, None) in self.graphs.data or (node, None, None) in self.graphs.ontology

    def types(self, node: URIRef) -> set[Node]:
        return set(self.graph.objects(node, RDF.type)) | set(self.graphs.data.objects(node, RDF.type))

    def is_subclass(self, cls: Node, *tops: URIRef) -> bool:
        return any(c in tops for c in self.graphs.ontology.transitive_objects(cls, RDFS.subClassOf))

    def name(self, node: URIRef) -> str:
        return label(self.graph, node) or label(self.graphs.data, node) or qname(node)


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    if path.suffix.lower() not in (".csv", ".tsv", ".tab"):
        raise TemplateError(f"{display_path(path)}: a template is a .csv or .tsv file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"{display_path(path)}: cannot read ({error})") from error
    lines = text.splitlines(keepends=True)
    skipped = 0  # comment lines (``# ...``) before the header
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1
    reader = csv.reader(lines[skipped:], delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise TemplateError(f"{display_path(path)}: empty; the first line names the columns") from None
    where = f"{display_path(path)}:{skipped + 1}"
    if "kind" not in header:
        raise TemplateError(f"{where}: no 'kind' column (person, unit, role or event)")
    for column in header:
        if column not in _ALL:
            raise TemplateError(f"{where}: unknown column {column!r}; the columns are {', '.join(_ALL)} (see docs/extending.md)")
    if len(set(header)) != len(header):
        raise TemplateError(f"{where}: a column is named twice")
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise TemplateError(f"{display_path(path)}:{skipped + reader.line_num}: more cells than columns")
        rows.append((skipped + reader.line_num, {h: c.strip() for h, c in zip(header, cells)}))
    return header, rows


def _values(row: dict[str, str], column: str) -> list[str]:
    text = row.get(column, "")
    if not text:
        return []
    return [part.strip() for part in text.split("|")] if column in _MANY else [text]


def _one(row: dict[str, str], column: str) -> Optional[str]:
    return row.get(column) or None


def _date(row: dict[str, str], column: str) -> Optional[tuple[Literal, URIRef]]:
    text = _one(row, column)
    if text is None:
        return None
    try:
        value = date_literal(text)
    except ValueError:
        raise _RowFailed(column, f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, at the precision the source gives") from None
    assert value.datatype is not None  # date_literal types every date it makes
    return value, _POSITIONS[value.datatype]


def _reference(ctx: _Context, row: dict[str, str], column: str, text: str, default_prefix: str) -> URIRef:
    """A cell naming a resource: ``prefix:local``, ``<IRI>`` or a bare local name in ``default_prefix``."""
    if text.startswith("<") and text.endswith(">"):
        node = URIRef(text[1:-1])
    elif ":" in text:
        prefix, _, local = text.partition(":")
        namespaces = dict(ctx.graphs.ontology.namespaces()) | dict(ctx.graphs.data.namespaces()) | PREFIXES
        if prefix not in namespaces:
            raise _RowFailed(column, f"unknown prefix {prefix!r} in {text!r}")
        node = URIRef(str(namespaces[prefix]) + local)
    else:  # a bare local name: minted under the base, else the project's
        candidates = [URIRef(ctx.namespace(default_prefix) + text), URIRef(PREFIXES[default_prefix] + text)]
        node = next((c for c in candidates if ctx.known(c)), candidates[0])
    if not ctx.known(node):
        raise _RowFailed(column, f"{text!r} ({qname(node)}) is neither in the graph nor minted by an earlier row")
    return node


def _term(ctx: _Context, row: dict[str, str], column: str, text: str, *, kind: str, check: Callable[[URIRef], bool]) -> URIRef:
    """A cell naming an ontology term: ``prefix:local``, ``<IRI>`` or a local name of ``rkg:``."""
    node = _reference(ctx, row, column, text, "rkg") if (":" in text or text.startswith("<")) else URIRef(RKG + text)
    if not check(node):
        raise _RowFailed(column, f"{text!r} is not {kind} of the ontology")
    return node


def _kebab(node: URIRef) -> str:
    """The local name of ``node`` in kebab-case (``rkg:chiefPeopleOfficer`` is ``chief-people-officer``)."""
    local = re.split(r"[/#]", str(node))[-1]
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", local).lower()


def _mint(ctx: _Context, column: str, prefix: str, local: str) -> URIRef:
    if not _LOCAL.match(local):
        raise _RowFailed(column, f"{local!r} is not a lower-case kebab-case local name (such as 'wu-yongming')")
    node = URIRef(ctx.namespace(prefix) + local)
    if node in ctx.minted:
        raise _RowFailed(column, f"{qname(node)} is also minted by row {ctx.minted[node]}")
    if (node, None, None) in ctx.graphs.data:
        files = ", ".join(display_path(p) for p in ctx.graphs.files_of(node)) or "the data"
        raise _RowFailed(column, f"{qname(node)} already exists in {files}: one resource per real thing")
    return node


def _cite(ctx: _Context, row: dict[str, str], node: URIRef, triples: list) -> None:
    sources, locators = _values(row, "source"), _values(row, "locator")
    if not sources:
        raise _RowFailed("source", "every row cites a source: its identifier (s003) or file name")
    if len(locators) != len(sources):
        raise _RowFailed("locator", f"give one locator per source ({len(sources)} sources, {len(locators)} locators), separated by '|'")
    identifiers = {str(i): s for s, i in ctx.graphs.data.subject_objects(DCTERMS.identifier)}
    for text, locator in zip(sources, locators):
        source = identifiers.get(text) or URIRef(PREFIXES["rsrc"] + text)
        if (source, RDF.type, RKG.SourceDocument) not in ctx.graphs.data:
            raise _RowFailed("source", f"{text!r} is not a registered source document (see data/sources.ttl)")
        if not _LOCATOR.match(locator):
            raise _RowFailed("locator", f"{locator!r} is not a line locator: 'L5', 'L5-L6' or 'L5,L9'")
        derivation = BNode()
        triples += [
            (node, PROV.wasDerivedFrom, source),
            (node, PROV.qualifiedDerivation, derivation),
            (derivation, RDF.type, PROV.Derivation),
            (derivation, PROV.entity, source),
            (derivation, RKG.locator, Literal(locator)),
        ]


def _names(row: dict[str, str], node: URIRef, triples: list) -> None:
    triples.append((node, RDFS.label, Literal(row["label"], lang="en")))
    triples += [(node, SKOS.altLabel, Literal(name, lang="en")) for name in _values(row, "altLabels")]
    if row.get("comment"):
        triples.append((node, RDFS.comment, Literal(row["comment"], lang="en")))


def _interval(row: dict[str, str], base: URIRef, label_text: str, triples: list) -> URIRef:
    interval = URIRef(f"{base}-interval")
    triples += [(interval, RDF.type, TIME.Interval), (interval, RDFS.label, Literal(f"period of {label_text}", lang="en"))]
    dates = {column: _date(row, column) for column in ("begin", "end")}
    if dates["begin"] and dates["end"] and str(dates["end"][0]) < str(dates["begin"][0])[: len(str(dates["end"][0]))]:
        raise _RowFailed("end", f"ends ({dates['end'][0]}) before it begins ({dates['begin'][0]})")
    for column, link in (("begin", TIME.hasBeginning), ("end", TIME.hasEnd)):
        found = dates[column]
        if found:
            value, position = found
            instant = URIRef(f"{base}-{column}")
            triples += [(interval, link, instant), (instant, RDF.type, TIME.Instant), (instant, position, value)]
    return interval


def _time_bound(row: dict[str, str], node: URIRef, cls: URIRef, text: str, links: list, during: URIRef, triples: list) -> None:
    """A time-bound n-ary fact (a placement, a membership): its type, label, links and interval."""
    interval = _interval(row, node, text, triples)
    triples += [(node, RDF.type, cls), (node, RDFS.label, Literal(text, lang="en")), (node, during, interval)]
    triples += [(node, prop, value) for prop, value in links]


def _person(ctx: _Context, number: int, row: dict[str, str], triples: list) -> list[URIRef]:
    node = _mint(ctx, "id", "rper", row["id"])
    triples.append((node, RDF.type, FOAF.Person))
    _names(row, node, triples)
    _cite(ctx, row, node, triples)
    return [node]


def _unit(ctx: _Context, number: int, row: dict[str, str], triples: list) -> list[URIRef]:
    node = _mint(ctx, "id", "rorg", row["id"])
    cls = _term(ctx, row, "class", row["class"], kind="a kind of unit (a subclass of org:OrganizationalUnit)",
                check=lambda c: c != ORG.OrganizationalUnit and ctx.is_subclass(c, ORG.OrganizationalUnit))
    company = _reference(ctx, row, "company", row["company"], "rorg")
    if RKG.Company not in ctx.types(company):
        raise _RowFailed("company", f"{row['company']!r} is not an rkg:Company")
    parent = _reference(ctx, row, "parent", row["parent"], "rorg")
    if parent == node:
        raise _RowFailed("parent", "a unit cannot be placed under itself")
    triples += [(node, RDF.type, cls), (node, RKG.company, company)]
    _names(row, node, triples)
    _cite(ctx, row, node, triples)
    placement = _mint(ctx, "parent", "rpl", f"{row['id']}-in-{_kebab(parent)}")
    links = [(RKG.placedUnit, node), (RKG.parentOrganization, parent)]
    _time_bound(row, placement, RKG.Placement, f"{row['label']} under {ctx.name(parent)}", links, RKG.placedDuring, triples)
    _cite(ctx, row, placement, triples)
    return [node, placement]


def _role(ctx: _Context, number: int, row: dict[str, str], triples: list) -> list[URIRef]:
    person = _reference(ctx, row, "person", row["person"], "rper")
    if FOAF.Person not in ctx.types(person):
        raise _RowFailed("person", f"{row['person']!r} is not a foaf:Person")
    organization = _reference(ctx, row, "organization", row["organization"], "rorg")
    role = _term(ctx, row, "role", row["role"], kind="a role (an org:Role individual such as head or ceo)",
                 check=lambda r: (r, RDF.type, ORG.Role) in ctx.graphs.ontology or ORG.Role in ctx.types(r))
    local = row.get("id") or "-".join(_kebab(n) for n in (person, role, organization))
    node = _mint(ctx, "id", "rmem", local)
    text = row.get("label") or f"{ctx.name(person)}, {label(ctx.graphs.ontology, role) or qname(role)} of {ctx.name(organization)}"
    links = [(ORG.member, person), (ORG.organization, organization), (ORG.role, role)]
    _time_bound(row, node, RKG.RoleMembership, text, links, ORG.memberDuring, triples)
    if row.get("responsibility"):
        triples.append((node, RKG.responsibility, Literal(row["responsibility"], lang="en")))
    _cite(ctx, row, node, triples)
    return [node]


_STATUSES = {"completed": RKG.completed, "announced": RKG.announced, "reportedPlan": RKG.reportedPlan}
_EVENT_LINKS = (
    ("original", ORG.originalOrganization, "rorg"),
    ("resulting", ORG.resultingOrganization, "rorg"),
    ("affected", RKG.affectedOrganization, "rorg"),
    ("transferred", RKG.transferredUnit, "rorg"),
    ("person", RKG.involvedPerson, "rper"),
)


def _event(ctx: _Context, number: int, row: dict[str, str], triples: list) -> list[URIRef]:
    node = _mint(ctx, "id", "rev", row["id"])
    cls = _term(ctx, row, "class", row["class"], kind="an event or activity type (a subclass of rkg:RestructuringEvent or rkg:BusinessActivity)",
                check=lambda c: ctx.is_subclass(c, RKG.RestructuringEvent, RKG.BusinessActivity))
    found = _date(row, "date")
    assert found is not None  # "date" is a required column of an event: checked before
    date, _ = found
    if row["status"] not in _STATUSES:
        raise _RowFailed("status", f"{row['status']!r} is not a status: completed, announced or reportedPlan")
    company = _reference(ctx, row, "company", row["company"], "rorg")
    if RKG.Company not in ctx.types(company):
        raise _RowFailed("company", f"{row['company']!r} is not an rkg:Company")
    triples += [
        (node, RDF.type, cls),
        (node, DCTERMS.date, date),
        (node, RKG.status, _STATUSES[row["status"]]),
        (node, RKG.company, company),
    ]
    _names(row, node, triples)
    for column, prop, prefix in _EVENT_LINKS:
        triples += [(node, prop, _reference(ctx, row, column, text, prefix)) for text in _values(row, column)]
    if row.get("role"):
        role = _term(ctx, row, "role", row["role"], kind="a role (an org:Role individual)",
                     check=lambda r: (r, RDF.type, ORG.Role) in ctx.graphs.ontology or ORG.Role in ctx.types(r))
        triples.append((node, RKG.role, role))
    _cite(ctx, row, node, triples)
    return [node]


_MAKERS = {"person": _person, "unit": _unit, "role": _role, "event": _event}


def _make(ctx: _Context, number: int, row: dict[str, str]) -> tuple[list, list[URIRef]]:
    kind = row.get("kind", "")
    if kind not in _MAKERS:
        raise _RowFailed("kind", f"{kind!r} is not a kind of row: {', '.join(KINDS)}")
    allowed = set(COLUMNS[kind]) | {"kind", *_CITATION}
    for column, text in row.items():
        if text and column not in allowed:
            raise _RowFailed(column, f"does not apply to a {kind} row (its columns: {', '.join(COLUMNS[kind])}, source, locator)")
    for column in _REQUIRED[kind]:
        if not row.get(column):
            raise _RowFailed(column, f"a {kind} row needs a value here")
    triples: list = []
    nodes = _MAKERS[kind](ctx, number, row, triples)
    return triples, nodes


def apply_template(
    path: Union[str, os.PathLike], graphs: ProjectGraphs, *, base: str = ID_BASE, check_shapes: bool = True
) -> TemplateResult:
    """Turn the rows of the CSV or TSV template ``path`` into triples and check them.

    Things are minted under ``base`` (``<base>org/``, ``<base>person/``, ``<base>membership/``,
    ``<base>placement/``, ``<base>event/``), the project's ``id/`` namespace by default.

    Rows may refer to the project's resources (``graphs``) and to resources earlier
    rows mint. When every row is well formed and ``check_shapes`` is true, the rows are
    validated with the project's shapes together with its data; violations about the
    rows' resources become errors of the rows that made them.

    :raises TemplateError: the file cannot be read, or its header is not a template's.
    """
    path = Path(path)
    _, rows = _read(path)
    if not base.endswith(("/", "#")):
        raise TemplateError(f"the base {base!r} must end with '/' or '#'")
    ctx = _Context(graphs=graphs, graph=bind_prefixes(Graph()), base=base)
    known = set(PREFIXES) | {str(ns) for ns in PREFIXES.values()}
    for prefix, namespace in (*graphs.ontology.namespaces(), *graphs.data.namespaces()):
        if prefix not in known and str(namespace) not in known:  # an extension's prefixes, for the output
            ctx.graph.bind(prefix, namespace, override=False)
            known |= {prefix, str(namespace)}
    errors: list[RowError] = []
    owner: dict[Node, tuple[int, int]] = {}
    for number, (line, row) in enumerate(rows, start=1):
        try:
            triples, nodes = _make(ctx, number, row)
        except _RowFailed as failed:
            errors.append(RowError(path, number, line, failed.column, failed.message))
            continue
        for triple in triples:
            ctx.graph.add(triple)
            owner.setdefault(triple[0], (number, line))  # the row's nodes are the subjects it writes
        for node in nodes:
            ctx.minted[node] = number
    if errors or not check_shapes or graphs.shapes is None:
        return TemplateResult(graph=ctx.graph, rows=len(rows), errors=tuple(errors))
    report = validate(graphs.data + ctx.graph, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)
    for result in report.violations:
        hit = next((owner[n] for n in (result.focus_node, result.value) if n in owner), None)
        if hit is None:
            continue
        number, line = hit
        errors.append(RowError(path, number, line, None, f"{report.rule(result)}: {qname(result.focus_node)}: {result.message}"))
    errors.sort(key=lambda e: e.row)
    return TemplateResult(graph=ctx.graph, rows=len(rows), errors=tuple(errors), report=report)


def write_turtle(graph: Graph, path: Union[str, os.PathLike]) -> None:
    """Write ``graph`` as Turtle to ``path`` atomically: the file appears whole or not at all.

    :raises WriteError: the file cannot be written (see :func:`kg.files.write_file`).
    """
    write_file(path, bind_prefixes(graph).serialize(format="turtle").encode("utf-8"))
