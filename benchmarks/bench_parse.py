"""The assembler's parse time on the shipped tree kernels, optionally beside another checkout.

    python benchmarks/bench_parse.py                        # this checkout
    python benchmarks/bench_parse.py --against /tmp/before  # and a checkout of an earlier commit

Each figure is the first parse in a fresh process (what `vliw check` pays: no
warm caches), the minimum and median over --runs processes; the machine's
noise shows in the gap between them. `--against` runs the same files under the
other checkout's `machine.vasm.parse` (make one with `git worktree add --detach
/tmp/before COMMIT`) and prints this checkout's time as a ratio of its time:
below 1.00 is faster.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ["tree-kernel/baseline.vasm", "tree-kernel/lockstep.vasm", "tree-loop/packed.vasm"]
"""The scalar baseline (150,000 lines, a few hundred distinct), an unrolled kernel that
repeats its lines, and a packed kernel whose lines are nearly all distinct."""

_FIRST_PARSE = """
import sys, time
from machine.vasm import parse
text = open(sys.argv[1]).read()
start = time.perf_counter()
parse(text, sys.argv[1])
print(time.perf_counter() - start)
"""


def first_parses(checkout: Path, path: Path, runs: int) -> list[float]:
    """Seconds of the first parse of `path` in each of `runs` fresh processes."""
    env = {"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"}
    return sorted(float(subprocess.run([sys.executable, "-c", _FIRST_PARSE, str(path)],
                                       env=env, cwd=checkout, capture_output=True, text=True,
                                       check=True).stdout)
                  for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout, to compare with")
    parser.add_argument("--runs", type=int, default=9, help="processes per figure")
    args = parser.parse_args()
    header = f"{'file':28} {'min ms':>8} {'median':>8}"
    if args.against:
        header += f" {'before':>8} {'median':>8} {'ratio':>6}"
    print(header)
    for name in FILES:
        path = ROOT / "solutions" / "takehome" / name
        now = first_parses(ROOT, path, args.runs)
        row = f"{name:28} {now[0] * 1000:8.1f} {statistics.median(now) * 1000:8.1f}"
        if args.against:
            before = first_parses(args.against, path, args.runs)
            ratio = statistics.median(now) / statistics.median(before)
            row += (f" {before[0] * 1000:8.1f} {statistics.median(before) * 1000:8.1f}"
                    f" {ratio:6.2f}")
        print(row, flush=True)


if __name__ == "__main__":
    main()
