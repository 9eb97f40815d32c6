"""The catalogue of named queries: ``queries/*.rq`` files, each with a ``#+`` header.

Each ``.rq`` file starts with a header of ``#+`` lines (YAML-shaped, documented in
``queries/README.md``) that says what the query answers and which parameters it takes::

    #+ summary: Org chart of a company as of a date
    #+ params:
    #+   - name: date
    #+     type: date
    #+     default: 2026-03-20

A header line ``#+ needs: inferred`` says the query reads triples that OWL 2 RL
reasoning adds (:func:`kg.sparql.query_graph` with ``inferred=True``); without it the
query runs on the ontology and the asserted data.

>>> Query.from_text('''#+ summary: Everything
... SELECT * WHERE { ?s ?p ?o } ORDER BY ?s''').summary
'Everything'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from kg.errors import QueryError, display_path
from kg.project import find_project
from kg.sparql.params import PARAM_TYPES, Param
from kg.sparql.text import _check_form, _variables

__all__ = ["Query", "find_query", "load_catalogue"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_QUERY_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
_HEADER_KEYS = ("summary", "description", "params", "needs")
_PARAM_KEYS = ("name", "type", "default", "description", "values")


@dataclass(frozen=True)
class Query:
    """A named SPARQL query and what its header says about it."""

    name: str
    text: str
    summary: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    needs: tuple[str, ...] = ()
    path: Optional[Path] = field(default=None, compare=False)

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "Query":
        """Read a ``.rq`` file; its name is the file name without ``.rq``."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"{display_path(path)}: cannot read query: {error}") from error
        return cls.from_text(text, name=path.stem, path=path)

    @classmethod
    def from_text(cls, text: str, *, name: str = "query", path: Optional[Path] = None) -> "Query":
        """A query from SPARQL text, with or without a ``#+`` header."""
        where = display_path(path) if path else name
        header = _parse_header(text, where)
        params = tuple(
            Param(
                name=p["name"],
                type=p["type"],
                default=p.get("default"),
                description=p.get("description", ""),
                values=tuple(v.strip() for v in p.get("values", "").split(",") if v.strip()),
            )
            for p in header.get("params", [])
        )
        query = cls(
            name=name,
            text=text,
            summary=header.get("summary", ""),
            description=header.get("description", ""),
            params=params,
            needs=tuple(header.get("needs", "").split()),
            path=path,
        )
        variables = {v[1:] for v in _variables(text)}
        for p in params:
            if p.name not in variables and not (p.type == "date" and {f"{p.name}First", f"{p.name}Last"} & variables):
                raise QueryError(f"{where}: parameter {p.name!r} is not a variable of the query")
            if p.type not in PARAM_TYPES:
                raise QueryError(
                    f"{where}: parameter {p.name!r} has unknown type {p.type!r}; "
                    f"use one of {', '.join(PARAM_TYPES)}"
                )
        _check_form(text, where)
        return query

    @property
    def is_violation(self) -> bool:
        """Whether this query lists data defects (its name ends in ``-violation``)."""
        return self.name.endswith("-violation")


def _parse_header(text: str, where: str) -> dict[str, Any]:
    """Read the ``#+`` lines at the top of a query (a small subset of YAML)."""
    header: dict[str, Any] = {}
    key: Optional[str] = None
    item: Optional[dict[str, str]] = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        body = line[2:].rstrip()
        if body and not body.startswith(" "):
            raise QueryError(f"{where}:{number}: header lines start with '#+ '")
        content = body.strip()
        indent = len(body) - len(body.lstrip()) - 1
        if not content:
            continue
        if indent == 0:
            name, sep, value = content.partition(":")
            if not sep or name not in _HEADER_KEYS:
                raise QueryError(
                    f"{where}:{number}: header line should be 'key: value' with key one of "
                    f"{', '.join(_HEADER_KEYS)}"
                )
            if name in header:
                raise QueryError(f"{where}:{number}: header key {name!r} given twice")
            key, value = name, value.strip()
            header[key] = [] if key == "params" else "" if value in (">", "|") else _scalar(value)
            item = None
        elif key == "params":
            if content.startswith("- "):
                item = {}
                header["params"].append(item)
                content = content[2:].strip()
            if item is None:
                raise QueryError(f"{where}:{number}: each parameter starts with '- name: …'")
            name, sep, value = content.partition(":")
            if not sep or name.strip() not in _PARAM_KEYS:
                raise QueryError(
                    f"{where}:{number}: parameter line should be 'key: value' with key one of "
                    f"{', '.join(_PARAM_KEYS)}"
                )
            item[name.strip()] = _scalar(value.strip())
        elif key in ("description", "summary"):
            header[key] = f"{header[key]} {content}".strip()
        else:
            raise QueryError(f"{where}:{number}: unexpected indented header line")
    if header and not header.get("summary"):
        raise QueryError(f"{where}: the header has no summary")
    for p in header.get("params", []):
        if "name" not in p or "type" not in p:
            raise QueryError(f"{where}: every parameter needs a name and a type")
        if not _NAME.match(p["name"]):
            raise QueryError(f"{where}: parameter name {p['name']!r} is not a SPARQL variable name")
    names = [p["name"] for p in header.get("params", [])]
    if len(set(names)) != len(names):
        raise QueryError(f"{where}: a parameter is declared twice")
    return header


def _scalar(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def load_catalogue(*folders: Union[str, Path]) -> dict[str, Query]:
    """The queries of the given folders and their subfolders, by name.

    The default is the ``queries/`` folder of the project :func:`~kg.project.find_project`
    finds; add an extension folder after it. A name defined twice is an error, not a
    silent override.

    >>> catalogue = load_catalogue()
    >>> catalogue["org-chart"].summary
    'Org chart of a company as of a date: units, their parents and heads'
    """
    catalogue: dict[str, Query] = {}
    for folder in folders or (find_project().queries_dir,):
        folder = Path(folder)
        if not folder.is_dir():
            raise QueryError(f"{display_path(folder)}: not a folder of queries")
        for path in sorted(folder.rglob("*.rq")):
            if not _QUERY_NAME.match(path.stem):
                raise QueryError(f"{display_path(path)}: query names are lower-case kebab-case")
            query = Query.from_file(path)
            if query.name in catalogue:
                raise QueryError(
                    f"{display_path(path)}: query {query.name!r} is also defined in "
                    f"{display_path(catalogue[query.name].path or query.name)}"
                )
            catalogue[query.name] = query
    return catalogue



def find_query(name: str, catalogue: Optional[Mapping[str, Query]] = None) -> Query:
    """The query called ``name`` in ``catalogue`` (:func:`load_catalogue` by default).

    :raises QueryError: no query has that name; the message lists close names.
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    if name in catalogue:
        return catalogue[name]
    close = difflib.get_close_matches(name, list(catalogue), n=5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `kg queries` lists them"
    raise QueryError(f"no query is named {name!r}{hint}")

