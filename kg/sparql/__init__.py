"""The named SPARQL queries: their catalogue, parameters, text and running them.

One concern per module, each depending only on those listed before it:

- :mod:`kg.sparql.workarounds` — rewrites of rdflib's query algebra for its known bugs;
- :mod:`kg.sparql.evaluate` — running SPARQL text on an rdflib graph, an Oxigraph
  store or an endpoint (:class:`kg.store.SparqlEndpoint`);
- :mod:`kg.sparql.params` — parameter types (dates, names resolved to IRIs) and ranges;
- :mod:`kg.sparql.text` — the SPARQL tokenizer, and binding parameters into the text;
- :mod:`kg.sparql.catalogue` — :class:`Query`, the ``#+`` header, the ``queries/`` catalogue;
- :mod:`kg.sparql.run` — :func:`run_query`, the graphs queries run on (:func:`query_graph`,
  :func:`to_store`).

>>> sorted(load_catalogue())[:2]
['ai-investment', 'ceo-direct-units']
"""

from kg.sparql.catalogue import Query, find_query, load_catalogue
from kg.sparql.params import PARAM_TYPES, Param, date_span
from kg.sparql.run import ENGINES, query_graph, run_query, to_store
from kg.sparql.text import bind_query

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
