"""The reference engine: rdflib graphs, pySHACL, owlrl and rdflib's SPARQL.

The standard libraries, run as they come: what the fast engine (:mod:`kg.engines.fast`)
is tested against. Its dataset is :class:`kg.load.ProjectGraphs`.

>>> from kg.project import find_project
>>> engine = ReferenceEngine()
>>> graphs = engine.open(find_project())
>>> len(graphs.data) > 0
True
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, Union

from rdflib import Graph

from kg.current import current
from kg.engines import Inferred
from kg.export import export
from kg.load import ProjectGraphs, load_project, shapes_of
from kg.project import Project
from kg.reason import reason
from kg.timebounds import day_bounds
from kg.validate import ValidationReport, validate

__all__ = ["ReferenceEngine"]


class ReferenceEngine:
    """The reference :class:`~kg.engines.Engine`; see the module's documentation."""

    name = "reference"

    def open(self, project: Project, *, require_shapes: bool = False, check_terms: bool = True) -> ProjectGraphs:
        return load_project(project, require_shapes=require_shapes, check_terms=check_terms)

    def validate(self, dataset: ProjectGraphs) -> ValidationReport:
        return validate(dataset.data, shapes_graph=shapes_of(dataset.project, dataset.shapes), ontology_graph=dataset.ontology)

    def reason(self, dataset: ProjectGraphs) -> Inferred:
        inferred = reason(dataset.ontology + dataset.data)
        inferred += current(dataset.ontology + dataset.data + inferred)
        # The plain days of every date (kg.timebounds), from the asserted data, as the shapes saw them.
        inferred += day_bounds(dataset.ontology + dataset.data)
        return Inferred(len(inferred), graph=inferred)

    def query_target(self, dataset: ProjectGraphs, *, inferred: bool = False) -> Graph:
        graph = Graph()
        graph += dataset.ontology
        graph += dataset.data
        bounds = day_bounds(graph)  # the plain days of every date (kg.timebounds), from the asserted data
        if inferred:
            graph += reason(graph)
            graph += current(graph)  # the untimed ORG shortcuts of the latest state
        graph += bounds
        return graph

    def write(self, dataset: ProjectGraphs, inferred: Inferred, out_dir: Union[str, os.PathLike], *,
              inputs: Optional[Mapping[str, str]] = None) -> dict[str, int]:
        return export(out_dir, ontology=dataset.ontology, asserted=dataset.data, inferred=inferred.graph, inputs=inputs)
