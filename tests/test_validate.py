"""The validation API: the report, severities, the union with the ontology, shape errors.

The individual constraints of ontology/shapes.ttl are tested in test_shapes.py; these
tests use small inline shapes.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import ShapesError
from kg.validate import SH, ValidationReport, ValidationResult, format_path, validate
from kg.vocab import RDFS
from tests.conftest import PROLOGUE

EX = "https://example.org/"
SHAPES = PROLOGUE + """
@prefix ex: <https://example.org/> .
ex:UnitShape a sh:NodeShape ;
    rdfs:label "unit"@en ;
    sh:targetClass org:OrganizationalUnit ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "A unit has a label."@en ] ;
    sh:property [ sh:path skos:altLabel ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "Give other names."@en ] ;
    sh:property [ sh:path org:role ; sh:class org:Role ; sh:message "Roles are org:Role individuals."@en ] .
ex:NoSelfParentShape a sh:NodeShape ;
    sh:targetClass org:OrganizationalUnit ;
    sh:sparql [ a sh:SPARQLConstraint ; rdfs:label "no self parent"@en ;
        sh:message "A unit is not its own parent."@en ;
        sh:select "SELECT $this ?value WHERE { $this <https://example.org/parent> ?value . FILTER (?value = $this) }" ] .
"""
ONTOLOGY = PROLOGUE + """
@prefix ex: <https://example.org/> .
ex:Lab rdfs:subClassOf org:OrganizationalUnit .
ex:head a org:Role .
"""


def graph(text: str) -> Graph:
    return Graph().parse(format="turtle", data=PROLOGUE + "@prefix ex: <https://example.org/> .\n" + text)


def run(data: str, *, ontology: str = ONTOLOGY) -> ValidationReport:
    return validate(graph(data), shapes_graph=Graph().parse(format="turtle", data=SHAPES),
                    ontology_graph=Graph().parse(format="turtle", data=ontology))


def test_valid_data_conforms():
    report = run('ex:tongyi a ex:Lab ; rdfs:label "Tongyi"@en ; skos:altLabel "Tongyi Lab"@en ; org:role ex:head .')
    assert report.conforms
    assert report.results == ()


def test_warnings_do_not_fail_conformance():
    report = run('ex:tongyi a ex:Lab ; rdfs:label "Tongyi"@en .')
    assert report.conforms
    assert [r.severity for r in report.results] == [SH.Warning]
    assert report.warnings == list(report.results) and report.violations == []


def test_a_violation_is_reported_with_its_details():
    report = run('ex:tongyi a ex:Lab ; skos:altLabel "TL"@en .')
    assert not report.conforms
    (result,) = report.violations
    assert result == ValidationResult(
        severity=SH.Violation,
        focus_node=URIRef(EX + "tongyi"),
        result_path=RDFS.label,
        value=None,
        message="A unit has a label.",
        source_shape=result.source_shape,
        source_constraint_component=SH.MinCountConstraintComponent,
    )
    assert result.severity_name == "Violation"
    assert report.rule(result) == "unit, rdfs:label: MinCount"


def test_targets_follow_subclasses_in_the_ontology():
    # ex:Lab is an org:OrganizationalUnit only through the ontology.
    assert not run("ex:tongyi a ex:Lab .").conforms
    assert run("ex:tongyi a ex:Lab .", ontology="").conforms


def test_individuals_of_the_ontology_are_visible_to_the_shapes():
    # ex:head is typed org:Role in the ontology only; sh:class must see it.
    report = run('ex:tongyi a ex:Lab ; rdfs:label "T"@en ; skos:altLabel "T"@en ; org:role ex:head .')
    assert report.conforms
    report = run('ex:tongyi a ex:Lab ; rdfs:label "T"@en ; skos:altLabel "T"@en ; org:role ex:nobody .')
    (result,) = report.violations
    assert result.source_constraint_component == SH.ClassConstraintComponent
    assert result.value == URIRef(EX + "nobody")


def test_sparql_constraints_run():
    report = run('ex:tongyi a ex:Lab ; rdfs:label "T"@en ; skos:altLabel "T"@en ; ex:parent ex:tongyi .')
    (result,) = report.violations
    assert result.source_constraint_component == SH.SPARQLConstraintComponent
    assert result.message == "A unit is not its own parent."
    assert result.source_constraint is not None
    assert report.rule(result) == "<https://example.org/NoSelfParentShape>: SPARQL no self parent"


def test_the_same_sparql_constraint_checks_every_focus_node():
    data = "".join(f'ex:u{i} a ex:Lab ; rdfs:label "U"@en ; skos:altLabel "U"@en ; ex:parent ex:u{i} .\n' for i in range(5))
    report = run(data)
    assert sorted(str(r.focus_node) for r in report.violations) == [f"{EX}u{i}" for i in range(5)]


def test_results_are_in_a_stable_order():
    first = run('ex:b a ex:Lab . ex:a a ex:Lab ; rdfs:label "A"@en . ex:c a ex:Lab .')
    second = run('ex:c a ex:Lab . ex:a a ex:Lab ; rdfs:label "A"@en . ex:b a ex:Lab .')

    def key(report):
        return [(r.severity, r.focus_node, r.result_path, r.message) for r in report.results]

    assert key(first) == key(second)
    assert [r.focus_node for r in first.violations] == [URIRef(EX + "b"), URIRef(EX + "c")]
    severities = [r.severity for r in first.results]
    assert severities == sorted(severities, key=[SH.Violation, SH.Warning, SH.Info].index)


def test_the_report_graph_is_a_shacl_report():
    report = run("ex:tongyi a ex:Lab .")
    assert (None, SH.conforms, Literal(False)) in report.graph
    assert len(list(report.graph.objects(None, SH.result))) == len(report.results)


def test_inputs_are_not_modified():
    data, shapes, ontology = graph("ex:tongyi a ex:Lab ."), Graph().parse(format="turtle", data=SHAPES), graph(ONTOLOGY)
    sizes = (len(data), len(shapes), len(ontology))
    validate(data, shapes_graph=shapes, ontology_graph=ontology)
    assert (len(data), len(shapes), len(ontology)) == sizes


@pytest.mark.parametrize(
    "shapes, match",
    [
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount \"x\" ] .", "minCount"),
        ('ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this ?p }" ] .',
         "not valid SPARQL"),
    ],
)
def test_unusable_shapes_are_an_error(shapes, match):
    with pytest.raises(ShapesError, match=match):
        validate(graph("ex:x a ex:C ."), shapes_graph=graph(shapes))


def test_format_path_writes_sparql_property_paths():
    g = graph("""ex:s sh:path [ sh:alternativePath ( org:memberOf [ sh:zeroOrMorePath org:subOrganizationOf ] ) ] .""")
    assert format_path(g, g.value(URIRef(EX + "s"), SH.path)) == "(org:memberOf|(org:subOrganizationOf)*)"


# That the shipped data conforms: tests/test_shapes.py (and pySHACL's report on it is the fast
# engine's: tests/test_fast.py).


# -- kg validate: notes and the Turtle report ------------------------------------------------

#: A shape with a SPARQL-based target (SHACL Advanced Features, which the fast engine does not compile).
COMPONENT_SHAPE = """
ex:EnglishNameShape a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this a <https://w3id.org/restructuring-kg/ontology#Company> }" ] ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""


def test_kg_validate_names_on_stderr_a_shape_pyshacl_ran(make_project, capsys):
    from kg.cli import main
    from tests.conftest import TINY_SHAPES

    project = make_project(shapes=TINY_SHAPES + COMPONENT_SHAPE)
    code = main(["--root", str(project.root), "validate"])
    out, err = capsys.readouterr()
    assert code == 0, out
    assert "kg: warning: shape <https://example.org/shapes#EnglishNameShape> validated by pySHACL" in err
    assert "sh:target" in err
    code = main(["--root", str(project.root), "validate", "--engine", "reference"])
    assert code == 0 and capsys.readouterr().err == ""


def test_kg_validate_turtle_does_not_conform_when_there_are_only_warnings(make_project, capsys):
    from kg.cli import main
    from tests.conftest import TINY_DATA

    # a person without another name: a warning, no violation
    project = make_project(data={"acme.ttl": TINY_DATA + '\nrper:x a foaf:Person ; rdfs:label "X"@en .\n'})
    for engine in ("fast", "reference"):
        code = main(["--root", str(project.root), "validate", "--format", "turtle", "--engine", engine])
        report = Graph().parse(data=capsys.readouterr().out, format="turtle")
        assert code == 0  # warnings do not fail the project's check
        assert list(report.objects(None, SH.result))
        assert set(report.objects(None, SH.conforms)) == {Literal(False)}, engine
