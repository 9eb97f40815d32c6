"""``python -m benchmarks.synth``: write a synthetic graph (N-Triples) from a checkout.

Exit 0 when written, 2 on a bad argument or a file that cannot be written (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from benchmarks.synth import write_synthetic


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Parse ``argv``, write the graph, say what was written; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synth",
        description="Write a deterministic synthetic graph (N-Triples) of made-up companies that conforms to "
        "the shapes, about 2,300 triples per company (the benchmark sizes: 4, 43, 435 and 2175 companies for "
        "about 10k, 100k, 1M and 5M triples). --violations K adds K defects of each kind.",
    )
    parser.add_argument("--companies", type=int, required=True, metavar="N", help="how many companies")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="the seed (default: 0)")
    parser.add_argument("--violations", type=int, default=0, metavar="K", help="defects of each kind to inject (default: 0)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the N-Triples file to write")
    args = parser.parse_args(argv)
    try:
        result = write_synthetic(args.output, companies=args.companies, seed=args.seed, violations=args.violations)
    except ValueError as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"synth: error: {args.output}: cannot write ({error.strerror or error})", file=sys.stderr)
        return 2
    companies = "1 company" if result.companies == 1 else f"{result.companies:,} companies"
    print(f"wrote {result.path}: {_plural(result.triples, 'triple')}, {companies}")
    if result.injections:
        kinds = len({i.kind for i in result.injections})
        results = sum(len(i.expected) for i in result.injections)
        print(f"injected {_plural(len(result.injections), 'defect')} ({kinds} kinds x {args.violations}), "
              f"expected to give {_plural(results, 'validation result')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
