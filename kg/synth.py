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

import datetime
import hashlib
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

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

# -- N-Triples terms ---------------------------------------------------------------

_RKG = "https://w3id.org/restructuring-kg/ontology#"
_ID = "https://w3id.org/restructuring-kg/id/"
_NS = {
    "rkg": _RKG,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rkgsh": "https://w3id.org/restructuring-kg/shapes#",
}


def _u(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return f"<{_NS[prefix]}{local}>"


def _id(kind: str, local: str) -> str:
    return f"<{_ID}{kind}/{local}>"


def _lit(text: str, lang: Optional[str] = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^{_u(datatype)}'


A = _u("rdf:type")
LABEL, ALT, COMMENT = _u("rdfs:label"), _u("skos:altLabel"), _u("rdfs:comment")
DERIVED, QUALIFIED, ENTITY, LOCATOR = _u("prov:wasDerivedFrom"), _u("prov:qualifiedDerivation"), _u("prov:entity"), _u("rkg:locator")
GENERATED, INVALIDATED = _u("prov:wasGeneratedBy"), _u("prov:wasInvalidatedBy")
COMPANY, STATUS, DATE, NOT_AFTER, NOTE, INFERRED = (
    _u("rkg:company"), _u("rkg:status"), _u("dcterms:date"), _u("rkg:notAfter"), _u("rkg:inferenceNote"), _u("rkg:inferred"))
PLACED_UNIT, PARENT, PLACED_DURING = _u("rkg:placedUnit"), _u("rkg:parentOrganization"), _u("rkg:placedDuring")
MEMBER, ORGANIZATION, ROLE, MEMBER_DURING = _u("org:member"), _u("org:organization"), _u("org:role"), _u("org:memberDuring")
SUBORDINATE, SUPERIOR, REPORTING_DURING = _u("rkg:subordinate"), _u("rkg:superior"), _u("rkg:reportingDuring")
BEGIN, END = _u("time:hasBeginning"), _u("time:hasEnd")
ORIGINAL, RESULTING, AFFECTED, TRANSFERRED = (
    _u("org:originalOrganization"), _u("org:resultingOrganization"), _u("rkg:affectedOrganization"), _u("rkg:transferredUnit"))
PERSON, EVENT_ROLE, PREVIOUS, DESTINATION, REPLACED = (
    _u("rkg:involvedPerson"), _u("rkg:role"), _u("rkg:previousOrganization"), _u("rkg:destinationOrganization"), _u("rkg:replaced"))
FIGURE, MEASURE, VALUE, MIN, MAX = _u("rkg:figure"), _u("rkg:measure"), _u("schema:value"), _u("schema:minValue"), _u("schema:maxValue")
UNIT_TEXT, CURRENCY, APPROXIMATE, LOWER_BOUND, PERIOD = (
    _u("schema:unitText"), _u("schema:currency"), _u("rkg:approximate"), _u("rkg:lowerBound"), _u("rkg:referencePeriod"))
TRUE = _typed("true", "xsd:boolean")
_POSITION = {"day": "time:inXSDDate", "month": "time:inXSDgYearMonth", "year": "time:inXSDgYear"}
_DATATYPE = {"day": "xsd:date", "month": "xsd:gYearMonth", "year": "xsd:gYear"}

_UNIT_KINDS = (
    # class, word in labels, share of units at depth >= 2
    ("rkg:BusinessUnit", "Business Unit"),
    ("rkg:Lab", "Lab"),
    ("rkg:Department", "Department"),
    ("rkg:ResearchInstitute", "Research Institute"),
    ("rkg:Committee", "Committee"),
)
_TOPICS = (
    "Cloud", "Search", "Commerce", "Foundation Model", "Inference", "Agents", "Devices",
    "Advertising", "Payments", "Maps", "Video", "Social", "Enterprise", "Robotics",
    "Chips", "Games", "Health", "Education", "Logistics", "Security",
)
_GIVEN = ("Mei", "Arjun", "Lena", "Tomas", "Yuki", "Omar", "Ines", "Kai", "Sara", "Li", "Noah", "Aiko", "Ravi", "Zoe", "Jun", "Eva")
_FAMILY = ("Chen", "Patel", "Novak", "Silva", "Tanaka", "Haddad", "Moreau", "Kim", "Larsen", "Wang", "Okafor", "Rossi", "Zhou", "Meyer")
_SOURCES = 200  # source documents in the pool (file names need three digits)
_EPOCH = datetime.date(2014, 1, 1).toordinal()
_DAYS = datetime.date(2026, 3, 31).toordinal() - _EPOCH


def _precise(day: int, precision: str) -> str:
    """A day number (since 2014-01-01) as a lexical form at ``precision``."""
    text = datetime.date.fromordinal(_EPOCH + day).isoformat()
    return {"day": text, "month": text[:7], "year": text[:4]}[precision]


def _source_count(companies: int) -> int:
    return min(_SOURCES, max(3, 3 * companies))


def _source_iri(number: int) -> str:
    return _id("source", f"synth-s{number:03d}")


def _source_file(number: int) -> str:
    return f"{number:03d}_{hashlib.sha256(str(number).encode()).hexdigest()[:16]}.txt"


# -- Violations ----------------------------------------------------------------------


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


# -- The generator ------------------------------------------------------------------


class _Company:
    """Builds one company's triples; every random choice comes from its own generator."""

    def __init__(self, index: int, seed: int, companies: int, emit: Callable[[str, str, str], None], *,
                 key: Optional[str] = None):
        self.i = index
        self.n = companies
        self.rng = random.Random(f"restructuring-kg-synth/{seed}/{key or index}")
        self.t = emit
        self.key = key or f"c{index:04d}"
        self.name = f"Synthco {index:04d}"
        self.iri = _id("org", f"synthco-{index:04d}")
        pool = _source_count(companies)
        self.sources = sorted({(index * 3 + k) % pool for k in range(3)})
        self.counter = 0
        self.units: dict[str, dict] = {}
        self.names: dict[str, str] = {}
        self.people = 0

    # helpers -------------------------------------------------------------------------

    def other_company(self) -> str:
        if self.n < 2:
            return self.iri
        other = (self.i + 1 + self.rng.randrange(self.n - 1)) % self.n
        return _id("org", f"synthco-{other:04d}")

    def cite(self, subject: str, *, sources: int = 1) -> None:
        chosen = self.rng.sample(self.sources, k=min(sources, len(self.sources)))
        for number in sorted(chosen):
            self.counter += 1
            node = f"_:{self.key}d{self.counter}"
            line = self.rng.randrange(1, 400)
            shape = self.rng.random()
            locator = f"L{line}" if shape < 0.6 else f"L{line}-L{line + self.rng.randrange(1, 4)}" if shape < 0.85 else f"L{line},L{line + self.rng.randrange(5, 40)}"
            self.t(subject, DERIVED, _source_iri(number))
            self.t(subject, QUALIFIED, node)
            self.t(node, A, _u("prov:Derivation"))
            self.t(node, ENTITY, _source_iri(number))
            self.t(node, LOCATOR, _lit(locator, None))

    def precision(self) -> str:
        x = self.rng.random()
        return "day" if x < 0.6 else "month" if x < 0.85 else "year"

    def date(self, day: int) -> str:
        precision = self.precision()
        return _typed(_precise(day, precision), _DATATYPE[precision])

    def instant(self, iri: str, day: int, *, inferred_note: Optional[str] = None) -> None:
        precision = self.precision()
        self.t(iri, A, _u("time:Instant"))
        self.t(iri, _u(_POSITION[precision]), _typed(_precise(day, precision), _DATATYPE[precision]))
        if inferred_note:
            self.t(iri, INFERRED, TRUE)
            self.t(iri, NOTE, _lit(inferred_note))

    def interval(self, base: str, begin: Optional[int], end: Optional[int], *, end_note: Optional[str] = None) -> str:
        """``base-interval`` with its instants; a bound that is ``None`` is left out."""
        iri = base[:-1] + "-interval>"
        self.t(iri, A, _u("time:Interval"))
        if begin is not None:
            instant = base[:-1] + "-begin>"
            self.t(iri, BEGIN, instant)
            self.instant(instant, begin)
        if end is not None:
            instant = base[:-1] + "-end>"
            self.t(iri, END, instant)
            self.instant(instant, end, inferred_note=end_note)
        return iri

    def day_after(self, day: Optional[int], *, span: int = 700) -> int:
        start = 0 if day is None else day
        return min(_DAYS, start + self.rng.randrange(1, span))

    # resources -----------------------------------------------------------------------

    def company(self) -> None:
        s = self.iri
        self.t(s, A, _u("rkg:Company"))
        self.t(s, LABEL, _lit(self.name))
        self.t(s, ALT, _lit(f"SC{self.i:04d}"))
        self.cite(s, sources=2)
        figure = _id("figure", f"{self.key}-headcount")
        self.t(s, FIGURE, figure)
        self.figure(figure, f"employees of {self.name}", "rkg:headcount", str(self.rng.randrange(2, 300) * 1000), unit="employees")

    def unit(self, key: str, cls: str, label: str, parent: str, depth: int, *, begin: Optional[int] = None,
             generated_by: Optional[str] = None) -> str:
        s = _id("org", f"{self.key}-{key}")
        self.t(s, A, _u(cls))
        self.t(s, LABEL, _lit(f"{self.name} {label}"))
        if self.rng.random() < 0.3:
            self.t(s, ALT, _lit(f"SC{self.i:04d}-{key.upper()}"))
        self.t(s, COMPANY, self.iri)
        if self.rng.random() < 0.5:
            self.t(s, _u("rkg:tokenFunction"), _u(self.rng.choice(("rkg:createTokens", "rkg:deliverTokens", "rkg:applyTokens"))))
        self.cite(s)
        self.units[s] = {"key": key, "class": cls, "depth": depth, "placements": [], "heads": [], "children": []}
        if parent in self.units:
            self.units[parent]["children"].append(s)
        self.place(s, parent, begin, None, generated_by=generated_by)
        return s

    def place(self, unit: str, parent: str, begin: Optional[int], end: Optional[int], *,
              generated_by: Optional[str] = None, invalidated_by: Optional[str] = None) -> str:
        number = len(self.units[unit]["placements"])
        s = _id("placement", f"{self.key}-{self.units[unit]['key']}-in-{self.key_of(parent)}" + (f"-{number}" if number else ""))
        self.t(s, A, _u("rkg:Placement"))
        self.t(s, LABEL, _lit(f"{self.units[unit]['key']} of {self.name} under {self.key_of(parent)}"))
        self.t(s, PLACED_UNIT, unit)
        self.t(s, PARENT, parent)
        self.t(s, PLACED_DURING, self.interval(s, begin, end))
        if generated_by:
            self.t(s, GENERATED, generated_by)
        self.cite(s)
        self.units[unit]["placements"].append({"iri": s, "parent": parent, "begin": begin, "end": end, "invalidated": invalidated_by})
        return s

    def end_placement(self, unit: str, day: int, event: str) -> None:
        """Close the open placement of ``unit`` on ``day`` (written later by :meth:`flush_placements`)."""
        for placement in self.units[unit]["placements"]:
            if placement["end"] is None:
                placement["end"] = day
                placement["invalidated"] = event

    def key_of(self, org: str) -> str:
        return self.units[org]["key"] if org in self.units else self.key

    def person(self) -> str:
        self.people += 1
        number = self.people
        s = _id("person", f"{self.key}-p{number:03d}")
        given, family = self.rng.choice(_GIVEN), self.rng.choice(_FAMILY)
        name = f"{given} {family} ({self.key.upper()}-{number:03d})"
        self.names[s] = name
        self.t(s, A, _u("foaf:Person"))
        self.t(s, LABEL, _lit(name))
        if self.rng.random() < 0.2:
            self.t(s, ALT, _lit(f"{given[0]}. {family} ({self.key.upper()}-{number:03d})"))
        self.cite(s)
        return s

    def membership(self, person: str, org: str, role: str, begin: Optional[int], end: Optional[int], *,
                   generated_by: Optional[str] = None, invalidated_by: Optional[str] = None,
                   end_note: Optional[str] = None) -> str:
        local = f"{person.rsplit('/', 1)[1][:-1]}-{role.split('#')[1][:-1].lower()}-{self.key_of(org)}"
        s = _id("membership", local)
        self.t(s, A, _u("rkg:RoleMembership"))
        self.t(s, LABEL, _lit(f"{local} (role membership)"))
        self.t(s, MEMBER, person)
        self.t(s, ORGANIZATION, org)
        self.t(s, ROLE, role)
        self.t(s, MEMBER_DURING, self.interval(s, begin, end, end_note=end_note))
        if generated_by:
            self.t(s, GENERATED, generated_by)
        if invalidated_by:
            self.t(s, INVALIDATED, invalidated_by)
        if self.rng.random() < 0.2:
            self.t(s, _u("rkg:responsibility"), _lit(self.rng.choice(_TOPICS).lower() + " strategy"))
        self.cite(s)
        return s

    def event(self, key: str, cls: str, label: str, day: int, *, status: str = "rkg:completed") -> str:
        s = _id("event", f"{_precise(day, 'day')}-{self.key}-{key}")
        self.t(s, A, _u(cls))
        self.t(s, LABEL, _lit(f"{self.name}: {label}"))
        self.t(s, DATE, self.date(day))
        self.t(s, STATUS, _u(status))
        self.t(s, COMPANY, self.iri)
        self.cite(s, sources=1 + (self.rng.random() < 0.3))
        return s

    def figure(self, s: str, label: str, measure: str, value: str, *, unit: Optional[str] = None,
               currency: Optional[str] = None, low: Optional[str] = None, period: Optional[int] = None) -> None:
        self.t(s, A, _u("schema:MonetaryAmount" if currency else "schema:QuantitativeValue"))
        self.t(s, LABEL, _lit(label))
        self.t(s, MEASURE, _u(measure))
        if low is None:
            self.t(s, VALUE, _typed(value, "xsd:decimal"))
        else:
            self.t(s, MIN, _typed(low, "xsd:decimal"))
            self.t(s, MAX, _typed(value, "xsd:decimal"))
        if unit:
            self.t(s, UNIT_TEXT, _lit(unit, None))
        if currency:
            self.t(s, CURRENCY, _lit(currency, None))
        if self.rng.random() < 0.3:
            self.t(s, APPROXIMATE, TRUE)
        if self.rng.random() < 0.1:
            self.t(s, LOWER_BOUND, TRUE)
        if period is not None:
            self.t(s, PERIOD, _typed(_precise(period, "year"), "xsd:gYear"))
        self.cite(s)

    # the company's story ---------------------------------------------------------------

    def build(self) -> None:
        rng = self.rng
        self.company()
        topics = rng.sample(_TOPICS, 8)
        # Units: business groups under the company, units under them, teams below.
        groups = []
        for g in range(rng.randrange(3, 5)):
            begin = None if rng.random() < 0.6 else rng.randrange(0, 1500)
            groups.append(self.unit(f"bg{g}", "rkg:BusinessGroup", f"{topics[g]} Business Group", self.iri, 1, begin=begin))
        level2 = []
        for g, group in enumerate(groups):
            for k in range(rng.randrange(2, 4)):
                cls, word = rng.choice(_UNIT_KINDS)
                begin = None if rng.random() < 0.5 else rng.randrange(0, 2000)
                level2.append(self.unit(f"bg{g}u{k}", cls, f"{topics[(g + k + 3) % 8]} {word} {g}.{k}", group, 2, begin=begin))
        level3 = []
        for u, parent in enumerate(rng.sample(level2, k=min(len(level2), 4))):
            for k in range(rng.randrange(1, 3)):
                level3.append(self.unit(f"t{u}x{k}", "rkg:Department", f"Team {u}.{k}", parent, 3))
        for u, parent in enumerate(level3[:2]):
            self.unit(f"s{u}", "rkg:Department", f"Squad {u}", parent, 4)

        # A CEO succession for the company, a head for every unit.
        ceo1, ceo2 = self.person(), self.person()
        switch = rng.randrange(1500, 3500)
        appoint = self.event("ceo-appointed", "rkg:Appointment", "a new chief executive officer is appointed", switch)
        self.t(appoint, PERSON, ceo2)
        self.t(appoint, EVENT_ROLE, _u("rkg:ceo"))
        self.t(appoint, AFFECTED, self.iri)
        self.t(appoint, REPLACED, ceo1)
        if rng.random() < 0.5:
            self.t(appoint, PREVIOUS, self.other_company())
        self.heads = {self.iri: [_term(ceo1, None, switch, inv=appoint), _term(ceo2, switch, None, gen=appoint)]}
        for unit in list(self.units):
            self.heads[unit] = [_term(self.person(), self.units[unit]["placements"][0]["begin"], None)]

        # Personnel events on some units: a departure and an appointment, or a rotation.
        unit_list = list(self.units)
        for unit in rng.sample(unit_list, k=min(len(unit_list), 6)):
            old = self.heads[unit][-1]
            day = self.day_after(old["begin"] if old["begin"] is not None else 1500, span=600)
            leave = self.event(f"{self.key_of(unit)}-head-leaves", "rkg:Departure", f"the head of {self.key_of(unit)} leaves", day)
            self.t(leave, PERSON, old["person"])
            self.t(leave, EVENT_ROLE, _u("rkg:head"))
            self.t(leave, AFFECTED, unit)
            if rng.random() < 0.6:
                self.t(leave, DESTINATION, self.other_company())
            newcomer = self.person()
            hire = self.event(f"{self.key_of(unit)}-head-appointed", "rkg:Appointment", f"a new head of {self.key_of(unit)}", day)
            self.t(hire, PERSON, newcomer)
            self.t(hire, EVENT_ROLE, _u("rkg:head"))
            self.t(hire, AFFECTED, unit)
            self.t(hire, REPLACED, old["person"])
            if rng.random() < 0.3:
                self.t(hire, PREVIOUS, self.other_company())
            old.update(end=day, inv=leave)
            self.heads[unit].append(_term(newcomer, day, None, gen=hire))
        same_depth: dict[int, list[str]] = {}
        for unit in unit_list:
            same_depth.setdefault(self.units[unit]["depth"], []).append(unit)
        for depth in (2, 3):
            candidates = [u for u in same_depth.get(depth, []) if len(self.heads[u]) == 1]
            if len(candidates) < 2:
                continue
            a, b = rng.sample(candidates, 2)
            mover, leaver = self.heads[a][-1], self.heads[b][-1]
            day = self.day_after(_latest(mover["begin"], leaver["begin"], 1800), span=500)
            rotation = self.event(f"{self.key_of(a)}-to-{self.key_of(b)}-rotation", "rkg:Rotation",
                                  f"the head of {self.key_of(a)} moves to head {self.key_of(b)}", day, status="rkg:announced")
            self.t(rotation, PERSON, mover["person"])
            self.t(rotation, EVENT_ROLE, _u("rkg:head"))
            self.t(rotation, PREVIOUS, a)
            self.t(rotation, DESTINATION, b)
            self.t(rotation, AFFECTED, b)
            self.t(rotation, REPLACED, leaver["person"])
            leave = self.event(f"{self.key_of(b)}-head-departs", "rkg:Departure", f"the head of {self.key_of(b)} leaves", day)
            self.t(leave, PERSON, leaver["person"])
            self.t(leave, AFFECTED, b)
            successor = self.person()
            hire = self.event(f"{self.key_of(a)}-head-appointed", "rkg:Appointment", f"a new head of {self.key_of(a)}", day)
            self.t(hire, PERSON, successor)
            self.t(hire, EVENT_ROLE, _u("rkg:head"))
            self.t(hire, AFFECTED, a)
            mover_person = mover["person"]
            mover.update(end=day, inv=rotation)
            leaver.update(end=day, inv=leave)
            self.heads[a].append(_term(successor, day, None, gen=hire))
            self.heads[b].append(_term(mover_person, day, None, gen=rotation))

        # Structural events.
        self.structural(groups, level2, rng)

        # Role memberships, written once every term is known.
        for org, terms in self.heads.items():
            role = _u("rkg:ceo") if org == self.iri else _u("rkg:head")
            for term in terms:
                note = None
                if term["end"] is not None and rng.random() < 0.5:
                    note = "The role is taken to end with the event that ends it; no source states the end."
                self.membership(term["person"], org, role, term["begin"], term["end"],
                                generated_by=term["gen"], invalidated_by=term["inv"], end_note=note)
        # Vice presidents and researchers: roles many hold at once.
        for _ in range(rng.randrange(2, 5)):
            self.membership(self.person(), self.iri, _u("rkg:vicePresident"), rng.randrange(0, 3000), None)
        # Only units that exist throughout (no creating or ending event) hold open-ended research roles.
        lasting = [u for u, info in self.units.items()
                   if all(p["begin"] is None and p["end"] is None for p in info["placements"])]
        labs = [u for u in lasting if self.units[u]["class"] in ("rkg:Lab", "rkg:ResearchInstitute")] or [self.iri]
        for _ in range(rng.randrange(2, 6)):
            lab = rng.choice(labs)
            begin = rng.randrange(0, 3000)
            end = self.day_after(begin) if rng.random() < 0.3 else None
            self.membership(self.person(), lab, _u("rkg:researchScientist"), begin, end)

        self.flush_placements()
        self.reporting_lines(groups)
        self.activities(rng)

    def structural(self, groups: list[str], level2: list[str], rng: random.Random) -> None:
        leaves = [u for u in level2 if not self.units[u]["children"]]
        rng.shuffle(leaves)

        def settled() -> list[str]:
            # Leaves whose head never changed: a merger, dissolution or upgrade ends the
            # unit's head term, which must not come before a later change of head.
            return [u for u in leaves if len(self.heads[u]) == 1]

        def take_settled() -> str:
            unit = settled()[-1]
            leaves.remove(unit)
            return unit

        # Establishment of a new unit under a group.
        day = rng.randrange(2500, 4000)
        group = rng.choice(groups)
        event = self.event("new-lab-established", "rkg:Establishment", "a new AI lab is set up", day, status="rkg:announced")
        new = self.unit("new-lab", "rkg:Lab", "AI Frontier Lab", group, 2, begin=day, generated_by=event)
        self.t(event, RESULTING, new)
        self.heads[new] = [_term(self.person(), day, None, gen=event)]
        self.t(event, PERSON, self.heads[new][0]["person"])
        # Transfer of a leaf to another group.
        if len(leaves) >= 1 and len(groups) >= 2:
            unit = leaves.pop()
            old = self.units[unit]["placements"][0]["parent"]
            target = rng.choice([g for g in groups if g != old])
            day = self.day_after(max(self.units[unit]["placements"][0]["begin"] or 0, 2000), span=800)
            event = self.event(f"{self.key_of(unit)}-transferred", "rkg:Transfer", f"{self.key_of(unit)} moves to {self.key_of(target)}", day)
            self.t(event, TRANSFERRED, unit)
            self.t(event, ORIGINAL, old)
            self.t(event, RESULTING, target)
            self.end_placement(unit, day, event)
            self.place(unit, target, day, None, generated_by=event)
        # Merger of two leaves into a new unit.
        if len(settled()) >= 2:
            a, b = take_settled(), take_settled()
            parent = self.units[a]["placements"][0]["parent"]
            day = self.day_after(max(self.units[u]["placements"][0]["begin"] or 0 for u in (a, b)) + 2000, span=600)
            event = self.event("merger", "rkg:Merger", f"{self.key_of(a)} and {self.key_of(b)} are merged", day)
            merged = self.unit("merged", "rkg:BusinessUnit", "Merged Business Unit", parent, 2, begin=day, generated_by=event)
            self.t(event, ORIGINAL, a)
            self.t(event, ORIGINAL, b)
            self.t(event, RESULTING, merged)
            for unit in (a, b):
                self.end_placement(unit, day, event)
                self.end_heads(unit, day, event)
            self.heads[merged] = [_term(self.person(), day, None, gen=event)]
        # Split of a leaf into two new units; the original continues.
        if leaves:
            unit = leaves.pop()
            parent = self.units[unit]["placements"][0]["parent"]
            day = self.day_after(2600, span=900)
            event = self.event(f"{self.key_of(unit)}-split", "rkg:Split", f"{self.key_of(unit)} is split", day)
            self.t(event, ORIGINAL, unit)
            for k in range(2):
                part = self.unit(f"split{k}", "rkg:Department", f"Spin-off Team {k}", parent, 2, begin=day, generated_by=event)
                self.t(event, RESULTING, part)
                self.heads[part] = [_term(self.person(), day, None, gen=event)]
        # Dissolution of a leaf; its staff go to a sibling.
        if settled():
            unit = take_settled()
            day = self.day_after(max(self.units[unit]["placements"][0]["begin"] or 0, 3000), span=400)
            event = self.event(f"{self.key_of(unit)}-dissolved", "rkg:Dissolution", f"{self.key_of(unit)} is dissolved", day)
            self.t(event, ORIGINAL, unit)
            if leaves:
                self.t(event, RESULTING, leaves[-1])
            self.end_placement(unit, day, event)
            self.end_heads(unit, day, event)
        # Upgrade of a leaf into a new business group.
        if settled():
            unit = take_settled()
            day = self.day_after(max(self.units[unit]["placements"][0]["begin"] or 0, 3200), span=400)
            event = self.event(f"{self.key_of(unit)}-upgraded", "rkg:Upgrade", f"{self.key_of(unit)} becomes a business group", day)
            upgraded = self.unit("upgraded", "rkg:BusinessGroup", "Upgraded Business Group", self.iri, 1, begin=day, generated_by=event)
            self.t(event, ORIGINAL, unit)
            self.t(event, RESULTING, upgraded)
            self.end_placement(unit, day, event)
            self.end_heads(unit, day, event)
            self.heads[upgraded] = [_term(self.person(), day, None, gen=event)]
            groups.append(upgraded)
        # A reorganization to a new organizational model.
        old_model, new_model = (_id("model", f"{self.key}-model-{k}") for k in range(2))
        for k, model in enumerate((old_model, new_model)):
            self.t(model, A, _u("rkg:OrganizationalModel"))
            self.t(model, LABEL, _lit(f"{self.name} organizational model {k + 1}"))
            self.t(model, COMPANY, self.iri)
            self.cite(model)
        day = rng.randrange(1000, 4000)
        event = self.event("reorganization", "rkg:Reorganization", "the company moves to a new organizational model", day)
        self.t(event, _u("rkg:adoptedModel"), new_model)
        self.t(event, _u("rkg:abandonedModel"), old_model)
        self.t(event, AFFECTED, self.iri)

    def end_heads(self, unit: str, day: int, event: str) -> None:
        terms = self.heads.get(unit, [])
        if terms and terms[-1]["end"] is None and (terms[-1]["begin"] is None or terms[-1]["begin"] < day):
            terms[-1].update(end=day, inv=event)

    def flush_placements(self) -> None:
        """Write the ends of closed placements (their intervals were written open)."""
        for info in self.units.values():
            for placement in info["placements"]:
                if placement["end"] is not None:
                    s = placement["iri"]
                    interval = s[:-1] + "-interval>"
                    instant = s[:-1] + "-end>"
                    self.t(interval, END, instant)
                    self.instant(instant, placement["end"])
                    self.t(s, INVALIDATED, placement["invalidated"])

    def reporting_lines(self, groups: list[str]) -> None:
        """A line from each unit head to the head of the unit's parent, for each period all three hold."""
        lines = 0
        for unit, info in self.units.items():
            for placement in info["placements"]:
                for head in self.heads.get(unit, []):
                    for boss in self.heads.get(placement["parent"], []):
                        begin = _latest(placement["begin"], head["begin"], boss["begin"])
                        end = _earliest(placement["end"], head["end"], boss["end"])
                        if begin is not None and end is not None and begin >= end:
                            continue
                        lines += 1
                        self.line(head["person"], boss["person"], begin, end, f"l{lines}")
        # Business groups as units report to the chief executive.
        for group in groups[:2]:
            placement = self.units[group]["placements"][0]
            for boss in self.heads[self.iri]:
                begin, end = _latest(placement["begin"], boss["begin"]), _earliest(placement["end"], boss["end"])
                if begin is not None and end is not None and begin >= end:
                    continue
                lines += 1
                self.line(group, boss["person"], begin, end, f"l{lines}")

    def line(self, subordinate: str, superior: str, begin: Optional[int], end: Optional[int], key: str) -> None:
        s = _id("reporting", f"{self.key}-{key}")
        self.t(s, A, _u("rkg:ReportingLine"))
        self.t(s, LABEL, _lit(f"reporting line {key} of {self.name}"))
        self.t(s, SUBORDINATE, subordinate)
        self.t(s, SUPERIOR, superior)
        self.t(s, REPORTING_DURING, self.interval(s, begin, end))
        self.cite(s)

    def activities(self, rng: random.Random) -> None:
        ceo = self.heads[self.iri][-1]["person"]
        units = list(self.units)
        # Products and their launches.
        for k in range(rng.randrange(2, 4)):
            product = _id("product", f"{self.key}-product-{k}")
            self.t(product, A, _u("rkg:Product"))
            self.t(product, LABEL, _lit(f"{self.name} {rng.choice(_TOPICS)} Assistant {k}"))
            self.t(product, _u("rkg:developedBy"), rng.choice(units))
            self.cite(product)
            event = self.event(f"product-{k}-launched", "rkg:ProductLaunch", f"product {k} is launched", rng.randrange(1000, _DAYS))
            self.t(event, _u("rkg:product"), product)
        # A layoff (sometimes only a reported plan) with its figures.
        day = rng.randrange(2500, _DAYS)
        plan = rng.random() < 0.4
        layoff = self.event("layoff", "rkg:Layoff", "staff are laid off", day, status="rkg:reportedPlan" if plan else "rkg:completed")
        self.t(layoff, AFFECTED, self.iri)
        for key, measure, value, unit in (("affected", "rkg:affectedEmployees", str(rng.randrange(100, 20000)), "employees"),
                                          ("share", "rkg:shareOfStaff", str(rng.randrange(1, 25)), "percent")):
            figure = _id("figure", f"{self.key}-layoff-{key}")
            self.t(layoff, FIGURE, figure)
            self.figure(figure, f"{key} of {self.name}'s layoff", measure, value, unit=unit)
        # Money committed, with the exchange rate it implies.
        day = rng.randrange(2000, _DAYS)
        invest = self.event("investment", "rkg:InvestmentCommitment", "money is committed to AI infrastructure", day, status="rkg:announced")
        self.t(invest, AFFECTED, self.iri)
        amount = _id("figure", f"{self.key}-investment")
        self.t(invest, FIGURE, amount)
        currency = rng.choice(("USD", "CNY"))
        self.figure(amount, f"{self.name}'s AI investment", "rkg:investmentAmount", str(rng.randrange(1, 500) * 10 ** 9),
                    currency=currency, period=self.day_after(day, span=1000))
        if currency == "CNY":
            rate = _id("figure", f"{self.key}-cny-usd")
            self.t(invest, FIGURE, rate)
            self.t(rate, A, _u("rkg:ExchangeRate"))
            self.t(rate, LABEL, _lit(f"renminbi to dollars, as {self.name}'s figures imply"))
            self.t(rate, CURRENCY, _lit("CNY", None))
            self.t(rate, _u("rkg:targetCurrency"), _lit("USD", None))
            self.t(rate, _u("rkg:rate"), _typed(f"0.{rng.randrange(131, 150)}".rstrip("0"), "xsd:decimal"))
            self.t(rate, INFERRED, TRUE)
            self.t(rate, NOTE, _lit("Computed from the two amounts the source states."))
            self.cite(rate)
        # A strategic target, a financial disclosure with a range, a meeting.
        target = self.event("target", "rkg:StrategicTarget", "the chief executive sets targets", rng.randrange(2000, _DAYS))
        self.t(target, PERSON, ceo)
        self.t(target, AFFECTED, self.iri)
        disclosure = self.event("results", "rkg:FinancialDisclosure", "quarterly results are reported", rng.randrange(1000, _DAYS))
        growth = _id("figure", f"{self.key}-revenue-growth")
        self.t(disclosure, FIGURE, growth)
        low = rng.randrange(1, 30)
        self.figure(growth, f"{self.name}'s revenue growth", "rkg:revenueGrowth", str(low + rng.randrange(1, 10)), unit="percent", low=str(low))
        revenue = _id("figure", f"{self.key}-revenue")
        self.t(disclosure, FIGURE, revenue)
        self.figure(revenue, f"{self.name}'s quarterly revenue", "rkg:revenue", str(rng.randrange(1, 900) * 10 ** 8), currency="USD")
        meeting = self.event("all-hands", "rkg:Meeting", "an all-hands meeting", rng.randrange(1000, _DAYS))
        self.t(meeting, PERSON, ceo)
        self.t(meeting, AFFECTED, self.iri)
        # A disagreement between two sources about a unit.
        subject = rng.choice(units)
        disagreement = _id("disagreement", f"{self.key}-kind")
        self.t(disagreement, A, _u("rkg:Disagreement"))
        self.t(disagreement, LABEL, _lit(f"What kind of unit is {self.key_of(subject)} of {self.name}?"))
        self.t(disagreement, _u("rkg:subject"), subject)
        for k in range(2):
            claim = _id("disagreement", f"{self.key}-kind-{k}")
            self.t(disagreement, _u("rkg:claim"), claim)
            self.t(claim, A, _u("rkg:Claim"))
            self.t(claim, LABEL, _lit(f"claim {k + 1} on {self.key_of(subject)} of {self.name}"))
            self.cite(claim)


def _term(person: str, begin: Optional[int], end: Optional[int], *, gen: Optional[str] = None,
          inv: Optional[str] = None) -> dict:
    """A person's term in a role: who, from and to which day, and the events that start and end it."""
    return {"person": person, "begin": begin, "end": end, "gen": gen, "inv": inv}


def _latest(*days: Optional[int]) -> Optional[int]:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def _earliest(*days: Optional[int]) -> Optional[int]:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _sources(companies: int, emit: Callable[[str, str, str], None]) -> None:
    for number in range(_source_count(companies)):
        s = _source_iri(number)
        emit(s, A, _u("rkg:SourceDocument"))
        emit(s, LABEL, _lit(f"Synthetic article {number:03d}"))
        emit(s, _u("dcterms:identifier"), _lit(_source_file(number), None))
        emit(s, DATE, _typed(_precise(_DAYS - number, "day"), "xsd:date"))
        emit(s, _u("dcterms:language"), _lit("en", None))


def synthesize(*, companies: int, seed: int = 0) -> Iterator[str]:
    """The N-Triples lines (each ending in a newline) of a conforming synthetic graph.

    :param companies: how many companies (about :data:`TRIPLES_PER_COMPANY` triples each).
    :param seed: any integer; the same seed gives the same graph.
    """
    if companies < 1:
        raise ValueError("companies must be at least 1")
    lines: list[str] = []

    def emit(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .\n")

    _sources(companies, emit)
    yield from lines
    for index in range(companies):
        lines.clear()
        _Company(index, seed, companies, emit).build()
        yield from lines


# -- Injected violations --------------------------------------------------------------------


class _Cluster(_Company):
    """A few extra resources in an existing company, built valid and then broken on purpose."""

    def __init__(self, index: int, seed: int, companies: int, key: str):
        self.buffer: list[list[str]] = []
        super().__init__(index, seed, companies, lambda s, p, o: self.buffer.append([s, p, o]), key=key)
        self.name = f"Synthco {index:04d} {key}"

    def drop(self, s: str, p: str) -> None:
        self.buffer[:] = [t for t in self.buffer if not (t[0] == s and t[1] == p)]

    def set(self, s: str, p: str, o: str) -> None:
        self.drop(s, p)
        self.t(s, p, o)

    def objects(self, s: str, p: str) -> list[str]:
        return [t[2] for t in self.buffer if t[0] == s and t[1] == p]

    def unit1(self, key: str = "u") -> str:
        return self.unit(key, "rkg:Department", f"Injected Team {key}", self.iri, 1)

    def event1(self, cls: str = "rkg:Reorganization", key: str = "e") -> str:
        event = self.event(key, cls, "an injected event", 3000)
        self.t(event, AFFECTED, self.iri)
        return event

    def figure1(self, key: str = "f", **options) -> str:
        s = _id("figure", f"{self.key}-{key}")
        options.setdefault("unit", None if options.get("currency") else "employees")
        self.figure(s, f"injected figure {key} of {self.name}", "rkg:headcount", "1000", **options)
        return s

    def membership1(self, **options) -> str:
        return self.membership(self.person(), self.iri, _u("rkg:vicePresident"), 2000, None, **options)


def _sh(name: str) -> str:
    return _NS["rkgsh"] + name


def _bare(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


_Expected = list[tuple[str, str]]


def _label_missing(c: _Cluster) -> _Expected:
    p = c.person()
    c.drop(p, LABEL)
    return [(p, "EnglishLabelProperty")]


def _label_language(c: _Cluster) -> _Expected:
    p = c.person()
    c.set(p, LABEL, _lit("Untagged Name " + c.key, None))
    return [(p, "EnglishLabelProperty")]


def _label_twice(c: _Cluster) -> _Expected:
    p = c.person()
    c.t(p, LABEL, _lit("Second Name " + c.key))
    return [(p, "EnglishLabelProperty")]


def _source_missing(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.drop(m, DERIVED)
    return [(m, "CitedSourceProperty")]


def _derivation_missing(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.drop(m, QUALIFIED)
    return [(m, "CitedLocatorProperty")]


def _source_unregistered(c: _Cluster) -> _Expected:
    m = c.membership1()
    stranger = _id("source", "unregistered-" + c.key)
    derivation = c.objects(m, QUALIFIED)[0]
    c.set(m, DERIVED, stranger)
    c.set(derivation, ENTITY, stranger)
    return [(m, "CitationShape-source"), (m, "CitationShape-entity")]


def _derivation_without_locator(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.drop(c.objects(m, QUALIFIED)[0], LOCATOR)
    return [(m, "CitationShape-derivation")]


def _locator_pattern(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.set(c.objects(m, QUALIFIED)[0], LOCATOR, _lit("line 5", None))
    return [(m, "CitationShape-locator")]


def _sources_differ(c: _Cluster) -> _Expected:
    m = c.membership1()
    derivation = c.objects(m, QUALIFIED)[0]
    cited = c.objects(derivation, ENTITY)[0]
    other = next(_source_iri(n) for n in range(_SOURCES) if _source_iri(n) != cited)
    c.set(derivation, ENTITY, other)
    # One result per source named in only one of the two forms: the cited one and the other.
    return [(m, "CitationShape"), (m, "CitationShape")]


def _blank_node(c: _Cluster) -> _Expected:
    product = f"_:{c.key}product"
    c.t(product, A, _u("rkg:Product"))
    c.t(product, LABEL, _lit(f"Unnamed product of {c.name}"))
    c.cite(product)
    return [(product, "NamedResourceShape")]


def _unit_without_company(c: _Cluster) -> _Expected:
    u = c.unit1()
    c.drop(u, COMPANY)
    return [(u, "OrganizationalUnitShape-company")]


def _unit_unplaced(c: _Cluster) -> _Expected:
    u = c.unit1()
    placement = next(t[0] for t in c.buffer if t[1] == PLACED_UNIT and t[2] == u)
    c.buffer[:] = [t for t in c.buffer if t[0] != placement and not t[0].startswith(placement[:-1] + "-")]
    return [(u, "OrganizationalUnitShape-placement")]


def _company_with_company(c: _Cluster) -> _Expected:
    company = _id("org", f"synthco-{c.key}")
    c.t(company, A, _u("rkg:Company"))
    c.t(company, LABEL, _lit(f"Subsidiary {c.key}"))
    c.t(company, COMPANY, c.iri)
    c.cite(company)
    return [(company, "CompanyShape-company")]


def _hierarchy_cycle(c: _Cluster) -> _Expected:
    a = c.unit1("a")
    b = c.unit("b", "rkg:Department", "Injected Team b", a, 2)
    c.place(a, b, 3000, None)
    return [(a, "HierarchyShape"), (b, "HierarchyShape")]


def _placed_under_itself(c: _Cluster) -> _Expected:
    u = c.unit1()
    placement = c.place(u, u, 3000, None)
    return [(placement, "PlacementShape-notSelf")]


def _membership_without_role(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.drop(m, ROLE)
    return [(m, "MembershipShape-role")]


def _membership_role_not_role(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.set(m, ROLE, _u("rkg:Lab"))
    return [(m, "MembershipShape-role")]


def _membership_member_not_person(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.set(m, MEMBER, c.iri)
    return [(m, "MembershipShape-member")]


def _single_holder_overlap(c: _Cluster) -> _Expected:
    u = c.unit1()
    first = c.membership(c.person(), u, _u("rkg:head"), 2000, 3000)
    second = c.membership(c.person(), u, _u("rkg:head"), 2500, None)
    return [(first, "MembershipShape"), (second, "MembershipShape")]


def _interval_backwards(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), None, None)
    interval = c.objects(m, MEMBER_DURING)[0]
    begin, end = interval[:-len("-interval>")] + "-begin>", interval[:-len("-interval>")] + "-end>"
    c.t(interval, BEGIN, begin)
    c.t(interval, END, end)
    for instant, year in ((begin, "2025"), (end, "2024")):
        c.t(instant, A, _u("time:Instant"))
        c.t(instant, _u("time:inXSDgYear"), _typed(year, "xsd:gYear"))
    return [(interval, "ClosedIntervalShape")]


def _interval_two_ends(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, 2500)
    interval = c.objects(m, MEMBER_DURING)[0]
    extra = interval[:-len("-interval>")] + "-end2>"
    c.t(interval, END, extra)
    c.instant(extra, 2600)
    return [(interval, "IntervalShape-end")]


def _instant_two_positions(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, None)
    begin = c.objects(c.objects(m, MEMBER_DURING)[0], BEGIN)[0]
    c.drop(begin, _u("time:inXSDDate"))
    c.drop(begin, _u("time:inXSDgYearMonth"))
    c.drop(begin, _u("time:inXSDgYear"))
    c.t(begin, _u("time:inXSDDate"), _typed("2019-06-24", "xsd:date"))
    c.t(begin, _u("time:inXSDgYear"), _typed("2019", "xsd:gYear"))
    return [(begin, "InstantShape-position")]


def _instant_datatype(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, None)
    begin = c.objects(c.objects(m, MEMBER_DURING)[0], BEGIN)[0]
    for position in _POSITION.values():
        c.drop(begin, _u(position))
    c.t(begin, _u("time:inXSDDate"), _lit("2019-06-24", None))
    return [(begin, "InstantShape-date")]


def _inferred_without_note(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, 2400, end_note="set aside")
    end = c.objects(c.objects(m, MEMBER_DURING)[0], END)[0]
    c.drop(end, NOTE)
    return [(end, "InferenceShape")]


def _reporting_cycle(c: _Cluster) -> _Expected:
    p, q = c.person(), c.person()
    c.line(p, q, 2000, None, "x1")
    c.line(q, p, 2000, None, "x2")
    return [(_id("reporting", f"{c.key}-x1"), "ReportingLineShape"), (_id("reporting", f"{c.key}-x2"), "ReportingLineShape")]


def _reporting_self(c: _Cluster) -> _Expected:
    p = c.person()
    c.line(p, p, 2000, None, "x1")
    return [(_id("reporting", f"{c.key}-x1"), "ReportingLineShape-notSelf")]


def _reports_to_cycle(c: _Cluster) -> _Expected:
    p, q = c.person(), c.person()
    c.t(p, _u("org:reportsTo"), q)
    c.t(q, _u("org:reportsTo"), p)
    return [(p, "ReportsToShape"), (q, "ReportsToShape")]


def _placement_without_interval(c: _Cluster) -> _Expected:
    u = c.unit1()
    placement = next(t[0] for t in c.buffer if t[1] == PLACED_UNIT and t[2] == u)
    c.drop(placement, PLACED_DURING)
    return [(placement, "PlacementShape-interval")]


def _lifecycle_not_activity(c: _Cluster) -> _Expected:
    m = c.membership1(generated_by=c.iri)
    return [(m, "LifecycleEventProperty")]


def _fact_from_plan(c: _Cluster) -> _Expected:
    plan = c.event("plan", "rkg:Appointment", "a reported appointment", 3000, status="rkg:reportedPlan")
    p = c.person()
    c.t(plan, PERSON, p)
    c.t(plan, AFFECTED, c.iri)
    m = c.membership(p, c.iri, _u("rkg:vicePresident"), 3000, None, generated_by=plan)
    return [(m, "NotFromPlanProperty")]


def _event_undated(c: _Cluster) -> _Expected:
    e = c.event1()
    c.drop(e, DATE)
    return [(e, "ActivityDatedProperty")]


def _event_two_dates(c: _Cluster) -> _Expected:
    e = c.event1()
    c.t(e, DATE, _typed("2001", "xsd:gYear"))
    return [(e, "ActivityDateProperty")]


def _event_date_datatype(c: _Cluster) -> _Expected:
    e = c.event1()
    c.set(e, DATE, _lit("2021-05-04", None))
    return [(e, "ActivityDateProperty")]


def _event_not_after_without_note(c: _Cluster) -> _Expected:
    e = c.event1()
    c.drop(e, DATE)
    c.t(e, NOT_AFTER, _typed("2026-03-23", "xsd:date"))
    return [(e, "NotAfterShape-note"), (e, "ActivityNotAfterFallbackProperty")]


def _event_not_after(c: _Cluster) -> _Expected:
    e = c.event1()
    c.drop(e, DATE)
    c.t(e, NOT_AFTER, _typed("2026-03", "xsd:gYearMonth"))
    c.t(e, NOTE, _lit("The article that reports it is from March 2026."))
    return [(e, "ActivityNotAfterFallbackProperty")]


def _event_without_status(c: _Cluster) -> _Expected:
    e = c.event1()
    c.drop(e, STATUS)
    return [(e, "ActivityStatusProperty")]


def _event_status_not_status(c: _Cluster) -> _Expected:
    e = c.event1()
    c.set(e, STATUS, _u("rkg:head"))
    return [(e, "ActivityStatusProperty")]


def _event_without_company(c: _Cluster) -> _Expected:
    e = c.event1()
    c.drop(e, COMPANY)
    return [(e, "ActivityCompanyProperty")]


def _event_without_organization(c: _Cluster) -> _Expected:
    e = c.event1()
    c.drop(e, AFFECTED)
    return [(e, "RestructuringEventShape-organization")]


def _event_unknown_organization(c: _Cluster) -> _Expected:
    e = c.event1()
    c.t(e, AFFECTED, _id("org", "undefined-" + c.key))
    return [(e, "ActivityOrganizationsProperty")]


def _event_person_not_person(c: _Cluster) -> _Expected:
    e = c.event1()
    c.t(e, PERSON, c.iri)
    return [(e, "ActivityPeopleProperty")]


def _event_role_not_role(c: _Cluster) -> _Expected:
    e = c.event1("rkg:Layoff")
    c.t(e, EVENT_ROLE, _u("rkg:Lab"))
    return [(e, "ActivityRoleProperty")]


def _event_product_not_product(c: _Cluster) -> _Expected:
    e = c.event1()
    c.t(e, _u("rkg:product"), c.iri)
    return [(e, "ActivityProductProperty")]


def _event_model_not_model(c: _Cluster) -> _Expected:
    e = c.event1()
    c.t(e, _u("rkg:adoptedModel"), c.iri)
    return [(e, "ActivityModelProperty")]


def _event_figure_not_figure(c: _Cluster) -> _Expected:
    e = c.event1()
    c.t(e, FIGURE, c.iri)
    return [(e, "FigureLinkProperty")]


def _merger_without_original(c: _Cluster) -> _Expected:
    e = c.event1("rkg:Merger")
    c.t(e, RESULTING, c.iri)
    return [(e, "OriginalOrganizationProperty")]


def _establishment_without_result(c: _Cluster) -> _Expected:
    e = c.event1("rkg:Establishment")
    return [(e, "ResultingOrganizationProperty")]


def _transfer_without_unit(c: _Cluster) -> _Expected:
    e = c.event1("rkg:Transfer")
    c.t(e, RESULTING, c.iri)
    return [(e, "TransferShape-unit")]


def _appointment_without_person(c: _Cluster) -> _Expected:
    e = c.event1("rkg:Appointment")
    return [(e, "PersonnelChangeShape-person")]


def _figure_without_measure(c: _Cluster) -> _Expected:
    f = c.figure1()
    c.drop(f, MEASURE)
    return [(f, "FigureShape-measure")]


def _figure_value_text(c: _Cluster) -> _Expected:
    f = c.figure1()
    c.set(f, VALUE, _lit("1000", None))
    return [(f, "FigureShape-number")]


def _figure_two_values(c: _Cluster) -> _Expected:
    f = c.figure1()
    c.t(f, VALUE, _typed("2000", "xsd:decimal"))
    return [(f, "FigureShape-value")]


def _figure_range_reversed(c: _Cluster) -> _Expected:
    f = c.figure1(low="5000")
    return [(f, "FigureShape-range")]


def _figure_flag_text(c: _Cluster) -> _Expected:
    f = c.figure1()
    c.set(f, APPROXIMATE, _lit("yes", None))
    return [(f, "FigureShape-flags")]


def _figure_reference_period(c: _Cluster) -> _Expected:
    f = c.figure1()
    c.set(f, PERIOD, _typed("2026", "xsd:integer"))
    return [(f, "FigureShape-referencePeriod")]


def _money_without_currency(c: _Cluster) -> _Expected:
    f = c.figure1(currency="USD")
    c.drop(f, CURRENCY)
    return [(f, "MonetaryAmountShape-currency")]


def _money_bad_currency(c: _Cluster) -> _Expected:
    f = c.figure1(currency="usd")
    return [(f, "MonetaryAmountShape-currency")]


def _quantity_without_unit(c: _Cluster) -> _Expected:
    f = c.figure1()
    c.drop(f, UNIT_TEXT)
    return [(f, "QuantitativeValueShape-unitText")]


def _exchange_rate(c: _Cluster, rate: str, target: str) -> str:
    s = _id("figure", f"{c.key}-rate")
    c.t(s, A, _u("rkg:ExchangeRate"))
    c.t(s, LABEL, _lit(f"an injected exchange rate of {c.name}"))
    c.t(s, CURRENCY, _lit("CNY", None))
    c.t(s, _u("rkg:targetCurrency"), _lit(target, None))
    c.t(s, _u("rkg:rate"), _typed(rate, "xsd:decimal"))
    c.cite(s)
    return s


def _rate_same_currency(c: _Cluster) -> _Expected:
    return [(_exchange_rate(c, "1", "CNY"), "ExchangeRateShape-distinct")]


def _rate_not_positive(c: _Cluster) -> _Expected:
    return [(_exchange_rate(c, "0", "USD"), "ExchangeRateShape-rate")]


def _product(c: _Cluster) -> str:
    s = _id("product", f"{c.key}-product")
    c.t(s, A, _u("rkg:Product"))
    c.t(s, LABEL, _lit(f"Injected product of {c.name}"))
    c.cite(s)
    return s


def _product_bad_developer(c: _Cluster) -> _Expected:
    s = _product(c)
    c.t(s, _u("rkg:developedBy"), c.person())
    return [(s, "ProductShape-developer")]


def _product_uncited(c: _Cluster) -> _Expected:
    s = _product(c)
    c.drop(s, DERIVED)
    c.drop(s, QUALIFIED)
    return [(s, "CitedSourceWarningProperty"), (s, "CitedLocatorWarningProperty")]


def _disagreement(c: _Cluster, claims: int) -> tuple[str, list[str]]:
    s = _id("disagreement", c.key)
    c.t(s, A, _u("rkg:Disagreement"))
    c.t(s, LABEL, _lit(f"an injected disagreement of {c.name}"))
    c.t(s, _u("rkg:subject"), c.iri)
    made = []
    for k in range(claims):
        claim = _id("disagreement", f"{c.key}-{k}")
        c.t(s, _u("rkg:claim"), claim)
        c.t(claim, A, _u("rkg:Claim"))
        c.t(claim, LABEL, _lit(f"claim {k} of {c.name}"))
        c.cite(claim)
        made.append(claim)
    return s, made


def _disagreement_one_claim(c: _Cluster) -> _Expected:
    s, _ = _disagreement(c, 1)
    return [(s, "DisagreementShape-claims")]


def _disagreement_without_subject(c: _Cluster) -> _Expected:
    s, _ = _disagreement(c, 2)
    c.drop(s, _u("rkg:subject"))
    return [(s, "DisagreementShape-subject")]


def _claim_uncited(c: _Cluster) -> _Expected:
    _, claims = _disagreement(c, 2)
    c.drop(claims[0], DERIVED)
    return [(claims[0], "CitedSourceProperty")]


def _duplicate_name(c: _Cluster) -> _Expected:
    p, q = c.person(), c.person()
    c.set(q, LABEL, c.objects(p, LABEL)[0])
    c.drop(q, ALT)
    return [(p, "DuplicateNameShape"), (q, "DuplicateNameShape")]


def _token_function(c: _Cluster) -> _Expected:
    u = c.unit1()
    c.set(u, _u("rkg:tokenFunction"), _u("rkg:head"))
    return [(u, "OrganizationShape-tokenFunction")]


def _source_identifier(c: _Cluster) -> _Expected:
    s = _id("source", "synth-" + c.key)
    c.t(s, A, _u("rkg:SourceDocument"))
    c.t(s, LABEL, _lit(f"Injected article {c.key}"))
    c.t(s, _u("dcterms:identifier"), _lit("notes/article.txt", None))
    return [(s, "SourceDocumentShape-identifier")]


def _source_date(c: _Cluster) -> _Expected:
    s = _id("source", "synth-" + c.key)
    c.t(s, A, _u("rkg:SourceDocument"))
    c.t(s, LABEL, _lit(f"Injected article {c.key}"))
    c.t(s, _u("dcterms:identifier"), _lit(f"{c.key}.txt", None))
    c.t(s, DATE, _lit("2026-03-01", None))
    return [(s, "SourceDocumentShape-date")]


def _rate_without_currency(c: _Cluster) -> _Expected:
    s = _exchange_rate(c, "0.14", "USD")
    c.drop(s, CURRENCY)
    return [(s, "ExchangeRateShape-currency")]


def _rate_without_target(c: _Cluster) -> _Expected:
    s = _exchange_rate(c, "0.14", "USD")
    c.drop(s, _u("rkg:targetCurrency"))
    return [(s, "ExchangeRateShape-targetCurrency")]


def _figure_two_minimums(c: _Cluster) -> _Expected:
    f = c.figure1(low="500")
    c.t(f, MIN, _typed("600", "xsd:decimal"))
    return [(f, "FigureShape-minValue")]


def _figure_two_maximums(c: _Cluster) -> _Expected:
    f = c.figure1(low="500")
    c.t(f, MAX, _typed("2000", "xsd:decimal"))
    return [(f, "FigureShape-maxValue")]


def _inferred_flag_text(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, 2400, end_note="set aside")
    end = c.objects(c.objects(m, MEMBER_DURING)[0], END)[0]
    c.set(end, INFERRED, _lit("true", None))
    return [(end, "InferenceShape-flag")]


def _instant_year_datatype(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, None)
    begin = c.objects(c.objects(m, MEMBER_DURING)[0], BEGIN)[0]
    for position in _POSITION.values():
        c.drop(begin, _u(position))
    c.t(begin, _u("time:inXSDgYear"), _lit("2019", None))
    return [(begin, "InstantShape-year")]


def _instant_month_datatype(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, None)
    begin = c.objects(c.objects(m, MEMBER_DURING)[0], BEGIN)[0]
    for position in _POSITION.values():
        c.drop(begin, _u(position))
    c.t(begin, _u("time:inXSDgYearMonth"), _lit("2019-06", None))
    return [(begin, "InstantShape-yearMonth")]


def _interval_two_beginnings(c: _Cluster) -> _Expected:
    m = c.membership(c.person(), c.iri, _u("rkg:vicePresident"), 2000, 2500)
    interval = c.objects(m, MEMBER_DURING)[0]
    extra = interval[:-len("-interval>")] + "-begin2>"
    c.t(interval, BEGIN, extra)
    c.instant(extra, 1900)
    return [(interval, "IntervalShape-beginning")]


def _membership_without_interval(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.drop(m, MEMBER_DURING)
    return [(m, "MembershipShape-interval")]


def _membership_without_organization(c: _Cluster) -> _Expected:
    m = c.membership1()
    c.drop(m, ORGANIZATION)
    return [(m, "MembershipShape-organization")]


def _not_after_twice(c: _Cluster) -> _Expected:
    e = c.event1()
    c.drop(e, DATE)
    c.t(e, NOT_AFTER, _typed("2026-03", "xsd:gYearMonth"))
    c.t(e, NOT_AFTER, _typed("2026-04", "xsd:gYearMonth"))
    c.t(e, NOTE, _lit("The articles that report it are from March and April 2026."))
    return [(e, "NotAfterShape-value"), (e, "ActivityNotAfterFallbackProperty")]


def _placement_without_parent(c: _Cluster) -> _Expected:
    u = c.unit1()
    placement = next(t[0] for t in c.buffer if t[1] == PLACED_UNIT and t[2] == u)
    c.drop(placement, PARENT)
    return [(placement, "PlacementShape-parent")]


def _placement_without_unit(c: _Cluster) -> _Expected:
    u = c.unit1()
    placement = next(t[0] for t in c.buffer if t[1] == PLACED_UNIT and t[2] == u)
    c.drop(placement, PLACED_UNIT)
    return [(placement, "PlacementShape-unit"), (u, "OrganizationalUnitShape-placement")]


def _reporting_line(c: _Cluster) -> str:
    c.line(c.person(), c.person(), 2000, None, "x1")
    return _id("reporting", f"{c.key}-x1")


def _reporting_without_interval(c: _Cluster) -> _Expected:
    s = _reporting_line(c)
    c.drop(s, REPORTING_DURING)
    return [(s, "ReportingLineShape-interval")]


def _reporting_without_subordinate(c: _Cluster) -> _Expected:
    s = _reporting_line(c)
    c.drop(s, SUBORDINATE)
    return [(s, "ReportingLineShape-subordinate")]


def _reporting_without_superior(c: _Cluster) -> _Expected:
    s = _reporting_line(c)
    c.drop(s, SUPERIOR)
    return [(s, "ReportingLineShape-superior")]


def _scheme_member(c: _Cluster, cls: str, shape: str) -> _Expected:
    s = _id("term", f"{c.key}-{cls.split(':')[1].lower()}")
    c.t(s, A, _u(cls))
    c.t(s, LABEL, _lit(f"injected {cls.split(':')[1]} {c.key}"))
    return [(s, shape)]


def _undeclared_term(c: _Cluster) -> _Expected:
    p = c.person()
    c.t(p, f"<{_RKG}synthUndeclared{c.key.replace('x', 'X')}>", c.iri)
    # The typo guard reports the term on the ontology that owns the namespace.
    return [(_RKG.rstrip("#"), "DeclaredTermShape")]


def _status_outside_scheme(c: _Cluster) -> _Expected:
    return _scheme_member(c, "rkg:EventStatus", "EventStatusShape-scheme")


def _measure_outside_scheme(c: _Cluster) -> _Expected:
    return _scheme_member(c, "rkg:Measure", "MeasureShape-scheme")


def _token_function_outside_scheme(c: _Cluster) -> _Expected:
    return _scheme_member(c, "rkg:TokenFunction", "TokenFunctionShape-scheme")


#: Kinds of injected defects: name -> builder. Each breaks one rule of the shapes.
_KINDS: dict[str, Callable[[_Cluster], _Expected]] = {
    "label-missing": _label_missing,
    "label-language": _label_language,
    "label-twice": _label_twice,
    "source-missing": _source_missing,
    "derivation-missing": _derivation_missing,
    "source-unregistered": _source_unregistered,
    "derivation-without-locator": _derivation_without_locator,
    "locator-pattern": _locator_pattern,
    "sources-differ": _sources_differ,
    "blank-node": _blank_node,
    "unit-without-company": _unit_without_company,
    "unit-unplaced": _unit_unplaced,
    "company-with-company": _company_with_company,
    "hierarchy-cycle": _hierarchy_cycle,
    "placed-under-itself": _placed_under_itself,
    "placement-without-interval": _placement_without_interval,
    "membership-without-role": _membership_without_role,
    "membership-role-not-role": _membership_role_not_role,
    "membership-member-not-person": _membership_member_not_person,
    "single-holder-overlap": _single_holder_overlap,
    "interval-backwards": _interval_backwards,
    "interval-two-ends": _interval_two_ends,
    "instant-two-positions": _instant_two_positions,
    "instant-datatype": _instant_datatype,
    "inferred-without-note": _inferred_without_note,
    "reporting-cycle": _reporting_cycle,
    "reporting-self": _reporting_self,
    "reports-to-cycle": _reports_to_cycle,
    "lifecycle-not-activity": _lifecycle_not_activity,
    "fact-from-plan": _fact_from_plan,
    "event-undated": _event_undated,
    "event-two-dates": _event_two_dates,
    "event-date-datatype": _event_date_datatype,
    "event-not-after-without-note": _event_not_after_without_note,
    "event-not-after": _event_not_after,
    "event-without-status": _event_without_status,
    "event-status-not-status": _event_status_not_status,
    "event-without-company": _event_without_company,
    "event-without-organization": _event_without_organization,
    "event-unknown-organization": _event_unknown_organization,
    "event-person-not-person": _event_person_not_person,
    "event-role-not-role": _event_role_not_role,
    "event-product-not-product": _event_product_not_product,
    "event-model-not-model": _event_model_not_model,
    "event-figure-not-figure": _event_figure_not_figure,
    "merger-without-original": _merger_without_original,
    "establishment-without-result": _establishment_without_result,
    "transfer-without-unit": _transfer_without_unit,
    "appointment-without-person": _appointment_without_person,
    "figure-without-measure": _figure_without_measure,
    "figure-value-text": _figure_value_text,
    "figure-two-values": _figure_two_values,
    "figure-range-reversed": _figure_range_reversed,
    "figure-flag-text": _figure_flag_text,
    "figure-reference-period": _figure_reference_period,
    "money-without-currency": _money_without_currency,
    "money-bad-currency": _money_bad_currency,
    "quantity-without-unit": _quantity_without_unit,
    "rate-same-currency": _rate_same_currency,
    "rate-not-positive": _rate_not_positive,
    "product-bad-developer": _product_bad_developer,
    "product-uncited": _product_uncited,
    "disagreement-one-claim": _disagreement_one_claim,
    "disagreement-without-subject": _disagreement_without_subject,
    "claim-uncited": _claim_uncited,
    "duplicate-name": _duplicate_name,
    "token-function": _token_function,
    "source-identifier": _source_identifier,
    "source-date": _source_date,
    "rate-without-currency": _rate_without_currency,
    "rate-without-target": _rate_without_target,
    "figure-two-minimums": _figure_two_minimums,
    "figure-two-maximums": _figure_two_maximums,
    "inferred-flag-text": _inferred_flag_text,
    "instant-year-datatype": _instant_year_datatype,
    "instant-month-datatype": _instant_month_datatype,
    "interval-two-beginnings": _interval_two_beginnings,
    "membership-without-interval": _membership_without_interval,
    "membership-without-organization": _membership_without_organization,
    "not-after-twice": _not_after_twice,
    "placement-without-parent": _placement_without_parent,
    "placement-without-unit": _placement_without_unit,
    "reporting-without-interval": _reporting_without_interval,
    "reporting-without-subordinate": _reporting_without_subordinate,
    "reporting-without-superior": _reporting_without_superior,
    "status-outside-scheme": _status_outside_scheme,
    "measure-outside-scheme": _measure_outside_scheme,
    "token-function-outside-scheme": _token_function_outside_scheme,
    "undeclared-term": _undeclared_term,
}
#: The names of the kinds of defects ``violations=K`` injects, K of each.
VIOLATION_KINDS: tuple[str, ...] = tuple(_KINDS)


def _injections(companies: int, seed: int, per_kind: int, kinds: tuple[str, ...]) -> Iterator[tuple[list[str], Injection]]:
    """For each kind and each of ``per_kind`` copies: the N-Triples lines and what they break."""
    number = 0
    for kind in kinds:
        for _ in range(per_kind):
            index = number % companies
            cluster = _Cluster(index, seed, companies, key=f"c{index:04d}x{number:03d}")
            expected = tuple((_bare(focus), _sh(shape)) for focus, shape in _KINDS[kind](cluster))
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
    unknown = [k for k in kinds if k not in _KINDS]
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
    company = _Company(0, seed, companies, lambda s, p, o: None)
    company.build()
    deepest = max(company.units, key=lambda unit: (company.units[unit]["depth"], unit))
    person = company.heads[deepest][-1]["person"]
    return {"company": company.name, "person": company.names[person], "unit": _bare(deepest),
            "date": "2025-12-31", "from": "2024-01-01", "to": "2025-12-31", "period": "quarter",
            "currency": "USD", "role": "head", "event-type": "Merger", "source": _bare(_source_iri(0))}
