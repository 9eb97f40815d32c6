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
from typing import Any, Callable, Optional, Union

from kg.engines import ENGINES, engine_named
from kg.errors import BuildError, display_path
from kg.export import input_digests
from kg.project import Project
from kg.validate import ValidationReport

__all__ = ["BuildResult", "ENGINES", "build", "build_inputs", "validate_project"]


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` wrote.

    :ivar out_dir: the folder written.
    :ivar counts: triples written per graph: ``ontology``, ``asserted``, ``inferred``.
    :ivar report: the validation report of the data.
    :ivar seconds: how long each stage took (``load``, ``validate``, ``reason``, ``write``).
    :ivar warnings: why reasoning left the fast rules, if it did (see
        :class:`kg.fast.reason.Reasoned`).
    """

    out_dir: Path
    counts: dict[str, int]
    report: ValidationReport
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def build(
    project: Project,
    out_dir: Union[str, os.PathLike],
    *,
    force: bool = False,
    engine: str = "fast",
    progress: Optional[Callable[[str], None]] = None,
) -> BuildResult:
    """Load ``project``, validate its data, reason, and write the result to ``out_dir``.

    ``out_dir`` receives ``asserted.{ttl,nt,jsonld}``, ``inferred.{ttl,nt,jsonld}`` and
    ``graph.trig`` (see :func:`kg.export.export`); it is replaced only when every file
    has been written. Both engines write the same bytes.

    :param force: write even when the data has SHACL violations.
    :param engine: ``fast`` (the files loaded into Oxigraph, validated, reasoned over and
        written from there: the default) or ``reference`` (rdflib, pySHACL and owlrl);
        see :mod:`kg.engines`.
    :param progress: called with one line as each stage starts and ends (with its counts).
    :raises BuildError: the data has violations and ``force`` is false (the error's
        ``report`` holds them, its ``dataset`` the project as loaded), or the folder
        cannot be written.
    :raises ProjectError: the project has no shapes file.
    :raises RDFSyntaxError: a file is not valid Turtle.
    :raises ReasoningError: OWL 2 RL reasoning found the graph inconsistent.
    """
    chosen = engine_named(engine, error=BuildError)
    say = progress or (lambda line: None)
    seconds = {}
    start = time.perf_counter()
    # Before loading: a file changed while the build runs then shows as changed afterwards.
    inputs = input_digests(build_inputs(project))
    say(f"loading {len(inputs)} files ...")
    dataset = chosen.open(project, require_shapes=True)
    seconds["load"] = time.perf_counter() - start
    say(f"loaded {len(dataset.data):,} data and {len(dataset.ontology):,} ontology triples "
        f"({seconds['load']:.1f} s); validating ...")

    start = time.perf_counter()
    report = chosen.validate(dataset)
    seconds["validate"] = time.perf_counter() - start
    say(f"validated: {len(report.violations):,} violations, {len(report.warnings):,} warnings "
        f"({seconds['validate']:.1f} s)" + ("; reasoning ..." if report.conforms or force else ""))
    if not report.conforms and not force:
        count = len(report.violations)
        error = BuildError(
            f"the data has {count} SHACL violation{'s' if count != 1 else ''}; nothing written "
            f"to {display_path(out_dir)} (fix them, or build anyway with --force)",
            report=report,
            dataset=dataset,
        )
        raise error

    start = time.perf_counter()
    inferred = chosen.reason(dataset)
    seconds["reason"] = time.perf_counter() - start
    say(f"inferred {inferred.count:,} triples ({seconds['reason']:.1f} s); writing {display_path(out_dir)} ...")

    start = time.perf_counter()
    counts = chosen.write(dataset, inferred, out_dir, inputs=inputs)
    seconds["write"] = time.perf_counter() - start
    return BuildResult(out_dir=Path(out_dir).absolute(), counts=counts, report=report, seconds=seconds,
                       warnings=inferred.warnings)


def build_inputs(project: Project) -> list[Path]:
    """The files a build of ``project`` is made from: ontology, shapes and data (with extensions').

    >>> from kg.project import find_project
    >>> all(path.suffix == ".ttl" for path in build_inputs(find_project()))
    True
    """
    return [*project.ontology_files, *project.shapes_files, *project.data_files]


def validate_project(dataset: Any, *, engine: str = "fast") -> ValidationReport:
    """Validate the data of ``dataset`` (with its ontology) against its shapes.

    ``dataset`` is a project opened by an engine (:mod:`kg.engines`), or the
    :class:`~kg.load.ProjectGraphs` of :func:`kg.load.load_project`, which ``engine``
    (``fast``: the shapes as queries in Oxigraph; ``reference``: pySHACL) validates;
    both return the same report.

    >>> from kg.project import find_project
    >>> from kg.load import load_project
    >>> validate_project(load_project(find_project())).conforms
    True
    """
    from kg.load import ProjectGraphs, shapes_of

    chosen = engine_named(engine, error=BuildError)
    if isinstance(dataset, ProjectGraphs) and chosen.name == "fast":
        from kg.fast.validate import validate as fast_validate
        from kg.query import to_store

        return fast_validate(to_store(dataset.ontology, dataset.data), shapes_graph=shapes_of(dataset.project, dataset.shapes),
                             data_graph=dataset.data, ontology_graph=dataset.ontology)
    return chosen.validate(dataset)
