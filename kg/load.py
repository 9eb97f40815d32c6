"""Reading Turtle files into graphs, remembering which file each node came from.

Each file is first checked by Oxigraph's strict Turtle parser, which reports the exact
line of any error, then read into rdflib. A syntax error anywhere raises
:class:`~kg.errors.RDFSyntaxError` with the file and the 1-based line.

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

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union
from urllib.parse import unquote, urlparse

import pyoxigraph
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from kg.errors import ProjectError, RDFSyntaxError, display_path
from kg.project import CORE_ONTOLOGY, Extension, Project
from kg.vocab import OWL, RDF, bind_prefixes

__all__ = ["ProjectGraphs", "files_of", "load_dataset", "load_graph", "load_project", "parse"]

PathLike = Union[str, os.PathLike]
_OXIGRAPH_POSITION = re.compile(r"^Parser error (?:at|between) .*?: ")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ProjectError(f"{display_path(path)}: cannot read ({error.strerror or error})") from None


def _check_syntax(path: Path, data: bytes) -> None:
    """Raise :class:`RDFSyntaxError` if ``data`` is not valid Turtle (Oxigraph's strict parser)."""
    try:
        for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.absolute().as_uri()):
            pass
    except SyntaxError as error:
        message = _OXIGRAPH_POSITION.sub("", str(error.msg))
        if error.offset:
            message = f"{message} (column {error.offset})"
        raise RDFSyntaxError(path, error.lineno, message) from None


def _bad_syntax_line(error: BadSyntax) -> Optional[int]:
    # rdflib counts lines itself; the character offset into the text it parsed is exact.
    text, offset = getattr(error, "_str", None), getattr(error, "_i", None)
    if isinstance(text, (bytes, str)) and isinstance(offset, int):
        newline = b"\n" if isinstance(text, bytes) else "\n"
        return text[:offset].count(newline) + 1
    lines = getattr(error, "lines", None)
    return lines + 1 if isinstance(lines, int) else None


def parse(path: PathLike, *, graph: Optional[Graph] = None) -> Graph:
    """Read the Turtle file ``path`` into ``graph`` (a new graph by default) and return it.

    :raises RDFSyntaxError: the file is not valid Turtle; the error has the 1-based line.
    :raises ProjectError: the file cannot be read.
    """
    path = Path(path)
    data = _read(path)
    _check_syntax(path, data)
    target = graph if graph is not None else bind_prefixes(Graph())
    try:
        target.parse(data=data, format="turtle", publicID=path.absolute().as_uri())
    except BadSyntax as error:
        raise RDFSyntaxError(path, _bad_syntax_line(error), str(getattr(error, "_why", error))) from None
    except Exception as error:  # rdflib raises assorted errors on input Oxigraph accepted
        raise RDFSyntaxError(path, None, f"cannot parse: {error}") from None
    return target


def load_graph(paths: Iterable[PathLike]) -> Graph:
    """One graph holding the triples of every file in ``paths``."""
    graph = bind_prefixes(Graph())
    for path in paths:
        parse(path, graph=graph)
    return graph


def load_dataset(paths: Iterable[PathLike]) -> Dataset:
    """A dataset with one named graph per file, named by the file's ``file:`` IRI.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "acme.ttl"
    >>> _ = path.write_text('<https://example.org/acme> <https://example.org/name> "Acme" .')
    >>> dataset = load_dataset([path])
    >>> files_of(dataset, URIRef("https://example.org/acme")) == [path.resolve()]
    True
    """
    dataset = bind_prefixes(Dataset())
    for path in paths:
        path = Path(path).resolve()
        parse(path, graph=dataset.graph(URIRef(path.as_uri())))
    return dataset


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
    """

    project: Project
    ontology: Graph
    data: Graph
    dataset: Dataset
    shapes: Optional[Graph]

    def files_of(self, node: Node) -> list[Path]:
        """The data files that describe ``node``; see :func:`files_of`."""
        return files_of(self.dataset, node)


def _check_imports_core(extension: Extension, ontology: Graph) -> None:
    """Raise :class:`ProjectError` unless an ontology of ``extension`` imports the core ontology."""
    core = URIRef(CORE_ONTOLOGY)
    own = load_graph(extension.ontology_files)  # parsed twice, but only the extension's few terms
    if not any((node, OWL.imports, core) in own for node in own.subjects(RDF.type, OWL.Ontology)):
        raise ProjectError(
            f"{display_path(extension.root / 'ontology')}: the extension's ontology must be an owl:Ontology "
            f"that owl:imports <{CORE_ONTOLOGY}> (see docs/extending.md)"
        )


def load_project(project: Project, *, require_shapes: bool = False) -> ProjectGraphs:
    """Read every ontology, shapes and data file of ``project`` (and of its extensions).

    :param require_shapes: fail when ``ontology/shapes.ttl`` does not exist.
    :raises RDFSyntaxError: a file is not valid Turtle.
    :raises ProjectError: the project has no ontology or no data files (or no shapes,
        when they are required), or an extension's ontology does not import the core.
    """
    if require_shapes and not project.shapes_file.is_file():
        raise ProjectError(f"{display_path(project.shapes_file)}: no such file (the SHACL shapes)")
    if not project.ontology_files:
        raise ProjectError(f"{display_path(project.ontology_dir)}: no ontology files (*.ttl)")
    if not project.data_files:
        raise ProjectError(f"{display_path(project.data_dir)}: no data files (*.ttl)")
    ontology = load_graph(project.ontology_files)
    for extension in project.extensions:
        _check_imports_core(extension, ontology)
    shapes = load_graph(project.shapes_files) if project.shapes_files else None
    dataset = load_dataset(project.data_files)
    data = bind_prefixes(Graph())
    for graph in dataset.graphs():
        data += graph
    return ProjectGraphs(project=project, ontology=ontology, data=data, dataset=dataset, shapes=shapes)
