"""Citations checked against source files: every way one can fail, and the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from conftest import PROLOGUE, ROOT, TINY_DATA, TINY_SOURCE
from kg.errors import SourcesError
from kg.sources import check_citations, normalize, parse_locator

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
