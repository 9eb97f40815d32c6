"""The fast engine: the project in an Oxigraph store, from the files to the build.

:meth:`FastEngine.open` parses each data file once, with Oxigraph, straight into a store
(no rdflib graph of the data), with every check of :func:`kg.load.load_project`: the
file and line of a syntax error or an ill-formed literal (:class:`kg.load.CheckedParse`),
terms of the ontologies' namespaces that they do not define (:class:`kg.load.TermCheck`),
and the loader's warnings. A file's blank nodes are its own (renamed apart from other
files'). The literals the store keeps in another form than written (``"7"^^xsd:int`` as an
``xsd:integer``) are noted in it (:func:`kg.fast.store.record_rewritten`), named in a
:class:`~kg.load.LoadWarning`, and given back as written by everything that reads the
store (reports, the build files). The ontology and the shapes are small: they are also
kept as rdflib graphs (the shapes compiler reads them).

Validation (:func:`kg.fast.validate.validate`) and reasoning (:func:`kg.fast.reason.reason`
and :func:`kg.current.add_current`) run in the store; :meth:`FastEngine.write` writes the
build files from it (:func:`kg.export.write_build`), the same bytes as the reference
engine's (``tests/test_build.py``).

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> files = {
...     "ontology/o.ttl": "<https://example.org/Lab> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://example.org/Unit> .",
...     "data/d.ttl": "<https://example.org/tongyi> a <https://example.org/Lab> ; <https://example.org/size> [ <https://example.org/n> 7 ] .",
... }
>>> for name, text in files.items():
...     (root / name).parent.mkdir(exist_ok=True)
...     _ = (root / name).write_text(text)
>>> engine = FastEngine()
>>> dataset = engine.open(Project.at(root))
>>> len(dataset.data), len(dataset.store)
(3, 4)
>>> engine.reason(dataset).count
1
"""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Optional, Union

import pyoxigraph
from rdflib import BNode, Graph
from rdflib.term import Node

from kg.current import add_current
from kg.engines import Inferred
from kg.errors import ProjectError, display_path
from kg.export import GENID, nt_lines, ontology_names, stable_labels, write_build
from kg.fast.reason import reason as fast_reason
from kg.fast.store import (
    INFERRED,
    from_rdflib,
    merged_forms,
    record_rewritten,
    to_rdflib,
    warn_rewritten,
    written_forms,
)
from kg.fast.validate import validate as fast_validate
from kg.load import CheckedParse, FileSummary, LoadWarning, TermCheck, load_warnings, read_schema, shapes_of
from kg.project import Project
from kg.timebounds import add_day_bounds
from kg.validate import ValidationReport

__all__ = ["FastEngine", "StoreDataset"]

_DEFAULT = pyoxigraph.DefaultGraph()
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_BLANK, _NAMED, _LITERAL = pyoxigraph.BlankNode, pyoxigraph.NamedNode, pyoxigraph.Literal


class _DataView:
    """The data of a :class:`StoreDataset` as much like an rdflib graph as the reports need."""

    def __init__(self, dataset: "StoreDataset"):
        self._dataset = dataset

    def __len__(self) -> int:
        return self._dataset.data_count

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        """The objects of ``subject`` and ``predicate`` in the data (not the ontology), as written."""
        dataset, written = self._dataset, self._dataset.written
        term = from_rdflib(subject)
        if isinstance(term, _LITERAL):  # a literal focus node (sh:targetNode "04") has no triples
            return
        for quad in dataset.store.quads_for_pattern(term, from_rdflib(predicate), None, _DEFAULT):
            if dataset.is_data(quad.triple):
                yield to_rdflib(quad.object, written=written)


@dataclass(eq=False)
class StoreDataset:
    """A project opened by :meth:`FastEngine.open`.

    :ivar store: the ontology and the data in its default graph (what the shapes and the
        rules read); reasoning adds the graph :data:`kg.fast.store.INFERRED`.
    :ivar ontology: the ontology, as an rdflib graph (it is small).
    :ivar shapes: the shapes, as an rdflib graph, or ``None``.
    :ivar data_count: the number of distinct data triples.
    """

    project: Project
    store: pyoxigraph.Store
    ontology: Graph
    shapes: Optional[Graph]
    warnings: tuple[str, ...]
    data_count: int
    #: the ontology's triples as the store holds them, and those the data states too
    ontology_triples: frozenset = frozenset()
    overlap: frozenset = frozenset()
    #: the subjects of each data file (pyoxigraph terms), for files_of
    subjects: list = field(default_factory=list)
    _written: Optional[dict] = None
    _objects: Optional[list] = None

    @property
    def data(self) -> _DataView:
        """The data triples (``len``, ``objects``), as the reports read them."""
        return _DataView(self)

    @property
    def written(self) -> dict:
        """:func:`kg.fast.store.written_forms` of the store (read once)."""
        if self._written is None:
            self._written = written_forms(self.store)
        return self._written

    def is_data(self, triple: pyoxigraph.Triple) -> bool:
        """Whether ``triple`` (of the default graph) was stated by a data file."""
        return triple not in self.ontology_triples or triple in self.overlap

    def files_of(self, node: Node) -> list[Path]:
        """The data files that describe ``node`` (have it as a subject), sorted; when none
        does, those that mention it as an object (see :func:`kg.load.files_of`)."""
        term = from_rdflib(node)
        found = sorted(path for path, subjects in self.subjects if term in subjects)
        if found or isinstance(term, _LITERAL):
            return found
        if self._objects is None:  # rarely asked: a second reading of the files, once
            self._objects = [(path, {quad.object for quad in _renamed(path, index, _read(path), None)})
                             for index, (path, _) in enumerate(self.subjects)]
        return sorted(path for path, objects in self._objects if term in objects)


class FastEngine:
    """The fast :class:`~kg.engines.Engine`; see the module's documentation."""

    name = "fast"

    def open(self, project: Project, *, require_shapes: bool = False, check_terms: bool = True) -> StoreDataset:
        """Load ``project`` into a new in-memory store; see the module's documentation.

        :raises RDFSyntaxError: a file is not valid Turtle, or has an ill-formed literal.
        :raises UnknownTermError: a file uses a term of an ontology's namespace it does not define.
        :raises ProjectError: what :func:`kg.load.load_project` raises it for.
        """
        schema = read_schema(project, require_shapes=require_shapes, check_terms=check_terms)
        check = TermCheck(schema.ontology) if check_terms else None
        store = pyoxigraph.Store()
        literals: set = set()
        summaries, subjects = [], []
        for index, path in enumerate(Path(p).resolve() for p in project.data_files):
            parse = CheckedParse(path, _read(path))
            unknown: dict = {}
            file_subjects: set = set()
            count = [0]
            store.bulk_extend(_noting(_renamed(path, index, parse, check, unknown), literals, file_subjects, count))
            if check is not None and unknown:  # only a check notes unknown terms
                raise check.error(path, parse.prefixes, unknown)
            summaries.append(FileSummary(path, "data", count[0], parse.prefixes))
            subjects.append((path, file_subjects))
        data_count = len(store)
        # The ontology, as the store holds it (a scratch store says), and what of it the data states too.
        ontology = [pyoxigraph.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in schema.ontology]
        scratch = pyoxigraph.Store()
        scratch.extend(ontology)
        ontology_triples = frozenset(quad.triple for quad in scratch)
        overlap = frozenset(t for t in ontology_triples if pyoxigraph.Quad(t.subject, t.predicate, t.object) in store)
        store.bulk_extend(ontology)
        literals.update(q.object for q in ontology if isinstance(q.object, _LITERAL) and not q.object.language
                        and q.object.datatype.value != _XSD_STRING)
        warn_rewritten(record_rewritten(store, literals))
        found = load_warnings(schema.files + summaries, schema.shapes)
        for message in found:
            warnings.warn(message, LoadWarning, stacklevel=2)
        return StoreDataset(project=project, store=store, ontology=schema.ontology, shapes=schema.shapes,
                            warnings=tuple(found), data_count=data_count, ontology_triples=ontology_triples,
                            overlap=overlap, subjects=subjects)

    def validate(self, dataset: StoreDataset) -> ValidationReport:
        shapes = shapes_of(dataset.project, dataset.shapes)
        if merged_forms(dataset.store):  # the store made several written literals one: the files say which was where
            from kg.load import load_project

            with warnings.catch_warnings():  # said once, when the project was opened
                warnings.simplefilter("ignore", LoadWarning)
                graphs = load_project(dataset.project)
            return fast_validate(dataset.store, shapes_graph=shapes, data_graph=graphs.data,
                                 ontology_graph=graphs.ontology)
        return fast_validate(dataset.store, shapes_graph=shapes)

    def reason(self, dataset: StoreDataset) -> Inferred:
        reasoned = fast_reason(dataset.store)
        added = add_current(dataset.store, into=INFERRED)  # the untimed ORG shortcuts of the latest state
        # The plain days of every date (kg.timebounds), from the asserted data, as the shapes saw them.
        added += len(add_day_bounds(dataset.store, into=INFERRED))
        return Inferred(int(reasoned) + added, warnings=reasoned.warnings)

    def query_target(self, dataset: StoreDataset, *, inferred: bool = False) -> pyoxigraph.Store:
        if inferred:  # into the default graph, which is what a query reads
            fast_reason(dataset.store, into=_DEFAULT)
            add_current(dataset.store, into=_DEFAULT)
        add_day_bounds(dataset.store)  # the derived days every as-of query reads (kg.timebounds)
        return dataset.store

    def write(self, dataset: StoreDataset, inferred: Inferred, out_dir: Union[str, os.PathLike], *,
              inputs: Optional[Mapping[str, str]] = None) -> dict[str, int]:
        """Write the build files from the store: the data's triples and the inferred graph,
        literals as written, blank nodes named as :func:`kg.export.export` names them."""
        return write_build(out_dir, store_lines(dataset), inputs=inputs)


def store_lines(dataset: StoreDataset) -> dict[str, Iterator[bytes]]:
    """The ontology, asserted and inferred triples of ``dataset`` as a build writes them, as
    N-Triples lines (see :func:`kg.export.write_build`): literals as written, blank nodes
    renamed (the ontology's under stable names, the data's as skolem IRIs; see
    :mod:`kg.export`).

    Each graph's lines are made as they are read, one graph at a time, in that order (the
    inferred lines need the names given to the asserted blank nodes): only the graph being
    written is held. The store writes each graph as N-Triples itself, to a temporary file
    read line by line; a line is only split into its terms (at the first two spaces: no IRI
    or blank node label has one) when it may need it: when it has a blank node (``_:``) or
    ends in a datatype of a literal the store holds otherwise than written.
    """
    store = dataset.store
    ontology_rename: dict[Node, Node] = {b: name for b, name in ontology_names(dataset.ontology).items()}
    ontology = nt_lines(pyoxigraph.Triple(*(from_rdflib(ontology_rename.get(t, t)) for t in triple))
                        for triple in dataset.ontology)
    # What the store holds otherwise than written, as N-Triples text: the written form
    # (its stored form, when several written forms became one, left to the files).
    written = {_nt(stored): _nt(from_rdflib(literal)) for stored, literal in dataset.written.items()}
    merged = {_nt(stored) for stored in merged_forms(store)}
    skip = {line for line in nt_lines(dataset.ontology_triples)} - set(nt_lines(dataset.overlap))
    # The ends of the lines whose object may be one of those (a datatype's); None: any line.
    rewritten = {*written, *merged}
    ends: Optional[tuple[bytes, ...]] = None if any(b'"^^<' not in term for term in rewritten) else tuple(
        {term[term.rindex(b'"^^<') + 3:] + b" .\n" for term in rewritten})
    rename: dict[bytes, bytes] = {}
    named: list[bool] = []  # once the asserted lines are read: the names in rename are given

    def asserted() -> Iterator[bytes]:
        blank = []
        for line in _lines(store, _DEFAULT):
            if line in skip:
                continue
            if ends is not None and not line.endswith(ends) and b"_:" not in line:
                yield line  # most lines: as the store writes them
                continue
            s, p, o = line.split(b" ", 2)
            o = o[:-3]
            if o in merged:
                continue
            value = written.get(o)
            if value is not None:
                o = value
            if s[:2] == b"_:" or o[:2] == b"_:":
                blank.append((s, p, o))
            else:
                yield line if value is None else b"%s %s %s .\n" % (s, p, o)
        if merged:  # the store made several written literals one value: the files say which was where
            for line in nt_lines(_merged_as_written(dataset, merged)):
                s, p, o = line.split(b" ", 2)
                if s[:2] == b"_:" or o[:2] == b"_:":
                    blank.append((s, p, o[:-3]))
                else:
                    yield line
        rename.update(_blank_names(blank))
        rename.update((b"_:" + str(b).encode(), b"_:" + str(name).encode()) for b, name in ontology_rename.items())
        named.append(True)
        for s, p, o in blank:
            yield b"%s %s %s .\n" % (rename.get(s, s), p, rename.get(o, o))

    def inferred() -> Iterator[bytes]:
        assert named, "store_lines: the inferred lines are read after the asserted ones (they name the blank nodes)"
        for line in _lines(store, INFERRED):
            if ends is not None and not line.endswith(ends) and b"_:" not in line:
                yield line
                continue
            s, p, o = line.split(b" ", 2)
            o = o[:-3]
            value = written.get(o)
            if value is not None or s[:2] == b"_:" or o[:2] == b"_:":
                line = b"%s %s %s .\n" % (rename.get(s, s), p, rename.get(o, o) if value is None else value)
            yield line

    return {"ontology": iter(ontology), "asserted": asserted(), "inferred": inferred()}


def _blank_names(blank: list[tuple[bytes, bytes, bytes]]) -> dict[bytes, bytes]:
    """Skolem IRIs for the data's blank nodes (``_:label``) in the N-Triples terms
    ``blank``, named from the triples around them as :func:`kg.export.skolem_iris`
    names them (from their rdflib text: a literal's ``n3()`` differs from N-Triples)."""
    n3 = _literals_n3({term for _, _, term in blank if term[:1] == b'"'})
    nodes: dict[bytes, BNode] = {}

    def text(term: bytes):
        if term[:2] == b"_:":
            found = nodes.get(term)
            if found is None:
                found = nodes[term] = BNode(term[2:].decode())
            return found
        return n3[term] if term[:1] == b'"' else term.decode()

    around: dict = {}
    for s, p, o in blank:
        predicate = p.decode()  # an IRI
        if s[:2] == b"_:":
            around.setdefault(text(s), ([], []))[0].append((predicate, text(o)))
        if o[:2] == b"_:":
            around.setdefault(text(o), ([], []))[1].append((text(s), predicate))
    return {b"_:" + str(b).encode(): f"<{GENID}{name}>".encode() for b, name in stable_labels(around).items()}


def _lines(store: pyoxigraph.Store, graph) -> Iterator[bytes]:
    """The N-Triples lines of ``graph`` in ``store``, read from a temporary file the store
    writes them to (not one text of them all, beside the lines)."""
    with tempfile.TemporaryFile() as file:
        store.dump(file, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph)
        file.seek(0)
        yield from file


def _nt(term) -> bytes:
    """The N-Triples text of an Oxigraph term."""
    return str(term).encode()


def _literals_n3(literals: set[bytes]) -> dict[bytes, str]:
    """rdflib's ``n3()`` of each literal written (in N-Triples) in ``literals``, read in one parse."""
    ordered = sorted(literals)
    document = b"".join(b"<urn:s> <urn:p> %s .\n" % text for text in ordered)
    quads = pyoxigraph.parse(document, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return {text: to_rdflib(quad.object).n3() for text, quad in zip(ordered, quads)}


def _merged_as_written(dataset: StoreDataset, merged: set) -> Iterator[pyoxigraph.Triple]:
    """The data triples whose object the store holds as one of ``merged`` (a value several
    written literals became, :func:`kg.fast.store.merged_forms`), as the files write them:
    the files are read again (rare: only then), their blank nodes named as the first time."""
    forms = {from_rdflib(form) for forms in merged_forms(dataset.store).values() for form in forms}
    for index, (path, _) in enumerate(dataset.subjects):
        for quad in _renamed(path, index, _read(path), None):
            if quad.object in forms:
                yield quad.triple


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ProjectError(f"{display_path(path)}: cannot read ({error.strerror or error})") from None


def _renamed(path: Path, index: int, quads, check: Optional[TermCheck], unknown: Optional[dict] = None
             ) -> Iterator[pyoxigraph.Quad]:
    """The quads of the data file ``path`` (the ``index``-th), its blank nodes named apart
    from other files' (``f<index>b<n>``, in the order first met, so that a second reading
    names them alike), and its IRIs checked against ``check``'s (noted in ``unknown``)."""
    if isinstance(quads, bytes):
        quads = CheckedParse(path, quads)
    names: dict[str, pyoxigraph.BlankNode] = {}
    prefix = f"f{index}b"
    starts = check.starts if check is not None else None
    checked: set[str] = set()  # the ontologies' own terms met so far (few: classes, properties)
    for quad in quads:
        s, p, o = quad.subject, quad.predicate, quad.object
        changed = False
        if isinstance(s, _BLANK):
            s = names.get(s.value) or names.setdefault(s.value, _BLANK(f"{prefix}{len(names)}"))
            changed = True
        if isinstance(o, _BLANK):
            o = names.get(o.value) or names.setdefault(o.value, _BLANK(f"{prefix}{len(names)}"))
            changed = True
        if starts is not None:
            for term in (s, p, o):
                if isinstance(term, _NAMED):
                    text = term.value
                    if text.startswith(starts) and text not in checked:
                        checked.add(text)
                        assert check is not None and unknown is not None  # starts is check's; open passes both
                        check.note(text, to_rdflib(s), unknown)
        yield pyoxigraph.Quad(s, p, o) if changed else quad


def _noting(quads: Iterator[pyoxigraph.Quad], literals: set, subjects: set, count: list) -> Iterator[pyoxigraph.Quad]:
    """``quads``, noting their typed literals (for :func:`record_rewritten`), their subjects
    and their number (``count[0]``)."""
    add_subject, add_literal = subjects.add, literals.add
    for quad in quads:
        count[0] += 1
        add_subject(quad.subject)
        value = quad.object
        if isinstance(value, _LITERAL) and not value.language and value.datatype.value != _XSD_STRING:
            add_literal(value)
        yield quad
