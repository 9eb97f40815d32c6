"""The W3C SHACL test suite (core and SHACL-SPARQL), through both engines.

Every ``sht:Validate`` entry of ``../shared/conformance/w3c-shacl-tests`` is run through
the default engine (:func:`kg.fast.validate.validate` over an Oxigraph store made as
``kg validate`` makes it) and through the reference (:func:`kg.validate.validate`,
pySHACL). An entry passes when the report's ``sh:conforms`` and the multiset of its
results (focus node, path, value, source shape, constraint component, severity; a blank
node matches any blank node) are the expected ones, or, for an entry whose result is
``sht:Failure``, when the engine refuses the shapes with a :class:`~kg.errors.KGError`.

An entry an engine still fails is listed below with the reason; the test fails if a
listed entry starts passing (take it off the list) or an unlisted one fails. The counts
are printed at the end of the run (``pytest_terminal_summary`` in ``conftest.py``).
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from kg.errors import IllFormedLiteralError, KGError
from kg.fast.validate import validate as fast_validate
from kg.load import from_oxigraph, parse
from kg.query import to_store
from kg.validate import SH
from kg.validate import validate as reference_validate
from kg.vocab import RDF

SUITE = Path(__file__).resolve().parent.parent.parent / "shared" / "conformance" / "w3c-shacl-tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

_UNIQUE_LANG = ('sh:uniqueLang "1"^^xsd:boolean (read as written) has the value true, and pySHACL reads '
                "the value; the suite activates the constraint for the term true alone (the fast engine "
                "does as pySHACL does)")
#: Entries the default engine still fails, with the reason.
FAST_FAILS: dict[str, str] = {
    "core/property/uniqueLang-002": _UNIQUE_LANG,
}
#: Entries where the default engine hands a shape to pySHACL (named in the report's notes), with the reason.
FAST_BY_REFERENCE: dict[str, str] = {}
#: Entries the reference (pySHACL) fails, with the reason.
REFERENCE_FAILS: dict[str, str] = {
    "core/property/uniqueLang-002": _UNIQUE_LANG,
    "sparql/node/prefixes-001": "pySHACL does not follow owl:imports to the sh:declare of sh:prefixes (refused loudly)",
    "sparql/pre-binding/shapesGraph-001": "pySHACL does not run $shapesGraph (NotImplementedError, refused loudly)",
}


@functools.lru_cache(maxsize=None)
def _graph(uri: str) -> Graph:
    """The file ``uri`` read as kg reads files (:func:`kg.load.parse`: literals as written).

    A few entries use ill-formed literals on purpose (``"300"^^xsd:byte``), which kg refuses
    at load: those files are read by the same Oxigraph parse and the same conversion to
    rdflib terms, without the refusal.
    """
    path = Path(uri.removeprefix("file://"))
    try:
        return parse(path)
    except IllFormedLiteralError:
        bnodes: dict = {}
        graph = Graph()
        for quad in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE, base_iri=uri):
            graph.add(tuple(from_oxigraph(term, bnodes) for term in (quad.subject, quad.predicate, quad.object)))
        return graph


def _entries() -> list[tuple[str, str, str, str]]:
    """(id, file, data graph, shapes graph) of every ``sht:Validate`` entry, in manifest order."""
    found = []
    todo = [(SUITE / "manifest.ttl").as_uri()]
    while todo:
        manifest = todo.pop(0)
        graph = _graph(manifest)
        todo += sorted(str(m) for m in graph.objects(URIRef(manifest), MF.include))
        for entries in graph.objects(URIRef(manifest), MF.entries):
            for entry in Collection(graph, entries):
                if (entry, RDF.type, SHT.Validate) not in graph:
                    continue
                action = graph.value(entry, MF.action)
                name = str(entry).removeprefix(SUITE.as_uri() + "/").removesuffix(".ttl")
                found.append((name, manifest, str(graph.value(action, SHT.dataGraph)),
                              str(graph.value(action, SHT.shapesGraph))))
    return found


ENTRIES = _entries()


def _results(graph: Graph, report) -> Counter:
    """The multiset of the results of ``report`` in ``graph`` (blank nodes made equal)."""
    found = Counter()
    for result in graph.objects(report, SH.result):
        row = tuple(
            "_:" if isinstance(value, BNode) else value
            for value in (graph.value(result, p) for p in (
                SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent,
                SH.resultSeverity))
        )
        found[row] += 1
    return found


def _expected(name: str, manifest: str):
    graph = _graph(manifest)
    entry = next(e for e in graph.subjects(RDF.type, SHT.Validate)
                 if str(e).removeprefix(SUITE.as_uri() + "/").removesuffix(".ttl") == name)
    result = graph.value(entry, MF.result)
    if result == SHT.Failure:
        return None
    return graph.value(result, SH.conforms).toPython(), _results(graph, result)


def _outcome(engine: str, name: str, manifest: str, data: str, shapes: str) -> tuple[bool, str, tuple]:
    """Whether ``engine`` gives the expected answer on the entry, what it gave, and the
    report's notes (the shapes it handed to pySHACL)."""
    expected = _expected(name, manifest)
    data_graph, shapes_graph = _graph(data), _graph(shapes)
    try:
        if engine == "fast":
            report = fast_validate(to_store(data_graph), shapes_graph=shapes_graph)
        else:
            report = reference_validate(data_graph, shapes_graph=shapes_graph)
    except KGError as error:
        return expected is None, f"refused: {error}", ()
    if expected is None:
        return False, f"gave a report ({len(report.results)} results) instead of refusing the shapes", report.notes
    node = next(report.graph.subjects(RDF.type, SH.ValidationReport))
    conforms = report.graph.value(node, SH.conforms)
    got = (conforms.toPython() if isinstance(conforms, Literal) else None, _results(report.graph, node))
    if got == expected:
        return True, "as expected", report.notes
    missing, extra = expected[1] - got[1], got[1] - expected[1]
    return False, f"conforms {got[0]} (expected {expected[0]}); missing {dict(missing)}; extra {dict(extra)}", report.notes


def _suite(name: str) -> str:
    return name.split("/")[0]


@pytest.mark.parametrize("engine", ["fast", "reference"])
@pytest.mark.parametrize("entry", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_w3c_shacl_suite(entry, engine, conformance_counts):
    name = entry[0]
    passed, detail, notes = _outcome(engine, *entry)
    conformance_counts(engine, _suite(name), passed)
    if engine == "fast":
        conformance_counts("fast, without pySHACL", _suite(name), passed and not notes)
        assert bool(notes) == (name in FAST_BY_REFERENCE), f"{name}: notes {notes}"
    known = (FAST_FAILS if engine == "fast" else REFERENCE_FAILS).get(name)
    if known is not None:
        assert not passed, f"{name} now passes with the {engine} engine: take it off the list ({known})"
    else:
        assert passed, f"{name} ({engine}): {detail}"


def test_the_suite_is_all_there():
    assert Counter(_suite(e[0]) for e in ENTRIES) == {"core": 98, "sparql": 22}


def test_the_lists_name_entries_of_the_suite():
    assert set(FAST_FAILS) | set(REFERENCE_FAILS) | set(FAST_BY_REFERENCE) <= {e[0] for e in ENTRIES}


def test_the_default_engine_fails_only_where_the_reference_fails():
    # the store's rewritten literals ("4.0"^^xsd:decimal stored as "4", "300"^^xsd:byte as an
    # xsd:integer) are checked and reported as written (kg/fast/validate.py, written_forms)
    assert set(FAST_FAILS) <= set(REFERENCE_FAILS)
