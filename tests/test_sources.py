"""Citations checked against source files: every way one can fail, and the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import SourcesError
from kg.sources import check_citations, check_grounding, date_forms, normalize, numbers_in, parse_locator
from tests.conftest import PROLOGUE, ROOT, TINY_DATA, TINY_SOURCE

SHARED_SOURCES = ROOT.parent / "shared" / "sources"
ORG_ID = "https://w3id.org/restructuring-kg/id/org/"


@pytest.fixture
def sources(tmp_path) -> Path:
    (tmp_path / "s1.txt").write_text(TINY_SOURCE, encoding="utf-8")
    return tmp_path


def check(sources: Path, extra: str = "", data: str = TINY_DATA):
    return check_citations(Graph().parse(format="turtle", data=data + PROLOGUE + extra), sources)


def failures(report) -> list[tuple[str, str, str]]:
    return [(str(c.node).rsplit("/", 1)[-1], c.locator, c.reason) for c in report.failures]


def test_the_tiny_company_is_fully_verified(sources):
    report = check(sources)
    assert report.ok
    assert len(report.citations) == 12
    assert all(c.file == sources / "s1.txt" for c in report.citations)


@pytest.mark.parametrize(
    "locator, reason",
    [
        ("L7", "line 7 does not exist (s1.txt has 6 lines)"),
        ("L5-L9", "line 7 does not exist (s1.txt has 6 lines)"),
        ("5", "malformed locator '5' (write L5, L5-L7 or L5,L9)"),
        ("L0", "malformed locator 'L0' (write L5, L5-L7 or L5,L9)"),
        ("L3 - L4", "malformed locator 'L3 - L4' (write L5, L5-L7 or L5,L9)"),
        ("L4-L2", "malformed locator 'L4-L2': the range L4-L2 runs backwards"),
        # The unit's own name, and its company's (a direct link, rkg:company).
        ("L4", "no cited line names it (Acme, Acme AI Group, Acme Group)"),
    ],
)
def test_a_bad_locator_fails(sources, locator, reason):
    report = check(sources, f'rorg:acme-ai prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "{locator}" ] .')
    assert failures(report) == [("acme-ai", locator, reason)]


def test_any_cited_line_may_name_it(sources):
    report = check(sources, 'rorg:acme-ai prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "L4,L2" ] .')
    assert report.ok


def test_a_missing_file_fails(sources):
    report = check(sources, 'rsrc:s2 a rkg:SourceDocument ; dcterms:identifier "s2.txt" .\n'
                            'rorg:acme prov:qualifiedDerivation [ prov:entity rsrc:s2 ; rkg:locator "L1" ] .')
    assert failures(report) == [("acme", "L1", "no such file: s2.txt")]


def test_incomplete_derivations_fail(sources):
    report = check(sources, """
        rorg:acme prov:qualifiedDerivation [ prov:entity rsrc:s1 ] .
        rorg:acme-ai prov:qualifiedDerivation [ rkg:locator "L2" ] .
        rorg:acme-lab prov:qualifiedDerivation [ prov:entity rsrc:unknown ; rkg:locator "L3" ] .""")
    assert failures(report) == [
        ("acme", None, "the derivation has no rkg:locator"),
        ("acme-ai", None, "the derivation has no prov:entity"),
        ("acme-lab", None, "the source has no file name (dcterms:identifier)"),
    ]


def test_names_are_compared_without_case_and_punctuation(sources):
    # Line 6 writes "Acme - Lab"; the figure's event links to rorg:acme-lab ("Acme Lab").
    assert normalize("Acme - Lab") == normalize("ACME LAB")
    data = TINY_DATA.replace('skos:altLabel "Acme"@en ;', "")  # only "Acme Lab" can match line 6 now
    report = check(sources, data=data)
    figure = [c for c in report.citations if str(c.node).endswith("acme-lab-headcount")]
    assert [c.ok for c in figure] == [True]


def test_a_membership_is_verified_by_its_member_or_organization(sources):
    # L1 names only "Acme Group": the organization of Ann Lee's membership.
    report = check(sources, 'rmem:ann-lee-ceo-acme prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "L1" ] .')
    assert report.ok


def test_vocabulary_terms_are_no_evidence(sources):
    # Line 5 says "heads"; the role rkg:head is labelled "head", but a role's name does not count.
    ontology_labels = 'rkg:head rdfs:label "head"@en ; skos:altLabel "lead"@en .\n'
    report = check(sources, ontology_labels + """
        rmem:x a rkg:RoleMembership ; org:role rkg:head ;
            prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "L5" ] .""")
    assert [reason for *_, reason in failures(report)] == [
        "the cited resource has no name (rdfs:label, skos:altLabel, skos:prefLabel) to look for"]


def test_a_claim_is_verified_by_the_subject_of_its_disagreement(sources):
    extra = """
        rdis:x a rkg:Disagreement ; rkg:subject rorg:acme-lab ; rkg:claim rdis:x-s1 .
        rdis:x-s1 a rkg:Claim ; rdfs:label "It is a lab of the group"@en ;
            prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "L3" ] ."""
    prologue = "@prefix rdis: <https://w3id.org/restructuring-kg/id/disagreement/> .\n"
    assert check(sources, prologue + extra).ok
    assert not check(sources, prologue + extra.replace('"L3"', '"L4"')).ok


def test_parse_locator():
    assert parse_locator("L5") == [5]
    assert parse_locator("L7-L8,L54-L55,L62") == [7, 8, 54, 55, 62]
    with pytest.raises(ValueError):
        parse_locator("L5,")


def test_a_missing_sources_folder_is_an_error(tmp_path):
    with pytest.raises(SourcesError, match="no such folder"):
        check_citations(Graph(), tmp_path / "nowhere")


def test_every_shipped_citation_holds_in_the_shared_sources(shipped_graphs):
    if not SHARED_SOURCES.is_dir():
        pytest.skip("../shared/sources not found")
    report = check_citations(shipped_graphs.data, SHARED_SOURCES)
    assert len(report.citations) > 0
    assert report.ok, [f"{c.node} {c.file.name if c.file else ''} {c.locator}: {c.reason}" for c in report.failures]
    assert {c.file.name for c in report.citations} == {p.name for p in SHARED_SOURCES.glob("*.txt")}


# -- Grounding: a date or figure not marked inferred is on a line it cites ------------------

GROUNDING_SOURCE = """Acme news, 03/23 2026
On March 16, Acme set up the Acme Lab with about 16,000 staff.
Acme Lab's head, Ann Lee, said the lab would spend fifty-three billion dollars.
In mid-June the lab was renamed.
"""

GROUNDING_PROLOGUE = PROLOGUE + """
rsrc:s1 a rkg:SourceDocument ; dcterms:identifier "s1.txt" ; dcterms:date "2026-03-23"^^xsd:date .
rorg:acme-lab rdfs:label "Acme Lab"@en .
"""


def grounding(sources: Path, turtle: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    (sources / "s1.txt").write_text(GROUNDING_SOURCE, encoding="utf-8")
    graph = Graph().parse(format="turtle", data=GROUNDING_PROLOGUE + turtle)
    report = check_grounding(graph, sources)
    assert report.values, "nothing was checked"
    return [(str(g.node).rsplit("/", 1)[-1], g.value, g.reason, g.lines) for g in report.failures]


def event(name: str, date: str, locator: str = "L2", extra: str = "") -> str:
    return f"""rev:{name} dcterms:date "{date}"^^xsd:{'date' if len(date) == 10 else 'gYearMonth' if len(date) == 7 else 'gYear'} ;
        rkg:company rorg:acme-lab {extra};
        prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "{locator}" ] .\n"""


def figure(name: str, value: str, locator: str, extra: str = "") -> str:
    return f"""rfig:{name} schema:value "{value}"^^xsd:decimal {extra};
        prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "{locator}" ] .\n"""


def test_stated_dates_and_figures_are_grounded(sources):
    assert grounding(sources, event("set-up", "2026-03-16") + event("renamed", "2026-06", "L4")
                     + figure("staff", "16000", "L2") + figure("spend", "53000000000", "L3")) == []


def test_a_guessed_day_is_reported_with_the_lines_searched(sources):
    # The line says March 16; the data says the 17th.
    assert grounding(sources, event("set-up", "2026-03-17", "L2,L3")) == [
        ("set-up", "2026-03-17", "no cited line states this date", ("s1.txt L2", "s1.txt L3"))]


def test_a_guessed_month_or_year_is_reported(sources):
    failures = grounding(sources, event("renamed", "2026-07", "L4") + event("planned", "2025", "L2"))
    assert [(node, value) for node, value, *_ in failures] == [("planned", "2025"), ("renamed", "2026-07")]


def test_a_guessed_figure_is_reported(sources):
    # 16,000 is stated; 16,500 is not, nor 53 million for fifty-three billion.
    failures = grounding(sources, figure("staff", "16500", "L2") + figure("spend", "53000000", "L3"))
    assert [(node, value, reason) for node, value, reason, _ in failures] == [
        ("spend", "53000000", "no cited line states this number"),
        ("staff", "16500", "no cited line states this number")]


def test_an_inferred_value_is_not_checked_but_an_uncited_one_is(sources):
    inferred = '; rkg:inferred true ; rkg:inferenceNote "the day after the set-up"@en '
    assert grounding(sources, event("opened", "2026-03-17", "L2", inferred)) == []
    failures = grounding(sources, 'rev:uncited dcterms:date "2026-03-16"^^xsd:date .')
    assert [(node, reason[:23]) for node, _, reason, _ in failures] == [("uncited", "no cited line to search")]


def test_an_instant_is_grounded_by_what_it_bounds_and_the_event_that_began_it(sources):
    data = event("set-up", "2026-03-16") + """
        rpl:lab a rkg:Placement ; rkg:placedDuring rpl:lab-interval ; prov:wasGeneratedBy rev:set-up ;
            prov:qualifiedDerivation [ prov:entity rsrc:s1 ; rkg:locator "L3" ] .
        rpl:lab-interval time:hasBeginning rpl:lab-begin ; time:hasEnd rpl:lab-end .
        rpl:lab-begin time:inXSDDate "2026-03-16"^^xsd:date .
        rpl:lab-end time:inXSDDate "2026-04-08"^^xsd:date ."""
    assert [(node, value) for node, value, *_ in grounding(sources, data)] == [("lab-end", "2026-04-08")]


@pytest.mark.parametrize("line, value", [
    ("On March 16 it began", "2026-03-16"), ("on 16 March 2026", "2026-03-16"), ("dated 3/16", "2026-03-16"),
    ("issued 2026-03-16", "2026-03-16"), ("2026年3月16日", "2026-03-16"), ("at the May 20th summit", "2026-05-20"),
    ("in mid-March", "2026-03"), ("In June 2026", "2026-06"), ("the 2022-2023 rounds", "2023"),
])
def test_the_date_forms_the_sources_use(line, value):
    assert any(form.search(line.lower()) for form in date_forms(value))


@pytest.mark.parametrize("line, value", [("March 16", "2026-03-17"), ("3/161", "2026-03-16"), ("in May", "2026-03"), ("20260", "2026")])
def test_other_dates_are_not_taken_for_the_value(line, value):
    assert not any(form.search(line.lower()) for form in date_forms(value))


@pytest.mark.parametrize("line, value, vague", [
    ("about 16,000 employees", "16000", False), ("16000 staff", "16000", False), ("$1.6 billion", "1600000000", False),
    ("20% of units", "20", False), ("twenty percent", "20", False), ("8.971 billion yuan", "8971000000", False),
    ("three hundred and eighty billion renminbi", "380000000000", False),
    ("two hundred thirty-five billion parameters", "235000000000", False),
    ("a hundred-million-dollar talent", "100000000", False), ("forty-five hundred miles", "4500", False),
    ("fifty petaflops", "50000000000000000", False), ("hundreds of times", "100", True),
    ("hundreds of billions of agents", "100000000000", True), ("three-digit growth", "100", True),
])
def test_the_number_forms_the_sources_use(line, value, vague):
    from decimal import Decimal

    assert Decimal(value) in numbers_in(line, vague=vague)


def test_a_vague_plural_counts_only_for_a_lower_bound():
    from decimal import Decimal

    assert Decimal(100) not in numbers_in("hundreds of times")


def test_every_shipped_date_and_figure_is_grounded_or_marked_inferred(shipped_graphs):
    if not SHARED_SOURCES.is_dir():
        pytest.skip("../shared/sources not found")
    report = check_grounding(shipped_graphs.data, SHARED_SOURCES)
    assert len(report.values) > 100
    assert report.ok, [f"{g.node} {g.value}: {g.reason} ({', '.join(g.lines)})" for g in report.failures]
