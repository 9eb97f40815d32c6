"""Query results: typed rows for Python, and the text formats ``kg query`` writes.

``json``, ``csv`` and ``tsv`` follow the W3C *SPARQL 1.1 Query Results* JSON and
CSV/TSV formats; ``table`` (aligned text) and ``md`` (a Markdown table) are for people
and show IRIs as prefixed names.

>>> from rdflib import Literal, URIRef
>>> result = QueryResult(
...     ("unit", "since"),
...     ({"unit": URIRef("https://example.org/lab"), "since": Literal("2026-03", datatype=XSD.gYearMonth)},),
...     namespaces={"ex": "https://example.org/"},
... )
>>> result.rows
[{'unit': rdflib.term.URIRef('https://example.org/lab'), 'since': '2026-03'}]
>>> result.serialize("tsv").splitlines()
['?unit\\t?since', '<https://example.org/lab>\\t"2026-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>']
>>> print(result.serialize("table"), end="")
unit    since
------  -------
ex:lab  2026-03
(1 row)
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier

__all__ = ["QueryResult", "RESULT_FORMATS", "sparql_term"]

#: Datatypes the SPARQL TSV format may write as bare numbers or booleans.
_ABBREVIATED = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*(?<!\.)\Z")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*\Z")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def sparql_term(term: Identifier) -> str:
    """Write an RDF term in SPARQL/Turtle syntax, on one line, safe to embed in a query.

    Every character that could end the term early is escaped, so the text is one
    term whatever the value holds; an IRI that could not be written as ``<…>`` is
    refused.

    >>> sparql_term(Literal('say "hi" } {'))
    '"say \\\\"hi\\\\" } {"'
    >>> sparql_term(URIRef("https://example.org/a b"))
    Traceback (most recent call last):
    ...
    ValueError: not an IRI that SPARQL can write: 'https://example.org/a b'
    """
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)):
            raise ValueError(f"not an IRI that SPARQL can write: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + "".join(_ECHAR.get(ch, ch) for ch in str(term)) + '"'
        if term.language:
            if not _LANGUAGE_TAG.match(term.language):
                raise ValueError(f"not a language tag: {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^{sparql_term(term.datatype)}"
        return text
    raise TypeError(f"not an RDF term: {term!r}")


def to_python(term: Optional[Identifier]) -> Any:
    """The Python value of a term: numbers, dates and booleans typed, the rest as text.

    IRIs stay :class:`rdflib.URIRef` (a ``str``); ``xsd:gYear`` and ``xsd:gYearMonth``
    keep their lexical form (``"2026-03"``), which keeps their precision.
    """
    if term is None or not isinstance(term, Literal):
        return term
    value = term.toPython()
    return str(term) if isinstance(value, Literal) else value


@dataclass(frozen=True)
class QueryResult:
    """The answer of a SELECT or ASK query.

    ``vars`` are the projected variable names, ``bindings`` one mapping per solution
    from variable name to RDF term (an unbound variable is absent), ``boolean`` the
    answer of an ASK query. Iterating gives :attr:`rows`.
    """

    vars: tuple[str, ...]
    bindings: Sequence[Mapping[str, Identifier]] = ()
    boolean: Optional[bool] = None
    namespaces: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_tsv(cls, text: str, *, namespaces: Optional[Mapping[str, str]] = None) -> QueryResult:
        """Read a SELECT result in the SPARQL 1.1 TSV format, as Oxigraph writes it.

        The rows' Python values are read from the text at once; the rdflib terms of
        :attr:`bindings` are made when first asked for (reading a string's value from
        the text costs a third of making its :class:`rdflib.Literal`, and most callers
        want only the values).

        >>> result = QueryResult.from_tsv('?unit\\t?since\\n<https://example.org/lab>\\t"2026-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>\\n')
        >>> result.rows
        [{'unit': rdflib.term.URIRef('https://example.org/lab'), 'since': '2026-03'}]
        >>> result.bindings[0]["since"].datatype
        rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYearMonth')

        :raises ValueError: a line that is not a row of the header's variables, or a cell
            that is not an IRI, blank node or literal written as Oxigraph writes them
            (a triple term, a base direction).
        """
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        if not lines:
            raise ValueError("a SPARQL TSV result needs a header line")
        header = lines[0].split("\t") if lines[0] else []
        if any(len(name) < 2 or name[0] != "?" for name in header):
            raise ValueError(f"not a SPARQL TSV header: {lines[0]!r}")
        names = tuple(name[1:] for name in header)
        values: dict[str, Any] = {"": None}
        rows = []
        for line in lines[1:]:
            cells = line.split("\t")
            if len(cells) != len(names) and names:
                raise ValueError(f"a SPARQL TSV row of {len(cells)} cells for {len(names)} variables")
            row = {}
            for name, cell in zip(names, cells):
                try:
                    row[name] = values[cell]
                except KeyError:
                    row[name] = values[cell] = _tsv_value(cell)
            rows.append(row)
        return cls(names, _TSVBindings(names, lines[1:], rows), namespaces=dict(namespaces or {}))

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One dict per solution, every variable present, values as Python objects."""
        if isinstance(self.bindings, _TSVBindings):
            return self.bindings.rows()
        return [{v: to_python(b.get(v)) for v in self.vars} for b in self.bindings]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.bindings)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.boolean is not None else bool(self.bindings)

    def serialize(self, format: str = "table") -> str:
        """The result as text in one of :data:`RESULT_FORMATS`."""
        try:
            writer = RESULT_FORMATS[format]
        except KeyError:
            raise ValueError(
                f"unknown result format {format!r}; use one of {', '.join(RESULT_FORMATS)}"
            ) from None
        return writer(self)

    def compact(self, term: Optional[Identifier]) -> str:
        """Short text for a term: a prefixed name where a namespace fits, else the value."""
        if term is None:
            return ""
        if isinstance(term, URIRef):
            best = max(
                ((p, ns) for p, ns in self.namespaces.items() if str(term).startswith(ns)),
                key=lambda item: len(item[1]),
                default=None,
            )
            if best and _LOCAL_NAME.match(str(term)[len(best[1]):]):
                return f"{best[0]}:{str(term)[len(best[1]):]}"
            return f"<{term}>"
        if isinstance(term, BNode):
            return f"_:{term}"
        return str(term)


class _TSVBindings(Sequence[Mapping[str, Identifier]]):
    """The solutions of a SPARQL TSV result (:meth:`QueryResult.from_tsv`): the rows'
    Python values, read at once, and their rdflib terms, made from the lines on first use
    (each distinct cell once)."""

    __slots__ = ("_names", "_lines", "_rows", "_terms")

    def __init__(self, names: tuple[str, ...], lines: list[str], rows: list[dict[str, Any]]):
        self._names = names
        self._lines = lines
        self._rows = rows
        self._terms: Optional[tuple[dict[str, Identifier], ...]] = None

    def rows(self) -> list[dict[str, Any]]:
        """The rows of :attr:`QueryResult.rows`: new dicts, so that a caller may change them."""
        return [dict(row) for row in self._rows]

    def _made(self) -> tuple[dict[str, Identifier], ...]:
        if self._terms is None:
            made: dict[str, Optional[Identifier]] = {"": None}
            solutions = []
            for line in self._lines:
                solution = {}
                for name, cell in zip(self._names, line.split("\t")):
                    try:
                        term = made[cell]
                    except KeyError:
                        term = made[cell] = _tsv_read_term(cell)
                    if term is not None:
                        solution[name] = term
                solutions.append(solution)
            self._terms = tuple(solutions)
            self._lines = []
        return self._terms

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __iter__(self) -> Iterator[Mapping[str, Identifier]]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (tuple, _TSVBindings)):
            return self._made() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like the tuple of dicts it stands for

    def __repr__(self) -> str:
        return repr(self._made())


_TSV_UNESCAPE = re.compile(r"\\(.)")
_TSV_ESCAPED = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}
_TURTLE_NUMBER = re.compile(r"[+-]?(?:[0-9]+(\.[0-9]*)?|(\.)[0-9]+)([eE][+-]?[0-9]+)?\Z")


def _tsv_value(cell: str) -> Any:
    """The Python value of a TSV cell, as :func:`to_python` gives for its term: a plain or
    language-tagged string is read from the text without making its term."""
    if cell.startswith('"'):
        end = cell.rfind('"')
        suffix = cell[end + 1 :]
        if end > 0 and (not suffix or (suffix.startswith("@") and _LANGUAGE_TAG.match(suffix[1:]))):
            return _tsv_unescaped(cell[1:end])
    return to_python(_tsv_read_term(cell))


def _tsv_unescaped(value: str) -> str:
    if "\\" not in value:
        return value
    return _TSV_UNESCAPE.sub(lambda m: _TSV_ESCAPED.get(m.group(1), m.group(0)), value)


def _tsv_read_term(cell: str) -> Optional[Identifier]:
    """One TSV cell as an rdflib term (``None`` for an empty cell: unbound), the term
    :func:`kg.load.from_oxigraph` gives for Oxigraph's own object.

    :raises ValueError: a cell that is not an IRI, blank node or literal as Oxigraph
        writes them (a triple term, a base direction).
    """
    if not cell:
        return None
    if cell.startswith("<") and cell.endswith(">") and not cell.startswith("<<"):
        return URIRef(cell[1:-1])
    if cell.startswith("_:"):
        return BNode(cell[2:])
    if cell.startswith('"'):
        end = cell.rfind('"')
        value = _tsv_unescaped(cell[1:end])
        suffix = cell[end + 1 :]
        if end > 0 and not suffix:
            return Literal(value)
        if end > 0 and suffix.startswith("@") and "--" not in suffix:  # not a SPARQL 1.2 direction
            return Literal(value, lang=suffix[1:])
        if end > 0 and suffix.startswith("^^<") and suffix.endswith(">"):
            return Literal(value, datatype=URIRef(suffix[3:-1]), normalize=False)
    elif cell in ("true", "false"):
        return Literal(cell, datatype=XSD.boolean, normalize=False)
    else:
        number = _TURTLE_NUMBER.match(cell)
        if number is not None:
            fraction, point, exponent = number.groups()
            kind = "double" if exponent else "decimal" if fraction is not None or point else "integer"
            return Literal(cell, datatype=XSD[kind], normalize=False)
    raise ValueError(f"not a term this SPARQL TSV reader knows: {cell!r}")


def _json(result: QueryResult) -> str:
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"

    def encode(term: Identifier) -> dict[str, str]:
        if isinstance(term, URIRef):
            return {"type": "uri", "value": str(term)}
        if isinstance(term, BNode):
            return {"type": "bnode", "value": str(term)}
        assert isinstance(term, Literal)  # the one other kind of term a result holds
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype and term.datatype not in (XSD.string, RDF.langString):
            out["datatype"] = str(term.datatype)
        return out

    document = {
        "head": {"vars": list(result.vars)},
        "results": {
            "bindings": [
                {v: encode(b[v]) for v in result.vars if v in b} for b in result.bindings
            ]
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.vars)
    for b in result.bindings:
        writer.writerow(
            [
                "" if v not in b else f"_:{b[v]}" if isinstance(b[v], BNode) else str(b[v])
                for v in result.vars
            ]
        )
    return out.getvalue()


def _tsv_term(term: Identifier) -> str:
    if (
        isinstance(term, Literal)
        and term.datatype in _ABBREVIATED
        and _canonical_number(term)
    ):
        return str(term)
    return sparql_term(term)


def _canonical_number(term: Literal) -> bool:
    """Whether the lexical form is one Turtle reads back as the same typed literal."""
    text = str(term)
    if term.datatype == XSD.integer:
        return re.fullmatch(r"[+-]?\d+", text) is not None
    if term.datatype == XSD.decimal:
        return re.fullmatch(r"[+-]?\d*\.\d+", text) is not None
    if term.datatype == XSD.double:
        return re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+", text) is not None
    return text in ("true", "false")


def _tsv(result: QueryResult) -> str:
    if result.boolean is not None:
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for b in result.bindings:
        lines.append("\t".join(_tsv_term(b[v]) if v in b else "" for v in result.vars))
    return "\n".join(lines) + "\n"


def _cells(result: QueryResult) -> tuple[list[str], list[list[str]]]:
    if result.boolean is not None:
        return ["boolean"], [["true" if result.boolean else "false"]]
    rows = [
        [" ".join(result.compact(b.get(v)).split()) for v in result.vars]
        for b in result.bindings
    ]
    return list(result.vars), rows


def _table(result: QueryResult) -> str:
    header, rows = _cells(result)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    lines = [line(header), line(["-" * w for w in widths])]
    lines += [line(r) for r in rows]
    if result.boolean is None:
        lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _markdown(result: QueryResult) -> str:
    header, rows = _cells(result)

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("\\", "\\\\").replace("|", "\\|") for c in cells) + " |"

    lines = [line(header), "|" + "|".join("---" for _ in header) + "|"]
    lines += [line(r) for r in rows]
    return "\n".join(lines) + "\n"


#: Writers by format name: ``table``, ``csv``, ``tsv``, ``json``, ``md``.
RESULT_FORMATS: dict[str, Callable[[QueryResult], str]] = {
    "table": _table,
    "csv": _csv,
    "tsv": _tsv,
    "json": _json,
    "md": _markdown,
}
