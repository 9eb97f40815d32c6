"""The named SPARQL queries, as :mod:`kg.sparql` has them: this module re-exports its
public names (its ``__all__``), so that ``from kg.query import run_query`` keeps working.

>>> from kg.query import run_query
>>> import kg.sparql
>>> run_query is kg.sparql.run_query
True
"""

from kg.sparql import *  # noqa: F403 - kg.sparql's public names, listed once (in its __all__)
from kg.sparql import __all__  # noqa: F401


def __getattr__(name: str) -> object:
    if name == "ENGINES":  # deprecated, no longer in kg.sparql's __all__ (it warns)
        import kg.sparql

        return kg.sparql.ENGINES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
