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
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from kg.errors import ProjectError, display_path

__all__ = ["Project", "find_project", "shipped_project"]

DISTRIBUTION = "restructuring-kg"
_PACKAGE_DIR = Path(__file__).resolve().parent
#: Where a wheel puts the project's folders (see ``[tool.hatch...force-include]`` in pyproject.toml).
_SHIPPED_DIR = _PACKAGE_DIR / "_shipped"
_NAME_LINE = re.compile(r"""^\s*name\s*=\s*["']restructuring-kg["']\s*$""", re.MULTILINE)


@dataclass(frozen=True)
class Project:
    """A project folder.

    :param root: the folder holding ``ontology/``, ``data/`` and ``queries/``.
    :param origin: how it was found: ``"explicit"``, ``"checkout"`` or ``"shipped"``.
    """

    root: Path
    origin: str = "explicit"

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
    def ontology_files(self) -> list[Path]:
        """The ontology's Turtle files (``ontology/**/*.ttl`` but the shapes), sorted."""
        return [path for path in _files(self.ontology_dir, "*.ttl") if path != self.shapes_file]

    @property
    def data_files(self) -> list[Path]:
        """The data's Turtle files (``data/**/*.ttl``), sorted."""
        return _files(self.data_dir, "*.ttl")

    @property
    def query_files(self) -> list[Path]:
        """The named queries (``queries/**/*.rq``), sorted."""
        return _files(self.queries_dir, "*.rq")

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
