"""Jena ARQ's plan of a query: ``python -m benchmarks.jena plan QUERY.rq``.

Prints the algebra ARQ evaluates after its optimizer (``arq.qparse --print=opt`` of
Debian's ``jena-cmds``): the join order, where filters were placed, and which joins are
substitutions (``sequence``: the right side runs once per row of the left, with its
values) and which are evaluated apart and joined (``join``). Bind the parameters first
(the benchmark's Jena stage writes the bound texts it times), as they change the plan.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.jena import JAVA, jena_classpath, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.jena", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print ARQ's optimized algebra of a query file")
    plan.add_argument("query", type=Path)
    args = parser.parse_args(argv)
    reason = missing() or (None if (JAVA / "jena-cmds.jar").exists() else "jena-cmds.jar not found")
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    if not args.query.is_file():
        print(f"error: {args.query}: no such file", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kg-jena-") as tmp:
        classpath = os.pathsep.join([jena_classpath(Path(tmp)), str(JAVA / "jena-cmds.jar")])
        return subprocess.run(["java", "-cp", classpath, "arq.qparse", "--print=opt", "--query", str(args.query)]).returncode


if __name__ == "__main__":
    sys.exit(main())
