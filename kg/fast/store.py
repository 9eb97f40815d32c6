"""Loading the ontology and the data into an Oxigraph store, and converting terms.

The store's default graph holds what was loaded (ontology and data together, as
:func:`kg.validate.validate` sees them); :func:`kg.fast.reason` writes its inferences to
the named graph ``GRAPH.inferred``. :func:`union` queries read both.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "acme.ttl"
>>> _ = path.write_text('<https://example.org/acme> <https://example.org/name> "Acme" .')
>>> store = load_store([path])
>>> len(store)
1
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ProjectError, display_path
from kg.load import check_literals
from kg.query import _from_oxigraph
from kg.vocab import GRAPH, XSD

__all__ = [
    "INFERRED",
    "from_rdflib",
    "graph_of",
    "load_store",
    "to_rdflib",
    "union",
]

PathLike = Union[str, os.PathLike]
#: The named graph :func:`kg.fast.reason` writes to.
INFERRED = pyoxigraph.NamedNode(str(GRAPH.inferred))
_FORMATS = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES}


def load_store(paths: Iterable[PathLike], *, store: Optional[pyoxigraph.Store] = None) -> pyoxigraph.Store:
    """Load Turtle (``.ttl``) and N-Triples (``.nt``) files into the default graph of a store.

    :param store: the store to add to; a new in-memory store by default.
    :raises RDFSyntaxError: a file is not valid, or has an ill-formed literal
        (:class:`~kg.errors.IllFormedLiteralError`); the error has its file and line.
    :raises ProjectError: a file cannot be read or has another extension.
    """
    store = pyoxigraph.Store() if store is None else store
    for path in map(Path, paths):
        rdf_format = _FORMATS.get(path.suffix)
        if rdf_format is None:
            raise ProjectError(f"{display_path(path)}: not a .ttl or .nt file")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ProjectError(f"{display_path(path)}: cannot read ({error.strerror or error})") from None
        check_literals(path, data, rdf_format=rdf_format)  # syntax and literals, with the line
        store.bulk_load(data, format=rdf_format, base_iri=path.resolve().as_uri())
    return store


def union(store: pyoxigraph.Store, query: str, **options) -> pyoxigraph.QuerySolutions:
    """Run ``query`` over the default graph and the inferred graph together."""
    return store.query(query, default_graph=[pyoxigraph.DefaultGraph(), INFERRED], **options)


def to_rdflib(term) -> Node:
    """An Oxigraph term as an rdflib term (``xsd:string`` literals become plain literals)."""
    return _from_oxigraph(term)


def from_rdflib(term: Node):
    """An rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        datatype = term.datatype or XSD.string
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(datatype)))
    raise TypeError(f"cannot store {term!r} in Oxigraph")


def _triples(store: pyoxigraph.Store, graph) -> Iterator[tuple[Node, Node, Node]]:
    for quad in store.quads_for_pattern(None, None, None, graph):
        yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)


def graph_of(store: pyoxigraph.Store, *, inferred: bool = False) -> Graph:
    """The default graph of ``store`` (or its inferred graph) as an rdflib graph."""
    graph = Graph()
    for triple in _triples(store, INFERRED if inferred else pyoxigraph.DefaultGraph()):
        graph.add(triple)
    return graph
