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
from typing import Callable, Optional, Union

import pyoxigraph

from kg.current import add_current, current
from kg.errors import BuildError, display_path
from kg.export import export, input_digests
from kg.fast.reason import reason as fast_reason
from kg.fast.store import INFERRED, graph_of, merged_forms
from kg.fast.validate import validate as fast_validate
from kg.load import ProjectGraphs, load_project
from kg.project import Project
from kg.query import to_store
from kg.reason import reason
from kg.validate import ValidationReport, validate

#: How :func:`build` validates and reasons: ``fast`` runs the shapes as queries in an
#: Oxigraph store and the OWL 2 RL rules in Python over its triples (:mod:`kg.fast`;
#: equality goes to owlrl, with a warning); ``reference`` runs pySHACL
#: and owlrl. Both give the same report and the same inferred triples
#: (``tests/test_fast.py`` proves it); the reference is there to check the fast one.
ENGINES = ("fast", "reference")

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
    has been written.

    :param force: write even when the data has SHACL violations.
    :param engine: ``fast`` (Oxigraph, the default) or ``reference`` (pySHACL and owlrl);
        see :data:`ENGINES`.
    :param progress: called with one line as each stage starts and ends (with its counts).
    :raises BuildError: the data has violations and ``force`` is false (the error's
        ``report`` holds them), or the folder cannot be written.
    :raises ProjectError: the project has no shapes file.
    :raises RDFSyntaxError: a file is not valid Turtle.
    :raises ReasoningError: OWL 2 RL reasoning found the graph inconsistent.
    """
    say = progress or (lambda line: None)
    seconds = {}
    start = time.perf_counter()
    # Before loading: a file changed while the build runs then shows as changed afterwards.
    inputs = input_digests(build_inputs(project))
    say(f"loading {len(inputs)} files ...")
    graphs = load_project(project, require_shapes=True)
    store = _store(graphs, engine)
    seconds["load"] = time.perf_counter() - start
    say(f"loaded {len(graphs.data):,} data and {len(graphs.ontology):,} ontology triples "
        f"({seconds['load']:.1f} s); validating ...")

    start = time.perf_counter()
    report = _validate(graphs, store)
    seconds["validate"] = time.perf_counter() - start
    say(f"validated: {len(report.violations):,} violations, {len(report.warnings):,} warnings "
        f"({seconds['validate']:.1f} s)" + ("; reasoning ..." if report.conforms or force else ""))
    if not report.conforms and not force:
        count = len(report.violations)
        raise BuildError(
            f"the data has {count} SHACL violation{'s' if count != 1 else ''}; nothing written "
            f"to {display_path(out_dir)} (fix them, or build anyway with --force)",
            report=report,
        )

    start = time.perf_counter()
    warnings: tuple[str, ...] = ()
    if store is not None:
        warnings = fast_reason(store).warnings
        merged = _merged(store)
        if merged:  # the rules took them as one value, and the store cannot say which form a triple copies
            warnings += (f"Oxigraph holds {merged} for literals written differently, which the rules (a key, a "
                         "copy by owl:sameAs) would take as one; the whole graph was reasoned with owlrl, on the "
                         "files as written",)
            store = None
    if store is not None:
        add_current(store, into=INFERRED)  # the untimed ORG shortcuts of the latest state
        inferred = graph_of(store, inferred=True)
    else:
        inferred = reason(graphs.ontology + graphs.data)
        inferred += current(graphs.ontology + graphs.data + inferred)
    seconds["reason"] = time.perf_counter() - start
    say(f"inferred {len(inferred):,} triples ({seconds['reason']:.1f} s); writing {display_path(out_dir)} ...")

    start = time.perf_counter()
    counts = export(out_dir, ontology=graphs.ontology, asserted=graphs.data, inferred=inferred, inputs=inputs)
    seconds["write"] = time.perf_counter() - start
    return BuildResult(out_dir=Path(out_dir).absolute(), counts=counts, report=report, seconds=seconds,
                       warnings=warnings)


def _merged(store: pyoxigraph.Store) -> str:
    """The literals of the store that stand for several written differently
    (:func:`kg.fast.store.merged_forms`: ``"7"^^xsd:int`` and ``"07"^^xsd:int``), as
    N-Triples terms, or ``""``.

    >>> _merged(pyoxigraph.Store())
    ''
    """
    return ", ".join(sorted(str(stored) for stored in merged_forms(store)))


def build_inputs(project: Project) -> list[Path]:
    """The files a build of ``project`` is made from: ontology, shapes and data (with extensions').

    >>> from kg.project import find_project
    >>> all(path.suffix == ".ttl" for path in build_inputs(find_project()))
    True
    """
    return [*project.ontology_files, *project.shapes_files, *project.data_files]


def validate_project(graphs: ProjectGraphs, *, engine: str = "fast") -> ValidationReport:
    """Validate the data of ``graphs`` (with its ontology) against its shapes.

    ``engine`` is ``fast`` (the shapes as queries in Oxigraph) or ``reference``
    (pySHACL); both return the same report (see :data:`ENGINES`).

    >>> from kg.project import find_project
    >>> from kg.load import load_project
    >>> validate_project(load_project(find_project())).conforms
    True
    """
    return _validate(graphs, _store(graphs, engine))


def _store(graphs: ProjectGraphs, engine: str) -> Optional[pyoxigraph.Store]:
    """For the fast engine, a store of the ontology and the data; ``None`` for the reference.

    The store is made from the parsed graphs, not from the files again, so that its
    blank nodes are the graphs' own: the report's focus nodes and the inferred triples
    name the data's blank nodes (which the export skolemizes).

    :raises BuildError: ``engine`` is not one of :data:`ENGINES`.
    """
    if engine not in ENGINES:
        raise BuildError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    return to_store(graphs.ontology, graphs.data) if engine == "fast" else None


def _validate(graphs: ProjectGraphs, store: Optional[pyoxigraph.Store]) -> ValidationReport:
    if store is not None:
        return fast_validate(store, shapes_graph=graphs.shapes, data_graph=graphs.data, ontology_graph=graphs.ontology)
    return validate(graphs.data, shapes_graph=graphs.shapes, ontology_graph=graphs.ontology)
