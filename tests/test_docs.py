"""kg.docs and ``kg docs``: HTML documentation of the ontology, the shapes and the queries."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from kg.cli import main
from kg.docs import docs_html
from kg.load import load_project
from kg.project import Project
from kg.query import load_catalogue
from tests.conftest import ROOT

_VOID = {"meta", "br", "link", "img", "hr", "input"}


class _Checker(HTMLParser):
    """Checks that every element is closed in order, and collects the ids and the text."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def check(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.open == []
    assert len(checker.ids) == len(set(checker.ids)), "ids are unique"
    return checker


@pytest.fixture(scope="module")
def page() -> _Checker:
    project = Project.at(ROOT)
    graphs = load_project(project)
    return check(docs_html(ontology=graphs.ontology, shapes=graphs.shapes, catalogue=load_catalogue(*project.query_dirs)))


def test_ontology_terms_with_labels_comments_and_axioms(page):
    text = " ".join(page.text)
    assert {"Company", "BusinessGroup", "reportingDuring", "ceo", "classes", "individuals"} <= set(page.ids)
    assert "A company recognised in the world as a legal or commercial entity" in text
    assert "org:FormalOrganization" in text  # a super-class
    assert "time:Interval" in text  # the range of rkg:reportingDuring


def test_shapes_with_their_messages(page):
    text = " ".join(page.text)
    assert "rkgsh-CurrencyCodeShape" in page.ids
    assert "A currency must be an ISO 4217 code" in text


def test_query_catalogue_with_params(page):
    assert {"query-org-chart", "query-restructuring-timeline", "query-reporting-lines"} <= set(page.ids)
    text = " ".join(page.text)
    assert "Org chart of a company as of a date: units, their parents and heads" in text
    assert "the date the chart is as of" in text


def test_kg_docs_writes_index_html_atomically(capsys, tmp_path):
    out_dir = tmp_path / "site"
    for _ in range(2):  # a second run replaces the page
        code = main(["--root", str(ROOT), "docs", "-o", str(out_dir)])
        out, err = capsys.readouterr()
        assert code == 0 and err == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["index.html"]  # no temporary files left
    check((out_dir / "index.html").read_text(encoding="utf-8"))


def test_kg_docs_onto_a_file_exits_2(capsys, tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    code = main(["--root", str(ROOT), "docs", "-o", str(tmp_path / "taken")])
    _, err = capsys.readouterr()
    assert code == 2 and "taken" in err and "Traceback" not in err
    assert (tmp_path / "taken").read_text() == "not a folder"
