"""restructuring-kg: a knowledge graph of how technology companies reorganize for AI.

The pipeline, one module per stage, each a function over rdflib graphs:

>>> from kg import find_project, load_project, validate, reason
>>> graphs = load_project(find_project())
>>> len(graphs.data) > 0
True

- :mod:`kg.project` — where the ontology, shapes, data and queries are;
- :mod:`kg.load` — Turtle files into graphs (syntax errors with file and line);
- :mod:`kg.validate` — SHACL validation into a report;
- :mod:`kg.reason` — OWL 2 RL inferences;
- :mod:`kg.query` and :mod:`kg.results` — the named SPARQL queries and their answers;
- :mod:`kg.export` and :mod:`kg.build` — writing asserted and inferred triples;
- :mod:`kg.store` and :mod:`kg.serve` — SPARQL 1.1 stores over HTTP: queries, loading, a local Oxigraph server;
- :mod:`kg.stats` and :mod:`kg.sources` — counts, and citations checked against the sources.

The names above are imported on first use (:pep:`562`): ``import kg.errors`` and ``kg --help``
load neither rdflib nor pySHACL nor owlrl.

>>> import kg
>>> sorted(set(kg.__all__) - set(dir(kg)))
[]
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

#: Where each public name lives: name -> module. Imported when first asked for.
_EXPORTS: dict[str, str] = {
    "BuildResult": "kg.build",
    "build": "kg.build",
    "Changes": "kg.changes",
    "compare": "kg.changes",
    "load_version": "kg.changes",
    "OrgChart": "kg.chart",
    "RenderError": "kg.chart",
    "chart_dot": "kg.chart",
    "org_chart": "kg.chart",
    "render": "kg.chart",
    "ChartDiff": "kg.diff",
    "diff_charts": "kg.diff",
    "diff_dot": "kg.diff",
    "diff_report": "kg.diff",
    "docs_html": "kg.docs",
    "write_docs": "kg.docs",
    "BuildError": "kg.errors",
    "KGError": "kg.errors",
    "ParameterError": "kg.errors",
    "ProjectError": "kg.errors",
    "QueryError": "kg.errors",
    "RDFSyntaxError": "kg.errors",
    "ReasoningError": "kg.errors",
    "ShapesError": "kg.errors",
    "SourcesError": "kg.errors",
    "StoreError": "kg.errors",
    "WriteError": "kg.errors",
    "export": "kg.export",
    "ProjectGraphs": "kg.load",
    "files_of": "kg.load",
    "load_dataset": "kg.load",
    "load_graph": "kg.load",
    "load_project": "kg.load",
    "parse": "kg.load",
    "Extension": "kg.project",
    "Project": "kg.project",
    "find_project": "kg.project",
    "shipped_project": "kg.project",
    "Query": "kg.query",
    "find_query": "kg.query",
    "load_catalogue": "kg.query",
    "query_graph": "kg.query",
    "run_query": "kg.query",
    "reason": "kg.reason",
    "QueryResult": "kg.results",
    "OxigraphServer": "kg.serve",
    "Citation": "kg.sources",
    "CitationReport": "kg.sources",
    "check_citations": "kg.sources",
    "CompanyCounts": "kg.stats",
    "SourceCounts": "kg.stats",
    "Stats": "kg.stats",
    "stats": "kg.stats",
    "SparqlEndpoint": "kg.store",
    "replace_graph": "kg.store",
    "TemplateError": "kg.template",
    "TemplateResult": "kg.template",
    "apply_template": "kg.template",
    "Timeline": "kg.timeline",
    "event_timeline": "kg.timeline",
    "timeline_dot": "kg.timeline",
    "ValidationReport": "kg.validate",
    "ValidationResult": "kg.validate",
    "validate": "kg.validate",
}


def __getattr__(name: str) -> Any:
    """The public ``name`` from its module, imported now (:pep:`562`)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


#: Public functions named like the module that defines them (``kg.validate`` the function,
#: in :mod:`kg.validate` the module), as the eager package had them.
_SHADOWED = frozenset(name for name, module in _EXPORTS.items() if module == f"{__name__}.{name}")


class _Package(types.ModuleType):
    """This package's module type: importing :mod:`kg.validate` (say) leaves ``kg.validate``
    the function, as ``from kg import validate`` gives it, instead of rebinding it to the module."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "BuildError",
    "BuildResult",
    "Changes",
    "ChartDiff",
    "Citation",
    "CitationReport",
    "CompanyCounts",
    "Extension",
    "KGError",
    "OrgChart",
    "OxigraphServer",
    "ParameterError",
    "Project",
    "ProjectError",
    "ProjectGraphs",
    "Query",
    "QueryError",
    "QueryResult",
    "RDFSyntaxError",
    "ReasoningError",
    "RenderError",
    "ShapesError",
    "SourceCounts",
    "SourcesError",
    "SparqlEndpoint",
    "Stats",
    "StoreError",
    "TemplateError",
    "TemplateResult",
    "Timeline",
    "ValidationReport",
    "ValidationResult",
    "WriteError",
    "__version__",
    "apply_template",
    "build",
    "chart_dot",
    "check_citations",
    "compare",
    "diff_charts",
    "diff_dot",
    "diff_report",
    "docs_html",
    "event_timeline",
    "export",
    "files_of",
    "find_project",
    "find_query",
    "load_catalogue",
    "load_dataset",
    "load_graph",
    "load_project",
    "load_version",
    "org_chart",
    "parse",
    "query_graph",
    "reason",
    "render",
    "replace_graph",
    "run_query",
    "shipped_project",
    "stats",
    "timeline_dot",
    "validate",
    "write_docs",
]
