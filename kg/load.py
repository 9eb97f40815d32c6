"""Reading Turtle files into graphs, remembering which file each node came from.

Each file is parsed once, by Oxigraph's strict Turtle parser, which reports the exact
line of any error; its triples become rdflib terms with every literal as written
(rdflib's own parser would normalise them). A syntax error anywhere raises
:class:`~kg.errors.RDFSyntaxError` with the file and the 1-based line, and a literal
outside the lexical space of its XSD datatype (``"2026-13"^^xsd:gYearMonth``) raises
:class:`~kg.errors.IllFormedLiteralError`, a kind of it, naming each such literal.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "acme.ttl").write_text('''@prefix ex: <https://example.org/> .
... ex:acme ex:name "Acme" .''')
>>> len(load_graph([folder / "acme.ttl"]))
1
>>> _ = (folder / "bad.ttl").write_text('''@prefix ex: <https://example.org/> .
... ex:acme ex:name "Acme"
... ex:beta ex:name "Beta" .''')
>>> try:
...     load_graph([folder / "bad.ttl"])
... except RDFSyntaxError as error:
...     print(error.line, error.message)
3 A dot is expected at the end of statements (column 1)
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union, cast
from urllib.parse import unquote, urlparse

import elementpath.datatypes
import pyoxigraph
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import IllFormedLiteralError, ProjectError, RDFSyntaxError, UnknownTermError, display_path
from kg.project import CORE_ONTOLOGY, Extension, Project
from kg.vocab import OWL, PREFIXES, RDF, RKG, bind_prefixes

__all__ = [
    "CheckedParse",
    "FileSummary",
    "LoadWarning",
    "ProjectGraphs",
    "Schema",
    "TermCheck",
    "check_literals",
    "files_of",
    "literal_problem",
    "load_dataset",
    "load_graph",
    "load_project",
    "load_warnings",
    "parse",
    "read_schema",
    "shapes_of",
]

PathLike = Union[str, os.PathLike]
_OXIGRAPH_POSITION = re.compile(r"^Parser error (?:at|between) .*?: ")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD_NS + "string"
#: The XSD 1.1 atomic datatypes (RDF 1.1 uses XSD 1.1), by local name, as elementpath's classes
#: (typed there as instances of their metaclass, which mypy cannot call with a lexical form).
_XSD_TYPES: dict[str, type[Any]] = {
    key[len("{http://www.w3.org/2001/XMLSchema}"):]: cast("type[Any]", cls)
    for key, cls in elementpath.datatypes.builtin_atomic_types.items()
    if key.startswith("{http://www.w3.org/2001/XMLSchema}")
}
#: XSD names that are not datatypes of RDF literals (RDF 1.1 Concepts, section 5.1).
_NOT_FOR_LITERALS = {"anyAtomicType", "anySimpleType", "error", "untypedAtomic", "QName", "NOTATION", "ENTITY", "ID", "IDREF"}


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ProjectError(f"{display_path(path)}: cannot read ({error.strerror or error})") from error


@functools.lru_cache(maxsize=65536)
def literal_problem(lexical: str, datatype: str) -> Optional[str]:
    """Why ``lexical`` is not a literal of the XSD ``datatype`` (an IRI), or ``None`` when it is.

    Datatypes outside the XSD namespace are not checked. Within it, elementpath's XSD 1.1
    types parse the form, with the value's range (``xsd:byte``) and calendar
    (``2026-02-30``); rdflib's ``Literal.ill_typed`` has no check for the ``g*`` types
    (``"2026-13"^^xsd:gYearMonth`` passes it) and accepts ``"inf"`` for a double.
    An unknown name in the XSD namespace (a typo) is a problem too.

    >>> literal_problem("2026-13", XSD_NS + "gYearMonth")
    'not a valid xsd:gYearMonth (month must be in 1..12)'
    >>> literal_problem("2026-03-16Z", XSD_NS + "date") is None
    True
    >>> literal_problem("2026", XSD_NS + "Year")
    'xsd:Year is not an XSD datatype (did you mean xsd:gYear?)'
    """
    if not datatype.startswith(XSD_NS) or datatype == _XSD_STRING:
        return None
    name = datatype[len(XSD_NS):]
    cls = _XSD_TYPES.get(name)
    if cls is None or name in _NOT_FOR_LITERALS:
        close = difflib.get_close_matches(name, [n for n in _XSD_TYPES if n not in _NOT_FOR_LITERALS], n=3)
        hint = f" (did you mean {', '.join('xsd:' + c for c in close)}?)" if close else ""
        return f"xsd:{name} is not an XSD datatype{hint}"
    # XSD's whitespace facet belongs to XML parsing: an RDF lexical form has none around it.
    if lexical != lexical.strip() and name not in ("normalizedString", "token"):
        return f"not a valid xsd:{name} (space around the value)"
    try:
        if issubclass(cls, (elementpath.datatypes.AbstractDateTime, elementpath.datatypes.Duration)):
            cls.fromstring(lexical)
        else:
            cls(lexical)
    except (ValueError, TypeError, ArithmeticError) as error:
        reason = str(error).replace(f"for {cls!r}", "").strip() or "not in its lexical space"
        return f"not a valid xsd:{name} ({reason})"
    return None


def _literal_line(text: str, literal: pyoxigraph.Literal) -> Optional[int]:
    """The 1-based line where ``literal`` is first written in ``text`` (``"26"^^xsd:gYear``,
    ``'26'^^<...#gYear>``), or where its lexical form first appears."""
    datatype = literal.datatype.value
    local = re.split(r"[#/]", datatype)[-1]
    quoted = rf"([\"'])(?:\1\1)?{re.escape(literal.value)}\1(?:\1\1)?\s*\^\^"
    for pattern in (rf"{quoted}\s*(?:<{re.escape(datatype)}>|[\w.-]*:{re.escape(local)}(?![\w-]))", quoted,
                    re.escape(literal.value)):
        found = re.search(pattern, text)
        if found:
            return text.count("\n", 0, found.start()) + 1
    return None


def from_oxigraph(term, bnodes: Optional[dict] = None, *, plain_strings: bool = True) -> Node:
    """An Oxigraph term as an rdflib term, a literal's lexical form and datatype as written
    (``xsd:string`` literals become plain literals, unless ``plain_strings`` is false:
    then they keep the datatype, as the JSON-LD writer wants them).

    rdflib's own parser normalises literals (``"2026-03-16Z"^^xsd:date`` loses its time
    zone, ``"0"^^xsd:boolean`` becomes ``false``); ``normalize=False`` keeps what was written.

    :param bnodes: blank node labels already seen, each mapped to a new rdflib blank node
        (for a parsed file, whose labels are its own); without it a blank node keeps its label.
    """
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        if bnodes is None:
            return BNode(term.value)
        node = bnodes.get(term.value)
        if node is None:
            node = bnodes[term.value] = BNode()
        return node
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING and plain_strings:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


class CheckedParse:
    """The quads of ``data`` as Oxigraph parses them (literals as written), checked as they go.

    Iterate it once: a syntax error raises :class:`RDFSyntaxError` with its line when it is
    reached; a literal outside the lexical space of its XSD datatype is noted, and once
    every quad has been given, :class:`IllFormedLiteralError` names each such literal with
    its line. :attr:`prefixes` holds the prefixes ``data`` declares. What the quads are put
    into (a list, a store) is the caller's: only one quad at a time is held here.

    A caller that looks at every object anyway (:meth:`kg.engines.fast.FastEngine.open`)
    may iterate :meth:`quads` instead (the syntax checked, not the literals), gather the
    distinct literals, and give them to :meth:`check` at the end: the same errors, each
    distinct literal checked once.

    >>> quads = CheckedParse(Path("x.ttl"), b'<urn:a> <urn:b> "7"^^<http://www.w3.org/2001/XMLSchema#int> .')
    >>> [str(q.object) for q in quads]
    ['"7"^^<http://www.w3.org/2001/XMLSchema#int>']
    >>> parse = CheckedParse(Path("x.ttl"), b'<urn:a> <urn:b> "2026-13"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .')
    >>> literals = {quad.object for quad in parse.quads()}
    >>> parse.check(literals)
    Traceback (most recent call last):
    ...
    kg.errors.IllFormedLiteralError: x.ttl:1: ill-formed literal "2026-13"^^xsd:gYearMonth: not a valid xsd:gYearMonth (month must be in 1..12)
    """

    def __init__(self, path: Path, data: bytes, *, rdf_format: pyoxigraph.RdfFormat = pyoxigraph.RdfFormat.TURTLE):
        self.path, self.data, self.rdf_format = path, data, rdf_format
        self._parser = pyoxigraph.parse(data, format=rdf_format, base_iri=path.absolute().as_uri())
        self.prefixes: dict[str, str] = {}

    def __iter__(self):
        problems = []
        for quad in self.quads():
            value = quad.object
            if isinstance(value, pyoxigraph.Literal) and not value.language:
                problem = literal_problem(value.value, value.datatype.value)
                if problem is not None:
                    problems.append((value, problem))
            yield quad
        if problems:
            raise _ill_formed(self.path, self.data, problems)

    def quads(self):
        """The quads, the syntax checked (:class:`RDFSyntaxError`), the literals not (see :meth:`check`)."""
        try:
            yield from self._parser
        except SyntaxError as error:
            message = _OXIGRAPH_POSITION.sub("", str(error.msg))
            if error.offset:
                message = f"{message} (column {error.offset})"
            raise RDFSyntaxError(self.path, error.lineno, message) from error
        self.prefixes = dict(self._parser.prefixes)

    def check(self, literals: Iterable) -> None:
        """Raise :class:`IllFormedLiteralError` (as iterating does) when one of ``literals``
        (the distinct objects :meth:`quads` gave, or any of them: other terms are skipped)
        is outside the lexical space of its XSD datatype."""
        bad = {value for value in literals if isinstance(value, pyoxigraph.Literal) and not value.language
               and literal_problem(value.value, value.datatype.value) is not None}
        if bad:  # how often each is written: the file again (only then)
            problems = [(quad.object, problem) for quad in pyoxigraph.parse(self.data, format=self.rdf_format,
                                                                            base_iri=self.path.absolute().as_uri())
                        if quad.object in bad and (problem := literal_problem(quad.object.value,
                                                                              quad.object.datatype.value))]
            raise _ill_formed(self.path, self.data, problems)


def _ill_formed(path: Path, data: bytes, problems: list) -> IllFormedLiteralError:
    text = data.decode("utf-8")
    times: dict = {}
    for value, problem in problems:
        times[(value, problem)] = times.get((value, problem), 0) + 1
    found = sorted(
        ((_literal_line(text, value), f"ill-formed literal {_shown(value)}: {problem}"
          + (f" (written {count} times; the first is shown)" if count > 1 else ""))
         for (value, problem), count in times.items()),
        key=lambda item: (item[0] is None, item[0] or 0),
    )
    return IllFormedLiteralError(path, found)


def check_literals(
    path: Path,
    data: bytes,
    *,
    rdf_format: pyoxigraph.RdfFormat = pyoxigraph.RdfFormat.TURTLE,
    keep: Optional[Callable] = None,
) -> tuple[list, dict[str, str]]:
    """What ``keep`` makes of each triple of ``data`` (the Oxigraph quad, as written, by
    default; ``None`` results are dropped), and the prefixes ``data`` declares.

    One strict parse by Oxigraph (:class:`CheckedParse`): a syntax error raises
    :class:`RDFSyntaxError` with its line; a literal outside the lexical space of its XSD
    datatype raises :class:`IllFormedLiteralError` naming each such literal with its line.
    ``keep`` runs as the file is read, so that only what it keeps is held (not every quad as well).
    """
    parse = CheckedParse(path, data, rdf_format=rdf_format)
    kept = []
    for quad in parse:
        item = quad if keep is None else keep(quad)
        if item is not None:
            kept.append(item)
    return kept, parse.prefixes


def _shown(literal) -> str:
    datatype = literal.datatype.value
    name = f"xsd:{datatype[len(XSD_NS):]}" if datatype.startswith(XSD_NS) else f"<{datatype}>"
    return f"{pyoxigraph.Literal(literal.value)}^^{name}"


@dataclass(frozen=True, eq=False)
class _File:
    """One file as read: its triples (rdflib terms) and the prefixes it declares."""

    path: Path
    triples: list
    prefixes: dict[str, str]


def _read_file(path: Path) -> _File:
    bnodes: dict[str, BNode] = {}
    triples, prefixes = check_literals(path, _read(path), keep=lambda q: (
        from_oxigraph(q.subject, bnodes), from_oxigraph(q.predicate, bnodes), from_oxigraph(q.object, bnodes)))
    return _File(path, triples, prefixes)


def _add(file: _File, target: Graph) -> Graph:
    for prefix, namespace in file.prefixes.items():
        target.bind(prefix, namespace, override=False)
    target.addN((s, p, o, target) for s, p, o in file.triples)
    return target


def parse(path: PathLike, *, graph: Optional[Graph] = None) -> Graph:
    """Read the Turtle file ``path`` into ``graph`` (a new graph by default) and return it.

    Literals keep their lexical form and datatype exactly as written (no rdflib
    normalisation). Nothing is added to ``graph`` unless the whole file is good.

    :raises RDFSyntaxError: the file is not valid Turtle; the error has the 1-based line.
    :raises IllFormedLiteralError: a literal is not in the lexical space of its XSD datatype.
    :raises ProjectError: the file cannot be read.
    """
    return _add(_read_file(Path(path)), graph if graph is not None else bind_prefixes(Graph()))


def _graph_of(files: Iterable[_File]) -> Graph:
    graph = bind_prefixes(Graph())
    for file in files:
        _add(file, graph)
    return graph


def _dataset_of(files: Iterable[_File]) -> Dataset:
    dataset = Dataset()
    bind_prefixes(dataset)
    for file in files:
        _add(file, dataset.graph(URIRef(file.path.as_uri())))
    return dataset


def load_graph(paths: Iterable[PathLike]) -> Graph:
    """One graph holding the triples of every file in ``paths``."""
    return _graph_of(_read_file(Path(path)) for path in paths)


def load_dataset(paths: Iterable[PathLike]) -> Dataset:
    """A dataset with one named graph per file, named by the file's ``file:`` IRI.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "acme.ttl"
    >>> _ = path.write_text('<https://example.org/acme> <https://example.org/name> "Acme" .')
    >>> dataset = load_dataset([path])
    >>> files_of(dataset, URIRef("https://example.org/acme")) == [path.resolve()]
    True
    """
    return _dataset_of(_read_file(Path(path).resolve()) for path in paths)


def _file_path(graph_name: Node) -> Optional[Path]:
    parts = urlparse(str(graph_name))
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


def files_of(dataset: Dataset, node: Node) -> list[Path]:
    """The files of ``dataset`` that describe ``node`` (have it as a subject), sorted.

    When no file has ``node`` as a subject, the files that mention it as an object.
    """
    graphs = [(path, graph) for graph in dataset.graphs() if (path := _file_path(graph.identifier)) is not None]
    for pattern in ((node, None, None), (None, None, node)):
        found = sorted(path for path, graph in graphs if pattern in graph)
        if found:
            return found
    return []


@dataclass(frozen=True)
class ProjectGraphs:
    """A project's graphs, as :func:`load_project` reads them.

    :ivar ontology: the ontology (``ontology/**/*.ttl`` but the shapes).
    :ivar data: the union of the data files.
    :ivar dataset: the data again, one named graph per file (see :func:`files_of`).
    :ivar shapes: the SHACL shapes (``ontology/shapes.ttl``, ``ontology/*-shapes.ttl`` and the
        extensions' shapes), or ``None`` when there are none.
    :ivar warnings: what the loader noticed that nothing else would say (an empty file, shapes
        that hold no shape, a project prefix bound to another IRI), each ``file[:line]: ...``;
        :func:`load_project` also issues each as a :class:`LoadWarning`.
    """

    project: Project
    ontology: Graph
    data: Graph
    dataset: Dataset
    shapes: Optional[Graph]
    warnings: tuple[str, ...] = ()

    def files_of(self, node: Node) -> list[Path]:
        """The data files that describe ``node``; see :func:`files_of`."""
        return files_of(self.dataset, node)


class LoadWarning(UserWarning):
    """Something in the project's files that loads but is probably not what was meant."""


def _check_imports_core(extension: Extension, ontology: Graph) -> None:
    """Raise :class:`ProjectError` unless an ontology of ``extension`` imports the core ontology."""
    core = URIRef(CORE_ONTOLOGY)
    own = load_graph(extension.ontology_files)  # parsed twice, but only the extension's few terms
    if not any((node, OWL.imports, core) in own for node in own.subjects(RDF.type, OWL.Ontology)):
        raise ProjectError(
            f"{display_path(extension.root / 'ontology')}: the extension's ontology must be an owl:Ontology "
            f"that owl:imports <{CORE_ONTOLOGY}> (see docs/extending.md)"
        )


def _line_of(path: Path, pattern: str) -> Optional[int]:
    """The 1-based line of the first match of the regular expression ``pattern`` in ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return None
    found = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _where(path: Path, line: Optional[int]) -> str:
    return f"{display_path(path)}:{line}" if line is not None else display_path(path)


def _loose(iri: str) -> str:
    """``iri`` without its scheme and its final ``#`` or ``/``: how a mistyped namespace still looks alike."""
    return re.sub(r"^https?://", "", iri).rstrip("#/")


_SHAPE_MARKS = (SH.NodeShape, SH.PropertyShape)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.property, SH.path)


@dataclass(frozen=True)
class FileSummary:
    """What the loader's warnings need of a file read: its path, role, triple count and prefixes."""

    path: Path
    role: str
    triples: int
    prefixes: dict[str, str]


def _summaries(files: list[_File], role: str) -> list[FileSummary]:
    return [FileSummary(file.path, role, len(file.triples), file.prefixes) for file in files]


def load_warnings(files: list[FileSummary], shapes_graph: Optional[Graph]) -> list[str]:
    """What :attr:`ProjectGraphs.warnings` holds (see there), for the ``files`` read and the shapes."""
    found = []
    shapes = [file for file in files if file.role == "shapes"]
    for file in files:
        if not file.triples:
            found.append(f"{display_path(file.path)}: no triples: this {file.role} file adds nothing (empty?)")
        for name, iri in sorted(file.prefixes.items()):
            expected = PREFIXES.get(name)
            if expected is None or iri == expected:
                # Another name: only an IRI that differs from a project one by its scheme or end is a slip.
                expected = next((known for known in PREFIXES.values() if iri != known and _loose(iri) == _loose(known)), None)
            if expected is not None and iri != expected:
                line = _line_of(file.path, rf"^\s*(@prefix|PREFIX)\s+{re.escape(name)}:")
                found.append(f"{_where(file.path, line)}: the prefix {name}: is bound to <{iri}>, not to the "
                                f"project's <{expected}>: its terms are not the project's")
    if shapes_graph is not None and not any(
        any(True for _ in shapes_graph.subjects(RDF.type, mark)) for mark in _SHAPE_MARKS
    ) and not any(any(True for _ in shapes_graph.subject_objects(p)) for p in _TARGETS):
        named = ", ".join(display_path(file.path) for file in shapes)
        found.append(f"{named}: no SHACL shapes (no sh:NodeShape, sh:PropertyShape or target): validation checks nothing")
    return found


_VANN_NAMESPACE = URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")


class TermCheck:
    """The terms the ontologies define in their own namespaces (``rkg:``, and each
    extension's ``vann:preferredNamespaceUri``), to refuse the others.

    This is an error, not a warning: only the ontology defines terms in its namespace, so an
    unknown one is a typo (``rkg:BuisnessUnit``), and everything that follows from it misleads:
    a class no shape targets and no query finds, a property nothing reads, or at best a
    violation of the typo guard whose focus is the ontology, far from the typo. Stopping at
    load names the file, the line, the resource and the close matches, for every command.

    >>> check = TermCheck(Graph())
    >>> unknown = {}
    >>> check.note(str(RKG) + "Lab", URIRef("https://example.org/x"), unknown)
    >>> sorted(unknown)
    ['https://w3id.org/restructuring-kg/ontology#Lab']
    """

    def __init__(self, ontology: Graph):
        self.namespaces = {str(RKG), *(str(iri) for iri in ontology.objects(None, _VANN_NAMESPACE))}
        self.defined: dict[str, set[str]] = {namespace: set() for namespace in self.namespaces}
        for term in ontology.subjects():
            if isinstance(term, URIRef):
                text = str(term)
                for namespace in self.namespaces:
                    if text.startswith(namespace):
                        self.defined[namespace].add(text[len(namespace):])
        #: the namespaces, for a quick ``str.startswith`` before :meth:`note`.
        self.starts = tuple(self.namespaces)

    def note(self, text: str, resource: Node, unknown: dict) -> None:
        """Add the IRI ``text`` (used about ``resource``) to ``unknown`` when the ontology does not define it."""
        if text in unknown:
            return
        for namespace in self.namespaces:
            local = text[len(namespace):]
            if text.startswith(namespace) and local and local not in self.defined[namespace]:
                unknown[text] = (namespace, resource)

    def error(self, path: Path, prefixes: dict[str, str], unknown: dict) -> UnknownTermError:
        """The error naming each term of ``unknown`` (from :meth:`note`) with its line in ``path``."""
        manager = bind_prefixes(Graph()).namespace_manager
        for prefix, iri in prefixes.items():
            manager.bind(prefix, iri, override=False)
        problems = []
        for term, (namespace, resource) in unknown.items():
            local = term[len(namespace):]
            names = [name for name, iri in prefixes.items() if iri == namespace]
            forms = [rf"(?<![\w.:-]){re.escape(name)}:{re.escape(local)}(?![\w-])" for name in names]
            line = _line_of(path, "|".join([*forms, re.escape(f"<{term}>")]))
            shown = f"{names[0]}:" if names else f"<{namespace}"
            close = difflib.get_close_matches(local, sorted(self.defined[namespace]), n=3, cutoff=0.7)
            hint = f" (did you mean {', '.join(shown + c + ('' if names else '>') for c in close)}?)" if close else ""
            problems.append((line, f"{resource.n3(manager)} uses {shown}{local}{'' if names else '>'}, "
                                   f"which the ontology does not define{hint}"))
        problems.sort(key=lambda item: (item[0] is None, item[0] or 0))
        return UnknownTermError(path, problems)


def _check_terms(files: list[_File], ontology: Graph) -> None:
    """Raise :class:`UnknownTermError` when ``files`` use a term of an ontology's own namespace
    that the ontology does not define (see :class:`TermCheck`)."""
    check = TermCheck(ontology)
    for file in files:
        unknown: dict[str, tuple[str, Node]] = {}
        for triple in file.triples:
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(check.starts):
                    check.note(str(term), triple[0], unknown)
        if unknown:
            raise check.error(file.path, file.prefixes, unknown)


@dataclass(frozen=True)
class Schema:
    """The ontology and the shapes of a project, read (see :func:`read_schema`)."""

    ontology: Graph
    shapes: Optional[Graph]
    files: list[FileSummary]


def _no_shapes(project: Project) -> ProjectError:
    return ProjectError(f"{display_path(project.shapes_file)}: no such file (the SHACL shapes)")


def shapes_of(project: Project, shapes: Optional[Graph]) -> Graph:
    """``shapes`` (the shapes a project was opened with), which validation needs.

    :raises ProjectError: ``shapes`` is ``None``: the project has no shapes file.

    >>> from kg.project import find_project
    >>> shapes_of(find_project(), None)
    Traceback (most recent call last):
    ...
    kg.errors.ProjectError: ontology/shapes.ttl: no such file (the SHACL shapes)
    """
    if shapes is None:
        raise _no_shapes(project)
    return shapes


def read_schema(project: Project, *, require_shapes: bool = False, check_terms: bool = True) -> Schema:
    """Read the ontology and shapes files of ``project`` (small: rdflib graphs), with the
    checks every loader makes (see :func:`load_project`, whose errors these are; the
    shapes' terms are checked here, the data's are the caller's, with :class:`TermCheck`).

    >>> from kg.project import find_project
    >>> schema = read_schema(find_project())
    >>> len(schema.ontology) > 0 and schema.shapes is not None
    True
    """

    if require_shapes and not project.shapes_file.is_file():
        raise _no_shapes(project)
    if not project.ontology_files:
        raise ProjectError(f"{display_path(project.ontology_dir)}: no ontology files (*.ttl)")
    if not project.data_files:
        raise ProjectError(f"{display_path(project.data_dir)}: no data files (*.ttl)")
    ontology_files = [_read_file(Path(path)) for path in project.ontology_files]
    ontology = _graph_of(ontology_files)
    for extension in project.extensions:
        _check_imports_core(extension, ontology)
    shapes_files = [_read_file(Path(path)) for path in project.shapes_files]
    shapes = _graph_of(shapes_files) if shapes_files else None
    if check_terms:
        _check_terms(shapes_files, ontology)
    return Schema(ontology, shapes, _summaries(ontology_files, "ontology") + _summaries(shapes_files, "shapes"))


def load_project(project: Project, *, require_shapes: bool = False, check_terms: bool = True) -> ProjectGraphs:
    """Read every ontology, shapes and data file of ``project`` (and of its extensions).

    Each warning of :attr:`ProjectGraphs.warnings` is also issued as a :class:`LoadWarning`.

    :param require_shapes: fail when ``ontology/shapes.ttl`` does not exist.
    :param check_terms: refuse terms of the ontologies' namespaces that they do not define
        (``False`` leaves them to the typo-guard shape, whose report has no file or line).
    :raises RDFSyntaxError: a file is not valid Turtle, or has an ill-formed literal.
    :raises UnknownTermError: a shapes or data file uses a ``rkg:`` term (or one of an
        extension's namespace) that the ontology does not define (a typo); see
        :func:`_check_terms` for why this is an error.
    :raises ProjectError: the project has no ontology or no data files (or no shapes,
        when they are required), or an extension's ontology does not import the core.
    """
    schema = read_schema(project, require_shapes=require_shapes, check_terms=check_terms)
    data_files = [_read_file(Path(path).resolve()) for path in project.data_files]
    if check_terms:
        _check_terms(data_files, schema.ontology)
    dataset = _dataset_of(data_files)
    data = bind_prefixes(Graph())
    for graph in dataset.graphs():
        data += graph
    found = load_warnings(schema.files + _summaries(data_files, "data"), schema.shapes)
    for message in found:
        warnings.warn(message, LoadWarning, stacklevel=2)
    return ProjectGraphs(project=project, ontology=schema.ontology, data=data, dataset=dataset, shapes=schema.shapes,
                         warnings=tuple(found))
