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
import io
import itertools
import json
import operator
import os
from json.encoder import encode_basestring as _encode_string
from json.encoder import encode_basestring_ascii as _encode_ascii
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping, Optional, Sequence, Union, cast

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import BuildError, display_path
from kg.files import replace_folder
from kg.load import from_oxigraph
from kg.vocab import GRAPH, PREFIXES, bind_prefixes

__all__ = [
    "BUILD_FILES",
    "EXPORT_FORMATS",
    "GENID",
    "INPUTS_FILE",
    "build_graphs",
    "export",
    "input_digests",
    "nt_lines",
    "ntriples",
    "ontology_names",
    "outdated_build",
    "serialize",
    "skolem_iris",
    "stable_labels",
    "turtle",
    "write_build",
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
    """A name for every blank node of ``graph`` that depends on the data, not on parsing order
    (see :func:`stable_labels`)."""
    bnodes = sorted({term for triple in graph for term in triple if isinstance(term, BNode)})

    def text(term: Node):
        return term if isinstance(term, BNode) else term.n3()

    return stable_labels({b: ([(p.n3(), text(o)) for p, o in graph.predicate_objects(b)],
                              [(text(s), p.n3()) for s, p in graph.subject_predicates(b)]) for b in bnodes})


def stable_labels(around: Mapping[BNode, tuple[list, list]]) -> dict[BNode, str]:
    """A name for every blank node of a graph that depends on the data, not on parsing order.

    ``around`` maps each blank node to the ``(predicate, object)`` pairs of the triples it is
    the subject of and the ``(subject, predicate)`` pairs of those it is the object of: each
    term a blank node (a key of ``around``), or else its rdflib ``n3()`` text (literals as
    written). A node's name is a hash of the triples around it, refined with its
    neighbours' names until that tells the nodes apart; nodes still alike are
    interchangeable and numbered.
    """
    bnodes = sorted(around, key=str)  # as rdflib orders blank nodes (by their text), without its comparisons
    labels = {b: "" for b in bnodes}
    # Each line is fixed text around the names of the blank nodes in it. A blank node's
    # text is its label so far; any other term's is its n3 text (a str, never equal to a
    # BNode key: rdflib compares and hashes terms with their type). The lines without a
    # blank node are the same in every round: made once.
    fixed: dict = {}  # a blank node's lines without a blank node, sorted and joined when they are all
    parts: dict = {}  # its lines with one: (mark, x, y)
    for b in bnodes:
        out, into = around[b]
        lines, varying = [], []
        for mark, pairs in ((">", out), ("<", into)):
            for x, y in pairs:
                if x in labels or y in labels:
                    varying.append((mark, x, y))
                else:
                    lines.append(f"{mark} {x} {y}")
        if varying:
            fixed[b], parts[b] = lines, varying
        else:
            fixed[b] = "\n".join(sorted(lines))

    distinct = 1
    sha256 = hashlib.sha256
    for _ in range(len(bnodes)):
        label = labels.get
        new = {}
        for b in bnodes:
            text = fixed[b]
            if b in parts:
                text = "\n".join(sorted(text + [f"{mark} {label(x, x)} {label(y, y)}" for mark, x, y in parts[b]]))
            new[b] = sha256((labels[b] + "\n" + text).encode()).hexdigest()
        labels = new
        if len(set(labels.values())) == distinct:
            break
        distinct = len(set(labels.values()))
    names: dict[BNode, str] = {}
    seen: dict[str, int] = {}
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
    term = cast(Literal, term)  # of a triple of a graph: neither an IRI nor a blank node, a literal
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    datatype = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
    return pyoxigraph.Literal(str(term), datatype=datatype)


def _triples(graph: Graph, rename: Mapping[Node, Node]) -> list:
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
    return _serialize(_triples(graph, {}), format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")


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
    return _serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=used).decode("utf-8")


def _serialize(terms: Iterable, **options: Any) -> bytes:
    """:func:`pyoxigraph.serialize` of ``terms`` (triples or quads) to bytes.

    Its stubs say ``bytes | None``: ``None`` is when an ``output`` file is given, which no caller does.
    """
    return cast(bytes, pyoxigraph.serialize(terms, **options))


def _to_rdflib(triples: list) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(cast(tuple[Node, Node, Node],
                       tuple(from_oxigraph(term, plain_strings=False) for term in triple)))
    return graph


def _json_ld(triples: Iterable) -> bytes:
    """JSON-LD compacted with the project's prefixes, nodes and values in a fixed order
    (see :func:`_json_ld_nt`), of Oxigraph ``triples``."""
    return _json_ld_nt(b"".join(nt_lines(triples)))


def _json_ld_nt(text: bytes) -> bytes:
    """JSON-LD compacted with the project's prefixes, nodes and values in a fixed order, of
    the N-Triples ``text`` (what :func:`_write_json_ld` writes of its lines)."""
    out = io.BytesIO()
    _write_json_ld(text.splitlines(keepends=True), out)
    return out.getvalue()


def _write_json_ld(lines: list[bytes], stream: BinaryIO) -> None:
    """Write to ``stream`` the JSON-LD, compacted with the project's prefixes, nodes and
    values in a fixed order, of the N-Triples ``lines``.

    The document is rdflib's (``serialize(format="json-ld", context=PREFIXES,
    auto_compact=True)``), with every unordered array (not ``@list``) sorted, so that the
    text depends only on the triples. Oxigraph writes JSON-LD too, but expanded (full
    IRIs, no context). rdflib took 15 s for 120k triples (most of ``kg build``'s writing
    at 100k); :func:`_json_ld_document` builds the same document directly from the
    N-Triples lines, in half a second, for the graphs it covers (all but those with RDF
    lists, where rdflib still runs; ``tests/test_export.py`` compares the two). Sorted
    lines of more than one node are written node by node (:func:`_json_ld_streamed`).
    """
    streamed = _json_ld_streamed(lines)
    if streamed is not None:
        stream.write(('{\n  "@context": ' + _json_text(dict(PREFIXES), "  ") + ',\n  "@graph": [\n').encode("utf-8"))
        last = len(streamed) - 1
        # In blocks of nodes: one write per node costs more, one text of all doubles the memory.
        for start in range(0, len(streamed), 4096):
            stream.write("".join("    " + text + (",\n" if at < last else "\n")
                                 for at, (_, text) in enumerate(streamed[start:start + 4096], start)).encode("utf-8"))
        stream.write(b"  ]\n}\n")
        return
    document = _json_ld_document(lines)
    if document is None:
        triples = [q.triple for q in pyoxigraph.parse(b"".join(lines), format=pyoxigraph.RdfFormat.N_TRIPLES)]
        document = json.loads(_to_rdflib(triples).serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True))
    stream.write((_json_text(document) + "\n").encode("utf-8"))


def _json_ld_streamed(lines: list[bytes]) -> Optional[list[tuple[str, str]]]:
    """The nodes of :func:`_write_json_ld`'s document of the sorted N-Triples ``lines`` of
    more than one node, as ``("@id" JSON text, node text)`` in the document's order: each
    node's text made as it is read (a subject's lines are together), then ordered by its
    "@id" text (see :func:`_sorted_items`); only the nodes' text is held, not the whole
    document. ``None`` when :func:`_json_ld_document` must build the document."""
    keyed = []
    try:
        for node in _json_ld_nodes(lines):
            keyed.append((_encode_ascii(node["@id"]), _node_text(node)))
    except _NotCovered:
        return None
    if len(keyed) < 2 or len({key for key, _ in keyed}) < len(keyed):
        return None
    keyed.sort(key=lambda pair: pair[0])
    return keyed


def _json_text(value, indent: str = "", *, in_list: bool = False) -> str:
    """``json.dumps(_ordered(value), indent=2, sort_keys=True, ensure_ascii=False)``, the same text.

    With an indent, the json module encodes in Python, item by item; this orders and
    encodes in one pass with less work per item (strings still go to its C encoder).

    >>> value = {"b": [1, 2.5, True, None, float("nan")], "a": {"x": "é\\n"}, "c": [], "d": {},
    ...          "@graph": [{"@id": "b", "k": [{"@id": "y"}, {"@id": "x"}]}, {"@id": "a"}], "l": {"@list": [2, 1]}}
    >>> _json_text(value) == json.dumps(_ordered(value), indent=2, sort_keys=True, ensure_ascii=False)
    True
    """
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        # Strings (most values: IRIs, "@id"s, "@value"s) encoded here, without a call each.
        return ("{\n" + ",\n".join(f"{inner}{_encode_string(key)}: "
                                   + (_encode_string(item) if isinstance(item, str) else
                                      _json_text(item, inner, in_list=key == '@list'))
                                   for key, item in sorted(value.items())) + "\n" + indent + "}")
    if isinstance(value, list):
        if not value:
            return "[]"
        if not in_list:
            value = _sorted_items(value)
        inner = indent + "  "
        return "[\n" + ",\n".join(inner + (_encode_string(item) if isinstance(item, str) else _json_text(item, inner))
                                  for item in value) + "\n" + indent + "]"
    return json.dumps(value)  # numbers, booleans, null: as the json module writes them


def _node_text(node: dict) -> str:
    """``_json_text(node, "    ")`` of a node of :func:`_json_ld_nodes`, the same text, for less
    work: its values are strings, numbers, booleans, dicts of strings (``{"@id": ...}``,
    ``@value`` with ``@language`` or ``@type``) or arrays of these (anything else is left
    to :func:`_json_text`). An array is sorted by its items' JSON text (as :func:`_sorted_items`
    sorts them: for ``{"@id": ...}`` dicts alone, the order of their "@id"s).

    >>> node = {"@id": "rorg:é", "@type": ["rkg:Lab", "org:Unit"], "rkg:n": [2, 1.5, True, "x"], "rkg:one": {"@id": "_:b"},
    ...         "rdfs:label": [{"@language": "zh", "@value": "中文"}, {"@language": "en", "@value": "a\\"b"}, "plain"],
    ...         "rkg:at": {"@type": "xsd:date", "@value": "2024-01"}, "rkg:to": [{"@id": "rorg:b"}, {"@id": "rorg:a"}],
    ...         "rkg:l": {"@list": [2, 1]}, "rkg:no": None}
    >>> _node_text(node) == _json_text(node, "    ")
    True
    """
    parts = []
    for key, item in sorted(node.items()):
        if isinstance(item, str):
            text = _encode_string(item)
        elif isinstance(item, list) and item:
            if all(type(value) is str or type(value) is dict and _flat(value) for value in item):
                text = "[\n" + ",\n".join("        " + (_encode_string(value) if type(value) is str else _flat_text(value, "        "))
                                           for value in sorted(item, key=_item_key)) + "\n      ]"
            else:
                text = _json_text(item, "      ")
        elif type(item) is dict and len(item) == 1 and type(item.get("@id")) is str:  # most values: a node's IRI
            text = f'{{\n        "@id": {_encode_string(item["@id"])}\n      }}'
        elif type(item) is dict and _flat(item):
            text = _flat_text(item, "      ")
        else:
            text = _json_text(item, "      ")
        parts.append(f"      {_encode_string(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n    }"


def _flat(value: dict) -> bool:
    """Whether the dict ``value`` holds strings only, and something."""
    return bool(value) and all([type(item) is str for item in value.values()])


def _flat_text(value: dict, indent: str) -> str:
    """``_json_text(value, indent)`` of a dict of strings (:func:`_flat`)."""
    if len(value) == 1 and "@id" in value:
        return f'{{\n{indent}  "@id": {_encode_string(value["@id"])}\n{indent}}}'
    return ("{\n" + ",\n".join(f"{indent}  {_encode_string(key)}: {_encode_string(item)}" for key, item in sorted(value.items()))
            + "\n" + indent + "}")


def _item_key(value) -> str:
    """``json.dumps(value, sort_keys=True)`` of a string or a dict of strings."""
    if type(value) is str:
        return _encode_ascii(value)
    return "{" + ", ".join(f"{_encode_ascii(key)}: {_encode_ascii(item)}" for key, item in sorted(value.items())) + "}"


def _sorted_items(items: list) -> list:
    """``items`` in the order :func:`_ordered` gives them (by their JSON text, ordered themselves).

    Nodes (dicts whose first key is "@id", each "@id" unique) are ordered by their "@id"
    text: their own text starts with it, so the order is the same, for less work.
    """
    if all(isinstance(item, dict) and "@id" in item and min(item) == "@id" for item in items):
        keys = [json.dumps(item["@id"]) for item in items]
        if len(set(keys)) == len(keys):
            return [item for _, item in sorted(zip(keys, items), key=lambda pair: pair[0])]

    def key(item) -> str:
        if isinstance(item, (dict, list)) and any(isinstance(v, (dict, list)) for v in (
                item.values() if isinstance(item, dict) else item)):
            return json.dumps(_ordered(item), sort_keys=True)
        return json.dumps(item, sort_keys=True)

    return sorted(items, key=key)


def _ordered(value, *, in_list: bool = False):
    """``value`` with every JSON array but an ``@list`` sorted (by its items' JSON text)."""
    if isinstance(value, dict):
        return {key: _ordered(item, in_list=key == "@list") for key, item in value.items()}
    if isinstance(value, list):
        items = [_ordered(item) for item in value]
        return items if in_list else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = f"<{_RDF}type>".encode()
_XSD_STRING = f"<{_XSD}string>".encode()
#: The datatypes rdflib's JSON-LD writes as native JSON values (its ``PLAIN_LITERAL_TYPES``).
_NATIVE = {f"<{_XSD}{name}>".encode() for name in ("boolean", "integer", "double")}
_LIST_TERMS = {f"<{_RDF}{name}>".encode() for name in ("first", "rest", "nil")}


def _json_ld_document(lines: list[bytes]) -> Optional[dict]:
    """The JSON-LD document rdflib's writer makes of the triples of the N-Triples ``lines``
    with the project's prefixes as context (before :func:`_ordered`), or ``None`` for a
    graph with what this does not follow rdflib in (see :func:`_json_ld_nodes`)."""
    try:
        nodes = list(_json_ld_nodes(sorted(lines)))
    except _NotCovered:
        return None
    context = dict(PREFIXES)
    if len(nodes) == 1:
        return {**nodes[0], "@context": context}
    return {"@context": context, "@graph": nodes}


def _json_ld_nodes(lines: list[bytes]) -> Iterator[dict]:
    """The nodes of the JSON-LD document rdflib's writer makes of the triples of the sorted
    N-Triples ``lines`` (before :func:`_ordered`), each as soon as its subject's lines are
    read. Raises :class:`_NotCovered` for a graph with what this does not follow rdflib
    in: RDF lists (``@list``), or a term that is a prefix's namespace itself.

    rdflib's rules, as ``rdflib.plugins.serializers.jsonld`` (rdflib 7) applies them: an IRI
    is ``prefix:name`` when the IRI up to its last ``#`` (else ``/``, else ``:``) is a
    prefix's namespace, else written whole; a node per subject (and per blank node only
    met as an object); ``rdf:type`` values under ``@type``; one value is written alone,
    more as an array; booleans, integers and doubles as JSON values, other typed literals
    as ``@type``/``@value``, language-tagged ones as ``@language``/``@value``, strings bare.
    A line is read as bytes (its terms split at the first two spaces, which no IRI or
    blank node label holds; a literal's quoted form read as JSON, whose escapes N-Triples
    writers use), without making a Python term of each triple.
    """
    namespaces = {iri: name for name, iri in PREFIXES.items()}
    shrunk: dict[bytes, str] = {}

    def symbol(iri: bytes) -> str:
        """A predicate, class or datatype, ``<...>`` (rdflib first looks for a term named by the IRI: a prefix)."""
        found = shrunk.get(iri)
        if found is None:
            if iri[1:-1].decode() in namespaces:
                raise _NotCovered
            found = shrink(iri)
        return found

    def shrink(iri: bytes) -> str:
        found = shrunk.get(iri)
        if found is None:
            if len(shrunk) > _CACHED:  # most IRIs are met once or twice: the cache stays small
                shrunk.clear()
            text = iri[1:-1].decode()
            for delimiter in ("#", "/", ":"):
                at = text.rfind(delimiter)
                if at > -1:
                    prefix = namespaces.get(text[:at + 1])
                    found = f"{prefix}:{text[at + 1:]}" if prefix else text
                    break
            else:
                found = text
            shrunk[iri] = found
        return found

    def identifier(term: bytes) -> str:
        return term.decode() if term[:2] == b"_:" else shrink(term)

    def literal(term: bytes):
        end = term.rindex(b'"')
        if b"\\U" in term[:end]:
            raise _NotCovered  # an escape JSON does not have
        text = json.loads(term[:end + 1])
        rest = term[end + 1:]
        if not rest:
            return text
        if rest[:1] == b"@":
            return {"@language": rest[1:].decode(), "@value": text}
        datatype = rest[2:]
        if datatype in _NATIVE:
            return Literal(text, datatype=URIRef(datatype[1:-1].decode()), normalize=False).toPython()
        if datatype == _XSD_STRING:
            return text
        return {"@type": symbol(datatype), "@value": text}

    def value(term: bytes):
        if term[:1] == b'"':  # read once per distinct literal, not per occurrence (nothing changes a value)
            found = literals.get(term)
            if found is None:
                if len(literals) > _CACHED:
                    literals.clear()
                found = literals[term] = (literal(term),)
            return found[0]
        if term[:2] == b"_:":
            referenced.add(term)
            return {"@id": term.decode()}
        return {"@id": shrink(term)}

    literals: dict[bytes, tuple] = {}  # a literal's N-Triples text: its JSON value
    referenced: set[bytes] = set()  # blank nodes met as objects: a node each, if not a subject
    done: set[bytes] = set()  # the blank nodes met as subjects
    node: Optional[dict[str, Any]] = None
    current: Optional[bytes] = None
    for line in lines:
        subject, predicate, obj = line.split(b" ", 2)
        obj = obj.rstrip(b"\n")[:-2]  # " ." (and the line break, if kept)
        if predicate in _LIST_TERMS or obj in _LIST_TERMS:
            raise _NotCovered
        if subject != current:
            if node is not None:
                yield node
            if current is not None and subject < current:
                raise _NotCovered  # the lines are not sorted (sorted lines have their subjects in order)
            if subject[:2] == b"_:":
                done.add(subject)
            current, node = subject, {"@id": identifier(subject)}
        if predicate == _RDF_TYPE:
            key, item = "@type", symbol(obj) if obj[:1] == b"<" else value(obj)
        else:
            key, item = symbol(predicate), value(obj)
        assert node is not None  # made at the first line
        present = node.get(key)
        if present is None:
            node[key] = item
        elif isinstance(present, list):
            present.append(item)
        else:
            node[key] = [present, item]
    if node is not None:
        yield node
    for term in sorted(referenced - done):
        yield {"@id": term.decode()}


#: How many IRIs and literals :func:`_json_ld_nodes` keeps read, at most (then it starts again).
_CACHED = 1 << 16


class _NotCovered(Exception):
    """A term :func:`_json_ld_document` leaves to rdflib."""


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
    if format not in EXPORT_FORMATS:
        raise BuildError(f"unknown format {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
    texts = {name: _sorted_text(nt_lines(triples)) for name, triples in graphs.items()}
    if format in ("nq", "trig"):
        return _write_graphs(texts, EXPORT_FORMATS[format])
    union = next(iter(texts.values())) if len(texts) == 1 else _sorted_text(
        line for text in texts.values() for line in text.splitlines(keepends=True))
    return _write_graph(union, format)


def _sorted_text(lines: Iterable[bytes]) -> bytes:
    """N-Triples ``lines`` sorted as bytes (the order of the triples' text; see
    :func:`write_build`), each once, as one text."""
    return b"".join(sorted(set(lines)))


def _parsed(text: bytes) -> Iterator:
    return pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES)


def _write_graph(text: bytes, format: str) -> bytes:
    """The sorted N-Triples ``text`` of one graph in ``format`` (``nt``, ``ttl``, ``jsonld``)."""
    if format == "nt":
        return text
    if format == "jsonld":
        return _json_ld_nt(text)
    return _serialize(_parsed(text), format=EXPORT_FORMATS[format], prefixes=PREFIXES)


def _write_graphs(texts: Mapping[str, bytes], rdf_format: pyoxigraph.RdfFormat) -> bytes:
    """The sorted N-Triples ``texts`` of graphs, each the named graph ``GRAPH.<name>``, in
    TriG or N-Quads."""
    # Each line made an N-Quads line by its graph's name before its end (" .\n" ends a line
    # only: N-Triples escapes a literal's line breaks), rather than a Python quad per triple.
    # One graph's N-Quads text at a time.
    quads = itertools.chain.from_iterable(
        pyoxigraph.parse(text.replace(b" .\n", b" <%s> .\n" % str(GRAPH[name]).encode()),
                         format=pyoxigraph.RdfFormat.N_QUADS)
        for name, text in texts.items())
    return _serialize(quads, format=rdf_format, prefixes=PREFIXES)


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
            graph_name = quad.graph_name
            name = names.get(graph_name.value) if isinstance(graph_name, pyoxigraph.NamedNode) else None
            if name is None:
                raise BuildError(f"{display_path(path)}: not written by kg build (a triple outside its graphs)")
            graphs[name].append(pyoxigraph.Triple(quad.subject, quad.predicate, quad.object))
    except FileNotFoundError:
        raise BuildError(f"{display_path(out_dir)}: no build there; run `kg build` first") from None
    except (OSError, SyntaxError) as error:
        raise BuildError(f"{display_path(path)}: cannot read the build ({error})") from error
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
            raise BuildError(f"{display_path(path)}: cannot read ({error.strerror or error})") from error
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
        raise BuildError(f"{display_path(target)}: cannot read the folder ({error.strerror or error})") from error
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

    :raises BuildError: the folder holds other files (:class:`~kg.errors.WriteError`: it cannot be written).
    """
    # The ontology keeps its blank nodes (OWL needs them for lists and axioms), under stable names.
    rename: dict[Node, Node] = {b: name for b, name in ontology_names(ontology).items()}
    rename.update(skolem_iris(asserted).items())
    lines = {name: nt_lines(_triples(graph, rename)) for name, graph in
             (("ontology", ontology), ("asserted", asserted), ("inferred", inferred))}
    return write_build(out_dir, lines, inputs=inputs)


def ontology_names(ontology: Graph) -> dict[BNode, BNode]:
    """The blank nodes of ``ontology`` under stable names (``o`` and :func:`stable_labels`),
    as a build writes them (OWL needs them as blank nodes, for lists and axioms)."""
    return {b: BNode("o" + name) for b, name in _stable_labels(ontology).items()}


def write_build(
    out_dir: Union[str, os.PathLike],
    lines: Mapping[str, Iterable[bytes]],
    *,
    inputs: Optional[Mapping[str, str]] = None,
) -> dict[str, int]:
    """Write the build files to ``out_dir`` from ``lines``: the N-Triples lines (``b"<s> <p>
    o .\\n"``, blank nodes already named as they are to be written) of ``ontology``,
    ``asserted`` and ``inferred``.

    What :func:`export` writes, for an engine that holds its triples in a store. The lines
    are sorted as bytes, which is the order of the triples' text (a line is that text and
    ``" ."``; no character that can follow a term's end sorts before a space). The other
    formats are written from the sorted N-Triples. Each graph's lines are read once, in the
    order ontology, asserted, inferred, when the previous graph's files are written and its
    lines let go: an iterator may make them as they are read (see
    :func:`kg.engines.fast.store_lines`), and only one graph's lines are held at a time.
    Returns the number of triples written per graph.

    :raises BuildError: the folder cannot be written, or holds other files.
    """
    target = Path(out_dir).absolute()
    counts: dict[str, int] = {}

    def write(folder: Path) -> None:
        with open(folder / "graph.trig", "wb") as trig:
            trig_header = False
            for name in _GRAPH_NAMES:
                # One graph at a time: its lines, the files made of them, then the next.
                graph = _sorted_lines(lines[name])
                counts[name] = len(graph)
                if name == "ontology":
                    text = _serialize(_parsed(b"".join(graph)), format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)
                else:
                    with open(folder / f"{name}.nt", "wb") as stream:
                        stream.writelines(graph)
                    # Oxigraph reads the file just written: no second text of the graph.
                    text = _serialize(pyoxigraph.parse(path=folder / f"{name}.nt", format=pyoxigraph.RdfFormat.N_TRIPLES),
                                      format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)
                    (folder / f"{name}.ttl").write_bytes(text)
                    with open(folder / f"{name}.jsonld", "wb") as stream:
                        _write_json_ld(graph, stream)
                del graph
                if text:
                    if not trig_header:
                        trig.write(_prefix_header())
                        trig_header = True
                    trig.write(_trig_part(name, text))
        if inputs is not None:
            record = {"about": "SHA-256 of the files this build was made from", "files": dict(sorted(inputs.items()))}
            (folder / INPUTS_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    _replace_folder(target, write)
    return counts


def _sorted_lines(lines: Iterable[bytes]) -> list[bytes]:
    """N-Triples ``lines`` sorted as bytes, each once (see :func:`write_build`).

    >>> _sorted_lines([b"<urn:b> <urn:p> <urn:o> .\\n", b"<urn:a> <urn:p> <urn:o> .\\n", b"<urn:b> <urn:p> <urn:o> .\\n"])
    [b'<urn:a> <urn:p> <urn:o> .\\n', b'<urn:b> <urn:p> <urn:o> .\\n']
    """
    ordered = sorted(lines)
    # Repeats are rare (a triple stated in two files): looked for without hashing every line.
    if any(map(operator.eq, ordered, itertools.islice(ordered, 1, None))):
        ordered = list(dict.fromkeys(ordered))
    return ordered


_PROBE = pyoxigraph.NamedNode("urn:x-kg:probe")


def _prefix_header() -> bytes:
    """What Oxigraph's Turtle and TriG writers put before the first triple: the prefixes."""
    text = _serialize([pyoxigraph.Triple(_PROBE, _PROBE, _PROBE)], format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)
    return text[:text.rindex(b"\n", 0, -1) + 1]


def _trig_part(name: str, turtle: bytes) -> bytes:
    """The part of the TriG file for the graph ``GRAPH.<name>`` whose Turtle (Oxigraph's,
    with the project's prefixes) is ``turtle``: what Oxigraph's TriG writer writes for the
    same triples after the prefixes, the Turtle's triples indented in ``<graph> { }``.

    >>> t = pyoxigraph.Triple(pyoxigraph.NamedNode("urn:a"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal("1\\n2"))
    >>> quads = [pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(str(GRAPH.asserted)))]
    >>> trig = _serialize(quads, format=pyoxigraph.RdfFormat.TRIG, prefixes=PREFIXES)
    >>> trig == _prefix_header() + _trig_part("asserted", _serialize([t], format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES))
    True
    """
    header = _prefix_header()
    graph = pyoxigraph.NamedNode(str(GRAPH[name]))
    # The graph's own line as Oxigraph writes it (a probe quad in that graph).
    probe = _serialize([pyoxigraph.Quad(_PROBE, _PROBE, _PROBE, graph)], format=pyoxigraph.RdfFormat.TRIG, prefixes=PREFIXES)
    opening = probe[len(header):probe.index(b"\n", len(header)) + 1]
    if not (turtle.startswith(header) and probe.startswith(header) and opening.endswith(b" {\n")):
        raise BuildError(f"cannot write the TriG part of {name}: Oxigraph's writers differ from what kg.export expects")
    # A literal's line breaks are escaped in both: every line break ends a line of triples.
    return opening + b"\t" + turtle[len(header):].replace(b"\n", b"\n\t")[:-1] + b"}\n"


def nt_lines(triples: Iterable) -> list[bytes]:
    """The N-Triples lines of Oxigraph ``triples`` (what :func:`write_build` takes).

    >>> t = pyoxigraph.Triple(pyoxigraph.NamedNode("urn:a"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal("1"))
    >>> nt_lines([t])
    [b'<urn:a> <urn:p> "1" .\\n']
    """
    return _serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES).splitlines(keepends=True)
