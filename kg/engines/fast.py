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
engine's (``tests/test_build.py``). Where the store holds one literal for several the
files write differently (``"128"^^xsd:int`` and ``"0128"^^xsd:int``:
:func:`kg.fast.store.merged_forms`; rare), no query of it tells them apart: the data count
is then the files' (:attr:`StoreDataset.data_count`), the shapes that may see them go to
pySHACL, and :meth:`FastEngine.reason` and :meth:`FastEngine.write` hand the build to the
reference engine (owlrl on the files as written), with a warning saying why.

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
from kg.engines.reference import ReferenceEngine
from kg.errors import ProjectError, display_path
from kg.export import GENID, nt_lines, ontology_names, stable_labels, write_build
from kg.fast.reason import collection_paused
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
from kg.load import (
    CheckedParse,
    FileSummary,
    LoadWarning,
    ProjectGraphs,
    TermCheck,
    load_project,
    load_warnings,
    read_schema,
    shapes_of,
)
from kg.project import Project
from kg.timebounds import store_day_bounds
from kg.validate import ValidationReport

__all__ = ["FastEngine", "StoreDataset"]

_DEFAULT = pyoxigraph.DefaultGraph()
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_STRING = pyoxigraph.NamedNode(_XSD_STRING)
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
    :ivar data_count: the number of distinct data triples, as the files write them (the
        store's, plus the triples it holds as one: see :func:`kg.fast.store.merged_forms`).
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
    #: the data files, in the order read (the ``index`` of :func:`_renamed`)
    files: list = field(default_factory=list)
    #: :func:`kg.timebounds.store_day_bounds` of the default graph, derived once (see
    #: :meth:`FastEngine.day_bounds`); ``None`` until asked, or after the default graph changed
    day_bounds: Optional[list] = None
    _written: Optional[dict] = None
    _terms: Optional[list] = None
    _graphs: Optional[ProjectGraphs] = None

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

    def as_written(self) -> ProjectGraphs:
        """The project as :func:`kg.load.load_project` reads it (rdflib graphs, every literal
        as written), read once, for what the store cannot answer: where it holds one literal
        for several written differently (:func:`kg.fast.store.merged_forms`)."""
        if self._graphs is None:
            with warnings.catch_warnings():  # said once, when the project was opened
                warnings.simplefilter("ignore", LoadWarning)
                self._graphs = load_project(self.project)
        return self._graphs

    def is_data(self, triple: pyoxigraph.Triple) -> bool:
        """Whether ``triple`` (of the default graph) was stated by a data file."""
        return triple not in self.ontology_triples or triple in self.overlap

    def files_of(self, node: Node) -> list[Path]:
        """The data files that describe ``node`` (have it as a subject), sorted; when none
        does, those that mention it as an object (see :func:`kg.load.files_of`)."""
        term = from_rdflib(node)
        if self._terms is None:  # asked of a report only: a second reading of the files, once
            self._terms = []
            for index, path in enumerate(self.files):
                subjects, objects = set(), set()
                for quad in _renamed(path, index, _read(path)):
                    subjects.add(quad.subject)
                    objects.add(quad.object)
                self._terms.append((path, subjects, objects - subjects))
        found = sorted(path for path, subjects, _ in self._terms if term in subjects)
        if found or isinstance(term, _LITERAL):
            return found
        return sorted(path for path, subjects, objects in self._terms if term in objects)


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
        summaries, files = [], []
        for index, path in enumerate(Path(p).resolve() for p in project.data_files):
            parse = CheckedParse(path, _read(path))
            unknown: dict = {}
            found_literals: set = set()
            count: list = []
            store.bulk_extend(_renamed(path, index, parse.quads(), check, unknown, found_literals, count))
            # Each distinct literal once; typed ones only (strings are never rewritten, nor ill-formed).
            typed = {value for value in found_literals if value.language is None and value.datatype != _STRING}
            parse.check(typed)
            if check is not None and unknown:  # only a check notes unknown terms
                raise check.error(path, parse.prefixes, unknown)
            summaries.append(FileSummary(path, "data", count[0], parse.prefixes))
            files.append(path)
            literals |= typed
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
        merged = merged_forms(store)
        if merged:  # the store holds one triple for several the files write: those count as written
            stored = {quad.triple for value in merged for quad in store.quads_for_pattern(None, None, value, _DEFAULT)}
            as_written = set(_written_with(files, merged))
            data_count += len(as_written) - sum(1 for t in stored if t not in ontology_triples or t in overlap)
        found = load_warnings(schema.files + summaries, schema.shapes)
        for message in found:
            warnings.warn(message, LoadWarning, stacklevel=2)
        return StoreDataset(project=project, store=store, ontology=schema.ontology, shapes=schema.shapes,
                            warnings=tuple(found), data_count=data_count, ontology_triples=ontology_triples,
                            overlap=overlap, files=files)

    def validate(self, dataset: StoreDataset) -> ValidationReport:
        shapes = shapes_of(dataset.project, dataset.shapes)
        if merged_forms(dataset.store):  # the store made several written literals one: the files say which was where
            graphs = dataset.as_written()
            return fast_validate(dataset.store, shapes_graph=shapes, data_graph=graphs.data,
                                 ontology_graph=graphs.ontology, day_bounds=self.day_bounds(dataset))
        return fast_validate(dataset.store, shapes_graph=shapes, day_bounds=self.day_bounds(dataset))

    def day_bounds(self, dataset: StoreDataset) -> list[pyoxigraph.Triple]:
        """The plain days of every date of the default graph (:func:`kg.timebounds.store_day_bounds`),
        derived on first need and kept: validation adds them to the default graph while the
        shapes run, reasoning writes them to the inferred graph, a query target holds them.
        Both start from the asserted data, as the reference engine's bounds do."""
        if dataset.day_bounds is None:
            with collection_paused():
                dataset.day_bounds = store_day_bounds(dataset.store)
        return dataset.day_bounds

    def reason(self, dataset: StoreDataset) -> Inferred:
        merged = merged_forms(dataset.store)
        if merged:  # rare: owlrl on the files as written (the reference engine), and write() writes its build
            inferred = ReferenceEngine().reason(dataset.as_written())
            held = ", ".join(to_rdflib(value).n3() for value in sorted(merged, key=str))
            return Inferred(inferred.count, graph=inferred.graph, warnings=(
                f"Oxigraph holds {held} for literals written differently (it keeps values, and the rules would "
                "take them as one): the whole graph was reasoned with owlrl on the files as written "
                "(the reference engine), and the build written from those graphs",))
        bounds = self.day_bounds(dataset)  # before the rules run: they never see the bounds
        with collection_paused():
            reasoned = fast_reason(dataset.store)
            added = add_current(dataset.store, into=INFERRED)  # the untimed ORG shortcuts of the latest state
            # The plain days of every date (kg.timebounds), from the asserted data, as the shapes saw them.
            dataset.store.bulk_extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, INFERRED) for t in bounds)
        return Inferred(int(reasoned) + added + len(bounds), warnings=reasoned.warnings)

    def query_target(self, dataset: StoreDataset, *, inferred: bool = False) -> pyoxigraph.Store:
        bounds = self.day_bounds(dataset)  # from the asserted data, as the reference engine's
        with collection_paused():
            if inferred:  # into the default graph, which is what a query reads
                fast_reason(dataset.store, into=_DEFAULT)
                add_current(dataset.store, into=_DEFAULT)
            # The derived days every as-of query reads (kg.timebounds).
            dataset.store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in bounds)
        dataset.day_bounds = None  # the default graph changed: derived again if asked
        return dataset.store

    def write(self, dataset: StoreDataset, inferred: Inferred, out_dir: Union[str, os.PathLike], *,
              inputs: Optional[Mapping[str, str]] = None) -> dict[str, int]:
        """Write the build files from the store: the data's triples and the inferred graph,
        literals as written, blank nodes named as :func:`kg.export.export` names them (or,
        when :meth:`reason` handed the graph to the reference engine, that engine's build)."""
        if inferred.graph is not None:
            return ReferenceEngine().write(dataset.as_written(), inferred, out_dir, inputs=inputs)
        with collection_paused():  # millions of lines and nodes made, few cycles (as in reason)
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

    A store that holds one literal for several written differently
    (:func:`kg.fast.store.merged_forms`) cannot say which was where: :meth:`FastEngine.write`
    writes such a build with the reference engine, from the files, and this refuses it.

    :raises ValueError: the store holds such a literal.
    """
    store = dataset.store
    if merged_forms(store):
        raise ValueError("store_lines: the store holds one literal for several written differently; "
                         "FastEngine.write writes such a build from the files (the reference engine)")
    ontology_rename: dict[Node, Node] = {b: name for b, name in ontology_names(dataset.ontology).items()}
    ontology = nt_lines(pyoxigraph.Triple(*(from_rdflib(ontology_rename.get(t, t)) for t in triple))
                        for triple in dataset.ontology)
    # What the store holds otherwise than written, as N-Triples text: the written form.
    written = {_nt(stored): _nt(from_rdflib(literal)) for stored, literal in dataset.written.items()}
    skip = {line for line in nt_lines(dataset.ontology_triples)} - set(nt_lines(dataset.overlap))
    # The ends of the lines whose object may be one of those (a datatype's); None: any line.
    ends: Optional[tuple[bytes, ...]] = None if any(b'"^^<' not in term for term in written) else tuple(
        {term[term.rindex(b'"^^<') + 3:] + b" .\n" for term in written})
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
            value = written.get(o)
            if value is not None:
                o = value
            if s[:2] == b"_:" or o[:2] == b"_:":
                blank.append((s, p, o))
            else:
                yield line if value is None else b"%s %s %s .\n" % (s, p, o)
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


def _written_with(files: list[Path], merged: dict) -> Iterator[pyoxigraph.Triple]:
    """The triples of the data ``files`` whose object is one of the literals ``merged``
    (:func:`kg.fast.store.merged_forms`) stands for, as written: the files are read again
    (rare: only then), their blank nodes named as the first time."""
    forms = {from_rdflib(form) for forms in merged.values() for form in forms}
    for index, path in enumerate(files):
        for quad in _renamed(path, index, _read(path)):
            if quad.object in forms:
                yield quad.triple


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ProjectError(f"{display_path(path)}: cannot read ({error.strerror or error})") from None


def _renamed(path: Path, index: int, quads, check: Optional[TermCheck] = None, unknown: Optional[dict] = None,
             literals: Optional[set] = None, count: Optional[list] = None) -> Iterator[pyoxigraph.Quad]:
    """The quads of the data file ``path`` (the ``index``-th), its blank nodes named apart
    from other files' (``f<index>b<n>``, in the order first met, so that a second reading
    names them alike), its IRIs checked against ``check``'s (noted in ``unknown``), its
    literals added to ``literals`` and its quads counted (``count`` gets the number, once
    all are given).

    ``quads`` are a :class:`~kg.load.CheckedParse`'s (its :meth:`~kg.load.CheckedParse.quads`:
    the caller checks the literals gathered), or the file's bytes, read again (checked
    then). One loop over each quad, each of its terms asked for once (Oxigraph makes a new
    Python object at each asking): at 1M triples this is most of the load's Python time.
    """
    if isinstance(quads, bytes):
        quads = CheckedParse(path, quads)
    names: dict[str, pyoxigraph.BlankNode] = {}
    prefix = f"f{index}b"
    starts = check.starts if check is not None else None
    checked: set = set()  # the ontologies' own terms met so far (few: classes, properties)
    predicates: set = set()  # the predicates met so far (few)

    def note(text: str, subject) -> None:
        checked.add(text)
        if check is not None:
            check.note(text, to_rdflib(subject), unknown if unknown is not None else {})

    add_literal = literals.add if literals is not None else None
    last = None  # the last subject checked: a file gives a subject's triples together
    number = 0
    for number, quad in enumerate(quads, 1):  # noqa: B007 (number is read after the loop)
        s, o = quad.subject, quad.object
        kind, changed = type(o), False
        if kind is _LITERAL:
            if add_literal is not None:
                add_literal(o)
        elif kind is _BLANK:
            o = names.get(o.value) or names.setdefault(o.value, _BLANK(f"{prefix}{len(names)}"))
            changed = True
        if type(s) is _BLANK:
            s = names.get(s.value) or names.setdefault(s.value, _BLANK(f"{prefix}{len(names)}"))
            changed = True
        if starts is not None:
            if s != last:
                last = s
                if type(s) is _NAMED and (text := s.value).startswith(starts) and text not in checked:
                    note(text, s)
            p = quad.predicate
            if p not in predicates:
                predicates.add(p)
                if (text := p.value).startswith(starts) and text not in checked:
                    note(text, s)
            if kind is _NAMED and (text := o.value).startswith(starts) and text not in checked:
                note(text, s)
            yield pyoxigraph.Quad(s, p, o) if changed else quad
        else:
            yield pyoxigraph.Quad(s, quad.predicate, o) if changed else quad
    if count is not None:
        count.append(number)
