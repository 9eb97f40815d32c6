"""OWL 2 RL reasoning over an Oxigraph store: owlrl's triples, computed in Python.

:func:`reason` adds to the named graph ``GRAPH.inferred`` exactly the triples that
:func:`kg.reason.reason` (owlrl) returns for the store's default graph, in seconds
instead of hours on a large graph. The rules run in Python over the store's triples
(read with ``quads_for_pattern``, indexed in dictionaries), not as SPARQL:

1. The schema (class and property axioms, from the ontology and any data file that
   states some, including those written through a user's own vocabulary, such as a
   sub-property of ``rdfs:subClassOf`` or a subclass of ``owl:TransitiveProperty``) is
   closed with owlrl itself: it is small.
2. Its axioms become rules over the instances, applied semi-naively until nothing
   changes: sub-properties and equivalent properties (prp-spo1, prp-eqp), inverses,
   also of a blank-node inverse expression (prp-inv), property chains (prp-spo2),
   transitive and symmetric properties (prp-trp, prp-symp), domains and ranges
   (prp-dom, prp-rng), sub-classes and equivalent classes (cax-sco, cax-eqc; unions and
   intersections through the schema, cls-uni, cls-int2), and the class expressions
   cls-int1, cls-svf1/2, cls-avf, cls-hv1/2, cls-oo.
3. Equality: the nodes ``owl:sameAs`` makes one, stated or derived (prp-fp, prp-ifp,
   cls-maxc2, cls-maxqc3/4, prp-key, a user's sub-property of ``owl:sameAs``), are one
   node to the rules above (eq-sym, eq-trans, as a union-find), which run again from
   the start when they make two nodes the same; then every triple of a class is given
   to each of its nodes (eq-rep-s, eq-rep-o).
4. The rules that find a graph inconsistent raise :class:`~kg.errors.ReasoningError`
   as owlrl does: cax-dw, cax-adc, cls-com, cls-nothing2, cls-maxc1, cls-maxqc1/2,
   prp-irp, prp-asyp, prp-pdw, prp-adp, prp-npa1/2, eq-diff1-3, and dt-not-type (a
   literal whose lexical form does not match its datatype, of any kind of failure).
5. The by-products :mod:`kg.reason` drops are dropped, and so is what is asserted.

Two things are not in these rules: ``owl:sameAs`` between properties or classes
(eq-rep-p), and a sub-property or super-property of ``rdf:type``. For those the whole
graph is reasoned with owlrl instead, so the answer is the same, and the result says
so: :attr:`Reasoned.engine` is ``"owlrl"`` and :attr:`Reasoned.warnings` names the
statement and the feature (``kg build`` prints it).

>>> import pyoxigraph
>>> store = pyoxigraph.Store()
>>> store.load(b'''@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix ex: <https://example.org/> .
...     ex:Lab rdfs:subClassOf ex:Unit .
...     ex:tongyi a ex:Lab .''', format=pyoxigraph.RdfFormat.TURTLE)
>>> result = reason(store)
>>> result, result.engine, result.warnings
(1, 'fast', ())
>>> [str(q.object.value) for q in store.quads_for_pattern(None, None, None, INFERRED)]
['https://example.org/Unit']
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, cast

import pyoxigraph
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.fast.store import INFERRED, from_rdflib, graph_of, to_rdflib
from kg.reason import inconsistent, literal_errors
from kg.reason import reason as owlrl_reason
from kg.vocab import OWL, RDF, RDFS, TOP_TERMS, XSD

__all__ = ["Reasoned", "Rules", "collection_paused", "compile_rules", "reason"]

_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
#: Annotation properties of RDFS: not schema, however many triples use them.
_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}
_RL_DATATYPES = {str(dt) for dt in OWL_RL_Datatypes}


class Reasoned(int):
    """What :func:`reason` did: the number of inferred triples (it is that ``int``), and how.

    :ivar engine: ``"fast"`` (the rules of this module) or ``"owlrl"`` (the whole graph
        went to owlrl, for a feature the rules do not have; the warnings say which).
    :ivar warnings: one sentence for each reason the fast rules were not enough.

    >>> result = Reasoned(3, engine="owlrl", warnings=["why"])
    >>> result + 1, result.engine, result.warnings
    (4, 'owlrl', ('why',))
    """

    engine: str
    warnings: tuple[str, ...]

    def __new__(cls, count: int, *, engine: str = "fast", warnings: Iterable[str] = ()):
        result = super().__new__(cls, count)
        result.engine = engine
        result.warnings = tuple(warnings)
        return result


@dataclass
class Rules:
    """The instance rules a closed schema gives, and what the rules cannot do.

    Properties are rdflib terms: IRIs, or blank nodes for an inverse expression
    (``[ owl:inverseOf ex:p ]``), whose pairs are derived but never written (owlrl drops
    triples with a blank-node predicate too).

    :ivar inferred: the schema-level triples owlrl derives (added to the result as they are).
    :ivar unsupported: ``(statement, feature)`` pairs the rules cannot run (a sub-property
        or super-property of ``rdf:type``); empty when the rules suffice.
    """

    inferred: Graph
    super_properties: dict[Node, set[Node]] = field(default_factory=dict)
    inverses: set[tuple[Node, Node]] = field(default_factory=set)
    chains: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)
    transitive: set[Node] = field(default_factory=set)
    symmetric: set[Node] = field(default_factory=set)
    functional: set[Node] = field(default_factory=set)
    inverse_functional: set[Node] = field(default_factory=set)
    irreflexive: set[Node] = field(default_factory=set)
    asymmetric: set[Node] = field(default_factory=set)
    domains: dict[Node, set[Node]] = field(default_factory=dict)
    ranges: dict[Node, set[Node]] = field(default_factory=dict)
    super_classes: dict[Node, set[Node]] = field(default_factory=dict)
    #: cls-int1: (intersection, its classes).
    intersections: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)
    #: cls-svf1/2, cls-avf, cls-hv1/2: (restriction, property, class or value).
    some_values: list[tuple[Node, Node, Node]] = field(default_factory=list)
    all_values: list[tuple[Node, Node, Node]] = field(default_factory=list)
    has_value: list[tuple[Node, Node, Node]] = field(default_factory=list)
    #: cls-maxc*, cls-maxqc*: (restriction, property, onClass or None, 0 or 1).
    max_cardinality: list[tuple[Node, Node, Optional[Node], int]] = field(default_factory=list)
    #: prp-key: (class, its key properties).
    keys: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)
    #: cax-dw, cax-adc, cls-com: (class, class, message format).
    disjoint_classes: list[tuple[Node, Node, str]] = field(default_factory=list)
    #: prp-pdw, prp-adp: (property, property, message format).
    disjoint_properties: list[tuple[Node, Node, str]] = field(default_factory=list)
    #: prp-npa1/2: (source individual, property, target).
    negative: list[tuple[Node, Node, Node]] = field(default_factory=list)
    #: eq-diff1: ``owl:differentFrom`` pairs; eq-diff2/3: the members of each ``owl:AllDifferent``.
    different: list[tuple[Node, Node]] = field(default_factory=list)
    all_different: list[tuple[Node, ...]] = field(default_factory=list)
    unsupported: list[tuple] = field(default_factory=list)

    @property
    def class_rules(self) -> bool:
        """Whether any rule mixes types and property values (beyond domains and ranges)."""
        return bool(self.intersections or self.some_values or self.all_values or self.has_value
                    or self.max_cardinality or self.keys)

    @property
    def literal_types(self) -> bool:
        """Whether a rule may read the types of literals, so that they must be kept: owlrl
        types a literal with its datatype (dt-type2) and the ranges of its property, and
        two disjoint datatypes on one literal (``"2026"^^xsd:gYear`` as the value of a
        property whose range is ``xsd:date``) make the graph inconsistent (cax-dw)."""
        datatype_range = any(str(c) in _RL_DATATYPES for cs in self.ranges.values() for c in cs)
        return self.class_rules or bool(self.disjoint_classes) or datatype_range

    def vocabulary(self) -> set[Node]:
        """The properties and classes the rules name (equality of two of them is not in the rules)."""
        terms = self.properties() | set(self.super_classes) | {d for ds in self.super_classes.values() for d in ds}
        for target in (self.domains, self.ranges):
            terms |= {c for cs in target.values() for c in cs}
        terms |= {c for c, cs in self.intersections for c in (c, *cs)}
        terms |= {x for r, _, d in self.some_values + self.all_values for x in (r, d)}
        terms |= {r for r, _, _ in self.has_value} | {r for r, _, _, _ in self.max_cardinality}
        terms |= {c for _, _, c, _ in self.max_cardinality if c is not None} | {c for c, _ in self.keys}
        terms |= {c for a, b, _ in self.disjoint_classes for c in (a, b)}
        return terms

    def properties(self) -> set[Node]:
        """Every property a rule reads or writes."""
        involved = set(self.transitive) | self.symmetric | self.functional | self.inverse_functional
        involved |= self.irreflexive | self.asymmetric
        for p, supers in self.super_properties.items():
            involved |= {p} | supers
        for p, q in self.inverses:
            involved |= {p, q}
        for q, chain in self.chains:
            involved |= {q, *chain}
        for _, p, _ in self.some_values + self.all_values + self.has_value:
            involved.add(p)
        involved |= {p for _, p, _, _ in self.max_cardinality}
        involved |= {p for _, key in self.keys for p in key}
        involved |= {p for a, b, _ in self.disjoint_properties for p in (a, b)}
        involved |= {p for _, p, _ in self.negative}
        return involved

    def indexed(self) -> set[Node]:
        """The properties whose pairs are looked up by subject or object."""
        indexed = set(self.transitive) | {step for _, chain in self.chains for step in chain}
        indexed |= {p for _, p, _ in self.some_values + self.all_values + self.has_value}
        indexed |= {p for _, p, _, _ in self.max_cardinality}
        indexed |= {p for _, key in self.keys for p in key}
        return indexed


def _in_vocabulary(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_BUILT_IN)


def _user_vocabulary(schema: Graph) -> tuple[set[Node], set[Node]]:
    """A user's properties that are sub-properties of a built-in one (``ex:narrower
    rdfs:subPropertyOf rdfs:subClassOf``), and a user's classes that are subclasses of
    a built-in one (``ex:Ancestry rdfs:subClassOf owl:TransitiveProperty``)."""

    def reaching(link: tuple[URIRef, ...]) -> set[Node]:
        found, changed = set(), True
        while changed:
            changed = False
            for relation in link:
                for a, b in schema.subject_objects(relation):
                    if not _in_vocabulary(a) and a not in found and (_in_vocabulary(b) or b in found):
                        found.add(a)
                        changed = True
                    if relation != RDFS.subClassOf and relation != RDFS.subPropertyOf:
                        if not _in_vocabulary(b) and b not in found and (_in_vocabulary(a) or a in found):
                            found.add(b)
                            changed = True
        return found

    return (reaching((RDFS.subPropertyOf, OWL.equivalentProperty)),
            reaching((RDFS.subClassOf, OWL.equivalentClass)))


def _schema(store: pyoxigraph.Store) -> Graph:
    """The store's schema triples: RDFS and OWL axioms, property and class declarations,
    and the triples of a user's sub-properties of RDFS and OWL properties and the
    ``rdf:type`` triples of a user's subclasses of RDFS and OWL classes."""
    graph = Graph()
    default = pyoxigraph.DefaultGraph()
    predicates = [
        row["p"] for row in cast(pyoxigraph.QuerySolutions, store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }"))
        if row["p"].value.startswith(_BUILT_IN[1:]) or row["p"].value in (str(RDF.first), str(RDF.rest))
    ]
    for predicate in predicates:
        if to_rdflib(predicate) in _ANNOTATIONS:
            continue
        for quad in store.quads_for_pattern(None, predicate, None, default):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    rdf_type = pyoxigraph.NamedNode(str(RDF.type))
    for row in cast(pyoxigraph.QuerySolutions, store.query("SELECT DISTINCT ?c WHERE { ?s a ?c }")):
        if isinstance(row["c"], pyoxigraph.NamedNode) and row["c"].value.startswith(_BUILT_IN):
            for quad in store.quads_for_pattern(None, rdf_type, row["c"], default):
                graph.add((to_rdflib(quad.subject), RDF.type, to_rdflib(quad.object)))
    done: set[Node] = set()
    while True:
        properties, classes = _user_vocabulary(graph)
        todo = (properties | classes) - done
        if not todo:
            return graph
        done |= todo
        for term in todo & properties:
            for quad in store.quads_for_pattern(None, from_rdflib(term), None, default):
                graph.add((to_rdflib(quad.subject), term, to_rdflib(quad.object)))
        for term in todo & classes:
            for quad in store.quads_for_pattern(None, rdf_type, from_rdflib(term), default):
                graph.add((to_rdflib(quad.subject), RDF.type, term))


_CACHE: dict[frozenset, Rules] = {}


def _members(graph: Graph, head: Node) -> tuple[Node, ...]:
    return tuple(Collection(graph, head))


def compile_rules(schema: Graph) -> Rules:
    """Close ``schema`` with owlrl and turn its axioms into :class:`Rules` (cached per schema).

    :raises ReasoningError: the schema alone is inconsistent.
    """
    key = frozenset(schema)
    if key in _CACHE:
        return _CACHE[key]
    rules = Rules(inferred=owlrl_reason(schema))
    closed = schema + rules.inferred
    rules.different = [(x, y) for x, y in closed.subject_objects(OWL.differentFrom)]
    for x in closed.subjects(RDF.type, OWL.AllDifferent):
        for head in [*closed.objects(x, OWL.members), *closed.objects(x, OWL.distinctMembers)]:
            rules.all_different.append(_members(closed, head))
    for p, q in closed.subject_objects(RDFS.subPropertyOf):
        if p != q and not isinstance(p, Literal) and not isinstance(q, Literal):
            rules.super_properties.setdefault(p, set()).add(q)
    for p, q in closed.subject_objects(OWL.equivalentProperty):
        if p != q and not isinstance(p, Literal) and not isinstance(q, Literal):
            rules.super_properties.setdefault(p, set()).add(q)
            rules.super_properties.setdefault(q, set()).add(p)
    for p, q in closed.subject_objects(OWL.inverseOf):
        if not isinstance(p, Literal) and not isinstance(q, Literal):
            rules.inverses.add((p, q))
    for p, chain in closed.subject_objects(OWL.propertyChainAxiom):
        steps = _members(closed, chain)
        if steps:
            rules.chains.append((p, steps))
    for kind, target in ((OWL.TransitiveProperty, rules.transitive), (OWL.SymmetricProperty, rules.symmetric),
                         (OWL.FunctionalProperty, rules.functional),
                         (OWL.InverseFunctionalProperty, rules.inverse_functional),
                         (OWL.IrreflexiveProperty, rules.irreflexive), (OWL.AsymmetricProperty, rules.asymmetric)):
        target.update(p for p in closed.subjects(RDF.type, kind) if not isinstance(p, Literal))
    for prop, table in ((RDFS.domain, rules.domains), (RDFS.range, rules.ranges)):
        for p, c in closed.subject_objects(prop):
            if not isinstance(p, Literal) and not isinstance(c, Literal) and c not in TOP_TERMS:
                table.setdefault(p, set()).add(c)
    for c, d in list(closed.subject_objects(RDFS.subClassOf)) + list(closed.subject_objects(OWL.equivalentClass)):
        for a, b in ((c, d), (d, c)) if (c, OWL.equivalentClass, d) in closed else ((c, d),):
            if a != b and not isinstance(a, Literal) and not isinstance(b, Literal) and b not in TOP_TERMS:
                rules.super_classes.setdefault(a, set()).add(b)
    for c, head in closed.subject_objects(OWL.intersectionOf):
        classes = _members(closed, head)
        if classes:
            rules.intersections.append((c, classes))
    for r, p in closed.subject_objects(OWL.onProperty):
        for filler in closed.objects(r, OWL.someValuesFrom):
            rules.some_values.append((r, p, filler))
        for filler in closed.objects(r, OWL.allValuesFrom):
            rules.all_values.append((r, p, filler))
        for value in closed.objects(r, OWL.hasValue):
            rules.has_value.append((r, p, value))
        for n in closed.objects(r, OWL.maxCardinality):
            if isinstance(n, Literal) and n.value in (0, 1):
                rules.max_cardinality.append((r, p, None, n.value))
        for n in closed.objects(r, OWL.maxQualifiedCardinality):
            if isinstance(n, Literal) and n.value in (0, 1):
                for c in closed.objects(r, OWL.onClass):
                    rules.max_cardinality.append((r, p, c, n.value))
    for c, head in closed.subject_objects(OWL.hasKey):
        properties = _members(closed, head)
        if properties:
            rules.keys.append((c, properties))
    dw = "Disjoint classes %s and %s have a common individual %s"
    for c1, c2 in closed.subject_objects(OWL.disjointWith):
        rules.disjoint_classes.append((c1, c2, dw))
    for c1, c2 in closed.subject_objects(OWL.complementOf):
        rules.disjoint_classes.append((c1, c2, "Violation of complementarity for classes %s and %s on element %s"))
    for x in closed.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in closed.objects(x, OWL.members):
            classes = _members(closed, head)
            rules.disjoint_classes += [(a, b, dw) for i, a in enumerate(classes) for b in classes[i + 1:]]
    pdw = "Erroneous usage of disjoint properties %s and %s on %s and %s"
    for p1, p2 in closed.subject_objects(OWL.propertyDisjointWith):
        rules.disjoint_properties.append((p1, p2, pdw))
    adp = "Disjoint properties in an 'AllDisjointProperties' are not really disjoint: (%s, %s,%s) and (%s,%s,%s)"
    for x in closed.subjects(RDF.type, OWL.AllDisjointProperties):
        for head in closed.objects(x, OWL.members):
            properties = _members(closed, head)
            rules.disjoint_properties += [(a, b, adp) for i, a in enumerate(properties) for b in properties[i + 1:]]
    for x, i1 in closed.subject_objects(OWL.sourceIndividual):
        for p in closed.objects(x, OWL.assertionProperty):
            for link in (OWL.targetIndividual, OWL.targetValue):
                rules.negative += [(i1, p, i2) for i2 in closed.objects(x, link)]
    for p, supers in rules.super_properties.items():
        for q in supers:
            if RDF.type in (p, q):
                rules.unsupported.append(((p, RDFS.subPropertyOf, q), "a sub-property or super-property of rdf:type"))
    _CACHE[key] = rules
    return rules


def _literals(store: pyoxigraph.Store) -> set[pyoxigraph.NamedNode]:
    """Raise as owlrl does (rule dt-not-type) for literals that do not match their
    datatype; return the datatypes of the store's literals (xsd:string aside: its
    lexical space is every string, and Oxigraph does not tell it from a plain literal)."""
    query = f'SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER (isLITERAL(?o) && LANG(?o) = "" && DATATYPE(?o) != <{XSD.string}>) }}'
    literals = [(row["o"].value, row["o"].datatype.value) for row in cast(pyoxigraph.QuerySolutions, store.query(query))]
    errors = literal_errors(literals)
    if errors:
        raise inconsistent(errors)
    return {pyoxigraph.NamedNode(datatype) for _, datatype in literals}


def _with_owlrl(store: pyoxigraph.Store, graph, warnings: list[str]) -> Reasoned:
    inferred = owlrl_reason(graph_of(store))
    store.extend(pyoxigraph.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph) for s, p, o in inferred)
    return Reasoned(len(inferred), engine="owlrl", warnings=warnings)


_RDF_TYPE = from_rdflib(RDF.type)
_TOP_NODES = {from_rdflib(t) for t in TOP_TERMS}
_REFLEXIVE = {from_rdflib(p) for p in (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf,
                                       RDFS.subPropertyOf)}
_HIERARCHY = {from_rdflib(RDFS.subClassOf), from_rdflib(RDFS.subPropertyOf)}
_NOTHING = from_rdflib(OWL.Nothing)
_OXIGRAPH_TERMS = (pyoxigraph.NamedNode, pyoxigraph.BlankNode, pyoxigraph.Literal)


def _built_in(x) -> bool:
    """A literal, or a term of the RDF, RDFS, OWL or XSD vocabularies."""
    return isinstance(x, pyoxigraph.Literal) or (isinstance(x, pyoxigraph.NamedNode) and x.value.startswith(_BUILT_IN))


def _noise(s, p, o) -> bool:
    """The by-products :mod:`kg.reason` drops (its ``_is_noise``), for Oxigraph terms."""
    return (_built_in(s) or (p == _RDF_TYPE and o in _TOP_NODES) or (s == o and p in _REFLEXIVE)
            or (p in _HIERARCHY and (o in _TOP_NODES or s == _NOTHING)))


def _datatypes_of(literal: pyoxigraph.Literal) -> frozenset:
    """Rule dt-type2: the datatype of ``literal`` and those it is a subtype of (an OWL 2 RL
    datatype other than xsd:string, which Oxigraph does not tell from a plain literal)."""
    datatype = literal.datatype
    if datatype not in _DATATYPE_CLASSES:
        iri = datatype.value
        _DATATYPE_CLASSES[datatype] = frozenset() if iri not in _RL_DATATYPES or iri == str(XSD.string) else (
            frozenset({datatype, *map(from_rdflib, OWL_Datatype_Subsumptions.get(URIRef(iri), ()))}))
    return _DATATYPE_CLASSES[datatype]


_DATATYPE_CLASSES: dict = {}


class _Relations:
    """Property assertions by property, with the indexes the joins need."""

    def __init__(self, store: pyoxigraph.Store, predicates: Iterable[Node], indexed: set[Node], find=None):
        self.pairs: dict[Node, set] = {}
        self.out: dict[Node, dict] = {p: defaultdict(set) for p in indexed}
        self.into: dict[Node, dict] = {p: defaultdict(set) for p in indexed}
        for p in predicates:
            self.pairs[p] = set()
            if isinstance(p, URIRef):  # a blank-node property has no asserted pairs
                quads = store.quads_for_pattern(None, from_rdflib(p), None, pyoxigraph.DefaultGraph())
                if find is None:
                    self.add(p, {(q.subject, q.object) for q in quads})
                else:
                    self.add(p, {(find(q.subject), find(q.object)) for q in quads})
        self.asserted = {p: set(pairs) for p, pairs in self.pairs.items()}

    def add(self, p: Node, pairs: Iterable[tuple]) -> set:
        """Add ``pairs`` to ``p``; return those that are new."""
        known = self.pairs.setdefault(p, set())
        new = {pair for pair in pairs if pair not in known}
        known |= new
        if p in self.out:
            for x, y in new:
                self.out[p][x].add(y)
                self.into[p][y].add(x)
        return new


def _close_properties(relations: _Relations, rules: Rules, delta: Optional[dict] = None) -> dict[Node, set]:
    """Apply the property rules (semi-naive) until nothing new is derived.

    :param delta: the pairs new since the last closure (by default, all of them).
    :return: the pairs this closure added, by property.
    """
    inverse: dict[Node, set[Node]] = defaultdict(set)
    for p, q in rules.inverses:
        inverse[p].add(q)
        inverse[q].add(p)
    if delta is None:
        delta = {p: set(pairs) for p, pairs in relations.pairs.items() if pairs}
    added: dict[Node, set] = defaultdict(set)
    while delta:
        derived: dict[Node, set] = defaultdict(set)
        for p, pairs in delta.items():
            for q in rules.super_properties.get(p, ()):
                derived[q] |= pairs
            # A literal may be a subject here, as in owlrl: never written, but an inverse
            # of it or a chain through it is.
            for q in inverse.get(p, ()):
                derived[q] |= {(y, x) for x, y in pairs}
            if p in rules.symmetric:
                derived[p] |= {(y, x) for x, y in pairs}
            if p in rules.transitive:
                out, into = relations.out[p], relations.into[p]
                for x, y in pairs:
                    derived[p].update((x, z) for z in out.get(y, ()))
                    derived[p].update((w, y) for w in into.get(x, ()))
        for q, chain in rules.chains:
            if any(step in delta for step in chain):
                # Chains are short and their relations small: join them in full.
                ends = set(relations.pairs.get(chain[0], ()))
                for step in chain[1:]:
                    out = relations.out[step]
                    ends = {(x, z) for x, y in ends for z in out.get(y, ())}
                derived[q] |= ends
        delta = {}
        for q, pairs in derived.items():
            new = relations.add(q, pairs)
            if new:
                delta[q] = new
                added[q] |= new
    return added


def reason(store: pyoxigraph.Store, *, rules: Optional[Rules] = None, into=INFERRED) -> Reasoned:
    """Add the OWL 2 RL inferences of the default graph to the graph ``GRAPH.inferred``.

    The store is changed in place (that is the point: nothing is copied); whatever the
    inferred graph held before is replaced. Returns the number of inferred triples, the
    same triples :func:`kg.reason.reason` returns for the default graph, as a
    :class:`Reasoned` (an ``int`` that also tells which engine ran and why).

    :param rules: rules compiled beforehand with :func:`compile_rules` (by default, from
        the store's own schema).
    :param into: the graph to write to: ``INFERRED`` (emptied first), or
        ``pyoxigraph.DefaultGraph()`` to add the inferences to what was loaded, as owlrl
        does to an rdflib graph, so that any query of the default graph sees them.
    :raises ReasoningError: the graph is inconsistent (a literal that does not match its
        datatype, an individual of two disjoint classes, ...), as owlrl finds it.
    """
    if into == INFERRED:
        store.update(f"CLEAR SILENT GRAPH <{INFERRED.value}>")
    datatypes = _literals(store)
    rules = compile_rules(_schema(store)) if rules is None else rules
    if rules.unsupported:
        (s, p, o), feature = rules.unsupported[0]
        return _with_owlrl(store, into, [f"{s} {p} {o}: {feature} is not in the fast rules; "
                                         "the whole graph was reasoned with owlrl"])
    with collection_paused():
        return _reason(store, rules, into, datatypes)


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the block runs (and then resumed, if
    it ran before). The stages over a large store make many objects that live on (sets of
    pairs, triples), each thousand of which starts a collection that walks the objects of
    its generation; the build makes few cycles. At 1M triples this halves the CPU time of
    :func:`kg.timebounds.store_day_bounds` (3.2 s to 1.3 s).

    >>> with collection_paused():
    ...     gc.isenabled()
    False
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


class _SameAs:
    """Rules eq-sym and eq-trans: the classes of nodes ``owl:sameAs`` makes one (a
    union-find; an IRI or blank node stands for its class before a literal)."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def __bool__(self) -> bool:
        return bool(self.parent)

    def find(self, x):
        root = x
        while root in self.parent:
            root = self.parent[root]
        while x in self.parent and self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a, b) -> bool:
        """Make ``a`` and ``b`` one; whether they were two."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        if (isinstance(a, pyoxigraph.Literal), str(a)) > (isinstance(b, pyoxigraph.Literal), str(b)):
            a, b = b, a
        self.parent[b] = a
        return True

    def literals(self) -> list:
        """The literals the same as another node."""
        return [x for x in self.parent if isinstance(x, pyoxigraph.Literal)] + [
            x for x in set(self.parent.values()) if isinstance(x, pyoxigraph.Literal) and x not in self.parent]

    def classes(self) -> dict:
        """Each class of more than one node, by the node that stands for it."""
        found: dict = defaultdict(set)
        for x in list(self.parent):
            root = self.find(x)
            found[root] |= {root, x}
        return found


def _reason(store: pyoxigraph.Store, rules: Rules, graph, datatypes: set) -> Reasoned:
    """The rules over the instances, on the graph with each ``owl:sameAs`` class as one
    node; when the rules make two nodes the same, again from the start (rarely more than
    twice); then the triples of each class given to every node of it (eq-rep-s/o)."""
    same = _SameAs()
    for quad in store.quads_for_pattern(None, from_rdflib(OWL.sameAs), None, pyoxigraph.DefaultGraph()):
        same.union(quad.subject, quad.object)
    for s, o in rules.inferred.subject_objects(OWL.sameAs):
        same.union(from_rdflib(s), from_rdflib(o))
    while True:
        find = same.find if same else None
        # 1. Property rules over the predicates they read and write.
        relations = _Relations(store, rules.properties(), rules.indexed(), find)
        _close_properties(relations, rules)
        # owl:sameAs made by a user's sub-property of it, and by prp-fp and prp-ifp.
        merges = [(x, y) for x, y in relations.pairs.get(OWL.sameAs, ()) if x != y] + _functional(relations, rules)
        types = None
        if not merges:
            # 2. Types: asserted, from domains and ranges, then every super-class; then
            # the class expressions, until nothing changes.
            types = _Types(store, rules, relations, full=rules.literal_types, find=find, literals=same.literals())
            if rules.class_rules:
                merges = _class_expressions(relations, rules, types, find)
        if merges and any([same.union(a, b) for a, b in merges]):
            continue
        if types is None:
            types = _Types(store, rules, relations, full=rules.literal_types, find=find, literals=same.literals())
        break
    if same:
        problem = _equality_of_vocabulary(store, rules, same)
        if problem:
            return _with_owlrl(store, graph, [f"{problem}: equality of classes or properties (rule eq-rep-p) "
                                              "is not in the fast rules; the whole graph was reasoned with owlrl"])
    _check(relations, rules, types, datatypes, same)
    if same:
        return Reasoned(_write_with_equality(store, rules, relations, types, graph, same))
    return Reasoned(_write(store, rules, relations, types, graph))


def _functional(relations: _Relations, rules: Rules) -> list[tuple]:
    """The nodes prp-fp and prp-ifp make ``owl:sameAs``."""
    merges = []
    for properties, forward in ((rules.functional, True), (rules.inverse_functional, False)):
        for p in properties:  # a property may be both
            seen: dict = {}
            for x, y in relations.pairs.get(p, ()):
                key, value = (x, y) if forward else (y, x)
                if seen.setdefault(key, value) != value:
                    merges.append((seen[key], value))
    return merges


def _equality_of_vocabulary(store: pyoxigraph.Store, rules: Rules, same: _SameAs) -> Optional[str]:
    """The first ``owl:sameAs`` of a property or class, if any: a statement of it."""
    vocabulary = {from_rdflib(t) for t in rules.vocabulary() if isinstance(t, (URIRef, BNode))}
    rdf_type = from_rdflib(RDF.type)
    for members in same.classes().values():
        for x in members:
            if isinstance(x, pyoxigraph.Literal):
                continue
            used = x in vocabulary or any(True for _ in store.quads_for_pattern(None, rdf_type, x))
            if not used and isinstance(x, pyoxigraph.NamedNode):
                used = any(True for _ in store.quads_for_pattern(None, x, None))
            if used:
                other = next(m for m in members if m != x)
                return f"{to_rdflib(x)} {OWL.sameAs} {to_rdflib(other)}"
    return None


class _Types:
    """The types of the instances: asserted, derived, and closed under the class hierarchy."""

    def __init__(self, store: pyoxigraph.Store, rules: Rules, relations: _Relations, *, full: bool, find=None,
                 literals: Iterable = ()):
        self.full = full
        plain = find is None
        find = find or (lambda x: x)
        self.base: dict = defaultdict(set)
        self.asserted: dict = defaultdict(set)
        asserted = self.asserted
        quads = store.quads_for_pattern(None, from_rdflib(RDF.type), None, pyoxigraph.DefaultGraph())
        if plain:
            for quad in quads:
                asserted[quad.subject].add(quad.object)
        else:
            for quad in quads:
                asserted[find(quad.subject)].add(quad.object)
        for x, classes in asserted.items():
            self.base[x] |= classes
        # Types owlrl derives in the schema (cls-oo, a user's sub-property of rdf:type, ...).
        for s, _, o in rules.inferred.triples((None, RDF.type, None)):
            self.base[find(from_rdflib(s))].add(from_rdflib(o))
        for x in literals:  # a node the same as a literal has its datatype (eq-rep-s)
            self.base[find(x)] |= _datatypes_of(x)
        self.supers = {from_rdflib(c): {from_rdflib(d) for d in ds} for c, ds in rules.super_classes.items()}
        self.closure: dict[frozenset, frozenset] = {}
        self.domains = {p: {from_rdflib(c) for c in cs} for p, cs in rules.domains.items()}
        self.ranges = {p: {from_rdflib(c) for c in cs} for p, cs in rules.ranges.items()}
        for p in set(self.domains) | set(self.ranges):
            pairs: Iterable[tuple]
            if p in relations.pairs:
                pairs = relations.pairs[p]
            elif isinstance(p, URIRef):
                quads = store.quads_for_pattern(None, from_rdflib(p), None, pyoxigraph.DefaultGraph())
                pairs = (((q.subject, q.object) for q in quads) if plain
                         else ((find(q.subject), find(q.object)) for q in quads))
            else:
                continue
            self.add_pairs(p, pairs)

    def add_pairs(self, p: Node, pairs: Iterable[tuple]) -> None:
        """Rules prp-dom and prp-rng for new ``pairs`` of ``p`` (literals typed only when a
        rule may read their types)."""
        domains, ranges = self.domains.get(p, ()), self.ranges.get(p, ())
        if not domains and not ranges:
            return
        base, full = self.base, self.full
        beyond: dict = {}  # by datatype: the ranges a literal of it does not have already
        for x, y in pairs:
            if domains:
                base[x] |= domains
            if ranges:
                if not isinstance(y, pyoxigraph.Literal):
                    base[y] |= ranges
                elif full:
                    extra = beyond.get(y.datatype)
                    if extra is None:
                        extra = beyond[y.datatype] = frozenset(ranges) - _datatypes_of(y)
                    if extra:
                        base[y] |= extra

    def of(self, x) -> frozenset:
        """The types of ``x``, closed (a literal has its datatype's, as owlrl's dt-type2 gives)."""
        classes = self.base.get(x, ())
        if isinstance(x, pyoxigraph.Literal) and self.full:
            classes = {*classes, *_datatypes_of(x)}
        key = frozenset(classes)
        if key not in self.closure:
            self.closure[key] = key.union(*(self.supers.get(c, ()) for c in key))
        return self.closure[key]

    def members(self, classes: set) -> dict:
        """The known nodes of each of ``classes``."""
        found: dict = defaultdict(set)
        for x in self.base:
            for c in self.of(x) & classes:
                found[c].add(x)
        return found


def _class_expressions(relations: _Relations, rules: Rules, types: _Types, find=None) -> list[tuple]:
    """Rules cls-int1, cls-svf1/2, cls-avf, cls-hv1/2, with the property and type rules,
    until nothing changes or prp-fp/ifp make nodes the same; return the nodes prp-fp,
    prp-ifp, cls-maxc2, cls-maxqc3/4 and prp-key make ``owl:sameAs``."""
    n = from_rdflib
    find = find or (lambda x: x)
    thing = n(OWL.Thing)
    intersections = [(n(c), tuple(map(n, cs))) for c, cs in rules.intersections]
    some = [(n(r), p, n(d)) for r, p, d in rules.some_values]
    every = [(n(r), p, n(d)) for r, p, d in rules.all_values]
    value = [(n(r), p, find(n(v))) for r, p, v in rules.has_value]
    interesting = {cs[0] for _, cs in intersections} | {r for r, _, _ in every + value}
    while True:
        members = types.members(interesting)
        new_types: dict = defaultdict(set)
        new_pairs: dict = defaultdict(set)
        for c, classes in intersections:  # cls-int1
            for x in members.get(classes[0], ()):
                have = types.of(x)
                if c not in have and all(d in have for d in classes[1:]):
                    new_types[x].add(c)
        for r, p, d in some:  # cls-svf1, cls-svf2
            for x, y in relations.pairs.get(p, ()):
                if r not in types.of(x) and (d == thing or d in types.of(y)):
                    new_types[x].add(r)
        for r, p, d in every:  # cls-avf
            for x in members.get(r, ()):
                for y in relations.out[p].get(x, ()):
                    if d not in types.of(y):
                        new_types[y].add(d)
        for r, p, v in value:  # cls-hv1, cls-hv2
            for x in members.get(r, ()):
                if v not in relations.out[p].get(x, ()):
                    new_pairs[p].add((x, v))
            for x in relations.into[p].get(v, ()):
                if r not in types.of(x):
                    new_types[x].add(r)
        if not new_types and not new_pairs:
            break
        for x, classes in new_types.items():
            types.base[x] |= classes
        delta = {p: relations.add(p, pairs) for p, pairs in new_pairs.items()}
        added = _close_properties(relations, rules, {p: pairs for p, pairs in delta.items() if pairs})
        for p, pairs in delta.items():
            added.setdefault(p, set()).update(pairs)
        for p, pairs in added.items():
            types.add_pairs(p, pairs)
        merges = [(x, y) for x, y in relations.pairs.get(OWL.sameAs, ()) if x != y] + _functional(relations, rules)
        if merges:
            return merges
    return _max_one_and_keys(relations, rules, types)


def _max_one_and_keys(relations: _Relations, rules: Rules, types: _Types) -> list[tuple]:
    n = from_rdflib
    merges = []
    for r, p, c, limit in rules.max_cardinality:
        if limit != 1:
            continue
        for x in types.members({n(r)}).get(n(r), ()):
            values = relations.out[p].get(x, set())
            if c is not None and c != OWL.Thing:
                values = {y for y in values if n(c) in types.of(y)}
            if len(values) > 1:
                first, *others = values
                merges += [(first, y) for y in others]
    for c, key in rules.keys:
        instances = types.members({n(c)}).get(n(c), set())
        for x in instances:
            candidates = set()
            for z in relations.out[key[0]].get(x, ()):
                candidates |= relations.into[key[0]].get(z, set())
            for y in candidates & instances - {x}:
                if all(relations.out[p].get(x, set()) & relations.out[p].get(y, set()) for p in key[1:]):
                    merges.append((x, y))
    return merges


def _check(relations: _Relations, rules: Rules, types: _Types, datatypes: set, same: _SameAs) -> None:
    """The rules that find the graph inconsistent, with owlrl's messages: one for each node
    of an ``owl:sameAs`` class where owlrl, having copied the triples, finds one for each."""
    n = from_rdflib
    errors: list[tuple[str, tuple]] = []  # a message format, and its fields (Oxigraph terms for nodes)
    classes = same.classes() if same else {}
    find = same.find if same else (lambda x: x)
    for x, y in rules.different:  # eq-diff1 (with eq-ref: x owl:differentFrom x is an error)
        if x == y or find(n(x)) == find(n(y)):
            root = find(n(x))
            errors.append(("'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: (%s, %s)",
                           (root, root)))
    for members in rules.all_different:  # eq-diff2, eq-diff3
        errors += [("'sameAs' and 'AllDifferent' cannot be used on the same subject-object pair: (%s, %s)", (a, b))
                   for i, a in enumerate(members) for b in members[i + 1:]
                   if a != b and find(n(a)) == find(n(b))]
    disjoint = [(n(a), n(b), message) for a, b, message in rules.disjoint_classes]
    if types.full:
        used = set(datatypes) | {
            c for classes_ in types.asserted.values() for c in classes_
            if isinstance(c, pyoxigraph.NamedNode) and c.value in _RL_DATATYPES
        }
        for dt in list(used):
            used |= {n(d) for d in OWL_Datatype_Subsumptions.get(URIRef(dt.value), ())}
        disjoint += [(n(a), n(b), "Disjoint classes %s and %s have a common individual %s")
                     for a, _, b in OWLRL_Datatypes_Disjointness if n(a) in used and n(b) in used]
    nothing = n(OWL.Nothing)
    interesting = {a for a, _, _ in disjoint} | {nothing}
    interesting |= {n(x) for x, _, _, limit in rules.max_cardinality if limit == 0}
    of_class = types.members(interesting)
    for a, b, message in disjoint:
        for x in of_class.get(a, ()):
            if b in types.of(x):
                third = b if message.startswith("Violation of complementarity") else x  # owlrl names the class
                errors.append((message, (a, b, third)))
    for x in of_class.get(nothing, ()):
        errors.append(("%s is defined of type 'Nothing'", (x,)))
    for restriction, p, c, limit in rules.max_cardinality:
        if limit != 0:
            continue
        for x in of_class.get(n(restriction), ()):
            for y in relations.out[p].get(x, ()):
                if c is None:
                    errors.append(("Erroneous usage of maximum cardinality with %s and %s", (restriction, y)))
                elif c == OWL.Thing or n(c) in types.of(y):
                    errors.append(("Erroneous usage of maximum qualified cardinality with %s, %s and %s",
                                   (restriction, c, y)))
    for p in rules.irreflexive:
        errors += [("Irreflexive property used on %s with %s", (x, p)) for x, y in relations.pairs.get(p, ()) if x == y]
    for p in rules.asymmetric:
        pairs = relations.pairs.get(p, set())
        errors += [("Erroneous usage of asymmetric property %s on %s and %s", (p, x, y))
                   for x, y in pairs if (y, x) in pairs]
    for p1, p2, message in rules.disjoint_properties:
        other = relations.pairs.get(p2, set())
        for x, y in relations.pairs.get(p1, ()):
            if (x, y) in other:
                errors.append((message, (p1, p2, x, y) if message.count("%s") == 4 else (x, p1, y, x, p2, y)))
    for i1, p, i2 in rules.negative:
        if (find(n(i1)), find(n(i2))) in relations.pairs.get(p, ()):
            kind = "datatype" if isinstance(i2, Literal) else "object"
            errors.append((f"Negative ({kind}) property assertion violated for: (%s, %s, %s)", (i1, p, i2)))
    if errors:
        texts: set[str] = set()
        for message, fields in errors:
            choices = [[str(to_rdflib(m)) for m in classes.get(f, (f,))] if isinstance(f, _OXIGRAPH_TERMS) else [str(f)]
                       for f in fields]
            texts.update(message % combination for combination in itertools.product(*choices))
        raise inconsistent(sorted(texts))


def _write(store: pyoxigraph.Store, rules: Rules, relations: _Relations, types: _Types, graph) -> int:
    """Stream what is new, without the by-products kg.reason drops, to the store's bulk
    loader in the order made (grouped by subject and predicate, which it takes in about
    half the time of a set's order), never held as one collection; return the count."""
    rdf_type, top, built_in = _RDF_TYPE, _TOP_NODES, _built_in
    nothing: frozenset = frozenset()

    def new_type(x, c) -> bool:
        return c not in types.asserted.get(x, ()) and c not in top and not built_in(x)

    def new_pair(p: Node, x, y) -> bool:
        return (x, y) not in relations.asserted.get(p, ()) and not built_in(x)

    def made():
        # new_type and new_pair as set differences, a subject tested once (a third of the
        # time at 1M triples, where this writes 760k triples)
        asserted_types = types.asserted
        for x in types.base:
            if not built_in(x):
                yield from ((x, rdf_type, c) for c in types.of(x) - asserted_types.get(x, nothing) - top)
        for p, pairs in relations.pairs.items():
            if not isinstance(p, URIRef):
                continue  # a blank-node property: owlrl drops its triples too
            predicate = from_rdflib(p)
            asserted = relations.asserted.get(p)
            new = pairs - asserted if asserted else pairs
            if predicate in _REFLEXIVE or predicate in _HIERARCHY:  # a user's sub-property of one
                yield from ((x, predicate, y) for x, y in new if not built_in(x) and not _noise(x, predicate, y))
            else:
                yield from ((x, predicate, y) for x, y in new if not built_in(x))
        # Schema triples owlrl derives, unless made above or already in the store.
        for triple in rules.inferred:
            s, predicate, o = map(from_rdflib, triple)
            p = triple[1]
            if p == RDF.type and s in types.base and o in types.of(s) and new_type(s, o):
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


def _write_with_equality(store: pyoxigraph.Store, rules: Rules, relations: _Relations, types: _Types, graph,
                         same: _SameAs) -> int:
    """Rules eq-rep-s and eq-rep-o: what the rules made for each class of ``owl:sameAs``
    nodes, and every triple of the store about a node of it, given to each node of the
    class; with ``owl:sameAs`` between any two nodes of a class (eq-sym, eq-trans). Kept
    in memory to remove duplicates (equality is rare, its classes small)."""
    n = from_rdflib
    rdf_type, same_as, default = _RDF_TYPE, n(OWL.sameAs), pyoxigraph.DefaultGraph()
    classes = same.classes()
    made: set = set()

    def add(s, p, o) -> None:
        for s2 in classes.get(s, (s,)):
            for o2 in classes.get(o, (o,)):
                made.add((s2, p, o2))

    for x in types.base:
        for c in types.of(x):
            add(x, rdf_type, c)
    for p, pairs in relations.pairs.items():
        if isinstance(p, URIRef):  # a blank-node property: owlrl drops its triples too
            predicate = n(p)
            for x, y in pairs:
                add(x, predicate, y)
    for s, p, o in rules.inferred:
        add(same.find(n(s)), n(p), same.find(n(o)))
    for members in classes.values():
        for x in members:
            if not isinstance(x, pyoxigraph.Literal):
                for quad in store.quads_for_pattern(x, None, None, default):
                    add(same.find(quad.subject), quad.predicate, same.find(quad.object))
            for quad in store.quads_for_pattern(None, None, x, default):
                add(same.find(quad.subject), quad.predicate, same.find(quad.object))
        made.update((x, same_as, y) for x in members for y in members if x != y)

    quads = [pyoxigraph.Quad(s, p, o, graph) for s, p, o in made if not _noise(s, p, o)]
    quads = [quad for quad in quads if pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, default) not in store]
    store.bulk_extend(quads)
    return len(quads)
