"""Where an engine is chosen: one interface, two engines.

Every command that loads, validates, reasons or queries the project does it through an
:class:`Engine` (``kg <command> --engine NAME`` picks it, the same in every command):

``fast`` (the default, :mod:`kg.engines.fast`)
    the files parsed straight into an Oxigraph store (no rdflib graph of the data), the
    shapes compiled to queries in that store (:mod:`kg.fast.validate`), OWL 2 RL rules
    in Python over its triples (:mod:`kg.fast.reason`), Oxigraph's SPARQL, and the build
    files written from the store.
``reference`` (:mod:`kg.engines.reference`)
    rdflib graphs, pySHACL, owlrl and rdflib's SPARQL: the standard libraries the fast
    engine is tested against.

The names ``oxigraph`` and ``rdflib`` (what ``kg query --engine`` took before) are
aliases of ``fast`` and ``reference``.

An engine :meth:`~Engine.open`\\ s a project into a *dataset* (its own kind: a store, or
rdflib graphs) that the other methods take. Every dataset has ``project``, ``shapes``
(an rdflib graph, or ``None``), ``warnings``, ``data`` (``len()`` is the number of data
triples; ``objects(node, predicate)`` gives rdflib terms, literals as written) and
``files_of(node)``, which is what the command line shows of a report.

>>> from kg.project import find_project
>>> engine = engine_named("oxigraph")
>>> engine.name
'fast'
>>> dataset = engine.open(find_project(), require_shapes=True)
>>> engine.validate(dataset).conforms
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Protocol, Union

from kg.errors import KGError
from kg.project import Project
from kg.validate import ValidationReport

__all__ = ["ALIASES", "ENGINES", "Engine", "Inferred", "engine_named"]

#: The engines, by the name ``--engine`` takes; the first is the default.
ENGINES = ("fast", "reference")
#: Older names of the engines (``kg query --engine oxigraph|rdflib``), still accepted.
ALIASES = {"oxigraph": "fast", "rdflib": "reference"}


@dataclass(frozen=True)
class Inferred:
    """What :meth:`Engine.reason` added to a dataset.

    :ivar count: how many triples reasoning inferred (the untimed ORG shortcuts of
        :mod:`kg.current` included).
    :ivar warnings: why reasoning did not run as the engine runs it, if it did not.
    :ivar graph: the inferred triples, for an engine that keeps them apart (the
        reference's rdflib graph); ``None`` when they are in the dataset's store.
    """

    count: int
    warnings: tuple[str, ...] = ()
    graph: Any = None


class Engine(Protocol):
    """What an engine does; see the module's documentation."""

    #: ``fast`` or ``reference``.
    name: str

    def open(self, project: Project, *, require_shapes: bool = False, check_terms: bool = True) -> Any:
        """Read the ontology, shapes and data of ``project`` with every check of :func:`kg.load.load_project`."""

    def validate(self, dataset: Any) -> ValidationReport:
        """The SHACL report of the dataset's data (with its ontology) against its shapes."""

    def reason(self, dataset: Any) -> Inferred:
        """Add the OWL 2 RL inferences and the untimed ORG shortcuts (:mod:`kg.current`) to the dataset."""

    def query_target(self, dataset: Any, *, inferred: bool = False) -> Any:
        """What :func:`kg.query.run_query` runs on for this dataset: with the inferences
        (this engine's reasoning) when ``inferred``."""

    def write(self, dataset: Any, inferred: Inferred, out_dir: Union[str, os.PathLike], *,
              inputs: Optional[Mapping[str, str]] = None) -> dict[str, int]:
        """Write the build files (:func:`kg.export.write_build`); the triples written per graph."""


def engine_named(name: str, *, error: type[KGError] = KGError) -> Engine:
    """The engine called ``name`` (one of :data:`ENGINES`, or an alias in :data:`ALIASES`).

    :raises KGError: (or ``error``) no engine has that name.

    >>> engine_named("reference").name
    'reference'
    >>> engine_named("jena")
    Traceback (most recent call last):
    ...
    kg.errors.KGError: unknown engine 'jena'; use one of fast, reference
    """
    canonical = ALIASES.get(name, name)
    if canonical == "fast":
        from kg.engines.fast import FastEngine

        return FastEngine()
    if canonical == "reference":
        from kg.engines.reference import ReferenceEngine

        return ReferenceEngine()
    raise error(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")
