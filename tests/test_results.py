"""Query results: the W3C SPARQL 1.1 JSON, CSV and TSV formats, tables and typed rows."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.results import QueryResult, sparql_term

EX = "https://example.org/"

RESULT = QueryResult(
    ("thing", "name", "count", "when", "note"),
    (
        {
            "thing": URIRef(EX + "lab"),
            "name": Literal("Tongyi Lab", lang="en"),
            "count": Literal("3", datatype=XSD.integer),
            "when": Literal("2026-03-16", datatype=XSD.date),
            "note": Literal('tab\there, "quoted", new\nline, back\\slash'),
        },
        {"thing": BNode("b0"), "count": Literal("2.50", datatype=XSD.decimal), "when": Literal("2026", datatype=XSD.gYear)},
    ),
    namespaces={"ex": EX},
)


def test_tsv_is_w3c_tsv():
    lines = RESULT.serialize("tsv").split("\n")
    assert lines[0] == "?thing\t?name\t?count\t?when\t?note"
    assert lines[1].split("\t") == [
        f"<{EX}lab>",
        '"Tongyi Lab"@en',
        "3",
        '"2026-03-16"^^<http://www.w3.org/2001/XMLSchema#date>',
        '"tab\\there, \\"quoted\\", new\\nline, back\\\\slash"',
    ]
    assert lines[2].split("\t") == ["_:b0", "", "2.50", '"2026"^^<http://www.w3.org/2001/XMLSchema#gYear>', ""]
    assert lines[3] == "" and len(lines) == 4


def test_tsv_writes_a_number_in_full_when_its_lexical_form_is_not_turtle():
    result = QueryResult(("n",), ({"n": Literal("+.5e", datatype=XSD.double)},))
    assert result.serialize("tsv").splitlines()[1] == '"+.5e"^^<http://www.w3.org/2001/XMLSchema#double>'


def test_tsv_reads_back_as_the_same_result():
    """QueryResult.from_tsv reads what serialize("tsv") writes: the same terms, and rows
    whose values (read from the text, not from the terms) are the same Python values."""
    back = QueryResult.from_tsv(RESULT.serialize("tsv"), namespaces={"ex": EX})
    assert back.vars == RESULT.vars and len(back) == len(RESULT) == 2
    assert back.rows == RESULT.rows
    assert back.bindings == RESULT.bindings and back == RESULT
    assert back.serialize("table") == RESULT.serialize("table")


def test_tsv_rows_are_the_callers_to_change():
    result = QueryResult.from_tsv('?name\n"Tongyi Lab"@en\n')
    result.rows[0]["name"] = "changed"
    assert result.rows == [{"name": "Tongyi Lab"}]


@pytest.mark.parametrize(
    "text",
    [
        "name\n<https://example.org/a>\n",  # no "?" in the header
        "?a\t?b\n<https://example.org/a>\n",  # one cell for two variables
        "?t\n<< <urn:a> <urn:b> <urn:c> >>\n",  # a triple term
        '?s\n"hi"@en--ltr\n',  # a base direction
        "?n\nsomething\n",
        "",
    ],
)
def test_tsv_refuses_what_it_does_not_read(text):
    with pytest.raises(ValueError):
        QueryResult.from_tsv(text)


def test_csv_is_w3c_csv():
    text = RESULT.serialize("csv")
    assert text.startswith("thing,name,count,when,note\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [EX + "lab", "Tongyi Lab", "3", "2026-03-16", 'tab\there, "quoted", new\nline, back\\slash']
    assert rows[2] == ["_:b0", "", "2.50", "2026", ""]


def test_json_is_w3c_json():
    document = json.loads(RESULT.serialize("json"))
    assert document["head"] == {"vars": ["thing", "name", "count", "when", "note"]}
    first, second = document["results"]["bindings"]
    assert first["thing"] == {"type": "uri", "value": EX + "lab"}
    assert first["name"] == {"type": "literal", "value": "Tongyi Lab", "xml:lang": "en"}
    assert first["count"] == {"type": "literal", "value": "3", "datatype": str(XSD.integer)}
    assert first["note"] == {"type": "literal", "value": 'tab\there, "quoted", new\nline, back\\slash'}
    assert second["thing"] == {"type": "bnode", "value": "b0"}
    assert "name" not in second


def test_ask_results():
    yes = QueryResult((), boolean=True)
    assert json.loads(yes.serialize("json")) == {"head": {}, "boolean": True}
    assert yes.serialize("tsv") == "?boolean\ntrue\n"
    assert bool(yes) and not QueryResult((), boolean=False)


def test_table_and_markdown_use_prefixed_names_and_one_line_cells():
    table = RESULT.serialize("table").splitlines()
    assert table[0].split() == ["thing", "name", "count", "when", "note"]
    assert table[2].startswith("ex:lab  Tongyi Lab  3")
    assert table[-1] == "(2 rows)"
    markdown = QueryResult(("a",), ({"a": Literal("x | y")},)).serialize("md")
    assert markdown == "| a |\n|---|\n| x \\| y |\n"


def test_rows_are_python_values():
    first, second = RESULT.rows
    assert first["thing"] == URIRef(EX + "lab")
    assert first["count"] == 3 and first["when"] == datetime.date(2026, 3, 16)
    assert second["count"] == Decimal("2.50") and second["when"] == "2026" and second["name"] is None


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown result format 'xml'"):
        RESULT.serialize("xml")


@pytest.mark.parametrize("value", ['" } . ?s ?p ?o { "', "\\", "line\nbreak", "'''"])
def test_sparql_term_keeps_any_literal_one_term(value):
    # The written term, embedded in a query, must come back as exactly one row holding
    # exactly the value: a term that ended early, or lost characters, gives other rows.
    from rdflib import Graph

    rows = list(Graph().query(f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_term(Literal(value))} }} }}"))
    assert [row.x for row in rows] == [Literal(value)]


@pytest.mark.parametrize("value", [EX + "a>b", EX + "a b", EX + "{x}", EX + 'a"b'])
def test_sparql_term_refuses_iris_that_would_end_early(value):
    with pytest.raises(ValueError, match="not an IRI"):
        sparql_term(URIRef(value))
