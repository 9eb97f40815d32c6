"""OWL 2 RL reasoning in the store: the rules the ontology needs, as SPARQL updates.

:func:`reason` adds to the named graph ``GRAPH.inferred`` exactly the triples that
:func:`kg.reason.reason` (owlrl) returns for the store's default graph, in seconds
instead of hours on a large graph:

1. The schema (class and property axioms, from the ontology and any data file that
   states some) is closed with owlrl itself: it is small.
2. Its axioms become rules over the instances, run by Oxigraph until nothing changes:
   sub-properties (prp-spo1), inverses (prp-inv1/2), property chains (prp-spo2),
   transitive and symmetric properties (prp-trp, prp-symp), then domains and ranges
   (prp-dom, prp-rng) and sub-classes (cax-sco).
3. The by-products :mod:`kg.reason` drops are dropped, and so is what is asserted.

Equality is the one part of OWL 2 RL done differently: when a functional or
inverse-functional property has two values (which makes owlrl derive ``owl:sameAs``),
or the schema uses an axiom the rules above do not cover (restrictions, class
expressions, keys, disjointness), the store is reasoned over with owlrl instead, so
the answer is the same either way. Literals whose lexical form does not match their
datatype raise :class:`~kg.errors.ReasoningError`, as owlrl does.

>>> import pyoxigraph
>>> store = pyoxigraph.Store()
>>> store.load(b'''@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix ex: <https://example.org/> .
...     ex:Lab rdfs:subClassOf ex:Unit .
...     ex:tongyi a ex:Lab .''', format=pyoxigraph.RdfFormat.TURTLE)
>>> reason(store)
1
>>> [str(q.object.value) for q in store.quads_for_pattern(None, None, None, INFERRED)]
['https://example.org/Unit']
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

import pyoxigraph
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import Graph, URIRef
from rdflib.collection import Collection

from kg.errors import ReasoningError
from kg.fast.store import INFERRED, from_rdflib, graph_of, to_rdflib
from kg.reason import _TOP, reason as owlrl_reason
from kg.vocab import OWL, RDF, RDFS, XSD

__all__ = ["Rules", "compile_rules", "reason"]

_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
#: Annotation properties of RDFS: not schema, however many triples use them.
_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}
#: Schema vocabulary the rules below implement (everything else sends the store to owlrl).
_SUPPORTED_PREDICATES = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf,
    OWL.propertyChainAxiom, OWL.equivalentClass, OWL.equivalentProperty, RDF.first, RDF.rest,
    OWL.imports, OWL.versionIRI, OWL.versionInfo, OWL.priorVersion, OWL.backwardCompatibleWith,
    OWL.incompatibleWith, OWL.deprecated,
}
_SUPPORTED_TYPES = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    RDF.Property, OWL.Ontology, OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty, RDFS.Datatype, OWL.NamedIndividual, OWL.Thing, OWL.DeprecatedClass,
    OWL.DeprecatedProperty, RDF.List,
}


@dataclass
class Rules:
    """The instance rules a closed schema gives, and what the rules cannot do.

    :ivar inferred: the schema-level triples owlrl derives (added to the result as they are).
    :ivar unsupported: schema triples that need full owlrl (empty when the rules suffice).
    """

    inferred: Graph
    super_properties: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    inverses: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    chains: list[tuple[URIRef, tuple[URIRef, ...]]] = field(default_factory=list)
    transitive: set[URIRef] = field(default_factory=set)
    symmetric: set[URIRef] = field(default_factory=set)
    functional: set[URIRef] = field(default_factory=set)
    inverse_functional: set[URIRef] = field(default_factory=set)
    domains: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    ranges: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    super_classes: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    unsupported: list[tuple] = field(default_factory=list)


def _schema(store: pyoxigraph.Store) -> Graph:
    """The store's schema triples: RDFS and OWL axioms, property and class declarations."""
    graph = Graph()
    predicates = [
        row["p"] for row in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
        if row["p"].value.startswith(_BUILT_IN[1:]) or row["p"].value in (str(RDF.first), str(RDF.rest))
    ]
    for predicate in predicates:
        if to_rdflib(predicate) in _ANNOTATIONS:
            continue
        for quad in store.quads_for_pattern(None, predicate, None, pyoxigraph.DefaultGraph()):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    rdf_type = pyoxigraph.NamedNode(str(RDF.type))
    for row in store.query("SELECT DISTINCT ?c WHERE { ?s a ?c }"):
        if isinstance(row["c"], pyoxigraph.NamedNode) and row["c"].value.startswith(_BUILT_IN):
            for quad in store.quads_for_pattern(None, rdf_type, row["c"], pyoxigraph.DefaultGraph()):
                graph.add((to_rdflib(quad.subject), RDF.type, to_rdflib(quad.object)))
    return graph


_CACHE: dict[frozenset, Rules] = {}


def compile_rules(schema: Graph) -> Rules:
    """Close ``schema`` with owlrl and turn its axioms into :class:`Rules` (cached per schema)."""
    key = frozenset(schema)
    if key in _CACHE:
        return _CACHE[key]
    rules = Rules(inferred=owlrl_reason(schema))
    closed = schema + rules.inferred
    for s, p, o in closed:
        if p == RDF.type:
            if o not in _SUPPORTED_TYPES and str(o).startswith(_BUILT_IN[2]):
                rules.unsupported.append((s, p, o))
        elif p not in _SUPPORTED_PREDICATES:
            rules.unsupported.append((s, p, o))
    for p, q in closed.subject_objects(RDFS.subPropertyOf):
        if p != q and isinstance(p, URIRef) and isinstance(q, URIRef):
            rules.super_properties.setdefault(p, set()).add(q)
    for p, q in closed.subject_objects(OWL.inverseOf):
        rules.inverses.add((p, q))
    for p, chain in closed.subject_objects(OWL.propertyChainAxiom):
        rules.chains.append((p, tuple(Collection(closed, chain))))
    for kind, target in ((OWL.TransitiveProperty, rules.transitive), (OWL.SymmetricProperty, rules.symmetric),
                         (OWL.FunctionalProperty, rules.functional),
                         (OWL.InverseFunctionalProperty, rules.inverse_functional)):
        target.update(p for p in closed.subjects(RDF.type, kind) if isinstance(p, URIRef))
    for prop, target in ((RDFS.domain, rules.domains), (RDFS.range, rules.ranges)):
        for p, c in closed.subject_objects(prop):
            if isinstance(p, URIRef) and isinstance(c, URIRef) and c not in _TOP:
                target.setdefault(p, set()).add(c)
    for c, d in closed.subject_objects(RDFS.subClassOf):
        if c != d and isinstance(c, URIRef) and isinstance(d, URIRef) and d not in _TOP:
            rules.super_classes.setdefault(c, set()).add(d)
    _CACHE[key] = rules
    return rules


def _check_literals(store: pyoxigraph.Store) -> None:
    """Raise as owlrl does (rule dt-not-type) for literals that do not match their datatype."""
    errors = []
    # Not xsd:string: its lexical space is every string (owlrl's converter returns it as is).
    query = f'SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER (isLITERAL(?o) && LANG(?o) = "" && DATATYPE(?o) != <{XSD.string}>) }}'
    for row in store.query(query):
        literal = row["o"]
        datatype = URIRef(literal.datatype.value)
        converter = AltXSDToPYTHON.get(datatype)
        if converter is None or datatype not in OWL_RL_Datatypes:
            continue
        try:
            converter(literal.value)
        except ValueError:
            errors.append(f"Lexical value of the literal '{literal.value}' does not match its datatype ({datatype})")
    if errors:
        errors.sort()
        shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
        raise ReasoningError(f"OWL 2 RL reasoning found the graph inconsistent: {shown}")


def _with_owlrl(store: pyoxigraph.Store, graph) -> int:
    inferred = owlrl_reason(graph_of(store))
    store.extend(pyoxigraph.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph) for s, p, o in inferred)
    return len(inferred)


class _Relations:
    """Property assertions by predicate, with the indexes the joins need."""

    def __init__(self, store: pyoxigraph.Store, predicates: Iterable[URIRef], indexed: set[URIRef]):
        self.pairs: dict[URIRef, set] = {}
        self.out: dict[URIRef, dict] = {p: defaultdict(set) for p in indexed}
        self.into: dict[URIRef, dict] = {p: defaultdict(set) for p in indexed}
        for p in predicates:
            pairs = {(q.subject, q.object) for q in store.quads_for_pattern(None, _node(p), None, pyoxigraph.DefaultGraph())}
            self.pairs[p] = set()
            self.add(p, pairs)
        self.asserted = {p: set(pairs) for p, pairs in self.pairs.items()}

    def add(self, p: URIRef, pairs: Iterable[tuple]) -> set:
        """Add ``pairs`` to ``p``; return those that are new."""
        known = self.pairs.setdefault(p, set())
        new = {pair for pair in pairs if pair not in known}
        known |= new
        if p in self.out:
            for x, y in new:
                self.out[p][x].add(y)
                self.into[p][y].add(x)
        return new


def _node(term: URIRef) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(str(term))


def _close_properties(relations: _Relations, rules: Rules) -> None:
    """Apply the property rules (semi-naive) until nothing new is derived."""
    inverse: dict[URIRef, set[URIRef]] = defaultdict(set)
    for p, q in rules.inverses:
        inverse[p].add(q)
        inverse[q].add(p)
    delta = {p: set(pairs) for p, pairs in relations.pairs.items() if pairs}
    while delta:
        derived: dict[URIRef, set] = defaultdict(set)
        for p, pairs in delta.items():
            for q in rules.super_properties.get(p, ()):
                derived[q] |= pairs
            for q in inverse.get(p, ()):
                derived[q] |= {(y, x) for x, y in pairs if not isinstance(y, pyoxigraph.Literal)}
            if p in rules.symmetric:
                derived[p] |= {(y, x) for x, y in pairs if not isinstance(y, pyoxigraph.Literal)}
            if p in rules.transitive:
                out, into = relations.out[p], relations.into[p]
                for x, y in pairs:
                    derived[p].update((x, z) for z in out.get(y, ()))
                    derived[p].update((w, y) for w in into.get(x, ()))
        for q, chain in rules.chains:
            if any(step in delta for step in chain):
                # Chains are short and their relations small: join them in full.
                ends = {(x, y) for x, y in relations.pairs.get(chain[0], ())}
                for step in chain[1:]:
                    out = relations.out[step]
                    ends = {(x, z) for x, y in ends for z in out.get(y, ())}
                derived[q] |= ends
        delta = {}
        for q, pairs in derived.items():
            new = relations.add(q, pairs)
            if new:
                delta[q] = new


def reason(store: pyoxigraph.Store, *, rules: Optional[Rules] = None, into=INFERRED) -> int:
    """Add the OWL 2 RL inferences of the default graph to the graph ``GRAPH.inferred``.

    The store is changed in place (that is the point: nothing is copied); whatever the
    inferred graph held before is replaced. Returns the number of inferred triples, the
    same triples :func:`kg.reason.reason` returns for the default graph.

    :param rules: rules compiled beforehand with :func:`compile_rules` (by default, from
        the store's own schema).
    :param into: the graph to write to: ``INFERRED`` (emptied first), or
        ``pyoxigraph.DefaultGraph()`` to add the inferences to what was loaded, as owlrl
        does to an rdflib graph, so that any query of the default graph sees them.
    :raises ReasoningError: a literal does not match its datatype (owlrl's inconsistency).
    """
    if into == INFERRED:
        store.update(f"CLEAR SILENT GRAPH <{INFERRED.value}>")
    _check_literals(store)
    rules = compile_rules(_schema(store)) if rules is None else rules
    if rules.unsupported:
        return _with_owlrl(store, into)
    frozen = gc.isenabled()
    gc.disable()
    try:
        return _reason(store, rules, into)
    finally:
        if frozen:
            gc.enable()


def _reason(store: pyoxigraph.Store, rules: Rules, graph) -> int:
    # 1. Property rules over the predicates they read and write.
    indexed = set(rules.transitive) | {step for _, chain in rules.chains for step in chain}
    involved = set(indexed) | rules.symmetric | rules.functional | rules.inverse_functional
    for p, supers in rules.super_properties.items():
        involved |= {p} | supers
    for p, q in rules.inverses:
        involved |= {p, q}
    involved |= {q for q, _ in rules.chains}
    relations = _Relations(store, involved, indexed)
    _close_properties(relations, rules)
    for p in rules.functional | rules.inverse_functional:
        seen: dict = {}
        for x, y in relations.pairs.get(p, ()):
            key, value = (x, y) if p in rules.functional else (y, x)
            if seen.setdefault(key, value) != value:
                return _with_owlrl(store, graph)
    if any(True for _ in store.quads_for_pattern(None, _node(OWL.sameAs), None)):
        return _with_owlrl(store, graph)

    # 2. Types: asserted, from domains and ranges, then every super-class.
    rdf_type = _node(RDF.type)
    base: dict = defaultdict(set)
    asserted_types: dict = defaultdict(set)
    for quad in store.quads_for_pattern(None, rdf_type, None, pyoxigraph.DefaultGraph()):
        asserted_types[quad.subject].add(quad.object)
    for x, classes in asserted_types.items():
        base[x] |= classes
    for p in set(rules.domains) | set(rules.ranges):
        domains = {_node(c) for c in rules.domains.get(p, ())}
        ranges = {_node(c) for c in rules.ranges.get(p, ())}
        if p in relations.pairs:
            pairs = relations.pairs[p]
        else:
            pairs = ((q.subject, q.object) for q in store.quads_for_pattern(None, _node(p), None, pyoxigraph.DefaultGraph()))
        for x, y in pairs:
            if domains:
                base[x] |= domains
            if ranges and not isinstance(y, pyoxigraph.Literal):
                base[y] |= ranges
    supers = {_node(c): {_node(d) for d in ds} for c, ds in rules.super_classes.items()}
    closure: dict[frozenset, frozenset] = {}

    def types_of(classes: set) -> frozenset:
        key = frozenset(classes)
        if key not in closure:
            closure[key] = key.union(*(supers.get(c, ()) for c in key))
        return closure[key]

    # 3. What is new, without the by-products kg.reason drops, streamed to the store's
    # bulk loader in the order made (grouped by subject and predicate, which it takes
    # in about half the time of a set's order), never held as one collection.
    top = {_node(t) for t in _TOP}

    def built_in(x) -> bool:
        return isinstance(x, pyoxigraph.Literal) or (isinstance(x, pyoxigraph.NamedNode) and x.value.startswith(_BUILT_IN))

    def new_type(x, c) -> bool:
        return c not in asserted_types.get(x, ()) and c not in top and not built_in(x)

    def new_pair(p: URIRef, x, y) -> bool:
        return (x, y) not in relations.asserted.get(p, ()) and not built_in(x)

    def made():
        for x, classes in base.items():
            yield from ((x, rdf_type, c) for c in types_of(classes) if new_type(x, c))
        for p, pairs in relations.pairs.items():
            predicate = _node(p)
            yield from ((x, predicate, y) for x, y in pairs if new_pair(p, x, y))
        # Schema triples owlrl derives, unless made above or already in the store.
        for triple in rules.inferred:
            s, predicate, o = map(from_rdflib, triple)
            p = triple[1]
            if p == RDF.type and s in base and o in types_of(base[s]) and new_type(s, o):
                continue
            if (s, o) in relations.pairs.get(p, ()) and new_pair(p, s, o):
                continue
            if pyoxigraph.Quad(s, predicate, o, pyoxigraph.DefaultGraph()) not in store:
                yield s, predicate, o

    count = 0

    def quads() -> Iterator[pyoxigraph.Quad]:
        nonlocal count
        for s, p, o in made():
            count += 1
            yield pyoxigraph.Quad(s, p, o, graph)

    store.bulk_extend(quads())
    return count
