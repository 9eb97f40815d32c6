"""The scale benchmark: the baseline stack against the project's fast path, stage by stage.

For each size, a synthetic graph (:mod:`benchmarks.synth`) is loaded, validated against the
project's shapes, reasoned over with the ontology, and queried with every named query of
the catalogue (read when the benchmark runs), by two stacks:

- ``baseline``: what a user of the libraries would write: ``rdflib.Graph().parse`` of the
  ontology and the data, ``pyshacl.validate`` of that graph (SHACL-SPARQL on, no
  inference), ``owlrl.DeductiveClosure(OWLRL_Semantics).expand`` of it, then
  :func:`kg.query.run_query` on the rdflib graph;
- ``fast``: :mod:`kg.fast`: a pyoxigraph store (bulk load), :func:`kg.fast.validate.validate`,
  :func:`kg.fast.reason.reason` (into the default graph), :func:`kg.query.run_query` on the store.

Then, what a user runs: ``kg validate`` and ``kg build`` (which writes every output
file) as commands, in a project folder holding the synthetic graph as its data (the
project's ontology, shapes and queries beside it): ``fast`` is the default engine,
``baseline`` is ``--engine reference`` (pySHACL and owlrl). Their rows are ``cli:validate``
and ``cli:build``: wall clock of the whole process, start-up and loading included, and the
peak resident memory of the process. They run at 100k and 1m triples by default (``--cli-sizes``;
5m when asked), and a second table puts each beside the in-process stages it is made of
(``kg build``: load + validate + reason) with the ratio of the two. A command the
reference engine could not finish at one size is not tried at the larger ones.

With ``--stacks ...,jena``, the named queries also run on Apache Jena ARQ (Debian's
``libapache-jena-java``), in one JVM over the same graph and the same bound texts as the
fast stack's queries (:func:`_run_jena`); the results get a table of their own, beside
Oxigraph's engine time and rows. Without Java or Jena, ``--stacks jena`` is refused.

Every stage runs in a worker process under a time cap; a stage that passes it is killed
and reported as ``> cap``; the worker is restarted for the remaining stages, whose inputs
it then prepares untimed (a baseline query stage whose reasoning was capped gets the
inferred triples from :mod:`kg.fast.reason`, which the parity tests show to be owlrl's;
a restarted fast worker loads the reasoned graph the first one saved, as N-Triples beside
the data, instead of reasoning again). The cap counts from the moment the worker starts
the stage, not while it prepares.
A stage the baseline could not finish at one size is not tried at the larger ones.
Peak memory is the resident-set high-water mark of the worker during the stage
(``VmHWM``, reset at the start of each stage): it includes the graph already loaded.
A query's time is the median of several runs (parameters bound and query evaluated,
as :func:`kg.query.run_query` does for a user).

Run from the repository root::

    python benchmarks/run.py                       # 10k, 100k, 1m and 5m triples
    python benchmarks/run.py --sizes 10k,100k --cap 120
    python benchmarks/run.py --cap 60 --fast-cap 300  # baseline capped at 60 s, fast path at 300 s
    python benchmarks/run.py --sizes 100k,1m,5m --cli-sizes 100k,1m,5m --stacks fast --no-queries
                                                   # the commands against their stages only
    python benchmarks/run.py --sizes 1m --stacks fast,jena --no-cli --cap 120
                                                   # the named queries on Oxigraph and on Jena

Results go to ``benchmarks/results/<UTC time>.{json,csv,md}``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import SIZES, sample_params, write_synthetic  # noqa: E402
from kg.errors import display_path  # noqa: E402

STACKS = ("baseline", "fast")
DATA_DIR = Path(__file__).resolve().parent / ".data"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


# -- Worker: runs stages of one stack in this process and reports each as a JSON line ----------


def _peak_reset() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report(stage: str, seconds: float, **detail) -> None:
    print(json.dumps({"stage": stage, "seconds": seconds, "peak_mb": round(_peak_mb(), 1), **detail}), flush=True)


class _Worker:
    def __init__(self, stack: str, data: Path, companies: int, seed: int, repeat: int):
        from kg.load import load_graph
        from kg.project import find_project
        from kg.query import load_catalogue

        self.stack, self.data, self.repeat = stack, data, repeat
        self.project = find_project(ROOT)
        self.shapes = load_graph(self.project.shapes_files)
        self.catalogue = load_catalogue(self.project.queries_dir)
        self.params = sample_params(companies=companies, seed=seed)
        self.graph = None
        self.reasoned = False
        self.queried = False

    # stages ---------------------------------------------------------------------------

    def load(self):
        if self.stack == "fast":
            from kg.fast.store import load_store

            self.graph = load_store([*self.project.ontology_files, self.data])
            return {"triples": len(self.graph)}
        from rdflib import Graph

        graph = Graph()
        for path in self.project.ontology_files:
            graph.parse(path, format="turtle")
        graph.parse(self.data, format="nt")
        self.graph = graph
        return {"triples": len(graph)}

    def validate(self):
        if self.stack == "fast":
            from kg.fast.validate import unsupported, validate

            report = validate(self.graph, shapes_graph=self.shapes)
            return {"results": len(report.results), "violations": len(report.violations),
                    "compiled": unsupported(self.shapes) is None}
        import pyshacl

        conforms, report_graph, _ = pyshacl.validate(
            self.graph, shacl_graph=self.shapes, inference="none", advanced=True,
            allow_warnings=True, allow_infos=True,
        )
        from kg.validate import SH

        return {"results": len(set(report_graph.objects(None, SH.result)))}

    def reason(self):
        before = len(self.graph)
        if self.stack == "fast":
            import pyoxigraph

            from kg.fast.reason import reason

            inferred = reason(self.graph, into=pyoxigraph.DefaultGraph())
            self.reasoned = True
            return {"inferred": inferred, "triples": len(self.graph)}
        import owlrl

        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(self.graph)
        self.reasoned = True
        return {"inferred": len(self.graph) - before}

    def query(self, name: str):
        """``run_query`` as a user calls it (parameters resolved and bound, query parsed and
        run, rows converted), and the engine alone on the bound text (``engine``)."""
        from kg.query import bind_query, run_query

        query = self.catalogue[name]
        params = self.params_of(query)
        times, rows = [], 0
        for _ in range(self.repeat):
            start = time.perf_counter()
            result = run_query(query, self.graph, params=params)
            rows = len(result.rows) if result.boolean is None else int(result.boolean)
            times.append(time.perf_counter() - start)
            if times[-1] > 10:
                break
        text = bind_query(query, self.graph, params)
        engine = []
        for _ in range(len(times)):
            start = time.perf_counter()
            answer = self.graph.query(text)
            if not isinstance(answer, bool) and getattr(answer, "type", None) != "ASK":
                for _ in answer:
                    pass
            engine.append(time.perf_counter() - start)
        return {"rows": rows, "runs": len(times), "median": statistics.median(times),
                "engine": round(statistics.median(engine), 4)}

    def params_of(self, query) -> dict:
        """The benchmark's parameters of ``query`` (:func:`benchmarks.synth.sample_params`)."""
        params = {p.name: self.params.get(p.name, self.params.get(p.type)) for p in query.params}
        return {k: v for k, v in params.items() if v is not None}

    def write_texts(self, directory: Path) -> None:
        """Every named query's text with the benchmark's parameters bound, as
        ``directory/<name>.rq``, for another engine (the Jena stage), and the graph they
        run on saved (:func:`_reasoned_file`)."""
        from kg.query import bind_query

        self.prepare_queried()
        for name, query in self.catalogue.items():
            (directory / f"{name}.rq").write_text(bind_query(query, self.graph, self.params_of(query)),
                                                  encoding="utf-8")

    # prerequisites, prepared untimed -----------------------------------------------------

    def engine(self):
        """What ``kg build`` does before it writes, in this process: the fast engine's
        ``open`` (the checked load of the project's files), ``validate`` and ``reason`` (the
        rules, the untimed ORG shortcuts and the day bounds), each timed."""
        from kg.engines import engine_named
        from kg.project import Project

        engine = engine_named("fast")
        project = Project.at(cli_project(self.data))
        times = [time.perf_counter()]
        dataset = engine.open(project)
        times.append(time.perf_counter())
        report = engine.validate(dataset)
        times.append(time.perf_counter())
        inferred = engine.reason(dataset)
        times.append(time.perf_counter())
        return {"open": times[1] - times[0], "validate": times[2] - times[1], "reason": times[3] - times[2],
                "results": len(report.results), "inferred": inferred.count}

    def prepare(self, stage: str) -> None:
        """Make, untimed, what ``stage`` needs and this worker has not made yet: the loaded
        graph, and for a query the graph queries run on (:meth:`prepare_queried`)."""
        if stage.startswith("query:"):
            self.prepare_queried()
        elif stage not in ("load", "engine") and self.graph is None:
            self.load()

    def prepare_queried(self) -> None:
        """The graph the named queries run on, as the engines' ``query_target`` makes it for
        a user: the reasoned graph, the untimed ORG shortcuts of the latest state
        (:mod:`kg.current`) and the derived day bounds every as-of query reads
        (:mod:`kg.timebounds`). A fast worker saves it for restarted workers and for the
        Jena stage."""
        if self.queried:
            return
        self.prepare_reasoned()
        if self.stack == "fast":
            import pyoxigraph

            from kg.current import add_current
            from kg.timebounds import add_day_bounds

            add_current(self.graph, into=pyoxigraph.DefaultGraph())
            add_day_bounds(self.graph)
        else:
            from kg.current import current
            from kg.timebounds import day_bounds

            graph: Any = self.graph  # an rdflib graph
            bounds = day_bounds(graph)
            graph += current(graph)
            graph += bounds
        self.queried = True
        self.save_reasoned()

    def prepare_reasoned(self) -> None:
        """The inferred triples, for queries whose stack's reasoning was not run or was capped.

        A fast worker loads the graph an earlier worker saved, if there is one."""
        if self.reasoned:
            return
        import pyoxigraph

        from kg.fast.reason import reason

        saved = _reasoned_file(self.data)
        if self.stack == "fast" and saved.exists():
            self.graph = pyoxigraph.Store()
            self.graph.bulk_load(path=str(saved), format=pyoxigraph.RdfFormat.N_TRIPLES)
        else:
            if self.graph is None:
                self.load()
            if self.stack == "fast":
                reason(self.graph, into=pyoxigraph.DefaultGraph())
            else:
                from kg.fast.store import INFERRED, load_store, to_rdflib

                store = load_store([*self.project.ontology_files, self.data])
                reason(store)
                for quad in store.quads_for_pattern(None, None, None, INFERRED):
                    self.graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        self.reasoned = True

    def save_reasoned(self) -> None:
        """Keep the graph queries run on (fast stack) for workers restarted after a capped
        query and for the Jena stage."""
        saved = _reasoned_file(self.data)
        if self.stack != "fast" or not self.queried or saved.exists():
            return
        import pyoxigraph

        partial = saved.with_suffix(".part")
        self.graph.dump(partial, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
        partial.replace(saved)


def _reasoned_file(data: Path) -> Path:
    """Where a fast worker keeps the graph queries run on (``data`` reasoned, with the
    current shortcuts and the day bounds: :meth:`_Worker.prepare_queried`) for a restarted
    one and for the Jena stage."""
    return data.with_name(f"{data.stem}-reasoned.nt")


def _work(args: argparse.Namespace) -> int:
    worker = _Worker(args.worker, Path(args.data), args.companies, args.seed, args.repeat)
    if args.texts:
        worker.write_texts(Path(args.texts))
        return 0
    stages = args.stages.split(",")
    for stage in stages:
        worker.prepare(stage)
        print(json.dumps({"start": stage}), flush=True)
        _peak_reset()
        start = time.perf_counter()
        if stage.startswith("query:"):
            detail = worker.query(stage[len("query:"):])
            seconds = detail.pop("median")
        else:
            detail = getattr(worker, stage)()
            seconds = time.perf_counter() - start
        _report(stage, seconds, **detail)
        if stage == "reason" and any(s.startswith("query:") for s in stages):
            worker.prepare_queried()  # untimed, and saved
    return 0


# -- Parent: runs workers under the cap ------------------------------------------------------------


class _Lines:
    """Lines of a worker's output, each as soon as it is written (``select`` on the pipe
    itself: a buffered reader would hold a line that ``select`` no longer reports)."""

    def __init__(self, pipe):
        self.fd, self.pending, self.partial = pipe.fileno(), [], b""

    def next(self, timeout: float) -> Optional[str]:
        """The next line; ``None`` when ``timeout`` passes first, ``""`` at the end."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return ""
            *complete, self.partial = (self.partial + chunk).split(b"\n")
            self.pending.extend(line.decode() for line in complete)
        return self.pending.pop(0)


def _run_stack(stack: str, data: Path, companies: int, stages: list[str], *, cap: float, seed: int,
               repeat: int) -> dict[str, dict]:
    """Run ``stages`` of ``stack`` on ``data``; a stage over ``cap`` seconds is recorded as capped."""
    results: dict[str, dict] = {}
    todo = list(stages)
    # Untimed preparation (imports, loading, saved inferences) before a stage starts has a
    # deadline of its own; the cap counts from the stage's start.
    preparing = max(10 * cap, 600)
    while todo:
        command = [sys.executable, __file__, "--worker", stack, "--data", str(data), "--companies", str(companies),
                   "--seed", str(seed), "--repeat", str(repeat), "--stages", ",".join(todo)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        lines = _Lines(process.stdout)
        deadline = time.monotonic() + preparing
        current = todo[0]
        while True:
            line = lines.next(deadline - time.monotonic())
            if line is None:
                process.kill()
                process.wait()
                results[current] = {"capped": True, "seconds": None, "cap": cap}
                print(f"  {stack:8} {current:40} > {cap:.0f} s (cap)", flush=True)
                todo.remove(current)
                if current == "load":  # nothing else can run
                    for stage in todo:
                        results[stage] = {"skipped": "load capped"}
                    todo = []
                break
            if not line:
                process.wait()
                error = process.stderr.read().decode(errors="replace").strip().splitlines()
                results[current] = {"error": error[-1] if error else f"exit {process.returncode}"}
                print(f"  {stack:8} {current:40} failed: {results[current]['error']}", flush=True)
                todo.remove(current)
                break
            record = json.loads(line)
            if "start" in record:
                current = record["start"]
                deadline = time.monotonic() + cap
                continue
            stage = record.pop("stage")
            results[stage] = record
            print(f"  {stack:8} {stage:40} {record['seconds']:9.3f} s {record['peak_mb']:9.0f} MB  "
                  + " ".join(f"{k}={v}" for k, v in record.items() if k not in ("seconds", "peak_mb")), flush=True)
            todo.remove(stage)
            if not todo:
                process.wait()
                break
            current = todo[0]
            deadline = time.monotonic() + preparing
    return results


#: The stack whose named queries run on Apache Jena ARQ (:func:`_run_jena`).
JENA = "jena"


def _peak_of(pid: int, *, reset: bool = False) -> Optional[float]:
    """The resident-set high-water mark of process ``pid`` in MB (``VmHWM``); reset after reading when asked."""
    try:
        with open(f"/proc/{pid}/status") as f:
            peak = next((int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:")), None)
        if reset:
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")
        return peak
    except OSError:
        return None


def _run_jena(data: Path, companies: int, names: list[str], *, cap: float, seed: int, repeat: int,
              heap: str) -> dict[str, dict]:
    """The named queries on Apache Jena ARQ, in one JVM (``benchmarks/jena/TimeQueries.java``).

    A fast worker prepares, untimed, the graph the queries run on (the reasoned graph with
    the current shortcuts and the day bounds, saved as N-Triples: :func:`_reasoned_file`)
    and every query's text with the benchmark's parameters bound (:func:`kg.query.bind_query`,
    the text Oxigraph runs). Jena loads the graph into memory once (``load``: reported, not
    counted in a query's time), then runs each query once to warm up and ``repeat`` times
    timed (parsed, run, every solution read), each run stopped after ``cap`` seconds; the
    median is kept, of the wall clock (``seconds``), of the CPU time of the thread that
    ran the query (``cpu``) and of the whole JVM's (``jvm_cpu``: the garbage collector's
    and the JIT compiler's threads too): on a shared machine, what the query itself cost.
    Peak memory is the JVM's resident high-water mark during the stage."""
    from benchmarks.jena import TIME_QUERIES, compile_runner

    results: dict[str, dict] = {}
    preparing = max(10 * cap, 600)
    with tempfile.TemporaryDirectory(prefix="kg-jena-") as tmp:
        work = Path(tmp)
        (work / "queries").mkdir()
        (work / "classes").mkdir()
        command = [sys.executable, __file__, "--worker", "fast", "--data", str(data), "--companies", str(companies),
                   "--seed", str(seed), "--texts", str(work / "queries")]
        prepared = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=preparing)
        if prepared.returncode:
            raise RuntimeError(f"preparing the Jena stage failed: {prepared.stderr.strip()[-2000:]}")
        classpath = compile_runner(TIME_QUERIES, work / "classes")
        files = [work / "queries" / f"{name}.rq" for name in names]
        command = ["java", f"-Xmx{heap}", "-cp", classpath, "TimeQueries", "1", str(repeat), str(cap),
                   str(_reasoned_file(data)), *map(str, files)]
        with open(work / "stderr", "wb") as errors:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, cwd=ROOT)
            lines = _Lines(process.stdout)
            todo = ["load", *(f"query:{name}" for name in names)]
            # Each query: one warm-up and ``repeat`` runs, each capped by Jena; this is a safety net.
            waits = {stage: preparing if stage == "load" else cap * (1 + repeat) + 60 for stage in todo}
            for stage in todo:
                line = lines.next(waits[stage])
                if not line:
                    capped = line is None
                    process.kill()
                    process.wait()
                    stderr = (work / "stderr").read_text(errors="replace").strip()[-500:]
                    for left in todo[todo.index(stage):]:
                        results[left] = ({"capped": True, "seconds": None, "cap": cap} if capped and left == stage
                                         else {"error": f"Jena stopped: {stderr or 'no output'}", "seconds": None})
                        print(f"  {JENA:8} {left:40} {'> cap' if capped and left == stage else 'failed'}", flush=True)
                    break
                record = json.loads(line)
                peak = _peak_of(process.pid, reset=True)
                detail = {} if peak is None else {"peak_mb": round(peak, 1)}
                if "stage" in record:
                    results[stage] = {"seconds": record["seconds"], "cpu": round(record["cpu"], 4),
                                      "jvm_cpu": round(record["jvm_cpu"], 4), "triples": record["triples"], **detail}
                elif record.get("capped"):
                    results[stage] = {"capped": True, "seconds": None, "cap": cap, **detail}
                elif "error" in record:
                    results[stage] = {"error": record["error"], "seconds": None}
                else:
                    results[stage] = {"seconds": statistics.median(record["times"]),
                                      "cpu": round(statistics.median(record["cpu"]), 4),
                                      "jvm_cpu": round(statistics.median(record["jvm_cpu"]), 4), "rows": record["rows"],
                                      "runs": len(record["times"]), **detail}
                print(f"  {JENA:8} {stage:40} {_fmt_seconds(results[stage]):>9} s "
                      + " ".join(f"{k}={v}" for k, v in results[stage].items() if k not in ("seconds", "peak_mb")),
                      flush=True)
            else:
                process.wait()
    return results


#: The sizes at which the commands run by default (5m only when asked: --cli-sizes).
CLI_SIZES = ("100k", "1m")
#: The commands a user runs, timed whole (stage name -> kg arguments after ``--root``).
CLI_STAGES = {"cli:validate": ["validate", "--format", "json"], "cli:build": ["build", "--force"]}
#: Runs a command and prints its exit code and its peak resident memory (MB) as JSON.
_MEASURE = (
    "import json, resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(json.dumps({'exit': code, 'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))"
)


def cli_project(data: Path) -> Path:
    """A project folder whose data is ``data`` (linked), beside the checkout's ontology, shapes and queries."""
    project = data.with_name(data.stem + "-project")
    (project / "data").mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "queries"):
        if not (project / name).exists():
            (project / name).symlink_to(ROOT / name)
    link = project / "data" / "synthetic.ttl"  # N-Triples is Turtle
    if not link.exists():
        link.symlink_to(data.resolve())
    return project


def _run_cli(stack: str, project: Path, *, cap: float, skip: set = frozenset()) -> dict[str, dict]:
    """``kg validate`` and ``kg build`` on ``project`` with the engine of ``stack``, each
    capped (those in ``skip``, capped at a smaller size, are not tried)."""
    results: dict[str, dict] = {}
    engine = ["--engine", "reference"] if stack == "baseline" else []
    for stage, argv in CLI_STAGES.items():
        if stage in skip:
            results[stage] = {"capped": True, "seconds": None, "cap": cap, "at_smaller_size": True}
            continue
        command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "kg", "--root", str(project), *argv, *engine]
        start = time.perf_counter()
        # A session of its own, so that the cap stops kg as well as the measuring parent.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                                   start_new_session=True)
        try:
            out, _ = process.communicate(timeout=cap)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            results[stage] = {"capped": True, "seconds": None, "cap": cap}
            print(f"  {stack:8} {stage:40} > {cap:.0f} s (cap)", flush=True)
            continue
        seconds = time.perf_counter() - start
        record = json.loads(out.strip().splitlines()[-1])
        if record["exit"] not in (0, 1):  # 1: the synthetic graph's injected violations
            results[stage] = {"error": f"exit {record['exit']}"}
            print(f"  {stack:8} {stage:40} failed: exit {record['exit']}", flush=True)
            continue
        results[stage] = {"seconds": seconds, "peak_mb": round(record["peak_mb"], 1), "exit": record["exit"]}
        print(f"  {stack:8} {stage:40} {seconds:9.3f} s {record['peak_mb']:9.0f} MB", flush=True)
    return results


def _machine() -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib

    try:
        import owlrl

        owlrl_version = getattr(owlrl, "__version__", "?")
    except ImportError:  # pragma: no cover
        owlrl_version = "?"
    cpu = platform.processor() or "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": memory, "os": platform.platform(),
        "python": platform.python_version(), "rdflib": rdflib.__version__, "owlrl": owlrl_version,
        "pyshacl": pyshacl.__version__, "pyoxigraph": pyoxigraph.__version__,
        "load_average_at_start": os.getloadavg(),
    }


def _fmt_seconds(record: Optional[dict]) -> str:
    if not record:
        return "-"
    if record.get("capped"):
        return f"> {record['cap']:.0f}"
    if "skipped" in record:
        return "not run"
    if "error" in record:
        return "failed"
    seconds = record["seconds"]
    return f"{seconds:.3f}" if seconds < 1 else f"{seconds:.1f}"


def _fmt_mb(record: Optional[dict]) -> str:
    return f"{record['peak_mb']:.0f}" if record and "peak_mb" in record else "-"


def _ratio(base: Optional[dict], fast: Optional[dict]) -> str:
    if not base or not fast or fast.get("seconds") is None:
        return "-"
    if base.get("capped"):
        return f"> {base['cap'] / max(fast['seconds'], 1e-6):.0f}x"
    if base.get("seconds") is None:
        return "-"
    return f"{base['seconds'] / max(fast['seconds'], 1e-6):.0f}x"


def _total(results: dict[str, dict]) -> Optional[dict]:
    """The in-process stages added up (the ``cli:`` rows are whole commands, shown apart)."""
    records = [r for stage, r in results.items() if not stage.startswith("cli:")]
    if not records:
        return None
    if any(r.get("capped") for r in records):
        return {"capped": True, "cap": sum(r["seconds"] if r.get("seconds") is not None else r.get("cap", 0) for r in records),
                "seconds": None}
    if any(r.get("seconds") is None for r in records):
        return {"error": "incomplete", "seconds": None}
    return {"seconds": sum(r["seconds"] for r in records), "peak_mb": max(r["peak_mb"] for r in records)}


def table(run: dict) -> str:
    """The results as a Markdown table: one row per size and stage."""
    lines = ["| size | triples | stage | baseline s | baseline MB | fast s | fast MB | speed-up | fast engine s |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for size in run["sizes"]:
        base, fast = size["results"].get("baseline", {}), size["results"].get("fast", {})
        stages = [s for s in dict.fromkeys([*fast, *base]) if not s.startswith("cli:")]
        commands = [s for s in CLI_STAGES if s in fast or s in base]
        for stage in [*stages, "total", *commands]:
            b = _total(base) if stage == "total" else base.get(stage)
            f = _total(fast) if stage == "total" else fast.get(stage)
            name = f"**{stage}**" if stage == "total" else stage
            engine = f"{f['engine']:.3f}" if f and "engine" in f else ""
            lines.append(f"| {size['size']} | {size['triples']:,} | {name} | {_fmt_seconds(b)} | {_fmt_mb(b)} | "
                         f"{_fmt_seconds(f)} | {_fmt_mb(f)} | {_ratio(b, f)} | {engine} |")
    return "\n".join(lines)


#: The in-process stages a command does, whose sum its time is compared with.
CLI_PARTS = {"cli:validate": ("load", "validate"), "cli:build": ("load", "validate", "reason")}
#: The same stages as the command runs them (the ``engine`` stage: the fast engine's checked
#: open, validate, and reason with the ORG shortcuts and the day bounds).
ENGINE_PARTS = {"cli:validate": ("open", "validate"), "cli:build": ("open", "validate", "reason")}


def cli_table(run: dict) -> str:
    """The commands a user runs beside the in-process stages they are made of (fast
    path): the command's wall clock and peak memory, the stages' sum and peak, and the
    ratio of the two (issue 18's target for ``kg build``: at most 1.5); then the same stages
    as the command runs them (``engine`` s: the checked load, validation, and reasoning with
    the ORG shortcuts and day bounds, in-process) and the command's ratio to those (what
    writing the files and the process add); the reference engine's command last."""
    lines = ["| size | triples | command | command s | command MB | stages | stages s | stages MB | ratio | "
             "engine stages s | ratio to engine | reference s |",
             "|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for size in run["sizes"]:
        base, fast = size["results"].get("baseline", {}), size["results"].get("fast", {})
        for command, parts in CLI_PARTS.items():
            record = fast.get(command)
            if record is None and command not in base:
                continue
            stages = [fast.get(part) for part in parts]
            done = all(r and r.get("seconds") is not None for r in stages)
            total = sum(r["seconds"] for r in stages) if done else None
            peak = max(r["peak_mb"] for r in stages) if done else None
            timed = bool(record and record.get("seconds") is not None)
            ratio = f"{record['seconds'] / total:.1f}x" if done and timed and total > 0 else "-"
            engine = fast.get("cli:engine") or {}
            engine_total = (sum(engine[part] for part in ENGINE_PARTS[command])
                            if all(part in engine for part in ENGINE_PARTS[command]) else None)
            engine_ratio = f"{record['seconds'] / engine_total:.1f}x" if timed and engine_total else "-"
            lines.append(f"| {size['size']} | {size['triples']:,} | `kg {command[4:]}` | {_fmt_seconds(record)} | "
                         f"{_fmt_mb(record)} | {' + '.join(parts)} | "
                         f"{_fmt_seconds({'seconds': total}) if done else '-'} | "
                         f"{f'{peak:.0f}' if done else '-'} | {ratio} | "
                         f"{_fmt_seconds({'seconds': engine_total}) if engine_total else '-'} | {engine_ratio} | "
                         f"{_fmt_seconds(base.get(command))} |")
    return "\n".join(lines)


#: Issue 14's target for a named query at 1M triples on Jena, in seconds.
JENA_TARGET = 1.0


def jena_table(run: dict) -> str:
    """The named queries on Apache Jena ARQ beside Oxigraph on the same bound text: Jena's
    load of the graph queries run on, then per query Jena's median (wall clock, the query
    thread's CPU and the JVM's), its peak and its rows, and the fast stack's engine alone
    (``fast engine s``) and rows when it ran too. A query over :data:`JENA_TARGET` (wall
    clock) is in bold."""
    lines = ["| size | triples | stage | Jena s | Jena CPU s | Jena JVM CPU s | Jena MB | Jena rows | Oxigraph engine s | "
             "Oxigraph rows |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in run["sizes"]:
        jena, fast = size["results"].get(JENA), size["results"].get("fast", {})
        if not jena:
            continue
        for stage, record in jena.items():
            other = fast.get(stage, {})
            seconds = _fmt_seconds(record)
            if stage.startswith("query:") and (record.get("capped") or (record.get("seconds") or 0) > JENA_TARGET):
                seconds = f"**{seconds}**"
            rows = f"{record['triples']:,} triples" if "triples" in record else record.get("rows", "-")
            engine = f"{other['engine']:.3f}" if "engine" in other else "-"
            cpu, jvm = (_fmt_seconds({"seconds": record[key]}) if key in record else "-" for key in ("cpu", "jvm_cpu"))
            lines.append(f"| {size['size']} | {size['triples']:,} | {stage} | {seconds} | {cpu} | {jvm} | "
                         f"{_fmt_mb(record)} | {rows} | {engine} | {other.get('rows', '-')} |")
    return "\n".join(lines)


def _write(run: dict, stamp: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    base = RESULTS_DIR / stamp
    base.with_suffix(".json").write_text(json.dumps(run, indent=2) + "\n")
    with open(base.with_suffix(".csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["size", "companies", "triples", "stack", "stage", "seconds", "peak_mb", "status", "detail"])
        for size in run["sizes"]:
            for stack, stages in size["results"].items():
                for stage, record in stages.items():
                    status = ("capped" if record.get("capped") else "not run" if "skipped" in record
                              else "failed" if "error" in record else "ok")
                    detail = {k: v for k, v in record.items() if k not in ("seconds", "peak_mb", "capped")}
                    writer.writerow([size["size"], size["companies"], size["triples"], stack, stage,
                                     record.get("seconds"), record.get("peak_mb"), status, json.dumps(detail)])
    machine = run["machine"]
    base.with_suffix(".md").write_text(
        f"Run {run['started']} on {machine['cpu']}, {machine['cores']} cores, {machine['memory']} "
        f"(load average at start {', '.join(f'{x:.1f}' for x in machine['load_average_at_start'])}"
        + (f", at the end {', '.join(f'{x:.1f}' for x in run['load_average_at_end'])}" if "load_average_at_end" in run
           else "") + "); "
        f"Python {machine['python']}, rdflib {machine['rdflib']}, owlrl {machine['owlrl']}, "
        f"pySHACL {machine['pyshacl']}, pyoxigraph {machine['pyoxigraph']}; cap {run['cap']:.0f} s per stage"
        + (f" ({run['fast_cap']:.0f} s on the fast path)" if run.get("fast_cap", run["cap"]) != run["cap"] else "")
        + ".\n\n"
        + table(run) + "\n"
        + ("\nThe commands beside their stages (fast path):\n\n" + cli_table(run) + "\n"
           if any(command in size["results"].get(stack, {}) for size in run["sizes"]
                  for stack in STACKS for command in CLI_STAGES) else "")
        + (f"\nThe named queries on Apache Jena ARQ ({run.get('jena', '?')}; in memory, one JVM, "
           "warmed up; the same bound text as Oxigraph; load not counted in a query's time):\n\n"
           + jena_table(run) + "\n" if any(JENA in size["results"] for size in run["sizes"]) else ""))
    return base


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help=f"sizes to run (default: {','.join(SIZES)})")
    parser.add_argument("--stacks", default=",".join(STACKS),
                        help="stacks to run (default: baseline,fast); add jena for the named queries on Apache Jena "
                        "ARQ (Debian's libapache-jena-java and a JDK)")
    parser.add_argument("--cap", type=float, default=600, help="time cap per stage in seconds (default: 600)")
    parser.add_argument("--fast-cap", type=float, help="time cap per stage of the fast path (default: --cap); "
                        "a larger one lets the largest size finish while the baseline stays capped")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query; the median is kept (default: 5)")
    parser.add_argument("--no-cli", action="store_true", help="leave out the kg validate and kg build commands")
    parser.add_argument("--cli-sizes", default=",".join(CLI_SIZES),
                        help=f"sizes at which the commands run (default: {','.join(CLI_SIZES)}; add 5m for the "
                        "largest, several minutes more on a quiet 2-core machine); only those also in --sizes run")
    parser.add_argument("--no-queries", action="store_true",
                        help="leave out the named queries (load, validate and reason only, for the commands' ratio)")
    parser.add_argument("--jena-heap", default="6g",
                        help="the Jena JVM's maximum heap (-Xmx; default: 6g; the 1m graph needs about 3 GB)")
    parser.add_argument("--worker", choices=STACKS, help=argparse.SUPPRESS)
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--companies", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--stages", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _work(args)

    from kg.query import load_catalogue

    sizes = args.sizes.split(",")
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; the sizes are {', '.join(SIZES)}")
    cli_sizes = set() if args.no_cli else {s for s in args.cli_sizes.split(",") if s}
    unknown = sorted(cli_sizes - set(SIZES))
    if unknown:
        parser.error(f"unknown size {unknown[0]!r} in --cli-sizes; the sizes are {', '.join(SIZES)}")
    stacks = args.stacks.split(",")
    unknown = [s for s in stacks if s not in (*STACKS, JENA)]
    if unknown:
        parser.error(f"unknown stack {unknown[0]!r}; the stacks are {', '.join((*STACKS, JENA))}")
    if JENA in stacks:
        from benchmarks.jena import missing

        reason = missing()
        if reason:
            parser.error(f"--stacks jena: {reason}")
        if args.no_queries:
            parser.error("--stacks jena runs the named queries; it cannot be combined with --no-queries")
    started = datetime.datetime.now(datetime.timezone.utc)
    caps = {stack: args.cap for stack in STACKS}
    if args.fast_cap is not None:
        caps["fast"] = args.fast_cap
    caps[JENA] = caps["fast"]
    run = {"started": started.isoformat(timespec="seconds"), "cap": args.cap, "fast_cap": caps["fast"], "seed": args.seed,
           "machine": _machine(), "sizes": []}
    if JENA in stacks:
        from benchmarks.jena import version

        run["jena"] = version()
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    capped_before: set[str] = set()  # baseline stages capped at a smaller size
    DATA_DIR.mkdir(exist_ok=True)
    # Cached graphs are named after the generator's source, so that a changed generator writes anew.
    generator = hashlib.sha256(b"".join(path.read_bytes() for path in sorted((ROOT / "benchmarks" / "synth").glob("*.py"))))
    generator = generator.hexdigest()[:8]
    for size in sizes:
        companies = SIZES[size]
        data = DATA_DIR / f"synth-{size}-seed{args.seed}-{generator}.nt"
        if not data.is_file():
            print(f"writing {data.name} ({companies} companies)", flush=True)
            result = write_synthetic(data, companies=companies, seed=args.seed)
            triples = result.triples
        else:
            triples = sum(1 for _ in open(data, "rb"))
        print(f"{size}: {companies} companies, {triples:,} triples", flush=True)
        # The reasoned graph a fast worker saves is this run's own (the reasoner may have changed).
        _reasoned_file(data).unlink(missing_ok=True)
        queries = [] if args.no_queries else [f"query:{name}" for name in load_catalogue(ROOT / "queries")]
        stages = ["load", "validate", "reason", *queries]
        entry = {"size": size, "companies": companies, "triples": triples, "results": {}}
        for stack in stacks:
            if stack == JENA:
                entry["results"][JENA] = _run_jena(data, companies, [q[len("query:"):] for q in queries], cap=caps[JENA],
                                                   seed=args.seed, repeat=args.repeat, heap=args.jena_heap)
                continue
            todo = [s for s in stages if not (stack == "baseline" and s in capped_before)]
            results = _run_stack(stack, data, companies, todo, cap=caps[stack], seed=args.seed, repeat=args.repeat)
            for stage in stages:
                if stage not in todo:
                    results[stage] = {"capped": True, "seconds": None, "cap": args.cap, "at_smaller_size": True}
            entry["results"][stack] = {s: results[s] for s in stages if s in results}
            if size in cli_sizes:
                skip = capped_before if stack == "baseline" else set()
                commands = _run_cli(stack, cli_project(data), cap=caps[stack], skip=skip)
                if stack == "fast":  # the engine's stages as the commands run them, in a process of their own
                    commands["cli:engine"] = _run_stack(stack, data, companies, ["engine"], cap=caps[stack],
                                                        seed=args.seed, repeat=args.repeat)["engine"]
                entry["results"][stack].update(commands)
                results.update(commands)
            if stack == "baseline":
                # A stage skipped because loading was capped is not tried at larger sizes
                # either: its worker would load untimed, pass the cap, and do so per stage.
                capped_before |= {s for s, r in results.items() if r.get("capped") or "skipped" in r}
        run["sizes"].append(entry)
        run["load_average_at_end"] = os.getloadavg()  # a shared machine's figures need it
        base = _write(run, stamp)  # after every size, so that a long run keeps what it has
    print()
    print(table(run))
    if JENA in stacks:
        print("\nThe named queries on Apache Jena ARQ:\n")
        print(jena_table(run))
    if cli_sizes:
        print("\nThe commands beside their stages (fast path):\n")
        print(cli_table(run))
    print(f"\nwrote {display_path(base.with_suffix('.json'))}, .csv and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
