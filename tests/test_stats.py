"""Counts per class, per company and per source."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kg.load import load_graph
from kg.stats import stats
from kg.vocab import RKG
from tests.conftest import PROLOGUE, ROOT, TINY_DATA

ORG_ID = "https://w3id.org/restructuring-kg/id/org/"


def tiny(extra: str = "") -> Graph:
    return Graph().parse(format="turtle", data=TINY_DATA + extra)


def ontology() -> Graph:
    return load_graph([ROOT / "ontology" / "restructuring.ttl", ROOT / "ontology" / "imports" / "w3c-axioms.ttl"])


def test_counts_per_asserted_class():
    counted = stats(tiny())
    classes = dict(counted.classes)
    assert classes[RKG.RoleMembership] == 2
    assert classes[RKG.Placement] == 2
    assert classes[RKG.Lab] == 1
    # Asserted types only: a lab is not counted again as an org:OrganizationalUnit.
    assert URIRef("http://www.w3.org/ns/org#OrganizationalUnit") not in classes
    counts = [n for _, n in counted.classes]
    assert counts == sorted(counts, reverse=True)
    assert counted.triples == len(tiny())


def test_counts_per_company_use_the_ontology_for_event_classes():
    extra = PROLOGUE + """
        rev:e2 a rkg:ProductLaunch ; rkg:company rorg:acme .
        rorg:beta a rkg:Company ; rdfs:label "Beta"@en ."""
    data = tiny(extra)
    (acme, beta) = stats(data, ontology=ontology()).companies
    assert (acme.company, acme.label, acme.things, acme.events, acme.activities) == (
        URIRef(ORG_ID + "acme"), "Acme Group", 4, 1, 1)
    assert (beta.things, beta.events, beta.activities) == (0, 0, 0)
    # Without the ontology, rkg:Establishment is not known to be an rkg:RestructuringEvent.
    assert stats(data).companies[0].events == 0


def test_counts_per_source():
    (source,) = stats(tiny()).sources
    assert source.identifier == "s1.txt"
    assert source.label == "A test article"
    # The company, 2 units, 2 placements, 2 people, 2 memberships, a reporting line, an event, a figure.
    assert source.resources == 12
    assert source.citations == 12


def test_a_source_counted_once_per_resource():
    data = tiny(PROLOGUE + """
        rorg:acme prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:s1 ; rkg:locator "L2" ] .""")
    (source,) = stats(data).sources
    assert (source.resources, source.citations) == (12, 13)


def test_shipped_stats_add_up(shipped_graphs):
    counted = stats(shipped_graphs.data, ontology=shipped_graphs.ontology)
    assert counted.triples == len(shipped_graphs.data)
    assert {s.identifier for s in counted.sources} == {
        "000_821217177cd03ed2.txt", "001_d1ef43484a2235ae.txt", "002_4ac1ff55c67fdcdd.txt",
        "003_8a99df34af87e118.txt", "004_b00deb98aa85aa0d.txt"}
    assert all(s.resources > 0 for s in counted.sources)
    alibaba = next(c for c in counted.companies if c.company == URIRef(ORG_ID + "alibaba-group"))
    assert alibaba.events > 0 and alibaba.things >= alibaba.events + alibaba.activities


def test_the_text_and_json_views_are_what_kg_stats_prints(capsys):
    import json

    from kg.cli import main

    counted = stats(tiny(), ontology=ontology())
    lines = counted.text_lines(data_files=1, where="data")
    assert lines[0] == f"{counted.triples} triples in 1 data file (data)"
    assert "resources per class (asserted rdf:type)" in lines
    assert any(line.split() == ["2", "rkg:RoleMembership"] for line in lines)
    document = counted.to_json(data_files=1)
    assert document["triples"] == counted.triples and document["data_files"] == 1
    assert document["classes"][str(RKG.Lab)] == 1

    shipped = stats(load_graph(sorted((ROOT / "data").glob("*.ttl"))), ontology=ontology())
    assert main(["stats"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[1:] == shipped.text_lines(data_files=0, where="")[1:]
    assert main(["stats", "--format", "json"]) == 0
    assert {k: v for k, v in json.loads(capsys.readouterr().out).items() if k != "data_files"} == \
        {k: v for k, v in shipped.to_json(data_files=0).items() if k != "data_files"}
