"""Building: what is written, that it reads back, refusal on violations, atomicity."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from kg.build import build
from kg.errors import BuildError, WriteError
from kg.export import BUILD_FILES, GENID, export
from kg.vocab import GRAPH, PROV, RDF
from tests.conftest import TINY_DATA

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}


@pytest.fixture
def built(make_project, tmp_path):
    project = make_project()
    out = tmp_path / "out"
    return project, out, build(project, out)


def read_back(path: Path) -> Graph:
    return Graph().parse(path, format=FORMATS[path.suffix])


def test_build_writes_every_file(built):
    _, out, result = built
    assert sorted(p.name for p in out.iterdir()) == sorted(BUILD_FILES)
    assert result.out_dir == out


def test_every_file_reads_back_with_the_counts_reported(built):
    _, out, result = built
    for name in ("asserted", "inferred"):
        for suffix in FORMATS:
            assert len(read_back(out / f"{name}{suffix}")) == result.counts[name], f"{name}{suffix}"
    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    for name in ("ontology", "asserted", "inferred"):
        assert len(dataset.graph(GRAPH[name])) == result.counts[name]


def test_formats_hold_the_same_triples(built):
    _, out, _ = built
    for name in ("asserted", "inferred"):
        triples = {suffix: set(read_back(out / f"{name}{suffix}")) for suffix in FORMATS}
        assert triples[".ttl"] == triples[".nt"] == triples[".jsonld"]


def test_asserted_is_the_data_and_inferred_is_disjoint_from_it(built):
    project, out, result = built
    data = Graph().parse(project.data_dir / "acme.ttl")
    asserted, inferred = read_back(out / "asserted.nt"), read_back(out / "inferred.nt")
    assert result.counts["asserted"] == len(data)
    assert {t for t in data if not any(isinstance(x, BNode) for x in t)} <= set(asserted)
    assert not set(asserted) & set(inferred)
    assert result.counts["inferred"] > 0


def test_citation_blank_nodes_become_skolem_iris_shared_by_both_files(built):
    _, out, _ = built
    asserted, inferred = read_back(out / "asserted.nt"), read_back(out / "inferred.nt")
    assert not any(isinstance(x, BNode) for t in asserted for x in t)
    derivations = set(asserted.subjects(RDF.type, PROV.Derivation))
    assert derivations and all(str(d).startswith(GENID) for d in derivations)
    # The inferred types of the derivations name the same IRIs.
    assert set(inferred.subjects(RDF.type, PROV.Influence)) >= derivations


def test_n_triples_are_sorted_and_builds_are_byte_identical(make_project, tmp_path):
    project = make_project()
    build(project, tmp_path / "one")
    build(project, tmp_path / "two")
    for name in BUILD_FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    lines = (tmp_path / "one" / "asserted.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)


@pytest.mark.parametrize("extra", ["", "\nrorg:nameless a rkg:Lab .\n"], ids=["conforming", "violating"])
def test_both_engines_write_the_same_files_and_report_the_same_violations(make_project, tmp_path, extra):
    project = make_project(data={"acme.ttl": TINY_DATA + extra})
    fast = build(project, tmp_path / "fast", force=True)
    reference = build(project, tmp_path / "reference", force=True, engine="reference")
    for name in BUILD_FILES:
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name
    assert fast.counts == reference.counts
    assert sorted((r.severity_name, str(r.focus_node)) for r in fast.report.results) == sorted(
        (r.severity_name, str(r.focus_node)) for r in reference.report.results
    )


def test_an_unknown_engine_is_an_error_and_nothing_is_written(make_project, tmp_path):
    with pytest.raises(BuildError, match="unknown engine 'jena'; use one of fast, reference"):
        build(make_project(), tmp_path / "out", engine="jena")
    assert not (tmp_path / "out").exists()


def test_refuses_to_write_when_the_data_has_violations(make_project, tmp_path):
    project = make_project(data={"acme.ttl": TINY_DATA + "\nrorg:nameless a rkg:Lab .\n"})
    out = tmp_path / "out"
    with pytest.raises(BuildError) as caught:
        build(project, out)
    assert "1 SHACL violation" in str(caught.value)
    assert [str(r.focus_node) for r in caught.value.report.violations] == ["https://w3id.org/restructuring-kg/id/org/nameless"]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [project.root]  # no temporary folder left behind


def test_force_writes_despite_violations(make_project, tmp_path):
    project = make_project(data={"acme.ttl": TINY_DATA + "\nrorg:nameless a rkg:Lab .\n"})
    result = build(project, tmp_path / "out", force=True)
    assert not result.report.conforms
    assert (tmp_path / "out" / "asserted.nt").is_file()


def test_warnings_do_not_stop_a_build(built):
    _, _, result = built
    assert result.report.conforms and result.report.warnings  # the people have no skos:altLabel


def test_a_failed_write_leaves_the_previous_build_untouched(built, monkeypatch):
    project, out, _ = built
    before = {name: (out / name).read_bytes() for name in BUILD_FILES}
    (project.data_dir / "acme.ttl").write_text(TINY_DATA + '\nrorg:acme skos:altLabel "ACME"@en .\n', encoding="utf-8")
    export_module = importlib.import_module("kg.export")  # kg.export is also the function's name
    real, calls = export_module._write_json_ld, []

    def fail_after_first(lines, stream):  # asserted.* written, then the disk is full
        calls.append(1)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real(lines, stream)

    monkeypatch.setattr(export_module, "_write_json_ld", fail_after_first)
    with pytest.raises(WriteError, match="cannot write the build"):
        build(project, out)
    assert {name: (out / name).read_bytes() for name in BUILD_FILES} == before
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, project.root.name])


def test_a_build_replaces_the_previous_one(built):
    project, out, first = built
    (project.data_dir / "acme.ttl").write_text(TINY_DATA + '\nrorg:acme skos:altLabel "ACME"@en .\n', encoding="utf-8")
    second = build(project, out)
    assert second.counts["asserted"] == first.counts["asserted"] + 1
    assert len(read_back(out / "asserted.nt")) == second.counts["asserted"]


def test_refuses_to_replace_a_folder_with_other_files(make_project, tmp_path):
    project = make_project()
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="holds files a build does not write"):
        build(project, out)
    assert (out / "notes.txt").read_text() == "keep me"


def test_literal_subjects_are_never_written(tmp_path):
    bad = Graph()
    bad.add((Literal("2026"), RDF.type, URIRef("http://www.w3.org/2001/XMLSchema#gYear")))
    with pytest.raises(BuildError, match="no store accepts"):
        export(tmp_path / "out", ontology=Graph(), asserted=Graph(), inferred=bad)
    assert not (tmp_path / "out").exists()


def test_json_ld_is_compacted_with_the_project_prefixes(built):
    _, out, _ = built
    document = json.loads((out / "asserted.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["rkg"] == "https://w3id.org/restructuring-kg/ontology#"


ORG_ONLY_QUERIES = {
    # Units under a company, at any depth, in ORG terms only.
    "units": """
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?unit WHERE { ?unit org:transitiveSubOrganizationOf <https://w3id.org/restructuring-kg/id/org/acme> }
        ORDER BY ?unit""",
    # Direct sub-organizations, from the company's side.
    "children": """
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?unit WHERE { <https://w3id.org/restructuring-kg/id/org/acme> org:hasSubOrganization ?unit }
        ORDER BY ?unit""",
    # A person's memberships with their start dates, in ORG and OWL-Time terms only.
    "memberships": """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?organization ?start WHERE {
            ?membership a org:Membership ;
                org:member <https://w3id.org/restructuring-kg/id/person/bo-chen> ;
                org:organization ?organization ;
                org:memberDuring/time:hasBeginning/time:inXSDDate ?start .
        } ORDER BY ?organization""",
    # Who reports to whom, in ORG terms; and the provenance of a unit in PROV terms.
    "reports": """
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?who ?boss WHERE { ?who org:reportsTo ?boss } ORDER BY ?who""",
    "agents": """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?event ?agent WHERE { ?event a prov:Activity ; prov:wasAssociatedWith ?agent } ORDER BY ?event""",
}


def test_queries_in_org_prov_and_time_terms_work_on_the_built_files(built):
    """Load asserted + inferred into a triple store, as an analyst would, and query it."""
    _, out, _ = built
    store = pyoxigraph.Store()
    for name in ("asserted.nt", "inferred.nt"):
        store.load(path=str(out / name), format=pyoxigraph.RdfFormat.N_TRIPLES)

    def rows(query, *variables):
        return [tuple(solution[v].value for v in variables) for solution in store.query(ORG_ONLY_QUERIES[query])]

    org, person = "https://w3id.org/restructuring-kg/id/org/", "https://w3id.org/restructuring-kg/id/person/"
    assert rows("units", "unit") == [(org + "acme-ai",), (org + "acme-lab",)]
    assert rows("children", "unit") == [(org + "acme-ai",)]
    assert rows("memberships", "organization", "start") == [(org + "acme-lab", "2026-03-16")]
    assert rows("reports", "who", "boss") == [(person + "bo-chen", person + "ann-lee")]
    assert rows("agents", "event", "agent") == [("https://w3id.org/restructuring-kg/id/event/2026-03-16-acme-lab-established", person + "bo-chen")]


def test_the_asserted_data_alone_does_not_answer_them(make_project):
    """Without the inferred triples, the ORG-only questions get no answer: reasoning is what makes them work."""
    project = make_project()
    store = pyoxigraph.Store()
    store.load(path=str(project.data_dir / "acme.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert list(store.query(ORG_ONLY_QUERIES["units"])) == []
    assert list(store.query(ORG_ONLY_QUERIES["reports"])) == []
