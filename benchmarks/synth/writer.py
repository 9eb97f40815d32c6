"""One company's resources as triples: units, placements, people, roles, events, figures, citations.

A :class:`CompanyWriter` holds what a company has so far (its units and their placements,
the terms of the people heading them) and writes each resource with the citations the
shapes ask for; :mod:`benchmarks.synth.story` decides which resources a company has.
Every random choice comes from the writer's own generator, seeded by the graph's seed and
the company, so a company is the same in every graph that has it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Optional

from benchmarks.synth.terms import (
    ALT_LABEL,
    APPROXIMATE,
    BEGINNING,
    COMPANY,
    CURRENCY,
    DATATYPE,
    DATE,
    DERIVED_FROM,
    END,
    ENTITY,
    FAMILY_NAMES,
    FIGURE,
    GENERATED_BY,
    GIVEN_NAMES,
    INFERENCE_NOTE,
    INFERRED,
    INVALIDATED_BY,
    LABEL,
    LAST_DAY,
    LOCATOR,
    LOWER_BOUND,
    MAX_VALUE,
    MEASURE,
    MEMBER,
    MEMBER_DURING,
    MIN_VALUE,
    ORGANIZATION,
    PARENT,
    PLACED_DURING,
    PLACED_UNIT,
    POSITION,
    QUALIFIED_DERIVATION,
    REFERENCE_PERIOD,
    REPORTING_DURING,
    ROLE,
    STATUS,
    SUBORDINATE,
    SUPERIOR,
    TOPICS,
    TRUE,
    UNIT_TEXT,
    VALUE,
    A,
    iri,
    lexical_date,
    literal,
    resource,
    source_count,
    source_iri,
    typed,
)

#: Where triples go: ``emit(subject, predicate, object)``, each an N-Triples term.
Emit = Callable[[str, str, str], None]


@dataclass
class Placement:
    """A unit under a parent from ``begin`` to ``end`` (day numbers; ``None``: open)."""

    iri: str
    parent: str
    begin: Optional[int]
    end: Optional[int]
    invalidated_by: Optional[str] = None


@dataclass
class Unit:
    """A unit of the company: its key in IRIs, class, depth below the company, placements and children."""

    key: str
    cls: str
    depth: int
    placements: list[Placement] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


@dataclass
class Term:
    """A person's term in a role: from and to which day, and the events that start and end it."""

    person: str
    begin: Optional[int]
    end: Optional[int]
    generated_by: Optional[str] = None
    invalidated_by: Optional[str] = None


def latest(*days: Optional[int]) -> Optional[int]:
    """The latest of the known days (``None`` when none is known)."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def earliest(*days: Optional[int]) -> Optional[int]:
    """The earliest of the known days (``None`` when none is known)."""
    known = [d for d in days if d is not None]
    return min(known) if known else None


class CompanyWriter:
    """Writes company ``index`` of a graph of ``companies`` companies to ``emit``.

    :param key: the company's part of the IRIs it mints (``c0007``) and of its generator's
        seed; an injected defect uses its own so that its resources are new.
    """

    def __init__(self, index: int, seed: int, companies: int, emit: Emit, *, key: Optional[str] = None):
        self.index = index
        self.companies = companies
        self.rng = random.Random(f"restructuring-kg-synth/{seed}/{key or index}")
        self.emit = emit
        self.key = key or f"c{index:04d}"
        self.name = f"Synthco {index:04d}"
        self.iri = resource("org", f"synthco-{index:04d}")
        pool = source_count(companies)
        self.sources = sorted({(index * 3 + k) % pool for k in range(3)})
        self.derivations = 0
        self.units: dict[str, Unit] = {}
        self.names: dict[str, str] = {}
        self.people = 0
        #: Who heads the company (its CEOs) and each unit, term after term.
        self.heads: dict[str, list[Term]] = {}

    # -- choices -------------------------------------------------------------------------

    def other_company(self) -> str:
        """Another company of the graph (this one when it is alone)."""
        if self.companies < 2:
            return self.iri
        other = (self.index + 1 + self.rng.randrange(self.companies - 1)) % self.companies
        return resource("org", f"synthco-{other:04d}")

    def precision(self) -> str:
        """day, month or year, as often as the real sources give each."""
        x = self.rng.random()
        return "day" if x < 0.6 else "month" if x < 0.85 else "year"

    def day_after(self, day: Optional[int], *, span: int = 700) -> int:
        """A day within ``span`` days after ``day`` (after the first day when ``None``), never past the last."""
        start = 0 if day is None else day
        return min(LAST_DAY, start + self.rng.randrange(1, span))

    def key_of(self, org: str) -> str:
        """The key of a unit, or of the company."""
        return self.units[org].key if org in self.units else self.key

    # -- citations and time ----------------------------------------------------------------

    def cite(self, subject: str, *, sources: int = 1) -> None:
        """Cite ``sources`` of the company's sources, each with a qualified derivation and a line locator."""
        chosen = self.rng.sample(self.sources, k=min(sources, len(self.sources)))
        for number in sorted(chosen):
            self.derivations += 1
            node = f"_:{self.key}d{self.derivations}"
            line = self.rng.randrange(1, 400)
            form = self.rng.random()
            if form < 0.6:
                locator = f"L{line}"
            elif form < 0.85:
                locator = f"L{line}-L{line + self.rng.randrange(1, 4)}"
            else:
                locator = f"L{line},L{line + self.rng.randrange(5, 40)}"
            self.emit(subject, DERIVED_FROM, source_iri(number))
            self.emit(subject, QUALIFIED_DERIVATION, node)
            self.emit(node, A, iri("prov:Derivation"))
            self.emit(node, ENTITY, source_iri(number))
            self.emit(node, LOCATOR, literal(locator, None))

    def date(self, day: int) -> str:
        """``day`` as a date literal at a random precision."""
        precision = self.precision()
        return typed(lexical_date(day, precision), DATATYPE[precision])

    def instant(self, instant: str, day: int, *, inferred_note: Optional[str] = None) -> None:
        """A ``time:Instant`` on ``day`` at a random precision; inferred (with the note) when a note is given."""
        precision = self.precision()
        self.emit(instant, A, iri("time:Instant"))
        self.emit(instant, iri(POSITION[precision]), typed(lexical_date(day, precision), DATATYPE[precision]))
        if inferred_note:
            self.emit(instant, INFERRED, TRUE)
            self.emit(instant, INFERENCE_NOTE, literal(inferred_note))

    def interval(self, owner: str, begin: Optional[int], end: Optional[int], *, end_note: Optional[str] = None) -> str:
        """``<owner-interval>`` with its instants; a bound that is ``None`` is left out."""
        interval = owner[:-1] + "-interval>"
        self.emit(interval, A, iri("time:Interval"))
        if begin is not None:
            instant = owner[:-1] + "-begin>"
            self.emit(interval, BEGINNING, instant)
            self.instant(instant, begin)
        if end is not None:
            instant = owner[:-1] + "-end>"
            self.emit(interval, END, instant)
            self.instant(instant, end, inferred_note=end_note)
        return interval

    # -- resources -------------------------------------------------------------------------

    def company(self) -> None:
        """The company itself, with its headcount."""
        s = self.iri
        self.emit(s, A, iri("rkg:Company"))
        self.emit(s, LABEL, literal(self.name))
        self.emit(s, ALT_LABEL, literal(f"SC{self.index:04d}"))
        self.cite(s, sources=2)
        headcount = resource("figure", f"{self.key}-headcount")
        self.emit(s, FIGURE, headcount)
        self.figure(headcount, f"employees of {self.name}", "rkg:headcount", str(self.rng.randrange(2, 300) * 1000),
                    unit="employees")

    def unit(self, key: str, cls: str, label: str, parent: str, depth: int, *, begin: Optional[int] = None,
             generated_by: Optional[str] = None) -> str:
        """A unit of class ``cls`` placed under ``parent`` from ``begin`` (``None``: before the sources)."""
        s = resource("org", f"{self.key}-{key}")
        self.emit(s, A, iri(cls))
        self.emit(s, LABEL, literal(f"{self.name} {label}"))
        if self.rng.random() < 0.3:
            self.emit(s, ALT_LABEL, literal(f"SC{self.index:04d}-{key.upper()}"))
        self.emit(s, COMPANY, self.iri)
        if self.rng.random() < 0.5:
            token_function = self.rng.choice(("rkg:createTokens", "rkg:deliverTokens", "rkg:applyTokens"))
            self.emit(s, iri("rkg:tokenFunction"), iri(token_function))
        self.cite(s)
        self.units[s] = Unit(key=key, cls=cls, depth=depth)
        if parent in self.units:
            self.units[parent].children.append(s)
        self.place(s, parent, begin, None, generated_by=generated_by)
        return s

    def place(self, unit: str, parent: str, begin: Optional[int], end: Optional[int], *,
              generated_by: Optional[str] = None, invalidated_by: Optional[str] = None) -> str:
        """A placement of ``unit`` under ``parent``; a closed one gets its end from :meth:`write_placement_ends`."""
        info = self.units[unit]
        number = len(info.placements)
        s = resource("placement", f"{self.key}-{info.key}-in-{self.key_of(parent)}" + (f"-{number}" if number else ""))
        self.emit(s, A, iri("rkg:Placement"))
        self.emit(s, LABEL, literal(f"{info.key} of {self.name} under {self.key_of(parent)}"))
        self.emit(s, PLACED_UNIT, unit)
        self.emit(s, PARENT, parent)
        self.emit(s, PLACED_DURING, self.interval(s, begin, end))
        if generated_by:
            self.emit(s, GENERATED_BY, generated_by)
        self.cite(s)
        info.placements.append(Placement(iri=s, parent=parent, begin=begin, end=end, invalidated_by=invalidated_by))
        return s

    def end_placement(self, unit: str, day: int, event: str) -> None:
        """Close the open placement of ``unit`` on ``day`` (written by :meth:`write_placement_ends`)."""
        for placement in self.units[unit].placements:
            if placement.end is None:
                placement.end = day
                placement.invalidated_by = event

    def write_placement_ends(self) -> None:
        """Write the ends of closed placements (their intervals were written open)."""
        for info in self.units.values():
            for placement in info.placements:
                if placement.end is not None:
                    s = placement.iri
                    interval = s[:-1] + "-interval>"
                    instant = s[:-1] + "-end>"
                    self.emit(interval, END, instant)
                    self.instant(instant, placement.end)
                    self.emit(s, INVALIDATED_BY, placement.invalidated_by)  # type: ignore[arg-type]

    def end_heads(self, unit: str, day: int, event: str) -> None:
        """End the current head's term of ``unit`` with ``event`` (when it began before ``day``)."""
        terms = self.heads.get(unit, [])
        if terms and terms[-1].end is None and (terms[-1].begin is None or terms[-1].begin < day):
            terms[-1].end, terms[-1].invalidated_by = day, event

    def person(self) -> str:
        """A new person with a made-up name (unique: it carries the person's number)."""
        self.people += 1
        number = self.people
        s = resource("person", f"{self.key}-p{number:03d}")
        given, family = self.rng.choice(GIVEN_NAMES), self.rng.choice(FAMILY_NAMES)
        name = f"{given} {family} ({self.key.upper()}-{number:03d})"
        self.names[s] = name
        self.emit(s, A, iri("foaf:Person"))
        self.emit(s, LABEL, literal(name))
        if self.rng.random() < 0.2:
            self.emit(s, ALT_LABEL, literal(f"{given[0]}. {family} ({self.key.upper()}-{number:03d})"))
        self.cite(s)
        return s

    def membership(self, person: str, org: str, role: str, begin: Optional[int], end: Optional[int], *,
                   generated_by: Optional[str] = None, invalidated_by: Optional[str] = None,
                   end_note: Optional[str] = None) -> str:
        """``person`` holding ``role`` in ``org`` from ``begin`` to ``end``."""
        local = f"{person.rsplit('/', 1)[1][:-1]}-{role.split('#')[1][:-1].lower()}-{self.key_of(org)}"
        s = resource("membership", local)
        self.emit(s, A, iri("rkg:RoleMembership"))
        self.emit(s, LABEL, literal(f"{local} (role membership)"))
        self.emit(s, MEMBER, person)
        self.emit(s, ORGANIZATION, org)
        self.emit(s, ROLE, role)
        self.emit(s, MEMBER_DURING, self.interval(s, begin, end, end_note=end_note))
        if generated_by:
            self.emit(s, GENERATED_BY, generated_by)
        if invalidated_by:
            self.emit(s, INVALIDATED_BY, invalidated_by)
        if self.rng.random() < 0.2:
            self.emit(s, iri("rkg:responsibility"), literal(self.rng.choice(TOPICS).lower() + " strategy"))
        self.cite(s)
        return s

    def event(self, key: str, cls: str, label: str, day: int, *, status: str = "rkg:completed") -> str:
        """An event of the company on ``day`` (at a random precision)."""
        s = resource("event", f"{lexical_date(day, 'day')}-{self.key}-{key}")
        self.emit(s, A, iri(cls))
        self.emit(s, LABEL, literal(f"{self.name}: {label}"))
        self.emit(s, DATE, self.date(day))
        self.emit(s, STATUS, iri(status))
        self.emit(s, COMPANY, self.iri)
        self.cite(s, sources=1 + (self.rng.random() < 0.3))
        return s

    def figure(self, s: str, label: str, measure: str, value: str, *, unit: Optional[str] = None,
               currency: Optional[str] = None, low: Optional[str] = None, period: Optional[int] = None) -> None:
        """A figure: an amount of money with ``currency``, else a quantity; a range from ``low`` to ``value``."""
        self.emit(s, A, iri("schema:MonetaryAmount" if currency else "schema:QuantitativeValue"))
        self.emit(s, LABEL, literal(label))
        self.emit(s, MEASURE, iri(measure))
        if low is None:
            self.emit(s, VALUE, typed(value, "xsd:decimal"))
        else:
            self.emit(s, MIN_VALUE, typed(low, "xsd:decimal"))
            self.emit(s, MAX_VALUE, typed(value, "xsd:decimal"))
        if unit:
            self.emit(s, UNIT_TEXT, literal(unit, None))
        if currency:
            self.emit(s, CURRENCY, literal(currency, None))
        if self.rng.random() < 0.3:
            self.emit(s, APPROXIMATE, TRUE)
        if self.rng.random() < 0.1:
            self.emit(s, LOWER_BOUND, TRUE)
        if period is not None:
            self.emit(s, REFERENCE_PERIOD, typed(lexical_date(period, "year"), "xsd:gYear"))
        self.cite(s)

    def reporting_line(self, subordinate: str, superior: str, begin: Optional[int], end: Optional[int], key: str) -> str:
        """``subordinate`` reporting to ``superior`` from ``begin`` to ``end``."""
        s = resource("reporting", f"{self.key}-{key}")
        self.emit(s, A, iri("rkg:ReportingLine"))
        self.emit(s, LABEL, literal(f"reporting line {key} of {self.name}"))
        self.emit(s, SUBORDINATE, subordinate)
        self.emit(s, SUPERIOR, superior)
        self.emit(s, REPORTING_DURING, self.interval(s, begin, end))
        self.cite(s)
        return s


__all__ = ["CompanyWriter", "Emit", "Placement", "Term", "Unit", "earliest", "latest"]
