"""The named queries: catalogue, parameters, injection, expected answers, ``kg query``.

Every ``tests/expected/<query>/<case>.json`` file is run on the shipped data with both
engines; its rows (W3C SPARQL CSV values, in the query's order) must be the answer.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg.cli import main
from kg.errors import ParameterError, QueryError
from kg.query import PARAM_TYPES, Query, bind_query, find_query, load_catalogue, query_graph, run_query, to_store
from kg.results import QueryResult, to_python
from tests.conftest import PROLOGUE, ROOT

EXPECTED = sorted((ROOT / "tests" / "expected").glob("*/*.json"))
QUERY_FILES = sorted((ROOT / "queries").rglob("*.rq"))
#: The queries of this module's cases; they run on asserted data (with the ontology).
OWN = (
    "restructuring-timeline",
    "org-chart",
    "reporting-chain",
    "ceo-direct-units",
    "talent-moves",
    "personnel-changes-by-period",
    "role-succession",
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "queries")


@pytest.fixture(scope="module")
def asserted(shipped_project) -> Graph:
    """Ontology + asserted data, what a query without ``needs: inferred`` runs on."""
    return query_graph(shipped_project)


@pytest.fixture(scope="module")
def stores(asserted, shipped_graph):
    """Oxigraph stores of the asserted and the inferred graph."""
    return {"asserted": to_store(asserted), "inferred": to_store(shipped_graph)}


def csv_rows(result: QueryResult) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.serialize("csv"), newline="")))


# -- expected answers -------------------------------------------------------------


def test_there_are_expected_answers_for_each_own_query():
    have = {path.parent.name for path in EXPECTED}
    assert set(OWN) <= have


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("path", EXPECTED, ids=[f"{p.parent.name}/{p.stem}" for p in EXPECTED])
def test_expected_answer(path: Path, engine, catalogue, asserted, shipped_graph, stores):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case.get("reviewed"), f"{path}: say which source lines the answer was checked against"
    query = catalogue[path.parent.name]
    inferred = "inferred" in query.needs
    if engine == "oxigraph":
        graph = stores["inferred" if inferred else "asserted"]
    else:
        graph = shipped_graph if inferred else asserted
    result = run_query(query, graph, params=case["params"])
    assert csv_rows(result) == case["rows"]


@pytest.mark.parametrize("path", [p for p in EXPECTED if p.parent.name in OWN], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_own_queries_answer_the_same_in_a_store_holding_inferred_triples(path, catalogue, stores):
    """A user's store after a build holds the inferred types too; the answers do not change."""
    case = json.loads(path.read_text(encoding="utf-8"))
    result = run_query(catalogue[path.parent.name], stores["inferred"], params=case["params"])
    assert csv_rows(result) == case["rows"]


@pytest.mark.parametrize("name", ["restructuring-timeline", "strategy-fingerprint"])
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_company_s_rows_are_its_rows_of_all_companies(name, engine, catalogue, asserted, stores):
    """These queries rank or count in a subquery, where the company is bound too: for each
    company, its rows (sources in order, counts) are those the query gives for all."""
    graph = stores["asserted"] if engine == "oxigraph" else asserted
    query = catalogue[name]
    everyone = csv_rows(run_query(query, graph))
    companies = sorted({row["companyName"] for row in everyone})
    assert len(companies) > 3
    for company in companies:
        own = csv_rows(run_query(query, graph, params={"company": company}))
        assert own and own == [row for row in everyone if row["companyName"] == company], company


# -- the query files --------------------------------------------------------------


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_file_parses_and_has_a_header(path: Path):
    query = Query.from_file(path)
    assert query.summary, f"{path.name}: no '#+ summary:'"
    prepareQuery(path.read_text(encoding="utf-8"))  # raises on a syntax error
    text = path.read_text(encoding="utf-8")
    assert "PREFIX" in text, f"{path.name}: declares its own prefixes"
    if "SELECT" in text.upper() and not query.is_violation:
        assert "ORDER BY" in text.upper(), f"{path.name}: ORDER BY for a stable output"
    for param in query.params:
        assert param.type in PARAM_TYPES


def test_catalogue_refuses_a_name_defined_twice(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.rq").write_text("#+ summary: x\nSELECT * WHERE { ?s ?p ?o } ORDER BY ?s\n")
    with pytest.raises(QueryError, match="also defined"):
        load_catalogue(tmp_path / "a", tmp_path / "b")


@pytest.mark.parametrize(
    "header, message",
    [
        ("#+ sumary: typo\n", "key one of"),
        ("#+ description: no summary\n", "no summary"),
        ("#+ summary: x\n#+ params:\n#+   - name: date\n#+     type: moment\n", "unknown type"),
        ("#+ summary: x\n#+ params:\n#+   - name: nowhere\n#+     type: date\n", "not a variable"),
    ],
)
def test_bad_headers_are_errors(header, message):
    with pytest.raises(QueryError, match=message):
        Query.from_text(header + "SELECT ?date WHERE { ?s ?p ?date } ORDER BY ?date")


def test_unknown_query_names_close_matches(catalogue):
    with pytest.raises(QueryError, match="did you mean org-chart"):
        find_query("org-chrt", catalogue)


# -- parameters -------------------------------------------------------------------

TINY = PROLOGUE + """
rorg:acme a rkg:Company ; rdfs:label "Acme Group"@en ; skos:altLabel "Acme"@en .
rorg:acme-lab rdfs:label "Acme \\"Lab\\" } . ?s ?p ?o {"@en ; rkg:company rorg:acme .
rorg:beta a rkg:Company ; rdfs:label "Beta Corp"@en .
"""

LABELS = Query.from_text(
    """#+ summary: units with a given label
#+ params:
#+   - name: name
#+     type: string
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?unit WHERE { ?unit rdfs:label ?label FILTER (STR(?label) = ?name) } ORDER BY ?unit"""
)

OF_COMPANY = Query.from_text(
    """#+ summary: a company's things
#+ params:
#+   - name: company
#+     type: company
#+   - name: date
#+     type: date
#+     default: 2026-03-20
#+   - name: target
#+     type: iri
PREFIX rkg: <https://w3id.org/restructuring-kg/ontology#>
SELECT DISTINCT ?thing ?date WHERE { ?thing rkg:company ?company OPTIONAL { ?thing ?p ?target } } ORDER BY ?thing"""
)


@pytest.fixture(scope="module")
def tiny() -> Graph:
    return Graph().parse(data=TINY, format="turtle")


def test_company_by_other_name_any_case(tiny):
    rows = run_query(OF_COMPANY, tiny, params={"company": "acme"}).rows
    assert [row["thing"] for row in rows] == [URIRef("https://w3id.org/restructuring-kg/id/org/acme-lab")]
    assert rows[0]["date"] == datetime.date(2026, 3, 20)


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_a_name_borne_exactly_wins_over_other_cases(engine):
    """Found in the indexes as given; only when nothing bears it exactly are names
    compared in any case (and then two things sharing it are an error)."""
    data = Graph().parse(format="turtle", data=PROLOGUE + """
        rorg:qwen a rkg:Company ; rdfs:label "Qwen"@en .
        rorg:qwen-app a rkg:Company ; rdfs:label "QWEN"@en .""")
    graph = data if engine == "rdflib" else to_store(data)
    resolve = OF_COMPANY.params[0].resolve
    assert resolve("Qwen", graph) == URIRef("https://w3id.org/restructuring-kg/id/org/qwen")
    assert resolve("QWEN", graph) == URIRef("https://w3id.org/restructuring-kg/id/org/qwen-app")
    assert resolve(" https://w3id.org/restructuring-kg/id/org/qwen ", graph) == URIRef(
        "https://w3id.org/restructuring-kg/id/org/qwen")
    with pytest.raises(ParameterError, match="'qwen' names more than one company"):
        resolve("qwen", graph)

def test_unknown_company_lists_close_matches(tiny):
    with pytest.raises(ParameterError, match=r"no company is named 'Acne'.*close matches: 'Acme Group'"):
        run_query(OF_COMPANY, tiny, params={"company": "Acne"})


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "March 2026", "2026-3-1", '2026" } {'])
def test_malformed_dates_are_refused(tiny, value):
    with pytest.raises(ParameterError, match="parameter 'date'.*not a date"):
        run_query(OF_COMPANY, tiny, params={"company": "Acme", "date": value})


@pytest.mark.parametrize("value, datatype", [("2026", "gYear"), ("2026-03", "gYearMonth"), ("2026-03-20", "date")])
def test_dates_keep_their_precision(tiny, value, datatype):
    text = bind_query(OF_COMPANY, tiny, {"company": "Acme", "date": value})
    assert f'"{value}"^^<http://www.w3.org/2001/XMLSchema#{datatype}>' in text


def test_unknown_parameter_is_refused(tiny):
    with pytest.raises(ParameterError, match="has no parameter 'colour'.*company, date, target"):
        run_query(OF_COMPANY, tiny, params={"colour": "red"})


def test_parameter_values_are_checked_by_type(tiny):
    assert str(PARAM_TYPES["integer"]("42", tiny)) == "42"
    assert str(PARAM_TYPES["period"]("Quarter", tiny)) == "quarter"
    assert str(PARAM_TYPES["currency"]("cny", tiny)) == "CNY"
    for kind, value in (("integer", "4 2"), ("period", "week"), ("currency", "yuan"), ("iri", "not an iri")):
        with pytest.raises(ValueError):
            PARAM_TYPES[kind](value, tiny)


# -- injection --------------------------------------------------------------------

ATTACKS = ['" } . ?s ?p ?o { "', "x' } UNION { ?unit ?p ?o } #", '"""} ; DROP ALL', "\\\" } {", "}\n?unit ?p ?o .\n{"]


@pytest.mark.parametrize("value", ATTACKS)
def test_quotes_and_braces_in_a_string_stay_a_literal(tiny, value):
    assert run_query(LABELS, tiny, params={"name": value}).rows == []


def test_a_label_full_of_quotes_and_braces_is_matched_exactly(tiny):
    rows = run_query(LABELS, tiny, params={"name": 'Acme "Lab" } . ?s ?p ?o {'}).rows
    assert [row["unit"] for row in rows] == [URIRef("https://w3id.org/restructuring-kg/id/org/acme-lab")]


@pytest.mark.parametrize("value", ATTACKS)
def test_injection_through_a_company_name_is_an_unknown_company(tiny, value):
    with pytest.raises(ParameterError, match="no company is named"):
        run_query(OF_COMPANY, tiny, params={"company": value})


@pytest.mark.parametrize("value", ["https://example.org/a> } . ?s ?p ?o { <x:y", "https://example.org/{x}", "urn:x y"])
def test_iri_that_could_end_early_is_refused(tiny, value):
    with pytest.raises(ParameterError, match="parameter 'target'"):
        run_query(OF_COMPANY, tiny, params={"company": "Acme", "target": value})


# -- engines and the Python API ---------------------------------------------------


def test_the_old_engines_tuple_still_answers_with_a_warning():
    import kg.query
    import kg.sparql
    import kg.sparql.run

    for module in (kg.sparql.run, kg.sparql, kg.query):
        with pytest.warns(DeprecationWarning, match="kg.engines"):
            assert module.ENGINES == ("rdflib", "oxigraph")
        assert "ENGINES" not in module.__all__


def test_oxigraph_gives_the_rdflib_answer(tiny):
    for params in ({"company": "Acme"}, {"company": "Beta Corp"}):
        assert run_query(OF_COMPANY, to_store(tiny), params=params).rows == run_query(OF_COMPANY, tiny, params=params).rows


def test_oxigraph_rows_are_the_terms_oxigraph_holds():
    """The rows read from Oxigraph's TSV are the terms of its own Python objects: escapes,
    language tags, datatypes, numbers and booleans written bare or not, blank nodes, and
    unbound values."""
    import pyoxigraph

    from kg.load import from_oxigraph
    from kg.sparql.evaluate import evaluate

    store = pyoxigraph.Store()
    store.load(
        r"""@prefix x: <urn:x:> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        x:a x:p "tab\there\nline\r \"q\" back\\slash \\t", "", "caf\u00e9"@fr-CA, "a\"@en", "@en",
            "<x>", "_:y", "01"^^xsd:integer, "-5"^^xsd:integer, "+3"^^xsd:integer, "abc"^^xsd:integer,
            "1.50"^^xsd:decimal, ".5"^^xsd:decimal, "1."^^xsd:decimal, "1e3"^^xsd:double,
            "1.0E-3"^^xsd:double, "INF"^^xsd:double, "true"^^xsd:boolean, "1"^^xsd:boolean,
            "2026-03"^^xsd:gYearMonth, "2026-03-16Z"^^xsd:date, "x"^^x:dt, "x"^^xsd:string, _:b1, x:b .""",
        format=pyoxigraph.RdfFormat.TURTLE,
    )

    def described(bindings):
        return [
            {k: (type(v), str(v), getattr(v, "datatype", None), getattr(v, "language", None)) for k, v in row.items()}
            for row in bindings
        ]

    for text in (
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        "SELECT ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?unbound } }",
        "SELECT ?unbound WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?unbound } }",
        "SELECT * WHERE { }",
    ):
        answer = store.query(text)
        names = [v.value for v in answer.variables]
        expected = [{n: from_oxigraph(v) for n, v in zip(names, row) if v is not None} for row in answer]
        result = evaluate(text, store)
        # The rows' values are read from the text, the terms made on first use: both
        # must be what Oxigraph's own objects give.
        assert result.rows == [{n: to_python(row.get(n)) for n in names} for row in expected]
        assert described(result.bindings) == described(expected)
        assert result.bindings == tuple(expected) and len(result) == len(expected) >= 1


COUNTED = Query.from_text(
    """#+ summary: the number of a company's things, counted in a sub-select
#+ params:
#+   - name: company
#+     type: company
#+   - name: date
#+     type: date
#+     default: 2026-03
PREFIX rkg: <https://w3id.org/restructuring-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name ?things ?last WHERE {
  ?company rdfs:label ?name .
  # '{ SELECT' in a string or comment is no sub-select: "{ SELECT ?company {"
  { SELECT (COUNT(?thing) AS ?things) (MAX($dateLast) AS ?last) WHERE { ?thing rkg:company $company } }
} ORDER BY ?name"""
)


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_a_parameter_is_bound_inside_a_sub_select_too(tiny, engine):
    """A sub-select sees nothing of the rows around it; the binder gives it the
    parameters it mentions, so it counts (or ranks) for the value given only, and an
    unbound parameter leaves it counting for all values."""
    graph = tiny if engine == "rdflib" else to_store(tiny)
    rows = run_query(COUNTED, graph, params={"company": "Beta Corp"}).rows
    assert [(str(row["name"]), int(row["things"])) for row in rows] == [("Beta Corp", 0)]
    rows = run_query(COUNTED, graph, params={"company": "Acme"}).rows
    assert [(str(row["name"]), int(row["things"])) for row in rows] == [("Acme Group", 1)]
    # The day variables of a date parameter reach the sub-select as well.
    assert rows[0]["last"] == datetime.date(2026, 3, 31)
    unbound = run_query(COUNTED, graph).rows
    assert {int(row["things"]) for row in unbound} == {1}
    assert 'string or comment is no sub-select: "{ SELECT ?company {"' in bind_query(COUNTED, graph, {"company": "Acme"})


def test_an_optional_whose_filter_fails_keeps_its_row_with_a_parameter():
    """rdflib re-checks an OPTIONAL none of whose rows pass without the VALUES bindings;
    the line below begins after the date, so the person stays, with no superior."""
    data = Graph().parse(format="turtle", data="""
        @prefix ex: <https://example.org/> .
        ex:ann ex:line ex:l1 . ex:l1 ex:superior ex:bo ; ex:since "2026-05-01" .""")
    query = Query.from_text("""#+ summary: superior as of a date
#+ params:
#+   - name: date
#+     type: date
PREFIX ex: <https://example.org/>
SELECT ?person ?superior WHERE {
  ?person ex:line ?line .
  OPTIONAL { ?line ex:superior ?superior
    FILTER NOT EXISTS { ?line ex:since ?since FILTER (?since > STR(?date)) } }
}""")
    for target in (data, to_store(data)):
        rows = run_query(query, target, params={"date": "2026-01-01"}).rows
        assert rows == [{"person": URIRef("https://example.org/ann"), "superior": None}]


def test_any_object_with_evaluate_is_a_target(tiny):
    """An endpoint (kg.store.SparqlEndpoint) implements evaluate(text); it gets bound SPARQL text."""

    class Endpoint:
        def __init__(self):
            self.texts = []

        def evaluate(self, text):
            self.texts.append(text)
            return run_query(Query.from_text(text), tiny)

    endpoint = Endpoint()
    rows = run_query(OF_COMPANY, endpoint, params={"company": "Acme"}).rows
    assert rows == run_query(OF_COMPANY, tiny, params={"company": "Acme"}).rows
    assert "VALUES (?company ?date)" in endpoint.texts[-1]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_remote_data_is_refused(tiny, engine):
    graph = tiny if engine == "rdflib" else to_store(tiny)
    for text in ("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
                 "select * from <https://example.org/data> WHERE { ?s ?p ?o }",
                 "SELECT * FROM NAMED <https://example.org/data> WHERE { GRAPH ?g { ?s ?p ?o } }"):
        with pytest.raises(QueryError, match="not supported"):
            run_query(text, graph)


def test_names_that_spell_keywords_are_not_refused(tiny):
    text = "PREFIX ex: <https://example.org/> SELECT ?from WHERE { ?from ex:service ?o } LIMIT 1"
    assert run_query(text, to_store(tiny)).rows == run_query(text, tiny).rows


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_the_query_s_own_prefixes_shorten_its_answers(tiny, engine):
    graph = tiny if engine == "rdflib" else to_store(tiny)
    text = "PREFIX zz:   <https://example.org/zz/>\nSELECT ?x WHERE { VALUES ?x { zz:a } }"
    result = run_query(text, graph)
    assert result.compact(result.bindings[0]["x"]) == "zz:a"


def test_a_syntax_error_on_oxigraph_is_reported_as_one(tiny):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_query("SELECT ?s WHERE { ?s ?p }", to_store(tiny))


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { ?s ex:p ?o }", "SPARQL syntax error: Unknown namespace prefix : ex"),
    ("SELECT * WHERE { ?s ?p ?o FILTER regex(str(?o), '(') }", "query failed: missing \\)"),
    ("SELECT (SUM(?o) AS ?x) WHERE { ?s ?p ?o } GROUP BY (?s)", "query failed: Cannot eval thing"),
])
def test_what_rdflib_cannot_parse_or_run_is_a_query_error_with_its_cause(tiny, text, message):
    """A bad regular expression fails while rdflib reads the rows; it is reported, not a traceback."""
    with pytest.raises(QueryError, match=message) as caught:
        run_query(text, tiny)
    assert caught.value.__cause__ is not None


def test_a_programming_error_is_not_reported_as_a_failed_query(tiny, monkeypatch):
    """A bug (in a workaround of rdflib, or under rdflib's evaluation) surfaces as itself,
    never as "query failed"."""
    import kg.sparql.evaluate

    class Broken(Graph):
        def triples(self, pattern):
            raise TypeError("a bug under the evaluation")

    broken = Broken()
    broken += tiny
    with pytest.raises(TypeError, match="a bug under the evaluation"):
        run_query("SELECT * WHERE { ?s ?p ?o }", broken)

    def failing(part):
        raise TypeError("a bug in a workaround")

    monkeypatch.setattr(kg.sparql.evaluate, "_scope_values", failing)
    with pytest.raises(TypeError, match="a bug in a workaround"):
        run_query("SELECT * WHERE { ?s ?p ?o }", tiny)


def test_an_endpoint_s_failures_are_reported_and_its_bugs_are_not(tiny):
    class Endpoint:
        def __init__(self, error):
            self.error = error

        def evaluate(self, text):
            raise self.error

    with pytest.raises(QueryError, match="query failed: connection reset") as caught:
        run_query("SELECT * WHERE { ?s ?p ?o }", Endpoint(ConnectionResetError("connection reset")))
    assert isinstance(caught.value.__cause__, ConnectionResetError)
    with pytest.raises(AttributeError):
        run_query("SELECT * WHERE { ?s ?p ?o }", Endpoint(AttributeError("a bug")))


def test_prefix_declarations_are_read_from_tokens():
    """What kg.store.SparqlEndpoint shortens its answers with: no PREFIX in a comment or string counts."""
    from kg.sparql.text import prefixes

    text = """PREFIX ex: <urn:ex:>
    # PREFIX no: <urn:no:>
    prefix : <urn:empty:>
    SELECT * WHERE { ?s ?p "PREFIX str: <urn:str:>" }"""
    assert prefixes(text) == {"ex": "urn:ex:", "": "urn:empty:"}


def test_the_tokenizer_loads_without_the_sparql_engine():
    """kg.store reads a query's PREFIX lines with kg.sparql.text; that must not load rdflib's
    SPARQL engine, the loader or the reasoner (kg/__init__.py, which imports everything, is
    bypassed here)."""
    code = (
        "import sys, types\n"
        "kg = types.ModuleType('kg'); kg.__path__ = [sys.argv[1]]; sys.modules['kg'] = kg\n"
        "import kg.store\n"
        "print(sorted(m for m in ('rdflib.plugins.sparql.parser', 'kg.load', 'kg.reason', 'kg.sparql.run',"
        " 'kg.sparql.evaluate') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "kg")], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_rows_have_typed_python_values(stores):
    rows = run_query("org-chart", stores["asserted"], params={"company": "Alibaba", "date": datetime.date(2026, 3, 20)}).rows
    hub = next(row for row in rows if row["unitName"] == "Alibaba Token Hub")
    assert hub["level"] == 1 and isinstance(hub["level"], int)
    assert hub["since"] == datetime.date(2026, 3, 16)
    assert hub["unit"] == URIRef("https://w3id.org/restructuring-kg/id/org/alibaba-token-hub")
    assert hub["until"] is None


def test_kg_exports_the_api():
    import kg

    assert kg.run_query is run_query
    assert {"run_query", "query_graph", "load_catalogue", "QueryResult"} <= set(kg.__all__)


# -- the command line -------------------------------------------------------------

CHART = ["query", "org-chart", "--param", "company=Alibaba", "--param", "date=2026-03-20"]


def run_kg(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_kg_queries_lists_names_summaries_and_params(capsys):
    code, out, _ = run_kg(capsys, "queries")
    assert code == 0
    assert "org-chart\n  Org chart of a company as of a date" in out
    assert "--param date=<date, default 2026-03-20>" in out
    assert "--param company=<company, optional>" in out


def test_kg_query_formats(capsys):
    code, out, _ = run_kg(capsys, *CHART, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["head"]["vars"][:3] == ["level", "parentName", "unitName"]
    names = [b["unitName"]["value"] for b in document["results"]["bindings"]]
    assert "Alibaba Token Hub" in names
    hub = next(b for b in document["results"]["bindings"] if b["unitName"]["value"] == "Alibaba Token Hub")
    assert hub["level"] == {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}

    code, out, _ = run_kg(capsys, *CHART, "--format", "csv")
    assert code == 0 and out.startswith("level,parentName,unitName,") and "\r\n" in out
    assert len(list(csv.DictReader(io.StringIO(out, newline="")))) == len(names)

    code, out, _ = run_kg(capsys, *CHART, "--format", "tsv")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("?level\t?parentName\t?unitName")
    assert any(line.startswith('1\t"Alibaba Group"@en\t"Alibaba Token Hub"@en\t"business group"@en\t"2026-03-16"^^<http://www.w3.org/2001/XMLSchema#date>\t') for line in lines)
    assert all(line.count("\t") == lines[0].count("\t") for line in lines)

    code, out, _ = run_kg(capsys, *CHART, "--format", "md")
    assert code == 0 and out.startswith("| level | parentName | unitName |")

    code, out, _ = run_kg(capsys, *CHART)
    assert code == 0 and "rorg:alibaba-token-hub" in out and out.rstrip().endswith(f"({len(names)} rows)")


def test_kg_query_rdflib_engine_gives_the_same_csv(capsys):
    _, oxigraph, _ = run_kg(capsys, "query", "talent-moves", "--format", "csv")
    code, rdflib, _ = run_kg(capsys, "query", "talent-moves", "--format", "csv", "--engine", "rdflib")
    assert code == 0 and rdflib == oxigraph


def test_kg_query_file(capsys, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text(
        "#+ summary: companies\n#+ params:\n#+   - name: company\n#+     type: company\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name WHERE { ?company rdfs:label ?name } ORDER BY ?name\n"
    )
    code, out, _ = run_kg(capsys, "query", "--file", str(path), "--param", "company=Tencent", "--format", "csv")
    assert code == 0 and out == "name\r\nTencent\r\n"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["query", "org-chrt"], "no query is named 'org-chrt'; did you mean org-chart"),
        (["query", "org-chart", "--param", "colour=red"], "has no parameter 'colour'"),
        (["query", "org-chart", "--param", "date=2026-02-30"], "parameter 'date': '2026-02-30' is not a date"),
        (["query", "org-chart", "--param", "company=Alibabba"], "no company is named 'Alibabba'; close matches: 'Alibaba Group'"),
        (["query", "org-chart", "--param", 'company=Alibaba" } . ?s ?p ?o {'], "no company is named"),
        (["query", "org-chart", "--param", "company"], "write NAME=VALUE"),
        (["query"], "give a query NAME or --file FILE"),
        (["query", "--file", "no-such-file.rq"], "cannot read query"),
    ],
)
def test_kg_query_errors_exit_2(capsys, argv, message):
    code, out, err = run_kg(capsys, *argv)
    assert code == 2
    assert message in err and out == ""


def test_kg_query_file_with_a_syntax_error(capsys, tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?s WHERE { ?s ?p }\n")
    code, _, err = run_kg(capsys, "query", "--file", str(path))
    assert code == 2 and "bad.rq: SPARQL syntax error" in err


# -- extensions' own classes --------------------------------------------------------

EXTENSION_EVENT = PROLOGUE + """
@prefix acme: <https://example.org/acme#> .
acme:LabMerger rdfs:subClassOf rkg:Merger .
rorg:acme a rkg:Company ; rdfs:label "Acme Group"@en .
rorg:acme-lab-a a rkg:Lab ; rdfs:label "Acme Lab A"@en ; rkg:company rorg:acme .
rorg:acme-lab-b a rkg:Lab ; rdfs:label "Acme Lab B"@en ; rkg:company rorg:acme .
rev:acme-lab-merger a acme:LabMerger ; rdfs:label "Acme merges its labs"@en ; rkg:company rorg:acme ;
    dcterms:date "2026-03-01"^^xsd:date ;
    org:originalOrganization rorg:acme-lab-a ; org:resultingOrganization rorg:acme-lab-b .
acme:Hire rdfs:subClassOf rkg:Appointment .
rorg:globex a rkg:Company ; rdfs:label "Globex"@en .
rper:bo-chen a foaf:Person ; rdfs:label "Bo Chen"@en .
rev:acme-hires-bo-chen a acme:Hire ; rdfs:label "Acme hires Bo Chen"@en ; rkg:company rorg:acme ;
    dcterms:date "2026-04-01"^^xsd:date ; rkg:involvedPerson rper:bo-chen ; rkg:previousOrganization rorg:globex .
"""


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_an_extension_s_event_subclass_counts_as_its_core_class(shipped_graphs, catalogue, engine, inferred):
    """``acme:LabMerger rdfs:subClassOf rkg:Merger``: the event is a merger to every query
    that counts or follows mergers, once, whether or not the store holds the inferred types."""
    from kg.reason import reason
    from kg.timebounds import day_bounds

    graph = shipped_graphs.ontology + Graph().parse(data=EXTENSION_EVENT, format="turtle")
    bounds = day_bounds(graph)  # the derived day bounds, as a build writes them
    if inferred:
        graph += reason(graph)
    graph += bounds
    store = to_store(graph) if engine == "oxigraph" else graph

    changes = [row for row in run_query(catalogue["unit-changes-by-period"], store) if row["companyName"] == "Acme Group"]
    assert [(row["merged"], row["total"]) for row in changes] == [(1, 1)]
    personnel = [row for row in run_query(catalogue["personnel-changes-by-period"], store) if row["companyName"] == "Acme Group"]
    assert [(row["period"], row["appointments"]) for row in personnel] == [("2026-Q2", 1)]
    moves = [row for row in run_query(catalogue["talent-moves"], store) if row["personName"] == "Bo Chen"]
    assert [(row["kind"], row["fromOrganization"], row["toOrganization"]) for row in moves] == [
        ("appointment", "Globex", "Acme Group")
    ]
    fingerprint = [row for row in run_query(catalogue["strategy-fingerprint"], store) if row["companyName"] == "Acme Group"]
    assert [(row["mergers"], row["appointments"], row["events"], row["lean"]) for row in fingerprint] == [
        (1, 1, 2, "centralizing")
    ]
    lineage = list(run_query(catalogue["unit-lineage"], store, params={"unit": "Acme Lab A"}))
    assert [(row["direction"], row["step"], row["eventType"], row["toName"]) for row in lineage] == [
        ("successor", 1, "merger", "Acme Lab B")
    ]
