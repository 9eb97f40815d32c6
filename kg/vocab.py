"""Namespaces of the graph and how its nodes are named for people.

>>> from rdflib import Graph, URIRef
>>> graph = Graph().parse(format="turtle", data='''
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
...     <https://example.org/eddie> rdfs:label "Wu Yongming"@en ; skos:altLabel "Eddie Wu"@en .''')
>>> label(graph, URIRef("https://example.org/eddie"))
'Wu Yongming'
>>> names(graph, URIRef("https://example.org/eddie"))
['Eddie Wu', 'Wu Yongming']
>>> qname(URIRef("https://w3id.org/restructuring-kg/ontology#Company"))
'rkg:Company'
"""

from __future__ import annotations

from typing import Optional

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD
from rdflib.term import Node

__all__ = [
    "DCTERMS",
    "FOAF",
    "GRAPH",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "RKG",
    "SCHEMA",
    "SKOS",
    "TIME",
    "TOP_TERMS",
    "XSD",
    "bind_prefixes",
    "label",
    "names",
    "qname",
]

RKG = Namespace("https://w3id.org/restructuring-kg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
#: The top class and properties of OWL and RDFS: a triple that types something with one, or
#: makes something a sub-class or sub-property of one, is true of everything, so both
#: reasoners (kg.reason, kg.fast.reason) leave it out of what they infer.
TOP_TERMS = frozenset({OWL.Thing, RDFS.Resource, OWL.topObjectProperty, OWL.topDataProperty})
#: Names of the graphs a build writes (``GRAPH.ontology``, ``GRAPH.asserted``, ...).
GRAPH = Namespace("https://w3id.org/restructuring-kg/graph/")
_ID = "https://w3id.org/restructuring-kg/id/"

#: The prefixes of the project, as ``docs/data-conventions.md`` writes them.
PREFIXES: dict[str, str] = {
    "rkg": str(RKG),
    "rorg": _ID + "org/",
    "rper": _ID + "person/",
    "rprd": _ID + "product/",
    "rmem": _ID + "membership/",
    "rpl": _ID + "placement/",
    "rrep": _ID + "reporting/",
    "rev": _ID + "event/",
    "rfig": _ID + "figure/",
    "rsrc": _ID + "source/",
    "rdis": _ID + "disagreement/",
    "rmod": _ID + "model/",
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": "http://www.w3.org/ns/shacl#",
}

#: The properties whose values name a node.
NAME_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes in ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def qname(node: Node) -> str:
    """``node`` written short: ``prefix:local`` for an IRI in a known namespace, else as in N-Triples."""
    if isinstance(node, URIRef):
        best = ""
        for prefix, namespace in PREFIXES.items():
            if node.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
                best = prefix
        if best:
            return f"{best}:{node[len(PREFIXES[best]):]}"
    return node.n3()


def _text_sort_key(literal: Literal) -> tuple:
    # English or untagged first, then by text, so the choice never depends on parse order.
    return (literal.language not in (None, "en"), str(literal))


def label(graph: Graph, node: Node) -> Optional[str]:
    """The ``rdfs:label`` (else ``skos:prefLabel``) of ``node``, English preferred; ``None`` if none."""
    for prop in (RDFS.label, SKOS.prefLabel):
        values = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
        if values:
            return str(min(values, key=_text_sort_key))
    return None


def names(graph: Graph, node: Node) -> list[str]:
    """Every label, preferred and alternative label of ``node``, sorted and without repeats."""
    return sorted({str(o) for prop in NAME_PROPERTIES for o in graph.objects(node, prop) if isinstance(o, Literal)})
