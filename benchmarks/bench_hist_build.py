"""Wall time of `vliw hist build` on 1,000 distinct small solutions: jobs, duplicates, reruns.

    python benchmarks/bench_hist_build.py            # about a minute
    python benchmarks/bench_hist_build.py --count 300 --runs 1

The solutions are variants of a shipped solution of minimal/gray (a 16-slot
loop of about 1,600 cycles): each begins with one more bundle setting a spare
scratch word to its own constant, so each is a distinct program (its own
content hash, its own robustness seeds) that still passes. Each build runs
the real command line in a fresh process (`python -m game`, start-up
included) with an empty record of earlier builds (VLIW_CACHE in a fresh
folder), except the last row, which reruns over the record the build before
it left. Rows: --jobs 1 and --jobs 2 on the distinct files; --jobs 2 with
as many byte-identical copies added (in a subfolder); the same again with
the record kept (nothing is run again). Targets: 2 jobs at least 1.7x faster
than 1; the duplicates add under 20%.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUZZLE = "minimal/gray"
BASE = ROOT / "solutions/minimal/gray/straightforward.vasm"
CLAIMS = ("# cycles:", "# instructions:", "# scratch:")


def variant(text: str, number: int) -> str:
    """The solution with a first bundle `const spare, number` and no claimed scores."""
    lines = [line for line in text.splitlines() if not line.startswith(CLAIMS)]
    first = next(i for i, line in enumerate(lines) if line.startswith("    "))
    lines[first:first] = [f"    const spare, {number}"]
    declared = next(i for i, line in enumerate(lines) if line.startswith(".scalar"))
    lines.insert(declared, ".scalar spare")
    return "\n".join(lines) + "\n"


def make_solutions(folder: Path, count: int) -> None:
    text = BASE.read_text(encoding="utf-8")
    for number in range(count):
        (folder / f"v{number:04d}.vasm").write_text(variant(text, number), encoding="utf-8")


def add_duplicates(folder: Path) -> None:
    copies = folder / "copies"
    copies.mkdir()
    for path in sorted(folder.glob("*.vasm")):
        (copies / path.name).write_bytes(path.read_bytes())


def timed_build(folder: Path, jobs: int, cache: Path) -> tuple[float, float, str]:
    """(wall, child CPU) seconds of one build, and its summary line; exits if it fails."""
    output = folder.parent / "histogram.json"
    env = {**os.environ, "VLIW_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "game", "hist", "build", str(folder),
                           "--puzzle", PUZZLE, "-o", str(output), "--jobs", str(jobs)],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"hist build failed (exit {done.returncode}): {done.stderr.strip()[:500]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="distinct solutions (1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each row (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "solutions"
        folder.mkdir()
        make_solutions(folder, args.count)
        print(f"vliw hist build of {args.count} distinct solutions of {PUZZLE}"
              f" ({os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}),"
              f" median of {args.runs} runs")
        print(f"{'build':<44} {'wall':>8} {'cpu':>8}  result")
        rows: dict[str, float] = {}

        def row(name: str, jobs: int, keep: Path | None = None) -> None:
            runs = []
            for _ in range(args.runs):
                cache = keep or Path(tempfile.mkdtemp(dir=scratch))
                runs.append(timed_build(folder, jobs, cache))
            wall = rows[name] = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"{name:<44} {wall:7.2f}s {cpu:7.2f}s  {runs[-1][2].split(': ', 1)[-1]}")

        row("distinct, --jobs 1", 1)
        row("distinct, --jobs 2", 2)
        add_duplicates(folder)
        row(f"+ {args.count} byte-identical copies, --jobs 2", 2)
        record = Path(scratch) / "record"
        timed_build(folder, 2, record)
        row("again, with the record of that build", 2, record)
        speedup = rows["distinct, --jobs 1"] / rows["distinct, --jobs 2"]
        extra = rows[f"+ {args.count} byte-identical copies, --jobs 2"] \
            / rows["distinct, --jobs 2"] - 1
        print(json.dumps({"speedup_2_jobs": round(speedup, 2),
                          "duplicates_extra": f"{extra:+.0%}"}))
        print(f"2 jobs: {speedup:.2f}x faster than 1 (target >= 1.7x:"
              f" {'met' if speedup >= 1.7 else 'MISSED'}); duplicates add {extra:+.0%}"
              f" (target < +20%: {'met' if extra < 0.2 else 'MISSED'})")


if __name__ == "__main__":
    main()
