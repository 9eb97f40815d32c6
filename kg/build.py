"""The whole pipeline: load, validate, reason, write.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> files = {
...     "ontology/o.ttl": "<https://example.org/Lab> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://example.org/Unit> .",
...     "ontology/shapes.ttl": "",
...     "data/d.ttl": "<https://example.org/tongyi> a <https://example.org/Lab> .",
... }
>>> for name, text in files.items():
...     (root / name).parent.mkdir(exist_ok=True)
...     _ = (root / name).write_text(text)
>>> result = build(Project.at(root), root / "build")
>>> result.counts
{'ontology': 1, 'asserted': 1, 'inferred': 1}
>>> print((root / "build" / "inferred.nt").read_text(), end="")
<https://example.org/tongyi> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/Unit> .
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from kg.errors import BuildError, display_path
from kg.export import export
from kg.load import load_project
from kg.project import Project
from kg.reason import reason
from kg.validate import ValidationReport, validate

__all__ = ["BuildResult", "build"]


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` wrote.

    :ivar out_dir: the folder written.
    :ivar counts: triples written per graph: ``ontology``, ``asserted``, ``inferred``.
    :ivar report: the validation report of the data.
    :ivar seconds: how long each stage took (``load``, ``validate``, ``reason``, ``write``).
    """

    out_dir: Path
    counts: dict[str, int]
    report: ValidationReport
    seconds: dict[str, float] = field(default_factory=dict)


def build(project: Project, out_dir: Union[str, os.PathLike], *, force: bool = False) -> BuildResult:
    """Load ``project``, validate its data, reason, and write the result to ``out_dir``.

    ``out_dir`` receives ``asserted.{ttl,nt,jsonld}``, ``inferred.{ttl,nt,jsonld}`` and
    ``graph.trig`` (see :func:`kg.export.export`); it is replaced only when every file
    has been written.

    :param force: write even when the data has SHACL violations.
    :raises BuildError: the data has violations and ``force`` is false (the error's
        ``report`` holds them), or the folder cannot be written.
    :raises ProjectError: the project has no shapes file.
    :raises RDFSyntaxError: a file is not valid Turtle.
    :raises ReasoningError: OWL 2 RL reasoning found the graph inconsistent.
    """
    seconds = {}
    start = time.perf_counter()
    graphs = load_project(project, require_shapes=True)
    seconds["load"] = time.perf_counter() - start

    start = time.perf_counter()
    report = validate(graphs.data, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)
    seconds["validate"] = time.perf_counter() - start
    if not report.conforms and not force:
        count = len(report.violations)
        raise BuildError(
            f"the data has {count} SHACL violation{'s' if count != 1 else ''}; nothing written "
            f"to {display_path(out_dir)} (fix them, or build anyway with --force)",
            report=report,
        )

    start = time.perf_counter()
    inferred = reason(graphs.ontology + graphs.data)
    seconds["reason"] = time.perf_counter() - start

    start = time.perf_counter()
    counts = export(out_dir, ontology=graphs.ontology, asserted=graphs.data, inferred=inferred)
    seconds["write"] = time.perf_counter() - start
    return BuildResult(out_dir=Path(out_dir).absolute(), counts=counts, report=report, seconds=seconds)
