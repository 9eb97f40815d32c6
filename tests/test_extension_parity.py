"""A user's extension gets the same answers from both engines (issue 18, "Done when").

The extension is tests/fixtures/extension-parity/, written as docs/extending.md says (its own
ontology importing the core, shapes, cited data and sources): compute clusters run by AI labs.
Its ontology and shapes use together what an analyst's may use beyond the core's: a class that
is its own shape (implicit class target), sh:closed, sh:or, sh:qualifiedValueShape, a
SHACL-SPARQL constraint on $this, a SPARQL-based constraint component with a parameter, an
owl:propertyChainAxiom, owl:hasKey, an owl:SymmetricProperty, and xsd:int and
xsd:positiveInteger values. Its data conforms; defects/clusters-defects.ttl, copied into
data/, adds violations of each kind; defects/merged-literals.ttl adds numbers the data also
writes in another datatype (one value to Oxigraph, two literals to rdflib).

Everything runs through the CLI as the user runs it (``kg validate`` / ``kg build`` with
``--with DIR`` and ``--engine fast`` or ``reference``, and the extension's named query) in a
small project with the core shapes and the typo guard, and the two engines' outputs are
compared.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import main
from kg.load import from_oxigraph
from kg.vocab import OWL, RDF, XSD
from tests.conftest import ROOT, write_project

FIXTURE = ROOT / "tests" / "fixtures" / "extension-parity"
ENGINES = ("fast", "reference")
SH = "http://www.w3.org/ns/shacl#"
MYC = "https://example.org/compute-extension#"
CLUSTER = "https://example.org/compute-extension/id/cluster/"
ORG = "https://example.org/compute-extension/id/org/"
BUILD_GRAPHS = ("asserted", "inferred")
#: kg query's engines.
QUERY_ENGINES = ("oxigraph", "rdflib")
#: The extension as shipped, with its defects, and with numbers Oxigraph merges too.
VARIANTS = {"good": (), "bad": ("clusters-defects.ttl",), "merged": ("clusters-defects.ttl", "merged-literals.ttl")}


def _c(name: str) -> URIRef:
    return URIRef(CLUSTER + name)


def kg(*argv) -> tuple[int, str, str]:
    """``kg ARGV`` in this process, as the user runs it: exit code, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A project (the real ontology, core shapes and typo guard, a small company's data) and
    three copies of the extension: ``good`` as shipped, ``bad`` with defects/clusters-defects.ttl
    in data/, ``merged`` with defects/merged-literals.ttl too."""
    base = tmp_path_factory.mktemp("parity")
    project = write_project(base / "project", shapes=(ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8"))
    shutil.copy(ROOT / "ontology" / "typo-guard-shapes.ttl", project.ontology_dir)
    folders = {"project": project.root, "base": base}
    for variant, defects in VARIANTS.items():
        folders[variant] = base / variant / "compute"
        shutil.copytree(FIXTURE, folders[variant])
        for name in defects:
            shutil.copy(FIXTURE / "defects" / name, folders[variant] / "data" / name)
    return folders


@pytest.fixture(scope="module")
def validations(folders) -> dict[tuple[str, str, str], tuple[int, str, str]]:
    """``kg validate --with EXT --engine E --format F`` for each variant, engine and format."""
    runs = {}
    for variant, formats in (("bad", ("json", "turtle")), ("merged", ("json", "turtle", "text")), ("good", ("json",))):
        for engine in ENGINES:
            for form in formats:
                runs[variant, engine, form] = kg("--root", folders["project"], "validate", "--with", folders[variant],
                                                 "--engine", engine, "--format", form, "--verbose")
    return runs


def _json_results(output: str) -> set[tuple]:
    report = json.loads(output)
    return {(r["focus_node"], r["path"], r["value"], r["severity"], r["source_shape"], r["message"],
             r["source_constraint_component"]) for r in report["results"]}


def _report_graph(output: str) -> Graph:
    """A Turtle report as an rdflib graph, its literals as the report writes them (read by
    Oxigraph's parser: rdflib's would normalise ``1.2e+02`` and ``"120"^^xsd:double`` alike)."""
    graph = Graph()
    for t in pyoxigraph.parse(output.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE):
        graph.add(tuple(_term(x) for x in (t.subject, t.predicate, t.object)))
    return graph


def _term(term):
    """An Oxigraph term as rdflib's, as written (``xsd:string`` kept): kg's one converter."""
    return from_oxigraph(term, plain_strings=False)


def _parsed(path: Path) -> Graph:
    """An RDF file as an rdflib graph of its terms as written (read by Oxigraph's parser)."""
    graph = Graph()
    for t in pyoxigraph.parse(path=path):
        graph.add(tuple(_term(x) for x in (t.subject, t.predicate, t.object)))
    return graph


def _lit(text: str, datatype) -> Literal:
    """A literal as written: rdflib compares literals by their lexical form and datatype."""
    return Literal(text, datatype=URIRef(str(datatype)), normalize=False)


def _turtle_results(output: str) -> set[tuple]:
    """The results of a Turtle report, each with its terms as written (lexical forms and datatypes)."""
    graph = _report_graph(output)
    results = set()
    for result in graph.objects(None, URIRef(SH + "result")):
        one = [graph.value(result, URIRef(SH + name)) for name in
               ("focusNode", "resultPath", "value", "resultSeverity", "sourceShape")]
        results.add((*one, frozenset(graph.objects(result, URIRef(SH + "resultMessage"))),
                     graph.value(result, URIRef(SH + "sourceConstraintComponent"))))
    return results


# -- kg validate -------------------------------------------------------------------------

#: What the defects are, by focus node, constraint component and value: one line each.
EXPECTED_DEFECTS = {
    ("rigel", "ClosedConstraintComponent", URIRef(ORG + "example-compute")),
    ("rigel", "MinCountConstraintComponent", None),
    ("rigel", "QualifiedMinCountConstraintComponent", None),
    ("rigel", "MinInclusiveConstraintComponent", _lit("4", XSD.positiveInteger)),
    ("rigel", "DatatypeConstraintComponent", _lit("20", XSD.integer)),
    ("rigel", "OrConstraintComponent", _lit("120", XSD.double)),
    ("rigel", "SameCompanyConstraintComponent", _c("vega")),
    ("rigel", "SPARQLConstraintComponent", _c("rigel")),  # shares with itself
    ("rigel", "SPARQLConstraintComponent", _lit("4", XSD.positiveInteger)),  # the warning: 4 GPUs, 20 racks
    ("deneb", "MaxCountConstraintComponent", None),
    ("deneb", "DatatypeConstraintComponent", _lit("2000", XSD.integer)),
    ("deneb", "OrConstraintComponent", _lit("0", XSD.int)),
    ("deneb", "ClassConstraintComponent", URIRef(ORG + "example-cloud-lab")),
    ("deneb", "SameCompanyConstraintComponent", URIRef(ORG + "example-cloud-lab")),
}


#: What merged-literals.ttl adds (vega, whose "512"^^xsd:positiveInteger Oxigraph merges with
#: altair's "512"^^xsd:integer, is still not reported).
EXPECTED_MERGED = EXPECTED_DEFECTS | {
    ("altair", "MaxCountConstraintComponent", None),
    ("altair", "DatatypeConstraintComponent", _lit("512", XSD.integer)),
    ("altair", "DatatypeConstraintComponent", _lit("128", XSD.integer)),
}
#: The results of each variant with defects: violations and warnings.
COUNTS = {"bad": (13, 1), "merged": (16, 1)}


def _defects(results: set[tuple]) -> set[tuple]:
    return {(str(focus).rsplit("/", 1)[-1], str(component).rsplit("#", 1)[-1], value)
            for focus, _, value, _, _, _, component in results}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("variant, expected", [("bad", EXPECTED_DEFECTS), ("merged", EXPECTED_MERGED)])
def test_each_defect_is_reported_once_and_nothing_else(validations, engine, variant, expected):
    """The defects break each kind of constraint; each engine reports exactly those (the
    clusters as shipped, such as vega, are not reported), each value as the data writes it
    (``"120"^^xsd:double``, not rdflib's ``1.2e+02``)."""
    code, out, err = validations[variant, engine, "turtle"]
    assert code == 1, err
    assert _defects(_turtle_results(out)) == expected
    assert "Traceback" not in err


def _handed_to_pyshacl(err: str) -> list[str]:
    return re.findall(r"^kg: warning: shape (\S+) validated by pySHACL", err, flags=re.MULTILINE)


def test_the_fast_engine_runs_the_extension_s_shapes_itself(validations):
    """So that the comparisons test it: on the defects, the fast engine runs the class's shape
    (closed, sh:or, qualified, the component, the SPARQL constraint) itself; only the warning's
    SPARQL, which compares numbers Oxigraph stores in another form (xsd:int as xsd:integer),
    goes to pySHACL. Where the data writes a number in two datatypes, the shapes that see it go
    too, and the warnings say which (not the typo guard, whose SPARQL reads no object of those
    triples)."""
    assert _handed_to_pyshacl(validations["bad", "fast", "turtle"][2]) == [
        "<https://example.org/compute-extension-shapes#ClusterSizeShape>"]
    assert _handed_to_pyshacl(validations["merged", "fast", "turtle"][2]) == [
        f"<{MYC}ComputeCluster>", "<https://example.org/compute-extension-shapes#ClusterSizeShape>"]


@pytest.mark.parametrize("variant", ["bad", "merged"])
def test_validate_json_reports_are_the_same(validations, variant):
    fast, reference = (validations[variant, engine, "json"] for engine in ENGINES)
    assert fast[0] == reference[0] == 1
    assert _json_results(fast[1]) == _json_results(reference[1])
    violations, warnings = COUNTS[variant]
    summary = lambda out: {k: v for k, v in json.loads(out).items() if k != "results"}  # noqa: E731
    assert summary(fast[1]) == summary(reference[1]) == {
        "conforms": False, "violations": violations, "warnings": warnings, "infos": 0}


@pytest.mark.parametrize("variant", ["bad", "merged"])
def test_validate_turtle_reports_are_the_same(validations, variant):
    fast, reference = (validations[variant, engine, "turtle"] for engine in ENGINES)
    assert _turtle_results(fast[1]) == _turtle_results(reference[1])
    for _, out, _ in (fast, reference):  # SHACL: conforms is false whenever there are results
        assert (None, URIRef(SH + "conforms"), Literal(False)) in Graph().parse(data=out, format="turtle")


def test_validate_text_reports_are_the_same(validations):
    fast, reference = (validations["merged", engine, "text"] for engine in ENGINES)
    assert fast[1] == reference[1]
    assert fast[1].splitlines()[-1].startswith("16 violations, 1 warning, 0 infos")


def test_the_extension_as_shipped_conforms_on_both_engines(validations):
    for engine in ENGINES:
        code, out, err = validations["good", engine, "json"]
        assert code == 0, err
        assert json.loads(out)["results"] == []


def test_an_ill_formed_positive_integer_stops_both_engines_at_load(folders):
    """"0"^^xsd:positiveInteger is not a positive integer: on either engine, kg validate and
    kg build --force exit 2 with its file and line, and nothing is written."""
    extension = folders["base"] / "ill-formed" / "compute"
    shutil.copytree(folders["bad"], extension)
    defects = extension / "data" / "clusters-defects.ttl"
    defects.write_text(defects.read_text(encoding="utf-8").replace('"4"^^xsd:positiveInteger', '"0"^^xsd:positiveInteger'),
                       encoding="utf-8")
    line = next(n for n, text in enumerate(defects.read_text(encoding="utf-8").splitlines(), 1) if '"0"^^xsd:pos' in text)
    for engine in ENGINES:
        for command in (["validate"], ["build", "--force", "--out", extension.parent / f"build-{engine}"]):
            code, out, err = kg("--root", folders["project"], *command, "--with", extension, "--engine", engine)
            assert code == 2 and out == "", err
            assert f'clusters-defects.ttl:{line}: ill-formed literal "0"^^xsd:positiveInteger' in err
            assert "Traceback" not in err
        assert not (extension.parent / f"build-{engine}").exists()


# -- kg query ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", QUERY_ENGINES)
def test_the_extension_s_query_reads_its_inferences(folders, engine):
    """The extension's named query (needs: inferred) lists a company's clusters through the
    property chain, and gives both names of ORION-1 (the key) the hosts of each."""
    code, out, err = kg("--root", folders["project"], "query", "clusters-by-company", "--with", folders["good"],
                        "--engine", engine, "--format", "csv")
    assert code == 0, err
    rows = [line.split(",") for line in out.splitlines()[1:]]
    lab, group = (f"{ORG}example-compute-{unit}" for unit in ("lab", "ai"))
    assert [(row[0].rsplit("/", 1)[-1], row[1]) for row in rows] == [
        ("lyra", lab), ("orion", group), ("orion", lab), ("orion-training-cluster", group),
        ("orion-training-cluster", lab)]


# -- kg build ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def builds(folders) -> dict[str, Path]:
    """``kg build --with EXT --engine E`` of the conforming extension, one folder per engine
    (and, under ``"stderr"``, each engine's standard error)."""
    out: dict = {"stderr": {}}
    for engine in ENGINES:
        out[engine] = folders["base"] / f"build-{engine}"
        code, _, err = kg("--root", folders["project"], "build", "--with", folders["good"], "--engine", engine,
                          "--out", out[engine])
        assert code == 0, err
        out["stderr"][engine] = err
    return out


def test_the_fast_reasoner_runs_the_extension_s_axioms_itself(builds):
    """The chain, the key and the symmetric property are in the fast rules: no hand-over to
    owlrl (which kg build would name in a warning), so the comparisons below test them."""
    assert "warning: reasoning" not in builds["stderr"]["fast"]


@pytest.fixture(scope="module")
def forced(folders) -> dict[str, tuple[Path, str]]:
    """``kg build --force`` of the extension with all its defects, one folder per engine (and standard error)."""
    out = {}
    for engine in ENGINES:
        folder = folders["base"] / f"forced-{engine}"
        code, _, err = kg("--root", folders["project"], "build", "--with", folders["merged"], "--engine", engine,
                          "--out", folder, "--force")
        assert code == 0, err
        out[engine] = (folder, err)
    return out


def test_build_with_force_writes_the_same_files(forced):
    """With the defects, orion's "128"^^xsd:int (copied to its other name by the key) and altair's
    "128"^^xsd:integer are one literal in Oxigraph: the copy is still written as xsd:int, as owlrl
    gives it (the fast engine hands such a graph to owlrl, on the files as written, and says so)."""
    (fast, fast_err), (reference, _) = (forced[engine] for engine in ENGINES)
    for name in ("asserted.nt", "inferred.nt", "graph.trig", "inputs.json"):
        assert (fast / name).read_bytes() == (reference / name).read_bytes(), name
    for name in ("asserted.ttl", "inferred.ttl", "asserted.jsonld", "inferred.jsonld"):
        assert isomorphic(_parsed(fast / name), _parsed(reference / name)), name
    inferred = _parsed(fast / "inferred.nt")
    assert (_c("orion-training-cluster"), URIRef(MYC + "rackCount"), _lit("128", XSD.int)) in inferred
    assert (_c("orion-training-cluster"), URIRef(MYC + "rackCount"), _lit("128", XSD.integer)) not in inferred
    assert (_c("altair"), URIRef(MYC + "rackCount"), _lit("128", XSD.integer)) in _parsed(fast / "asserted.nt")
    assert f'Oxigraph holds "128"^^<{XSD.integer}>, "512"^^<{XSD.integer}> for literals written differently' in fast_err
    assert "the whole graph was reasoned with owlrl" in fast_err


def test_a_key_over_a_number_written_two_ways_gives_owlrl_s_answer(folders):
    """orion's racks "128"^^xsd:int and its other name's "0128"^^xsd:int are one value in
    Oxigraph: keyed on the company and the racks, the fast rules made the two one (owl:sameAs),
    owlrl, which compares the literals as written, does not. The fast build now hands such a
    graph to owlrl (and says so), so both write the same files."""
    extension = folders["base"] / "numeric-key" / "compute"
    shutil.copytree(folders["good"], extension)
    ontology = extension / "ontology" / "compute.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8").replace(
        "owl:hasKey ( myc:ownedByCompany myc:clusterCode )", "owl:hasKey ( myc:ownedByCompany myc:rackCount )"),
        encoding="utf-8")
    data = extension / "data" / "clusters.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace(
        'myc:powerMegawatts "12.5"^^xsd:decimal ;', 'myc:powerMegawatts "12.5"^^xsd:decimal ;\n    myc:rackCount "0128"^^xsd:int ;'),
        encoding="utf-8")
    written, errors = {}, {}
    for engine in ENGINES:
        out = extension.parent / f"build-{engine}"
        code, _, errors[engine] = kg("--root", folders["project"], "build", "--with", extension, "--engine", engine,
                                     "--out", out)
        assert code == 0, errors[engine]
        written[engine] = (out / "inferred.nt").read_bytes()
    assert written["fast"] == written["reference"]
    assert b"sameAs" not in written["fast"]
    assert f'Oxigraph holds "128"^^<{XSD.integer}> for literals written differently' in errors["fast"]


@pytest.mark.parametrize("name", BUILD_GRAPHS)
def test_build_writes_the_same_triples(builds, name):
    fast, reference = (Graph().parse(builds[engine] / f"{name}.nt") for engine in ENGINES)
    assert len(fast) == len(reference)
    assert isomorphic(fast, reference)
    # The same N-Triples lines (blank nodes are skolemized by the export, so they are stable).
    lines = [set((builds[engine] / f"{name}.nt").read_text(encoding="utf-8").splitlines()) for engine in ENGINES]
    assert lines[0] == lines[1]


@pytest.mark.parametrize("name", [f"{graph}.{ext}" for graph in BUILD_GRAPHS for ext in ("ttl", "jsonld")])
def test_build_turtle_and_json_ld_parse_equal(builds, name):
    fast, reference = (_parsed(builds[engine] / name) for engine in ENGINES)
    assert len(fast) > 0 and isomorphic(fast, reference)


def test_build_trig_has_the_same_named_graphs(builds):
    fast, reference = (Dataset().parse(builds[engine] / "graph.trig", format="trig") for engine in ENGINES)
    names = [sorted(str(g.identifier) for g in d.graphs()) for d in (fast, reference)]
    assert names[0] == names[1]
    for name in names[0]:
        assert isomorphic(fast.graph(URIRef(name)), reference.graph(URIRef(name))), name


@pytest.mark.parametrize("engine", ENGINES)
def test_build_holds_the_extension_s_inferences_and_literals_as_written(builds, engine):
    asserted = Graph().parse(builds[engine] / "asserted.nt")
    inferred = Graph().parse(builds[engine] / "inferred.nt")
    owned = URIRef(MYC + "ownedByCompany")
    # The property chain: hostedBy then rkg:company.
    assert set(inferred.subject_objects(owned)) == {
        (_c("orion"), URIRef(ORG + "example-compute")), (_c("orion-training-cluster"), URIRef(ORG + "example-compute")),
        (_c("lyra"), URIRef(ORG + "example-compute")), (_c("vega"), URIRef(ORG + "example-cloud")),
    }
    # The key (company, code): the two names of ORION-1 are one cluster, and no other two are.
    same = {(s, o) for s, o in inferred.subject_objects(OWL.sameAs) if s != o}
    assert same == {(_c("orion"), _c("orion-training-cluster")), (_c("orion-training-cluster"), _c("orion"))}
    # The symmetric property: lyra shares with orion, so orion with lyra (and with its other name).
    shares = URIRef(MYC + "sharesCapacityWith")
    assert (_c("lyra"), shares, _c("orion")) in asserted and (_c("orion"), shares, _c("lyra")) in inferred
    assert (_c("orion-training-cluster"), shares, _c("lyra")) in inferred
    # Literals as written: xsd:int stays xsd:int (asserted, and copied to the other name of
    # the cluster), xsd:positiveInteger and the decimal "3.0" too.
    racks = Literal("128", datatype=XSD.int)
    assert (_c("orion"), URIRef(MYC + "rackCount"), racks) in asserted
    assert (_c("orion-training-cluster"), URIRef(MYC + "rackCount"), racks) in inferred
    gpus = Literal("4096", datatype=XSD.positiveInteger)
    assert (_c("orion-training-cluster"), URIRef(MYC + "gpuCount"), gpus) in inferred
    text = (builds[engine] / "asserted.nt").read_text(encoding="utf-8")
    assert f'<{CLUSTER}orion> <{MYC}rackCount> "128"^^<{XSD.int}> .' in text
    assert f'<{CLUSTER}vega> <{MYC}powerMegawatts> "3.0"^^<{XSD.decimal}> .' in text
    assert f'"128"^^<{XSD.integer}>' not in text + (builds[engine] / "inferred.nt").read_text(encoding="utf-8")
    assert (_c("vega"), RDF.type, URIRef(MYC + "ComputeCluster")) in asserted


# -- unit tests of the fixes -----------------------------------------------------------------

_COMPONENT_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:NotSelf a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:via ] ;
    sh:propertyValidator [ a sh:SPARQLSelectValidator ;
        sh:message "{?value} is linked to itself through {$via}"@en ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . ?value $via ?value . }" ] .
ex:Plain a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; ex:via ex:q ] .
ex:Worded a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:p ; ex:via ex:q ; sh:message "Not through {$via}."@en ] .
"""


def test_a_component_s_messages_are_pyshacl_s_on_the_fast_engine():
    """The validator's message keeps its language tag once its variables are filled in; a
    shape's own sh:message is taken as written (pySHACL: bind_messages, make_v_result)."""
    from kg.fast.validate import validate as fast_validate
    from kg.query import to_store
    from kg.validate import validate as reference_validate

    shapes = Graph().parse(data=_COMPONENT_SHAPES, format="turtle")
    data = Graph().parse(data="<https://example.org/a> <https://example.org/p> <https://example.org/b> . "
                              "<https://example.org/b> <https://example.org/q> <https://example.org/b> .", format="turtle")
    expected = {
        frozenset({Literal("https://example.org/b is linked to itself through https://example.org/q", lang="en")}),
        frozenset({Literal("Not through {$via}.", lang="en"),
                   Literal("https://example.org/b is linked to itself through https://example.org/q", lang="en")}),
    }
    for report in (reference_validate(data, shapes_graph=shapes), fast_validate(to_store(data), shapes_graph=shapes)):
        messages = {frozenset(report.graph.objects(result, URIRef(SH + "resultMessage")))
                    for result in report.graph.objects(None, URIRef(SH + "result"))}
        assert messages == expected


_MERGED_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:CountShape a sh:NodeShape ; sh:targetNode ex:a , ex:b ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:int ; sh:maxCount 1 ; sh:message "One xsd:int." ] .
ex:OtherShape a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:m ; sh:minCount 1 ; sh:message "An m." ] .
"""
_MERGED_DATA = """
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:a ex:n "16"^^xsd:int .
ex:b ex:n "16"^^xsd:integer , "16"^^xsd:int .
"""


def test_literals_oxigraph_merges_are_validated_as_written_on_the_fast_engine():
    """ex:a's "16"^^xsd:int and ex:b's "16"^^xsd:integer are one literal in Oxigraph, and ex:b's
    two values one triple. Given the graphs the store was made from, the fast engine
    validates the shape that sees them with pySHACL on those (ex:a conforms; ex:b has a
    wrong datatype and two values), and names it; another shape stays on the fast path."""
    from kg.fast.validate import validate as fast_validate
    from kg.query import to_store
    from kg.validate import validate as reference_validate

    shapes = Graph().parse(data=_MERGED_SHAPES, format="turtle")
    data = Graph().parse(data=_MERGED_DATA, format="turtle")
    ex = "https://example.org/"
    expected = {(URIRef(ex + "b"), "DatatypeConstraintComponent", _lit("16", XSD.integer)),
                (URIRef(ex + "b"), "MaxCountConstraintComponent", None),
                (URIRef(ex + "a"), "MinCountConstraintComponent", None)}

    def found(report) -> set:
        return {(r.focus_node, str(r.source_constraint_component).split("#")[-1], r.value) for r in report.results}

    assert found(reference_validate(data, shapes_graph=shapes)) == expected
    fast = fast_validate(to_store(data), shapes_graph=shapes, data_graph=data)
    assert found(fast) == expected
    assert [note.split(" (")[0] for note in fast.notes] == [f"shape <{ex}CountShape> validated by pySHACL"]
    assert '"16"^^<http://www.w3.org/2001/XMLSchema#integer> and "16"^^<http://www.w3.org/2001/XMLSchema#int>' in fast.notes[0]
    # Without the graphs, the store alone cannot tell them apart: the notes say so.
    alone = fast_validate(to_store(data), shapes_graph=shapes)
    assert found(alone) != expected and any("sees them as one value" in note for note in alone.notes)
