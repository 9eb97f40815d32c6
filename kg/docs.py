"""HTML documentation of the ontology, the SHACL shapes and the named queries.

One self-contained page, ``index.html`` (no scripts, no fetched styles): the ontology's
own classes, properties and individuals with their labels, comments, super-classes and
super-properties, domains and ranges; each shape with its targets and messages; and
the query catalogue with summaries and parameters. Every text from the graphs is
escaped with :func:`html.escape`. Written with :func:`kg.files.write_file` (a
temporary file renamed over the old one), so a failed run leaves the old page.

>>> from rdflib import Graph
>>> ontology = Graph().parse(format="turtle", data='''
...     @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
...     @prefix owl: <http://www.w3.org/2002/07/owl#> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     rkg:Lab a owl:Class ; rdfs:label "lab"@en ; rdfs:comment "A <research> unit & more."@en .''')
>>> page = docs_html(ontology=ontology)
>>> 'id="Lab"' in page and "A &lt;research&gt; unit &amp; more." in page
True
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.errors import WriteError, display_path
from kg.query import Query
from kg.vocab import RKG, qname

__all__ = ["docs_html", "write_docs"]

SH = "http://www.w3.org/ns/shacl#"
_SH = {name: URIRef(SH + name) for name in (
    "NodeShape", "PropertyShape", "SPARQLConstraint", "targetClass", "targetNode", "targetSubjectsOf",
    "targetObjectsOf", "path", "property", "sparql", "message", "severity", "inversePath",
    "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath", "name", "description",
)}
_CLASS_TYPES = (OWL.Class, RDFS.Class)
_PROPERTY_TYPES = {
    OWL.ObjectProperty: "Object properties",
    OWL.DatatypeProperty: "Datatype properties",
    OWL.AnnotationProperty: "Annotation properties",
    RDF.Property: "Other properties",
}
_CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty)
_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0;
       color: #1d1d1f; line-height: 1.45; }
nav { position: fixed; top: 0; bottom: 0; left: 0; width: 16rem; overflow-y: auto; padding: 1rem;
      background: #f4f6f9; border-right: 1px solid #dde3ea; font-size: 0.85rem; }
nav ul { list-style: none; padding-left: 0.8rem; margin: 0.2rem 0; }
main { margin-left: 18.5rem; padding: 1rem 2rem 4rem; max-width: 60rem; }
section.term { border-top: 1px solid #e3e7ec; padding: 0.6rem 0; }
h3 { margin: 0.2rem 0; font-size: 1.05rem; } h3 code { font-weight: normal; color: #5a6b7f; }
dl { display: grid; grid-template-columns: 9rem 1fr; gap: 0.15rem 0.8rem; margin: 0.3rem 0; }
dt { color: #5a6b7f; } dd { margin: 0; }
table { border-collapse: collapse; margin: 0.4rem 0; } td, th { border: 1px solid #dde3ea; padding: 0.2rem 0.5rem;
        text-align: left; vertical-align: top; font-size: 0.9rem; }
.severity-Violation { color: #b3261e; } .severity-Warning { color: #a05a00; } .severity-Info { color: #1f5fa0; }
a { color: #1f5fa0; text-decoration: none; } a:hover { text-decoration: underline; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _texts(graph: Graph, node: Node, *predicates: URIRef) -> list[str]:
    """The literal values of ``predicates`` on ``node``, English or untagged first, sorted."""
    values = [o for p in predicates for o in graph.objects(node, p) if isinstance(o, Literal)]
    values.sort(key=lambda o: (o.language not in (None, "en"), str(o)))
    return list(dict.fromkeys(str(o) for o in values))


class _Page:
    """Builds the page; remembers which nodes have a section, to link to them."""

    def __init__(self, documented: set[Node], graphs: Iterable[Graph] = ()):
        self.documented = documented
        self.graphs = list(graphs)

    def name(self, node: Node) -> str:
        """``prefix:local`` by the project's prefixes, else by a prefix a graph declares."""
        short = qname(node)
        if isinstance(node, URIRef) and short.startswith("<"):
            for graph in self.graphs:
                try:
                    prefix, _, local = graph.namespace_manager.compute_qname(str(node), generate=False)
                except (KeyError, ValueError):
                    continue
                return f"{prefix}:{local}"
        return short

    def anchor(self, node: Node) -> str:
        text = str(node)
        if text.startswith(str(RKG)):
            return text[len(str(RKG)):]
        return "".join(c if c.isalnum() else "-" for c in self.name(node)).strip("-")

    def link(self, node: Node, graph: Optional[Graph] = None) -> str:
        if isinstance(node, BNode):
            return self.expression(node, graph) if graph is not None else "(anonymous)"
        if isinstance(node, Literal):
            return f"<code>{_e(node)}</code>"
        name = _e(self.name(node))
        if node in self.documented:
            return f'<a href="#{_e(self.anchor(node))}"><code>{name}</code></a>'
        return f'<a href="{_e(node)}"><code>{name}</code></a>'

    def links(self, nodes: Iterable[Node], graph: Optional[Graph] = None) -> str:
        return ", ".join(self.link(n, graph) for n in sorted(set(nodes), key=lambda n: (isinstance(n, BNode), self.name(n))))

    def expression(self, node: BNode, graph: Graph) -> str:
        """A class expression or SHACL path written short (OWL restrictions, unions, inverse paths)."""
        for keyword, predicate in (("union of", OWL.unionOf), ("intersection of", OWL.intersectionOf), ("one of", OWL.oneOf)):
            members = graph.value(node, predicate)
            if members is not None:
                return f"{keyword} (" + ", ".join(self.link(m, graph) for m in Collection(graph, members)) + ")"
        on = graph.value(node, OWL.onProperty)
        if on is not None:
            for keyword, predicate in (("some", OWL.someValuesFrom), ("only", OWL.allValuesFrom), ("value", OWL.hasValue),
                                       ("max", OWL.maxCardinality), ("min", OWL.minCardinality),
                                       ("exactly", OWL.cardinality), ("max", OWL.maxQualifiedCardinality),
                                       ("min", OWL.minQualifiedCardinality), ("exactly", OWL.qualifiedCardinality)):
                value = graph.value(node, predicate)
                if value is not None:
                    return f"{self.link(on)} {keyword} {self.link(value, graph)}"
            return f"restriction on {self.link(on)}"
        for keyword, predicate in (("^", _SH["inversePath"]), ("*", _SH["zeroOrMorePath"]),
                                   ("+", _SH["oneOrMorePath"]), ("?", _SH["zeroOrOnePath"])):
            value = graph.value(node, predicate)
            if value is not None:
                inner = self.link(value, graph)
                return f"^{inner}" if keyword == "^" else f"({inner}){keyword}"
        alternatives = graph.value(node, _SH["alternativePath"])
        if alternatives is not None:
            return " | ".join(self.link(m, graph) for m in Collection(graph, alternatives))
        if graph.value(node, RDF.first) is not None:
            return " / ".join(self.link(m, graph) for m in Collection(graph, node))
        return "(anonymous)"


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{_e(key)}</dt><dd>{value}</dd>" for key, value in rows if value)
    return f"<dl>{body}</dl>" if body else ""


def _term(page: _Page, graph: Graph, node: URIRef, rows: list[tuple[str, str]]) -> str:
    labels = _texts(graph, node, RDFS.label, SKOS.prefLabel)
    title = _e(labels[0]) if labels else _e(page.name(node))
    comments = _texts(graph, node, RDFS.comment, SKOS.definition)
    other_names = _texts(graph, node, SKOS.altLabel)
    head = [("IRI", f"<code>{_e(node)}</code>")]
    if other_names:
        head.append(("other names", _e(", ".join(other_names))))
    return (
        f'<section class="term" id="{_e(page.anchor(node))}"><h3>{title} <code>{_e(page.name(node))}</code></h3>'
        + "".join(f"<p>{_e(c)}</p>" for c in comments)
        + _rows(head + rows)
        + "</section>\n"
    )


def _own(graph: Graph, types: Iterable[URIRef]) -> list[URIRef]:
    found = {s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef) and str(s).startswith(str(RKG))}
    return sorted(found, key=qname)


def _ontology_sections(page: _Page, graph: Graph) -> list[tuple[str, str, list[tuple[URIRef, str]]]]:
    sections = []
    classes = _own(graph, _CLASS_TYPES)
    entries = []
    for cls in classes:
        entries.append((cls, _term(page, graph, cls, [
            ("super-classes", page.links(graph.objects(cls, RDFS.subClassOf), graph)),
            ("equivalent to", page.links(graph.objects(cls, OWL.equivalentClass), graph)),
            ("sub-classes", page.links(s for s in graph.subjects(RDFS.subClassOf, cls) if isinstance(s, URIRef))),
            ("disjoint with", page.links(graph.objects(cls, OWL.disjointWith), graph)),
        ])))
    sections.append(("classes", "Classes", entries))
    seen: set[URIRef] = set()
    for kind, heading in _PROPERTY_TYPES.items():
        entries = []
        for prop in _own(graph, [kind]):
            if prop in seen:
                continue
            seen.add(prop)
            characteristics = [page.name(t).split(":")[1] for t in _CHARACTERISTICS if (prop, RDF.type, t) in graph]
            entries.append((prop, _term(page, graph, prop, [
                ("super-properties", page.links(graph.objects(prop, RDFS.subPropertyOf), graph)),
                ("sub-properties", page.links(s for s in graph.subjects(RDFS.subPropertyOf, prop) if isinstance(s, URIRef))),
                ("domain", page.links(graph.objects(prop, RDFS.domain), graph)),
                ("range", page.links(graph.objects(prop, RDFS.range), graph)),
                ("inverse of", page.links(graph.objects(prop, OWL.inverseOf), graph)),
                ("characteristics", _e(", ".join(characteristics))),
            ])))
        if entries:
            sections.append((heading.lower().replace(" ", "-"), heading, entries))
    schema_types = set(_CLASS_TYPES) | set(_PROPERTY_TYPES) | set(_CHARACTERISTICS) | {OWL.Ontology}
    individuals = [
        node for node in sorted({s for s in graph.subjects(RDF.type, None)
                                 if isinstance(s, URIRef) and str(s).startswith(str(RKG))}, key=qname)
        if not set(graph.objects(node, RDF.type)) & schema_types
    ]
    entries = [
        (node, _term(page, graph, node, [("types", page.links(t for t in graph.objects(node, RDF.type) if t != OWL.NamedIndividual))]))
        for node in individuals
    ]
    sections.append(("individuals", "Individuals", entries))
    return sections


def _shape_sections(page: _Page, shapes: Graph) -> list[tuple[str, str, list[tuple[URIRef, str]]]]:
    named = sorted(
        {s for t in (_SH["NodeShape"], _SH["PropertyShape"]) for s in shapes.subjects(RDF.type, t) if isinstance(s, URIRef)},
        key=page.name,
    )
    entries = []
    for shape in named:
        severity = shapes.value(shape, _SH["severity"])
        severity_name = page.name(severity).split(":")[-1] if severity is not None else ""
        messages = _texts(shapes, shape, _SH["message"])
        rows = [
            ("targets", page.links(
                [o for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf") for o in shapes.objects(shape, _SH[p])],
                shapes,
            )),
            ("path", page.link(path, shapes) if (path := shapes.value(shape, _SH["path"])) is not None else ""),
            ("severity", f'<span class="severity-{_e(severity_name)}">{_e(severity_name)}</span>' if severity_name else ""),
            ("messages", "<br>".join(_e(m) for m in messages)),
            ("property shapes", page.links((p for p in shapes.objects(shape, _SH["property"]) if isinstance(p, URIRef)), shapes)),
        ]
        inline = [p for p in shapes.objects(shape, _SH["property"]) if isinstance(p, BNode)]
        for prop in inline:
            path = shapes.value(prop, _SH["path"])
            text = "; ".join(_texts(shapes, prop, _SH["message"])) or "(no message)"
            rows.append(("property", (page.link(path, shapes) + ": " if path is not None else "") + _e(text)))
        for constraint in shapes.objects(shape, _SH["sparql"]):
            text = "; ".join(_texts(shapes, constraint, _SH["message"])) or "(no message)"
            rows.append(("SPARQL constraint", _e(text)))
        entries.append((shape, _term(page, shapes, shape, rows)))
    return [("shapes", "Shapes", entries)]


def _query_section(catalogue: Mapping[str, Query]) -> str:
    parts = []
    for name, query in sorted(catalogue.items()):
        params = "".join(
            f"<tr><td><code>{_e(p.name)}</code></td><td>{_e(p.type)}"
            + (f": one of {_e(', '.join(p.values))}" if p.values else "")
            + f"</td><td>{_e(p.default or '')}</td>"
            f"<td>{_e(p.description)}</td></tr>"
            for p in query.params
        )
        table = (
            "<table><tr><th>parameter</th><th>type</th><th>default</th><th>description</th></tr>"
            f"{params}</table>" if params else "<p>No parameters.</p>"
        )
        where = f"<p>File: <code>{_e(display_path(query.path))}</code>. Run: <code>kg query {_e(name)}</code></p>" if query.path else ""
        parts.append(
            f'<section class="term" id="query-{_e(name)}"><h3>{_e(name)}</h3><p><strong>{_e(query.summary)}</strong></p>'
            f"<p>{_e(query.description)}</p>{table}{where}</section>\n"
        )
    return "".join(parts)


def docs_html(
    *,
    ontology: Graph,
    shapes: Optional[Graph] = None,
    catalogue: Optional[Mapping[str, Query]] = None,
    title: str = "Restructuring Knowledge Graph: ontology, shapes and queries",
) -> str:
    """The documentation page as HTML text."""
    documented: set[Node] = {
        s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(RKG))
    }
    if shapes is not None:
        documented |= {
            s for t in (_SH["NodeShape"], _SH["PropertyShape"]) for s in shapes.subjects(RDF.type, t) if isinstance(s, URIRef)
        }
    page = _Page(documented, [ontology] + ([shapes] if shapes is not None else []))
    sections = _ontology_sections(page, ontology) + (_shape_sections(page, shapes) if shapes is not None else [])
    # The project's ontology first, then the extensions that import it; not the ontologies
    # it imports (the restated W3C axioms), whose IRIs share its prefix.
    core = URIRef(str(RKG).rstrip("#"))
    header = ""
    for node in sorted(ontology.subjects(RDF.type, OWL.Ontology), key=lambda n: (n != core, str(n))):
        names = _texts(ontology, node, DCTERMS.title)
        if not names or (node != core and (node, OWL.imports, core) not in ontology):
            continue
        version = _texts(ontology, node, OWL.versionInfo)
        description = _texts(ontology, node, DCTERMS.description) if node == core else []
        header += (
            f"<p><strong>{_e(names[0])}</strong>" + (f", version {_e(version[0])}" if version else "")
            + f" &mdash; <code>{_e(node)}</code></p>" + "".join(f"<p>{_e(d)}</p>" for d in description)
        )
    nav, body = [], []
    for key, heading, entries in sections:
        nav.append(
            f'<li><a href="#{key}">{_e(heading)}</a> ({len(entries)})<ul>'
            + "".join(f'<li><a href="#{_e(page.anchor(n))}">{_e(page.name(n))}</a></li>' for n, _ in entries)
            + "</ul></li>"
        )
        body.append(f'<h2 id="{key}">{_e(heading)}</h2>\n' + "".join(text for _, text in entries))
    if catalogue:
        nav.append(
            f'<li><a href="#queries">Named queries</a> ({len(catalogue)})<ul>'
            + "".join(f'<li><a href="#query-{_e(n)}">{_e(n)}</a></li>' for n in sorted(catalogue))
            + "</ul></li>"
        )
        body.append('<h2 id="queries">Named queries</h2>\n' + _query_section(catalogue))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{_e(title)}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<nav><strong>Contents</strong><ul>{''.join(nav)}</ul></nav>\n"
        f"<main>\n<h1>{_e(title)}</h1>\n{header}\n{''.join(body)}</main>\n</body>\n</html>\n"
    )


def write_docs(
    out_dir: Union[str, os.PathLike],
    *,
    ontology: Graph,
    shapes: Optional[Graph] = None,
    catalogue: Optional[Mapping[str, Query]] = None,
) -> list[Path]:
    """Write ``index.html`` into ``out_dir`` (made if missing); return the files written.

    :raises WriteError: the folder or file cannot be written.
    """
    from kg.files import write_file

    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(f"{display_path(folder)}: cannot make the folder ({error.strerror or error})") from error
    path = folder / "index.html"
    write_file(path, docs_html(ontology=ontology, shapes=shapes, catalogue=catalogue).encode("utf-8"))
    return [path]
