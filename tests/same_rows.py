"""One answer everywhere: how the tests compare a query's rows across engines and stores.

Used by the store tests (rdflib, pyoxigraph, an Oxigraph server), Jena ARQ's and Virtuoso's:
rows are compared term by term, in order (the named queries have an ORDER BY). Blank node
labels are each engine's own, so a blank node is only "a blank node"; for other stores
(:func:`by_value`) a number is compared by its value, as engines write numbers in different
lexical forms.

>>> from rdflib import Literal, XSD
>>> by_value([(term_key(Literal("1.0", datatype=XSD.decimal)),)]) == by_value([(term_key(Literal("1", datatype=XSD.decimal)),)])
True
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Mapping, Union

from rdflib import BNode, Literal, URIRef

from kg.query import Query, load_catalogue, run_query

ROOT = Path(__file__).resolve().parent.parent
#: The reviewed cases: ``tests/expected/<query>/<case>.json``, each with its ``params``.
EXPECTED = sorted((ROOT / "tests" / "expected").glob("*/*.json"))
NUMBERS = {f"http://www.w3.org/2001/XMLSchema#{name}" for name in ("decimal", "integer", "double", "float")}


def term_key(term) -> tuple:
    """A term as the engines must agree on it (blank node labels are each engine's own)."""
    if term is None:
        return ("unbound",)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        return ("literal", str(term), term.language, str(term.datatype) if term.datatype else None)
    assert isinstance(term, URIRef)
    return ("iri", str(term))


def rows(result) -> tuple[tuple[str, ...], list[tuple]]:
    """A result's variables and its rows of :func:`term_key`, in order."""
    return result.vars, [tuple(term_key(b.get(v)) for v in result.vars) for b in result.bindings]


def by_value(found: list[tuple]) -> list[tuple]:
    """Rows with each number as its value: ``824526435034.0`` and ``824526435034`` are one
    xsd:decimal, which Jena and Oxigraph write in different lexical forms."""

    def key(term: tuple) -> tuple:
        if term[0] == "literal" and term[3] in NUMBERS:
            try:
                return ("number", term[3], Decimal(term[1]))
            except InvalidOperation:
                return term
        return term

    return [tuple(key(term) for term in row) for row in found]


def named_cases() -> dict[str, tuple[Query, dict]]:
    """Every named query with its defaults (``<name>/defaults``) and every reviewed case
    (``<name>/<case>``), as the query and its parameters."""
    catalogue = load_catalogue(ROOT / "queries")
    cases = {f"{name}/defaults": (query, {}) for name, query in catalogue.items()}
    for path in EXPECTED:
        cases[f"{path.parent.name}/{path.stem}"] = (
            catalogue[path.parent.name], json.loads(path.read_text(encoding="utf-8"))["params"]
        )
    return cases


def differences(
    cases: Mapping[str, tuple[Query, dict]],
    store: Any,
    answers: Mapping[str, Union[str, Any]],
    *,
    engine: str,
    values: Callable[[list[tuple]], list[tuple]] = by_value,
) -> tuple[dict[str, str], int]:
    """How ``answers`` (a result, or the error an engine raised as a string) differ from
    Oxigraph's rows over ``store``, per case; and how many rows were compared.

    ``values`` maps rows before comparing (:func:`by_value` by default)."""
    differ: dict[str, str] = {}
    compared = 0
    for key, (query, params) in sorted(cases.items()):
        expected = rows(run_query(query, store, params=params))
        expected = (expected[0], values(expected[1]))
        answer = answers[key]
        if isinstance(answer, str):
            differ[key] = f"{engine} raised {answer}"
        elif (answer.vars, values(rows(answer)[1])) != expected:
            got = values(rows(answer)[1])
            first = next((i for i, (a, b) in enumerate(zip(got, expected[1])) if a != b), min(len(got), len(expected[1])))
            differ[key] = (
                f"{len(got)} rows on {engine}, {len(expected[1])} on Oxigraph; first difference at row {first}: "
                f"{engine} {got[first] if first < len(got) else None}, "
                f"Oxigraph {expected[1][first] if first < len(expected[1]) else None}"
            )
        compared += len(expected[1])
    return differ, compared


def check_differences(differ: Mapping[str, str], listed: Mapping[str, str], *, engine: str) -> None:
    """Fail when a case differs that ``listed`` does not name, or a listed one now agrees."""
    unexpected = {key: why for key, why in differ.items() if key not in listed}
    mended = sorted(set(listed) - set(differ))
    assert not unexpected, f"{engine} differs from Oxigraph: {unexpected}"
    assert not mended, f"now the same on {engine}, remove from the list of differences: {mended}"
