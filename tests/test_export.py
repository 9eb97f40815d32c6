"""kg export: every format reads back with the build's counts, sorted, the same every time, atomic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pyoxigraph
import pytest

from kg.build import build
from kg.cli import main
from kg.errors import WriteError
from kg.export import EXPORT_FORMATS, GENID
from kg.files import write_file
from kg.vocab import GRAPH, PREFIXES, RDF
from tests.conftest import ROOT, write_project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small project, built to its default build folder; the build's counts."""
    project = write_project(tmp_path_factory.mktemp("export") / "project")
    return project, build(project, project.default_build_dir).counts


def export(capsysbinary, project, *argv) -> tuple[int, bytes, str]:
    code = main(["--root", str(project.root), "export", *map(str, argv)])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "with-inferred"])
def test_every_format_reads_back_with_the_counts_of_the_build(built, capsysbinary, name, inferred):
    project, counts = built
    code, out, _ = export(capsysbinary, project, "--format", name, *(["--with-inferred"] if inferred else []))
    assert code == 0
    parsed = list(pyoxigraph.parse(out, format=EXPORT_FORMATS[name]))
    graphs = ("ontology", "asserted", "inferred") if inferred else ("ontology", "asserted")
    if name in ("nq", "trig"):
        for graph in ("ontology", "asserted", "inferred"):
            held = [q for q in parsed if q.graph_name == pyoxigraph.NamedNode(str(GRAPH[graph]))]
            assert len(held) == (counts[graph] if graph in graphs else 0), graph
        assert len(parsed) == sum(counts[g] for g in graphs)
    else:
        assert len(set(parsed)) == len(parsed) == sum(counts[g] for g in graphs)


def test_nothing_a_store_refuses_and_no_blank_nodes_in_the_data(built, capsysbinary):
    project, _ = built
    _, out, _ = export(capsysbinary, project, "--format", "nq", "--with-inferred")
    quads = list(pyoxigraph.parse(out, format=pyoxigraph.RdfFormat.N_QUADS))
    assert not any(isinstance(q.subject, pyoxigraph.Literal) for q in quads)
    ontology = pyoxigraph.NamedNode(str(GRAPH.ontology))
    outside = [q for q in quads if q.graph_name != ontology]
    # Only the ontology keeps blank nodes (OWL lists and axioms); citations are skolem IRIs.
    assert not any(isinstance(t, pyoxigraph.BlankNode) for q in outside for t in (q.subject, q.object))
    assert any(q.subject.value.startswith(GENID) for q in outside)


def test_n_triples_are_sorted_unique_lines(built, capsysbinary):
    project, _ = built
    _, out, _ = export(capsysbinary, project, "--format", "nt", "--with-inferred")
    lines = out.decode().splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_the_same_build_gives_the_same_bytes_in_every_process(built):
    """JSON-LD and the rest do not depend on hashing or parsing order (PYTHONHASHSEED differs)."""
    project, _ = built
    for name in EXPORT_FORMATS:
        outputs = set()
        for seed in ("1", "2"):
            env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONHASHSEED=seed)
            done = subprocess.run(
                [sys.executable, "-m", "kg", "--root", str(project.root), "export", "--format", name, "--with-inferred"],
                env=env, capture_output=True, timeout=120,
            )
            assert done.returncode == 0, done.stderr
            outputs.add(done.stdout)
        assert len(outputs) == 1, name


def test_output_file_is_written_whole(built, capsysbinary, tmp_path):
    project, counts = built
    target = tmp_path / "kg.ttl"
    code, out, _ = export(capsysbinary, project, "--format", "ttl", "-o", target)
    assert code == 0
    assert b"wrote" in out and f"{counts['asserted']} asserted".encode() in out
    assert len(list(pyoxigraph.parse(path=target))) == counts["ontology"] + counts["asserted"]
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "kg.nt"
    target.write_bytes(b"previous\n")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(WriteError, match="No space left on device"):
        write_file(target, b"new\n")
    assert target.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.nt"]


def test_an_output_folder_that_does_not_exist_is_an_error(built, capsysbinary, tmp_path):
    project, _ = built
    code, _, err = export(capsysbinary, project, "-o", tmp_path / "missing" / "kg.ttl")
    assert code == 2
    assert "cannot write" in err and "Traceback" not in err


def test_no_build_is_an_error(make_project, capsysbinary):
    project = make_project()
    code, out, err = export(capsysbinary, project)
    assert code == 2 and out == b""
    assert "no build there; run `kg build` first" in err


def test_a_build_older_than_the_data_is_refused(tmp_path, capsysbinary):
    project = write_project(tmp_path / "project")
    build(project, project.default_build_dir)
    data = project.data_dir / "acme.ttl"
    later = time.time() + 5
    data.write_text(data.read_text(encoding="utf-8") + '\nrorg:acme skos:altLabel "ACME"@en .\n', encoding="utf-8")
    os.utime(data, (later, later))
    code, out, err = export(capsysbinary, project)
    assert code == 2 and out == b""
    assert "the build is out of date: " in err and "acme.ttl changed since it was made" in err


def test_a_data_file_copied_in_with_an_old_time_is_seen(tmp_path, capsysbinary):
    """The check compares content, not times: cp -p of an older file still makes the build stale."""
    project = write_project(tmp_path / "project")
    build(project, project.default_build_dir)
    data = project.data_dir / "acme.ttl"
    copied = tmp_path / "copied.ttl"
    copied.write_text(data.read_text(encoding="utf-8") + '\nrorg:acme skos:altLabel "ACME"@en .\n', encoding="utf-8")
    os.utime(copied, (1_000_000_000, 1_000_000_000))  # 2001, long before the build
    os.replace(copied, data)
    assert data.stat().st_mtime < (project.default_build_dir / "graph.trig").stat().st_mtime
    code, out, err = export(capsysbinary, project)
    assert code == 2 and out == b""
    assert "acme.ttl changed since it was made" in err and "run `kg build` first" in err


def test_a_new_or_removed_data_file_makes_the_build_stale(tmp_path, capsysbinary):
    project = write_project(tmp_path / "project")
    build(project, project.default_build_dir)
    extra = project.data_dir / "extra.ttl"
    extra.write_text("", encoding="utf-8")
    os.utime(extra, (1_000_000_000, 1_000_000_000))
    code, _, err = export(capsysbinary, project)
    assert code == 2 and "extra.ttl is new since it was made" in err
    extra.unlink()
    assert export(capsysbinary, project)[0] == 0  # back as built
    (project.data_dir / "acme.ttl").rename(tmp_path / "acme.ttl")
    code, _, err = export(capsysbinary, project)
    assert code == 2 and "acme.ttl is gone since it was made" in err


def test_a_build_without_a_record_of_its_inputs_is_refused(tmp_path, capsysbinary):
    project = write_project(tmp_path / "project")
    build(project, project.default_build_dir)
    (project.default_build_dir / "inputs.json").unlink()
    code, _, err = export(capsysbinary, project)
    assert code == 2 and "does not record what it was made from" in err


JSON_LD_CASES = {
    "typed literals": """ex:a ex:int "7"^^xsd:int ; ex:integer "07"^^xsd:integer ; ex:decimal "1.50"^^xsd:decimal ;
        ex:double "5.0E0"^^xsd:double ; ex:boolean "0"^^xsd:boolean ; ex:true true ; ex:date "2026-03-16Z"^^xsd:date ;
        ex:year "2026"^^xsd:gYear ; ex:odd "x"^^<urn:type:odd> .""",
    "strings and languages": 'ex:a ex:label "plain" , "English"@en , "中文"@zh , "quote \\" and \\\\ "@en ; ex:empty "" ;'
                             ' ex:controls "tab\\tline\\nreturn\\r\\u0001 \\U0001F600" ; ex:typed "x"^^xsd:string .',
    "iris of every shape": """ex:a a ex:Thing , <https://w3id.org/restructuring-kg/id/org/acme/lab> ;
        <https://example.org/x#y/z> <urn:isbn:123> ; ex:p <https://w3id.org/restructuring-kg/ontology#> ,
        <https://w3id.org/restructuring-kg/.well-known/genid/0a1b> , <http://example.com> .""",
    "blank nodes": """ex:a ex:p [ ex:q "1" ; a ex:B ] ; ex:r _:only . _:free ex:q ex:a . ex:b a _:cls .""",
    "one node": 'ex:a ex:p "1" .',
    "nothing": "",
}


@pytest.mark.parametrize("case", list(JSON_LD_CASES))
def test_json_ld_is_the_document_rdflib_writes(case):
    from rdflib import Graph

    from kg.export import _json_ld_document, _json_ld_nt, _ordered, _to_rdflib, nt_lines
    from kg.vocab import PREFIXES

    text = "@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + JSON_LD_CASES[case]
    triples = [q.triple for q in pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE)]
    ours = _json_ld_document(b"".join(nt_lines(triples)).splitlines())
    assert ours is not None
    rdflib_s = json.loads(_to_rdflib(triples).serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True))
    assert _ordered(ours) == _ordered(rdflib_s)
    # and the text a build writes (nodes written as read, for more than one), byte for byte
    text = json.dumps(_ordered(rdflib_s), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert _json_ld_nt(b"".join(sorted(nt_lines(triples)))) == text.encode("utf-8")
    assert len(Graph().parse(data=json.dumps(ours), format="json-ld")) == len(set(triples))


def test_json_ld_keeps_a_false_that_rdflib_s_writer_drops():
    from rdflib import Graph

    from kg.export import _json_ld

    triples = [q.triple for q in pyoxigraph.parse(b"<urn:a> <urn:p> false , true , 0 .", format=pyoxigraph.RdfFormat.TURTLE)]
    assert len(Graph().parse(data=_json_ld(triples), format="json-ld")) == 3


def test_json_ld_of_rdf_lists_is_rdflib_s():
    from kg.export import _json_ld, _json_ld_document, nt_lines

    triples = [q.triple for q in pyoxigraph.parse(b"<urn:a> <urn:p> ( 1 2 ) .", format=pyoxigraph.RdfFormat.TURTLE)]
    assert _json_ld_document(b"".join(nt_lines(triples)).splitlines()) is None
    assert json.loads(_json_ld(triples))["urn:p"] == {"@list": [1, 2]}


TRICKY = """@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rorg: <https://w3id.org/restructuring-kg/id/org/> . @prefix rkg: <https://w3id.org/restructuring-kg/ontology#> .
rorg:é a rkg:Lab , ex:Thing ; rkg:label "plain" , "English"@en , "中文"@zh , "two\\nlines \\" \\\\ \\t" , "" ;
    rkg:n 1 , 2.5 , 1.0e3 , true , "x"^^xsd:string , "2024-01"^^xsd:gYearMonth , "é"^^ex:custom ;
    rkg:cites [ rkg:locator "L1" ; ex:p [ ex:q "deep" ] ] , _:shared ; ex:emoji "\\U0001F600" .
_:shared ex:q rorg:é . ex:b ex:list ( 1 2 ) .
"""


@pytest.mark.parametrize("empty", [None, "ontology", "asserted", "inferred"])
def test_written_files_are_the_whole_graph_writers_bytes(tmp_path, empty):
    """write_build writes each graph straight to its files (graph.trig from each graph's Turtle,
    JSON-LD node by node): the bytes of Oxigraph's TriG writer over all the quads, and of the
    whole-graph writers, on blank nodes, languages, datatypes, escapes, unicode, lists and empty graphs."""
    from kg.export import _json_ld_document, _json_ld_nt, _ordered, _to_rdflib, nt_lines, write_build

    parsed = [q.triple for q in pyoxigraph.parse(TRICKY.encode(), format=pyoxigraph.RdfFormat.TURTLE)]
    listed = [t for t in parsed if t.predicate.value in ("https://example.org/list", str(RDF.first), str(RDF.rest))]
    # asserted: nodes written one by one; inferred (with a list): the document made whole, by rdflib
    graphs = {"ontology": listed,
              "asserted": [t for t in parsed if t not in listed and t.predicate.value != "https://example.org/q"],
              "inferred": [t for t in parsed if t.predicate.value in ("https://example.org/q", str(RDF.type))] + listed}
    if empty:
        graphs[empty] = []
    lines = {name: nt_lines(triples) for name, triples in graphs.items()}
    counts = write_build(tmp_path / "out", {name: iter(reversed(found)) for name, found in lines.items()})
    assert counts == {name: len(set(triples)) for name, triples in graphs.items()}
    out = tmp_path / "out"
    quads = [pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(str(GRAPH[name])))
             for name in ("ontology", "asserted", "inferred") for t in sorted(set(graphs[name]), key=str)]
    assert (out / "graph.trig").read_bytes() == pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.TRIG, prefixes=PREFIXES)
    for name in ("asserted", "inferred"):
        text = b"".join(sorted(set(lines[name])))
        assert (out / f"{name}.nt").read_bytes() == text
        assert (out / f"{name}.ttl").read_bytes() == pyoxigraph.serialize(
            pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES), format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)
        # the document made whole (rdflib's where it has lists), its arrays ordered, as json writes it
        document = _json_ld_document(text.splitlines()) or json.loads(
            _to_rdflib([q.triple for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES)]).serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True))
        expected = json.dumps(_ordered(document), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert (out / f"{name}.jsonld").read_bytes() == expected.encode("utf-8")
        assert _json_ld_nt(b"".join(reversed(sorted(set(lines[name]))))) == expected.encode("utf-8")  # lines out of order
