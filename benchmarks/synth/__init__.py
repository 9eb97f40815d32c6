"""Synthetic graphs shaped like the real one, for benchmarks and parity tests.

:func:`synthesize` yields the N-Triples lines of a deterministic graph of ``companies``
made-up companies, written the way ``docs/data-conventions.md`` asks: units in a tree of
time-bound placements, people holding roles over intervals at mixed precision (day,
month, year), reporting lines between unit heads, every kind of event and activity,
figures, products, organizational models, disagreements, and source documents cited
with line locators and qualified derivations. The graph conforms to
``ontology/shapes.ttl`` (validated with the ontology): no result of any severity.

``violations=K`` adds, for each kind in :data:`VIOLATION_KINDS`, ``K`` small clusters
of otherwise valid resources that break exactly one rule; :func:`write_synthetic`
returns which focus nodes each should be reported on (an :class:`Injection`), so tests
can check a validator finds them all and nothing else.

The same ``seed`` and ``companies`` give the same bytes; company ``i`` is the same in
every graph that has it, so a larger graph extends a smaller one. A company is about
2,300 triples (:data:`TRIPLES_PER_COMPANY` is the measured mean).

Benchmark and test tooling, not part of the installed ``kg``: import it from a checkout
(``from benchmarks.synth import write_synthetic``) or run ``python -m benchmarks.synth``.
The modules: :mod:`~benchmarks.synth.terms` (N-Triples terms), :mod:`~benchmarks.synth.writer`
(one company's resources), :mod:`~benchmarks.synth.story` (what a company has and in which
order), :mod:`~benchmarks.synth.defects` (the injected defects).

>>> import tempfile, pathlib
>>> from rdflib import Graph
>>> path = pathlib.Path(tempfile.mkdtemp()) / "synth.nt"
>>> result = write_synthetic(path, companies=2, seed=1, violations=1)
>>> result.triples == len(Graph().parse(path, format="nt"))
True
>>> sorted({i.kind for i in result.injections}) == sorted(VIOLATION_KINDS)
True
>>> write_synthetic(path, companies=2, seed=1).triples == sum(1 for _ in synthesize(companies=2, seed=1))
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Union

from benchmarks.synth.defects import KINDS, Cluster
from benchmarks.synth.story import write_company
from benchmarks.synth.terms import bare, shape, source_documents, source_iri
from benchmarks.synth.writer import CompanyWriter

__all__ = [
    "SIZES",
    "TRIPLES_PER_COMPANY",
    "VIOLATION_KINDS",
    "Injection",
    "SynthResult",
    "companies_for",
    "sample_params",
    "synthesize",
    "write_synthetic",
]

#: Mean number of triples one synthetic company adds (measured over seeds 0-9).
TRIPLES_PER_COMPANY = 2300
#: The benchmark sizes: name -> number of companies (about 10k, 100k, 1M and 5M triples).
SIZES = {"10k": 4, "100k": 43, "1m": 435, "5m": 2175}
#: The names of the kinds of defects ``violations=K`` injects, K of each.
VIOLATION_KINDS: tuple[str, ...] = tuple(KINDS)


@dataclass(frozen=True)
class Injection:
    """One injected defect: its kind and where a validator must report it.

    :ivar kind: a name from :data:`VIOLATION_KINDS`.
    :ivar expected: ``(focus node, source shape)`` pairs, as IRIs (or ``_:label`` for a
        blank node), one per result the defect causes.
    """

    kind: str
    expected: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SynthResult:
    """What :func:`write_synthetic` wrote: the file, its triple count and the injections."""

    path: Path
    companies: int
    seed: int
    triples: int
    injections: tuple[Injection, ...] = ()


def synthesize(*, companies: int, seed: int = 0) -> Iterator[str]:
    """The N-Triples lines (each ending in a newline) of a conforming synthetic graph.

    :param companies: how many companies (about :data:`TRIPLES_PER_COMPANY` triples each).
    :param seed: any integer; the same seed gives the same graph.
    """
    if companies < 1:
        raise ValueError("companies must be at least 1")
    for s, p, o in source_documents(companies):
        yield f"{s} {p} {o} .\n"
    lines: list[str] = []

    def emit(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .\n")

    for index in range(companies):
        lines.clear()
        write_company(CompanyWriter(index, seed, companies, emit))
        yield from lines


def _injections(companies: int, seed: int, per_kind: int, kinds: tuple[str, ...]) -> Iterator[tuple[list[str], Injection]]:
    """For each kind and each of ``per_kind`` copies: the N-Triples lines and what they break."""
    number = 0
    for kind in kinds:
        for _ in range(per_kind):
            index = number % companies
            cluster = Cluster(index, seed, companies, key=f"c{index:04d}x{number:03d}")
            expected = tuple((bare(focus), shape(name)) for focus, name in KINDS[kind](cluster))
            yield [f"{s} {p} {o} .\n" for s, p, o in cluster.buffer], Injection(kind, expected)
            number += 1


def write_synthetic(path: Union[str, os.PathLike], *, companies: int, seed: int = 0, violations: int = 0,
                    kinds: Optional[tuple[str, ...]] = None) -> SynthResult:
    """Write a synthetic graph as N-Triples to ``path`` (replaced only once complete).

    :param companies: how many companies.
    :param seed: the seed; the same arguments give the same file.
    :param violations: how many defects of each kind in ``kinds`` to add.
    :param kinds: which kinds of defects (names from :data:`VIOLATION_KINDS`; all by default).
    :returns: the file, its triple count, and one :class:`Injection` per defect.
    :raises ValueError: an unknown kind, or fewer than one company.
    """
    kinds = VIOLATION_KINDS if kinds is None else tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown kind of violation {unknown[0]!r}; the kinds are {', '.join(VIOLATION_KINDS)}")
    if violations < 0:
        raise ValueError("violations must be 0 or more")
    if companies < 1:
        raise ValueError("companies must be at least 1")
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    count, injections = 0, []
    try:
        with open(partial, "w", encoding="utf-8") as out:
            buffer: list[str] = []
            for line in synthesize(companies=companies, seed=seed):
                buffer.append(line)
                if len(buffer) >= 100_000:
                    out.writelines(buffer)
                    count += len(buffer)
                    buffer.clear()
            if violations:
                for lines, injection in _injections(companies, seed, violations, kinds):
                    buffer.extend(lines)
                    injections.append(injection)
            out.writelines(buffer)
            count += len(buffer)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return SynthResult(path=path, companies=companies, seed=seed, triples=count, injections=tuple(injections))


def companies_for(triples: int) -> int:
    """How many companies make a graph of about ``triples`` triples."""
    return max(1, round(triples / TRIPLES_PER_COMPANY))


def sample_params(*, companies: int, seed: int = 0) -> dict[str, str]:
    """Values for the named queries' parameters that name things of a synthetic graph.

    By parameter name, then type: the first company; the person heading its deepest
    unit (the longest reporting chain); a date on which much of the company is in place;
    ``from`` and ``to`` two years apart.

    >>> sample_params(companies=2)["company"]
    'Synthco 0000'
    """
    company = CompanyWriter(0, seed, companies, lambda s, p, o: None)
    write_company(company)
    deepest = max(company.units, key=lambda unit: (company.units[unit].depth, unit))
    person = company.heads[deepest][-1].person
    return {"company": company.name, "person": company.names[person], "unit": bare(deepest),
            "date": "2025-12-31", "from": "2024-01-01", "to": "2025-12-31", "period": "quarter",
            "currency": "USD", "role": "head", "event-type": "Merger", "source": bare(source_iri(0))}
