"""The named SPARQL queries, as :mod:`kg.sparql` has them (this module re-exports its
public names, so that ``from kg.query import run_query`` keeps working).

>>> from kg.query import run_query
>>> import kg.sparql
>>> run_query is kg.sparql.run_query
True
"""

from kg.sparql import (
    ENGINES,
    PARAM_TYPES,
    Param,
    Query,
    bind_query,
    date_span,
    find_query,
    load_catalogue,
    query_graph,
    run_query,
    to_store,
)

__all__ = [
    "ENGINES",
    "PARAM_TYPES",
    "Param",
    "Query",
    "bind_query",
    "date_span",
    "find_query",
    "load_catalogue",
    "query_graph",
    "run_query",
    "to_store",
]
