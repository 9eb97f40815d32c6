"""Where the project's files are: ontology, shapes, data and queries.

A project is a folder with ``ontology/``, ``data/`` and ``queries/``.
:func:`find_project` picks the one to use, in this order:

1. the folder given explicitly (``kg --root DIR``);
2. the checkout that contains the current folder (a folder with a ``pyproject.toml``
   naming ``restructuring-kg`` and with ``ontology/`` and ``data/``), so that an
   analyst's own edits are used;
3. the copy shipped inside the installed package.

>>> project = find_project()
>>> project.shapes_file.name
'shapes.ttl'
>>> all(path.suffix == ".ttl" for path in project.data_files)
True

An analyst's extension folders join a project with :meth:`Project.with_extensions`
(``kg validate --with DIR``); an extension is laid out like this (every part but
``ontology/`` is optional, docs/extending.md walks through writing one)::

    my-extension/
        ontology/*.ttl     its terms, in an owl:Ontology that owl:imports the core ontology
                           and names its namespace with vann:preferredNamespaceUri
        shapes.ttl         its SHACL shapes (or several files in shapes/*.ttl)
        data/*.ttl         its facts, written as docs/data-conventions.md says
        queries/*.rq       its named queries, which join the project's catalogue

The project's file lists then include the extensions' files: the ontology, shapes and
data are loaded and validated together, and the queries form one catalogue.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from kg.errors import ProjectError, display_path

__all__ = ["CORE_ONTOLOGY", "Extension", "Project", "find_project", "shipped_project"]

DISTRIBUTION = "restructuring-kg"
_PACKAGE_DIR = Path(__file__).resolve().parent
#: Where a wheel puts the project's folders (see ``[tool.hatch...force-include]`` in pyproject.toml).
_SHIPPED_DIR = _PACKAGE_DIR / "_shipped"
_NAME_LINE = re.compile(r"""^\s*name\s*=\s*["']restructuring-kg["']\s*$""", re.MULTILINE)
#: The IRI of the core ontology, which an extension's ontology must ``owl:imports``.
CORE_ONTOLOGY = "https://w3id.org/restructuring-kg/ontology"


@dataclass(frozen=True)
class Extension:
    """An analyst's extension folder: ``ontology/``, and optionally ``shapes.ttl`` (or
    ``shapes/``), ``data/`` and ``queries/``.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "ontology").mkdir()
    >>> _ = (root / "ontology" / "terms.ttl").write_text("")
    >>> extension = Extension.at(root)
    >>> [path.name for path in extension.ontology_files], extension.shapes_files, extension.data_files
    (['terms.ttl'], [], [])
    """

    root: Path

    @classmethod
    def at(cls, root: Union[str, os.PathLike]) -> "Extension":
        """The extension in ``root``; raises :class:`~kg.errors.ProjectError` if it is not one."""
        root = Path(root).resolve()
        if not root.is_dir():
            raise ProjectError(f"{display_path(root)}: no such folder (an extension)")
        extension = cls(root)
        if not extension.ontology_files:
            raise ProjectError(
                f"{display_path(root / 'ontology')}: an extension needs its ontology here (*.ttl): "
                f"an owl:Ontology that owl:imports <{CORE_ONTOLOGY}> (see docs/extending.md)"
            )
        if (root / "shapes.ttl").is_file() and (root / "shapes").is_dir():
            raise ProjectError(f"{display_path(root)}: has both shapes.ttl and shapes/; keep one")
        return extension

    @property
    def ontology_files(self) -> list[Path]:
        """``ontology/**/*.ttl``, sorted."""
        return _files(self.root / "ontology", "*.ttl")

    @property
    def shapes_files(self) -> list[Path]:
        """``shapes.ttl``, or ``shapes/**/*.ttl``, sorted."""
        single = self.root / "shapes.ttl"
        return [single] if single.is_file() else _files(self.root / "shapes", "*.ttl")

    @property
    def data_files(self) -> list[Path]:
        """``data/**/*.ttl``, sorted."""
        return _files(self.root / "data", "*.ttl")

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"


@dataclass(frozen=True)
class Project:
    """A project folder.

    :param root: the folder holding ``ontology/``, ``data/`` and ``queries/``.
    :param origin: how it was found: ``"explicit"``, ``"checkout"`` or ``"shipped"``.
    :param extensions: the extensions loaded with it (see :meth:`with_extensions`).
    """

    root: Path
    origin: str = "explicit"
    extensions: tuple[Extension, ...] = ()

    @classmethod
    def at(cls, root: Union[str, os.PathLike], *, origin: str = "explicit") -> "Project":
        """The project in ``root``; raises :class:`~kg.errors.ProjectError` if it is not one."""
        root = Path(root).resolve()
        if not root.is_dir():
            raise ProjectError(f"{display_path(root)}: no such folder")
        for needed in ("ontology", "data"):
            if not (root / needed).is_dir():
                raise ProjectError(f"{display_path(root)}: not a restructuring-kg project (no {needed}/ folder)")
        return cls(root, origin)

    def with_extensions(self, folders: Iterable[Union[str, os.PathLike]]) -> "Project":
        """This project with the extension folders ``folders`` added (each once, in order).

        :raises ProjectError: a folder is not an extension (it has no ``ontology/*.ttl``).
        """
        extensions = list(self.extensions)
        for folder in folders:
            extension = Extension.at(folder)
            if extension not in extensions:
                extensions.append(extension)
        return dataclasses.replace(self, extensions=tuple(extensions))

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def shapes_file(self) -> Path:
        """``ontology/shapes.ttl`` (it may not exist)."""
        return self.ontology_dir / "shapes.ttl"

    @property
    def shapes_files(self) -> list[Path]:
        """The SHACL shapes: ``ontology/shapes.ttl`` (if it exists), ``ontology/*-shapes.ttl``,
        then each extension's shapes."""
        own = [self.shapes_file] if self.shapes_file.is_file() else []
        own += sorted(p for p in self.ontology_dir.glob("*-shapes.ttl") if p.is_file())
        return own + [path for extension in self.extensions for path in extension.shapes_files]

    @property
    def ontology_files(self) -> list[Path]:
        """The ontology's Turtle files (``ontology/**/*.ttl`` but the shapes), sorted, then
        each extension's."""
        shapes = set(self.shapes_files)
        own = [path for path in _files(self.ontology_dir, "*.ttl") if path != self.shapes_file and path not in shapes]
        return own + [path for extension in self.extensions for path in extension.ontology_files]

    @property
    def data_files(self) -> list[Path]:
        """The data's Turtle files (``data/**/*.ttl``), sorted, then each extension's."""
        return _files(self.data_dir, "*.ttl") + [path for extension in self.extensions for path in extension.data_files]

    @property
    def query_dirs(self) -> list[Path]:
        """The folders of named queries: ``queries/``, then each extension's that exists."""
        return [self.queries_dir] + [e.queries_dir for e in self.extensions if e.queries_dir.is_dir()]

    @property
    def query_files(self) -> list[Path]:
        """The named queries (``queries/**/*.rq``), sorted, then each extension's."""
        return [path for folder in self.query_dirs for path in _files(folder, "*.rq")]

    @property
    def default_build_dir(self) -> Path:
        """``build/`` in the project, or in the current folder for the shipped copy."""
        if self.origin == "shipped":
            return Path.cwd() / "build"
        return self.root / "build"


def _files(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.rglob(pattern) if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())


def _is_checkout(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    if not ((folder / "ontology").is_dir() and (folder / "data").is_dir() and pyproject.is_file()):
        return False
    try:
        return bool(_NAME_LINE.search(pyproject.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def shipped_project() -> Project:
    """The copy of the project that comes with the installed package.

    In a wheel it is ``kg/_shipped/``; when the package runs from a checkout (an editable
    install), it is that checkout.
    """
    if (_SHIPPED_DIR / "ontology").is_dir():
        return Project.at(_SHIPPED_DIR, origin="shipped")
    if _is_checkout(_PACKAGE_DIR.parent):
        return Project.at(_PACKAGE_DIR.parent, origin="shipped")
    raise ProjectError(
        f"no project found: {display_path(Path.cwd())} is not inside a restructuring-kg checkout, "
        "and the installed package has no shipped copy; use --root DIR"
    )


def find_project(root: Optional[Union[str, os.PathLike]] = None, *, cwd: Optional[Union[str, os.PathLike]] = None) -> Project:
    """The project to use: ``root`` if given, else the checkout around ``cwd``, else the shipped copy.

    :param root: an explicit project folder (``kg --root DIR``).
    :param cwd: where to start looking for a checkout; the current folder by default.
    """
    if root is not None:
        return Project.at(root, origin="explicit")
    start = Path(cwd if cwd is not None else Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if _is_checkout(folder):
            return Project.at(folder, origin="checkout")
    return shipped_project()
