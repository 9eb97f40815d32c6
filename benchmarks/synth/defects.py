"""Injected defects: small clusters of otherwise valid resources, each breaking one rule of the shapes.

:data:`KINDS` names each kind of defect and the function that builds it on a :class:`Cluster`
(new resources of an existing company, held in memory so that they can be broken after
being written valid); the function returns where a validator must report it.
"""

from __future__ import annotations

from typing import Callable, Optional

from benchmarks.synth.terms import (
    AFFECTED,
    ALT_LABEL,
    APPROXIMATE,
    BEGINNING,
    COMPANY,
    CURRENCY,
    DATE,
    DERIVED_FROM,
    END,
    ENTITY,
    EVENT_ROLE,
    FIGURE,
    GENERATED_BY,
    INFERENCE_NOTE,
    INFERRED,
    LABEL,
    LOCATOR,
    MAX_SOURCES,
    MAX_VALUE,
    MEASURE,
    MEMBER,
    MEMBER_DURING,
    MIN_VALUE,
    NOT_AFTER,
    NOT_BEFORE,
    ORGANIZATION,
    PARENT,
    PERSON,
    PLACED_DURING,
    PLACED_UNIT,
    POSITION,
    QUALIFIED_DERIVATION,
    REFERENCE_PERIOD,
    REPORTING_DURING,
    RESULTING,
    RKG,
    ROLE,
    STATUS,
    SUBORDINATE,
    SUPERIOR,
    UNIT_TEXT,
    VALUE,
    A,
    iri,
    literal,
    resource,
    source_iri,
    typed,
)
from benchmarks.synth.writer import CompanyWriter

__all__ = ["KINDS", "Cluster", "Expected"]


class Cluster(CompanyWriter):
    """A few extra resources in an existing company, built valid and then broken on purpose."""

    def __init__(self, index: int, seed: int, companies: int, key: str):
        self.buffer: list[list[str]] = []
        super().__init__(index, seed, companies, lambda s, p, o: self.buffer.append([s, p, o]), key=key)
        self.name = f"Synthco {index:04d} {key}"

    def drop(self, s: str, p: str) -> None:
        """Remove the triples of ``s`` with predicate ``p``."""
        self.buffer[:] = [t for t in self.buffer if not (t[0] == s and t[1] == p)]

    def set(self, s: str, p: str, o: str) -> None:
        """Replace the objects of ``s`` and ``p`` with ``o``."""
        self.drop(s, p)
        self.emit(s, p, o)

    def objects(self, s: str, p: str) -> list[str]:
        """The objects of ``s`` and ``p`` written so far."""
        return [t[2] for t in self.buffer if t[0] == s and t[1] == p]

    def new_unit(self, key: str = "u") -> str:
        return self.unit(key, "rkg:Department", f"Injected Team {key}", self.iri, 1)

    def new_event(self, cls: str = "rkg:Reorganization", key: str = "e") -> str:
        event = self.event(key, cls, "an injected event", 3000)
        self.emit(event, AFFECTED, self.iri)
        return event

    def new_figure(self, key: str = "f", **options) -> str:
        s = resource("figure", f"{self.key}-{key}")
        options.setdefault("unit", None if options.get("currency") else "employees")
        self.figure(s, f"injected figure {key} of {self.name}", "rkg:headcount", "1000", **options)
        return s

    def new_membership(self, **options) -> str:
        return self.membership(self.person(), self.iri, iri("rkg:vicePresident"), 2000, None, **options)


#: What a defect should cause: ``(focus node, local name of the shape that reports it)`` for each result.
Expected = list[tuple[str, str]]


def _label_missing(c: Cluster) -> Expected:
    p = c.person()
    c.drop(p, LABEL)
    return [(p, "EnglishLabelProperty")]


def _label_language(c: Cluster) -> Expected:
    p = c.person()
    c.set(p, LABEL, literal("Untagged Name " + c.key, None))
    return [(p, "EnglishLabelProperty")]


def _label_twice(c: Cluster) -> Expected:
    p = c.person()
    c.emit(p, LABEL, literal("Second Name " + c.key))
    return [(p, "EnglishLabelProperty")]


def _source_missing(c: Cluster) -> Expected:
    m = c.new_membership()
    c.drop(m, DERIVED_FROM)
    return [(m, "CitedSourceProperty")]


def _derivation_missing(c: Cluster) -> Expected:
    m = c.new_membership()
    c.drop(m, QUALIFIED_DERIVATION)
    return [(m, "CitedLocatorProperty")]


def _source_unregistered(c: Cluster) -> Expected:
    m = c.new_membership()
    stranger = resource("source", "unregistered-" + c.key)
    derivation = c.objects(m, QUALIFIED_DERIVATION)[0]
    c.set(m, DERIVED_FROM, stranger)
    c.set(derivation, ENTITY, stranger)
    return [(m, "CitationShape-source"), (m, "CitationShape-entity")]


def _derivation_without_locator(c: Cluster) -> Expected:
    m = c.new_membership()
    c.drop(c.objects(m, QUALIFIED_DERIVATION)[0], LOCATOR)
    return [(m, "CitationShape-derivation")]


def _locator_pattern(c: Cluster) -> Expected:
    m = c.new_membership()
    c.set(c.objects(m, QUALIFIED_DERIVATION)[0], LOCATOR, literal("line 5", None))
    return [(m, "CitationShape-locator")]


def _sources_differ(c: Cluster) -> Expected:
    m = c.new_membership()
    derivation = c.objects(m, QUALIFIED_DERIVATION)[0]
    cited = c.objects(derivation, ENTITY)[0]
    other = next(source_iri(n) for n in range(MAX_SOURCES) if source_iri(n) != cited)
    c.set(derivation, ENTITY, other)
    # One result per source named in only one of the two forms: the cited one and the other.
    return [(m, "CitationShape"), (m, "CitationShape")]


def _blank_node(c: Cluster) -> Expected:
    product = f"_:{c.key}product"
    c.emit(product, A, iri("rkg:Product"))
    c.emit(product, LABEL, literal(f"Unnamed product of {c.name}"))
    c.cite(product)
    return [(product, "NamedResourceShape")]


def _unit_without_company(c: Cluster) -> Expected:
    u = c.new_unit()
    c.drop(u, COMPANY)
    return [(u, "OrganizationalUnitShape-company")]


def _unit_unplaced(c: Cluster) -> Expected:
    u = c.new_unit()
    placement = c.units[u].placements[0].iri
    c.buffer[:] = [t for t in c.buffer if t[0] != placement and not t[0].startswith(placement[:-1] + "-")]
    return [(u, "OrganizationalUnitShape-placement")]


def _company_with_company(c: Cluster) -> Expected:
    company = resource("org", f"synthco-{c.key}")
    c.emit(company, A, iri("rkg:Company"))
    c.emit(company, LABEL, literal(f"Subsidiary {c.key}"))
    c.emit(company, COMPANY, c.iri)
    c.cite(company)
    return [(company, "CompanyShape-company")]


def _hierarchy_cycle(c: Cluster) -> Expected:
    a = c.new_unit("a")
    b = c.unit("b", "rkg:Department", "Injected Team b", a, 2)
    c.place(a, b, 3000, None)
    return [(a, "HierarchyShape"), (b, "HierarchyShape")]


def _placed_under_itself(c: Cluster) -> Expected:
    u = c.new_unit()
    placement = c.place(u, u, 3000, None)
    return [(placement, "PlacementShape-notSelf")]


def _membership_without_role(c: Cluster) -> Expected:
    m = c.new_membership()
    c.drop(m, ROLE)
    return [(m, "MembershipShape-role")]


def _membership_role_not_role(c: Cluster) -> Expected:
    m = c.new_membership()
    c.set(m, ROLE, iri("rkg:Lab"))
    return [(m, "MembershipShape-role")]


def _membership_member_not_person(c: Cluster) -> Expected:
    m = c.new_membership()
    c.set(m, MEMBER, c.iri)
    return [(m, "MembershipShape-member")]


def _single_holder_overlap(c: Cluster) -> Expected:
    u = c.new_unit()
    first = c.membership(c.person(), u, iri("rkg:head"), 2000, 3000)
    second = c.membership(c.person(), u, iri("rkg:head"), 2500, None)
    return [(first, "MembershipShape"), (second, "MembershipShape")]


def _interval_backwards(c: Cluster) -> Expected:
    m = c.membership(c.person(), c.iri, iri("rkg:vicePresident"), None, None)
    interval = c.objects(m, MEMBER_DURING)[0]
    begin, end = interval[:-len("-interval>")] + "-begin>", interval[:-len("-interval>")] + "-end>"
    c.emit(interval, BEGINNING, begin)
    c.emit(interval, END, end)
    for instant, year in ((begin, "2025"), (end, "2024")):
        c.emit(instant, A, iri("time:Instant"))
        c.emit(instant, iri("time:inXSDgYear"), typed(year, "xsd:gYear"))
    # Read on the days the build derives: rkg:holdsFrom (1 January 2025) after rkg:holdsUntil.
    return [(interval, "ClosedIntervalShape-endNotBeforeBeginning")]


def _interval_two_ends(c: Cluster) -> Expected:
    m = c.membership(c.person(), c.iri, iri("rkg:vicePresident"), 2000, 2500)
    interval = c.objects(m, MEMBER_DURING)[0]
    extra = interval[:-len("-interval>")] + "-end2>"
    c.emit(interval, END, extra)
    c.instant(extra, 2600)
    return [(interval, "IntervalShape-end")]


def _undated_beginning(c: Cluster) -> str:
    """The beginning of a new vice president's term, with its date taken away (to be given a broken one)."""
    m = c.membership(c.person(), c.iri, iri("rkg:vicePresident"), 2000, None)
    begin = c.objects(c.objects(m, MEMBER_DURING)[0], BEGINNING)[0]
    for position in POSITION.values():
        c.drop(begin, iri(position))
    return begin


def _instant_two_positions(c: Cluster) -> Expected:
    begin = _undated_beginning(c)
    c.emit(begin, iri("time:inXSDDate"), typed("2019-06-24", "xsd:date"))
    c.emit(begin, iri("time:inXSDgYear"), typed("2019", "xsd:gYear"))
    return [(begin, "InstantShape-onePosition")]


def _instant_unpositioned(c: Cluster) -> Expected:
    return [(_undated_beginning(c), "InstantShape-position")]


def _instant_datatype(c: Cluster) -> Expected:
    begin = _undated_beginning(c)
    c.emit(begin, iri("time:inXSDDate"), literal("2019-06-24", None))
    return [(begin, "InstantShape-date")]


def _inferred_without_note(c: Cluster) -> Expected:
    m = c.membership(c.person(), c.iri, iri("rkg:vicePresident"), 2000, 2400, end_note="set aside")
    end = c.objects(c.objects(m, MEMBER_DURING)[0], END)[0]
    c.drop(end, INFERENCE_NOTE)
    return [(end, "InferenceShape")]


def _reporting_cycle(c: Cluster) -> Expected:
    p, q = c.person(), c.person()
    c.reporting_line(p, q, 2000, None, "x1")
    c.reporting_line(q, p, 2000, None, "x2")
    return [(resource("reporting", f"{c.key}-x1"), "ReportingLineShape"), (resource("reporting", f"{c.key}-x2"), "ReportingLineShape")]


def _reporting_self(c: Cluster) -> Expected:
    p = c.person()
    c.reporting_line(p, p, 2000, None, "x1")
    return [(resource("reporting", f"{c.key}-x1"), "ReportingLineShape-notSelf")]


def _reports_to_cycle(c: Cluster) -> Expected:
    p, q = c.person(), c.person()
    c.emit(p, iri("org:reportsTo"), q)
    c.emit(q, iri("org:reportsTo"), p)
    return [(p, "ReportsToShape"), (q, "ReportsToShape")]


def _placement_without_interval(c: Cluster) -> Expected:
    u = c.new_unit()
    placement = c.units[u].placements[0].iri
    c.drop(placement, PLACED_DURING)
    return [(placement, "PlacementShape-interval")]


def _lifecycle_not_activity(c: Cluster) -> Expected:
    m = c.new_membership(generated_by=c.iri)
    return [(m, "LifecycleEventProperty")]


def _fact_from_plan(c: Cluster) -> Expected:
    plan = c.event("plan", "rkg:Appointment", "a reported appointment", 3000, status="rkg:reportedPlan")
    p = c.person()
    c.emit(plan, PERSON, p)
    c.emit(plan, AFFECTED, c.iri)
    m = c.membership(p, c.iri, iri("rkg:vicePresident"), 3000, None, generated_by=plan)
    return [(m, "NotFromPlanProperty")]


def _handover_without_beginning(c: Cluster) -> Expected:
    """An event ends a term (its end recorded) and makes a placement with no beginning."""
    e = c.new_event()
    c.membership(c.person(), c.iri, iri("rkg:vicePresident"), 2000, 2500, invalidated_by=e)
    placement = c.units[c.new_unit()].placements[0].iri
    c.drop(c.objects(placement, PLACED_DURING)[0], BEGINNING)
    c.emit(placement, GENERATED_BY, e)
    # SHACL-SPARQL constraints report under the node shape that holds them.
    return [(placement, "PlacementShape")]


def _event_undated(c: Cluster) -> Expected:
    e = c.new_event()
    c.drop(e, DATE)
    return [(e, "ActivityDatedProperty")]


def _event_two_dates(c: Cluster) -> Expected:
    e = c.new_event()
    c.emit(e, DATE, typed("2001", "xsd:gYear"))
    return [(e, "ActivityDateProperty")]


def _event_date_datatype(c: Cluster) -> Expected:
    e = c.new_event()
    c.set(e, DATE, literal("2021-05-04", None))
    return [(e, "ActivityDateProperty")]


def _event_not_after_without_note(c: Cluster) -> Expected:
    e = c.new_event()
    c.drop(e, DATE)
    c.emit(e, NOT_AFTER, typed("2026-03-23", "xsd:date"))
    return [(e, "NotAfterShape-note"), (e, "ActivityNotAfterFallbackProperty")]


def _event_not_after(c: Cluster) -> Expected:
    e = c.new_event()
    c.drop(e, DATE)
    c.emit(e, NOT_AFTER, typed("2026-03", "xsd:gYearMonth"))
    c.emit(e, INFERENCE_NOTE, literal("The article that reports it is from March 2026."))
    return [(e, "ActivityNotAfterFallbackProperty")]


def _event_without_status(c: Cluster) -> Expected:
    e = c.new_event()
    c.drop(e, STATUS)
    return [(e, "ActivityStatusProperty")]


def _event_status_not_status(c: Cluster) -> Expected:
    e = c.new_event()
    c.set(e, STATUS, iri("rkg:head"))
    return [(e, "ActivityStatusProperty")]


def _event_without_company(c: Cluster) -> Expected:
    e = c.new_event()
    c.drop(e, COMPANY)
    return [(e, "ActivityCompanyProperty")]


def _event_without_organization(c: Cluster) -> Expected:
    e = c.new_event()
    c.drop(e, AFFECTED)
    return [(e, "RestructuringEventShape-organization")]


def _event_unknown_organization(c: Cluster) -> Expected:
    e = c.new_event()
    c.emit(e, AFFECTED, resource("org", "undefined-" + c.key))
    return [(e, "ActivityOrganizationsProperty")]


def _event_person_not_person(c: Cluster) -> Expected:
    e = c.new_event()
    c.emit(e, PERSON, c.iri)
    return [(e, "ActivityPeopleProperty")]


def _event_role_not_role(c: Cluster) -> Expected:
    e = c.new_event("rkg:Layoff")
    c.emit(e, EVENT_ROLE, iri("rkg:Lab"))
    return [(e, "ActivityRoleProperty")]


def _event_product_not_product(c: Cluster) -> Expected:
    e = c.new_event()
    c.emit(e, iri("rkg:product"), c.iri)
    return [(e, "ActivityProductProperty")]


def _event_model_not_model(c: Cluster) -> Expected:
    e = c.new_event()
    c.emit(e, iri("rkg:adoptedModel"), c.iri)
    return [(e, "ActivityModelProperty")]


def _event_figure_not_figure(c: Cluster) -> Expected:
    e = c.new_event()
    c.emit(e, FIGURE, c.iri)
    return [(e, "FigureLinkProperty")]


def _merger_without_original(c: Cluster) -> Expected:
    e = c.new_event("rkg:Merger")
    c.emit(e, RESULTING, c.iri)
    return [(e, "OriginalOrganizationProperty")]


def _establishment_without_result(c: Cluster) -> Expected:
    e = c.new_event("rkg:Establishment")
    return [(e, "ResultingOrganizationProperty")]


def _transfer_without_unit(c: Cluster) -> Expected:
    e = c.new_event("rkg:Transfer")
    c.emit(e, RESULTING, c.iri)
    return [(e, "TransferShape-unit")]


def _appointment_without_person(c: Cluster) -> Expected:
    e = c.new_event("rkg:Appointment")
    return [(e, "PersonnelChangeShape-person")]


def _figure_without_measure(c: Cluster) -> Expected:
    f = c.new_figure()
    c.drop(f, MEASURE)
    return [(f, "FigureShape-measure")]


def _figure_value_text(c: Cluster) -> Expected:
    f = c.new_figure()
    c.set(f, VALUE, literal("1000", None))
    return [(f, "FigureShape-number")]


def _figure_two_values(c: Cluster) -> Expected:
    f = c.new_figure()
    c.emit(f, VALUE, typed("2000", "xsd:decimal"))
    return [(f, "FigureShape-value")]


def _figure_range_reversed(c: Cluster) -> Expected:
    f = c.new_figure(low="5000")
    return [(f, "FigureShape-range")]


def _figure_flag_text(c: Cluster) -> Expected:
    f = c.new_figure()
    c.set(f, APPROXIMATE, literal("yes", None))
    return [(f, "FigureShape-flags")]


def _figure_reference_period(c: Cluster) -> Expected:
    f = c.new_figure()
    c.set(f, REFERENCE_PERIOD, typed("2026", "xsd:integer"))
    return [(f, "FigureShape-referencePeriod")]


def _money_without_currency(c: Cluster) -> Expected:
    f = c.new_figure(currency="USD")
    c.drop(f, CURRENCY)
    return [(f, "MonetaryAmountShape-currency")]


def _money_bad_currency(c: Cluster) -> Expected:
    f = c.new_figure(currency="usd")
    return [(f, "MonetaryAmountShape-currency")]


def _quantity_without_unit(c: Cluster) -> Expected:
    f = c.new_figure()
    c.drop(f, UNIT_TEXT)
    return [(f, "QuantitativeValueShape-unitText")]


def _exchange_rate(c: Cluster, rate: str, target: str) -> str:
    s = resource("figure", f"{c.key}-rate")
    c.emit(s, A, iri("rkg:ExchangeRate"))
    c.emit(s, LABEL, literal(f"an injected exchange rate of {c.name}"))
    c.emit(s, CURRENCY, literal("CNY", None))
    c.emit(s, iri("rkg:targetCurrency"), literal(target, None))
    c.emit(s, iri("rkg:rate"), typed(rate, "xsd:decimal"))
    c.cite(s)
    return s


def _rate_same_currency(c: Cluster) -> Expected:
    return [(_exchange_rate(c, "1", "CNY"), "ExchangeRateShape-distinct")]


def _rate_not_positive(c: Cluster) -> Expected:
    return [(_exchange_rate(c, "0", "USD"), "ExchangeRateShape-rate")]


def _product(c: Cluster) -> str:
    s = resource("product", f"{c.key}-product")
    c.emit(s, A, iri("rkg:Product"))
    c.emit(s, LABEL, literal(f"Injected product of {c.name}"))
    c.cite(s)
    return s


def _product_bad_developer(c: Cluster) -> Expected:
    s = _product(c)
    c.emit(s, iri("rkg:developedBy"), c.person())
    return [(s, "ProductShape-developer")]


def _product_uncited(c: Cluster) -> Expected:
    s = _product(c)
    c.drop(s, DERIVED_FROM)
    c.drop(s, QUALIFIED_DERIVATION)
    return [(s, "CitedSourceWarningProperty"), (s, "CitedLocatorWarningProperty")]


def _disagreement(c: Cluster, claims: int) -> tuple[str, list[str]]:
    s = resource("disagreement", c.key)
    c.emit(s, A, iri("rkg:Disagreement"))
    c.emit(s, LABEL, literal(f"an injected disagreement of {c.name}"))
    c.emit(s, iri("rkg:subject"), c.iri)
    made = []
    for k in range(claims):
        claim = resource("disagreement", f"{c.key}-{k}")
        c.emit(s, iri("rkg:claim"), claim)
        c.emit(claim, A, iri("rkg:Claim"))
        c.emit(claim, LABEL, literal(f"claim {k} of {c.name}"))
        c.cite(claim)
        made.append(claim)
    return s, made


def _disagreement_one_claim(c: Cluster) -> Expected:
    s, _ = _disagreement(c, 1)
    return [(s, "DisagreementShape-claims")]


def _disagreement_without_subject(c: Cluster) -> Expected:
    s, _ = _disagreement(c, 2)
    c.drop(s, iri("rkg:subject"))
    return [(s, "DisagreementShape-subject")]


def _claim_uncited(c: Cluster) -> Expected:
    _, claims = _disagreement(c, 2)
    c.drop(claims[0], DERIVED_FROM)
    return [(claims[0], "CitedSourceProperty")]


def _duplicate_name(c: Cluster) -> Expected:
    p, q = c.person(), c.person()
    c.set(q, LABEL, c.objects(p, LABEL)[0])
    c.drop(q, ALT_LABEL)
    return [(p, "DuplicateNameShape"), (q, "DuplicateNameShape")]


def _token_function(c: Cluster) -> Expected:
    u = c.new_unit()
    c.set(u, iri("rkg:tokenFunction"), iri("rkg:head"))
    return [(u, "OrganizationShape-tokenFunction")]


def _source_identifier(c: Cluster) -> Expected:
    s = resource("source", "synth-" + c.key)
    c.emit(s, A, iri("rkg:SourceDocument"))
    c.emit(s, LABEL, literal(f"Injected article {c.key}"))
    c.emit(s, iri("dcterms:identifier"), literal("notes/article.txt", None))
    return [(s, "SourceDocumentShape-identifier")]


def _source_date(c: Cluster) -> Expected:
    s = resource("source", "synth-" + c.key)
    c.emit(s, A, iri("rkg:SourceDocument"))
    c.emit(s, LABEL, literal(f"Injected article {c.key}"))
    c.emit(s, iri("dcterms:identifier"), literal(f"{c.key}.txt", None))
    c.emit(s, DATE, literal("2026-03-01", None))
    return [(s, "SourceDocumentShape-date")]


def _rate_without_currency(c: Cluster) -> Expected:
    s = _exchange_rate(c, "0.14", "USD")
    c.drop(s, CURRENCY)
    return [(s, "ExchangeRateShape-currency")]


def _rate_without_target(c: Cluster) -> Expected:
    s = _exchange_rate(c, "0.14", "USD")
    c.drop(s, iri("rkg:targetCurrency"))
    return [(s, "ExchangeRateShape-targetCurrency")]


def _figure_two_minimums(c: Cluster) -> Expected:
    f = c.new_figure(low="500")
    c.emit(f, MIN_VALUE, typed("600", "xsd:decimal"))
    return [(f, "FigureShape-minValue")]


def _figure_two_maximums(c: Cluster) -> Expected:
    f = c.new_figure(low="500")
    c.emit(f, MAX_VALUE, typed("2000", "xsd:decimal"))
    return [(f, "FigureShape-maxValue")]


def _inferred_flag_text(c: Cluster) -> Expected:
    m = c.membership(c.person(), c.iri, iri("rkg:vicePresident"), 2000, 2400, end_note="set aside")
    end = c.objects(c.objects(m, MEMBER_DURING)[0], END)[0]
    c.set(end, INFERRED, literal("true", None))
    return [(end, "InferenceShape-flag")]


def _instant_year_datatype(c: Cluster) -> Expected:
    begin = _undated_beginning(c)
    c.emit(begin, iri("time:inXSDgYear"), literal("2019", None))
    return [(begin, "InstantShape-year")]


def _instant_month_datatype(c: Cluster) -> Expected:
    begin = _undated_beginning(c)
    c.emit(begin, iri("time:inXSDgYearMonth"), literal("2019-06", None))
    return [(begin, "InstantShape-yearMonth")]


def _interval_two_beginnings(c: Cluster) -> Expected:
    m = c.membership(c.person(), c.iri, iri("rkg:vicePresident"), 2000, 2500)
    interval = c.objects(m, MEMBER_DURING)[0]
    extra = interval[:-len("-interval>")] + "-begin2>"
    c.emit(interval, BEGINNING, extra)
    c.instant(extra, 1900)
    return [(interval, "IntervalShape-beginning")]


def _membership_without_interval(c: Cluster) -> Expected:
    m = c.new_membership()
    c.drop(m, MEMBER_DURING)
    return [(m, "MembershipShape-interval")]


def _membership_without_organization(c: Cluster) -> Expected:
    m = c.new_membership()
    c.drop(m, ORGANIZATION)
    return [(m, "MembershipShape-organization")]


def _not_after_twice(c: Cluster) -> Expected:
    e = c.new_event()
    c.drop(e, DATE)
    c.emit(e, NOT_AFTER, typed("2026-03", "xsd:gYearMonth"))
    c.emit(e, NOT_AFTER, typed("2026-04", "xsd:gYearMonth"))
    c.emit(e, INFERENCE_NOTE, literal("The articles that report it are from March and April 2026."))
    return [(e, "NotAfterShape-value"), (e, "ActivityNotAfterFallbackProperty")]


def _undated_event(c: Cluster, *bounds: tuple[str, str, Optional[str]]) -> str:
    """A new event no source dates, bounded by ``(property, value, datatype or None)`` and with a note."""
    e = c.new_event()
    c.drop(e, DATE)
    for prop, value, datatype in bounds:
        c.emit(e, prop, typed(value, datatype) if datatype else literal(value, None))
    c.emit(e, INFERENCE_NOTE, literal("Injected bounds from the dates of the articles."))
    return e


def _not_before_without_note(c: Cluster) -> Expected:
    begin = _undated_beginning(c)
    c.emit(begin, NOT_BEFORE, typed("2019", "xsd:gYear"))
    return [(begin, "NotBeforeShape-note")]


def _not_before_datatype(c: Cluster) -> Expected:
    e = _undated_event(c, (NOT_BEFORE, "2021-05-04", None))
    return [(e, "NotBeforeShape-value")]


def _not_before_twice(c: Cluster) -> Expected:
    e = _undated_event(c, (NOT_BEFORE, "2021-05", "xsd:gYearMonth"), (NOT_BEFORE, "2021-06", "xsd:gYearMonth"))
    return [(e, "NotBeforeShape-value")]


def _not_before_beside_date(c: Cluster) -> Expected:
    e = c.new_event()
    c.emit(e, NOT_BEFORE, typed("2001", "xsd:gYear"))
    c.emit(e, INFERENCE_NOTE, literal("Injected bound beside the stated date."))
    # SHACL-SPARQL constraints report under the node shape that holds them.
    return [(e, "NotBeforeShape")]


def _not_before_after_not_after(c: Cluster) -> Expected:
    e = _undated_event(c, (NOT_AFTER, "2026-03", "xsd:gYearMonth"), (NOT_BEFORE, "2026-04", "xsd:gYearMonth"))
    return [(e, "NotBeforeShape"), (e, "ActivityNotAfterFallbackProperty")]


def _placement_without_parent(c: Cluster) -> Expected:
    u = c.new_unit()
    placement = c.units[u].placements[0].iri
    c.drop(placement, PARENT)
    return [(placement, "PlacementShape-parent")]


def _placement_without_unit(c: Cluster) -> Expected:
    u = c.new_unit()
    placement = c.units[u].placements[0].iri
    c.drop(placement, PLACED_UNIT)
    return [(placement, "PlacementShape-unit"), (u, "OrganizationalUnitShape-placement")]


def _reporting_line(c: Cluster) -> str:
    c.reporting_line(c.person(), c.person(), 2000, None, "x1")
    return resource("reporting", f"{c.key}-x1")


def _reporting_without_interval(c: Cluster) -> Expected:
    s = _reporting_line(c)
    c.drop(s, REPORTING_DURING)
    return [(s, "ReportingLineShape-interval")]


def _reporting_without_subordinate(c: Cluster) -> Expected:
    s = _reporting_line(c)
    c.drop(s, SUBORDINATE)
    return [(s, "ReportingLineShape-subordinate")]


def _reporting_without_superior(c: Cluster) -> Expected:
    s = _reporting_line(c)
    c.drop(s, SUPERIOR)
    return [(s, "ReportingLineShape-superior")]


def _scheme_member(c: Cluster, cls: str, shape: str) -> Expected:
    s = resource("term", f"{c.key}-{cls.split(':')[1].lower()}")
    c.emit(s, A, iri(cls))
    c.emit(s, LABEL, literal(f"injected {cls.split(':')[1]} {c.key}"))
    return [(s, shape)]


def _undeclared_term(c: Cluster) -> Expected:
    p = c.person()
    c.emit(p, f"<{RKG}synthUndeclared{c.key.replace('x', 'X')}>", c.iri)
    # The typo guard reports the term on the ontology that owns the namespace.
    return [(RKG.rstrip("#"), "DeclaredTermShape")]


def _status_outside_scheme(c: Cluster) -> Expected:
    return _scheme_member(c, "rkg:EventStatus", "EventStatusShape-scheme")


def _measure_outside_scheme(c: Cluster) -> Expected:
    return _scheme_member(c, "rkg:Measure", "MeasureShape-scheme")


def _token_function_outside_scheme(c: Cluster) -> Expected:
    return _scheme_member(c, "rkg:TokenFunction", "TokenFunctionShape-scheme")


#: Kinds of injected defects: name -> builder. Each breaks one rule of the shapes.
KINDS: dict[str, Callable[[Cluster], Expected]] = {
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
    "handover-without-beginning": _handover_without_beginning,
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
    "instant-unpositioned": _instant_unpositioned,
    "not-before-without-note": _not_before_without_note,
    "not-before-datatype": _not_before_datatype,
    "not-before-twice": _not_before_twice,
    "not-before-beside-date": _not_before_beside_date,
    "not-before-after-not-after": _not_before_after_not_after,
}
#: The names of the kinds of defects ``violations=K`` injects, K of each.
VIOLATION_KINDS: tuple[str, ...] = tuple(KINDS)
