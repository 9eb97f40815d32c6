"""kg.engines: one interface, the same meaning of --engine everywhere, the fast path without rdflib graphs."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Literal, URIRef

import kg.engines.fast
import kg.engines.reference
import kg.fast.store
import kg.fast.validate
import kg.load
import kg.timebounds
from kg.build import build
from kg.cli import main
from kg.engines import ALIASES, ENGINES, engine_named
from kg.errors import IllFormedLiteralError, KGError, RDFSyntaxError, UnknownTermError
from kg.export import BUILD_FILES
from kg.vocab import RDFS
from tests.conftest import PROLOGUE, TINY_DATA

ACME = URIRef("https://w3id.org/restructuring-kg/id/org/acme")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_name_and_alias_is_an_engine():
    assert [engine_named(name).name for name in ENGINES] == ["fast", "reference"]
    assert {alias: engine_named(alias).name for alias in ALIASES} == {"oxigraph": "fast", "rdflib": "reference"}
    with pytest.raises(KGError, match="unknown engine 'jena'; use one of fast, reference"):
        engine_named("jena")


@pytest.mark.parametrize("command", [["validate"], ["query", "--file", "{query}"], ["chart", "Acme", "-o", "{dot}"]])
def test_engine_takes_the_same_names_in_every_command(make_project, capsys, tmp_path, command):
    project = make_project()
    query = tmp_path / "q.rq"
    query.write_text("#+ summary: labels\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                     "SELECT ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l\n", encoding="utf-8")
    argv = [part.format(query=query, dot=tmp_path / "c.dot") for part in command]
    outputs = {}
    for name in [*ENGINES, *ALIASES]:
        code, out, err = run(capsys, "--root", project.root, *argv, "--engine", name)
        assert code == 0, (name, err)
        outputs[name] = out.replace(str(tmp_path), "")
    assert outputs["fast"] == outputs["oxigraph"] == outputs["reference"] == outputs["rdflib"]


NEEDS_INFERRED = """#+ summary: the classes of Acme, inferred ones too
#+ needs: inferred
PREFIX rkg: <https://w3id.org/restructuring-kg/ontology#>
SELECT ?class WHERE { <https://w3id.org/restructuring-kg/id/org/acme> a ?class } ORDER BY ?class
"""


def test_a_query_that_needs_inferences_reasons_with_the_chosen_engine(make_project, capsys, tmp_path, monkeypatch):
    project = make_project()
    query = tmp_path / "classes.rq"
    query.write_text(NEEDS_INFERRED, encoding="utf-8")
    rows, calls = {}, []
    real_fast, real_owlrl = kg.engines.fast.fast_reason, kg.engines.reference.reason
    monkeypatch.setattr(kg.engines.fast, "fast_reason", lambda *a, **k: calls.append("fast") or real_fast(*a, **k))
    monkeypatch.setattr(kg.engines.reference, "reason", lambda *a, **k: calls.append("owlrl") or real_owlrl(*a, **k))
    for engine in ENGINES:
        code, out, err = run(capsys, "--root", project.root, "query", "--file", query, "--engine", engine, "--format", "csv")
        assert code == 0, err
        rows[engine] = out
    assert calls == ["fast", "owlrl"]
    assert rows["fast"] == rows["reference"]
    assert "http://www.w3.org/ns/org#FormalOrganization" in rows["fast"]  # inferred: rkg:Company is one


def test_the_fast_engine_reads_no_data_file_into_rdflib(make_project, tmp_path, monkeypatch):
    project = make_project()
    read = []
    real = kg.load._read_file
    monkeypatch.setattr(kg.load, "_read_file", lambda path: read.append(Path(path).resolve()) or real(path))
    build(project, tmp_path / "out")
    assert read and not set(read) & {p.resolve() for p in project.data_files}
    assert set(read) == {p.resolve() for p in [*project.ontology_files, *project.shapes_files]}


def open_both(project, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {name: engine_named(name).open(project, **options) for name in ENGINES}


def test_both_engines_open_the_same_data(make_project):
    extra = "\nrorg:beta a rkg:Company ; rdfs:label \"Beta\"@en ; <https://example.org/partOf> rorg:acme .\n"
    project = make_project(data={"acme.ttl": TINY_DATA, "beta.ttl": PROLOGUE + extra})
    opened = open_both(project)
    fast, reference = opened["fast"], opened["reference"]
    assert len(fast.data) == len(reference.data)
    assert fast.warnings == reference.warnings
    for node in (ACME, URIRef("https://w3id.org/restructuring-kg/id/org/beta")):
        assert fast.files_of(node) == reference.files_of(node)
        assert sorted(fast.data.objects(node, RDFS.label)) == sorted(reference.data.objects(node, RDFS.label))


def test_blank_node_labels_are_local_to_each_file_in_the_store(make_project):
    same = PROLOGUE + "rorg:{0} <https://example.org/note> _:b1 . _:b1 rdfs:label \"{0}\" .\n"
    project = make_project(data={"acme.ttl": TINY_DATA, "x.ttl": same.format("x"), "y.ttl": same.format("y")})
    store = open_both(project)["fast"].store
    notes = {quad.object for quad in store.quads_for_pattern(None, pyoxigraph.NamedNode(
        "https://example.org/note"), None, pyoxigraph.DefaultGraph())}
    assert len(notes) == 2


@pytest.mark.parametrize("text, error, where", [
    ("rorg:acme rdfs:label \"Acme\"@en\nrorg:beta rdfs:label \"B\" .", RDFSyntaxError, ":"),
    ("rorg:acme <https://example.org/founded> \"2026-13\"^^xsd:gYearMonth .", IllFormedLiteralError, "gYearMonth"),
    ("rorg:acme a rkg:BuisnessUnit .", UnknownTermError, "rkg:BusinessUnit"),
], ids=["syntax", "ill-formed literal", "unknown term"])
def test_the_fast_engine_keeps_every_check_of_the_loader(make_project, text, error, where):
    project = make_project(data={"acme.ttl": TINY_DATA, "bad.ttl": PROLOGUE + "\n" + text + "\n"})
    messages = {}
    for name in ENGINES:
        with pytest.raises(error) as raised:
            engine_named(name).open(project)
        messages[name] = str(raised.value)
    assert messages["fast"] == messages["reference"]
    assert "bad.ttl:" in messages["fast"] and where in messages["fast"]


@pytest.mark.parametrize("extra", [
    # a data file that repeats an ontology triple: it is asserted data too
    "\nrkg:Company rdfs:label \"Company\"@en .\n",
    # literals the store rewrites, and two written forms of one stored value
    "\nrorg:acme schema:value \"7\"^^xsd:int , \"1.50\"^^xsd:decimal ; <https://example.org/count> \"07\"^^xsd:integer .\n"
    "rorg:acme <https://example.org/note> [ schema:value \"7\"^^xsd:integer ] .\n",
], ids=["ontology triple in the data", "rewritten literals"])
def test_both_engines_write_the_same_build(make_project, tmp_path, extra):
    project = make_project(data={"acme.ttl": TINY_DATA + extra})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = {name: build(project, tmp_path / name, force=True, engine=name) for name in ENGINES}
    assert results["fast"].counts == results["reference"].counts
    for name in BUILD_FILES:
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name


def test_store_lines_refuses_a_store_that_merged_written_literals(make_project):
    """Which written form was where is in the files only: FastEngine.write hands such a
    build to the reference engine (above), and store_lines says so rather than guess."""
    extra = "\nrorg:acme schema:value \"7\"^^xsd:int ; <https://example.org/count> \"07\"^^xsd:integer .\n"
    project = make_project(data={"acme.ttl": TINY_DATA + extra})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = kg.engines.fast.FastEngine().open(project)
    assert kg.fast.store.merged_forms(dataset.store)
    with pytest.raises(ValueError, match="several written differently"):
        kg.engines.fast.store_lines(dataset)


def test_a_build_derives_the_day_bounds_once_and_the_rules_never_see_them(make_project, tmp_path, monkeypatch):
    # A domain of rkg:holdsFrom: the reference reasons over the asserted data, without the
    # bounds, so no interval is an ex:Held; the fast build must not make one either.
    extra = "\nrkg:holdsFrom rdfs:domain <https://example.org/Held> .\n"
    project = make_project(data={"acme.ttl": TINY_DATA + extra})
    calls = []

    def counted(store):
        calls.append(store)
        return kg.timebounds.store_day_bounds(store)

    monkeypatch.setattr(kg.engines.fast, "store_day_bounds", counted)
    monkeypatch.setattr(kg.fast.validate, "store_day_bounds", counted)
    results = {name: build(project, tmp_path / name, force=True, engine=name) for name in ENGINES}
    assert len(calls) == 1
    assert results["fast"].counts == results["reference"].counts
    for name in BUILD_FILES:
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name
    inferred = (tmp_path / "fast" / "inferred.nt").read_text(encoding="utf-8")
    assert "ontology#holdsFrom>" in inferred and "https://example.org/Held" not in inferred


@pytest.mark.parametrize("inferred", [False, True])
def test_a_query_target_holds_the_day_bounds_of_the_asserted_data_once_validated(make_project, inferred):
    project = make_project()
    engine = kg.engines.fast.FastEngine()
    dataset = engine.open(project)
    before = set(dataset.store)
    assert engine.validate(dataset).conforms
    assert set(dataset.store) == before  # validation took its bounds out again
    store = engine.query_target(dataset, inferred=inferred)
    graphs = kg.engines.reference.ReferenceEngine().open(project)
    expected = {pyoxigraph.Quad(*map(kg.fast.store.from_rdflib, t))
                for t in kg.timebounds.day_bounds(graphs.ontology + graphs.data)}
    assert expected and all(quad in store for quad in expected)
    assert engine.validate(dataset).conforms  # a validation of the target leaves its bounds there
    assert all(quad in store for quad in expected)


def test_files_of_a_node_only_mentioned_as_an_object(make_project):
    extra = PROLOGUE + "\nrorg:acme <https://example.org/partner> <https://example.org/elsewhere> .\n"
    project = make_project(data={"acme.ttl": TINY_DATA, "more.ttl": extra})
    opened = open_both(project)
    node = URIRef("https://example.org/elsewhere")
    assert [p.name for p in opened["fast"].files_of(node)] == ["more.ttl"] == [
        p.name for p in opened["reference"].files_of(node)]
    assert opened["fast"].files_of(BNode("nothing")) == []
    assert opened["fast"].files_of(Literal("x")) == []


def test_fast_modules_import_no_private_name_of_another_module():
    for path in sorted(Path(kg.engines.fast.__file__).parent.parent.glob("fast/*.py")) + sorted(
            Path(kg.engines.fast.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        private = [f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   for alias in node.names if alias.name.startswith("_") and (node.module or "").startswith("kg")]
        assert private == [], path


def test_a_literal_focus_node_is_reported_by_the_command_line(make_project, capsys):
    shapes = PROLOGUE + '\n<https://example.org/S> a sh:NodeShape ; sh:targetNode "04"^^xsd:integer ; sh:datatype xsd:int ;' \
        ' sh:message "not an int" .\n'
    project = make_project(shapes=shapes)
    outputs = {}
    for engine in ENGINES:
        code, out, err = run(capsys, "--root", project.root, "validate", "--engine", engine)
        assert code == 1, err
        outputs[engine] = out
    assert outputs["fast"] == outputs["reference"]
    assert "not an int" in outputs["fast"]
