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
"""

from kg.build import BuildResult, build
from kg.changes import Changes, compare, load_version
from kg.chart import OrgChart, RenderError, chart_dot, org_chart, render
from kg.diff import ChartDiff, diff_charts, diff_dot, diff_report
from kg.docs import docs_html, write_docs
from kg.errors import (
    BuildError,
    KGError,
    ParameterError,
    ProjectError,
    QueryError,
    RDFSyntaxError,
    ReasoningError,
    ShapesError,
    SourcesError,
    StoreError,
)
from kg.export import export
from kg.load import ProjectGraphs, files_of, load_dataset, load_graph, load_project, parse
from kg.project import Extension, Project, find_project, shipped_project
from kg.query import Query, find_query, load_catalogue, query_graph, run_query
from kg.reason import reason
from kg.results import QueryResult
from kg.serve import OxigraphServer
from kg.sources import Citation, CitationReport, check_citations
from kg.stats import CompanyCounts, SourceCounts, Stats, stats
from kg.store import SparqlEndpoint, replace_graph
from kg.template import TemplateError, TemplateResult, apply_template
from kg.timeline import Timeline, event_timeline, timeline_dot
from kg.validate import ValidationReport, ValidationResult, validate

__version__ = "0.1.0"

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
