"""Loading the ontology and the data into an Oxigraph store, and converting terms.

The store's default graph holds what was loaded (ontology and data together, as
:func:`kg.validate.validate` sees them); :func:`kg.fast.reason` writes its inferences to
the named graph ``GRAPH.inferred``. :func:`union` queries read both.

Oxigraph stores values, not lexical forms: ``"7"^^xsd:int`` comes back ``"7"^^xsd:integer``,
``"1.50"^^xsd:decimal`` as ``"1.5"``. The literals a store rewrote are noted in its graph
:data:`WRITTEN` (:func:`record_rewritten`); :func:`written_forms` and ``to_rdflib(term,
written=...)`` give them back as written, and :func:`graph_of` does so itself.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "acme.ttl"
>>> _ = path.write_text('<https://example.org/acme> <https://example.org/name> "Acme" .')
>>> store = load_store([path])
>>> len(store)
1
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional, Union, cast

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ProjectError, display_path
from kg.load import LoadWarning, check_literals, from_oxigraph
from kg.vocab import GRAPH, XSD

__all__ = [
    "INFERRED",
    "WRITTEN",
    "from_rdflib",
    "graph_of",
    "load_store",
    "merged_forms",
    "record_rewritten",
    "to_rdflib",
    "union",
    "warn_rewritten",
    "written_forms",
]

PathLike = Union[str, os.PathLike]
#: The named graph :func:`kg.fast.reason` writes to.
INFERRED = pyoxigraph.NamedNode(str(GRAPH.inferred))
#: The named graph where :func:`record_rewritten` notes the literals the store holds in
#: another form than the one written (see there); no query of the project reads it.
WRITTEN = pyoxigraph.NamedNode(str(GRAPH["written-forms"]))
_STORED = pyoxigraph.NamedNode(str(GRAPH["written-forms"]) + "#stored")
_LEXICAL = pyoxigraph.NamedNode(str(GRAPH["written-forms"]) + "#lexical")
_DATATYPE = pyoxigraph.NamedNode(str(GRAPH["written-forms"]) + "#datatype")
_XSD_STRING = str(XSD.string)
_FORMATS = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES}


def load_store(paths: Iterable[PathLike], *, store: Optional[pyoxigraph.Store] = None) -> pyoxigraph.Store:
    """Load Turtle (``.ttl``) and N-Triples (``.nt``) files into the default graph of a store.

    The literals the store keeps in another form than written are noted (:func:`record_rewritten`).

    :param store: the store to add to; a new in-memory store by default.
    :raises RDFSyntaxError: a file is not valid, or has an ill-formed literal
        (:class:`~kg.errors.IllFormedLiteralError`); the error has its file and line.
    :raises ProjectError: a file cannot be read or has another extension.
    """
    store = pyoxigraph.Store() if store is None else store
    literals: set = set()
    for path in map(Path, paths):
        rdf_format = _FORMATS.get(path.suffix)
        if rdf_format is None:
            raise ProjectError(f"{display_path(path)}: not a .ttl or .nt file")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ProjectError(f"{display_path(path)}: cannot read ({error.strerror or error})") from error
        found, _ = check_literals(path, data, rdf_format=rdf_format,  # syntax and literals, with the line
                                  keep=lambda q: q.object if isinstance(q.object, pyoxigraph.Literal) else None)
        store.bulk_load(data, format=rdf_format, base_iri=path.resolve().as_uri())
        literals.update(found)
    record_rewritten(store, literals)  # once, for all the files: see written_forms on ambiguity
    return store


def union(store: pyoxigraph.Store, query: str, **options) -> pyoxigraph.QuerySolutions:
    """Run ``query`` over the default graph and the inferred graph together."""
    # The stubs say solutions, a boolean or triples, whatever the query's form: this is for SELECT ones.
    return cast(pyoxigraph.QuerySolutions,
                store.query(query, default_graph=[pyoxigraph.DefaultGraph(), INFERRED], **options))


def to_rdflib(term, *, written: Optional[Mapping] = None) -> Node:
    """An Oxigraph term as an rdflib term (``xsd:string`` literals become plain literals).

    :param written: :func:`written_forms` of the store the term comes from: a literal the
        store rewrote becomes the literal as the file wrote it.
    """
    if written and isinstance(term, pyoxigraph.Literal):
        found = written.get(term)
        if found is not None:
            return found
    return from_oxigraph(term)


def record_rewritten(store: pyoxigraph.Store, literals: Iterable[pyoxigraph.Literal]) -> list[tuple[Literal, Literal]]:
    """Note in ``store`` (graph :data:`WRITTEN`) each of ``literals`` that Oxigraph stores in another form.

    Give every literal of the store in one call: a literal kept as written is noted only when
    another of the same call was rewritten to it.

    Oxigraph keeps a value, not a lexical form, for the numeric, boolean and date-time
    types: ``"7"^^xsd:int`` is stored as ``"7"^^xsd:integer``, ``"5.0E0"^^xsd:double`` as
    ``"5"``, ``"1.50"^^xsd:decimal`` as ``"1.5"``, ``"0"^^xsd:boolean`` as ``"false"``
    (Oxigraph has no option to keep them: issue oxigraph/oxigraph#526). Which ones change is
    asked of Oxigraph itself, through a scratch store. Returns ``(written, stored)`` pairs.

    >>> store = pyoxigraph.Store()
    >>> int7 = pyoxigraph.Literal("7", datatype=pyoxigraph.NamedNode(str(XSD.int)))
    >>> [(w.n3(), s.n3()) for w, s in record_rewritten(store, [int7])]  # doctest: +NORMALIZE_WHITESPACE
    [('"7"^^<http://www.w3.org/2001/XMLSchema#int>', '"7"^^<http://www.w3.org/2001/XMLSchema#integer>')]
    >>> to_rdflib(next(iter(written_forms(store))), written=written_forms(store)).n3()
    '"7"^^<http://www.w3.org/2001/XMLSchema#int>'
    """
    candidates = sorted({term for term in literals if not term.language and term.datatype.value != _XSD_STRING},
                        key=str)
    if not candidates:
        return []
    scratch, predicate = pyoxigraph.Store(), pyoxigraph.NamedNode("urn:kg:value")
    scratch.extend(pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:kg:{i}"), predicate, term)
                   for i, term in enumerate(candidates))
    pairs = [(candidates[int(quad.subject.value[len("urn:kg:"):])], quad.object) for quad in scratch]
    rewritten = sorted(((term, stored) for term, stored in pairs
                        if (stored.value, stored.datatype.value) != (term.value, term.datatype.value)), key=str)
    # A literal kept as written whose form another one was rewritten to ("7"^^xsd:integer
    # beside "7"^^xsd:int) is noted too, so that written_forms sees the stored form as ambiguous.
    taken = {stored for _, stored in rewritten}
    kept = [(term, stored) for term, stored in pairs if stored in taken and (term, stored) not in rewritten]
    for term, stored in [*rewritten, *kept]:
        node = pyoxigraph.BlankNode()
        store.extend([pyoxigraph.Quad(node, _STORED, stored, WRITTEN),
                      pyoxigraph.Quad(node, _LEXICAL, pyoxigraph.Literal(term.value), WRITTEN),
                      pyoxigraph.Quad(node, _DATATYPE, term.datatype, WRITTEN)])
    # from_oxigraph is typed for any term: of a literal, it makes a literal.
    return [(cast(Literal, from_oxigraph(term)), cast(Literal, from_oxigraph(stored))) for term, stored in rewritten]


def warn_rewritten(rewritten: list[tuple[Literal, Literal]]) -> None:
    """Say, as a :class:`~kg.load.LoadWarning`, which literals (the ``(written, stored)``
    pairs of :func:`record_rewritten`) a store holds in another form: its queries see that one."""
    if rewritten:
        shown = ", ".join(f"{written.n3()} as {stored.n3()}" for written, stored in rewritten[:3])
        more = f" and {len(rewritten) - 3} more" if len(rewritten) > 3 else ""
        warnings.warn(
            f"Oxigraph stores {shown}{more} (it keeps values, not lexical forms): its queries see the "
            "stored form; rdflib (--engine reference) and both validators see the literals as written",
            LoadWarning, stacklevel=3)


def written_forms(store: pyoxigraph.Store) -> dict:
    """The literals ``store`` holds rewritten (see :func:`record_rewritten`), each mapped to
    the rdflib literal as written; a stored form that stands for several written ones
    (``"7"^^xsd:int`` and ``"07"^^xsd:integer``) is left out: the store made them one value
    (see :func:`merged_forms`).
    """
    return {stored: forms[0] for stored, forms in _recorded(store).items() if len(forms) == 1}


def merged_forms(store: pyoxigraph.Store) -> dict:
    """The literals of ``store`` that stand for several literals written differently
    (``"7"^^xsd:int`` and ``"07"^^xsd:integer`` both stored as ``"7"^^xsd:integer``), each
    mapped to those (rdflib literals, sorted): no query of the store tells them apart.
    """
    return {stored: sorted(forms, key=str) for stored, forms in _recorded(store).items() if len(forms) > 1}


def _recorded(store: pyoxigraph.Store) -> dict:
    found: dict = {}
    for quad in store.quads_for_pattern(None, _STORED, None, WRITTEN):
        # record_rewritten wrote a literal (the lexical form) and an IRI (the datatype) there, no quoted triple.
        lexical = cast(pyoxigraph.Literal, next(store.quads_for_pattern(quad.subject, _LEXICAL, None, WRITTEN)).object).value
        datatype = cast(pyoxigraph.NamedNode,
                        next(store.quads_for_pattern(quad.subject, _DATATYPE, None, WRITTEN)).object).value
        found.setdefault(quad.object, []).append(Literal(lexical, datatype=URIRef(datatype), normalize=False))
    return found


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
    written = written_forms(store)
    for quad in store.quads_for_pattern(None, None, None, graph):
        yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object, written=written)


def graph_of(store: pyoxigraph.Store, *, inferred: bool = False) -> Graph:
    """The default graph of ``store`` (or its inferred graph) as an rdflib graph.

    Literals the store rewrote are given back as written (see :func:`record_rewritten`).
    """
    graph = Graph()
    for triple in _triples(store, INFERRED if inferred else pyoxigraph.DefaultGraph()):
        graph.add(triple)
    return graph
