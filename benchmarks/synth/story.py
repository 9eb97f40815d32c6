"""A company's story: its units, who heads them, what happens to them, and the rest of its record.

:func:`write_company` tells it in a fixed order, one function per chapter, each drawing its
random choices from the company's generator; the order is what makes a graph the same
bytes for the same seed.
"""

from __future__ import annotations

from benchmarks.synth.terms import (
    AFFECTED,
    CURRENCY,
    DESTINATION,
    EVENT_ROLE,
    FIGURE,
    INFERENCE_NOTE,
    INFERRED,
    LABEL,
    LAST_DAY,
    ORIGINAL,
    PERSON,
    PREVIOUS,
    REPLACED,
    RESULTING,
    TOPICS,
    TRANSFERRED,
    TRUE,
    UNIT_KINDS,
    A,
    iri,
    literal,
    resource,
    typed,
)
from benchmarks.synth.writer import CompanyWriter, Term, earliest, latest

__all__ = ["write_company"]


def write_company(w: CompanyWriter) -> None:
    """Write the whole of company ``w``: its units, heads, events, roles, reporting lines and activities."""
    w.company()
    topics = w.rng.sample(TOPICS, 8)
    groups, level2 = _units(w, topics)
    _ceo_and_unit_heads(w)
    units = list(w.units)
    _heads_replaced(w, units)
    _heads_rotated(w, units)
    _structural_events(w, groups, level2)
    _role_memberships(w)
    w.write_placement_ends()
    _reporting_lines(w, groups)
    _activities(w)


def _units(w: CompanyWriter, topics: list[str]) -> tuple[list[str], list[str]]:
    """Business groups under the company, units under them, teams and squads below: (groups, level-2 units)."""
    rng = w.rng
    groups = []
    for g in range(rng.randrange(3, 5)):
        begin = None if rng.random() < 0.6 else rng.randrange(0, 1500)
        groups.append(w.unit(f"bg{g}", "rkg:BusinessGroup", f"{topics[g]} Business Group", w.iri, 1, begin=begin))
    level2 = []
    for g, group in enumerate(groups):
        for k in range(rng.randrange(2, 4)):
            cls, word = rng.choice(UNIT_KINDS)
            begin = None if rng.random() < 0.5 else rng.randrange(0, 2000)
            level2.append(w.unit(f"bg{g}u{k}", cls, f"{topics[(g + k + 3) % 8]} {word} {g}.{k}", group, 2, begin=begin))
    level3 = []
    for u, parent in enumerate(rng.sample(level2, k=min(len(level2), 4))):
        for k in range(rng.randrange(1, 3)):
            level3.append(w.unit(f"t{u}x{k}", "rkg:Department", f"Team {u}.{k}", parent, 3))
    for u, parent in enumerate(level3[:2]):
        w.unit(f"s{u}", "rkg:Department", f"Squad {u}", parent, 4)
    return groups, level2


def _ceo_and_unit_heads(w: CompanyWriter) -> None:
    """A CEO succession for the company, a head for every unit."""
    ceo1, ceo2 = w.person(), w.person()
    switch = w.rng.randrange(1500, 3500)
    appoint = w.event("ceo-appointed", "rkg:Appointment", "a new chief executive officer is appointed", switch)
    w.emit(appoint, PERSON, ceo2)
    w.emit(appoint, EVENT_ROLE, iri("rkg:ceo"))
    w.emit(appoint, AFFECTED, w.iri)
    w.emit(appoint, REPLACED, ceo1)
    if w.rng.random() < 0.5:
        w.emit(appoint, PREVIOUS, w.other_company())
    w.heads = {w.iri: [Term(ceo1, None, switch, invalidated_by=appoint), Term(ceo2, switch, None, generated_by=appoint)]}
    for unit in list(w.units):
        w.heads[unit] = [Term(w.person(), w.units[unit].placements[0].begin, None)]


def _heads_replaced(w: CompanyWriter, units: list[str]) -> None:
    """On some units, the head leaves and a newcomer is appointed the same day."""
    rng = w.rng
    for unit in rng.sample(units, k=min(len(units), 6)):
        old = w.heads[unit][-1]
        day = w.day_after(old.begin if old.begin is not None else 1500, span=600)
        key = w.key_of(unit)
        leave = w.event(f"{key}-head-leaves", "rkg:Departure", f"the head of {key} leaves", day)
        w.emit(leave, PERSON, old.person)
        w.emit(leave, EVENT_ROLE, iri("rkg:head"))
        w.emit(leave, AFFECTED, unit)
        if rng.random() < 0.6:
            w.emit(leave, DESTINATION, w.other_company())
        newcomer = w.person()
        hire = w.event(f"{key}-head-appointed", "rkg:Appointment", f"a new head of {key}", day)
        w.emit(hire, PERSON, newcomer)
        w.emit(hire, EVENT_ROLE, iri("rkg:head"))
        w.emit(hire, AFFECTED, unit)
        w.emit(hire, REPLACED, old.person)
        if rng.random() < 0.3:
            w.emit(hire, PREVIOUS, w.other_company())
        old.end, old.invalidated_by = day, leave
        w.heads[unit].append(Term(newcomer, day, None, generated_by=hire))


def _heads_rotated(w: CompanyWriter, units: list[str]) -> None:
    """At depths 2 and 3, the head of one unit moves to head another whose head leaves."""
    rng = w.rng
    same_depth: dict[int, list[str]] = {}
    for unit in units:
        same_depth.setdefault(w.units[unit].depth, []).append(unit)
    for depth in (2, 3):
        candidates = [u for u in same_depth.get(depth, []) if len(w.heads[u]) == 1]
        if len(candidates) < 2:
            continue
        a, b = rng.sample(candidates, 2)
        key_a, key_b = w.key_of(a), w.key_of(b)
        mover, leaver = w.heads[a][-1], w.heads[b][-1]
        day = w.day_after(latest(mover.begin, leaver.begin, 1800), span=500)
        rotation = w.event(f"{key_a}-to-{key_b}-rotation", "rkg:Rotation",
                           f"the head of {key_a} moves to head {key_b}", day, status="rkg:announced")
        w.emit(rotation, PERSON, mover.person)
        w.emit(rotation, EVENT_ROLE, iri("rkg:head"))
        w.emit(rotation, PREVIOUS, a)
        w.emit(rotation, DESTINATION, b)
        w.emit(rotation, AFFECTED, b)
        w.emit(rotation, REPLACED, leaver.person)
        leave = w.event(f"{key_b}-head-departs", "rkg:Departure", f"the head of {key_b} leaves", day)
        w.emit(leave, PERSON, leaver.person)
        w.emit(leave, AFFECTED, b)
        successor = w.person()
        hire = w.event(f"{key_a}-head-appointed", "rkg:Appointment", f"a new head of {key_a}", day)
        w.emit(hire, PERSON, successor)
        w.emit(hire, EVENT_ROLE, iri("rkg:head"))
        w.emit(hire, AFFECTED, a)
        mover.end, mover.invalidated_by = day, rotation
        leaver.end, leaver.invalidated_by = day, leave
        w.heads[a].append(Term(successor, day, None, generated_by=hire))
        w.heads[b].append(Term(mover.person, day, None, generated_by=rotation))


class _Leaves:
    """The level-2 units without children, in a shuffled order: what structural events take.

    A merger, dissolution or upgrade ends the unit's head term, so those take only
    *settled* leaves, whose head never changed (the end must not come before a later
    change of head).
    """

    def __init__(self, w: CompanyWriter, level2: list[str]):
        self.w = w
        self.units = [u for u in level2 if not w.units[u].children]
        w.rng.shuffle(self.units)

    def settled(self) -> list[str]:
        return [u for u in self.units if len(self.w.heads[u]) == 1]

    def take_settled(self) -> str:
        unit = self.settled()[-1]
        self.units.remove(unit)
        return unit


def _structural_events(w: CompanyWriter, groups: list[str], level2: list[str]) -> None:
    """An establishment, a transfer, a merger, a split, a dissolution, an upgrade and a reorganization."""
    leaves = _Leaves(w, level2)
    _establishment(w, groups)
    if len(leaves.units) >= 1 and len(groups) >= 2:
        _transfer(w, leaves.units.pop(), groups)
    if len(leaves.settled()) >= 2:
        _merger(w, leaves.take_settled(), leaves.take_settled())
    if leaves.units:
        _split(w, leaves.units.pop())
    if leaves.settled():
        _dissolution(w, leaves.take_settled(), leaves.units)
    if leaves.settled():
        groups.append(_upgrade(w, leaves.take_settled()))
    _reorganization(w)


def _first_begin(w: CompanyWriter, unit: str) -> int:
    """The first day of the unit's first placement (0: before the sources)."""
    return w.units[unit].placements[0].begin or 0


def _establishment(w: CompanyWriter, groups: list[str]) -> None:
    """A new lab set up under a group, with its head."""
    day = w.rng.randrange(2500, 4000)
    group = w.rng.choice(groups)
    event = w.event("new-lab-established", "rkg:Establishment", "a new AI lab is set up", day, status="rkg:announced")
    new = w.unit("new-lab", "rkg:Lab", "AI Frontier Lab", group, 2, begin=day, generated_by=event)
    w.emit(event, RESULTING, new)
    w.heads[new] = [Term(w.person(), day, None, generated_by=event)]
    w.emit(event, PERSON, w.heads[new][0].person)


def _transfer(w: CompanyWriter, unit: str, groups: list[str]) -> None:
    """``unit`` moves to another group."""
    old = w.units[unit].placements[0].parent
    target = w.rng.choice([g for g in groups if g != old])
    day = w.day_after(max(_first_begin(w, unit), 2000), span=800)
    event = w.event(f"{w.key_of(unit)}-transferred", "rkg:Transfer", f"{w.key_of(unit)} moves to {w.key_of(target)}", day)
    w.emit(event, TRANSFERRED, unit)
    w.emit(event, ORIGINAL, old)
    w.emit(event, RESULTING, target)
    w.end_placement(unit, day, event)
    w.place(unit, target, day, None, generated_by=event)


def _merger(w: CompanyWriter, a: str, b: str) -> None:
    """``a`` and ``b`` merged into a new unit; their placements and heads' terms end."""
    parent = w.units[a].placements[0].parent
    day = w.day_after(max(_first_begin(w, u) for u in (a, b)) + 2000, span=600)
    event = w.event("merger", "rkg:Merger", f"{w.key_of(a)} and {w.key_of(b)} are merged", day)
    merged = w.unit("merged", "rkg:BusinessUnit", "Merged Business Unit", parent, 2, begin=day, generated_by=event)
    w.emit(event, ORIGINAL, a)
    w.emit(event, ORIGINAL, b)
    w.emit(event, RESULTING, merged)
    for unit in (a, b):
        w.end_placement(unit, day, event)
        w.end_heads(unit, day, event)
    w.heads[merged] = [Term(w.person(), day, None, generated_by=event)]


def _split(w: CompanyWriter, unit: str) -> None:
    """Two new units split from ``unit``, which continues."""
    parent = w.units[unit].placements[0].parent
    day = w.day_after(2600, span=900)
    event = w.event(f"{w.key_of(unit)}-split", "rkg:Split", f"{w.key_of(unit)} is split", day)
    w.emit(event, ORIGINAL, unit)
    for k in range(2):
        part = w.unit(f"split{k}", "rkg:Department", f"Spin-off Team {k}", parent, 2, begin=day, generated_by=event)
        w.emit(event, RESULTING, part)
        w.heads[part] = [Term(w.person(), day, None, generated_by=event)]


def _dissolution(w: CompanyWriter, unit: str, remaining: list[str]) -> None:
    """``unit`` dissolved; its staff go to the last of the ``remaining`` leaves, if any."""
    day = w.day_after(max(_first_begin(w, unit), 3000), span=400)
    event = w.event(f"{w.key_of(unit)}-dissolved", "rkg:Dissolution", f"{w.key_of(unit)} is dissolved", day)
    w.emit(event, ORIGINAL, unit)
    if remaining:
        w.emit(event, RESULTING, remaining[-1])
    w.end_placement(unit, day, event)
    w.end_heads(unit, day, event)


def _upgrade(w: CompanyWriter, unit: str) -> str:
    """``unit`` becomes a new business group (returned)."""
    day = w.day_after(max(_first_begin(w, unit), 3200), span=400)
    event = w.event(f"{w.key_of(unit)}-upgraded", "rkg:Upgrade", f"{w.key_of(unit)} becomes a business group", day)
    upgraded = w.unit("upgraded", "rkg:BusinessGroup", "Upgraded Business Group", w.iri, 1, begin=day, generated_by=event)
    w.emit(event, ORIGINAL, unit)
    w.emit(event, RESULTING, upgraded)
    w.end_placement(unit, day, event)
    w.end_heads(unit, day, event)
    w.heads[upgraded] = [Term(w.person(), day, None, generated_by=event)]
    return upgraded


def _reorganization(w: CompanyWriter) -> None:
    """The company moves from one organizational model to another."""
    old_model, new_model = (resource("model", f"{w.key}-model-{k}") for k in range(2))
    for k, model in enumerate((old_model, new_model)):
        w.emit(model, A, iri("rkg:OrganizationalModel"))
        w.emit(model, LABEL, literal(f"{w.name} organizational model {k + 1}"))
        w.emit(model, iri("rkg:company"), w.iri)
        w.cite(model)
    day = w.rng.randrange(1000, 4000)
    event = w.event("reorganization", "rkg:Reorganization", "the company moves to a new organizational model", day)
    w.emit(event, iri("rkg:adoptedModel"), new_model)
    w.emit(event, iri("rkg:abandonedModel"), old_model)
    w.emit(event, AFFECTED, w.iri)


def _role_memberships(w: CompanyWriter) -> None:
    """The heads' terms as role memberships (written once every term is known), then roles many hold at once."""
    rng = w.rng
    for org, terms in w.heads.items():
        role = iri("rkg:ceo") if org == w.iri else iri("rkg:head")
        for term in terms:
            note = None
            if term.end is not None and rng.random() < 0.5:
                note = "The role is taken to end with the event that ends it; no source states the end."
            w.membership(term.person, org, role, term.begin, term.end,
                         generated_by=term.generated_by, invalidated_by=term.invalidated_by, end_note=note)
    # Vice presidents and researchers.
    for _ in range(rng.randrange(2, 5)):
        w.membership(w.person(), w.iri, iri("rkg:vicePresident"), rng.randrange(0, 3000), None)
    # Only units that exist throughout (no creating or ending event) hold open-ended research roles.
    lasting = [u for u, info in w.units.items() if all(p.begin is None and p.end is None for p in info.placements)]
    labs = [u for u in lasting if w.units[u].cls in ("rkg:Lab", "rkg:ResearchInstitute")] or [w.iri]
    for _ in range(rng.randrange(2, 6)):
        lab = rng.choice(labs)
        begin = rng.randrange(0, 3000)
        end = w.day_after(begin) if rng.random() < 0.3 else None
        w.membership(w.person(), lab, iri("rkg:researchScientist"), begin, end)


def _reporting_lines(w: CompanyWriter, groups: list[str]) -> None:
    """A line from each unit head to the head of the unit's parent, for each period all three hold."""
    lines = 0
    for unit, info in w.units.items():
        for placement in info.placements:
            for head in w.heads.get(unit, []):
                for boss in w.heads.get(placement.parent, []):
                    begin = latest(placement.begin, head.begin, boss.begin)
                    end = earliest(placement.end, head.end, boss.end)
                    if begin is not None and end is not None and begin >= end:
                        continue
                    lines += 1
                    w.reporting_line(head.person, boss.person, begin, end, f"l{lines}")
    # Business groups as units report to the chief executive.
    for group in groups[:2]:
        placement = w.units[group].placements[0]
        for boss in w.heads[w.iri]:
            begin, end = latest(placement.begin, boss.begin), earliest(placement.end, boss.end)
            if begin is not None and end is not None and begin >= end:
                continue
            lines += 1
            w.reporting_line(group, boss.person, begin, end, f"l{lines}")


def _activities(w: CompanyWriter) -> None:
    """Products and launches, a layoff, an investment (with an exchange rate), targets, results, a meeting, a disagreement."""
    rng = w.rng
    ceo = w.heads[w.iri][-1].person
    units = list(w.units)
    for k in range(rng.randrange(2, 4)):
        product = resource("product", f"{w.key}-product-{k}")
        w.emit(product, A, iri("rkg:Product"))
        w.emit(product, LABEL, literal(f"{w.name} {rng.choice(TOPICS)} Assistant {k}"))
        w.emit(product, iri("rkg:developedBy"), rng.choice(units))
        w.cite(product)
        event = w.event(f"product-{k}-launched", "rkg:ProductLaunch", f"product {k} is launched", rng.randrange(1000, LAST_DAY))
        w.emit(event, iri("rkg:product"), product)
    # A layoff (sometimes only a reported plan) with its figures.
    day = rng.randrange(2500, LAST_DAY)
    plan = rng.random() < 0.4
    layoff = w.event("layoff", "rkg:Layoff", "staff are laid off", day, status="rkg:reportedPlan" if plan else "rkg:completed")
    w.emit(layoff, AFFECTED, w.iri)
    for key, measure, value, unit in (("affected", "rkg:affectedEmployees", str(rng.randrange(100, 20000)), "employees"),
                                      ("share", "rkg:shareOfStaff", str(rng.randrange(1, 25)), "percent")):
        figure = resource("figure", f"{w.key}-layoff-{key}")
        w.emit(layoff, FIGURE, figure)
        w.figure(figure, f"{key} of {w.name}'s layoff", measure, value, unit=unit)
    # Money committed, with the exchange rate it implies.
    day = rng.randrange(2000, LAST_DAY)
    invest = w.event("investment", "rkg:InvestmentCommitment", "money is committed to AI infrastructure", day, status="rkg:announced")
    w.emit(invest, AFFECTED, w.iri)
    amount = resource("figure", f"{w.key}-investment")
    w.emit(invest, FIGURE, amount)
    currency = rng.choice(("USD", "CNY"))
    w.figure(amount, f"{w.name}'s AI investment", "rkg:investmentAmount", str(rng.randrange(1, 500) * 10 ** 9),
             currency=currency, period=w.day_after(day, span=1000))
    if currency == "CNY":
        rate = resource("figure", f"{w.key}-cny-usd")
        w.emit(invest, FIGURE, rate)
        w.emit(rate, A, iri("rkg:ExchangeRate"))
        w.emit(rate, LABEL, literal(f"renminbi to dollars, as {w.name}'s figures imply"))
        w.emit(rate, CURRENCY, literal("CNY", None))
        w.emit(rate, iri("rkg:targetCurrency"), literal("USD", None))
        w.emit(rate, iri("rkg:rate"), typed(f"0.{rng.randrange(131, 150)}".rstrip("0"), "xsd:decimal"))
        w.emit(rate, INFERRED, TRUE)
        w.emit(rate, INFERENCE_NOTE, literal("Computed from the two amounts the source states."))
        w.cite(rate)
    # A strategic target, a financial disclosure with a range, a meeting.
    target = w.event("target", "rkg:StrategicTarget", "the chief executive sets targets", rng.randrange(2000, LAST_DAY))
    w.emit(target, PERSON, ceo)
    w.emit(target, AFFECTED, w.iri)
    disclosure = w.event("results", "rkg:FinancialDisclosure", "quarterly results are reported", rng.randrange(1000, LAST_DAY))
    growth = resource("figure", f"{w.key}-revenue-growth")
    w.emit(disclosure, FIGURE, growth)
    low = rng.randrange(1, 30)
    w.figure(growth, f"{w.name}'s revenue growth", "rkg:revenueGrowth", str(low + rng.randrange(1, 10)), unit="percent", low=str(low))
    revenue = resource("figure", f"{w.key}-revenue")
    w.emit(disclosure, FIGURE, revenue)
    w.figure(revenue, f"{w.name}'s quarterly revenue", "rkg:revenue", str(rng.randrange(1, 900) * 10 ** 8), currency="USD")
    meeting = w.event("all-hands", "rkg:Meeting", "an all-hands meeting", rng.randrange(1000, LAST_DAY))
    w.emit(meeting, PERSON, ceo)
    w.emit(meeting, AFFECTED, w.iri)
    # A disagreement between two sources about a unit.
    subject = rng.choice(units)
    disagreement = resource("disagreement", f"{w.key}-kind")
    w.emit(disagreement, A, iri("rkg:Disagreement"))
    w.emit(disagreement, LABEL, literal(f"What kind of unit is {w.key_of(subject)} of {w.name}?"))
    w.emit(disagreement, iri("rkg:subject"), subject)
    for k in range(2):
        claim = resource("disagreement", f"{w.key}-kind-{k}")
        w.emit(disagreement, iri("rkg:claim"), claim)
        w.emit(claim, A, iri("rkg:Claim"))
        w.emit(claim, LABEL, literal(f"claim {k + 1} on {w.key_of(subject)} of {w.name}"))
        w.cite(claim)
