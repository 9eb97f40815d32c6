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
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, cast

import pyshacl
from pyparsing import ParseBaseException, ParseResults
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from kg.errors import ShapesError, plural
from kg.timebounds import day_bounds
from kg.vocab import RDF, RDFS, Loaded, describe, qname

__all__ = ["SEVERITIES", "SH", "ValidationReport", "ValidationResult", "check_sparql", "format_path",
           "hidden_line", "parse_query", "report_json", "result_lines", "results_of", "severity_counts", "severity_shown",
           "shape_table", "summary_line", "text_lines", "validate", "walk_query"]

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
        parts = [] if named == shape and isinstance(shape, BNode) else [_name(shapes, named) or ""]
        if isinstance(shape, BNode):
            name = next(iter(shapes.objects(shape, SH.name)), None)
            path = next(iter(shapes.objects(shape, SH.path)), None)
            if name is not None:
                parts.append(str(name))
            elif path is not None:
                parts.append(format_path(shapes, path))
        component = result.source_constraint_component.split("#")[-1].removesuffix("ConstraintComponent")
        if result.source_constraint is not None:
            constraint = _name(shapes, result.source_constraint, blank=None)
            if constraint:
                component = f"{component} {constraint}"
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
                # A SHACL report gives every result these (SHACL 3.6.2).
                severity=cast(URIRef, graph.value(node, SH.resultSeverity)),
                focus_node=cast(Node, graph.value(node, SH.focusNode)),
                result_path=graph.value(node, SH.resultPath),
                value=graph.value(node, SH.value),
                message=_message(graph, node),
                source_shape=cast(Node, graph.value(node, SH.sourceShape)),
                source_constraint_component=cast(URIRef, graph.value(node, SH.sourceConstraintComponent)),
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


def _queries(shapes_graph: Graph) -> list[tuple[Node, str, Node, set[str]]]:
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
        raise ShapesError(f"the SHACL shapes cannot be used: {error.message}") from error
    except ParseBaseException as error:
        raise ShapesError(f"a SPARQL query of the SHACL shapes is not valid SPARQL: {error}") from error
    except NotImplementedError as error:
        raise ShapesError(f"the SHACL shapes use a feature pySHACL does not run: {error}") from error
    except Exception as error:  # rdflib raises Exception itself (no subclass) for an undeclared prefix; others go on
        if not str(error).startswith("Unknown namespace prefix"):
            raise
        raise ShapesError(f"a SPARQL query of the SHACL shapes uses an undeclared prefix: {error}") from error
    if not isinstance(report_graph, Graph):  # pySHACL returns its ValidationFailure
        raise ShapesError(f"the SHACL shapes cannot be used: {report_graph}")
    results = results_of(report_graph)
    conforms = not any(r.severity == SH.Violation for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=report_graph, shapes_graph=shapes_graph)


# -- Rendering: the report as kg validate (and kg build, on refusal) shows it ---------------

#: The severities of SHACL results, most severe first, as ``--severity`` names them.
SEVERITIES = ("violation", "warning", "info")


def severity_shown(severity_name: str, least: str) -> bool:
    """Whether a result of ``severity_name`` (``Violation``...) is shown for ``--severity least``.

    >>> severity_shown("Warning", "violation"), severity_shown("Warning", "info")
    (False, True)
    """
    return SEVERITIES.index(severity_name.lower()) <= SEVERITIES.index(least)


def severity_counts(results: Iterable[ValidationResult]) -> dict[str, int]:
    """How many ``results`` of each severity, by name (``Violation``...), most severe first."""
    counts = {name.capitalize(): 0 for name in SEVERITIES}
    for result in results:
        counts[result.severity_name] = counts.get(result.severity_name, 0) + 1
    return counts


def shape_table(report: ValidationReport, graphs: Loaded) -> list[str]:
    """The results per shape and severity, with the totals: the report at a glance (no lines when none)."""
    if not report.results:
        return []
    per_shape: dict[str, list] = defaultdict(list)
    for result in report.results:
        shape = report.named_shape(result)
        name = shape.n3(graphs.shapes.namespace_manager) if graphs.shapes is not None else qname(shape)
        per_shape[name if isinstance(shape, URIRef) else "a blank-node shape"].append(result)
    width = max(len("total"), *(len(name) for name in per_shape))
    columns = [f"{name.capitalize()}s" for name in SEVERITIES]
    lines = [f"{'results per shape':{width + 2}}  " + "  ".join(f"{c:>10}" for c in columns)]
    rows = sorted(per_shape.items(), key=lambda item: (-len(item[1]), item[0])) + [("total", list(report.results))]
    for name, results in rows:
        counts = severity_counts(results)
        lines.append(f"  {name:{width}}  " + "  ".join(f"{counts[c[:-1]]:>10}" for c in columns))
    return [*lines, ""]


def result_lines(report: ValidationReport, graphs: Loaded, *, least: str = "info") -> list[str]:
    """Each result of severity ``least`` or above in full, grouped by severity and rule."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for result in report.results:
        if severity_shown(result.severity_name, least):
            groups[(result.severity_name, report.rule(result))].append(result)
    lines = []
    for (severity, rule), results in groups.items():
        lines.append(f"{severity}: {rule} ({len(results)})")
        for result in results:
            name, node_label, files = describe(graphs, result.focus_node)
            where = f" in {', '.join(files)}" if files else ""
            lines.append(f"  {name}" + (f' "{node_label}"' if node_label else "") + where)
            detail = result.message
            if result.result_path is not None:
                detail = f"{format_path(report.graph, result.result_path)}: {detail}"
            if result.value is not None and result.value != result.focus_node:
                detail += f" (value: {qname(result.value)})"
            lines.append(f"    {detail}")
        lines.append("")
    return lines


def hidden_line(report: ValidationReport, *, least: str) -> Optional[str]:
    """What ``--severity least`` leaves out and how to see it, or ``None`` when nothing is."""
    hidden = [(name, n) for name, n in severity_counts(report.results).items() if n and not severity_shown(name, least)]
    if not hidden:
        return None
    names = " and ".join(plural(n, name.lower()) for name, n in hidden)
    return (f"{names} not shown; see {'them' if sum(n for _, n in hidden) > 1 else 'it'} with "
            f"--severity {hidden[-1][0].lower()} (or --verbose)")


def summary_line(report: ValidationReport, graphs: Loaded) -> str:
    """The counts per severity, what was checked, and the verdict, in one line."""
    counts = (
        f"{plural(len(report.violations), 'violation')}, {plural(len(report.warnings), 'warning')}, "
        f"{plural(len(report.infos), 'info')}"
    )
    checked = f"{plural(len(graphs.data), 'triple')} in {plural(len(graphs.project.data_files), 'data file')}"
    verdict = "conforms" if report.conforms else "does not conform"
    return f"{counts} ({checked}): the data {verdict}"


def text_lines(report: ValidationReport, graphs: Loaded, *, least: str = "warning") -> list[str]:
    """The whole text report: the table per shape, the results of ``least`` and above, what is
    left out, and the summary."""
    hidden = hidden_line(report, least=least)
    return [*shape_table(report, graphs), *result_lines(report, graphs, least=least),
            *([hidden] if hidden else []), summary_line(report, graphs)]


def report_json(report: ValidationReport, graphs: Loaded) -> dict:
    """The report as ``kg validate --format json`` writes it: counts, and each result with its node's label and files."""
    results = []
    for result in report.results:
        _, node_label, files = describe(graphs, result.focus_node)
        results.append(
            {
                "severity": result.severity_name,
                "rule": report.rule(result),
                "focus_node": str(result.focus_node),
                "label": node_label,
                "files": files,
                "path": format_path(report.graph, result.result_path) if result.result_path is not None else None,
                "value": str(result.value) if result.value is not None else None,
                "message": result.message,
                "source_shape": str(report.named_shape(result)),
                "source_constraint_component": str(result.source_constraint_component),
            }
        )
    return {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "infos": len(report.infos),
        "results": results,
    }
