"""The ``kg`` command: the only part of the package that prints or exits.

Exit codes: 0 success, 1 violations or failed citations, 2 an error (bad input, a
syntax error, a missing file, a bad option).

Each subcommand is a pair of functions, ``_add_NAME(subparsers)`` that declares its
options and ``_run_NAME(args)`` that runs it and returns the exit code; list the first
in :data:`_COMMANDS` to add a subcommand.

The stages are imported where a command runs them, and only the command named on the
command line gets its options (see :class:`_Commands`): ``kg --help`` loads neither rdflib
nor pySHACL.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import logging
import signal
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence, TextIO, TypeVar

from kg import __version__
from kg.errors import BuildError, KGError, display_path
from kg.errors import plural as _plural
from kg.project import find_project

if TYPE_CHECKING:
    from kg.project import Project
    from kg.validate import ValidationReport

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


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


T = TypeVar("T")


def _interruptible(work: Callable[[], T], *, timeout: Optional[float], what: str) -> T:
    """Run ``work`` in a worker thread while this one waits: Ctrl-C, SIGTERM and ``timeout`` act at once.

    Oxigraph evaluates a query in native code that holds no Python lock but checks no
    signal either: run in this thread, a runaway query ignores Ctrl-C until it ends.
    Waiting here instead, the signal is handled within a tenth of a second and the
    process exits; the abandoned worker cannot be stopped, and ends with the process.

    :raises KGError: ``timeout`` seconds passed first.
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the waiting thread, raised there
            outcome["error"] = error
        # Oxigraph's query results may only be dropped by the thread that made them: collect
        # the reference cycles left by the work here, not later in the waiting thread (where
        # pyoxigraph prints "RuntimeError: ... is unsendable" at exit).
        gc.collect()

    worker = threading.Thread(target=run, name="kg-work", daemon=True)
    worker.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    while worker.is_alive():
        wait = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
        if wait <= 0:
            raise KGError(f"{what} did not finish within {timeout:g} s (--timeout); stopped")
        worker.join(wait)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


# -- kg validate ------------------------------------------------------------------


def _add_validate(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check the data against the SHACL shapes",
        description="Check the data (with the ontology) against ontology/shapes.ttl. "
        "Exit 0 when it conforms, 1 when it has violations (warnings do not fail it), 2 on error.",
    )
    from kg.validate import SEVERITIES
    parser.add_argument("--format", choices=("text", "json", "turtle"), default="text", help="output format (default: text)")
    parser.add_argument(
        "--severity", choices=SEVERITIES, default="warning",
        help="text: show results of this severity and above in full (default: warning; the summary counts all)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="text: show every result in full (--severity info)")
    parser.add_argument(
        "--timeout", type=_seconds, metavar="SECONDS",
        help="stop the validation after this many seconds, with exit code 2 (default: no limit)",
    )
    _add_engine(parser)
    _add_with(parser)
    parser.set_defaults(run=_run_validate)


def _add_engine(parser: argparse.ArgumentParser) -> None:
    """``--engine fast|reference`` (kg.engines), the same in every command; ``oxigraph`` and
    ``rdflib`` are accepted for them (what ``kg query`` took before)."""
    from kg.engines import ALIASES, ENGINES

    parser.add_argument(
        "--engine",
        choices=ENGINES + tuple(ALIASES),
        default="fast",
        help="fast: the files loaded into Oxigraph, shapes run as queries there, OWL 2 RL rules in Python "
        "over its triples, Oxigraph's SPARQL (default); reference: rdflib, pySHACL, owlrl and rdflib's "
        "SPARQL, the same answers, slower (oxigraph and rdflib are other names for them)",
    )


def _run_validate(args: argparse.Namespace) -> int:
    from kg.engines import engine_named
    from kg.validate import report_json, text_lines

    engine = engine_named(args.engine)
    project = _project(args)
    say = _progress() or (lambda line: None)

    def load_and_validate():
        start = time.perf_counter()
        say(f"loading {len(project.data_files)} data files ...")
        dataset = engine.open(project, require_shapes=True)
        say(f"loaded {len(dataset.data):,} data triples ({time.perf_counter() - start:.1f} s); validating ...")
        start = time.perf_counter()
        report = engine.validate(dataset)
        say(f"validated: {len(report.violations):,} violations, {len(report.warnings):,} warnings "
            f"({time.perf_counter() - start:.1f} s)")
        return dataset, report

    graphs, report = _interruptible(load_and_validate, timeout=args.timeout, what="the validation")
    _print_notes(report)
    if args.format == "json":
        print(json.dumps(report_json(report, graphs), indent=2, ensure_ascii=False))
    elif args.format == "turtle":
        from kg.export import turtle  # literals as written (issue 18, item 7)

        print(turtle(report.graph), end="")
    else:
        _print_lines(text_lines(report, graphs, least="info" if args.verbose else args.severity))
    return EXIT_OK if report.conforms else EXIT_FAILED


def _print_lines(lines: Sequence[str], out: Optional[TextIO] = None) -> None:
    for line in lines:
        print(line, file=out or sys.stdout)


def _print_notes(report: ValidationReport) -> None:
    """What the engine did not run itself (a shape validated by pySHACL instead), on stderr."""
    for note in report.notes:
        print(f"kg: warning: {note}", file=sys.stderr)


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
    from kg.build import build
    from kg.validate import result_lines

    project = _project(args)
    out_dir = args.out if args.out is not None else project.default_build_dir
    try:
        result = build(project, out_dir, force=args.force, engine=args.engine, progress=_progress())
    except BuildError as error:
        if error.report is None:
            raise
        _print_lines(result_lines(error.report, error.dataset, least="warning"), sys.stderr)
        print(f"kg: {error}", file=sys.stderr)
        return EXIT_FAILED
    counts = result.counts
    print(
        f"wrote {display_path(result.out_dir)}: {_plural(counts['asserted'], 'asserted triple')}, "
        f"{_plural(counts['inferred'], 'inferred triple')}, {_plural(counts['ontology'], 'ontology triple')}"
    )
    print("took " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds.items()))
    for warning in result.warnings:
        print(f"kg: warning: reasoning: {warning}", file=sys.stderr)
    report = result.report
    _print_notes(report)
    if not report.conforms:
        print(f"written despite {_plural(len(report.violations), 'violation')} (--force); see kg validate")
    elif report.warnings:
        print(f"{_plural(len(report.warnings), 'warning')}; see kg validate")
    return EXIT_OK


def _progress() -> Optional[Callable[[str], None]]:
    """Where long work reports its stages: standard error when it is a terminal, else nowhere."""
    if not sys.stderr.isatty():
        return None
    return lambda line: print(f"kg: {line}", file=sys.stderr, flush=True)


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
    from kg.load import load_project
    from kg.stats import stats

    project = _project(args)
    graphs = load_project(project)
    counted = stats(graphs.data, ontology=graphs.ontology)
    if args.format == "json":
        print(json.dumps(counted.to_json(data_files=len(project.data_files)), indent=2, ensure_ascii=False))
    else:
        _print_lines(counted.text_lines(data_files=len(project.data_files), where=display_path(project.data_dir)))
    return EXIT_OK


# -- kg sources check ---------------------------------------------------------------


def _add_sources(subparsers) -> None:
    parser = subparsers.add_parser("sources", help="work with the source documents", description="Work with the source documents.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="verify every citation against the source files",
        description="Verify every citation (prov:qualifiedDerivation with rkg:locator): the file exists, the "
        "lines exist, and a cited line names the thing cited; and that every date and figure not marked "
        "rkg:inferred is stated on a line its resource cites. Exit 0 when all hold, 1 when some fail.",
    )
    check.add_argument("dir", type=Path, metavar="DIR", help="the folder of source documents (e.g. ../shared/sources)")
    _add_with(check)
    check.set_defaults(run=_run_sources_check)


def _run_sources_check(args: argparse.Namespace) -> int:
    from kg.load import load_project
    from kg.sources import check_citations, check_grounding

    graphs = load_project(_project(args))
    report = check_citations(graphs.data, args.dir)
    _print_lines(report.text_lines(graphs))
    grounding = check_grounding(graphs.data, args.dir)
    _print_lines(grounding.text_lines(graphs))
    return EXIT_OK if report.ok and grounding.ok else EXIT_FAILED


# -- kg chart, diff, timeline, docs (pictures) -------------------------------------


def _query_store(args: argparse.Namespace):
    """The graph the named queries run on (ontology, data and derived days), in the engine --engine names."""
    from kg.engines import engine_named

    engine = engine_named(getattr(args, "engine", "fast"))
    return engine.query_target(engine.open(_project(args)))


def _draw(path: Path, dot: str, *, engine: str = "dot", options: Sequence[str] = (), out: TextIO = sys.stdout) -> None:
    """Draw the DOT text ``dot`` into ``path``, in the format its suffix names."""
    from kg.chart import output_format, render
    from kg.files import write_file

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
    from kg.chart import date_today
    parser.add_argument("company", metavar="COMPANY", help="the company, by name or other name (e.g. Alibaba)")
    parser.add_argument("--as-of", default=date_today(), metavar="DATE", help="YYYY-MM-DD, YYYY-MM or YYYY (default: today)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the picture to write (.svg, .png or .dot)")
    _add_with(parser)
    _add_engine(parser)
    parser.set_defaults(run=_run_chart)


def _run_chart(args: argparse.Namespace) -> int:
    from kg.chart import chart_dot, check_date, org_chart

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
    from kg.template import ID_BASE
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
    from kg.load import load_project
    from kg.template import apply_template, write_turtle
    from kg.vocab import bind_prefixes

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
    _add_with(parser)
    _add_engine(parser)
    parser.set_defaults(run=_run_diff)


def _run_diff(args: argparse.Namespace) -> int:
    from kg.diff import diff_charts, diff_dot, diff_report

    changes = diff_charts(_query_store(args), company=args.company, start=args.start, end=args.end)
    # The report first, so that a picture that cannot be drawn (no Graphviz) does not cost it.
    print(diff_report(changes, markdown=args.format == "md"), end="", flush=True)
    if args.output:
        # The report is the output; the notice goes to stderr so that it can be redirected.
        _draw(args.output, diff_dot(changes), out=sys.stderr)
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
    _add_with(parser)
    parser.set_defaults(run=_run_changes)


def _run_changes(args: argparse.Namespace) -> int:
    from kg.changes import compare, format_changes, load_version
    from kg.load import load_graph

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
    from kg.build import build_inputs
    from kg.export import build_graphs, outdated_build

    project = _project(args)
    build_dir = args.build_dir if args.build_dir is not None else project.default_build_dir
    problem = outdated_build(build_inputs(project), build_dir)
    if problem:
        raise BuildError(problem)
    return build_graphs(build_dir)


def _counts(graphs: dict[str, list]) -> str:
    return ", ".join(f"{len(triples)} {name}" for name, triples in graphs.items())


def _add_export(subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the built graph in one RDF format",
        description="Write the ontology and asserted triples of the last build (and, with --with-inferred, "
        "the inferred ones) as Turtle, N-Triples, N-Quads, TriG or JSON-LD. Triples are sorted, so the same "
        "graph always gives the same file; the data's blank nodes are skolem IRIs. N-Quads and TriG keep the "
        "ontology, asserted and inferred graphs apart as named graphs; the other formats hold their union. "
        "Refused when the ontology, shapes or data changed since `kg build`.",
    )
    from kg.export import EXPORT_FORMATS
    parser.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="ttl", help="the RDF format (default: ttl)")
    parser.add_argument("--with-inferred", action="store_true", help="include the OWL 2 RL inferences")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE",
        help="write to FILE, replacing it only once complete; a link is followed, a pipe or device written "
        "through (default: standard output)",
    )
    _add_build_dir(parser)
    _add_with(parser)
    parser.set_defaults(run=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from kg.export import serialize
    from kg.files import write_file

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
    _add_timeout(parser)
    _add_build_dir(parser)
    _add_with(parser)
    parser.set_defaults(run=_run_load)


def _add_timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout", type=_seconds, default=300.0, metavar="SECONDS",
        help="seconds to wait for each answer of an endpoint, or for a local engine's whole answer "
        "(default: 300); past it, exit code 2",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _run_load(args: argparse.Namespace) -> int:
    from kg.store import SparqlEndpoint, replace_graph

    graphs = _built_graphs(args)
    endpoint = SparqlEndpoint(args.endpoint, update_url=args.update, store_url=args.store, timeout=args.timeout)
    loaded = replace_graph(endpoint, [t for triples in graphs.values() for t in triples], graph=args.graph)
    where = f"graph <{args.graph}>" if args.graph else "the default graph"
    if loaded.leftovers:
        print(f"removed {_plural(len(loaded.leftovers), 'graph')} left by an interrupted load: "
              + ", ".join(f"<{g}>" for g in loaded.leftovers))
    print(f"loaded {_plural(loaded.triples, 'triple')} ({_counts(graphs)}) into {where} of {endpoint.url}; "
          "counted after loading")
    return EXIT_OK


def _add_serve(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the built graph from a local Oxigraph server",
        description="Start an Oxigraph SPARQL server on 127.0.0.1 (the `oxigraph` package) holding the last "
        "build in its default graph (ontology, asserted and inferred triples), read-only unless --writable, "
        "and serve it until Ctrl-C. The server stops with kg serve, however that stops.",
    )
    parser.add_argument(
        "--port", type=_port, default=7878, metavar="PORT",
        help="the port on 127.0.0.1 (default: 7878; 0: a free one, printed)",
    )
    parser.add_argument(
        "--writable", action="store_true",
        help="accept SPARQL updates and Graph Store writes (anyone who reaches the port can change or drop the data)",
    )
    _add_build_dir(parser)
    _add_with(parser)
    parser.set_defaults(run=_run_serve)


def _port(text: str) -> int:
    from kg.errors import StoreError
    from kg.serve import check_port

    try:
        return check_port(int(text))
    except (ValueError, StoreError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0 to 65535; 0 picks a free one)") from None


def _run_serve(args: argparse.Namespace) -> int:
    from kg.serve import OxigraphServer, serve_until_stopped

    graphs = _built_graphs(args)

    def ready(server: OxigraphServer, count: int) -> None:
        mode = "read-write: anyone who reaches the port can change the data" if args.writable else "read-only"
        print(f"serving {_plural(count, 'triple')} ({_counts(graphs)}) at {server.url} ({mode})")
        print(f"  SPARQL query endpoint: {server.url}/query")
        print(f"  named queries:         kg query NAME --endpoint {server.url}")
        print("press Ctrl-C to stop", flush=True)

    serve_until_stopped([t for triples in graphs.values() for t in triples], port=args.port, writable=args.writable,
                        ready=ready)
    print("kg: server stopped", file=sys.stderr)
    return EXIT_OK


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
    _add_with(parser)
    _add_engine(parser)
    parser.set_defaults(run=_run_timeline)


def _run_timeline(args: argparse.Namespace) -> int:
    from kg.timeline import event_timeline, timeline_dot

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
            kind = "|".join(param.values) if param.values else param.type
            print(f"  --param {param.name}=<{kind}{default}>{about}")
    return EXIT_OK


def _add_query(subparsers) -> None:
    parser = subparsers.add_parser(
        "query",
        help="run a named SPARQL query (or --file FILE)",
        description="Run the named query NAME (see kg queries), or the SPARQL SELECT or ASK query in FILE, "
        "on the ontology and the data (with the OWL 2 RL inferences when the query says it needs them). "
        "json, csv and tsv are the W3C SPARQL 1.1 result formats; table and md are for reading.",
    )
    from kg.results import RESULT_FORMATS
    parser.add_argument("name", nargs="?", metavar="NAME", help="the query's name")
    parser.add_argument("--file", type=Path, metavar="FILE", help="run the query in this .rq file instead")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE",
        help="a parameter value, e.g. --param company=Alibaba --param date=2026-03-20; repeatable",
    )
    parser.add_argument("--format", choices=tuple(RESULT_FORMATS), default="table", help="output format (default: table)")
    _add_engine(parser)
    parser.add_argument(
        "--endpoint", metavar="URL",
        help="run on this SPARQL 1.1 query endpoint instead (a store filled by kg load or kg serve); credentials "
        "from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or KG_ENDPOINT_TOKEN",
    )
    _add_timeout(parser)
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
    """What ``kg query`` runs ``query`` on: the project's graph in the chosen engine (with that
    engine's inferences when the query ``needs: inferred``), or --endpoint."""
    if args.endpoint:
        from kg.store import SparqlEndpoint

        return SparqlEndpoint(args.endpoint, timeout=args.timeout)
    from kg.engines import engine_named

    engine = engine_named(args.engine)
    return engine.query_target(engine.open(_project(args)), inferred="inferred" in query.needs)


def _run_query(args: argparse.Namespace) -> int:
    from kg.query import Query, find_query, load_catalogue, run_query

    if (args.name is None) == (args.file is None):
        raise KGError("give a query NAME or --file FILE (one of them); kg queries lists the names")
    params = _query_params(args.param)
    if args.file is not None:
        query = Query.from_file(args.file)
    else:
        query = find_query(args.name, load_catalogue(*_project(args).query_dirs))
    target = _query_target(args, query)
    # An endpoint applies --timeout to each of its answers; a local engine to the whole query.
    limit = None if args.endpoint else args.timeout
    result = _interruptible(lambda: run_query(query, target, params=params), timeout=limit, what="the query")
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
    _add_with(parser)
    parser.set_defaults(run=_run_docs)


def _run_docs(args: argparse.Namespace) -> int:
    from kg.docs import write_docs
    from kg.load import load_project
    from kg.query import load_catalogue

    project = _project(args)
    graphs = load_project(project)
    written = write_docs(args.output, ontology=graphs.ontology, shapes=graphs.shapes, catalogue=load_catalogue(*project.query_dirs))
    for path in written:
        print(f"wrote {display_path(path)}")
    return EXIT_OK


# -- the parser -------------------------------------------------------------------

_COMMANDS: tuple[Callable, ...] = (_add_validate, _add_build, _add_stats, _add_sources, _add_chart, _add_diff, _add_timeline, _add_docs, _add_template, _add_changes,
                                   _add_export, _add_load, _add_serve, _add_queries, _add_query)


class _Skip(Exception):
    """Leaves an ``_add_NAME`` function once its command is registered (see :class:`_Commands`)."""


class _Commands:
    """The subcommands as the ``_add_NAME`` functions see them: only ``wanted`` gets its options.

    For any other command, ``add_parser`` registers the name and help (what ``kg --help``
    and an unknown command's error list) and raises :class:`_Skip`: the rest of its
    ``_add_NAME``, whose choices and defaults import the stages (rdflib, pySHACL), never runs.
    """

    def __init__(self, subparsers, wanted: Optional[str]):
        self._subparsers = subparsers
        self._wanted = wanted

    def add_parser(self, name: str, **options) -> argparse.ArgumentParser:
        if name != self._wanted:
            # Unused but for its name, it takes no options, and -h goes to the command's real parser.
            self._subparsers.add_parser(name, **{**options, "add_help": False})
            raise _Skip
        return self._subparsers.add_parser(name, **options)


def _parser(argv: Optional[Sequence[str]] = None) -> argparse.ArgumentParser:
    """The parser of ``kg``: every command listed, with the options of the one ``argv`` names."""
    wanted = _commands_parser(None).parse_known_args(argv)[0].command
    return _commands_parser(wanted)


def _commands_parser(wanted: Optional[str]) -> argparse.ArgumentParser:
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
        with contextlib.suppress(_Skip):
            add(_Commands(subparsers, wanted))
    return parser


def _show_warning(default, shown: set, message, category, *args, **kwargs) -> None:
    from kg.load import LoadWarning

    if not issubclass(category, LoadWarning):
        default(message, category, *args, **kwargs)
    elif str(message) not in shown:  # a command may load the project twice (build, then its report)
        shown.add(str(message))
        print(f"kg: warning: {message}", file=sys.stderr)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``kg`` with ``argv`` (the process's arguments by default); return the exit code."""
    # rdflib and pySHACL log recoverable oddities (with tracebacks); kg reports what matters itself.
    for name in ("rdflib", "pyshacl", "owlrl"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    args = _parser(argv).parse_args(argv)
    from kg.load import LoadWarning

    try:
        with warnings.catch_warnings():  # what the loader noticed (kg.load.LoadWarning), on stderr
            warnings.simplefilter("always", LoadWarning)
            warnings.showwarning = functools.partial(_show_warning, warnings.showwarning, set())
            return _run(args)
    except KGError as error:
        print(f"kg: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as interruption:  # its message, if any, says what became of the data
        print("kg: interrupted" + "".join(f": {message}" for message in interruption.args[:1]), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    """Run the command, with SIGTERM and SIGHUP unwinding it as Ctrl-C would (see :func:`_sigterm_raises`)."""
    try:
        with _sigterm_raises():
            return args.run(args)
    except _Terminated as stop:
        with contextlib.suppress(OSError):  # a hung-up terminal takes no more output
            print(f"kg: {'terminated' if stop.signum == signal.SIGTERM else 'hung up'}", file=sys.stderr)
        return 128 + stop.signum


class _Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is: every clean-up that Ctrl-C runs (``finally``
    blocks, ``except KeyboardInterrupt``) runs for it too; only the message and exit code differ."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: The signals that end ``kg`` by default with nothing cleaned up: a ``kill``, a closed terminal.
_ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`_Terminated` while running (those still at their default).

    The default would end the process at once, leaving a build's temporary folder behind;
    raised, they unwind like Ctrl-C does. The previous handlers are restored afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise _Terminated(signum)

    taken = [signum for signum in _ENDING if signal.getsignal(signum) == signal.SIG_DFL]
    for signum in taken:
        signal.signal(signum, terminate)
    try:
        yield
    finally:
        for signum in taken:
            signal.signal(signum, signal.SIG_DFL)


if __name__ == "__main__":
    sys.exit(main())
