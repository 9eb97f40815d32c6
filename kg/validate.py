"""SHACL validation of the data against the shapes, with pySHACL.

:func:`validate` checks the data graph together with the ontology (so that
``sh:targetClass`` reaches instances of subclasses) against SHACL Core and SHACL-SPARQL
shapes, without any further inference, and returns a :class:`ValidationReport`.
Only results of severity ``sh:Violation`` make a graph non-conforming; warnings and
infos are reported but do not fail it.

>>> from rdflib import Graph
>>> shapes = Graph().parse(format="turtle", data='''
...     @prefix sh: <http://www.w3.org/ns/shacl#> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix ex: <https://example.org/> .
...     ex:UnitShape a sh:NodeShape ; sh:targetClass ex:Unit ;
...         sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "A unit has a label." ] .''')
>>> data = Graph().parse(format="turtle", data='''
...     @prefix ex: <https://example.org/> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     ex:lab rdfs:subClassOf ex:Unit .
...     ex:tongyi a ex:lab .''')
>>> report = validate(data, shapes_graph=shapes)
>>> report.conforms
False
>>> [(str(r.focus_node), r.message) for r in report.violations]
[('https://example.org/tongyi', 'A unit has a label.')]
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Iterator, Optional

import pyshacl
from pyparsing import ParseBaseException, ParseResults
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from kg.errors import ShapesError
from kg.timebounds import day_bounds
from kg.vocab import RDF, RDFS, qname

__all__ = ["SH", "ValidationReport", "ValidationResult", "check_sparql", "format_path", "parse_query", "results_of",
           "validate", "walk_query"]

SH = Namespace("http://www.w3.org/ns/shacl#")
_SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result (an ``sh:ValidationResult`` of the report graph)."""

    severity: URIRef
    focus_node: Node
    result_path: Optional[Node]
    value: Optional[Node]
    message: str
    source_shape: Node
    source_constraint_component: URIRef
    #: the ``sh:sparql`` constraint node, for SHACL-SPARQL results
    source_constraint: Optional[Node] = None

    @property
    def severity_name(self) -> str:
        """``"Violation"``, ``"Warning"`` or ``"Info"``."""
        return self.severity.split("#")[-1]

    def sort_key(self) -> tuple:
        return (
            _SEVERITY_ORDER.get(self.severity, 3),
            str(self.source_shape) if isinstance(self.source_shape, URIRef) else "",
            str(self.source_constraint_component),
            str(self.focus_node),
            str(self.result_path or ""),
            str(self.value or ""),
            self.message,
        )


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found.

    :ivar conforms: ``True`` unless some result has severity ``sh:Violation``.
    :ivar results: every result, violations first, in a stable order.
    :ivar graph: the SHACL validation report as an RDF graph.
    :ivar shapes_graph: the shapes that were applied (to name the rules in messages).
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: Graph
    shapes_graph: Optional[Graph] = None
    #: what the engine did not run itself and how it was run instead, one line each
    #: naming the shape and the feature (empty when the engine ran every shape itself)
    notes: tuple[str, ...] = ()

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == SH.Violation]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == SH.Warning]

    @property
    def infos(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == SH.Info]

    def named_shape(self, result: ValidationResult) -> Node:
        """The shape of ``result`` by a name that lasts: its own IRI, or for a property
        shape that is a blank node, the node shape holding it (the blank node itself if
        none does)."""
        shape = result.source_shape
        if isinstance(shape, BNode):
            return next(iter(self._shapes.subjects(SH.property, shape)), shape)
        return shape

    @property
    def _shapes(self) -> Graph:
        return self.shapes_graph if self.shapes_graph is not None else self.graph

    def rule(self, result: ValidationResult) -> str:
        """A short name for the rule ``result`` breaks: its shape, path and constraint.

        For example ``rkgsh:MembershipShape, org:member: MinCount``.
        """
        shapes = self._shapes
        shape, named = result.source_shape, self.named_shape(result)
        # A property shape is named by the node shape holding it, then by its name or path.
        parts = [] if named == shape and isinstance(shape, BNode) else [_name(shapes, named)]
        if isinstance(shape, BNode):
            name = next(iter(shapes.objects(shape, SH.name)), None)
            path = next(iter(shapes.objects(shape, SH.path)), None)
            if name is not None:
                parts.append(str(name))
            elif path is not None:
                parts.append(format_path(shapes, path))
        component = result.source_constraint_component.split("#")[-1].removesuffix("ConstraintComponent")
        if result.source_constraint is not None:
            name = _name(shapes, result.source_constraint, blank=None)
            if name:
                component = f"{component} {name}"
        return ", ".join(parts) + f": {component}"


def _name(graph: Graph, node: Node, *, blank: Optional[str] = "a blank-node shape") -> Optional[str]:
    for prop in (RDFS.label, SH.name):
        value = next(iter(graph.objects(node, prop)), None)
        if isinstance(value, Literal):
            return str(value)
    if isinstance(node, BNode):
        return blank
    return qname(node)


def format_path(graph: Graph, path: Node) -> str:
    """A SHACL property path written in SPARQL property-path syntax.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix org: <http://www.w3.org/ns/org#> .
    ...     <urn:p> sh:path ( org:member [ sh:inversePath org:organization ] ) .''')
    >>> format_path(g, g.value(URIRef("urn:p"), SH.path))
    'org:member/^org:organization'
    """
    if isinstance(path, URIRef):
        return qname(path)
    if (path, RDF.first, None) in graph:
        return "/".join(format_path(graph, step) for step in Collection(graph, path))
    for prop, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = graph.value(path, prop)
        if inner is not None:
            return template.format(format_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(format_path(graph, step) for step in Collection(graph, alternatives)) + ")"
    return path.n3()


def _message(graph: Graph, result: Node) -> str:
    messages = [m for m in graph.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    if not messages:
        return ""
    return str(min(messages, key=lambda m: (m.language not in (None, "en"), str(m))))


def results_of(graph: Graph) -> tuple[ValidationResult, ...]:
    """The results of the SHACL validation report ``graph``, violations first, in a stable order."""
    results = []
    for node in graph.objects(None, SH.result):
        results.append(
            ValidationResult(
                severity=graph.value(node, SH.resultSeverity),
                focus_node=graph.value(node, SH.focusNode),
                result_path=graph.value(node, SH.resultPath),
                value=graph.value(node, SH.value),
                message=_message(graph, node),
                source_shape=graph.value(node, SH.sourceShape),
                source_constraint_component=graph.value(node, SH.sourceConstraintComponent),
                source_constraint=graph.value(node, SH.sourceConstraint),
            )
        )
    return tuple(sorted(results, key=ValidationResult.sort_key))


class _PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL query text once.

    pySHACL runs a SHACL-SPARQL constraint once per focus node, passing the same query
    text each time; rdflib would parse it again on every call, which took most of the
    validation time. Parsing is cached per graph, keyed by the text and the prefixes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,  # noqa: N803
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql":
            namespaces = dict(initNs or self.namespaces())
            key = (query_object, tuple(sorted(namespaces.items())))
            if key not in self._prepared:
                self._prepared[key] = prepareQuery(query_object, initNs=namespaces)
            query_object = self._prepared[key]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


# -- SPARQL the SHACL spec forbids in shapes ------------------------------------------------

#: Names of the pre-bound variables of SPARQL-based constraints (SHACL 5.2, 6.3).
_PRE_BOUND = ("this", "shapesGraph", "currentShape")


def _queries(shapes_graph: Graph) -> list[tuple[Node, str, Literal, set]]:
    """Each SPARQL query of ``shapes_graph``: (the shape or component using it, its kind, its
    text, the names of its potentially pre-bound variables that a sub-query must return)."""
    g = shapes_graph
    found = []
    for constraint in set(g.objects(None, SH.sparql)):
        owner = min(g.subjects(SH.sparql, constraint), key=str)
        for text in itertools.chain(g.objects(constraint, SH.select), g.objects(constraint, SH.ask)):
            found.append((owner, "SPARQL constraint", text, {"this"}))
    for kind in (SH.validator, SH.nodeValidator, SH.propertyValidator):
        for component, validator in g.subject_objects(kind):
            parameters = {str(p).split("#")[-1].split("/")[-1] for parameter in g.objects(component, SH.parameter)
                          for p in g.objects(parameter, SH.path)}
            for text in g.objects(validator, SH.select):
                found.append((component, "validator", text, {"this"} | parameters))
            for text in g.objects(validator, SH.ask):
                found.append((component, "validator", text, {"this", "value"} | parameters))
    seen = {text for _, _, text, _ in found}
    for kind in (SH.select, SH.ask, SH.construct):  # SPARQL-based targets, rules...: nothing is pre-bound
        for node, text in g.subject_objects(kind):
            if text not in seen:
                owner = min(g.subjects(None, node), key=str, default=node)
                found.append((owner, "SPARQL query", text, set()))
    return found


def walk_query(node) -> Iterator[CompValue]:
    """Every parse-tree element under ``node``, depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)


def _in_scope(where) -> set:
    """The names of the variables a group pattern binds (outside its FILTER expressions)."""
    names = set()
    stack = [where]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            names.add(str(item))
        elif isinstance(item, CompValue):
            if item.name != "Filter":
                stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return names


@functools.lru_cache(maxsize=256)
def parse_query(text: str) -> Optional[ParseResults]:
    """The parse tree of the SPARQL query ``text`` (prologue, query), or ``None`` if it is not
    valid SPARQL (the engine that runs it says so). Parsed once per text."""
    try:
        return parseQuery(text)
    except ParseBaseException:
        return None


def _forbidden(text: str, pre_bound: set) -> Optional[str]:
    """What in the SPARQL query ``text`` the SHACL spec forbids, or ``None``."""
    tree = parse_query(text)
    if tree is None:
        return None
    query = tree[1]
    rebindable = pre_bound | set(_PRE_BOUND)
    for element in walk_query(query):
        if element.name == "DatasetClause":
            return "FROM or FROM NAMED"
        if element.name == "MinusGraphPattern":
            return "MINUS"
        if element.name == "ServiceGraphPattern":
            return "SERVICE (a federated query)"
        if element.name in ("InlineData", "ValuesClause") and "var" in element:
            return "VALUES"
        if element.name == "Bind" and str(element["var"]) in rebindable:
            return f"AS ${element['var']} (a pre-bound variable)"
        if element.name == "vars" and "evar" in element and str(element["evar"]) in rebindable:
            return f"AS ${element['evar']} (a pre-bound variable)"
        if element.name == "SubSelect":
            projection = element["projection"] if "projection" in element else None
            if projection and not isinstance(projection, str):
                returned = {str(v["var"] if "var" in v else v["evar"]) for v in projection}
            else:  # SELECT *
                returned = _in_scope(element["where"])
            missing = sorted(pre_bound - returned)
            if missing:
                return f"a sub-query that does not return ${', $'.join(missing)}"
    return None


def check_sparql(shapes_graph: Graph) -> None:
    """Refuse the SPARQL the SHACL spec forbids in shapes, before anything runs: ``MINUS``,
    ``SERVICE``, ``VALUES``, ``FROM``, a sub-query that does not return ``$this`` (and the
    other pre-bound variables), ``AS`` of a pre-bound variable.

    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     <urn:s> sh:targetNode <urn:x> ;
    ...         sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://a> { $this ?p ?o } }" ] .''')
    >>> check_sparql(shapes)
    Traceback (most recent call last):
    ...
    kg.errors.ShapesError: the SPARQL constraint of urn:s uses SERVICE (a federated query), which SHACL forbids in shapes

    :raises ShapesError: a query of the shapes uses what SHACL forbids; the error names its shape.
    """
    for owner, kind, text, pre_bound in sorted(_queries(shapes_graph), key=lambda q: (str(q[0]), str(q[2]))):
        forbidden = _forbidden(str(text), pre_bound)
        if forbidden is not None:
            raise ShapesError(f"the {kind} of {owner} uses {forbidden}, which SHACL forbids in shapes")


def validate(data_graph: Graph, *, shapes_graph: Graph, ontology_graph: Optional[Graph] = None) -> ValidationReport:
    """Validate ``data_graph`` (with ``ontology_graph`` mixed in) against ``shapes_graph``.

    Neither graph is modified. The shapes see one graph, the union of the two (pySHACL's
    own ``ont_graph`` would copy only the class and property axioms, not the individuals
    of the ontology such as roles and statuses). No inference is run: the ontology is
    there so that targets follow ``rdfs:subClassOf`` and constraints see its terms.

    Results of every severity make the report graph's ``sh:conforms`` false (as the SHACL
    spec says), and a nested shape (``sh:node``, ``sh:or``, ...) of severity ``sh:Warning``
    or ``sh:Info`` fails like any other; :attr:`ValidationReport.conforms` is false only
    when some result is a violation. The shapes also see the days derived from the dates
    (:func:`kg.timebounds.day_bounds`), as a built graph holds them.

    :raises ShapesError: the shapes cannot be used (a malformed shape, constraint or
        SPARQL query, SPARQL the SHACL spec forbids, or a feature pySHACL does not run).
    """
    check_sparql(shapes_graph)
    union = _PreparedQueryGraph()
    union += data_graph
    if ontology_graph is not None:
        union += ontology_graph
    union += day_bounds(union)  # the plain days the shapes compare dates by (kg.timebounds)
    shapes = Graph()  # pySHACL adds triples to the shapes graph it is given
    shapes += shapes_graph
    try:
        _, report_graph, _ = pyshacl.validate(
            union,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=False,
            allow_infos=False,
            abort_on_first=False,
            inplace=True,
        )
    except ReportableRuntimeError as error:
        raise ShapesError(f"the SHACL shapes cannot be used: {error.message}") from None
    except ParseBaseException as error:
        raise ShapesError(f"a SPARQL query of the SHACL shapes is not valid SPARQL: {error}") from None
    except NotImplementedError as error:
        raise ShapesError(f"the SHACL shapes use a feature pySHACL does not run: {error}") from None
    except Exception as error:  # rdflib raises a bare Exception for an undeclared prefix
        if not str(error).startswith("Unknown namespace prefix"):
            raise
        raise ShapesError(f"a SPARQL query of the SHACL shapes uses an undeclared prefix: {error}") from None
    if not isinstance(report_graph, Graph):  # pySHACL returns its ValidationFailure
        raise ShapesError(f"the SHACL shapes cannot be used: {report_graph}")
    results = results_of(report_graph)
    conforms = not any(r.severity == SH.Violation for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=report_graph, shapes_graph=shapes_graph)
