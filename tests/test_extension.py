"""Extensions (kg --with DIR), the typo guard, and the guide docs/extending.md followed step by step."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.cli import main
from kg.errors import ProjectError, UnknownTermError
from kg.load import load_graph, load_project
from kg.project import Extension, Project
from kg.query import load_catalogue, run_query
from kg.template import apply_template, write_turtle
from kg.validate import validate
from kg.vocab import RDF
from tests.conftest import ROOT, TINY_DATA, write_project

EXAMPLE = ROOT / "examples" / "extension"
GUIDE = ROOT / "docs" / "extending.md"
MYX = "https://example.org/my-extension#"
RKG_ONTOLOGY = URIRef("https://w3id.org/restructuring-kg/ontology")
TYPO_GUARD = ROOT / "ontology" / "typo-guard-shapes.ttl"
DECLARED_TERM_SHAPE = URIRef("https://w3id.org/restructuring-kg/shapes#DeclaredTermShape")


def _undeclared(report) -> list[tuple[str, str]]:
    return sorted((str(r.focus_node), str(r.value)) for r in report.violations if r.source_shape == DECLARED_TERM_SHAPE)


@pytest.fixture(scope="module")
def example_graphs():
    project = Project.at(ROOT, origin="checkout").with_extensions([EXAMPLE])
    return load_project(project, require_shapes=True)


@pytest.fixture(scope="module")
def example_report(example_graphs):
    """The shipped data with the example extension, validated once (core shapes, typo guard, its shapes)."""
    return validate(example_graphs.data, shapes_graph=example_graphs.shapes, ontology_graph=example_graphs.ontology)


# -- the example extension ------------------------------------------------------------


def test_example_extension_files_join_the_project(shipped_project):
    project = shipped_project.with_extensions([EXAMPLE])
    assert project.extensions == (Extension(EXAMPLE.resolve()),)
    assert project.ontology_files[-1] == EXAMPLE / "ontology" / "my-extension.ttl"
    assert project.shapes_files[-1] == EXAMPLE / "shapes.ttl"
    assert project.data_files == shipped_project.data_files + [EXAMPLE / "data" / "priorities.ttl"]
    assert project.query_dirs == [shipped_project.queries_dir, EXAMPLE / "queries"]
    # The same folder twice is loaded once; the project without --with is unchanged.
    assert project.with_extensions([EXAMPLE]).extensions == project.extensions
    assert shipped_project.extensions == ()


def test_example_extension_loads_and_conforms(example_graphs, example_report, shipped_graphs):
    assert (URIRef(MYX + "PriorityStatement"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in example_graphs.ontology
    statements = set(example_graphs.data.subjects(RDF.type, URIRef(MYX + "PriorityStatement")))
    assert len(statements) == 2
    assert len(example_graphs.data) > len(shipped_graphs.data)
    # Its shapes are validated with the core shapes.
    assert (URIRef("https://example.org/my-extension-shapes#PriorityStatementShape"), None, None) in example_graphs.shapes
    assert (URIRef("https://w3id.org/restructuring-kg/shapes#MembershipShape"), None, None) in example_graphs.shapes
    assert example_report.conforms, [r.message for r in example_report.violations]


def test_example_extension_shapes_fire(example_graphs):
    # The extension's facts with the core resources they name (teams, sources), one team link removed.
    data = load_graph([EXAMPLE / "data" / "priorities.ttl", ROOT / "data" / "sources.ttl"])
    for team in ("qwen-team", "qwen-product-team"):
        data += example_graphs.data.triples((URIRef(f"https://w3id.org/restructuring-kg/id/org/{team}"), None, None))
    data.remove((URIRef("https://example.org/my-extension/id/priority/qwen-team-open-source-influence"), URIRef(MYX + "team"), None))
    report = validate(data, shapes_graph=example_graphs.shapes, ontology_graph=example_graphs.ontology)
    ours = [r for r in report.violations if str(r.focus_node).startswith("https://example.org/")]
    assert [(str(r.focus_node), r.message) for r in ours] == [(
        "https://example.org/my-extension/id/priority/qwen-team-open-source-influence",
        "A priority statement needs exactly one myx:team, an org:Organization of the graph.",
    )]


def test_example_query_joins_the_catalogue_and_runs(example_graphs):
    project = example_graphs.project
    catalogue = load_catalogue(*project.query_dirs)
    assert "team-priorities" in catalogue and "org-chart" in catalogue
    graph = example_graphs.ontology + example_graphs.data
    rows = run_query("team-priorities", graph, catalogue=catalogue).rows
    assert [(r["teamName"], r["priorityName"], r["source"], r["locator"]) for r in rows] == [
        ("Qwen product team", "multimodal capability", "004_b00deb98aa85aa0d.txt", "L20"),
        ("Qwen team", "open-source influence", "004_b00deb98aa85aa0d.txt", "L20"),
    ]


def test_cli_query_with_example(capsys):
    assert main(["--root", str(ROOT), "query", "team-priorities", "--with", str(EXAMPLE), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "teamName,priorityName,source,locator,team,statement"
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["Qwen product team", "multimodal capability"], ["Qwen team", "open-source influence"]]
    # Without --with the query is not in the catalogue.
    assert main(["--root", str(ROOT), "query", "team-priorities"]) == 2


def test_cli_sources_check_with_example(capsys):
    sources = ROOT.parent / "shared" / "sources"
    if not sources.is_dir():
        pytest.skip("the shared sources are not beside the checkout")
    assert main(["--root", str(ROOT), "sources", "check", str(sources), "--with", str(EXAMPLE)]) == 0
    assert ", 0 failed" in capsys.readouterr().out


def test_extension_must_import_the_core(tmp_path, capsys):
    extension = tmp_path / "ext"
    shutil.copytree(EXAMPLE, extension)
    terms = extension / "ontology" / "my-extension.ttl"
    terms.write_text(terms.read_text().replace("owl:imports <https://w3id.org/restructuring-kg/ontology> ;", ""))
    with pytest.raises(ProjectError, match="owl:imports <https://w3id.org/restructuring-kg/ontology>"):
        load_project(Project.at(ROOT).with_extensions([extension]))
    assert main(["--root", str(ROOT), "validate", "--with", str(extension)]) == 2
    assert "must be an owl:Ontology that owl:imports" in capsys.readouterr().err


def test_extension_needs_an_ontology(tmp_path, capsys):
    (tmp_path / "ext" / "data").mkdir(parents=True)
    with pytest.raises(ProjectError, match="needs its ontology"):
        Project.at(ROOT).with_extensions([tmp_path / "ext"])
    assert main(["--root", str(ROOT), "validate", "--with", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err


# -- the typo guard --------------------------------------------------------------------


def test_typo_guard_is_silent_on_the_shipped_data(example_graphs, example_report):
    assert TYPO_GUARD in example_graphs.project.shapes_files
    assert TYPO_GUARD not in example_graphs.project.ontology_files
    # The shipped data and the example extension: both namespaces are checked, none is flagged.
    focus = set(example_graphs.ontology.subjects(URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"), None))
    assert {RKG_ONTOLOGY, URIRef("https://example.org/my-extension")} <= focus
    assert _undeclared(example_report) == []


def _typo_project(tmp_path: Path, extra: str) -> Project:
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    project = write_project(tmp_path / "p", data={"acme.ttl": TINY_DATA + extra}, shapes=shapes)
    shutil.copy(TYPO_GUARD, project.ontology_dir / TYPO_GUARD.name)
    return project


def test_typo_guard_catches_a_misspelled_property_and_class(tmp_path):
    project = _typo_project(tmp_path, """
rrep:bo-chen-to-ann-lee rkg:reportsTooo rper:ann-lee .
rorg:acme-lab a rkg:Labb .
""")
    graphs = load_project(project, check_terms=False)  # the loader refuses them first (tests/test_load.py)
    report = validate(graphs.data, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)
    assert not report.conforms
    assert _undeclared(report) == [
        (str(RKG_ONTOLOGY), "https://w3id.org/restructuring-kg/ontology#Labb"),
        (str(RKG_ONTOLOGY), "https://w3id.org/restructuring-kg/ontology#reportsTooo"),
    ]


def test_a_typo_stops_the_cli_at_load_before_the_typo_guard(tmp_path, capsys):
    project = _typo_project(tmp_path, "rorg:acme rkg:reportsTooo rorg:acme-ai .\n")
    assert main(["--root", str(project.root), "validate"]) == 2
    err = capsys.readouterr().err
    assert "rorg:acme uses rkg:reportsTooo, which the ontology does not define (did you mean rkg:reportedTo?)" in err


def test_typo_guard_covers_extension_namespaces(tmp_path):
    extension = tmp_path / "ext"
    shutil.copytree(EXAMPLE, extension)
    facts = extension / "data" / "priorities.ttl"
    facts.write_text(facts.read_text().replace("myx:priority myx:multimodalCapability", "myx:priorty myx:multimodalCapability"))
    with pytest.raises(UnknownTermError, match="uses myx:priorty, which the ontology does not define"):
        load_project(_typo_project(tmp_path, "").with_extensions([extension]))
    graphs = load_project(_typo_project(tmp_path, "").with_extensions([extension]), check_terms=False)
    report = validate(graphs.data, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)
    assert _undeclared(report) == [("https://example.org/my-extension", MYX + "priorty")]


def test_typo_guard_accepts_declared_new_terms(tmp_path):
    project = _typo_project(tmp_path, "")
    graphs = load_project(project)
    data = graphs.data + Graph().parse(format="turtle", data="""
        @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        rkg:newProperty a owl:ObjectProperty .
        <https://example.org/a> rkg:newProperty <https://example.org/b> .""")
    report = validate(data, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)
    assert _undeclared(report) == []
    # A term only mentioned as a value (not used as a predicate or class) is not a use.
    data.add((URIRef("https://example.org/a"), URIRef("https://example.org/seeAlso"), URIRef(str(RKG_ONTOLOGY) + "#unusedTerm")))
    assert _undeclared(validate(data, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)) == []


# -- the guide, followed step by step ------------------------------------------------------

_SNIPPET = re.compile(r"^```[a-z]*\n# file: (?P<path>\S+)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def _guide_snippets() -> dict[str, str]:
    snippets = {m["path"]: m["body"] for m in _SNIPPET.finditer(GUIDE.read_text(encoding="utf-8"))}
    assert snippets, "docs/extending.md has no '# file:' snippets"
    return snippets


def test_guide_snippets_cover_every_step():
    paths = set(_guide_snippets())
    assert {
        "my-extension/ontology/my-extension.ttl", "my-extension/shapes.ttl", "my-extension/data/sources.ttl",
        "my-extension/data/example-robotics.ttl", "my-extension/data/people.ttl", "my-extension/data/events.ttl",
        "my-extension/queries/acquihires.rq", "my-extension/robotics-team.csv",
    } <= paths


def _write_guide(folder: Path) -> Path:
    """Write the guide's snippets under ``folder``; return the extension (the template goes beside it)."""
    for name, body in _guide_snippets().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(body, encoding="utf-8")
    extension = folder / "my-extension"
    (extension / "robotics-team.csv").rename(folder / "robotics-team.csv")  # not part of the extension's layout
    return extension


def test_build_with_an_extension(tmp_path, capsys):
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    project = write_project(tmp_path / "p", shapes=shapes)
    extension = _write_guide(tmp_path)
    out = tmp_path / "build"
    assert main(["--root", str(project.root), "build", "--with", str(extension), "--out", str(out)]) == 0, capsys.readouterr()
    asserted, inferred = Graph().parse(out / "asserted.nt"), Graph().parse(out / "inferred.nt")
    event = URIRef("https://example.org/my-extension/id/event/2026-03-02-li-ming-joins-example-robotics")
    assert (event, RDF.type, URIRef(MYX + "Acquihire")) in asserted
    # Reasoning uses the extension's ontology: an acquihire is an appointment.
    assert (event, RDF.type, URIRef("https://w3id.org/restructuring-kg/ontology#Appointment")) in inferred


def test_following_the_guide_gives_a_valid_extension(tmp_path, capsys):
    """A newcomer writes the guide's snippets: a company with a unit, a person, a role, an
    event of a new type, shapes, a query, then bulk rows from a template; kg accepts it."""
    extension = _write_guide(tmp_path)

    graphs = load_project(Project.at(ROOT).with_extensions([extension]), require_shapes=True)
    rows = run_query("acquihires", graphs.ontology + graphs.data, catalogue=load_catalogue(*graphs.project.query_dirs)).rows
    assert [(str(r["date"]), r["personName"]) for r in rows] == [("2026-03-02", "Li Ming")]

    result = apply_template(tmp_path / "robotics-team.csv", graphs, base="https://example.org/my-extension/id/")
    assert result.ok, [str(e) for e in result.errors]
    write_turtle(result.graph, extension / "data" / "robotics-team.ttl")
    assert main(["--root", str(ROOT), "validate", "--with", str(extension)]) == 0, capsys.readouterr().out
