"""kg template apply: rows of people, units, roles and events turned into checked Turtle."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.cli import main
from kg.load import load_project
from kg.template import TemplateError, apply_template
from kg.vocab import DCTERMS, FOAF, ORG, PREFIXES, PROV, RDF, RDFS, RKG, TIME, XSD
from tests.conftest import ROOT, write_project

RORG, RPER, RMEM, RPL, REV = (PREFIXES[p] for p in ("rorg", "rper", "rmem", "rpl", "rev"))
HEADER = "kind,id,label,altLabels,class,company,parent,begin,end,person,organization,role,date,status,resulting,source,locator\n"
GOOD = HEADER + (
    "unit,acme-robotics,Acme Robotics,Robotics,BusinessUnit,acme,acme-ai,2026-03,,,,,,,,s1,L2\n"
    "person,cai-wen,Cai Wen,Wen Cai,,,,,,,,,,,,s1,L5\n"
    "role,,,,,,,2026-03-16,,cai-wen,acme-robotics,head,,,,s1,L5\n"
    "event,2026-03-16-acme-robotics-established,Acme sets up Acme Robotics,,Establishment,acme,,,,cai-wen,,,"
    "2026-03-16,announced,acme-robotics,s1|s1,L2|L5\n"
)


@pytest.fixture
def project(tmp_path):
    """The tiny project of conftest with the real shapes and the typo guard."""
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    made = write_project(tmp_path / "p", shapes=shapes)
    (made.ontology_dir / "typo-guard-shapes.ttl").write_text((ROOT / "ontology" / "typo-guard-shapes.ttl").read_text())
    return made


def _write(tmp_path: Path, text: str, name: str = "rows.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _citations(graph: Graph, node: URIRef) -> list[tuple[str, str]]:
    return sorted(
        (str(graph.value(d, PROV.entity)), str(graph.value(d, RKG.locator)))
        for d in graph.objects(node, PROV.qualifiedDerivation)
    )


def test_rows_become_the_conventions_triples(tmp_path, project):
    result = apply_template(_write(tmp_path, GOOD), load_project(project))
    assert result.ok, [str(e) for e in result.errors]
    assert result.rows == 4 and result.report is not None and result.report.conforms
    g = result.graph
    unit, person = URIRef(RORG + "acme-robotics"), URIRef(RPER + "cai-wen")
    assert set(g.objects(unit, RDF.type)) == {RKG.BusinessUnit}
    assert g.value(unit, RKG.company) == URIRef(RORG + "acme")
    assert set(g.objects(unit, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))) == {Literal("Robotics", lang="en")}
    placement = URIRef(RPL + "acme-robotics-in-acme-ai")
    assert g.value(placement, RKG.placedUnit) == unit and g.value(placement, RKG.parentOrganization) == URIRef(RORG + "acme-ai")
    begin = g.value(g.value(placement, RKG.placedDuring), TIME.hasBeginning)
    assert g.value(begin, TIME.inXSDgYearMonth) == Literal("2026-03", datatype=XSD.gYearMonth)
    assert _citations(g, placement) == _citations(g, unit) == [(PREFIXES["rsrc"] + "s1", "L2")]
    assert (person, RDF.type, FOAF.Person) in g and g.value(person, RDFS.label) == Literal("Cai Wen", lang="en")
    membership = URIRef(RMEM + "cai-wen-head-acme-robotics")
    assert (g.value(membership, ORG.member), g.value(membership, ORG.organization), g.value(membership, ORG.role)) == (
        person, unit, RKG.head)
    assert g.value(membership, RDFS.label) == Literal("Cai Wen, head of Acme Robotics", lang="en")
    interval = g.value(membership, ORG.memberDuring)
    assert g.value(g.value(interval, TIME.hasBeginning), TIME.inXSDDate) == Literal("2026-03-16", datatype=XSD.date)
    assert g.value(interval, TIME.hasEnd) is None
    event = URIRef(REV + "2026-03-16-acme-robotics-established")
    assert (g.value(event, DCTERMS.date), g.value(event, RKG.status), g.value(event, ORG.resultingOrganization)) == (
        Literal("2026-03-16", datatype=XSD.date), RKG.announced, unit)
    assert _citations(g, event) == [(PREFIXES["rsrc"] + "s1", "L2"), (PREFIXES["rsrc"] + "s1", "L5")]
    # The only blank nodes are the citations.
    assert all((b, RDF.type, PROV.Derivation) in g for b in {t for triple in g for t in triple if isinstance(t, BNode)})


def test_cli_writes_the_turtle(tmp_path, project, capsys):
    out = tmp_path / "rows.ttl"
    assert main(["--root", str(project.root), "template", "apply", str(_write(tmp_path, GOOD)), "-o", str(out)]) == 0
    assert "from 4 rows" in capsys.readouterr().out
    written = Graph().parse(out)
    assert (URIRef(RORG + "acme-robotics"), RDF.type, RKG.BusinessUnit) in written
    # The output joins the data and the project still conforms.
    (project.data_dir / "rows.ttl").write_text(out.read_text())
    assert main(["--root", str(project.root), "validate"]) == 0


def test_a_bad_row_writes_nothing_and_is_named(tmp_path, project, capsys):
    rows = GOOD.replace("2026-03-16,,cai-wen", "2026-02-30,,cai-wen")
    out = tmp_path / "rows.ttl"
    out.write_text("previous content\n")
    assert main(["--root", str(project.root), "template", "apply", str(_write(tmp_path, rows)), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "rows.csv:4: row 3, column 'begin': '2026-02-30' is not a date" in err
    assert "1 row of 4 failed; nothing written" in err
    assert out.read_text() == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p", "rows.csv", "rows.ttl"]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("person,Cai Wen,Cai Wen,,,,,,,,,,,,,s1,L5", "id", "not a lower-case kebab-case local name"),
        ("person,ann-lee,Ann Lee,,,,,,,,,,,,,s1,L4", "id", "rper:ann-lee already exists"),
        ("person,cai-wen,,,,,,,,,,,,,,s1,L5", "label", "a person row needs a value here"),
        ("person,cai-wen,Cai Wen,,,,,,,,,,,,,s7,L5", "source", "'s7' is not a registered source document"),
        ("person,cai-wen,Cai Wen,,,,,,,,,,,,,s1,line 5", "locator", "is not a line locator"),
        ("person,cai-wen,Cai Wen,,,,,,,,,,,,,,", "source", "every row cites a source"),
        ("person,cai-wen,Cai Wen,,,acme,,,,,,,,,,s1,L5", "company", "does not apply to a person row"),
        ("team,cai-wen,Cai Wen,,,,,,,,,,,,,s1,L5", "kind", "'team' is not a kind of row"),
        ("unit,acme-x,Acme X,,Labb,acme,acme-ai,,,,,,,,,s1,L3", "class", "'Labb' is not a kind of unit"),
        ("unit,acme-x,Acme X,,Lab,acme-ai,acme,,,,,,,,,s1,L3", "company", "is not an rkg:Company"),
        ("unit,acme-x,Acme X,,Lab,acme,acme-aj,,,,,,,,,s1,L3", "parent", "'acme-aj' (rorg:acme-aj) is neither in the graph"),
        ("unit,acme-x,Acme X,,Lab,acme,acme-ai,2026-03,2025,,,,,,,s1,L3", "end", "ends (2025) before it begins (2026-03)"),
        ("role,,,,,,,,,ann-lee,acme-lab,chief,,,,s1,L4", "role", "'chief' is not a role"),
        ("role,,,,,,,,,rorg:acme,acme-lab,head,,,,s1,L4", "person", "'rorg:acme' is not a foaf:Person"),
        ("event,2026-acme-x,Acme X,,Merger,acme,,,,,,,2026,done,,s1,L3", "status", "'done' is not a status"),
        ("event,2026-acme-x,Acme X,,Company,acme,,,,,,,2026,completed,,s1,L3", "class", "is not an event or activity type"),
        ("event,2026-acme-x,Acme X,,Merger,acme,,,,,,,2026-3,completed,,s1,L3", "date", "'2026-3' is not a date"),
    ],
)
def test_row_errors_name_the_column_and_reason(tmp_path, project, row, column, reason):
    graphs = load_project(project)
    result = apply_template(_write(tmp_path, HEADER + row + "\n"), graphs, check_shapes=False)
    assert [(e.row, e.line, e.column) for e in result.errors] == [(1, 2, column)]
    assert reason in result.errors[0].message


def test_shape_violations_are_traced_to_their_row(tmp_path, project):
    rows = HEADER + (
        "person,cai-wen,Cai Wen,,,,,,,,,,,,,s1,L5\n"
        "event,2026-03-acme-x,Acme does something,,Establishment,acme,,,,,,,2026-03,announced,,s1,L3\n"
    )
    result = apply_template(_write(tmp_path, rows), load_project(project))
    assert {(e.row, e.line) for e in result.errors} == {(2, 3)}
    assert any("needs at least one org:resultingOrganization" in e.message for e in result.errors)
    assert all("rev:2026-03-acme-x" in e.message for e in result.errors)


def test_rows_refer_to_earlier_rows_only(tmp_path, project):
    rows = HEADER + (
        "role,,,,,,,,,cai-wen,acme-lab,member,,,,s1,L5\n"
        "person,cai-wen,Cai Wen,,,,,,,,,,,,,s1,L5\n"
    )
    result = apply_template(_write(tmp_path, rows), load_project(project), check_shapes=False)
    assert [(e.row, e.column) for e in result.errors] == [(1, "person")]


def test_tsv_comments_and_base(tmp_path, project):
    text = "# people of Acme\n" + "kind\tid\tlabel\tsource\tlocator\n" + "person\tcai-wen\tCai Wen\ts1.txt\tL5\n"
    result = apply_template(_write(tmp_path, text, "rows.tsv"), load_project(project), base="https://example.org/x/id/")
    assert result.ok, [str(e) for e in result.errors]
    assert (URIRef("https://example.org/x/id/person/cai-wen"), RDF.type, FOAF.Person) in result.graph


def test_bad_template_files_are_errors(tmp_path, project, capsys):
    graphs = load_project(project)
    with pytest.raises(TemplateError, match="unknown column 'labels'"):
        apply_template(_write(tmp_path, "kind,id,labels\n"), graphs)
    with pytest.raises(TemplateError, match="no 'kind' column"):
        apply_template(_write(tmp_path, "id,label\n"), graphs)
    with pytest.raises(TemplateError, match="a .csv or .tsv file"):
        apply_template(_write(tmp_path, "kind\n", "rows.txt"), graphs)
    assert main(["--root", str(project.root), "template", "apply", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
