"""Running the named queries: on the project's graph in an engine, or on any target.

A parameter ``date`` is the variable ``?date`` of the query. Values are checked and
turned into RDF terms (a date into an ``xsd:date`` literal, a company name into the
company's IRI), then bound with a ``VALUES`` block at the top of the query's ``WHERE``
group, and at the top of the ``WHERE`` group of every sub-select that mentions them (a
sub-select sees nothing of the outer bindings): a parameter is the one value of its
variable everywhere in the query (:func:`kg.sparql.text.bind_query`). User text never
becomes SPARQL syntax.

>>> from rdflib import Graph
>>> graph = Graph().parse(format="turtle", data='''
...     @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     <https://example.org/acme> a rkg:Company ; rdfs:label "Acme"@en .''')
>>> query = Query.from_text('''
... #+ summary: The label of a company
... #+ params:
... #+   - name: company
... #+     type: company
... PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
... SELECT ?label WHERE { ?company rdfs:label ?label } ORDER BY ?label''')
>>> run_query(query, graph, params={"company": "ACME"}).rows
[{'label': 'Acme'}]
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Optional, Union

from rdflib import Graph
from rdflib.namespace import XSD

from kg.errors import QueryError, display_path
from kg.project import Project, find_project
from kg.results import QueryResult
from kg.sparql.catalogue import Query, find_query
from kg.sparql.evaluate import evaluate
from kg.sparql.text import _scan, bind_query

__all__ = ["query_graph", "run_query", "to_store"]


def __getattr__(name: str) -> Any:
    # ENGINES named the two things query_graph built before engines were chosen by name
    # (kg.engines.ENGINES, whose aliases these are); kept for callers, with a warning.
    if name == "ENGINES":
        import warnings

        warnings.warn(
            "kg.sparql.ENGINES is deprecated: query_graph takes any name of kg.engines.ENGINES "
            "or kg.engines.ALIASES",
            DeprecationWarning,
            stacklevel=2,
        )
        return ("rdflib", "oxigraph")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_query(
    name_or_text: Union[str, Query],
    graph: Any,
    *,
    params: Optional[Mapping[str, Any]] = None,
    catalogue: Optional[Mapping[str, Query]] = None,
) -> QueryResult:
    """Run a named query (or a :class:`Query`, or SPARQL text) on a graph.

    ``graph`` is what the query runs on: an :class:`rdflib.Graph` or a
    ``pyoxigraph.Store`` holding the ontology and the data (see :func:`query_graph`),
    or any object with a method ``evaluate(text) -> QueryResult``, such as
    :class:`kg.store.SparqlEndpoint`. ``params`` maps parameter names to values (text,
    numbers, :class:`datetime.date`, IRIs). Returns a :class:`~kg.results.QueryResult`;
    iterate it for rows of Python values.

    :raises ParameterError: an unknown parameter or a value of the wrong kind.
    :raises QueryError: no such query, a SPARQL syntax error, or the query failed.
    """
    query = _lookup(name_or_text, catalogue)
    text = bind_query(query, graph, params)
    where = display_path(query.path) if query.path else query.name
    return evaluate(text, graph, where=where, namespaces=_scan(text, where))


def query_graph(
    project: Optional[Project] = None, *, inferred: bool = False, engine: str = "rdflib"
) -> Any:
    """The graph the named queries run on: the ontology and the asserted data of
    ``project`` (:func:`~kg.project.find_project` by default), plus the OWL 2 RL
    inferences of :func:`kg.reason.reason` when ``inferred`` (for a query whose header
    says ``needs: inferred``). The derived day bounds (:func:`kg.timebounds.day_bounds`)
    are added either way.

    ``engine`` is an engine of :mod:`kg.engines` (``reference``, alias ``rdflib``: an
    :class:`rdflib.Graph` and owlrl; ``fast``, alias ``oxigraph``: an in-memory
    ``pyoxigraph.Store`` loaded from the files and the fast reasoner, much faster).
    """
    from kg.engines import engine_named

    chosen = engine_named(engine, error=QueryError)
    return chosen.query_target(chosen.open(project if project is not None else find_project()), inferred=inferred)


def to_store(*graphs: Graph) -> Any:
    """A new in-memory ``pyoxigraph.Store`` whose default graph holds the triples of ``graphs``.

    Blank nodes keep their identity: a blank node of ``graphs`` is the same blank node in
    the store, so what the store answers joins the rdflib graphs. Literals go in as written;
    those Oxigraph stores in another form (``"7"^^xsd:int`` as ``xsd:integer``) are noted
    in the store (:func:`kg.fast.store.record_rewritten`, which
    :func:`kg.fast.store.graph_of` reads back) and named in a :class:`kg.load.LoadWarning`.

    >>> data = Graph().parse(format="turtle", data="<https://example.org/a> <https://example.org/b> [] .")
    >>> [str(row["o"]) for row in run_query("SELECT ?o WHERE { ?s ?p ?o }", to_store(data))] == [
    ...     str(o) for o in data.objects()]
    True
    """
    import pyoxigraph

    from kg.fast.store import record_rewritten, warn_rewritten

    store = pyoxigraph.Store()
    literals: set[pyoxigraph.Literal] = set()

    plain = (str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")

    def noting(quads: Iterable[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
        for quad in quads:
            value = quad.object
            if isinstance(value, pyoxigraph.Literal) and value.datatype.value not in plain:
                literals.add(value)
            yield quad

    for graph in graphs:
        # Oxigraph's parse keeps blank node labels (its store loaders rename them).
        text = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_extend(noting(
            pyoxigraph.Quad(t.subject, t.predicate, t.object)
            for t in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES)
        ))
    warn_rewritten(record_rewritten(store, literals))
    return store


def _lookup(name_or_text: Union[str, Query], catalogue: Optional[Mapping[str, Query]]) -> Query:
    if isinstance(name_or_text, Query):
        return name_or_text
    if "{" in name_or_text:
        return Query.from_text(name_or_text)
    return find_query(name_or_text, catalogue)


