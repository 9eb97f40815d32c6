"""OWL 2 RL reasoning: the triples the ontology entails from the data.

:func:`reason` runs owlrl's OWL 2 RL rules over a copy of a graph (ontology and data
together) and returns only the triples it adds, without the by-products that are of no
use to a query and break triple stores:

- triples with a literal subject (owlrl types every literal with its datatype);
- reflexive statements (``x owl:sameAs x``, ``C rdfs:subClassOf C``, ...), ``owl:Thing``
  and ``rdfs:Resource`` types, ``rdfs:subClassOf owl:Thing``, ``owl:Nothing`` subclasses;
- statements about the RDF, RDFS, OWL and XSD vocabularies themselves (datatype
  declarations and disjointness, annotation property declarations).

What remains is what users query: ``rdf:type`` from subclassing, domains and ranges;
super-properties (``org:subOrganizationOf`` and ``org:transitiveSubOrganizationOf`` from
placements, ``org:reportsTo`` and ``rkg:reportsToTransitively`` from reporting lines,
``prov:wasInfluencedBy``, ...); inverses (``org:hasSubOrganization``, ``org:resultedFrom``);
and the class and property hierarchies closed under transitivity.

>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import RDF
>>> graph = Graph().parse(format="turtle", data='''
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix ex: <https://example.org/> .
...     ex:Lab rdfs:subClassOf ex:Unit .
...     ex:tongyi a ex:Lab .''')
>>> inferred = reason(graph)
>>> sorted(inferred.objects(URIRef("https://example.org/tongyi"), RDF.type))
[rdflib.term.URIRef('https://example.org/Unit')]
>>> len(graph)  # the input is left as it was
2
"""

from __future__ import annotations

from typing import Iterable

import owlrl
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ReasoningError
from kg.vocab import OWL, RDF, RDFS, TOP_TERMS, XSD, bind_prefixes

__all__ = ["inconsistent", "literal_errors", "reason"]

#: Annotation properties built into OWL 2: no OWL 2 RL rule reads them.
_ANNOTATIONS = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    OWL.versionInfo,
    OWL.deprecated,
    OWL.priorVersion,
    OWL.backwardCompatibleWith,
    OWL.incompatibleWith,
}
#: The classes a property may be typed with and still carry no axiom (only declarations:
#: a characteristic such as ``owl:TransitiveProperty`` is an axiom).
_DECLARATION_TYPES = {
    RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.OntologyProperty, OWL.DeprecatedProperty,
}
_BUILT_IN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
_REFLEXIVE_NOISE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_ERROR_MESSAGE = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")


class _Semantics(owlrl.OWLRL_Semantics):
    """owlrl's OWL 2 RL rules, without rule eq-ref, and with rule prp-key as OWL 2 RL states it.

    eq-ref states ``x owl:sameAs x`` for every node of the graph; those triples are dropped
    from the result anyway, and replacing a node by itself (eq-rep-*) adds nothing, so
    skipping them changes no other inference while saving a large share of the time. The
    one rule that reads them, eq-diff1, is kept: ``x owl:differentFrom x`` is an error.

    owlrl 7.6 has an off-by-one in three rules, fixed here: prp-key compares only the
    first n-1 properties of a key of n (a key of one property makes every instance of the
    class the same as any other that has a value; here two instances are the same only
    when they share a value for every property of the key), and prp-adp and eq-diff2/3
    never compare the last member of ``owl:members`` (here every pair is compared).
    """

    def _equality(self, triple, cycle_num):
        s, p, o = triple
        if p == OWL.sameAs and s != o:
            super()._equality(triple, cycle_num)
        elif p == OWL.differentFrom and s == o:
            # eq-diff1 with eq-ref (x owl:sameAs x), which this class skips.
            self.add_error(f"'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({s}, {o})")
        elif p == RDF.type and o == OWL.AllDifferent:
            for head in [*self.graph.objects(s, OWL.members), *self.graph.objects(s, OWL.distinctMembers)]:
                for zi, zj in _pairs(self._list(head)):
                    if zi != zj and ((zi, OWL.sameAs, zj) in self.graph or (zj, OWL.sameAs, zi) in self.graph):
                        self.add_error(
                            f"'sameAs' and 'AllDifferent' cannot be used on the same subject-object pair: ({zi}, {zj})"
                        )

    def _properties(self, triple, cycle_num):
        s, p, o = triple
        if p == OWL.hasKey:
            self._key(s, self._list(o))
        elif p == RDF.type and o == OWL.AllDisjointProperties:
            for head in self.graph.objects(s, OWL.members):
                for pi, pj in _pairs(self._list(head)):
                    for x, y in self.graph.subject_objects(pi):
                        if (x, pj, y) in self.graph:
                            self.add_error(
                                "Disjoint properties in an 'AllDisjointProperties' are not really disjoint: "
                                f"({x}, {pi},{y}) and ({x},{pj},{y})"
                            )
        else:
            super()._properties(triple, cycle_num)

    def _key(self, cls: Node, properties: list) -> None:
        """Rule prp-key: instances of ``cls`` with the same value for each of ``properties``."""
        if not properties:
            return
        instances = set(self.graph.subjects(RDF.type, cls))
        for x in instances:
            for y in instances:
                if x != y and all(
                    any((y, p, z) in self.graph for z in self.graph.objects(x, p)) for p in properties
                ):
                    self.store_triple((x, OWL.sameAs, y))


def _pairs(items: list) -> Iterable[tuple]:
    """Every pair of ``items``, each once, in order."""
    return ((a, b) for i, a in enumerate(items) for b in items[i + 1:])


def _inert_properties(graph: Graph) -> set[Node]:
    """Properties no OWL 2 RL rule can use: no axiom mentions them.

    A property is inert when it is a built-in annotation property, or when it is not in
    the RDF, RDFS, OWL or XSD vocabularies, never appears as the object of a triple, and
    is the subject of no triple but declarations and annotations: ``rdf:type`` to one of
    the plain declaration classes (:data:`_DECLARATION_TYPES`: object, datatype or
    annotation property, ...), labels, comments. So no domain, range, sub-property,
    inverse, chain, key, restriction or characteristic (``owl:TransitiveProperty``,
    ``owl:SymmetricProperty``, functional, a user's subclass of one, ...) refers to it.
    Its triples can only take part in the equality rules (eq-rep-s/o).
    """
    inert = set()
    for p in set(graph.predicates()):
        if p in _ANNOTATIONS:
            inert.add(p)
        elif (
            isinstance(p, URIRef)
            and not str(p).startswith(_BUILT_IN)
            and next(iter(graph.subject_predicates(p)), None) is None
            and all(
                q in _ANNOTATIONS or (q == RDF.type and o in _DECLARATION_TYPES)
                for q, o in graph.predicate_objects(p)
            )
        ):
            inert.add(p)
    return inert


def _is_noise(s: Node, p: Node, o: Node) -> bool:
    if isinstance(s, Literal):
        return True
    if s == o and p in _REFLEXIVE_NOISE:
        return True
    if p == RDF.type and o in TOP_TERMS:
        return True
    if p in (RDFS.subClassOf, RDFS.subPropertyOf) and (o in TOP_TERMS or s == OWL.Nothing):
        return True
    return isinstance(s, URIRef) and str(s).startswith(_BUILT_IN)


def literal_errors(literals: Iterable[tuple[str, str]]) -> list[str]:
    """Rule dt-not-type: the literals whose lexical form is not in their datatype's lexical space.

    ``literals`` are ``(lexical form, datatype IRI)`` pairs. Only the datatypes of OWL 2 RL
    are checked, with owlrl's converters, as owlrl does; but any failure of a converter
    counts (owlrl catches only ``ValueError``, and stops with a traceback on
    ``"1,000"^^xsd:decimal``). Returns owlrl's messages, sorted.

    >>> literal_errors([("1,000", "http://www.w3.org/2001/XMLSchema#decimal"),
    ...                 ("12", "http://www.w3.org/2001/XMLSchema#integer")])
    ["Lexical value of the literal '1,000' does not match its datatype (http://www.w3.org/2001/XMLSchema#decimal)"]
    """
    errors = set()
    for lexical, datatype in literals:
        datatype = URIRef(datatype)
        converter = AltXSDToPYTHON.get(datatype)
        if converter is None or datatype not in OWL_RL_Datatypes:
            continue
        try:
            converter(lexical)
        except Exception:  # noqa: BLE001 - any failure of the converter is an ill-typed literal
            errors.add(f"Lexical value of the literal '{lexical}' does not match its datatype ({datatype})")
    return sorted(errors)


def inconsistent(errors: list[str]) -> ReasoningError:
    """The error for owlrl's findings ``errors`` (the first five, and how many more)."""
    shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
    return ReasoningError(f"OWL 2 RL reasoning found the graph inconsistent: {shown}")


def _errors(closure: Graph) -> list[str]:
    return sorted(str(m) for node in closure.subjects(RDF.type, _ERROR_MESSAGE) for m in closure.objects(node, _ERROR))


def _same_as_copies(inert: Iterable[tuple[Node, Node, Node]], closure: Graph) -> set[tuple[Node, Node, Node]]:
    """Rules eq-rep-s and eq-rep-o applied to the inert triples set aside, with every
    ``owl:sameAs`` of the closure (asserted or inferred)."""
    same = {}
    for x, y in closure.subject_objects(OWL.sameAs):
        if x != y:  # literals too: a functional property with two values makes them the same
            same.setdefault(x, set()).add(y)
    copies = set()
    if same:
        for s, p, o in inert:
            for s2 in same.get(s, set()) | {s}:
                for o2 in same.get(o, set()) | {o}:
                    copies.add((s2, p, o2))
    return copies


def reason(graph: Graph) -> Graph:
    """The triples OWL 2 RL entails from ``graph`` that ``graph`` does not already hold.

    ``graph`` should hold the ontology and the data together. It is not modified.

    :raises ReasoningError: the rules found the graph inconsistent (for example an
        individual of two disjoint classes, or a literal that does not match its
        datatype); the message lists owlrl's findings.
    """
    errors = literal_errors(
        (str(o), str(o.datatype)) for o in set(graph.objects()) if isinstance(o, Literal) and o.datatype is not None
    )
    if errors:
        raise inconsistent(errors)
    inert = _inert_properties(graph)
    active, set_aside = Graph(), []
    datatypes = set()  # a triple of each datatype stays: owlrl declares the used ones disjoint
    for triple in graph:
        o = triple[2]
        if triple[1] in inert and not (isinstance(o, Literal) and o.datatype is not None and o.datatype not in datatypes):
            set_aside.append(triple)
        else:
            active.add(triple)
            if isinstance(o, Literal):
                datatypes.add(o.datatype)
    closure = Graph()
    closure += active
    owlrl.DeductiveClosure(_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)

    errors = _errors(closure)
    if errors:
        raise inconsistent(errors)

    inferred = bind_prefixes(Graph())
    for triple in closure:
        if triple not in graph and not _is_noise(*triple):
            inferred.add(triple)
    for triple in _same_as_copies(set_aside, closure):
        if triple not in graph and not _is_noise(*triple):
            inferred.add(triple)
    return inferred
