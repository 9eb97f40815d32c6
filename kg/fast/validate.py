"""SHACL validation as store queries: the shapes compiled to SPARQL and run by Oxigraph.

:func:`validate` checks the default graph of a store (ontology and data) against a
shapes graph and returns the same :class:`~kg.validate.ValidationReport` as
:func:`kg.validate.validate` (pySHACL): the same results (focus node, path, value,
source shape, constraint component, severity, message), in the same order.

Each constraint of each shape becomes one query over all its focus nodes at once (a
shape's targets become a SPARQL pattern, stored in the store when a query first reads
it), instead of pySHACL's loop over focus nodes. A check of the values alone (sh:class,
sh:datatype, sh:nodeKind, sh:in, patterns, ranges...) and sh:maxCount first look at every
value of the path in the store, once per path for all shapes (a scan of its triples is
cheaper than a join with the focus nodes), and join with the focus nodes only the few
values (or nodes) that fail; the sh:minCount 1 of the property shapes on one set of
focus nodes are checked together by one ``ASK``.
A SHACL-SPARQL constraint (or the validator of a SPARQL-based constraint component, its
parameter values written into the query) runs once, joined with the focus nodes, where
that gives what pre-binding ``$this`` gives; else once per focus node with ``$this``
pre-bound (a plain ``FILTER NOT EXISTS`` of such a query runs as an ``OPTIONAL``, which
Oxigraph plans far better: :func:`_not_exists_as_optional`). Checks that only look at one value (datatype well-formedness, patterns,
comparisons) run in Python over the distinct values, with pySHACL's own rules. Nested
shapes (``sh:node``, ``sh:or``, ``sh:not``, ``sh:and``, ``sh:xone``, qualified value
shapes) are evaluated as sets of failing nodes. Literals the store holds in another form
than written (Oxigraph keeps values: ``"7"^^xsd:int`` as an ``xsd:integer``) are checked,
compared and reported as written (:func:`kg.fast.store.written_forms`, read once per run):
where the answer depends on the form, those values alone take the Python path, and a
SHACL-SPARQL constraint that looks at them goes to pySHACL. A shape that uses a feature this module
does not compile (SHACL-JS, SPARQL-based targets, rules, ...) is validated by pySHACL,
that shape alone, and named in the report's notes; SPARQL the SHACL spec forbids in
shapes is refused before anything runs.

>>> import pyoxigraph
>>> from rdflib import Graph
>>> shapes = Graph().parse(format="turtle", data='''
...     @prefix sh: <http://www.w3.org/ns/shacl#> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     @prefix ex: <https://example.org/> .
...     ex:UnitShape a sh:NodeShape ; sh:targetClass ex:Unit ;
...         sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "A unit has a label." ] .''')
>>> store = pyoxigraph.Store()
>>> store.load(b'''@prefix ex: <https://example.org/> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     ex:lab rdfs:subClassOf ex:Unit .
...     ex:tongyi a ex:lab .''', format=pyoxigraph.RdfFormat.TURTLE)
>>> report = validate(store, shapes_graph=shapes)
>>> [(str(r.focus_node), r.message) for r in report.violations]
[('https://example.org/tongyi', 'A unit has a label.')]
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Iterable, Iterator, Optional, cast

import pyoxigraph
from pyparsing import ParseResults
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql.algebra import translatePName, translatePrologue, traverse
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier, Node, Variable

from kg.errors import ShapesError, Unsupported
from kg.fast.store import from_rdflib, graph_of, merged_forms, record_rewritten, to_rdflib, written_forms
from kg.timebounds import store_day_bounds
from kg.validate import SH, ValidationReport, check_sparql, format_path, parse_query, results_of
from kg.validate import validate as pyshacl_validate
from kg.validate import walk_query as _walk
from kg.vocab import OWL, PREFIXES, RDF, RDFS, XSD, qname

__all__ = ["Unsupported", "unsupported", "validate"]

_PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
#: The constraint parameters this module compiles.
_PARAMETERS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.pattern, SH.flags, SH.languageIn,
    SH["in"], SH.hasValue, SH.minExclusive, SH.minInclusive, SH.maxExclusive, SH.maxInclusive, SH.minLength,
    SH.maxLength, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.node, SH["or"], SH["and"],
    SH["not"], SH.xone, SH.property, SH.sparql, SH.uniqueLang, SH.closed, SH.ignoredProperties,
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
}
#: Parameters read with another one (sh:flags with sh:pattern...), not constraints of their own.
_AUXILIARY = {SH.flags, SH.ignoredProperties, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint}
#: Parameters of constraints this module does not compile (the shapes then go to pySHACL).
_UNSUPPORTED = {
    SH.js, SH.expression, SH.rule,
    SH.target,
}


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


# -- Shapes -------------------------------------------------------------------------------


@dataclass
class _Sparql:
    node: Node
    select: str
    messages: list[Literal]
    #: the PREFIX declarations of this constraint (its own ``sh:prefixes``)
    prologue: str = _PROLOGUE
    #: whether joining the query's solutions with the focus nodes gives what pre-binding
    #: ``$this`` to each focus node gives (else the query runs once per focus node)
    join: bool = False
    #: the constraint component: SPARQL-based constraints, or a SPARQL-based component
    component: Node = SH.SPARQLConstraintComponent
    #: an ASK validator (run once per focus node and value), not a SELECT
    ask: bool = False
    #: the parameter values of a SPARQL-based component (for the messages)
    parameters: tuple = ()

    @functools.cached_property
    def run(self) -> str:
        """The query as it runs in Oxigraph: :attr:`select` with its plain ``FILTER NOT
        EXISTS`` written for Oxigraph's planner (:func:`_not_exists_as_optional`)."""
        return _not_exists_as_optional(self.select)


@dataclass
class _Shape:
    node: Node
    path: Optional[Node]
    path_text: Optional[str]
    severity: Node
    messages: list[Literal]
    deactivated: bool
    targets: dict[URIRef, list[Node]]
    params: dict[Node, list[Node]]
    properties: list["_Shape"] = field(default_factory=list)
    sparql: list[_Sparql] = field(default_factory=list)

    @property
    def uses(self) -> int:
        """How many constraints (own, SPARQL and property shapes) look at the focus nodes."""
        own = sum(len(values) for parameter, values in self.params.items() if parameter not in _AUXILIARY)
        return own + len(self.sparql) + len(self.properties)


class _Shapes:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.shapes: dict[Node, _Shape] = {}
        self.prologue = _PROLOGUE
        #: whether a query reads ``$shapesGraph``
        self.uses_shapes_graph = False
        #: shapes with targets that this module cannot run, and why
        self.unsupported: dict[Node, str] = {}
        for node in self._shape_nodes():
            try:
                self.get(node)
            except Unsupported as error:
                if self.targeted(node):
                    self.unsupported[node] = str(error)

    def targeted(self, node: Node) -> bool:
        """Whether ``node`` has targets of its own (explicit or an implicit class target)."""
        g = self.graph
        return any((node, t, None) in g for t in (*_TARGETS, SH.target)) or self.implicit_class(node)

    def implicit_class(self, node: Node) -> bool:
        """Whether the shape ``node`` is also a class (``rdfs:Class`` or a subclass of it,
        ``owl:Class``...), so it targets its instances (SHACL 2.1.3.1)."""
        g = self.graph
        if (node, RDF.type, SH.NodeShape) not in g and (node, RDF.type, SH.PropertyShape) not in g:
            return False
        return any(_is_class(g, t) for t in g.objects(node, RDF.type))

    def _declared(self, constraint: Node) -> dict[str, str]:
        """The prefixes ``constraint`` declares with ``sh:prefixes`` (and the ontologies those
        import with ``owl:imports``, in the shapes graph)."""
        declared = {}
        owners: list[Optional[Node]] = list(self.graph.objects(constraint, SH.prefixes))
        for owner in list(owners):
            owners += [o for o in self.graph.transitive_objects(owner, OWL.imports) if o not in owners]
        for owner in owners:
            for declaration in self.graph.objects(owner, SH.declare):
                prefix = self.graph.value(declaration, SH.prefix)
                namespace = self.graph.value(declaration, SH.namespace)
                if prefix is not None and namespace is not None:
                    declared[str(prefix)] = str(namespace)
        return declared

    def _shape_nodes(self) -> list[Node]:
        g = self.graph
        nodes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
        for target in (*_TARGETS, SH.target, SH.path):
            nodes |= set(g.subjects(target, None))
        return sorted(nodes, key=lambda n: (isinstance(n, BNode), str(n)))

    def get(self, node: Node) -> _Shape:
        if node in self.shapes:
            return self.shapes[node]
        g = self.graph
        found = sorted(qname(parameter) for parameter in _UNSUPPORTED if (node, parameter, None) in g)
        if found:
            raise Unsupported(f"{', '.join(found)} on {_name(node)}")
        path = g.value(node, SH.path)
        severity = g.value(node, SH.severity) or SH.Violation
        deactivated = any(bool(v.toPython()) for v in g.objects(node, SH.deactivated) if isinstance(v, Literal))
        params: dict[Node, list[Node]] = {}
        for p, o in g.predicate_objects(node):
            if p in _PARAMETERS and p not in (SH.property, SH.sparql):
                params.setdefault(p, []).append(o)
        targets = {t: _sorted(g.objects(node, t)) for t in _TARGETS}
        if self.implicit_class(node):
            targets[SH.targetClass] = _sorted(set(targets[SH.targetClass]) | {node})
        shape = _Shape(
            node=node,
            path=path,
            path_text=_path(g, path) if path is not None else None,
            severity=severity,
            messages=[m for m in g.objects(node, SH.message) if isinstance(m, Literal)],
            deactivated=deactivated,
            targets={t: v for t, v in targets.items() if v},
            params=params,
        )
        self.shapes[node] = shape
        try:
            self._parts(shape)
        except Unsupported:
            del self.shapes[node]
            raise
        return shape

    def _parts(self, shape: _Shape) -> None:
        g, node = self.graph, shape.node
        path_text = shape.path_text
        shape.properties = [self.get(p) for p in sorted(g.objects(node, SH.property), key=str)]
        for member in itertools.chain(shape.params.get(SH.node, []), shape.params.get(SH["not"], []),
                                      shape.params.get(SH.qualifiedValueShape, [])):
            self.get(member)
        for parameter in (SH["or"], SH["and"], SH.xone):
            for members in shape.params.get(parameter, []):
                for member in self.items(members):
                    self.get(member)
        for component in _components(g):
            shape.sparql.extend(self._component(shape, component))
        for constraint in sorted(g.objects(node, SH.sparql), key=str):
            if any(True for _ in g.objects(constraint, SH.deactivated) if isinstance(_, Literal) and _.toPython() is True):
                continue
            select = g.value(constraint, SH.select)
            if select is None or g.value(constraint, SH.ask) is not None:
                raise Unsupported(f"SPARQL constraint {constraint} without sh:select")
            text = str(select)
            text = self._shapes_graph(text, shape, constraint)
            if re.search(r"[$?]PATH\b", text):
                if path_text is None:
                    raise Unsupported(f"$PATH in the SPARQL constraint {_name(constraint)} of a node shape")
                text = re.sub(r"[$?]PATH\b", lambda _: path_text, text)
            messages = [m for m in g.objects(constraint, SH.message) if isinstance(m, Literal)]
            prologue = _PROLOGUE + "".join(f"PREFIX {prefix}: <{namespace}>\n"
                                           for prefix, namespace in self._declared(constraint).items())
            shape.sparql.append(_Sparql(constraint, text, messages, prologue, _joinable(text)))

    def _shapes_graph(self, text: str, shape: _Shape, owner: Node) -> str:
        """``text`` with ``$shapesGraph`` and ``$currentShape`` pre-bound: the shapes graph is
        a named graph of the store while validation runs (:data:`SHAPES_GRAPH`)."""
        terms = {}
        if re.search(r"[$?]shapesGraph\b", text):
            terms["shapesGraph"] = f"<{SHAPES_GRAPH.value}>"
            self.uses_shapes_graph = True
        if re.search(r"[$?]currentShape\b", text):
            if not isinstance(shape.node, URIRef):
                raise Unsupported(f"$currentShape in {_name(owner)} on a blank-node shape")
            terms["currentShape"] = shape.node.n3()
        return _bind(text, terms)

    def _component(self, shape: _Shape, component: Node) -> list[_Sparql]:
        """The constraints of the SPARQL-based constraint ``component`` on ``shape``: one per
        combination of its parameter values, the values written into the validator's query
        (none if ``shape`` lacks a mandatory parameter)."""
        g = self.graph
        values, mandatory = {}, []
        for parameter in g.objects(component, SH.parameter):
            path = g.value(parameter, SH.path)
            name = str(path).split("#")[-1].split("/")[-1]
            found = sorted(g.objects(shape.node, path), key=str)
            if found:
                values[name] = found
            if not any(o.toPython() is True for o in g.objects(parameter, SH.optional) if isinstance(o, Literal)):
                mandatory.append(name)
        if not mandatory or any(name not in values for name in mandatory):
            return []
        kinds = (SH.nodeValidator, SH.validator) if shape.path is None else (SH.propertyValidator, SH.validator)
        validator = next((v for kind in kinds for v in sorted(g.objects(component, kind), key=str)), None)
        select = g.value(validator, SH.select) if validator is not None else None
        ask = g.value(validator, SH.ask) if validator is not None else None
        if validator is None or (select is None and ask is None):
            raise Unsupported(f"the constraint component {_name(component)} on {_name(shape.node)} without a validator")
        text = str(ask if select is None else select)
        text = self._shapes_graph(text, shape, component)
        if re.search(r"[$?]PATH\b", text):
            path_text = shape.path_text
            if path_text is None:
                raise Unsupported(f"$PATH in the validator of {_name(component)} on the node shape {_name(shape.node)}")
            text = re.sub(r"[$?]PATH\b", lambda _: path_text, text)
        messages = [m for m in itertools.chain(g.objects(validator, SH.message), g.objects(component, SH.message))
                    if isinstance(m, Literal)]
        prologue = _PROLOGUE + "".join(f"PREFIX {prefix}: <{namespace}>\n"
                                       for prefix, namespace in self._declared(validator).items())
        constraints: list[_Sparql] = []
        names = sorted(values)
        for combination in itertools.product(*(values[name] for name in names)):
            bound = _bind(text, {name: _sparql_term(value) for name, value in zip(names, combination)})
            constraints.append(_Sparql(validator, bound, messages, prologue, join=ask is None and _joinable(bound),
                                 component=component, ask=ask is not None, parameters=tuple(zip(names, combination))))
        return constraints

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.graph, node))


_THIS = Variable("this")


def _mentions_this(element) -> bool:
    stack = [element]
    while stack:
        item = stack.pop()
        if item == _THIS:
            return True
        if isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return False


def _binds_this(group) -> bool:
    """Whether the group pattern ``group`` binds ``$this`` in a triple pattern of its own, or
    in every branch of a ``UNION`` of its own."""
    for part in group.get("part") or []:
        if part.name == "TriplesBlock" and _mentions_this(part):
            return True
        if part.name == "GroupOrUnionGraphPattern" and all(
                b.name == "GroupGraphPatternSub" and _binds_this(b) for b in part["graph"]):
            return True
    return False


def _safe(group) -> bool:
    """Whether every use of ``$this`` in ``group`` sees it bound when it is bound by a join
    (in a triple pattern, a FILTER, an OPTIONAL that is itself safe, or a UNION each of
    whose branches binds it)."""
    for part in group.get("part") or []:
        if not _mentions_this(part) or part.name in ("TriplesBlock", "Filter"):
            continue
        if part.name == "OptionalGraphPattern" and _safe(part["graph"]):
            continue
        if part.name == "GroupOrUnionGraphPattern" and all(
                b.name == "GroupGraphPatternSub" and _binds_this(b) and _safe(b) for b in part["graph"]):
            continue
        return False
    return True


_TOKEN = r"""(?ix) (?P<select>\bSELECT\b) | (?P<where>\bWHERE\b|\{{) | (?P<open>\() | (?P<close>\))
    | (?P<var>[?$]({names})\b) | (?P<skip>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|<[^<>\s]*>|\#[^\n]*)"""


def _bind(text: str, terms: dict[str, str]) -> str:
    """The query ``text`` with the variables named in ``terms`` pre-bound (SHACL 5.3.1.1):
    each use of a variable replaced by its term; in a projection, a fresh variable bound to
    it; ``BOUND`` of it true.

    >>> _bind("SELECT $this ?v WHERE { $this <urn:p> ?v FILTER (?v != $this) }", {"this": "<urn:x>"})
    'SELECT (<urn:x> AS ?_bound0) ?v WHERE { <urn:x> <urn:p> ?v FILTER (?v != <urn:x>) }'
    """
    if not terms:
        return text
    names = "|".join(re.escape(name) for name in terms)
    text = re.sub(rf"(?i)\bBOUND\s*\(\s*[?$]({names})\s*\)", "(true)", text)
    out, position, projection, depth, fresh = [], 0, False, 0, itertools.count()
    for match in re.finditer(_TOKEN.format(names=names), text):
        kind = match.lastgroup
        if kind == "select":
            projection, depth = True, 0
        elif kind == "where" and depth == 0:
            projection = False
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "var":
            term = terms[match.group("var")[1:]]
            out.append(text[position:match.start()])
            out.append(f"({term} AS ?_bound{next(fresh)})" if projection and depth == 0 else term)
            position = match.end()
    out.append(text[position:])
    return "".join(out)


def _predicate(path) -> tuple[Optional[URIRef], set, bool]:
    """A predicate of a parsed triple pattern: its IRI if it is one IRI (else ``None``), the
    IRIs it names, and whether it can match any predicate (a variable, a negated set)."""
    iris, anything, stack = set(), isinstance(path, Variable), [path]
    while stack:
        item = stack.pop()
        if isinstance(item, URIRef):
            iris.add(item)
        elif isinstance(item, CompValue):
            anything |= item.name == "PathNegatedPropertySet"
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    plain = path if isinstance(path, URIRef) else None
    if isinstance(path, CompValue) and path.name == "PathAlternative" and len(path["part"]) == 1:
        sequence = path["part"][0]
        if len(sequence["part"]) == 1:
            element = sequence["part"][0]
            if element.name == "PathElt" and "mod" not in element and isinstance(element["part"], URIRef):
                plain = element["part"]
    return plain, iris, anything


@functools.lru_cache(maxsize=1024)
def _looks_at_literals(text: str, predicates: frozenset) -> bool:
    """Whether the SPARQL query ``text`` may look at the lexical form or datatype of a
    literal that is the object of one of ``predicates`` (or of any predicate, matched by a
    variable or a negated property set): a variable that can be bound to one is used in an
    expression (FILTER, BIND, an aggregate, ORDER BY...), or such a triple pattern has a
    literal constant. Joins, projection and grouping on such a variable do not count: they
    compare terms, and a store holds one form for each literal written. A query that is not
    valid SPARQL counts as looking.

    >>> _looks_at_literals("SELECT ?v WHERE { $this <urn:p>/<urn:q>* ?v FILTER (STR(?v) = '4') }", frozenset())
    False
    >>> _looks_at_literals("SELECT ?v WHERE { $this <urn:p> ?v FILTER (STR(?v) = '4') }", frozenset({URIRef("urn:p")}))
    True
    >>> _looks_at_literals("SELECT ?p WHERE { [] ?p [] FILTER (isIRI(?p)) }", frozenset())
    False
    """
    tree = parse_query(text)
    if tree is None:
        return True
    query = traverse(tree[1], visitPost=functools.partial(translatePName, prologue=translatePrologue(tree[0], None)))
    bound, uses, stack = set(), set(), [query]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            uses.add(item)
        elif isinstance(item, CompValue):
            if item.name == "TriplesBlock":
                for block in item["triples"]:
                    if len(block) % 3:
                        return True
                    for start in range(0, len(block), 3):
                        subject, path, value = block[start:start + 3]
                        plain, iris, anything = _predicate(path)
                        ends: tuple[Any, ...]
                        if plain is not None:
                            ends = (value,) if plain in predicates else ()
                        else:
                            ends = (subject, value) if anything or iris & predicates else ()
                        if any(isinstance(end, Literal) for end in ends):
                            return True
                        bound |= {end for end in ends if isinstance(end, Variable)}
            elif item.name == "vars" and "expr" not in item:
                pass  # a projected variable
            elif item.name == "GroupClause":
                stack.extend(c for c in item["condition"] if not isinstance(c, Variable))
            else:
                stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return bool(bound & uses)


@functools.lru_cache(maxsize=1024)
def _may_match(text: str, predicates: frozenset) -> bool:
    """Whether a triple pattern of the SPARQL query ``text`` can match a triple of one of
    ``predicates`` (it names one, or any predicate: a variable, a negated property set) and
    read its object: a predicate variable whose object is a blank node or variable used
    nowhere else, in a query without aggregates, reads only the subject and the predicate.
    A query that is not valid SPARQL can.

    >>> _may_match("SELECT $this WHERE { $this <urn:p>/<urn:q> ?v }", frozenset({URIRef("urn:q")}))
    True
    >>> _may_match("SELECT $this WHERE { $this <urn:p> ?v }", frozenset({URIRef("urn:q")}))
    False
    >>> _may_match("SELECT DISTINCT $this ?p WHERE { $this ?p [] }", frozenset({URIRef("urn:q")}))
    False
    >>> _may_match("SELECT $this ?o WHERE { $this ?p ?o }", frozenset({URIRef("urn:q")}))
    True
    """
    tree = parse_query(text)
    if tree is None:
        return True
    try:
        query = traverse(tree[1], visitPost=functools.partial(translatePName, prologue=translatePrologue(tree[0], None)))
    except Exception:  # rdflib raises a bare Exception for an unknown prefix
        return True
    uses: dict = {}
    stack = [query]
    while stack:
        item = stack.pop()
        if isinstance(item, (Variable, BNode)):
            uses[item] = uses.get(item, 0) + 1
        elif isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    aggregates = any(e.name.startswith("Aggregate_") for e in _walk(query))
    for item in _walk(query):
        if item.name == "TriplesBlock":
            for block in item["triples"]:
                for start in range(1, len(block), 3):
                    path, value = block[start], block[start + 1] if start + 1 < len(block) else None
                    _, iris, anything = _predicate(path)
                    if iris & predicates:
                        return True
                    if anything and not (isinstance(path, Variable) and isinstance(value, (Variable, BNode))
                                         and uses.get(value) == 1 and not aggregates):
                        return True
    return False


def _joinable(text: str) -> bool:
    """Whether the SELECT query ``text`` can run once over all focus nodes, joined with them
    on ``$this``: it binds ``$this`` itself at its top level, has no prologue of its own,
    and does not aggregate (else ``$this`` is pre-bound, one run per focus node)."""
    query = parse_query(text)
    if query is None:
        return False
    select = query[1]
    if len(query[0]) or "groupby" in select or "having" in select:
        return False
    if any(e.name.startswith("Aggregate_") for e in _walk(select)):
        return False
    return _binds_this(select["where"]) and _safe(select["where"])


_BRACES = re.compile(r"""(?ix) (?P<skip>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
    | "(?:[^"\\]|\\.)*" | '(?:[^'\\]|\\.)*' | <[^<>\s]*> | \#[^\n]*)
    | (?P<not_exists>\bFILTER\s+NOT\s+EXISTS\s*\{) | (?P<open>\{) | (?P<close>\}) | (?P<paren>[()])""")


def _plain_triples(body: str) -> bool:
    """Whether the group ``body`` holds triple patterns alone, with no path that can have
    length zero (``*``, ``?``): then ``NOT EXISTS`` of it is true of a solution exactly when
    no solution of it is compatible with that solution (substitution and join agree)."""
    tree = parse_query(f"SELECT * WHERE {{ {body} }}")
    if tree is None:
        return False
    parts = tree[1]["where"].get("part") or []
    if not parts or any(part.name != "TriplesBlock" for part in parts):
        return False
    return not any(e.name == "PathElt" and e.get("mod") in ("*", "?") for e in _walk(tree[1]["where"]))


def _not_exists_as_optional(text: str) -> str:
    """The query ``text`` with each ``FILTER NOT EXISTS`` of plain triple patterns at the top
    level of its ``WHERE`` group written as an ``OPTIONAL`` of them at the end of that group
    and a ``!BOUND`` test: the same solutions (:func:`_plain_triples`), but Oxigraph plans
    ``NOT EXISTS`` badly: it joins the inner triples before it substitutes the solution
    (oxigraph issue 885), so two filters of a shipped constraint took 3.5 of the 5 s that
    validating 100k triples took; the ``OPTIONAL`` takes 0.1 s. Anything else is left as it is.

    >>> _not_exists_as_optional("SELECT ?v WHERE { $this <urn:p> ?v FILTER NOT EXISTS { ?v <urn:q> $this } }")
    'SELECT ?v WHERE { $this <urn:p> ?v   OPTIONAL { ?v <urn:q> $this BIND (true AS ?_notExists0) } FILTER (!BOUND(?_notExists0)) }'
    >>> _not_exists_as_optional("SELECT ?v WHERE { $this <urn:p> ?v FILTER NOT EXISTS { ?v <urn:q>* $this } }")
    'SELECT ?v WHERE { $this <urn:p> ?v FILTER NOT EXISTS { ?v <urn:q>* $this } }'
    """
    depth, parens, cuts, added, pending, end = 0, 0, [], [], None, None
    for match in _BRACES.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "paren":
            parens += 1 if match.group() == "(" else -1
            continue
        if kind == "not_exists":
            if depth == 1 and parens == 0 and pending is None:
                pending = (match.start(), match.end())
            depth += 1
        elif kind == "open":
            depth += 1
        else:
            depth -= 1
            if pending is not None and depth == 1:
                body = text[pending[1]:match.start()]
                if _plain_triples(body):
                    cuts.append((pending[0], match.end()))
                    added.append(body.strip())
                pending = None
            elif depth == 0:
                end = match.start()
                break
    if not cuts or end is None:
        return text
    out, position = [], 0
    for start, stop in cuts:
        out += [text[position:start]]
        position = stop
    out.append(text[position:end].rstrip() + " ")
    stem = "_notExists"
    while stem in text:  # a name the query does not use
        stem += "_"
    names = [f"?{stem}{n}" for n in range(len(added))]
    out += [f" OPTIONAL {{ {body} BIND (true AS {name}) }}" for body, name in zip(added, names)]
    out += [f" FILTER (!BOUND({name}))" for name in names]
    out.append(" " + text[end:])
    return "".join(out)


def _path(graph: Graph, path: Node) -> str:
    text = format_path(graph, path)
    if text.startswith("_:") or "[" in text:
        raise Unsupported(f"cannot read the path {path}")
    return text


#: The kinds of node each sh:nodeKind allows, as Oxigraph term types.
_NODE_KINDS: dict[Node, tuple] = {
    SH.IRI: (pyoxigraph.NamedNode,), SH.BlankNode: (pyoxigraph.BlankNode,), SH.Literal: (pyoxigraph.Literal,),
    SH.BlankNodeOrIRI: (pyoxigraph.BlankNode, pyoxigraph.NamedNode),
    SH.BlankNodeOrLiteral: (pyoxigraph.BlankNode, pyoxigraph.Literal),
    SH.IRIOrLiteral: (pyoxigraph.NamedNode, pyoxigraph.Literal),
}
#: How many values (or nodes) found over the whole store are looked up among the focus
#: nodes by name (``VALUES``); more, and the focus nodes are joined with the path instead.
_FEW = 2000


def _global_path(path: str) -> bool:
    """Whether the SPARQL property path ``path`` can be read from every node of a store at
    the cost of a scan of its triples: no ``*``, ``+`` or ``?``, which match from any
    node, or are a closure.

    >>> _global_path("prov:qualifiedDerivation/prov:entity"), _global_path("(^org:hasUnit|org:unitOf)")
    (True, True)
    >>> _global_path("rkg:reportsTo*"), _global_path("<urn:a?b>/rdfs:label")
    (False, True)
    """
    return not re.search(r"[*+?]", re.sub(r"<[^<>]*>", "", path))


# -- Focus nodes as SPARQL patterns -----------------------------------------------------------

_counter = itertools.count()


def _fresh(name: str) -> str:
    return f"?_{name}{next(_counter)}"


class _Focus:
    """A set of nodes, as a SPARQL group that binds a variable to each (once)."""

    #: What identifies the set: the same key, the same nodes.
    key: tuple = ()

    def pattern(self, var: str) -> str:
        raise NotImplementedError


class _TargetFocus(_Focus):
    def __init__(self, engine: "_Engine", shape: _Shape):
        self.engine, self.shape = engine, shape
        self.key = ("targets", shape.node)

    def pattern(self, var: str) -> str:
        parts = []
        for target, values in sorted(self.shape.targets.items()):
            for value in values:
                if target == SH.targetClass:
                    classes = self.engine.subclasses(value)
                    t = _fresh("t")
                    parts.append(f"{{ {var} a {t} VALUES {t} {{ {' '.join(classes)} }} }}")
                elif target == SH.targetSubjectsOf:
                    parts.append(f"{{ {var} {value.n3()} {_fresh('o')} }}")
                elif target == SH.targetObjectsOf:
                    parts.append(f"{{ {_fresh('s')} {value.n3()} {var} }}")
                else:
                    parts.append(f"{{ VALUES {var} {{ {_sparql_term(value)} }} }}")
        return f"{{ SELECT DISTINCT {var} WHERE {{ {' UNION '.join(parts)} }} }}"


class _ValueFocus(_Focus):
    """The value nodes of ``path`` from the nodes of ``parent``."""

    def __init__(self, parent: _Focus, path: Optional[str]):
        self.parent, self.path = parent, path
        self.key = parent.key if path is None else ("values", parent.key, path)

    def pattern(self, var: str) -> str:
        if self.path is None:
            return self.parent.pattern(var)
        inner = _fresh("f")
        return f"{{ SELECT DISTINCT {var} WHERE {{ {self.parent.pattern(inner)} {inner} {self.path} {var} . }} }}"


class _StoredFocus(_Focus):
    """A set of nodes computed once and kept as the objects of one named graph of the store."""

    def __init__(self, key: tuple, graph: pyoxigraph.NamedNode):
        self.key, self.graph = key, graph

    def pattern(self, var: str) -> str:
        return f"{{ GRAPH {self.graph} {{ {self.graph} {_MEMBER} {var} }} }}"


class _LazyFocus(_Focus):
    """A set of nodes stored (:meth:`_Engine.keep`) when a query first reads it."""

    def __init__(self, engine: "_Engine", focus: _Focus):
        self.engine, self.focus, self.key = engine, focus, focus.key

    def pattern(self, var: str) -> str:
        return self.engine.keep(self.focus).pattern(var)


#: The named graph that holds the shapes graph while validation runs, for ``$shapesGraph``.
SHAPES_GRAPH = pyoxigraph.NamedNode("urn:x-restructuring-kg:validate:shapes")
#: The predicate of the named graphs that hold computed focus nodes.
_MEMBER = pyoxigraph.NamedNode("urn:x-restructuring-kg:validate:member")


def _sparql_term(term) -> str:
    if isinstance(term, (URIRef, Literal)):
        return term.n3()
    if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.Literal)):
        return str(term)
    raise Unsupported(f"cannot write {term!r} in a query")


# -- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    shape: _Shape
    focus: object
    value: object
    component: Node
    constraint: Optional[_Sparql] = None
    path: object = None
    bindings: tuple = ()


_COMPONENT: dict[Node, URIRef] = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent, SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent, SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent, SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent, SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH["and"]: SH.AndConstraintComponent, SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
}


class _Engine:
    def __init__(self, store: pyoxigraph.Store, shapes: _Shapes):
        self.store = store
        self.shapes = shapes
        #: the literals the store holds in another form than written, each with the form
        #: written (:func:`kg.fast.store.written_forms`; empty for most stores): only these
        #: values need the Python path where a lexical form or a datatype matters
        self.written: dict = written_forms(store)
        self._target_literals()
        self._subclasses: dict[Node, list[str]] = {}
        self._hits: dict[tuple, list[_Hit]] = {}
        self._stored: dict[tuple, _StoredFocus] = {}
        self._lazy: dict[tuple, _LazyFocus] = {}
        self._multiplicity: dict[tuple, dict] = {}
        self._rewritten_predicates: Optional[frozenset] = None
        self._path_values: dict[tuple, list] = {}
        self._over_count: dict[tuple, list] = {}
        self._have_values: dict[tuple, bool] = {}

    def stored(self, focus: _Focus) -> _Focus:
        """``focus`` as the queries of several constraints read it: computed once for all
        (:meth:`keep`) when a query first reads it. (A constraint that finds its answer
        without the focus nodes, see :meth:`value_pairs`, does not read them: a set that
        no query reads is not computed.)"""
        if isinstance(focus, (_StoredFocus, _LazyFocus)):
            return focus
        if focus.key not in self._lazy:
            self._lazy[focus.key] = _LazyFocus(self, focus)
        return self._lazy[focus.key]

    def keep(self, focus: _Focus) -> _Focus:
        """``focus`` computed once, for all the constraints that run on it, and kept in a
        named graph of the store (see :meth:`forget`); ``focus`` itself if the store
        cannot be written."""
        if focus.key not in self._stored:
            nodes = focus.pattern("?this")  # first: it may store the sets it is made from
            graph = pyoxigraph.NamedNode(f"urn:x-restructuring-kg:validate:focus:{len(self._stored)}")
            update = f"INSERT {{ GRAPH {graph} {{ {graph} {_MEMBER} ?this }} }} WHERE {{ {nodes} }}"
            try:
                self.store.update(self.shapes.prologue + update)
            except OSError:
                return focus
            self._stored[focus.key] = _StoredFocus(focus.key, graph)
        return self._stored[focus.key]

    def forget(self) -> None:
        """Remove the named graphs of :meth:`stored` (and the shapes graph) from the store."""
        for focus in self._stored.values():
            self.store.remove_graph(focus.graph)
        self._stored.clear()
        self._lazy.clear()
        self._path_values.clear()
        self._over_count.clear()
        if self.shapes.uses_shapes_graph:
            self.store.remove_graph(SHAPES_GRAPH)

    def _target_literals(self) -> None:
        """Add to :attr:`written` the ``sh:targetNode`` literals Oxigraph rewrites (a query's
        ``"04"^^xsd:integer`` is the store's ``"4"``), when their stored form stands for
        nothing else in the store."""
        literals = [o for o in self.shapes.graph.objects(None, SH.targetNode) if isinstance(o, Literal)]
        for written, stored in record_rewritten(pyoxigraph.Store(), map(from_rdflib, literals)) if literals else []:
            key = from_rdflib(stored)
            if self.written.get(key, written) != written or (
                    key not in self.written and self.store.query(f"ASK {{ ?s ?p {key} }}")):
                self.written.pop(key, None)  # the store made them one value
            else:
                self.written[key] = written

    def term(self, term) -> Node:
        """A term of the store as an rdflib term, a literal the store rewrote as written."""
        return to_rdflib(term, written=self.written)

    # queries ------------------------------------------------------------------------------

    def select(self, query: str, prologue: Optional[str] = None, **options) -> pyoxigraph.QuerySolutions:
        try:
            # a SELECT: its solutions
            return cast(pyoxigraph.QuerySolutions,
                        self.store.query((self.shapes.prologue if prologue is None else prologue) + query, **options))
        except SyntaxError as error:
            raise ShapesError(f"a query compiled from the SHACL shapes is not valid SPARQL: {error}") from error

    def subclasses(self, cls: Node) -> list[str]:
        """``cls`` and its sub-classes in the data (``rdfs:subClassOf*``), as SPARQL terms."""
        if cls not in self._subclasses:
            rows = self.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_sparql_term(cls)} }}")
            found = {str(row["c"]) for row in rows if not isinstance(row["c"], pyoxigraph.BlankNode)}
            self._subclasses[cls] = sorted(found | {_sparql_term(cls)})
        return self._subclasses[cls]

    def pairs(self, query: str) -> list[tuple]:
        return [(row["this"], row["v"]) for row in self.select(query)]

    def values_pattern(self, shape: _Shape, focus: _Focus, this: str = "?this", value: str = "?v") -> str:
        if shape.path_text is None:
            return f"{focus.pattern(this)} BIND ({this} AS {value})"
        return f"{focus.pattern(this)} {this} {shape.path_text} {value} ."

    def pairs_with_values(self, shape: _Shape, focus: _Focus, bad: set) -> list[tuple]:
        """The (focus, value) pairs of ``shape`` whose value is in ``bad``."""
        if not bad:
            return []
        pattern = self.values_pattern(shape, focus)
        named = [v for v in bad if not isinstance(v, pyoxigraph.BlankNode)]
        blank = [v for v in bad if isinstance(v, pyoxigraph.BlankNode)]
        found = []
        for start in range(0, len(named), 500):
            chunk = " ".join(str(v) for v in named[start:start + 500])
            found += self.pairs(f"SELECT DISTINCT ?this ?v WHERE {{ {pattern} VALUES ?v {{ {chunk} }} }}")
        if len(blank) > 200:
            blank_set = set(blank)
            found += [p for p in self.pairs(f"SELECT DISTINCT ?this ?v WHERE {{ {pattern} }}") if p[1] in blank_set]
        else:
            query = self.shapes.prologue + f"SELECT DISTINCT ?this ?v WHERE {{ {pattern} }}"
            for node in blank:
                rows = cast(pyoxigraph.QuerySolutions, self.store.query(query, substitutions={pyoxigraph.Variable("v"): node}))
                found += [(row["this"], row["v"]) for row in rows]
        return found

    def distinct_values(self, shape: _Shape, focus: _Focus, condition: str = "", test=None) -> list:
        """The distinct values of ``shape`` on the nodes of ``focus`` that meet ``condition``
        (a SPARQL pattern on ``?v``); or, where the shape's path can be read from every
        node (:func:`_global_path`), those of every node of the store (a superset, read
        once for all the shapes with that path: a check of the values alone then keeps
        only what is bad, and :meth:`pairs_with_values` finds the focus nodes).

        :param test: ``condition`` as a Python test of an Oxigraph term, if it has one
            (then the values of the path, read once, are tested here)."""
        if shape.path_text is not None and _global_path(shape.path_text):
            if test is not None or not condition:
                return [v for v in self.path_values(shape.path_text) if test is None or test(v)]
            return self.path_values(shape.path_text, condition)
        query = f"SELECT DISTINCT ?v WHERE {{ {self.values_pattern(shape, focus)} {condition} }}"
        return [row["v"] for row in self.select(query)]

    def path_values(self, path: str, condition: str = "") -> list:
        """The distinct values of ``path`` from any node of the store that meet ``condition``,
        read once per path and condition."""
        key = (path, condition)
        if key not in self._path_values:
            query = f"SELECT ?v WHERE {{ {{ SELECT DISTINCT ?v WHERE {{ ?_s {path} ?v }} }} {condition} }}"
            self._path_values[key] = [row["v"] for row in self.select(query)]
        return self._path_values[key]

    def value_pairs(self, shape: _Shape, focus: _Focus, condition: str, test=None) -> list[tuple]:
        """The distinct (focus node, value) pairs of ``shape`` whose value meets ``condition``
        (a SPARQL pattern on ``?v`` alone, no other variable of the query; ``test``: the same
        as a Python test of an Oxigraph term, if it has one).

        Where the path can be read from every node (:func:`_global_path`), the values that
        meet ``condition`` are found once among all values of the path in the store (a scan
        of its triples, shared by every shape with that path, instead of a join of the
        focus nodes with the path per shape), and only those are joined with the focus
        nodes: on clean data, none."""
        if shape.path_text is not None and _global_path(shape.path_text):
            bad = self.distinct_values(shape, focus, condition, test)
            if len(bad) <= _FEW:
                return self.pairs_with_values(shape, focus, set(bad))
        return self.pairs(f"SELECT DISTINCT ?this ?v WHERE {{ {self.values_pattern(shape, focus)} {condition} }}")

    def over_count(self, shape: _Shape, focus: _Focus, n: int) -> set:
        """The nodes of ``focus`` with more than ``n`` distinct values of the path of ``shape``
        (a property shape). Where the path can be read from every node, the nodes of the
        store with more than ``n`` are found once per path and ``n``, and only those are
        looked up among the focus nodes."""
        path = cast(str, shape.path_text)
        if _global_path(path):
            key = (path, n)
            if key not in self._over_count:
                # (one IRI: the triples are distinct, so are the values: a plain count is cheaper)
                count = "COUNT(*)" if re.fullmatch(r"<[^<>]*>|[\w.-]*:[\w.-]*", path) else "COUNT(DISTINCT ?v)"
                query = f"SELECT ?this WHERE {{ ?this {path} ?v }} GROUP BY ?this HAVING ({count} > {n})"
                self._over_count[key] = [row["this"] for row in self.select(query)]
            many = self._over_count[key]
            if not many:
                return set()
            if len(many) <= _FEW and not any(isinstance(node, pyoxigraph.BlankNode) for node in many):
                found: set = set()
                for start in range(0, len(many), 500):
                    chunk = " ".join(str(node) for node in many[start:start + 500])
                    found |= {r["this"] for r in self.select(
                        f"SELECT ?this WHERE {{ {focus.pattern('?this')} VALUES ?this {{ {chunk} }} }}")}
                return found
        pattern = self.values_pattern(shape, focus)
        if n == 1:  # two different values: a join takes two thirds of the time of a count
            return {r["this"] for r in self.select(
                f"SELECT DISTINCT ?this WHERE {{ {pattern} ?this {path} ?_w FILTER (!sameTerm(?v, ?_w)) }}")}
        return {r["this"] for r in self.select(
            f"SELECT ?this WHERE {{ {pattern} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})")}

    def nodes(self, focus: _Focus) -> set:
        return {row["this"] for row in self.select(f"SELECT ?this WHERE {{ {focus.pattern('?this')} }}")}

    # shapes -------------------------------------------------------------------------------

    def hits(self, shape: _Shape, focus: _Focus) -> list[_Hit]:
        """Every result of ``shape`` (and its property shapes) on the nodes of ``focus``.

        Computed once for each shape and set of nodes: a shape used both through its
        targets and through ``sh:node`` on the same nodes is not checked twice."""
        key = (shape.node, focus.key)
        if key not in self._hits:
            self._hits[key] = list(self._hits_of(shape, focus))
        return self._hits[key]

    def _hits_of(self, shape: _Shape, focus: _Focus) -> Iterator[_Hit]:
        if shape.deactivated:
            return
        if shape.uses > 1:
            focus = self.stored(focus)
        for parameter in sorted(shape.params, key=str):
            if parameter in _AUXILIARY:
                continue
            for value in shape.params[parameter]:
                yield from self.constraint(shape, focus, parameter, value)
        for sparql in shape.sparql:
            yield from self.sparql(shape, focus, sparql)
        values = _ValueFocus(focus, shape.path_text)
        repeat = self.multiplicity(values) if shape.properties else {}
        self.have_values(shape.properties, values)
        for prop in shape.properties:
            for hit in self.hits(prop, values):
                # a value reached from n focus nodes is validated n times (n results)
                yield from itertools.repeat(hit, repeat.get(hit.focus, 1) if hit.shape is prop else 1)

    def have_values(self, properties: list[_Shape], focus: _Focus) -> None:
        """Check at once, with one ``ASK``, whether every node of ``focus`` has a value of
        each path that ``properties`` (property shapes) give a ``sh:minCount 1``: if so, none
        of those constraints has a result there (noted for :meth:`constraint`), and no
        query per path is needed (each joins the focus nodes with its path once)."""
        paths = sorted({prop.path_text for prop in properties
                        if prop.path_text is not None and not prop.deactivated
                        and any(str(n) == "1" for n in prop.params.get(SH.minCount, []))})
        paths = [path for path in paths if (focus.key, path) not in self._have_values]
        if len(paths) < 2:
            return
        focus = self.stored(focus)
        missing = " || ".join(f"NOT EXISTS {{ ?this {path} ?_m{i} }}" for i, path in enumerate(paths))
        some = bool(self.select(f"ASK {{ {focus.pattern('?this')} FILTER ({missing}) }}"))
        for path in paths:
            self._have_values[(focus.key, path)] = not some

    def multiplicity(self, values: "_ValueFocus") -> dict:
        """The nodes of ``values`` reached more than once from the focus nodes (through each
        focus node, each of them reached as many times as it is), with how many times."""
        if values.key not in self._multiplicity:
            parent = self._multiplicity.get(values.parent.key, {})
            if values.path is None:
                found = parent
            elif not parent:
                query = (f"SELECT ?v (COUNT(DISTINCT ?f) AS ?n) WHERE {{ {values.parent.pattern('?f')} "
                         f"?f {values.path} ?v }} GROUP BY ?v HAVING (COUNT(DISTINCT ?f) > 1)")
                found = {row["v"]: int(row["n"].value) for row in self.select(query)}
            else:
                query = f"SELECT DISTINCT ?f ?v WHERE {{ {values.parent.pattern('?f')} ?f {values.path} ?v }}"
                counts: dict = {}
                for row in self.select(query):
                    counts[row["v"]] = counts.get(row["v"], 0) + parent.get(row["f"], 1)
                found = {v: n for v, n in counts.items() if n > 1}
            self._multiplicity[values.key] = found
        return self._multiplicity[values.key]

    def fails(self, shape: _Shape, focus: _Focus) -> set:
        """The nodes of ``focus`` that do not conform to ``shape``."""
        if shape.deactivated:
            return set()
        failing = {hit.focus for hit in self.hits(shape, focus) if hit.shape is shape}
        values = _ValueFocus(focus, shape.path_text)
        self.have_values(shape.properties, values)
        for prop in shape.properties:
            failed_values = self.fails(prop, values)
            if failed_values and shape.path_text is not None:
                failing |= {this for this, _ in self.pairs_with_values(shape, focus, failed_values)}
            else:
                failing |= failed_values
        return failing

    # constraints ---------------------------------------------------------------------------

    def constraint(self, shape: _Shape, focus: _Focus, parameter: Node, value: Node) -> Iterator[_Hit]:
        component = _COMPONENT.get(parameter)

        def hit(this, v):
            return _Hit(shape, this, v, component)

        path = shape.path_text
        if parameter == SH.minCount:
            n = int(str(value))
            if n <= 0:
                return
            if path is None:
                rows = self.nodes(focus) if n > 1 else set()
            elif n == 1 and self._have_values.get((focus.key, path)):  # see have_values
                rows = set()
            elif n == 1:
                rows = {r["this"] for r in self.select(
                    f"SELECT ?this WHERE {{ {focus.pattern('?this')} FILTER NOT EXISTS {{ ?this {path} ?v }} }}")}
            else:
                rows = {r["this"] for r in self.select(
                    f"SELECT ?this WHERE {{ {focus.pattern('?this')} OPTIONAL {{ ?this {path} ?v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})")}
            yield from (hit(this, None) for this in rows)
        elif parameter == SH.maxCount:
            n = int(str(value))
            if path is None:
                rows = self.nodes(focus) if n < 1 else set()
            else:
                rows = self.over_count(shape, focus, n)
            yield from (hit(this, None) for this in rows)
        elif parameter == SH["class"]:
            classes = " ".join(self.subclasses(value))
            # (an OPTIONAL, not FILTER NOT EXISTS, which Oxigraph plans badly: see _not_exists_as_optional)
            condition = f"OPTIONAL {{ ?v a ?_c VALUES ?_c {{ {classes} }} }} FILTER (!BOUND(?_c))"
            yield from (hit(this, v) for this, v in self.value_pairs(shape, focus, condition))
        elif parameter == SH.datatype:
            yield from (hit(this, v) for this, v in self.datatype(shape, focus, value))
        elif parameter == SH.nodeKind:
            tests: dict[Node, str] = {SH.IRI: "isIRI(?v)", SH.BlankNode: "isBLANK(?v)", SH.Literal: "isLITERAL(?v)",
                       SH.BlankNodeOrIRI: "(isBLANK(?v) || isIRI(?v))", SH.BlankNodeOrLiteral: "(isBLANK(?v) || isLITERAL(?v))",
                     SH.IRIOrLiteral: "(isIRI(?v) || isLITERAL(?v))"}
            kind_test = tests.get(value, "false")
            kinds = _NODE_KINDS.get(value, ())
            yield from (hit(this, v) for this, v in self.value_pairs(
                shape, focus, f"FILTER (!{kind_test})", lambda v: not isinstance(v, kinds)))
        elif parameter == SH.languageIn:
            tags = [str(t).lower() for t in self.shapes.items(value)]
            if "*" in tags:
                ok = 'LANG(?v) != ""'
            else:
                listed = ", ".join(Literal(t).n3() for t in tags) or '""'
                ok = (f'LANG(?v) != "" && (LCASE(LANG(?v)) IN ({listed}) || '
                      f'(CONTAINS(LANG(?v), "-") && LCASE(STRBEFORE(LANG(?v), "-")) IN ({listed})))')
            yield from (hit(this, v) for this, v in self.value_pairs(shape, focus, f"FILTER (!(isLITERAL(?v) && {ok}))"))
        elif parameter == SH["in"]:
            members = self.shapes.items(value)
            if any(isinstance(m, BNode) for m in members):
                raise Unsupported("blank node in sh:in")
            # a member the store would hold in another form equals no value the store holds
            # as written; a value the store rewrote is listed when the literal written is
            odd = _stored_otherwise(members)
            ok = " || ".join(f"sameTerm(?v, {_sparql_term(m)})" for m in members if m not in odd) or "false"
            found = self.value_pairs(shape, focus, f"FILTER (!({ok}))")
            if self.written:
                in_list = set(members)
                found = [pair for pair in found if pair[1] not in self.written]
                found += self.pairs_with_values(shape, focus, {v for v, w in self.written.items() if w not in in_list})
            yield from (hit(this, v) for this, v in found)
        elif parameter == SH.hasValue:
            term = _sparql_term(value)
            if value in _stored_otherwise([value]) or (self.written and from_rdflib(value) in self.written):
                # the store holds the value in another form, or a literal it rewrote in its form:
                # the nodes that have it are those with a value written as it is
                having = {v for v, w in self.written.items() if w == value}
                if path is not None:
                    having = {this for this, _ in self.pairs_with_values(shape, focus, having)}
                yield from (hit(this, None) for this in sorted(self.nodes(focus) - having, key=str))
                return
            if path is None:
                query = f"SELECT ?this WHERE {{ {focus.pattern('?this')} FILTER (!sameTerm(?this, {term})) }}"
            else:
                query = (f"SELECT ?this WHERE {{ {focus.pattern('?this')} "
                         f"FILTER NOT EXISTS {{ ?this {path} ?v FILTER (sameTerm(?v, {term})) }} }}")
            yield from (hit(r["this"], None) for r in self.select(query))
        elif parameter in (SH.pattern, SH.minLength, SH.maxLength, SH.minExclusive, SH.minInclusive,
                           SH.maxExclusive, SH.maxInclusive):
            check = _value_check(shape, parameter, value, term=self.term)
            bad = {v for v in self.distinct_values(shape, focus) if not check(v)}
            yield from (hit(this, v) for this, v in self.pairs_with_values(shape, focus, bad))
        elif parameter in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            yield from self.pair_constraint(shape, focus, parameter, value, hit)
        elif parameter in (SH.node, SH["not"]):
            inner = self.shapes.get(value)
            values = _ValueFocus(focus, path)
            failed = self.fails(inner, values)
            if parameter == SH["not"]:
                failed = self.nodes(values) - failed
            if path is None:
                yield from (hit(this, this) for this in failed)
            else:
                yield from (hit(this, v) for this, v in self.pairs_with_values(shape, focus, failed))
        elif parameter in (SH["or"], SH["and"], SH.xone):
            shapes = [self.shapes.get(m) for m in self.shapes.items(value)]
            values = _ValueFocus(focus, path)
            failing = [self.fails(m, values) for m in shapes]
            if parameter == SH["or"]:
                failed = set.intersection(*failing) if failing else self.nodes(values)
            elif parameter == SH["and"]:
                failed = set.union(set(), *failing)
            else:
                candidates = self.nodes(values)
                failed = {v for v in candidates if sum(v not in f for f in failing) != 1}
            if path is None:
                yield from (hit(this, this) for this in failed)
            else:
                yield from (hit(this, v) for this, v in self.pairs_with_values(shape, focus, failed))
        elif parameter == SH.uniqueLang:
            if not (isinstance(value, Literal) and isinstance(value.toPython(), bool)) or path is None:
                raise Unsupported(f"sh:uniqueLang {value.n3()} on {_name(shape.node)}")
            if value.toPython():
                query = (f"SELECT ?this ?lang WHERE {{ {self.values_pattern(shape, focus)} FILTER (isLITERAL(?v) && LANG(?v) != \"\") }} "
                         f"GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)")
                yield from (hit(row["this"], None) for row in self.select(query))
        elif parameter == SH.closed:
            if not (isinstance(value, Literal) and isinstance(value.toPython(), bool)) or path is not None:
                raise Unsupported(f"sh:closed {value.n3()} on {_name(shape.node)}")
            if value.toPython():
                allowed: set[Node] = {p.path for p in shape.properties if isinstance(p.path, URIRef)}
                for ignored in shape.params.get(SH.ignoredProperties, []):
                    allowed |= set(self.shapes.items(ignored))
                terms = ", ".join(sorted(_sparql_term(p) for p in allowed))
                query = (f"SELECT DISTINCT ?this ?p ?o WHERE {{ {focus.pattern('?this')} ?this ?p ?o "
                         f"{f'FILTER (?p NOT IN ({terms}))' if terms else ''} }}")
                for row in self.select(query):
                    yield _Hit(shape, row["this"], row["o"], SH.ClosedConstraintComponent, path=row["p"])
        elif parameter == SH.qualifiedValueShape:
            yield from self.qualified(shape, focus, value)
        else:  # pragma: no cover - _PARAMETERS and this dispatch are kept in step
            raise Unsupported(str(parameter))

    def qualified(self, shape: _Shape, focus: _Focus, inner: Node) -> Iterator[_Hit]:
        """sh:qualifiedValueShape with sh:qualifiedMinCount / sh:qualifiedMaxCount (and
        sh:qualifiedValueShapesDisjoint: the values must not conform to a sibling's shape)."""
        if shape.path_text is None:
            raise Unsupported(f"sh:qualifiedValueShape on the node shape {_name(shape.node)}")
        g = self.shapes.graph
        values = _ValueFocus(focus, shape.path_text)
        candidates = self.nodes(values)
        conforming = candidates - self.fails(self.shapes.get(inner), values)
        disjoint = [v for v in shape.params.get(SH.qualifiedValueShapesDisjoint, []) if isinstance(v, Literal)]
        if disjoint and disjoint[0].toPython() is True:
            siblings = {s for parent in g.subjects(SH.property, shape.node) for p in g.objects(parent, SH.property)
                        if p != shape.node for s in g.objects(p, SH.qualifiedValueShape)}
            for sibling in sorted(siblings, key=str):
                conforming -= candidates - self.fails(self.shapes.get(sibling), values)
        counts: dict = {}
        for this, v in self.pairs(f"SELECT DISTINCT ?this ?v WHERE {{ {self.values_pattern(shape, focus)} }}"):
            counts[this] = counts.get(this, 0) + (v in conforming)
        nodes = self.nodes(focus)
        for bound, component, wrong in (
                (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent, lambda n, limit: n < limit),
                (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent, lambda n, limit: n > limit)):
            for limit in shape.params.get(bound, []):
                for this in sorted(nodes, key=str):
                    if wrong(counts.get(this, 0), int(str(limit))):
                        yield _Hit(shape, this, None, component)

    def datatype(self, shape: _Shape, focus: _Focus, datatype: Node) -> list[tuple]:
        if datatype == RDFS.Literal:
            return self.value_pairs(shape, focus, "FILTER (!isLITERAL(?v))", lambda v: not isinstance(v, pyoxigraph.Literal))
        if datatype == RDFS.Datatype:
            raise Unsupported("sh:datatype rdfs:Datatype")
        term = _sparql_term(datatype)
        iri = pyoxigraph.NamedNode(str(datatype)) if isinstance(datatype, URIRef) else None

        def other(v) -> bool:  # the filter below, in Python (for an IRI)
            return not isinstance(v, pyoxigraph.Literal) or v.datatype != iri

        found = self.value_pairs(shape, focus, f"FILTER (!isLITERAL(?v) || DATATYPE(?v) != {term})",
                                 other if iri is not None else None)
        # A literal the store rewrote has the datatype and lexical form written, not the
        # stored ones ("7"^^xsd:int is stored as an xsd:integer): decided on the written form.
        rewritten = [pair for pair in found if pair[1] in self.written] if self.written else []
        if rewritten:
            found = [pair for pair in found if pair[1] not in self.written]
        if datatype not in (XSD.string, RDF.langString):
            matching = self.distinct_values(shape, focus, f"FILTER (isLITERAL(?v) && DATATYPE(?v) = {term})",
                                            (lambda v: not other(v)) if iri is not None else None)
            # (the values FILTER isLITERAL leaves are literals)
            bad = {v for v in matching if v not in self.written and not _well_typed(cast(Literal, to_rdflib(v)), datatype)}
            found += self.pairs_with_values(shape, focus, bad)
            if self.written:
                rewritten += self.pairs_with_values(shape, focus, {v for v in matching if v in self.written})
        found += [(this, v) for this, v in rewritten if not _has_datatype(self.written[v], datatype)]
        return found

    def pair_constraint(self, shape, focus, parameter, other, hit) -> Iterator[_Hit]:
        pattern = self.values_pattern(shape, focus)
        other_term = _sparql_term(other)
        if parameter == SH.disjoint:
            query = f"SELECT DISTINCT ?this ?v WHERE {{ {pattern} ?this {other_term} ?v . }}"
            yield from (hit(this, v) for this, v in self.pairs(query))
        elif parameter == SH.equals:
            missing = f"SELECT DISTINCT ?this ?v WHERE {{ {pattern} FILTER NOT EXISTS {{ ?this {other_term} ?v }} }}"
            yield from (hit(this, v) for this, v in self.pairs(missing))
            if shape.path_text is None:
                own = "FILTER (!sameTerm(?v, ?this))"
            else:
                own = f"FILTER NOT EXISTS {{ ?this {shape.path_text} ?v }}"
            extra = f"SELECT DISTINCT ?this ?v WHERE {{ {focus.pattern('?this')} ?this {other_term} ?v {own} }}"
            yield from (hit(this, v) for this, v in self.pairs(extra))
        else:
            if shape.path_text is None:
                raise ShapesError(f"{parameter} can only be used on a property shape ({shape.node})")
            strict = parameter == SH.lessThan
            # Pairs that are surely in order are left out in the store (COALESCE: an error,
            # such as an ill-typed literal, leaves the pair in): two integers, or two days
            # written with no time zone (yyyy-mm-dd); the rest is decided as pySHACL does.
            # Not where the store rewrote literals: those are compared as written.
            sure = "" if self.written else (
                f"FILTER (!COALESCE(isLITERAL(?v) && isLITERAL(?w) && DATATYPE(?v) = DATATYPE(?w) && "
                f"(DATATYPE(?v) = <{XSD.integer}> || DATATYPE(?v) = <{XSD.date}> && STRLEN(STR(?v)) = 10 && "
                f"STRLEN(STR(?w)) = 10) && ?v {'<' if strict else '<='} ?w, false))")
            query = f"SELECT DISTINCT ?this ?v ?w WHERE {{ {pattern} ?this {other_term} ?w . {sure} }}"
            for row in self.select(query):
                v, w = self.term(row["v"]), self.term(row["w"])
                if not _ordered(v, w, strict=strict):
                    yield hit(row["this"], row["v"])

    def solutions(self, focus: _Focus, constraint: _Sparql) -> Iterator[tuple[list[str], Iterable[Any]]]:
        """The solutions of ``constraint`` for the nodes of ``focus`` (with their variable names).

        :raises Unsupported: ``$this`` must be pre-bound to a blank node (which a query text
            cannot name): the shape goes to pySHACL."""
        if constraint.join:
            query = f"SELECT DISTINCT * WHERE {{ {focus.pattern('?this')} {{ {constraint.run} }} }}"
            solutions = self.select(query, constraint.prologue)
            names = [variable.value for variable in solutions.variables]
            yield from ((names, row) for row in solutions)
            return
        for node in sorted(self.nodes(focus), key=str):
            if node in self.written:  # the query text would have the stored form
                raise Unsupported(f"$this pre-bound to a literal the store holds in another form than written in "
                                  f"{_name(constraint.node)}")
            if isinstance(node, pyoxigraph.BlankNode):  # cannot be written in the query text
                raise Unsupported(f"$this pre-bound to a blank node in {_name(constraint.node)}, whose query "
                                  f"does not bind $this itself")
            solutions = self.select(_bind(constraint.run, {"this": str(node)}), constraint.prologue)
            names = [variable.value for variable in solutions.variables]
            for row in solutions:
                yield names + ["this"], list(row) + [node]

    def ask(self, shape: _Shape, focus: _Focus, constraint: _Sparql) -> Iterator[_Hit]:
        """An ASK validator, once per focus node and value node: a result where it is false."""
        pattern = self.values_pattern(shape, focus)
        for this, value in sorted(self.pairs(f"SELECT DISTINCT ?this ?v WHERE {{ {pattern} }}"), key=str):
            if isinstance(this, pyoxigraph.BlankNode) or isinstance(value, pyoxigraph.BlankNode):
                raise Unsupported(f"$this or $value pre-bound to a blank node in {_name(constraint.node)}")
            if this in self.written or value in self.written:
                raise Unsupported(f"$this or $value pre-bound to a literal the store holds in another form than "
                                  f"written in {_name(constraint.node)}")
            terms = {"this": str(this), "value": str(value)}
            if not bool(self.select(_bind(constraint.run, terms), constraint.prologue)):
                yield _Hit(shape, this, value, constraint.component, constraint)

    def sees_rewritten(self, constraint: _Sparql) -> bool:
        """Whether the query of ``constraint`` may look at the form of a literal the store
        rewrote (see :func:`_looks_at_literals`): Oxigraph's SPARQL would see the stored form
        where pySHACL sees the literal as written."""
        if not self.written:
            return False
        if self._rewritten_predicates is None:
            found, keys = set(), list(self.written)
            for start in range(0, len(keys), 500):
                chunk = " ".join(str(v) for v in keys[start:start + 500])
                found |= {URIRef(row["p"].value) for row in self.select(
                    f"SELECT DISTINCT ?p WHERE {{ ?s ?p ?o VALUES ?o {{ {chunk} }} }}")}
            self._rewritten_predicates = frozenset(found)
        return _looks_at_literals(constraint.prologue + constraint.select, self._rewritten_predicates)

    def sparql(self, shape: _Shape, focus: _Focus, constraint: _Sparql) -> Iterator[_Hit]:
        if self.sees_rewritten(constraint):
            raise Unsupported(f"the SPARQL of {_name(constraint.node)} over the {len(self.written)} literal(s) the store "
                              f"holds in another form than written (Oxigraph's SPARQL sees the stored form)")
        if constraint.ask:
            yield from self.ask(shape, focus, constraint)
            return
        seen = set()
        for names, row in self.solutions(focus, constraint):
            bound = {name: term for name, term in zip(names, row) if term is not None}
            this = bound.pop("this", None)
            path = bound.pop("path", None)
            value = bound.pop("value", None)
            bound.pop("failure", None)
            extra = tuple(sorted((k, str(self.term(v))) for k, v in bound.items()))
            key = (this, path, value, extra)
            if key in seen:
                continue
            seen.add(key)
            if value is None and shape.path_text is None:
                value = this
            yield _Hit(shape, this, value, constraint.component, constraint, path,
                       tuple(sorted((k, self.term(v)) for k, v in bound.items())))


# -- Value checks, as pySHACL makes them ---------------------------------------------------------


_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)"
#: The lexical space of XSD types whose values rdflib reads leniently (XSD 1.1 Part 2).
_LEXICAL: dict[Node, re.Pattern[str]] = {
    XSD.boolean: re.compile(r"true|false|1|0"),
    XSD.integer: re.compile(r"[+-]?\d+"),
    XSD.decimal: re.compile(_NUMBER),
    XSD.float: re.compile(rf"{_NUMBER}([eE][+-]?\d+)?|[+-]?INF|NaN"),
    XSD.double: re.compile(rf"{_NUMBER}([eE][+-]?\d+)?|[+-]?INF|NaN"),
}


def _well_typed(literal: Literal, datatype: Node) -> bool:
    """pySHACL's test of a literal that has the datatype ``datatype``, and its lexical form
    in the lexical space of the type.

    >>> _well_typed(Literal("none", datatype=XSD.boolean), XSD.boolean)
    False
    """
    if getattr(literal, "ill_typed", None) is True:
        return False
    lexical = _LEXICAL.get(datatype)
    if lexical is not None and not lexical.fullmatch(str(literal)):
        return False
    value = literal.value
    types: dict[Node, type] = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool,
                            XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    expected = types.get(datatype)
    return expected is None or isinstance(value, expected)


def _stored_otherwise(terms: list) -> set:
    """The literals of ``terms`` (rdflib terms) that an Oxigraph store holds in another form
    than written (see :func:`kg.fast.store.record_rewritten`): no value of a store equals them.

    >>> sorted(_stored_otherwise([Literal("4.0", datatype=XSD.decimal, normalize=False), Literal("a")]))
    [rdflib.term.Literal('4.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))]
    """
    literals = [term for term in terms if isinstance(term, Literal) and term.datatype not in (None, XSD.string)]
    if not literals:
        return set()
    rewritten = {written for written, _ in record_rewritten(pyoxigraph.Store(), map(from_rdflib, literals))}
    return {term for term in literals if term in rewritten}


def _has_datatype(literal: Literal, datatype: Node) -> bool:
    """pySHACL's sh:datatype test of a typed literal (neither a string nor language-tagged),
    on the literal as written.

    >>> _has_datatype(Literal("7", datatype=XSD.int, normalize=False), XSD.integer)
    False
    """
    return datatype == RDFS.Literal or literal.datatype == datatype and _well_typed(literal, datatype)


def _as_string(term: Node) -> str:
    if isinstance(term, Literal) and term.value is not None and term.datatype in (None, RDF.langString, XSD.string):
        return str(term.value)
    return str(term)


def _value_check(shape: _Shape, parameter: Node, rule: Node, *, term=to_rdflib):
    """pySHACL's test of one value of the store against ``rule`` (a pattern, a length, a
    bound), on the rdflib term ``term`` makes of it (the literal as written)."""
    if parameter == SH.pattern:
        flags = 0
        for flag in str(next(iter(shape.params.get(SH.flags, [])), "")):
            flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(flag, 0)
        matcher = re.compile(str(rule), flags)

        def matches(v) -> bool:
            if isinstance(v, pyoxigraph.BlankNode):
                return False
            text = _as_string(term(v))
            return bool(matcher.match(text) or matcher.search(text))
        return matches
    if parameter in (SH.minLength, SH.maxLength):
        limit = int(str(rule))

        def has_length(v) -> bool:
            if parameter == SH.minLength and limit == 0:
                return True
            if isinstance(v, pyoxigraph.BlankNode):
                return False
            length = len(_as_string(term(v)))
            return length >= limit if parameter == SH.minLength else length <= limit
        return has_length
    bound = cast(Literal, rule)  # a range bound is a literal (else .value fails as before)

    def check(v) -> bool:
        v = term(v)
        if not isinstance(v, Literal):
            return False
        if isinstance(bound.value, str) != isinstance(v.value, str):
            return False
        try:
            order = compare_literal(v, bound)
        except (TypeError, NotImplementedError):
            return False
        holds: dict[Node, bool] = {SH.minExclusive: order > 0, SH.minInclusive: order >= 0,
                                   SH.maxExclusive: order < 0, SH.maxInclusive: order <= 0}
        return holds[parameter]
    return check


def _ordered(v: Node, w: Node, *, strict: bool) -> bool:
    """pySHACL's sh:lessThan / sh:lessThanOrEquals test of one value against one compared value."""
    for term in (v, w):
        if isinstance(term, BNode):
            raise ShapesError(f"Cannot use sh:lessThan{'' if strict else 'OrEquals'} to compare a BlankNode.")

    def comparable(term):
        if isinstance(term, URIRef):
            return str(term), True
        if isinstance(term, Literal) and isinstance(term.value, str):
            return term.value, True
        return term, False

    (a, a_text), (b, b_text) = comparable(v), comparable(w)
    if a_text != b_text:
        return False
    try:
        return bool(a < b) if strict else bool(a <= b)
    except TypeError:
        return False


# -- The report -----------------------------------------------------------------------------------


def _copy(source: Graph, node: Node, target: Graph) -> None:
    """Copy a blank-node structure (a path, a list) from ``source`` to ``target``."""
    if isinstance(node, BNode):
        for p, o in source.predicate_objects(node):
            target.add((node, p, o))
            _copy(source, o, target)


def _format_message(message: Literal, bound: dict, *, keep_language: bool = False) -> Literal:
    """pySHACL's substitution of ``{?var}`` and ``{$var}`` in a SPARQL constraint's message:
    a plain string, or with the message's language tag (``keep_language``, as pySHACL does
    for the validators of SPARQL-based constraint components).

    >>> _format_message(Literal("{?value} is hosted elsewhere", lang="en"), {"value": "vega"}, keep_language=True)
    rdflib.term.Literal('vega is hosted elsewhere', lang='en')
    """
    text = str(message.value)
    for name, value in bound.items():
        text = re.sub("{{[?$]{}}}".format(name), str(value), text)
    if keep_language:
        return Literal(text, lang=message.language, datatype=message.datatype)
    return Literal(text)


def _messages(hit: _Hit, written: dict) -> list[Literal]:
    """The messages of a result, as pySHACL gives them: for a SPARQL constraint, its own and
    its shape's, substituted, as plain strings; for a SPARQL-based constraint component, its
    validator's substituted (language kept) and its shape's as written."""
    if hit.constraint is None:
        return hit.shape.messages or [Literal(_generic(hit, written))]
    bound = dict(hit.constraint.parameters) | dict(hit.bindings)
    for name, term in (("this", hit.focus), ("path", hit.path), ("value", hit.value)):
        if term is not None:
            bound[name] = _as_written(term, written)
    extra = [m for m in hit.constraint.messages if m not in hit.shape.messages]
    if hit.constraint.component == SH.SPARQLConstraintComponent:
        messages = [_format_message(m, bound) for m in extra + hit.shape.messages]
    else:
        messages = [_format_message(m, bound, keep_language=True) for m in extra] + list(hit.shape.messages)
    return messages or [Literal(_generic(hit, written))]


def _generic(hit: _Hit, written: dict) -> str:
    """A message for a result whose shape has none (pySHACL words these differently)."""
    name = str(hit.component).split("#")[-1].removesuffix("ConstraintComponent")
    return f"{name} constraint not met by {_as_written(hit.focus, written).n3()}"


def _as_written(term, written: dict) -> Node:
    """An Oxigraph term as an rdflib term for the report: a literal the store rewrote as
    written (``written``: :func:`kg.fast.store.written_forms`), another with the lexical form
    the store holds (rdflib would turn ``"none"^^xsd:boolean`` into ``"false"``)."""
    found = written.get(term) if written and isinstance(term, pyoxigraph.Literal) else None
    if found is not None:
        return found
    if isinstance(term, pyoxigraph.Literal) and term.language is None and term.datatype.value != str(XSD.string):
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    return to_rdflib(term)


def _report(hits: list[_Hit], shapes: _Shapes, written: dict) -> Graph:
    graph = Graph()
    graph.bind("sh", str(SH))
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    for hit in hits:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, _as_written(hit.focus, written)))
        graph.add((node, SH.resultSeverity, hit.shape.severity))
        graph.add((node, SH.sourceShape, hit.shape.node))
        graph.add((node, SH.sourceConstraintComponent, hit.component))
        if hit.value is not None:
            graph.add((node, SH.value, _as_written(hit.value, written)))
        path = to_rdflib(hit.path) if hit.path is not None else hit.shape.path
        if path is not None:
            graph.add((node, SH.resultPath, path))
            _copy(shapes.graph, path, graph)
        if hit.constraint is not None and hit.component == SH.SPARQLConstraintComponent:
            graph.add((node, SH.sourceConstraint, hit.constraint.node))
        for message in _messages(hit, written):
            graph.add((node, SH.resultMessage, message))
    return graph


def unsupported(shapes_graph: Graph) -> Optional[str]:
    """What in ``shapes_graph`` this module does not run itself (a line per shape), or ``None``.

    >>> unsupported(Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     <urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ; sh:rule [ a sh:TripleRule ] .'''))
    'urn:s: sh:rule on <urn:s>'
    """
    shapes = _Shapes(shapes_graph)
    return "\n".join(f"{node}: {why}" for node, why in sorted(shapes.unsupported.items(), key=lambda i: str(i[0]))) or None


#: Target predicates, removed from the shapes a shape run by pySHACL only refers to.
_TARGET_TRIPLES = set(_TARGETS) | {SH.target}


def _shapes_of(graph: Graph, nodes: set, *, components: bool = True) -> Graph:
    """The part of the shapes ``graph`` that validating ``nodes`` needs: what they reach and
    (unless ``components`` is false) the SPARQL-based constraint components, without the
    targets of any other shape."""
    part = Graph()
    for prefix, namespace in graph.namespaces():
        part.bind(prefix, namespace, override=True)
    todo = list(nodes) + (_components(graph) if components else [])
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            if node not in nodes and (p in _TARGET_TRIPLES or p == RDF.type and _is_class(graph, o)):
                continue  # another shape's targets (and implicit class targets) are not run here
            part.add((node, p, o))
            if isinstance(o, (URIRef, BNode)):
                todo.append(o)
    return part


def _components(graph: Graph) -> list[Node]:
    """The SPARQL-based constraint components of ``graph`` (nodes with parameters and a validator)."""
    return sorted({c for c in graph.subjects(SH.parameter, None)
                   if any((c, v, None) in graph for v in (SH.validator, SH.nodeValidator, SH.propertyValidator))}, key=str)


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    """``nodes`` in rdflib's term order (the nodes of a graph are ordered Identifiers)."""
    return [*sorted(cast("Iterable[Identifier]", nodes))]


def _name(node: Node) -> str:
    return qname(node) if isinstance(node, URIRef) else node.n3()


def _is_class(graph: Graph, node: Node) -> bool:
    """Whether ``node`` is ``owl:Class``, ``rdfs:Class`` or a subclass of it in ``graph``."""
    return node == OWL.Class or RDFS.Class in graph.transitive_objects(node, RDFS.subClassOf)


def _by_reference(store: pyoxigraph.Store, shapes: _Shapes, report: Graph, written: Optional[tuple]) -> list[str]:
    """Run the shapes this module cannot run with pySHACL, each alone with the shapes it
    refers to, on ``written`` (the data and ontology graphs as written) if given, else on a
    copy of the store's default graph; add the results to ``report``; one note per shape."""
    nodes = set(shapes.unsupported)
    part = _shapes_of(shapes.graph, nodes)
    if written is not None:
        reference = pyshacl_validate(written[0], shapes_graph=part, ontology_graph=written[1])
    else:
        reference = pyshacl_validate(graph_of(store), shapes_graph=part)
    top = next(report.subjects(RDF.type, SH.ValidationReport))
    for result in reference.graph.objects(None, SH.result):
        report.add((top, SH.result, result))
        todo = [result]
        while todo:
            node = todo.pop()
            for p, o in reference.graph.predicate_objects(node):
                report.add((node, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
    return [f"shape {_name(node)} validated by pySHACL (the fast engine does not compile {why})"
            for node, why in sorted(shapes.unsupported.items(), key=lambda item: str(item[0]))]


def _see_merged(store: pyoxigraph.Store, shapes: _Shapes, merged: dict) -> None:
    """Mark as unsupported (for pySHACL, on the graphs as written) each shape with targets
    that may see a literal the store holds for several written differently: its shapes,
    paths or SPARQL (with those of the SPARQL-based components it uses) name a predicate of
    such a literal. The store cannot tell those triples apart (two values of one subject
    may even be one triple there), so no query of it gives the answer."""
    predicates = set()
    for stored in merged:
        predicates |= {quad.predicate for quad in store.quads_for_pattern(None, None, stored, pyoxigraph.DefaultGraph())}
    if not predicates:
        return
    named = frozenset(URIRef(p.value) for p in predicates)
    g = shapes.graph
    parameters = {g.value(parameter, SH.path): component
                  for component in _components(g) for parameter in g.objects(component, SH.parameter)}
    for node in sorted(shapes.shapes, key=str):
        shape = shapes.shapes[node]
        if not shape.targets or shape.deactivated or node in shapes.unsupported:
            continue
        part = _shapes_of(g, {node}, components=False)
        part += _shapes_of(g, {parameters[p] for p in set(part.predicates()) if p in parameters}, components=False)
        iris = {o for o in part.objects() if isinstance(o, URIRef)}
        texts = [_prologue(shapes, s) + str(o) for s, p, o in part if p in (SH.select, SH.ask)]
        if iris & named or any(_may_match(text, named) for text in texts):
            forms = "; ".join(" and ".join(form.n3() for form in merged[stored]) for stored in sorted(merged, key=str))
            seeing = ", ".join(sorted(map(_name, iris & named))) or "its SPARQL"
            shapes.unsupported[node] = f"the values of {seeing}: Oxigraph holds as one literal {forms}"


def _prologue(shapes: _Shapes, constraint: Node) -> str:
    """The PREFIX declarations a SPARQL constraint or validator's query is read with."""
    return _PROLOGUE + "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in shapes._declared(constraint).items())


def _merged(store: pyoxigraph.Store) -> list[str]:
    """A note for each literal of the store that stands for several written differently."""
    return [f"the store holds {_as_written(stored, {}).n3()} for the literals written "
            f"{', '.join(form.n3() for form in forms)} (Oxigraph keeps values): the fast engine sees them as one "
            f"value, pySHACL (--engine reference) sees them as written"
            for stored, forms in sorted(merged_forms(store).items(), key=lambda item: str(item[0]))]


def validate(store: pyoxigraph.Store, *, shapes_graph: Graph, fallback: bool = True,
             data_graph: Optional[Graph] = None, ontology_graph: Optional[Graph] = None,
             day_bounds: Optional[Iterable[pyoxigraph.Triple]] = None) -> ValidationReport:
    """Validate the default graph of ``store`` (ontology and data) against ``shapes_graph``.

    The store is left as it was: the focus nodes of each shape, computed once, are kept
    in named graphs of the store while it runs, and removed. Returns the report
    :func:`kg.validate.validate` returns for the same graph. A shape that uses a feature
    this module does not compile (see :func:`unsupported`) is validated by pySHACL, that
    shape alone (with the shapes it refers to) on a copy of the store's default graph,
    and named in :attr:`~kg.validate.ValidationReport.notes`; with ``fallback=False``,
    :class:`Unsupported` is raised instead. SPARQL the SHACL spec forbids in shapes is
    refused before anything runs (:func:`kg.validate.check_sparql`).

    Literals the store holds in another form than written (``"7"^^xsd:int`` as an
    ``xsd:integer``; :func:`kg.fast.store.written_forms`) are checked, compared and reported
    as written; a stored literal that stands for several written differently (see
    :func:`kg.fast.store.merged_forms`) is one value here, and named in the notes, unless
    the graphs the store was made from are given (``data_graph``, and ``ontology_graph`` if
    the store holds one): then the shapes that may see such a literal are validated by
    pySHACL on those graphs, each alone, and named in the notes, as above.

    The shapes compare dates by the days derived from them (:mod:`kg.timebounds`), added to
    the default graph while the shapes run and taken out again: ``day_bounds``, when given,
    are those days, :func:`kg.timebounds.store_day_bounds` of the store as it is, derived
    beforehand by a caller that needs them again (the fast engine's build writes them to
    the inferred graph); by default they are derived here.

    :raises ShapesError: the shapes cannot be used (a malformed shape or query, or
        forbidden SPARQL).
    :raises Unsupported: ``fallback`` is false and some shape needs pySHACL.
    """
    check_sparql(shapes_graph)
    shapes = _Shapes(shapes_graph)
    # The days derived from the dates (kg.timebounds), which the shapes compare dates by;
    # taken out again below.
    derived = store_day_bounds(store) if day_bounds is None else day_bounds
    bounds = [pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in derived]
    store.extend(bounds)
    merged = merged_forms(store)
    if merged and data_graph is not None:
        _see_merged(store, shapes, merged)
    engine = _Engine(store, shapes)
    hits = []
    try:
        if shapes.uses_shapes_graph:
            store.bulk_extend(pyoxigraph.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), SHAPES_GRAPH)
                              for s, p, o in shapes_graph)
        for shape in list(shapes.shapes.values()):
            if shape.targets and not shape.deactivated and shape.node not in shapes.unsupported:
                try:
                    hits.extend(engine.hits(shape, _TargetFocus(engine, shape)))
                except Unsupported as error:
                    shapes.unsupported[shape.node] = str(error)
    finally:
        engine.forget()
        for quad in bounds:
            store.remove(quad)
    if shapes.unsupported and not fallback:
        raise Unsupported("; ".join(f"{node}: {why}" for node, why in shapes.unsupported.items()))
    graph = _report(hits, shapes, engine.written)
    written = (data_graph, ontology_graph) if data_graph is not None else None
    notes = _by_reference(store, shapes, graph, written) if shapes.unsupported else []
    if written is None:
        notes += _merged(store)
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not any(graph.objects(report, SH.result)))))
    results = results_of(graph)
    conforms = not any(r.severity == SH.Violation for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=graph, shapes_graph=shapes_graph,
                            notes=tuple(notes))
