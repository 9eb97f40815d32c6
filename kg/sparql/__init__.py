"""The named SPARQL queries: their catalogue, parameters, text and running them.

One concern per module, each depending only on those listed before it (the public names
are imported on first use, so the tokenizer loads without the rest):

- :mod:`kg.sparql.workarounds` — rewrites of rdflib's query algebra for its known bugs;
- :mod:`kg.sparql.evaluate` — running SPARQL text on an rdflib graph, an Oxigraph
  store or an endpoint (:class:`kg.store.SparqlEndpoint`);
- :mod:`kg.sparql.params` — parameter types (dates, names resolved to IRIs) and ranges;
- :mod:`kg.sparql.text` — the SPARQL tokenizer, and binding parameters into the text;
- :mod:`kg.sparql.catalogue` — :class:`Query`, the ``#+`` header, the ``queries/`` catalogue;
- :mod:`kg.sparql.run` — :func:`run_query`, the graphs queries run on (:func:`query_graph`,
  :func:`to_store`).

>>> from kg.sparql import load_catalogue
>>> sorted(load_catalogue())[:2]
['ai-investment', 'ceo-direct-units']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ imports them
    from kg.sparql.catalogue import Query, find_query, load_catalogue
    from kg.sparql.params import PARAM_TYPES, Param, date_span
    from kg.sparql.run import query_graph, run_query, to_store
    from kg.sparql.text import bind_query

__all__ = [
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
#: The modules that define the public names, lightest first. A name is imported on its
#: first use, so that a module needing only the tokenizer (:mod:`kg.store`) does not
#: load rdflib's SPARQL engine, the reasoner and the loader.
_MODULES = ("text", "params", "catalogue", "run")


def __getattr__(name: str) -> Any:
    if name == "ENGINES":  # deprecated, not in __all__: kg.sparql.run warns
        return getattr(importlib.import_module(f"{__name__}.run"), name)
    if name in __all__:
        for home in _MODULES:
            module = importlib.import_module(f"{__name__}.{home}")
            if name in module.__all__:
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
