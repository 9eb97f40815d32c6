"""The ``kg`` command: the only part of the package that prints or exits.

Exit codes: 0 success, 1 violations or failed citations, 2 an error (bad input, a
syntax error, a missing file, a bad option).

Each subcommand is a pair of functions, ``_add_NAME(subparsers)`` that declares its
options and ``_run_NAME(args)`` that runs it and returns the exit code; list the first
in :data:`_COMMANDS` to add a subcommand.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Callable, Optional, Sequence, TextIO

from rdflib.term import Node

from kg import __version__
from kg.build import ENGINES, build, validate_project
from kg.changes import compare, format_changes, load_version
from kg.chart import chart_dot, check_date, date_today, org_chart, output_format, render
from kg.diff import diff_charts, diff_dot, diff_report
from kg.docs import write_docs
from kg.errors import BuildError, KGError, display_path
from kg.load import ProjectGraphs, load_graph, load_project
from kg.project import Project, find_project
from kg.sources import check_citations
from kg.stats import stats
from kg.template import ID_BASE, apply_template, write_turtle
from kg.timeline import event_timeline, timeline_dot
from kg.validate import ValidationReport, format_path
from kg.vocab import bind_prefixes, label, qname

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _project(args: argparse.Namespace) -> Project:
    """The project of ``kg --root``, with the extensions of ``--with`` (see :func:`_add_with`)."""
    return find_project(args.root).with_extensions(getattr(args, "extensions", None) or ())


def _add_with(parser: argparse.ArgumentParser) -> None:
    """Add ``--with DIR`` (repeatable): extension folders that :func:`_project` loads with the project."""
    parser.add_argument(
        "--with",
        dest="extensions",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="also load this extension folder (its ontology, shapes, data and queries); repeatable",
    )


# -- kg validate ------------------------------------------------------------------


def _add_validate(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check the data against the SHACL shapes",
        description="Check the data (with the ontology) against ontology/shapes.ttl. "
        "Exit 0 when it conforms, 1 when it has violations (warnings do not fail it), 2 on error.",
    )
    parser.add_argument("--format", choices=("text", "json", "turtle"), default="text", help="output format (default: text)")
    _add_engine(parser)
    _add_with(parser)
    parser.set_defaults(run=_run_validate)


def _add_engine(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="fast",
        help="fast: shapes (and OWL 2 RL rules) run as queries in Oxigraph (default); reference: pySHACL "
        "(and owlrl), the same answers, slower",
    )


def _run_validate(args: argparse.Namespace) -> int:
    graphs = load_project(_project(args), require_shapes=True)
    report = validate_project(graphs, engine=args.engine)
    _print_notes(report)
    if args.format == "json":
        print(json.dumps(_report_json(report, graphs), indent=2, ensure_ascii=False))
    elif args.format == "turtle":
        print(bind_prefixes(report.graph).serialize(format="turtle"), end="")
    else:
        _print_report(report, graphs, sys.stdout)
        print(_summary(report, graphs))
    return EXIT_OK if report.conforms else EXIT_FAILED


def _print_notes(report: ValidationReport) -> None:
    """What the engine did not run itself (a shape validated by pySHACL instead), on stderr."""
    for note in report.notes:
        print(f"kg: warning: {note}", file=sys.stderr)


def _describe(graphs: ProjectGraphs, node: Node) -> tuple[str, Optional[str], list[str]]:
    """A node's short name, label and data files."""
    files = [display_path(path) for path in graphs.files_of(node)]
    return qname(node), label(graphs.data, node), files


def _report_json(report: ValidationReport, graphs: ProjectGraphs) -> dict:
    results = []
    for result in report.results:
        _, node_label, files = _describe(graphs, result.focus_node)
        results.append(
            {
                "severity": result.severity_name,
                "rule": report.rule(result),
                "focus_node": str(result.focus_node),
                "label": node_label,
                "files": files,
                "path": format_path(report.graph, result.result_path) if result.result_path is not None else None,
                "value": str(result.value) if result.value is not None else None,
                "message": result.message,
                "source_shape": str(report.named_shape(result)),
                "source_constraint_component": str(result.source_constraint_component),
            }
        )
    return {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "infos": len(report.infos),
        "results": results,
    }


def _print_report(report: ValidationReport, graphs: ProjectGraphs, out: TextIO) -> None:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for result in report.results:
        groups[(result.severity_name, report.rule(result))].append(result)
    for (severity, rule), results in groups.items():
        print(f"{severity}: {rule} ({len(results)})", file=out)
        for result in results:
            name, node_label, files = _describe(graphs, result.focus_node)
            where = f" in {', '.join(files)}" if files else ""
            print(f"  {name}" + (f' "{node_label}"' if node_label else "") + where, file=out)
            detail = result.message
            if result.result_path is not None:
                detail = f"{format_path(report.graph, result.result_path)}: {detail}"
            if result.value is not None and result.value != result.focus_node:
                detail += f" (value: {qname(result.value)})"
            print(f"    {detail}", file=out)
        print(file=out)


def _summary(report: ValidationReport, graphs: ProjectGraphs) -> str:
    counts = (
        f"{_plural(len(report.violations), 'violation')}, {_plural(len(report.warnings), 'warning')}, "
        f"{_plural(len(report.infos), 'info')}"
    )
    checked = f"{_plural(len(graphs.data), 'triple')} in {_plural(len(graphs.project.data_files), 'data file')}"
    verdict = "conforms" if report.conforms else "does not conform"
    return f"{counts} ({checked}): the data {verdict}"


# -- kg build ---------------------------------------------------------------------


def _add_build(subparsers) -> None:
    parser = subparsers.add_parser(
        "build",
        help="validate, reason and write the graph files",
        description="Load and validate the project, run OWL 2 RL reasoning and write asserted.{ttl,nt,jsonld}, "
        "inferred.{ttl,nt,jsonld} and graph.trig. Nothing is written when the data has violations, "
        "unless --force.",
    )
    parser.add_argument("--out", type=Path, help="output folder (default: build/ in the project, or ./build)")
    parser.add_argument("--force", action="store_true", help="write even when the data has SHACL violations")
    _add_engine(parser)
    _add_with(parser)
    parser.set_defaults(run=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    project = _project(args)
    out_dir = args.out if args.out is not None else project.default_build_dir
    try:
        result = build(project, out_dir, force=args.force, engine=args.engine)
    except BuildError as error:
        if error.report is None:
            raise
        graphs = load_project(project)
        _print_report(error.report, graphs, sys.stderr)
        print(f"kg: {error}", file=sys.stderr)
        return EXIT_FAILED
    counts = result.counts
    print(
        f"wrote {display_path(result.out_dir)}: {_plural(counts['asserted'], 'asserted triple')}, "
        f"{_plural(counts['inferred'], 'inferred triple')}, {_plural(counts['ontology'], 'ontology triple')}"
    )
    print("took " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds.items()))
    report = result.report
    _print_notes(report)
    if not report.conforms:
        print(f"written despite {_plural(len(report.violations), 'violation')} (--force); see kg validate")
    elif report.warnings:
        print(f"{_plural(len(report.warnings), 'warning')}; see kg validate")
    return EXIT_OK


# -- kg stats ---------------------------------------------------------------------


def _add_stats(subparsers) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="count resources per class, company and source",
        description="Count the asserted data: resources per class, per company (with its events and "
        "activities) and per source document (resources citing it).",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    _add_with(parser)
    parser.set_defaults(run=_run_stats)


def _run_stats(args: argparse.Namespace) -> int:
    project = _project(args)
    graphs = load_project(project)
    counted = stats(graphs.data, ontology=graphs.ontology)
    if args.format == "json":
        document = {
            "triples": counted.triples,
            "data_files": len(project.data_files),
            "classes": {str(cls): n for cls, n in counted.classes},
            "companies": [
                {"company": str(c.company), "label": c.label, "things": c.things, "events": c.events, "activities": c.activities}
                for c in counted.companies
            ],
            "sources": [
                {"source": str(s.source), "file": s.identifier, "label": s.label, "resources": s.resources, "citations": s.citations}
                for s in counted.sources
            ],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{_plural(counted.triples, 'triple')} in {_plural(len(project.data_files), 'data file')} ({display_path(project.data_dir)})")
    print("\nresources per class (asserted rdf:type)")
    for cls, n in counted.classes:
        print(f"  {n:6}  {qname(cls)}")
    print("\nper company                       things  events  activities")
    for c in counted.companies:
        print(f"  {(c.label or qname(c.company)):30.30} {c.things:7} {c.events:7} {c.activities:11}")
    print("\nper source document               resources citing  citations")
    for s in counted.sources:
        print(f"  {(s.identifier or qname(s.source)):30.30} {s.resources:18} {s.citations:10}")
    return EXIT_OK


# -- kg sources check ---------------------------------------------------------------


def _add_sources(subparsers) -> None:
    parser = subparsers.add_parser("sources", help="work with the source documents", description="Work with the source documents.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="verify every citation against the source files",
        description="Verify every citation (prov:qualifiedDerivation with rkg:locator): the file exists, the "
        "lines exist, and a cited line names the thing cited. Exit 0 when all hold, 1 when some fail.",
    )
    check.add_argument("dir", type=Path, metavar="DIR", help="the folder of source documents (e.g. ../shared/sources)")
    _add_with(check)
    check.set_defaults(run=_run_sources_check)


def _run_sources_check(args: argparse.Namespace) -> int:
    graphs = load_project(_project(args))
    report = check_citations(graphs.data, args.dir)
    for citation in report.failures:
        name, _, files = _describe(graphs, citation.node)
        cited = display_path(citation.file) if citation.file else qname(citation.source) if citation.source else "?"
        if citation.locator:
            cited += f" {citation.locator}"
        where = f" ({', '.join(files)})" if files else ""
        print(f"{name}{where}: {cited}: {citation.reason}")
    failed = len(report.failures)
    print(f"{_plural(len(report.citations), 'citation')} checked, {failed} failed")
    return EXIT_OK if report.ok else EXIT_FAILED


# -- kg chart, diff, timeline, docs (pictures) -------------------------------------


def _query_store(args: argparse.Namespace):
    """The graph the named queries run on (ontology and data), in Oxigraph for speed."""
    from kg.query import query_graph

    return query_graph(_project(args), engine="oxigraph")


def _draw(path: Path, dot: str, *, engine: str = "dot", options: Sequence[str] = (), out: TextIO = sys.stdout) -> None:
    """Draw the DOT text ``dot`` into ``path``, in the format its suffix names."""
    from kg.export import write_file

    picture_format = output_format(path)
    if not path.parent.is_dir():
        raise KGError(f"{display_path(path.parent)}: no such folder")
    write_file(path, render(dot, format=picture_format, engine=engine, options=options))
    print(f"wrote {display_path(path)}", file=out)


def _add_chart(subparsers) -> None:
    parser = subparsers.add_parser(
        "chart",
        help="draw a company's org chart as of a date",
        description="Draw the org chart of COMPANY as of a date: its units under their parents, their heads, "
        "and the reporting lines, as the org-chart and reporting-lines queries return them. Laid out by "
        "Graphviz's dot; the format follows the file name (.svg, .png, or .dot for the DOT text).",
    )
    parser.add_argument("company", metavar="COMPANY", help="the company, by name or other name (e.g. Alibaba)")
    parser.add_argument("--as-of", default=date_today(), metavar="DATE", help="YYYY-MM-DD, YYYY-MM or YYYY (default: today)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the picture to write (.svg, .png or .dot)")
    parser.set_defaults(run=_run_chart)


def _run_chart(args: argparse.Namespace) -> int:
    chart = org_chart(_query_store(args), company=args.company, date=check_date(args.as_of, option="--as-of"))
    _draw(args.output, chart_dot(chart))
    print(f"{chart.company_name} on {chart.date}: {_plural(len(chart.units), 'unit')}, "
          f"{_plural(len(chart.lines), 'reporting line')}")
    return EXIT_OK


# -- kg template apply -------------------------------------------------------------


def _add_template(subparsers) -> None:
    parser = subparsers.add_parser(
        "template",
        help="turn rows of a CSV or TSV template into Turtle",
        description="Work with templates: spreadsheets of people, units, roles and events (columns in docs/extending.md).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    apply = actions.add_parser(
        "apply",
        help="turn the rows into Turtle, checked and validated",
        description="Turn each row of FILE (.csv or .tsv) into Turtle as docs/data-conventions.md says, check every "
        "row, and validate the result with the shapes together with the project. Exit 0 and write the Turtle when "
        "every row passes; exit 1 and write nothing when a row fails (each error names its row and column).",
    )
    apply.add_argument("file", type=Path, metavar="FILE", help="the template (.csv or .tsv)")
    apply.add_argument("-o", "--output", type=Path, metavar="OUT.ttl", help="write the Turtle here (default: standard output)")
    apply.add_argument(
        "--base", default=ID_BASE, metavar="IRI",
        help=f"mint things under this base IRI, in IRI + org/, person/, membership/, placement/, event/ "
        f"(default: the project's, {ID_BASE})",
    )
    _add_with(apply)
    apply.set_defaults(run=_run_template)


def _run_template(args: argparse.Namespace) -> int:
    graphs = load_project(_project(args), require_shapes=True)
    result = apply_template(args.file, graphs, base=args.base)
    if not result.ok:
        for error in result.errors:
            print(error, file=sys.stderr)
        rows = len({error.row for error in result.errors})
        where = display_path(args.output) if args.output else "standard output"
        print(f"kg: {_plural(rows, 'row')} of {result.rows} failed; nothing written to {where}", file=sys.stderr)
        return EXIT_FAILED
    if args.output is None:
        print(bind_prefixes(result.graph).serialize(format="turtle"), end="")
    else:
        write_turtle(result.graph, args.output)
        print(f"wrote {display_path(args.output)}: {_plural(len(result.graph), 'triple')} from {_plural(result.rows, 'row')}")
    return EXIT_OK


def _add_diff(subparsers) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="what changed in a company's organization between two dates",
        description="Compare the org charts of COMPANY at two dates (the org-chart and reporting-lines queries "
        "at each): units added, removed and moved, heads gained and lost, reporting lines added and ended, "
        "then the events dated in between (the restructuring-timeline query). Prints a report; with -o also "
        "draws both charts in one picture, changes colored (added green, removed red, moved amber).",
    )
    parser.add_argument("company", metavar="COMPANY", help="the company, by name or other name (e.g. Alibaba)")
    parser.add_argument("--from", dest="start", required=True, metavar="D1", help="the earlier date (YYYY-MM-DD, YYYY-MM or YYYY)")
    parser.add_argument("--to", dest="end", required=True, metavar="D2", help="the later date")
    parser.add_argument("--format", choices=("text", "md"), default="text", help="report format (default: text)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="also draw the changes (.svg, .png or .dot)")
    parser.set_defaults(run=_run_diff)


def _run_diff(args: argparse.Namespace) -> int:
    changes = diff_charts(_query_store(args), company=args.company, start=args.start, end=args.end)
    if args.output:
        # The report is the output; the notice goes to stderr so that it can be redirected.
        _draw(args.output, diff_dot(changes), out=sys.stderr)
    print(diff_report(changes, markdown=args.format == "md"), end="")
    return EXIT_OK


# -- kg changes --------------------------------------------------------------------


def _add_changes(subparsers) -> None:
    parser = subparsers.add_parser(
        "changes",
        help="what changed between two versions of the graph",
        description="A semantic diff of two versions of the graph, each a Turtle file, a folder of Turtle files or a "
        "project folder: entities added and removed by class, roles (memberships) and events added and removed, "
        "changed dates (event dates, beginnings and ends of intervals) and changed labels.",
    )
    parser.add_argument("old", type=Path, metavar="OLD", help="the earlier version")
    parser.add_argument("new", type=Path, metavar="NEW", help="the later version")
    parser.add_argument("--format", choices=("text", "md"), default="text", help="output format (default: text)")
    parser.set_defaults(run=_run_changes)


def _run_changes(args: argparse.Namespace) -> int:
    old, new = load_version(args.old), load_version(args.new)
    ontology = load_graph(_project(args).ontology_files)
    print(format_changes(compare(old, new, ontology=ontology), markdown=args.format == "md"), end="")
    return EXIT_OK


# -- kg export, load, serve (triple stores) -----------------------------------------


def _add_build_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--build", type=Path, dest="build_dir", metavar="DIR",
        help="the build to read (default: the folder `kg build` writes to)",
    )


def _built_graphs(args: argparse.Namespace) -> dict[str, list]:
    """The graphs of the last build, refused if the ontology, shapes or data changed since."""
    from kg.export import build_graphs, outdated_build

    project = _project(args)
    build_dir = args.build_dir if args.build_dir is not None else project.default_build_dir
    problem = outdated_build([*project.ontology_files, *project.shapes_files, *project.data_files], build_dir)
    if problem:
        raise BuildError(problem)
    return build_graphs(build_dir)


def _counts(graphs: dict[str, list]) -> str:
    return ", ".join(f"{len(triples)} {name}" for name, triples in graphs.items())


def _add_export(subparsers) -> None:
    from kg.export import EXPORT_FORMATS

    parser = subparsers.add_parser(
        "export",
        help="write the built graph in one RDF format",
        description="Write the ontology and asserted triples of the last build (and, with --with-inferred, "
        "the inferred ones) as Turtle, N-Triples, N-Quads, TriG or JSON-LD. Triples are sorted, so the same "
        "graph always gives the same file; the data's blank nodes are skolem IRIs. N-Quads and TriG keep the "
        "ontology, asserted and inferred graphs apart as named graphs; the other formats hold their union. "
        "Refused when the ontology, shapes or data changed since `kg build`.",
    )
    parser.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="ttl", help="the RDF format (default: ttl)")
    parser.add_argument("--with-inferred", action="store_true", help="include the OWL 2 RL inferences")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE",
        help="write to FILE, replacing it only once complete (default: standard output)",
    )
    _add_build_dir(parser)
    _add_with(parser)
    parser.set_defaults(run=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from kg.export import serialize, write_file

    graphs = _built_graphs(args)
    if not args.with_inferred:
        del graphs["inferred"]
    data = serialize(graphs, args.format)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    write_file(args.output, data)
    print(f"wrote {display_path(args.output)}: {_counts(graphs)} triples")
    return EXIT_OK


def _iri(text: str) -> str:
    from rdflib import URIRef

    from kg.results import sparql_term

    try:
        if ":" not in text:
            raise ValueError
        sparql_term(URIRef(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an absolute IRI") from None
    return text


def _add_load(subparsers) -> None:
    parser = subparsers.add_parser(
        "load",
        help="load the built graph into a SPARQL 1.1 store",
        description="Replace one graph of a SPARQL 1.1 store with the last build (ontology, asserted and "
        "inferred triples), through the Graph Store HTTP Protocol: uploaded to a staging graph and counted, "
        "swapped in with one update, counted again. On any failure the store keeps its previous graph. "
        "Credentials come from the environment: KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or KG_ENDPOINT_TOKEN.",
    )
    parser.add_argument(
        "--endpoint", required=True, metavar="URL",
        help="the SPARQL query endpoint (an Oxigraph server's root or /query URL stands for all three endpoints)",
    )
    parser.add_argument("--update", metavar="URL", help="the SPARQL Update endpoint (default: --endpoint)")
    parser.add_argument("--store", metavar="URL", help="the Graph Store Protocol endpoint (default: --endpoint)")
    parser.add_argument("--graph", type=_iri, metavar="IRI", help="the named graph to replace (default: the default graph)")
    _add_build_dir(parser)
    parser.set_defaults(run=_run_load)


def _run_load(args: argparse.Namespace) -> int:
    from kg.store import SparqlEndpoint, replace_graph

    graphs = _built_graphs(args)
    endpoint = SparqlEndpoint(args.endpoint, update_url=args.update, store_url=args.store)
    count = replace_graph(endpoint, [t for triples in graphs.values() for t in triples], graph=args.graph)
    where = f"graph <{args.graph}>" if args.graph else "the default graph"
    print(f"loaded {_plural(count, 'triple')} ({_counts(graphs)}) into {where} of {endpoint.url}; counted after loading")
    return EXIT_OK


def _add_serve(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the built graph from a local Oxigraph server",
        description="Start an Oxigraph SPARQL server on 127.0.0.1 (in memory; the `oxigraph` package), load "
        "the last build into its default graph (ontology, asserted and inferred triples) and serve it until "
        "Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=7878, help="the port on 127.0.0.1 (default: 7878)")
    _add_build_dir(parser)
    parser.set_defaults(run=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    import signal

    from kg.errors import StoreError
    from kg.serve import OxigraphServer
    from kg.store import Credentials, SparqlEndpoint, replace_graph

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    graphs = _built_graphs(args)
    # `kill` stops the server as Ctrl-C does; and Ctrl-C (SIGINT) does even when a shell
    # started us in the background, which would have us ignore it.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    with OxigraphServer(port=args.port) as server:
        endpoint = SparqlEndpoint(server.url, credentials=Credentials())
        count = replace_graph(endpoint, [t for triples in graphs.values() for t in triples])
        print(f"serving {_plural(count, 'triple')} ({_counts(graphs)}) at {server.url}")
        print(f"  SPARQL query endpoint: {endpoint.url}")
        print(f"  named queries:         kg query NAME --endpoint {server.url}")
        print("press Ctrl-C to stop", flush=True)
        try:
            code = server.wait()
        except KeyboardInterrupt:
            code = -signal.SIGINT
        if code < 0 or code == 130:  # Ctrl-C reaches the server too; it may stop before we notice
            print("kg: server stopped", file=sys.stderr)
            return EXIT_OK
    raise StoreError(f"the Oxigraph server stopped by itself (exit code {code})")


def _add_timeline(subparsers) -> None:
    parser = subparsers.add_parser(
        "timeline",
        help="draw restructuring events across companies on one time axis",
        description="Draw the events the restructuring-timeline query returns between two dates: one lane per "
        "company, one row per event, colored by event type, at the precision the sources give (a dot for a "
        "day, a bar over a month or year; hollow with a dashed lead-in when only 'not after' is known). "
        "The format follows the file name (.svg, .png, or .dot).",
    )
    parser.add_argument("--companies", nargs="+", default=[], metavar="COMPANY", help="only these companies (default all)")
    parser.add_argument("--from", dest="start", metavar="D1", help="first date (default: the query's, 2025-01-01)")
    parser.add_argument("--to", dest="end", metavar="D2", help="last date (default: the query's, 2026-12-31)")
    parser.add_argument("--type", metavar="TYPE", help="only events of this type, e.g. PersonnelChange (default all)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the picture to write (.svg, .png or .dot)")
    parser.set_defaults(run=_run_timeline)


def _run_timeline(args: argparse.Namespace) -> int:
    timeline = event_timeline(_query_store(args), companies=args.companies, start=args.start, end=args.end, type=args.type)
    _draw(args.output, timeline_dot(timeline), engine="neato", options=("-n2",))
    companies = len(timeline.companies)
    print(f"{_plural(len(timeline.events), 'event')} of {companies} compan{'y' if companies == 1 else 'ies'} "
          f"from {timeline.start} to {timeline.end}")
    return EXIT_OK


# -- kg queries, kg query (the named SPARQL queries) --------------------------------


def _add_queries(subparsers) -> None:
    parser = subparsers.add_parser(
        "queries",
        help="list the named SPARQL queries",
        description="List the named queries (queries/*.rq and those of --with extensions): name, summary, "
        "and each parameter with its type and default. Run one with kg query NAME.",
    )
    _add_with(parser)
    parser.set_defaults(run=_run_queries)


def _run_queries(args: argparse.Namespace) -> int:
    from kg.query import load_catalogue

    for query in load_catalogue(*_project(args).query_dirs).values():
        needs = " (needs inferred triples)" if "inferred" in query.needs else ""
        print(f"{query.name}{needs}\n  {query.summary}")
        for param in query.params:
            default = f", default {param.default}" if param.default else ", optional"
            about = f"  {param.description}" if param.description else ""
            print(f"  --param {param.name}=<{param.type}{default}>{about}")
    return EXIT_OK


def _add_query(subparsers) -> None:
    from kg.query import ENGINES
    from kg.results import RESULT_FORMATS

    parser = subparsers.add_parser(
        "query",
        help="run a named SPARQL query (or --file FILE)",
        description="Run the named query NAME (see kg queries), or the SPARQL SELECT or ASK query in FILE, "
        "on the ontology and the data (with the OWL 2 RL inferences when the query says it needs them). "
        "json, csv and tsv are the W3C SPARQL 1.1 result formats; table and md are for reading.",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the query's name")
    parser.add_argument("--file", type=Path, metavar="FILE", help="run the query in this .rq file instead")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE",
        help="a parameter value, e.g. --param company=Alibaba --param date=2026-03-20; repeatable",
    )
    parser.add_argument("--format", choices=tuple(RESULT_FORMATS), default="table", help="output format (default: table)")
    parser.add_argument("--engine", choices=ENGINES, default="oxigraph", help="the SPARQL engine (default: oxigraph)")
    parser.add_argument(
        "--endpoint", metavar="URL",
        help="run on this SPARQL 1.1 query endpoint instead (a store filled by kg load or kg serve); credentials "
        "from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or KG_ENDPOINT_TOKEN",
    )
    _add_with(parser)
    parser.set_defaults(run=_run_query)


def _query_params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise KGError(f"--param {pair!r}: write NAME=VALUE, e.g. --param date=2026-03-20")
        if name.strip() in params:
            raise KGError(f"--param {name.strip()!r} is given twice")
        params[name.strip()] = value
    return params


def _query_target(args: argparse.Namespace, query):
    """What ``kg query`` runs ``query`` on: the project's graph in the chosen engine, or --endpoint."""
    from kg.query import query_graph

    if args.endpoint:
        from kg.store import SparqlEndpoint

        return SparqlEndpoint(args.endpoint)

    return query_graph(_project(args), inferred="inferred" in query.needs, engine=args.engine)


def _run_query(args: argparse.Namespace) -> int:
    from kg.query import Query, find_query, load_catalogue, run_query

    if (args.name is None) == (args.file is None):
        raise KGError("give a query NAME or --file FILE (one of them); kg queries lists the names")
    params = _query_params(args.param)
    if args.file is not None:
        query = Query.from_file(args.file)
    else:
        query = find_query(args.name, load_catalogue(*_project(args).query_dirs))
    result = run_query(query, _query_target(args, query), params=params)
    sys.stdout.write(result.serialize(args.format))
    return EXIT_OK


def _add_docs(subparsers) -> None:
    parser = subparsers.add_parser(
        "docs",
        help="write HTML documentation of the ontology, shapes and queries",
        description="Write DIR/index.html: the ontology's classes, properties and individuals (labels, comments, "
        "super-classes and super-properties, domains and ranges), each SHACL shape with its targets and "
        "messages, and the named queries with their summaries and parameters.",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="the folder to write index.html into")
    parser.set_defaults(run=_run_docs)


def _run_docs(args: argparse.Namespace) -> int:
    from kg.query import load_catalogue

    project = _project(args)
    graphs = load_project(project)
    written = write_docs(args.output, ontology=graphs.ontology, shapes=graphs.shapes, catalogue=load_catalogue(*project.query_dirs))
    for path in written:
        print(f"wrote {display_path(path)}")
    return EXIT_OK


# -- kg synth (synthetic graphs for benchmarks and tests) ---------------------------


def _add_synth(subparsers) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="write a synthetic graph shaped like the real one",
        description="Write a deterministic synthetic graph (N-Triples) of made-up companies that conforms to "
        "the shapes, about 2,300 triples per company (the benchmark sizes: 4, 43, 435 and 2175 companies for "
        "about 10k, 100k, 1M and 5M triples). --violations K adds K defects of each kind.",
    )
    parser.add_argument("--companies", type=int, required=True, metavar="N", help="how many companies")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="the seed (default: 0)")
    parser.add_argument("--violations", type=int, default=0, metavar="K", help="defects of each kind to inject (default: 0)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the N-Triples file to write")
    parser.set_defaults(run=_run_synth)


def _run_synth(args: argparse.Namespace) -> int:
    from kg.synth import write_synthetic

    try:
        result = write_synthetic(args.output, companies=args.companies, seed=args.seed, violations=args.violations)
    except ValueError as error:
        raise KGError(str(error)) from None
    except OSError as error:
        raise KGError(f"{display_path(args.output)}: cannot write ({error.strerror or error})") from None
    companies = "1 company" if result.companies == 1 else f"{result.companies} companies"
    print(f"wrote {display_path(result.path)}: {result.triples:,} triples, {companies}")
    if result.injections:
        kinds = len({i.kind for i in result.injections})
        results = sum(len(i.expected) for i in result.injections)
        print(f"injected {_plural(len(result.injections), 'defect')} ({kinds} kinds x {args.violations}), "
              f"expected to give {_plural(results, 'validation result')}")
    return EXIT_OK


# -- the parser -------------------------------------------------------------------

_COMMANDS: tuple[Callable, ...] = (_add_validate, _add_build, _add_stats, _add_sources, _add_chart, _add_diff, _add_timeline, _add_docs, _add_template, _add_changes,
                                   _add_export, _add_load, _add_serve, _add_queries, _add_query, _add_synth)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build, check and count the restructuring knowledge graph.",
        epilog="Exit codes: 0 success, 1 violations or failed citations, 2 error.",
    )
    parser.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="the project folder (default: the checkout around the current folder, else the installed copy)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in _COMMANDS:
        add(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``kg`` with ``argv`` (the process's arguments by default); return the exit code."""
    # rdflib and pySHACL log recoverable oddities (with tracebacks); kg reports what matters itself.
    for name in ("rdflib", "pyshacl", "owlrl"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except KGError as error:
        print(f"kg: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
