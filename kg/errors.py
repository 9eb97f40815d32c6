"""Exceptions raised by :mod:`kg`.

Every error the package raises on purpose is a :class:`KGError`; its message names the
file (and line) or the node it is about, so the command line can print it as it is.

>>> error = RDFSyntaxError("data/acme.ttl", 12, "A dot is expected at the end of statements")
>>> str(error)
'data/acme.ttl:12: A dot is expected at the end of statements'
>>> isinstance(error, KGError)
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, Union

__all__ = [
    "BuildError",
    "IllFormedLiteralError",
    "KGError",
    "ParameterError",
    "ProjectError",
    "QueryError",
    "RDFSyntaxError",
    "ReasoningError",
    "ShapesError",
    "SourcesError",
    "StoreError",
    "TemplateError",
    "UnknownTermError",
    "Unsupported",
    "WriteError",
    "display_path",
    "plural",
]


def display_path(path: Union[str, os.PathLike]) -> str:
    """``path`` as a user would type it: relative to the current folder when inside it.

    >>> display_path(Path.cwd() / "data" / "acme.ttl") == os.path.join("data", "acme.ttl")
    True
    """
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an ``s`` unless the count is 1: the wording of every message and report.

    >>> plural(1, "violation"), plural(0, "warning")
    ('1 violation', '0 warnings')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _lines(path: Union[str, os.PathLike], problems: list) -> str:
    """One ``file:line: message`` line per ``(line, message)`` of ``problems``."""
    where = display_path(path)
    return "\n".join(f"{where}:{line}: {message}" if line is not None else f"{where}: {message}"
                     for line, message in problems)


class KGError(Exception):
    """Base class of the errors :mod:`kg` raises on purpose (bad input, missing files)."""


class ProjectError(KGError):
    """The project folder is missing, incomplete or unreadable."""


class RDFSyntaxError(KGError):
    """An RDF file is not valid Turtle (or cannot be read as UTF-8).

    :param path: the file.
    :param line: the 1-based line of the error, or ``None`` when unknown.
    :param message: what is wrong, without the file and line.
    """

    def __init__(self, path: Union[str, os.PathLike], line: Optional[int], message: str):
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(path, line, message)

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class IllFormedLiteralError(RDFSyntaxError):
    """A file has literals outside the lexical space of their XSD datatype (``"2026-13"^^xsd:gYearMonth``).

    :param path: the file.
    :param problems: ``(line, message)`` for each such literal, in file order; the line is
        ``None`` when it cannot be found.

    >>> print(IllFormedLiteralError("data/a.ttl", [(3, '"26"^^xsd:gYear: not a valid xsd:gYear')]))
    data/a.ttl:3: "26"^^xsd:gYear: not a valid xsd:gYear
    """

    def __init__(self, path: Union[str, os.PathLike], problems: list):
        line, message = problems[0]
        super().__init__(path, line, message)
        self.problems = list(problems)

    def __str__(self) -> str:
        return _lines(self.path, self.problems)


class UnknownTermError(KGError):
    """A file uses a term of the project's namespace that the ontology does not define (a typo).

    :param path: the file.
    :param problems: ``(line, message)`` for each unknown term, in file order.
    """

    def __init__(self, path: Union[str, os.PathLike], problems: list):
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__(path, problems)

    def __str__(self) -> str:
        return _lines(self.path, self.problems)


class ShapesError(KGError):
    """The SHACL shapes cannot be used (a malformed shape or constraint)."""


class ReasoningError(KGError):
    """OWL 2 RL reasoning found the graph inconsistent; the message lists why."""


class BuildError(KGError):
    """A build was refused (violations, an unknown engine) or is missing, not a build, or out of date.

    ``report`` is the :class:`kg.validate.ValidationReport` when the build was refused
    because the graph has violations, else ``None``; ``dataset`` is then the project as
    an engine opened it (:mod:`kg.engines`), which the report's lines read, else ``None``.
    """

    def __init__(self, message: str, *, report: Any = None, dataset: Any = None):
        super().__init__(message)
        self.report: Any = report
        self.dataset: Any = dataset


class WriteError(KGError):
    """A file or folder cannot be written (no permission, a full disk, a folder where a file is meant).

    Nothing is half-written: the previous file or folder, if any, is kept.
    """


class Unsupported(KGError):
    """The shapes use a feature the fast engine (:mod:`kg.fast.validate`) does not compile.

    Raised only when the fallback to pySHACL is off; the message names the feature and the shape.
    """


class SourcesError(KGError):
    """The source documents cannot be checked (a missing or unreadable folder)."""


class QueryError(KGError):
    """A SPARQL query cannot be read, parsed or run."""


class ParameterError(QueryError):
    """A query parameter is missing or has a value of the wrong kind."""


class StoreError(KGError):
    """A SPARQL endpoint cannot be reached, refuses a request or answers nonsense.

    The message names the endpoint and the step that failed, and says what became of
    the data already in the store.
    """


class TemplateError(KGError):
    """A template file cannot be used at all (unreadable, no ``kind`` column, an unknown column)."""
