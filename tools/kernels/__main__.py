"""Write the take-home pack's shipped kernels: python -m tools.kernels [--check].

Run from the repository's root. Every kernel is checked on its puzzle's scored
seeds and on fresh robustness seeds before it is written; a kernel that fails is
not written and the command exits 1. With --check nothing is written: the
command exits 1 if a shipped file differs from what the generators make.
"""

from __future__ import annotations

import argparse
import sys

from game.paths import PROJECT_ROOT, atomic_write_text
from tools.kernels.solutions import solutions, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.kernels",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report shipped files that are missing or stale")
    args = parser.parse_args(argv)
    status = 0
    for solution in solutions(robustness=0 if args.check else None):
        where = solution.path.relative_to(PROJECT_ROOT)
        wanted = text(solution)
        if args.check:
            current = solution.path.read_text("utf-8") if solution.path.exists() else None
            if current != wanted:
                print(f"{where} is stale: run python -m tools.kernels", file=sys.stderr)
                status = 1
            continue
        if not solution.report.passed:
            print(f"{where}: not written, it fails:", *solution.report.failures(),
                  sep="\n  ", file=sys.stderr)
            status = 1
            continue
        atomic_write_text(solution.path, wanted)
        scores = solution.report.scores
        print(f"{where}: cycles {scores.cycles}  instructions {scores.instructions}"
              f"  scratch {scores.scratch}")
    return status


if __name__ == "__main__":
    sys.exit(main())
