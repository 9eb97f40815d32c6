"""The kg command: output and exit codes (0 ok, 1 violations or failed citations, 2 error)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rdflib import Graph

from kg.cli import main
from tests.conftest import ROOT, TINY_DATA, TINY_SOURCE, stderr_on_a_terminal

TINY_TRIPLES = len(Graph().parse(data=TINY_DATA, format="turtle"))
VIOLATING = TINY_DATA + "\nrorg:nameless a rkg:Lab .\n"
BROKEN = TINY_DATA + "\nrorg:broken a rkg:Lab\nrorg:next a rkg:Lab .\n"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def kg_process(*argv, cwd=ROOT) -> subprocess.CompletedProcess:
    """``python -m kg`` in a new process, using this checkout's package."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "kg", *map(str, argv)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


# -- kg validate ------------------------------------------------------------------------


def test_validate_and_build_of_the_shipped_project_write_nothing_on_stderr_through_a_pipe(tmp_path):
    """The work runs in a worker thread (for Ctrl-C); Oxigraph's query results it leaves in
    reference cycles once made pyoxigraph print "RuntimeError: ... is unsendable" at exit."""
    for argv in (["validate"], ["build", "--out", tmp_path / "out"]):
        done = kg_process(*argv)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", argv


def test_validate_conforming_data_exits_0(make_project, capsys):
    project = make_project()
    code, out, err = run(capsys, "--root", project.root, "validate")
    assert code == 0
    assert out.splitlines()[-1] == f"0 violations, 2 warnings, 0 infos ({TINY_TRIPLES} triples in 1 data file): the data conforms"
    assert "Warning: person, skos:altLabel: MinCount (2)" in out


def test_validate_violations_exit_1_and_name_node_label_file_path_and_message(make_project, capsys, monkeypatch):
    more = "@prefix rorg: <https://w3id.org/restructuring-kg/id/org/> .\n" \
           "@prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .\nrorg:nameless a rkg:Lab .\n"
    project = make_project(data={"acme.ttl": TINY_DATA, "extra/more.ttl": more}, pyproject=True)
    monkeypatch.chdir(project.data_dir)  # kg finds the checkout around the current folder
    code, out, err = run(capsys, "validate")
    assert code == 1, err
    assert "Violation: organization, rdfs:label: MinCount (1)" in out
    assert "  rorg:nameless in extra/more.ttl" in out  # relative to the current folder
    assert "    rdfs:label: An organization has a label." in out
    assert out.splitlines()[-1].startswith("1 violation, 2 warnings, 0 infos")
    assert out.splitlines()[-1].endswith("the data does not conform")


def test_validate_prints_one_screen_on_the_shipped_data_with_infos_on_request(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) <= 24, out  # one screen
    assert lines[0].split() == ["results", "per", "shape", "Violations", "Warnings", "Infos"]
    total = next(line for line in lines if line.split()[:1] == ["total"])
    infos = int(total.split()[3])
    assert infos > 0 and not any(line.startswith("Info:") for line in lines)
    assert f"{infos} infos not shown; see them with --severity info (or --verbose)" in lines
    for flags in (["--verbose"], ["--severity", "info"]):
        code, full, _ = run(capsys, "validate", *flags)
        assert code == 0
        assert any(line.startswith("Info:") for line in full.splitlines())
        assert sum(line.startswith("    ") for line in full.splitlines()) == infos  # each in full
        assert "not shown" not in full


def test_validate_summary_counts_per_shape_and_shows_violations_in_full(make_project, capsys):
    project = make_project(data={"acme.ttl": VIOLATING})
    code, out, _ = run(capsys, "--root", project.root, "validate")
    assert code == 1
    table = out.split("\n\n")[0].splitlines()
    rows = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in table[1:]}
    assert rows["total"] == [1, 2, 0]
    assert rows["ex:OrganizationShape"] == [1, 0, 0]  # shapes by their short names
    assert rows["ex:PersonShape"] == [0, 2, 0]
    assert "Violation: organization, rdfs:label: MinCount (1)" in out
    assert "    rdfs:label: An organization has a label." in out
    code, only, _ = run(capsys, "--root", project.root, "validate", "--severity", "violation")
    assert "Violation: organization" in only and "Warning:" not in only
    assert "2 warnings not shown; see them with --severity warning (or --verbose)" in only


def test_validate_json(make_project, capsys):
    project = make_project(data={"acme.ttl": VIOLATING})
    code, out, _ = run(capsys, "--root", project.root, "validate", "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert (document["conforms"], document["violations"], document["warnings"]) == (False, 1, 2)
    (violation,) = [r for r in document["results"] if r["severity"] == "Violation"]
    assert violation["focus_node"] == "https://w3id.org/restructuring-kg/id/org/nameless"
    assert violation["path"] == "rdfs:label"
    assert violation["files"] == [str(project.data_dir / "acme.ttl")]
    assert violation["message"] == "An organization has a label."


@pytest.mark.parametrize("form", ["text", "json"])
def test_validate_engines_print_the_same_report(make_project, capsys, form):
    project = make_project(data={"acme.ttl": VIOLATING})
    fast = run(capsys, "--root", project.root, "validate", "--format", form)
    reference = run(capsys, "--root", project.root, "validate", "--format", form, "--engine", "reference")
    assert fast[0] == reference[0] == 1
    assert fast[1] == reference[1]


def test_validate_turtle_is_the_shacl_report(make_project, capsys):
    project = make_project(data={"acme.ttl": VIOLATING})
    code, out, _ = run(capsys, "--root", project.root, "validate", "--format", "turtle")
    assert code == 1
    report = Graph().parse(data=out, format="turtle")
    assert len(list(report.subjects(None, None))) > 0
    assert "sh:ValidationReport" in out


def test_validate_without_shapes_is_an_error(make_project, capsys):
    project = make_project(shapes=None)
    code, out, err = run(capsys, "--root", project.root, "validate")
    assert code == 2
    assert err.startswith("kg: error: ") and "shapes.ttl: no such file" in err


@pytest.mark.parametrize("command", [["validate"], ["build"], ["stats"], ["sources", "check", "."]])
def test_a_syntax_error_exits_2_with_file_and_line(make_project, capsys, monkeypatch, command):
    project = make_project(data={"acme.ttl": BROKEN})
    monkeypatch.chdir(project.root)
    code, out, err = run(capsys, "--root", project.root, *command)
    line = len(TINY_DATA.splitlines()) + 3  # where the parser finds the missing dot
    assert code == 2
    assert err == f"kg: error: data/acme.ttl:{line}: A dot is expected at the end of statements (column 1)\n"


def test_a_syntax_error_in_a_new_process_prints_one_line_and_no_traceback(make_project, tmp_path):
    project = make_project(shapes="@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:a sh:b \n")
    result = kg_process("--root", project.root, "validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "kg: error: project/ontology/shapes.ttl:3: Unexpected end (column 1)\n"
    assert "Traceback" not in result.stderr


# -- kg build ------------------------------------------------------------------------------


def test_build_prints_the_counts_it_wrote(make_project, capsys, tmp_path):
    project = make_project()
    code, out, err = run(capsys, "--root", project.root, "build", "--out", tmp_path / "out")
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith(f"wrote {tmp_path / 'out'}: {TINY_TRIPLES} asserted triples, ")
    inferred = int(first.split(", ")[1].split()[0])
    assert len(Graph().parse(tmp_path / "out" / "inferred.nt")) == inferred
    assert "2 warnings; see kg validate" in out


def test_build_defaults_to_build_in_the_project(make_project, capsys):
    project = make_project()
    code, out, _ = run(capsys, "--root", project.root, "build")
    assert code == 0
    assert (project.root / "build" / "graph.trig").is_file()


def test_build_with_violations_exits_1_and_writes_nothing(make_project, capsys, tmp_path):
    project = make_project(data={"acme.ttl": VIOLATING})
    code, out, err = run(capsys, "--root", project.root, "build", "--out", tmp_path / "out")
    assert code == 1
    assert "rorg:nameless" in err
    assert "1 SHACL violation; nothing written" in err and "--force" in err
    assert not (tmp_path / "out").exists()


def test_build_force_writes_and_says_so(make_project, capsys, tmp_path):
    project = make_project(data={"acme.ttl": VIOLATING})
    code, out, err = run(capsys, "--root", project.root, "build", "--out", tmp_path / "out", "--force")
    assert code == 0
    assert "written despite 1 violation (--force)" in out
    assert (tmp_path / "out" / "asserted.nt").is_file()


def test_build_engine_reference_writes_what_the_default_writes(make_project, capsys, tmp_path):
    project = make_project()
    assert run(capsys, "--root", project.root, "build", "--out", tmp_path / "fast")[0] == 0
    code, out, err = run(capsys, "--root", project.root, "build", "--engine", "reference", "--out", tmp_path / "ref")
    assert code == 0, err
    assert out.startswith(f"wrote {tmp_path / 'ref'}: {TINY_TRIPLES} asserted triples, ")
    assert (tmp_path / "ref" / "graph.trig").read_bytes() == (tmp_path / "fast" / "graph.trig").read_bytes()


def test_build_into_a_folder_of_other_files_is_an_error(make_project, capsys, tmp_path):
    project = make_project()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    code, out, err = run(capsys, "--root", project.root, "build", "--out", tmp_path / "out")
    assert code == 2
    assert err.startswith("kg: error: ") and "refusing to replace" in err


# -- kg stats and kg sources check ----------------------------------------------------------


def test_stats(make_project, capsys):
    project = make_project()
    code, out, _ = run(capsys, "--root", project.root, "stats")
    assert code == 0
    assert out.startswith(f"{TINY_TRIPLES} triples in 1 data file")
    assert "       2  rkg:RoleMembership" in out
    assert "Acme Group" in out and "s1.txt" in out


def test_stats_json(make_project, capsys):
    project = make_project()
    code, out, _ = run(capsys, "--root", project.root, "stats", "--format", "json")
    document = json.loads(out)
    assert document["triples"] == TINY_TRIPLES
    assert document["companies"][0]["label"] == "Acme Group"
    assert document["sources"][0]["file"] == "s1.txt"


def test_sources_check_exit_codes(make_project, capsys, tmp_path):
    project = make_project()
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "s1.txt").write_text(TINY_SOURCE, encoding="utf-8")
    code, out, _ = run(capsys, "--root", project.root, "sources", "check", sources)
    assert (code, out) == (0, "12 citations checked, 0 failed\n5 date or figure values checked, 0 not stated\n")

    (sources / "s1.txt").write_text(TINY_SOURCE.replace("Ann Lee", "She"), encoding="utf-8")
    code, out, _ = run(capsys, "--root", project.root, "sources", "check", sources)
    assert code == 1
    assert f"rper:ann-lee (data/acme.ttl): {sources / 's1.txt'} L4: no cited line names it (Ann Lee)" in out.replace(str(project.root) + "/", "")
    assert out.splitlines()[-2:] == ["12 citations checked, 2 failed", "5 date or figure values checked, 0 not stated"]

    # A date no cited line states fails too (the grounding check), with the lines searched.
    (sources / "s1.txt").write_text(TINY_SOURCE.replace("on March 16", "in spring"), encoding="utf-8")
    code, out, _ = run(capsys, "--root", project.root, "sources", "check", sources)
    assert code == 1
    assert "rpl:acme-lab-in-acme-ai-begin (data/acme.ttl): date 2026-03-16: no cited line states this date " \
           "(lines searched: s1.txt L3)" in out.replace(str(project.root) + "/", "")
    assert out.splitlines()[-1] == "5 date or figure values checked, 3 not stated"  # the event, and two instants it begins

    code, out, err = run(capsys, "--root", project.root, "sources", "check", tmp_path / "nowhere")
    assert code == 2 and "no such folder" in err


def test_sources_check_needs_a_folder(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["sources", "check"])
    assert caught.value.code == 2


# -- the parser and project errors -------------------------------------------------------------


def test_no_command_and_bad_options_exit_2(capsys):
    for argv in ([], ["frobnicate"], ["validate", "--format", "xml"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2


def test_a_root_that_is_not_a_project_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, "--root", tmp_path, "stats")
    assert code == 2
    assert err == f"kg: error: {tmp_path}: not a restructuring-kg project (no ontology/ folder)\n"


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for command in ("validate", "build", "stats", "sources"):
        assert command in out


def test_build_shows_progress_per_stage_on_a_terminal_and_nothing_on_a_pipe(make_project, tmp_path):
    project = make_project()
    code, shown = stderr_on_a_terminal(["--root", project.root, "build", "--out", tmp_path / "out"])
    assert code == 0
    lines = shown.splitlines()
    assert [line.split()[1] for line in lines] == ["loading", "loaded", "validated:", "inferred"]
    assert lines[1].startswith(f"kg: loaded {TINY_TRIPLES} data and ")
    assert lines[2].startswith("kg: validated: 0 violations, 2 warnings")
    piped = kg_process("--root", project.root, "build", "--out", tmp_path / "out")
    assert piped.returncode == 0 and piped.stderr == ""


# -- errors: one hierarchy, causes kept ------------------------------------------------


def test_every_error_kg_raises_on_purpose_is_a_kg_error():
    import inspect

    import kg.errors
    from kg.fast.validate import Unsupported

    classes = [c for _, c in inspect.getmembers(kg.errors, inspect.isclass) if issubclass(c, Exception)]
    assert len(classes) > 10 and all(issubclass(c, kg.errors.KGError) for c in classes)
    assert Unsupported is kg.errors.Unsupported
    # A file that cannot be written is not a build failure.
    assert not issubclass(kg.errors.WriteError, kg.errors.BuildError)


def test_a_write_error_keeps_its_cause_and_the_cli_prints_only_the_message(tmp_path, capsys):
    from kg.errors import WriteError
    from kg.files import write_file

    with pytest.raises(WriteError, match="cannot make the folder|cannot write") as caught:
        write_file(tmp_path / "missing" / "deeper" / "x.txt", b"x")
    assert isinstance(caught.value.__cause__, OSError)
    (tmp_path / "a-file").write_text("")
    code, out, err = run(capsys, "docs", "-o", tmp_path / "a-file" / "docs")
    assert code == 2 and out == ""
    assert err.startswith("kg: error: ") and "cannot make the folder" in err and "Traceback" not in err


def test_validate_prints_the_report_s_text_view(make_project, capsys):
    """kg validate prints kg.validate.text_lines; kg build, refused, the results of warning and above on stderr."""
    from kg.load import load_project
    from kg.validate import result_lines, text_lines, validate

    project = make_project(data={"acme.ttl": VIOLATING})
    graphs = load_project(project, require_shapes=True)
    report = validate(graphs.data, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)
    code, out, _ = run(capsys, "--root", project.root, "validate", "--severity", "violation", "--engine", "reference")
    assert code == 1
    assert out.splitlines() == text_lines(report, graphs, least="violation")
    assert "not shown; see" in out
    code, out, err = run(capsys, "--root", project.root, "build", "--out", project.root / "out")
    assert code == 1 and out == ""
    assert err.splitlines()[:-1] == result_lines(report, graphs, least="warning")


# -- start-up: the package and kg --help load no RDF library -----------------------------


@pytest.mark.parametrize("code", [
    "import kg.errors",
    "import kg; kg.__version__; dir(kg)",
    "from kg.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from kg.cli import main\ntry:\n    main(['nonsense'])\nexcept SystemExit:\n    pass",
], ids=["kg.errors", "kg", "kg --help", "kg with an unknown command"])
def test_starting_up_imports_no_rdf_library(code):
    check = code + "\nimport sys\nprint(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'pyshacl', 'owlrl', 'pyoxigraph'}))"
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_the_lazy_package_gives_every_public_name():
    import kg

    assert set(kg.__all__) <= set(dir(kg))
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name
    # The stage functions named like their modules stay the functions once the modules are imported.
    import kg.build
    import kg.validate  # noqa: F401

    assert callable(kg.validate) and callable(kg.build) and callable(kg.reason) and callable(kg.stats)
    from kg import validate

    assert validate.__module__ == "kg.validate"


def test_validate_shows_progress_per_stage_on_a_terminal_and_nothing_on_a_pipe(make_project):
    project = make_project()
    code, shown = stderr_on_a_terminal(["--root", project.root, "validate"])
    lines = shown.splitlines()
    assert code == 0
    assert [line.split()[1] for line in lines] == ["loading", "loaded", "validated:"]
    assert lines[1].startswith(f"kg: loaded {TINY_TRIPLES} data triples (") and lines[1].endswith("validating ...")
    assert lines[2].startswith("kg: validated: 0 violations, 2 warnings (")
    piped = kg_process("--root", project.root, "validate")
    assert piped.returncode == 0 and piped.stderr == ""
