"""Workarounds for rdflib's SPARQL engine, applied to a query's algebra before rdflib runs it.

Each rewrites rdflib's algebra in place (:func:`kg.sparql.evaluate.evaluate` applies
both): :func:`_join_bgps_lazily` lowers the cost of rdflib's evaluation without changing
its answer, :func:`_scope_values` corrects a wrong answer to the one SPARQL 1.1 defines.
The comment above each names the upstream rdflib issue.
"""

from __future__ import annotations

from typing import Any, Iterable

from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

__all__: list[str] = []


# Upstream: rdflib sets ``lazy`` in ``rdflib.plugins.sparql.algebra.analyse`` only on joins
# with no join below (``n["lazy"] = all(children)``, rdflib 7.6). The lazy join and the
# scoping limits that keep it from being used everywhere are RDFLib/rdflib#689 ("SPARQL
# Optimisations", open); no upstream issue found for this VALUES case itself.
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


# Upstream: RDFLib/rdflib#2332 ("Possible query issue with VALUES and OPTIONAL", open):
# the algebra of a ``VALUES`` block has ``'_vars': set()``, so an OPTIONAL after it
# answers wrongly; the same empty scope drops a parameter inside a filter of an OPTIONAL.
def _scope_values(part: Any) -> set[Variable]:
    """Add the variables of ``VALUES`` blocks to the scopes rdflib keeps (``_vars``).

    rdflib leaves them out. When no row of an OPTIONAL passes its filter, rdflib checks
    the OPTIONAL once more with only the left side's scope bound, so a parameter's
    ``VALUES`` binding (such as ``?date``) is dropped there: a filter such as
    ``NOT EXISTS { ... FILTER (?since > ?date) }`` then passes, and the left row is
    wrongly left out. Returns the ``VALUES`` variables within ``part``.
    """
    if isinstance(part, CompValue):
        found: set[Variable]
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

