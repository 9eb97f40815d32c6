"""Loading Turtle: exact syntax-error lines, per-file provenance of nodes, whole projects."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from kg.errors import ProjectError, RDFSyntaxError
from kg.load import files_of, load_dataset, load_graph, load_project, parse

EX = "@prefix ex: <https://example.org/> .\n"


def write(folder: Path, name: str, text, *, binary: bool = False) -> Path:
    path = folder / name
    if binary:
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def syntax_error(path: Path) -> RDFSyntaxError:
    with pytest.raises(RDFSyntaxError) as caught:
        parse(path)
    return caught.value


def test_parse_reads_the_triples(tmp_path):
    path = write(tmp_path, "a.ttl", EX + 'ex:acme ex:name "Acme"@en ; ex:unit ex:lab .\n')
    graph = parse(path)
    assert set(graph) == {
        (URIRef("https://example.org/acme"), URIRef("https://example.org/name"), Literal("Acme", lang="en")),
        (URIRef("https://example.org/acme"), URIRef("https://example.org/unit"), URIRef("https://example.org/lab")),
    }


@pytest.mark.parametrize(
    "text, line",
    [
        # The statement on line 3 lacks its dot: the parser stops at the next token, on line 4.
        (EX + "ex:a ex:b ex:c .\nex:d ex:e ex:f\nex:g ex:h ex:i .\n", 4),
        # An undeclared prefix on the first line.
        ("ex:a ex:b ex:c .\n", 1),
        # A space inside an IRI (rdflib alone would accept it with a warning).
        (EX + "\n\nex:a ex:b <https://example.org/x y> .\n", 4),
        # A string left open on line 2.
        (EX + 'ex:a ex:b "open .\n\nex:c ex:d ex:e .\n', 2),
        # An error after a multi-line string: lines inside the string count.
        (EX + 'ex:a ex:b """one\ntwo\nthree""" .\nex:c ex:d ;; .\n', 5),
        # The last statement unfinished, without a final newline.
        (EX + "ex:a ex:b ex:c", 2),
    ],
)
def test_syntax_error_has_the_file_and_line(tmp_path, text, line):
    path = write(tmp_path, "bad.ttl", text)
    error = syntax_error(path)
    assert error.path == path
    assert error.line == line
    assert str(error).startswith(f"{path}:{line}: ")
    assert error.message and "Parser error" not in error.message


def test_invalid_utf8_is_a_syntax_error_with_its_line(tmp_path):
    path = write(tmp_path, "latin1.ttl", (EX + 'ex:a ex:b "caf\xe9" .\n').encode("latin-1"), binary=True)
    error = syntax_error(path)
    assert error.line == 2
    assert "UTF-8" in error.message


def test_syntax_error_path_is_shown_relative_to_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    write(tmp_path / "data", "bad.ttl", EX + "ex:a ex:b .\n")
    monkeypatch.chdir(tmp_path)
    error = syntax_error(tmp_path / "data" / "bad.ttl")
    assert str(error).startswith("data/bad.ttl:2: ")


def test_missing_file_is_a_project_error(tmp_path):
    with pytest.raises(ProjectError, match="missing.ttl: cannot read"):
        parse(tmp_path / "missing.ttl")


def test_load_graph_stops_at_the_first_bad_file(tmp_path):
    good = write(tmp_path, "good.ttl", EX + "ex:a ex:b ex:c .\n")
    bad = write(tmp_path, "bad.ttl", EX + "ex:a ex:b\n")
    with pytest.raises(RDFSyntaxError) as caught:
        load_graph([good, bad])
    assert caught.value.path == bad


def test_blank_node_labels_are_local_to_each_file(tmp_path):
    one = write(tmp_path, "one.ttl", EX + "ex:a ex:cites _:d . _:d ex:line 1 .\n")
    two = write(tmp_path, "two.ttl", EX + "ex:b ex:cites _:d . _:d ex:line 2 .\n")
    graph = load_graph([one, two])
    cited = set(graph.objects(None, URIRef("https://example.org/cites")))
    assert len(cited) == 2 and all(isinstance(node, BNode) for node in cited)


def test_files_of_names_the_files_that_describe_a_node(tmp_path):
    one = write(tmp_path, "one.ttl", EX + 'ex:acme ex:name "Acme" . ex:acme ex:unit ex:lab .\n')
    two = write(tmp_path, "two.ttl", EX + 'ex:acme ex:size 3 . ex:beta ex:name "Beta" .\n')
    dataset = load_dataset([one, two])
    assert files_of(dataset, URIRef("https://example.org/acme")) == [one.resolve(), two.resolve()]
    assert files_of(dataset, URIRef("https://example.org/beta")) == [two.resolve()]
    # Mentioned only as an object: the file that mentions it.
    assert files_of(dataset, URIRef("https://example.org/lab")) == [one.resolve()]
    assert files_of(dataset, URIRef("https://example.org/nowhere")) == []


def test_files_of_works_for_blank_nodes(tmp_path):
    one = write(tmp_path, "one.ttl", EX + "ex:a ex:cites [ ex:line 1 ] .\n")
    dataset = load_dataset([one])
    (derivation,) = {o for _, _, o, _ in dataset.quads((None, URIRef("https://example.org/cites"), None, None))}
    assert files_of(dataset, derivation) == [one.resolve()]


def test_load_project_reads_ontology_shapes_and_data_separately(make_project):
    project = make_project(data={"acme.ttl": EX + "ex:acme a ex:Company .\n", "more/beta.ttl": EX + "ex:beta a ex:Company .\n"})
    graphs = load_project(project)
    assert len(graphs.data) == 2
    assert sorted(path.name for path in graphs.files_of(URIRef("https://example.org/beta"))) == ["beta.ttl"]
    # The shapes are not part of the ontology graph.
    sh = URIRef("http://www.w3.org/ns/shacl#NodeShape")
    assert (None, None, sh) in graphs.shapes
    assert (None, None, sh) not in graphs.ontology
    assert (URIRef("https://w3id.org/restructuring-kg/ontology#Company"), None, None) in graphs.ontology


def test_load_project_without_shapes(make_project):
    project = make_project(shapes=None)
    assert load_project(project).shapes is None
    with pytest.raises(ProjectError, match="shapes.ttl: no such file"):
        load_project(project, require_shapes=True)


def test_load_project_needs_data(make_project):
    project = make_project(data={})
    with pytest.raises(ProjectError, match="no data files"):
        load_project(project)


@pytest.mark.parametrize("where", ["ontology/restructuring.ttl", "ontology/shapes.ttl", "data/acme.ttl"])
def test_a_syntax_error_anywhere_in_a_project_names_its_file_and_line(make_project, where):
    project = make_project()
    path = project.root / where
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines) + "\nthis is not turtle .\n", encoding="utf-8")
    with pytest.raises(RDFSyntaxError) as caught:
        load_project(project)
    assert caught.value.path == path
    assert caught.value.line == len(lines) + 1


def test_the_shipped_project_loads(shipped_graphs):
    assert len(shipped_graphs.ontology) > 0 and len(shipped_graphs.data) > 0
    assert len(shipped_graphs.data) == sum(len(g) for g in shipped_graphs.dataset.graphs())


# -- What the loader says when nothing else would -----------------------------------------


def kg_main(capsys, *argv) -> tuple[int, str, str]:
    from kg.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_empty_data_file_is_a_warning_on_the_project_and_on_stderr(make_project, capsys):
    from kg.load import LoadWarning
    from tests.conftest import TINY_DATA

    project = make_project(data={"acme.ttl": TINY_DATA, "empty.ttl": ""})
    with pytest.warns(LoadWarning, match="empty.ttl: no triples: this data file adds nothing"):
        graphs = load_project(project)
    assert len(graphs.warnings) == 1
    code, out, err = kg_main(capsys, "--root", project.root, "validate")
    assert code == 0 and "kg: warning: " in err and "empty.ttl: no triples" in err
    code, out, err = kg_main(capsys, "--root", project.root, "build")
    assert code == 0 and err.count("empty.ttl: no triples: this data file adds nothing") == 1
    (project.root / "data" / "acme.ttl").write_text(TINY_DATA + "\nrorg:nameless a rkg:Lab .\n", encoding="utf-8")
    code, out, err = kg_main(capsys, "--root", project.root, "build")  # refused: loads again for the report
    assert code == 1 and err.count("empty.ttl: no triples") == 1


def test_shapes_without_a_shape_say_that_validation_checks_nothing(make_project, capsys):
    project = make_project(shapes="@prefix sh: <http://www.w3.org/ns/shacl#> .\n")
    graphs = load_project(project)
    assert any("no SHACL shapes" in w and "validation checks nothing" in w for w in graphs.warnings)
    code, out, err = kg_main(capsys, "--root", project.root, "validate")
    assert "shapes.ttl: no SHACL shapes" in err and "validation checks nothing" in err
    project = make_project("emptied", shapes="")
    code, out, err = kg_main(capsys, "--root", project.root, "validate")
    assert "shapes.ttl: no triples" in err and "validation checks nothing" in err


def test_a_project_prefix_bound_to_another_iri_is_named_with_its_line(make_project, capsys):
    from tests.conftest import TINY_DATA

    data = TINY_DATA.replace("<https://w3id.org/restructuring-kg/ontology#>", "<https://example.org/wrong#>")
    assert data != TINY_DATA
    line = data.splitlines().index(next(x for x in data.splitlines() if "wrong#" in x)) + 1
    project = make_project(data={"acme.ttl": data})
    graphs = load_project(project)
    assert [w for w in graphs.warnings if "prefix rkg:" in w] == [
        f"{project.root / 'data' / 'acme.ttl'}:{line}: the prefix rkg: is bound to <https://example.org/wrong#>, "
        "not to the project's <https://w3id.org/restructuring-kg/ontology#>: its terms are not the project's"
    ]
    code, out, err = kg_main(capsys, "--root", project.root, "validate")
    assert f"acme.ttl:{line}: the prefix rkg: is bound to <https://example.org/wrong#>" in err


def test_the_shipped_project_loads_without_warnings(shipped_graphs):
    assert shipped_graphs.warnings == ()


def test_an_unknown_project_term_is_an_error_with_file_line_resource_and_close_matches(make_project, capsys):
    from kg.errors import UnknownTermError
    from tests.conftest import TINY_DATA

    data = TINY_DATA + "\nrorg:acme-typo a rkg:BuisnessUnit ;\n    rdfs:label \"Typo\"@en .\n"
    project = make_project(data={"acme.ttl": data})
    with pytest.raises(UnknownTermError) as caught:
        load_project(project)
    line = len(data.splitlines()) - 1
    assert str(caught.value) == (
        f"{project.root / 'data' / 'acme.ttl'}:{line}: rorg:acme-typo uses rkg:BuisnessUnit, "
        "which the ontology does not define (did you mean rkg:BusinessUnit?)"
    )
    code, out, err = kg_main(capsys, "--root", project.root, "validate")
    assert code == 2 and "did you mean rkg:BusinessUnit?" in err and "Traceback" not in err


@pytest.mark.parametrize("iri", ["http://w3id.org/restructuring-kg/ontology#", "https://w3id.org/restructuring-kg/ontology/"])
def test_a_namespace_that_only_looks_like_the_projects_is_named_whatever_its_prefix(make_project, iri):
    from tests.conftest import TINY_DATA

    data = TINY_DATA + f"@prefix k: <{iri}> .\nrorg:acme k:note \"x\" .\n"
    graphs = load_project(make_project(data={"acme.ttl": data}))
    assert any(f"the prefix k: is bound to <{iri}>, not to the project's "
               "<https://w3id.org/restructuring-kg/ontology#>" in w for w in graphs.warnings)


def test_the_fast_engine_finds_the_file_of_a_blank_node(make_project):
    """The fast engine reads the files again for files_of (not at load): a blank node is
    found in its own file, named there as the store names it (labelled or not)."""
    import pyoxigraph

    from kg.engines import engine_named
    from kg.fast.store import to_rdflib
    from tests.conftest import PROLOGUE, TINY_DATA

    note = PROLOGUE + 'rorg:acme <https://example.org/note> _:b1, [ rdfs:label "{0} anonymous" ] .\n_:b1 rdfs:label "{0}" .\n'
    project = make_project(data={"acme.ttl": TINY_DATA, "x.ttl": note.format("x"), "y.ttl": note.format("y")})
    dataset = engine_named("fast").open(project)
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for name in ("x", "y"):
        for text in (name, f"{name} anonymous"):
            node = to_rdflib(next(dataset.store.quads_for_pattern(None, None, pyoxigraph.Literal(text), None)).subject)
            assert isinstance(node, BNode)
            assert [p.name for p in dataset.files_of(node)] == [f"{name}.ttl"]
            assert list(dataset.data.objects(node, label)) == [Literal(text)]
