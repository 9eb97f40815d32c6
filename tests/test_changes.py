"""kg changes: the semantic diff of two versions of the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.changes import DateChange, LabelChange, compare, format_changes, load_version
from kg.cli import main
from kg.errors import ProjectError
from kg.vocab import PREFIXES
from tests.conftest import PROLOGUE, TINY_DATA, write_project

#: The second version of TINY_DATA. Exactly these changes: the reporting line and the
#: figure are removed; a person, her CTO role and the event appointing her are added;
#: the lab's establishment is dated to the month only; Bo Chen's role begins a day
#: later; Acme Lab is renamed. Triples, counted by hand: added 35 (person 7, membership
#: 11, its interval and instant 4, event 13) + 3 changed values = 38; removed 11
#: (reporting line with its citation and interval) + 10 (figure with its citation) + 1
#: (the event's rkg:figure) + 3 changed values = 25.
ADDED = PROLOGUE + """
rper:cai-wen a foaf:Person ; rdfs:label "Cai Wen"@en ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L7" ] .
rmem:cai-wen-cto-acme a rkg:RoleMembership ; rdfs:label "Cai Wen, CTO of Acme"@en ;
    org:member rper:cai-wen ; org:organization rorg:acme ; org:role rkg:cto ;
    org:memberDuring rmem:cai-wen-cto-acme-interval ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L7" ] .
rmem:cai-wen-cto-acme-interval a time:Interval ; time:hasBeginning rmem:cai-wen-cto-acme-begin .
rmem:cai-wen-cto-acme-begin a time:Instant ; time:inXSDgYearMonth "2026-04"^^xsd:gYearMonth .
rev:2026-04-cai-wen-appointed-cto a rkg:Appointment ; rdfs:label "Acme appoints Cai Wen CTO"@en ;
    dcterms:date "2026-04"^^xsd:gYearMonth ; rkg:status rkg:completed ; rkg:company rorg:acme ;
    rkg:affectedOrganization rorg:acme ; rkg:involvedPerson rper:cai-wen ; rkg:role rkg:cto ;
    prov:wasDerivedFrom rsrc:s1 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L7" ] .
"""


def _second_version() -> str:
    text = TINY_DATA
    start = text.index("rrep:bo-chen-to-ann-lee a rkg:ReportingLine")
    end = text.index("rev:2026-03-16-acme-lab-established a rkg:Establishment")
    text = text[:start] + text[end:]  # the reporting line and its interval
    text = text[: text.index("rfig:acme-lab-headcount a schema:QuantitativeValue")]  # the figure
    replacements = (
        ("    rkg:figure rfig:acme-lab-headcount ;\n", ""),
        ('dcterms:date "2026-03-16"^^xsd:date ;', 'dcterms:date "2026-03"^^xsd:gYearMonth ;'),
        ('rmem:bo-chen-head-acme-lab-begin a time:Instant ; time:inXSDDate "2026-03-16"^^xsd:date .',
         'rmem:bo-chen-head-acme-lab-begin a time:Instant ; time:inXSDDate "2026-03-17"^^xsd:date .'),
        ('rorg:acme-lab a rkg:Lab ; rdfs:label "Acme Lab"@en ;', 'rorg:acme-lab a rkg:Lab ; rdfs:label "Acme Research Lab"@en ;'),
    )
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def versions(tmp_path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.ttl", tmp_path / "new"
    old.write_text(TINY_DATA, encoding="utf-8")
    (new / "more").mkdir(parents=True)
    (new / "acme.ttl").write_text(_second_version(), encoding="utf-8")
    (new / "more" / "added.ttl").write_text(ADDED, encoding="utf-8")
    return old, new


def _iri(prefix: str, local: str) -> str:
    return PREFIXES[prefix] + local


def test_the_diff_lists_exactly_the_changes(versions, shipped_graphs):
    changes = compare(load_version(versions[0]), load_version(versions[1]), ontology=shipped_graphs.ontology)
    assert [(str(e.node), str(e.cls)) for e in changes.added] == [(_iri("rper", "cai-wen"), "http://xmlns.com/foaf/0.1/Person")]
    assert sorted((str(e.node), e.label) for e in changes.removed) == [
        (_iri("rfig", "acme-lab-headcount"), "staff of the new lab"),
        (_iri("rrep", "bo-chen-to-ann-lee"), "Bo Chen reports to Ann Lee"),
    ]
    assert [(str(e.node), e.dates) for e in changes.roles_added] == [(_iri("rmem", "cai-wen-cto-acme"), "from 2026-04")]
    assert changes.roles_removed == ()
    assert [(str(e.node), e.dates) for e in changes.events_added] == [(_iri("rev", "2026-04-cai-wen-appointed-cto"), "2026-04")]
    assert changes.events_removed == ()
    assert [(str(c.node), c.what, c.old, c.new) for c in changes.dates] == [
        (_iri("rev", "2026-03-16-acme-lab-established"), "date", "2026-03-16", "2026-03"),
        (_iri("rmem", "bo-chen-head-acme-lab"), "begin (org:memberDuring)", "2026-03-16", "2026-03-17"),
    ]
    assert [(str(c.node), c.old, c.new) for c in changes.labels] == [(_iri("rorg", "acme-lab"), "Acme Lab", "Acme Research Lab")]
    assert changes.count == 8
    assert isinstance(changes.dates[0], DateChange) and isinstance(changes.labels[0], LabelChange)


def test_same_version_has_no_changes(versions):
    graph = load_version(versions[0])
    changes = compare(graph, load_version(versions[0]))
    assert changes.count == 0 and (changes.triples_added, changes.triples_removed) == (0, 0)
    assert format_changes(changes) == "0 changes; triples: 0 added, 0 removed\n"


def test_cli_text(versions, capsys):
    assert main(["changes", str(versions[0]), str(versions[1])]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:5] == [
        "added entities (1)",
        "  foaf:Person",
        '    rper:cai-wen "Cai Wen"',
        "removed entities (2)",
        "  rkg:ReportingLine",
    ]
    assert '  rmem:cai-wen-cto-acme "Cai Wen, CTO of Acme" (from 2026-04, rkg:RoleMembership)' in out
    assert '  rev:2026-04-cai-wen-appointed-cto "Acme appoints Cai Wen CTO" (2026-04, rkg:Appointment)' in out
    assert '  rev:2026-03-16-acme-lab-established "Acme sets up Acme Lab": date 2026-03-16 -> 2026-03' in out
    assert '  rorg:acme-lab: "Acme Lab" -> "Acme Research Lab"' in out
    assert out.endswith("8 changes; triples: 38 added, 25 removed\n")


def test_cli_markdown(versions, capsys):
    assert main(["changes", str(versions[0]), str(versions[1]), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "## Roles added (1)\n\n- rmem:cai-wen-cto-acme" in out
    assert "## Changed dates (2)\n" in out and "2026-03-16 → 2026-03" in out
    assert "### rkg:ReportingLine\n\n- rrep:bo-chen-to-ann-lee" in out
    assert out.endswith("_8 changes; triples: 38 added, 25 removed_\n")


def test_versions_from_a_project_folder(tmp_path):
    project = write_project(tmp_path / "p")
    graph = load_version(project.root)
    assert len(graph) > len(load_version(project.data_dir))  # the ontology is part of a project's version


def test_missing_version_is_an_error(tmp_path, capsys):
    with pytest.raises(ProjectError, match="no such file or folder"):
        load_version(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    assert main(["changes", str(tmp_path / "empty"), str(tmp_path / "empty")]) == 2
    assert "no Turtle files" in capsys.readouterr().err


def test_bounds_of_an_undated_event_and_an_instant_are_dates_that_change():
    from rdflib import Graph

    def version(event_bounds: str, begin_bounds: str) -> Graph:
        return Graph().parse(format="turtle", data=PROLOGUE + f"""
rev:e a rkg:Merger ; rdfs:label "Merger"@en ; {event_bounds} .
rmem:m a rkg:RoleMembership ; org:memberDuring rmem:m-interval .
rmem:m-interval a time:Interval ; time:hasBeginning rmem:m-begin .
rmem:m-begin a time:Instant ; {begin_bounds} .
""")

    old = version('rkg:notAfter "2026-03-19"^^xsd:date', 'rkg:notAfter "2026"^^xsd:gYear')
    new = version('rkg:notBefore "2025"^^xsd:gYear ; rkg:notAfter "2026-03-19"^^xsd:date',
                  'rkg:notBefore "2025-06"^^xsd:gYearMonth ; rkg:notAfter "2026"^^xsd:gYear')
    changes = compare(old, new)
    found = {(str(c.node).rsplit("/", 1)[-1], c.what, c.old, c.new) for c in changes.dates}
    assert found == {
        ("e", "not before", None, "2025"),
        ("m", "begin (org:memberDuring)", "2026", "2026, not before 2025-06"),
    }
    new_only = compare(Graph(), new)
    assert [e.dates for e in new_only.added + new_only.events_added if str(e.node).endswith("/e")] == [
        "between 2025 and 2026-03-19"]
