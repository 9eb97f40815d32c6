"""Workarounds for rdflib's SPARQL engine, applied to a query's algebra before rdflib runs it.

Each rewrites rdflib's algebra in place and changes the cost or the correctness of
rdflib's evaluation, never the answer the SPARQL 1.1 semantics give.
"""

from __future__ import annotations

from typing import Any, Iterable

from rdflib.plugins.sparql.parserutils import CompValue

__all__: list[str] = []


def _join_bgps_lazily(part: Any) -> None:
    """Mark every join whose right side is a basic graph pattern as lazy.

    rdflib evaluates a join lazily (the right side once per solution of the left, with
    its bindings) only when no join lies below it; otherwise it evaluates the right side
    on its own. A parameter's ``VALUES`` block adds a join below every later one, and a
    basic graph pattern such as ``?a rdfs:label ?x . ?b rdfs:label ?y`` evaluated on its
    own is the cross product of all labels. For a basic graph pattern the lazy join is
    the same join, so this changes the cost, never the answer.
    """
    if isinstance(part, CompValue):
        if part.name == "Join" and getattr(part.get("p2"), "name", None) == "BGP":
            part["lazy"] = True
        children: Iterable[Any] = part.values()
    elif isinstance(part, (list, tuple)):
        children = part
    else:
        return
    for child in children:
        _join_bgps_lazily(child)


def _scope_values(part: Any) -> set:
    """Add the variables of ``VALUES`` blocks to the scopes rdflib keeps (``_vars``).

    rdflib leaves them out. When no row of an OPTIONAL passes its filter, rdflib checks
    the OPTIONAL once more with only the left side's scope bound, so a parameter's
    ``VALUES`` binding (such as ``?date``) is dropped there: a filter such as
    ``NOT EXISTS { ... FILTER (?since > ?date) }`` then passes, and the left row is
    wrongly left out. Returns the ``VALUES`` variables within ``part``.
    """
    if isinstance(part, CompValue):
        if part.name == "values":
            found = {variable for row in part["res"] for variable in row}
        else:
            found = set()
            for key, child in part.items():
                if key != "expr":  # expressions bind nothing
                    found |= _scope_values(child)
        if found and isinstance(part.get("_vars"), set):
            part["_vars"] |= found
        return found
    if isinstance(part, (list, tuple)):
        return set().union(*(_scope_values(child) for child in part))
    return set()

