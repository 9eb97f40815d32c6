"""Writing graphs to files: Turtle, sorted N-Triples, JSON-LD and TriG, atomically.

Oxigraph writes Turtle, N-Triples and TriG (fast, triples in N-Triples order); rdflib
writes JSON-LD, compacted with the project's prefixes.

:func:`export` writes the asserted and the inferred triples side by side, each in three
formats, plus one TriG file holding the ontology, asserted and inferred graphs as
named graphs (``GRAPH.ontology``, ``GRAPH.asserted``, ``GRAPH.inferred``). The files
are written to a temporary folder next to the target, which then replaces the target
in one rename: a failed export leaves the previous folder as it was.

The data's blank nodes (the ``prov:qualifiedDerivation`` nodes of citations) are
written as skolem IRIs under ``https://w3id.org/restructuring-kg/.well-known/genid/``
(RDF 1.1 Concepts, section 3.5). Their names are derived from what the data says about
them, so they are the same in every build of the same data, and a node keeps its name
across the asserted and the inferred files: loading both into a store joins them.

>>> import tempfile, pathlib
>>> from rdflib import Graph
>>> asserted = Graph().parse(format="turtle", data='''
...     @prefix ex: <https://example.org/> . ex:tongyi a ex:Lab .''')
>>> inferred = Graph().parse(format="turtle", data='''
...     @prefix ex: <https://example.org/> . ex:tongyi a ex:Unit .''')
>>> out = pathlib.Path(tempfile.mkdtemp()) / "build"
>>> counts = export(out, ontology=Graph(), asserted=asserted, inferred=inferred)
>>> counts
{'ontology': 0, 'asserted': 1, 'inferred': 1}
>>> sorted(path.name for path in out.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['asserted.jsonld', 'asserted.nt', 'asserted.ttl', 'graph.trig',
 'inferred.jsonld', 'inferred.nt', 'inferred.ttl']
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence, Union

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import BuildError, display_path
from kg.files import replace_folder
from kg.vocab import GRAPH, PREFIXES, bind_prefixes

__all__ = [
    "BUILD_FILES",
    "EXPORT_FORMATS",
    "GENID",
    "INPUTS_FILE",
    "build_graphs",
    "export",
    "input_digests",
    "ntriples",
    "outdated_build",
    "serialize",
    "skolem_iris",
    "turtle",
]

GENID = "https://w3id.org/restructuring-kg/.well-known/genid/"
#: The files :func:`export` writes (``inputs.json`` when given the inputs' digests).
BUILD_FILES = (
    "asserted.ttl",
    "asserted.nt",
    "asserted.jsonld",
    "inferred.ttl",
    "inferred.nt",
    "inferred.jsonld",
    "graph.trig",
    "inputs.json",
)

Triple = tuple[Node, Node, Node]


def _stable_labels(graph: Graph) -> dict[BNode, str]:
    """A name for every blank node of ``graph`` that depends on the data, not on parsing order.

    A node's name is a hash of the triples around it, refined with its neighbours' names
    until that tells the nodes apart; nodes still alike are interchangeable and numbered.
    """
    bnodes = sorted({term for triple in graph for term in triple if isinstance(term, BNode)})
    labels = {b: "" for b in bnodes}

    def text(term: Node) -> str:
        return labels[term] if isinstance(term, BNode) else term.n3()

    distinct = 1
    for _ in range(len(bnodes)):
        lines = {
            b: sorted(
                [f"> {p.n3()} {text(o)}" for p, o in graph.predicate_objects(b)]
                + [f"< {text(s)} {p.n3()}" for s, p in graph.subject_predicates(b)]
            )
            for b in bnodes
        }
        labels = {b: hashlib.sha256((labels[b] + "\n" + "\n".join(lines[b])).encode()).hexdigest() for b in bnodes}
        if len(set(labels.values())) == distinct:
            break
        distinct = len(set(labels.values()))
    names, seen = {}, {}
    for b in sorted(bnodes, key=lambda b: labels[b]):
        n = seen[labels[b]] = seen.get(labels[b], 0) + 1
        names[b] = labels[b][:16] + (f"-{n}" if n > 1 else "")
    return names


def skolem_iris(graph: Graph) -> dict[BNode, URIRef]:
    """A stable skolem IRI for every blank node of ``graph``.

    >>> from rdflib import Graph
    >>> data = '[] <https://example.org/p> "x" .'
    >>> a, b = Graph().parse(format="turtle", data=data), Graph().parse(format="turtle", data=data)
    >>> list(skolem_iris(a).values()) == list(skolem_iris(b).values())
    True
    """
    return {b: URIRef(GENID + name) for b, name in _stable_labels(graph).items()}


def _oxigraph_term(term: Node):
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    datatype = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
    return pyoxigraph.Literal(str(term), datatype=datatype)


def _triples(graph: Graph, rename: dict[BNode, Node]) -> list:
    """The triples of ``graph``, blank nodes renamed, as Oxigraph triples in N-Triples order."""
    triples = set()
    for triple in graph:
        s, p, o = (rename.get(t, t) if isinstance(t, BNode) else t for t in triple)
        if isinstance(s, Literal) or not isinstance(p, URIRef):
            raise BuildError(f"refusing to write a triple no store accepts: {s.n3()} {p.n3()} {o.n3()}")
        triples.add(pyoxigraph.Triple(_oxigraph_term(s), _oxigraph_term(p), _oxigraph_term(o)))
    return sorted(triples, key=str)


def ntriples(graph: Graph) -> str:
    """``graph`` as N-Triples, one line per triple, lines sorted.

    >>> from rdflib import Graph
    >>> print(ntriples(Graph().parse(format="turtle", data='<urn:b> <urn:p> "2" . <urn:a> <urn:p> "1" .')), end="")
    <urn:a> <urn:p> "1" .
    <urn:b> <urn:p> "2" .
    """
    return pyoxigraph.serialize(_triples(graph, {}), format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")


def turtle(graph: Graph) -> str:
    """``graph`` as Turtle with the project's prefixes it uses, every literal as written
    (rdflib's writer would turn ``"120"^^xsd:double`` into ``1.2e+02``).

    >>> from rdflib import Graph, Literal, URIRef
    >>> from kg.vocab import XSD
    >>> graph = Graph()
    >>> _ = graph.add((URIRef("urn:a"), URIRef("https://schema.org/value"), Literal("120", datatype=XSD.double, normalize=False)))
    >>> print(turtle(graph).splitlines()[-1])
    <urn:a> schema:value "120"^^xsd:double .
    """
    triples = _triples(graph, {})
    terms = [t for triple in triples for t in (triple.subject, triple.predicate, triple.object)]
    iris = {t.value for t in terms if isinstance(t, pyoxigraph.NamedNode)}
    iris |= {t.datatype.value for t in terms if isinstance(t, pyoxigraph.Literal)}
    used = {prefix: namespace for prefix, namespace in PREFIXES.items() if any(iri.startswith(namespace) for iri in iris)}
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=used).decode("utf-8")


def _to_rdflib(triples: list) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(tuple(_rdflib_term(t) for t in (triple.subject, triple.predicate, triple.object)))
    return graph


def _rdflib_term(term) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _write_files(folder: Path, name: str, triples: list) -> None:
    for suffix in ("ttl", "nt", "jsonld"):
        (folder / f"{name}.{suffix}").write_bytes(serialize({name: triples}, suffix))


def _json_ld(triples: list) -> bytes:
    """JSON-LD compacted with the project's prefixes, nodes and values in a fixed order.

    rdflib compacts (Oxigraph would not) but orders nodes as its graph happens to
    iterate; sorting every unordered array (not ``@list``) makes the text depend only
    on the triples.
    """
    text = _to_rdflib(triples).serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)

    def ordered(value, *, in_list: bool = False):
        if isinstance(value, dict):
            return {key: ordered(item, in_list=key == "@list") for key, item in value.items()}
        if isinstance(value, list):
            items = [ordered(item) for item in value]
            return items if in_list else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    document = ordered(json.loads(text))
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


#: What ``kg export --format`` writes: Oxigraph's format for each name.
EXPORT_FORMATS = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nq": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}
_GRAPH_NAMES = ("ontology", "asserted", "inferred")


def serialize(graphs: Mapping[str, Sequence], format: str) -> bytes:
    """The graphs (by name, as Oxigraph triples) in one of :data:`EXPORT_FORMATS`.

    N-Quads and TriG keep each graph apart as the named graph ``GRAPH.<name>``, in the
    order given; the other formats hold the union. Triples are sorted either way, so the
    same graphs always give the same text.

    >>> t = pyoxigraph.Triple(pyoxigraph.NamedNode("urn:a"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal("1"))
    >>> print(serialize({"asserted": [t], "inferred": [t]}, "nt").decode(), end="")
    <urn:a> <urn:p> "1" .
    >>> print(serialize({"asserted": [t]}, "nq").decode(), end="")
    <urn:a> <urn:p> "1" <https://w3id.org/restructuring-kg/graph/asserted> .
    """
    try:
        rdf_format = EXPORT_FORMATS[format]
    except KeyError:
        raise BuildError(f"unknown format {format!r}; use one of {', '.join(EXPORT_FORMATS)}") from None
    if format in ("nq", "trig"):
        quads = [
            pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(str(GRAPH[name])))
            for name, triples in graphs.items()
            for t in sorted(set(triples), key=str)
        ]
        return pyoxigraph.serialize(quads, format=rdf_format, prefixes=PREFIXES)
    union = sorted({t for triples in graphs.values() for t in triples}, key=str)
    if rdf_format == pyoxigraph.RdfFormat.JSON_LD:
        return _json_ld(union)
    return pyoxigraph.serialize(union, format=rdf_format, prefixes=PREFIXES)


def build_graphs(out_dir: Union[str, os.PathLike]) -> dict[str, list]:
    """The graphs a build wrote to ``out_dir`` (read from its ``graph.trig``), by name.

    Returns Oxigraph triples under ``ontology``, ``asserted`` and ``inferred``.

    :raises BuildError: there is no build in ``out_dir``, or its ``graph.trig`` is not one.
    """
    path = Path(out_dir) / "graph.trig"
    graphs: dict[str, list] = {name: [] for name in _GRAPH_NAMES}
    names = {str(GRAPH[name]): name for name in _GRAPH_NAMES}
    try:
        quads = pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TRIG)
        for quad in quads:
            name = names.get(getattr(quad.graph_name, "value", None))
            if name is None:
                raise BuildError(f"{display_path(path)}: not written by kg build (a triple outside its graphs)")
            graphs[name].append(pyoxigraph.Triple(quad.subject, quad.predicate, quad.object))
    except FileNotFoundError:
        raise BuildError(f"{display_path(out_dir)}: no build there; run `kg build` first") from None
    except (OSError, SyntaxError) as error:
        raise BuildError(f"{display_path(path)}: cannot read the build ({error})") from None
    return graphs


#: The file of a build that records the digests of the files it was made from.
INPUTS_FILE = "inputs.json"


def input_digests(files: Sequence[Union[str, os.PathLike]]) -> dict[str, str]:
    """The SHA-256 of each file's content, by its absolute path: what :func:`outdated_build` compares.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "acme.ttl"
    >>> _ = path.write_text("")
    >>> input_digests([path]) == {str(path.resolve()): hashlib.sha256(b"").hexdigest()}
    True
    """
    digests = {}
    for file in files:
        path = Path(file).resolve()
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
        except OSError as error:
            raise BuildError(f"{display_path(path)}: cannot read ({error.strerror or error})") from None
        digests[str(path)] = digest.hexdigest()
    return dict(sorted(digests.items()))


def outdated_build(files: Sequence[Union[str, os.PathLike]], out_dir: Union[str, os.PathLike]) -> Optional[str]:
    """Why the build in ``out_dir`` does not reflect ``files`` (the project's inputs), or ``None``.

    The build records the digest of every file it was made from (:data:`INPUTS_FILE`);
    it is out of date when a file's content differs, or a file was added or removed,
    whatever the files' times say (a file copied in with an old time is seen).
    """
    path = Path(out_dir) / "graph.trig"
    if not path.is_file():
        return f"{display_path(out_dir)}: no build there; run `kg build` first"
    rebuild = "; run `kg build` first"
    try:
        recorded = json.loads((Path(out_dir) / INPUTS_FILE).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"{display_path(out_dir)}: the build does not record what it was made from (an older kg made it){rebuild}"
    current = input_digests(files)
    changes = (
        [f"{display_path(f)} changed" for f in current if f in recorded and recorded[f] != current[f]]
        + [f"{display_path(f)} is new" for f in current if f not in recorded]
        + [f"{display_path(f)} is gone" for f in recorded if f not in current]
    )
    if changes:
        more = f" (and {len(changes) - 1} more)" if len(changes) > 1 else ""
        return f"{display_path(out_dir)}: the build is out of date: {changes[0]} since it was made{more}{rebuild}"
    return None


def _replace_folder(target: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a new folder beside ``target``, then put that folder in its place."""
    try:
        names = [p.name for p in target.iterdir()] if target.is_dir() else []
    except OSError as error:
        raise BuildError(f"{display_path(target)}: cannot read the folder ({error.strerror or error})") from None
    if names:
        unknown = sorted(name for name in names if name not in BUILD_FILES)
        if unknown:
            raise BuildError(
                f"{display_path(target)}: refusing to replace a folder that holds files a build does not "
                f"write ({', '.join(unknown[:5])}); choose another --out"
            )
    replace_folder(target, write, what="the build")


def export(
    out_dir: Union[str, os.PathLike],
    *,
    ontology: Graph,
    asserted: Graph,
    inferred: Graph,
    inputs: Optional[Mapping[str, str]] = None,
) -> dict[str, int]:
    """Write ``asserted`` and ``inferred`` (and, in ``graph.trig``, ``ontology``) to ``out_dir``.

    ``out_dir`` is replaced as a whole; it must not hold files of its own. ``inputs``
    (from :func:`input_digests`) is recorded in :data:`INPUTS_FILE` for
    :func:`outdated_build`.
    Returns the number of triples written per graph.

    :raises BuildError: the folder cannot be written, or holds other files.
    """
    target = Path(out_dir).absolute()
    # The ontology keeps its blank nodes (OWL needs them for lists and axioms), under stable names.
    rename: dict[BNode, Node] = {b: BNode("o" + name) for b, name in _stable_labels(ontology).items()}
    rename.update(skolem_iris(asserted))
    triples = {name: _triples(graph, rename) for name, graph in
               (("ontology", ontology), ("asserted", asserted), ("inferred", inferred))}

    def write(folder: Path) -> None:
        _write_files(folder, "asserted", triples["asserted"])
        _write_files(folder, "inferred", triples["inferred"])
        (folder / "graph.trig").write_bytes(serialize(triples, "trig"))
        if inputs is not None:
            record = {"about": "SHA-256 of the files this build was made from", "files": dict(sorted(inputs.items()))}
            (folder / INPUTS_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    _replace_folder(target, write)
    return {name: len(graph_triples) for name, graph_triples in triples.items()}
