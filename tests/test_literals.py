"""Literals from files: ill-formed ones are errors with file and line; good ones keep their written form.

Every test reads real files through the real loader (``kg.load``) or the ``kg`` command.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.build import validate_project
from kg.cli import main
from kg.errors import IllFormedLiteralError, RDFSyntaxError
from kg.load import load_project, parse
from tests.conftest import PROLOGUE, ROOT, TINY_DATA

EX = "@prefix ex: <https://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


@pytest.mark.parametrize(
    "literal, reason",
    [
        ('"2026-13"^^xsd:gYearMonth', "month must be in 1..12"),
        ('"26"^^xsd:gYear', "xsd:gYear"),
        ('"1,000"^^xsd:decimal', "xsd:decimal"),
        ('"2026-02-30"^^xsd:date', "day is out of range"),
        ('"2026-13-45"^^xsd:date', "month must be in 1..12"),
        ('"maybe"^^xsd:boolean', "xsd:boolean"),
        ('"300"^^xsd:byte', "too high"),
        ('"-1"^^xsd:positiveInteger', "too low"),
        ('"inf"^^xsd:double', "xsd:double"),
        ('"25:00:00"^^xsd:time', "hour"),
        ('"--02-30"^^xsd:gMonthDay', "day is out of range"),
        ('"P1X"^^xsd:duration', "xsd:duration"),
        ('" 12"^^xsd:integer', "space around the value"),
        ('"2026"^^xsd:Year', "did you mean xsd:gYear?"),
    ],
)
def test_an_ill_formed_literal_is_an_error_with_its_file_and_line(tmp_path, literal, reason):
    path = tmp_path / "bad.ttl"
    path.write_text(EX + "ex:a ex:name 'A' .\n\nex:a ex:value " + literal + " .\n", encoding="utf-8")
    with pytest.raises(IllFormedLiteralError) as caught:
        parse(path)
    error = caught.value
    assert isinstance(error, RDFSyntaxError)  # caught wherever a syntax error is
    assert error.path == path and error.line == 5
    assert str(error).startswith(f"{path}:5: ill-formed literal {literal.replace(chr(39), chr(34))}")
    assert reason in str(error)


def test_every_ill_formed_literal_of_a_file_is_named_with_its_line(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text(EX + 'ex:a ex:b "2026-13"^^xsd:gYearMonth .\nex:a ex:c "ok" .\nex:a ex:d "x"^^xsd:int .\n')
    with pytest.raises(IllFormedLiteralError) as caught:
        parse(path)
    assert [line for line, _ in caught.value.problems] == [3, 5]
    assert str(caught.value).count("\n") == 1


def test_good_literals_of_every_kind_load(tmp_path):
    path = tmp_path / "good.ttl"
    path.write_text(EX + 'ex:a ex:b "2026-03-16Z"^^xsd:date, "2026-03"^^xsd:gYearMonth, "2026"^^xsd:gYear, '
                    '"0"^^xsd:boolean, "5.0E0"^^xsd:double, "INF"^^xsd:float, "127"^^xsd:byte, "1.50"^^xsd:decimal, '
                    '"2028-02-29"^^xsd:date, "P1Y2M"^^xsd:duration, "--02-29"^^xsd:gMonthDay, 10, 5.0E0, true, '
                    '"custom"^^ex:type .\n')
    assert len(parse(path)) == 14  # 5.0E0 is "5.0E0"^^xsd:double: one term


@pytest.mark.parametrize(
    "literal",
    ['"2026-03-16Z"^^xsd:date', '"0"^^xsd:boolean', '"5.0E0"^^xsd:double', '"10"^^xsd:decimal', '"007"^^xsd:integer',
     '"7"^^xsd:int', '"1.50"^^xsd:decimal', '"+5"^^xsd:integer', '"2026-03-16T10:00:00+00:00"^^xsd:dateTime'],
)
def test_the_loader_keeps_the_lexical_form_and_datatype_as_written(tmp_path, literal):
    path = tmp_path / "a.ttl"
    path.write_text(EX + f"ex:a ex:b {literal} .\n", encoding="utf-8")
    (value,) = parse(path).objects()
    lexical, datatype = literal.split("^^xsd:")
    assert (str(value), value.datatype) == (lexical.strip('"'), XSD[datatype])


def kg(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


BAD_DATA = TINY_DATA.replace('"2026-03-16"^^xsd:date ;', '"2026-13"^^xsd:gYearMonth ;', 1)


@pytest.mark.parametrize("command", [["validate"], ["build"], ["query", "--file", "q.rq"], ["stats"], ["docs", "-o", "docs-out"]])
def test_every_command_that_loads_exits_2_on_an_ill_formed_literal(make_project, capsys, tmp_path, monkeypatch, command):
    project = make_project(data={"acme.ttl": BAD_DATA})
    (tmp_path / "q.rq").write_text("#+ summary: all\nSELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n", encoding="utf-8")
    line = BAD_DATA.splitlines().index(next(x for x in BAD_DATA.splitlines() if "2026-13" in x)) + 1
    monkeypatch.chdir(tmp_path)
    code, out, err = kg(capsys, "--root", project.root, *command)
    assert code == 2
    assert f"acme.ttl:{line}: ill-formed literal \"2026-13\"^^xsd:gYearMonth" in err
    assert not (project.root / "build").exists() and not (tmp_path / "docs-out").exists()


def test_a_forced_build_with_an_ill_formed_decimal_is_an_error_not_a_traceback(make_project):
    """It used to reach the fast reasoner, which raised decimal.InvalidOperation (exit 1, a traceback)."""
    project = make_project(data={"acme.ttl": TINY_DATA.replace('"300"^^xsd:decimal', '"1,000"^^xsd:decimal')})
    done = subprocess.run([sys.executable, "-m", "kg", "--root", str(project.root), "build", "--force"],
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert 'ill-formed literal "1,000"^^xsd:decimal' in done.stderr
    assert not (project.root / "build").exists()


def test_build_on_an_ill_formed_literal_prints_no_traceback_and_keeps_the_old_build(make_project):
    project = make_project()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = lambda: subprocess.run([sys.executable, "-m", "kg", "--root", str(project.root), "build"],  # noqa: E731
                                 env=env, capture_output=True, text=True, timeout=300)
    assert run().returncode == 0
    before = (project.root / "build" / "asserted.nt").read_bytes()
    (project.root / "data" / "acme.ttl").write_text(BAD_DATA, encoding="utf-8")
    done = run()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "ill-formed literal" in done.stderr
    assert (project.root / "build" / "asserted.nt").read_bytes() == before


# -- Fidelity: what the file says is what is validated, reported, built and exported -----------


SHIPPED_SHAPES = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_time_zone_in_a_file_reaches_the_shapes(make_project, capsys, engine):
    """The shipped shape for time:inXSDDate refuses a time zone; rdflib's parser used to drop it."""
    data = TINY_DATA.replace('time:inXSDDate "2026-03-16"^^xsd:date', 'time:inXSDDate "2026-03-16Z"^^xsd:date')
    assert data != TINY_DATA
    project = make_project(data={"acme.ttl": data}, shapes=SHIPPED_SHAPES)
    code, out, err = kg(capsys, "--root", project.root, "validate", "--engine", engine)
    assert code == 1, out + err
    assert "time:inXSDDate must be typed xsd:date, without a time zone" in out
    assert '"2026-03-16Z"' in out


SHAPES_MAX = PROLOGUE + """
@prefix ex: <https://example.org/shapes#> .
ex:FigureShape a sh:NodeShape ; sh:targetSubjectsOf ex:count, ex:share ;
    sh:property [ sh:path ex:count ; sh:maxInclusive 5 ; sh:message "at most 5"@en ] ;
    sh:property [ sh:path ex:share ; sh:maxInclusive 1 ; sh:message "at most 1"@en ] .
"""


#: The fast validator reads values back from its Oxigraph store, which keeps values, not lexical
#: forms (oxigraph/oxigraph#526): "5.0E0"^^xsd:double comes back "5", "7"^^xsd:int as xsd:integer.
#: kg.fast.store.written_forms(store) gives the written forms back, and kg/fast/validate.py
#: checks and reports those values as written (its sh:datatype test included).
@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_the_report_shows_values_as_written(make_project, capsys, engine):
    data = TINY_DATA + '\nrorg:acme <https://example.org/shapes#count> "10"^^xsd:decimal ;\n' \
                       '    <https://example.org/shapes#share> "5.0E0"^^xsd:double .\n'
    project = make_project(data={"acme.ttl": data}, shapes=SHAPES_MAX)
    code, out, err = kg(capsys, "--root", project.root, "validate", "--engine", engine)
    assert code == 1, out + err
    assert '"10"' in out and '"5.0E0"' in out
    assert "10.0" not in out and "5e+00" not in out.lower()


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_the_validator_sees_the_datatype_as_written(make_project, engine):
    shapes = PROLOGUE + """
@prefix ex: <https://example.org/shapes#> .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:size ;
    sh:property [ sh:path ex:size ; sh:datatype xsd:int ; sh:message "an xsd:int"@en ] .
"""
    data = TINY_DATA + '\nrorg:acme <https://example.org/shapes#size> "7"^^xsd:int .\n'
    graphs = load_project(make_project(data={"acme.ttl": data}, shapes=shapes))
    assert validate_project(graphs, engine=engine).conforms


INT_DATA = TINY_DATA.replace('schema:value "300"^^xsd:decimal', 'schema:value "300"^^xsd:int')


def test_an_xsd_int_keeps_its_datatype_in_build_and_export(make_project, capsys, tmp_path):
    assert INT_DATA != TINY_DATA
    project = make_project(data={"acme.ttl": INT_DATA})
    code, out, err = kg(capsys, "--root", project.root, "build")
    assert code == 0, err
    written = '"300"^^<http://www.w3.org/2001/XMLSchema#int>'
    assert written in (project.root / "build" / "asserted.nt").read_text(encoding="utf-8")
    assert '"300"^^xsd:int' in (project.root / "build" / "graph.trig").read_text(encoding="utf-8")
    assert '"@type": "xsd:int"' in (project.root / "build" / "asserted.jsonld").read_text(encoding="utf-8")
    code, out, err = kg(capsys, "--root", project.root, "export", "--format", "nt")
    assert code == 0, err
    assert written in out and '"300"^^<http://www.w3.org/2001/XMLSchema#integer>' not in out
    figure = URIRef("https://w3id.org/restructuring-kg/id/figure/acme-lab-headcount")
    graphs = load_project(project)
    assert Literal("300", datatype=XSD.int) in set(graphs.data.objects(figure))


def test_the_fast_engine_says_which_literals_its_store_rewrites(make_project, capsys):
    project = make_project(data={"acme.ttl": INT_DATA})
    code, out, err = kg(capsys, "--root", project.root, "validate", "--engine", "fast")
    assert 'kg: warning: Oxigraph stores "300"^^<http://www.w3.org/2001/XMLSchema#int> as ' \
           '"300"^^<http://www.w3.org/2001/XMLSchema#integer>' in err
    code, out, err = kg(capsys, "--root", project.root, "validate", "--engine", "reference")
    assert "Oxigraph stores" not in err


def test_inferred_literals_are_written_as_the_data_wrote_them_by_both_engines(make_project, capsys, tmp_path):
    extra = """
<https://example.org/count> rdfs:subPropertyOf <https://example.org/number> .
rorg:acme <https://example.org/count> "7"^^xsd:int , "1.50"^^xsd:decimal , "0"^^xsd:boolean .
"""
    project = make_project(data={"acme.ttl": TINY_DATA + extra})
    inferred = {}
    for engine in ("fast", "reference"):
        code, out, err = kg(capsys, "--root", project.root, "build", "--engine", engine, "--out", tmp_path / engine)
        assert code == 0, err
        inferred[engine] = (tmp_path / engine / "inferred.nt").read_text(encoding="utf-8")
    number = "<https://w3id.org/restructuring-kg/id/org/acme> <https://example.org/number>"
    for written in ('"7"^^<http://www.w3.org/2001/XMLSchema#int>', '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>',
                    '"0"^^<http://www.w3.org/2001/XMLSchema#boolean>'):
        assert f"{number} {written} ." in inferred["fast"].splitlines()
    assert inferred["fast"] == inferred["reference"]


def test_a_store_loaded_from_files_gives_literals_back_as_written(tmp_path):
    from kg.fast.store import graph_of, load_store

    for name, text in (("a.ttl", 'ex:a ex:p "7"^^xsd:int , "1.50"^^xsd:decimal .\n'),
                       ("b.ttl", 'ex:a ex:q "0"^^xsd:boolean , "2026-03-16+00:00"^^xsd:date .\n')):
        (tmp_path / name).write_text(EX + text, encoding="utf-8")
    store = load_store([tmp_path / "a.ttl", tmp_path / "b.ttl"])
    assert sorted(o.n3() for o in graph_of(store).objects()) == sorted(
        o.n3() for name in ("a.ttl", "b.ttl") for o in parse(tmp_path / name).objects())


def test_a_literal_kept_as_written_is_not_taken_for_one_the_store_rewrote(tmp_path):
    """"7"^^xsd:int and "7"^^xsd:integer are one value in Oxigraph: neither is given back as the other."""
    from kg.fast.store import graph_of, load_store
    from kg.query import to_store

    (tmp_path / "a.ttl").write_text(EX + 'ex:a ex:p "7"^^xsd:int .\n', encoding="utf-8")
    (tmp_path / "b.ttl").write_text(EX + 'ex:a ex:q "7"^^xsd:integer , "8"^^xsd:int .\n', encoding="utf-8")
    graph = parse(tmp_path / "b.ttl", graph=parse(tmp_path / "a.ttl"))
    with pytest.warns(UserWarning, match="Oxigraph stores"):
        stores = [load_store([tmp_path / "a.ttl", tmp_path / "b.ttl"]), to_store(graph)]
    for store in stores:
        back = {(str(p), o.n3()) for _, p, o in graph_of(store)}
        assert ("https://example.org/q", '"7"^^<http://www.w3.org/2001/XMLSchema#integer>') in back
        assert ("https://example.org/q", '"8"^^<http://www.w3.org/2001/XMLSchema#int>') in back


def test_an_ill_formed_literal_in_the_shapes_stops_the_command_too(make_project, capsys):
    from tests.conftest import TINY_SHAPES

    shapes = TINY_SHAPES + '\nex:Extra a sh:NodeShape ; sh:targetNode rorg:acme ;\n    sh:property [ sh:path ex:p ; sh:maxInclusive "1,5"^^xsd:decimal ] .\n'
    project = make_project(shapes=shapes)
    code, out, err = kg(capsys, "--root", project.root, "validate")
    line = len(shapes.splitlines())
    assert code == 2 and f'shapes.ttl:{line}: ill-formed literal "1,5"^^xsd:decimal' in err


def test_the_line_is_that_of_the_ill_formed_literal_not_of_the_same_text_elsewhere(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text(EX + 'ex:a ex:age "26"^^xsd:integer .\nex:a ex:year "26"^^xsd:gYear .\n'
                    'ex:b ex:year "26"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n', encoding="utf-8")
    with pytest.raises(IllFormedLiteralError) as caught:
        parse(path)
    assert caught.value.problems == [
        (4, 'ill-formed literal "26"^^xsd:gYear: not a valid xsd:gYear (Invalid datetime string \'26\') '
            "(written 2 times; the first is shown)")]


def test_the_fast_engine_names_ill_formed_literals_as_the_parser_does(make_project):
    """The fast engine checks each distinct literal once, after the file (CheckedParse.check):
    the same error, with the same lines and counts, as the per-quad check of the parser."""
    from kg.engines import engine_named
    from tests.conftest import PROLOGUE, TINY_DATA

    bad = PROLOGUE + '\nrorg:acme <https://example.org/year> "26"^^xsd:gYear ;\n    <https://example.org/age> "1,5"^^xsd:decimal .\nrorg:beta <https://example.org/year> "26"^^xsd:gYear .\n'
    project = make_project(data={"acme.ttl": TINY_DATA, "bad.ttl": bad})
    with pytest.raises(IllFormedLiteralError) as fast:
        engine_named("fast").open(project)
    with pytest.raises(IllFormedLiteralError) as parsed:
        parse(project.data_dir / "bad.ttl")
    assert fast.value.problems == parsed.value.problems
    assert [line for line, _ in fast.value.problems] == [len(PROLOGUE.splitlines()) + 2, len(PROLOGUE.splitlines()) + 3]
    assert "(written 2 times; the first is shown)" in fast.value.problems[0][1]


def test_the_fast_engine_counts_the_data_triples_as_written(make_project):
    """Oxigraph holds "7"^^xsd:int, "07"^^xsd:int and "7"^^xsd:integer as one value: the
    three triples (one about a blank node) are one in the store, three in the files, and
    the fast engine's count is the files' (the reference's), as the text report says it."""
    import pyoxigraph

    from kg.engines import engine_named
    from tests.conftest import PROLOGUE, TINY_DATA

    seven = PROLOGUE + ('rorg:acme <https://example.org/n> "7"^^xsd:int, "07"^^xsd:int, "7"^^xsd:integer ;\n'
                        '    <https://example.org/m> [ <https://example.org/n> "7"^^xsd:int, "7"^^xsd:integer ] .\n')
    project = make_project(data={"acme.ttl": TINY_DATA, "seven.ttl": seven})
    with pytest.warns(UserWarning):
        fast = engine_named("fast").open(project)
    reference = engine_named("reference").open(project)
    assert len(fast.data) == len(reference.data)
    n = pyoxigraph.NamedNode("https://example.org/n")
    assert len(list(fast.store.quads_for_pattern(None, n, None, pyoxigraph.DefaultGraph()))) == 2  # 5 written
