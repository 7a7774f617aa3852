"""Wall time of the real `vliw check`, start-up included, against its targets, and where it goes.

    python benchmarks/bench_check.py             # 5 runs of each file (about 15 s)
    python benchmarks/bench_check.py --runs 9

Each shipped tree-kernel solution below (the 147734-cycle scalar baseline and
the packed vector kernel) is checked by the installed `vliw` script in a fresh
process, as a user or a CI job runs it: the scored seed and 8 fresh robustness
seeds. Every run must pass with the scores its header claims. The table gives
the median and best wall time, the median CPU time of the child (user + sys,
less disturbed by other work on the machine; it can exceed the wall time, as
numpy's OpenBLAS starts a thread per core at import) and the ratio of the
median wall time to the target.

The breakdown then times each step of the same check in one fresh process
(stage by stage, with the functions `vliw check` calls), beside the start of a
bare interpreter; its last line is what the stages leave of the median wall
time: the interpreter's start and its exit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "solutions/takehome/tree-kernel"
TARGETS = (("baseline.vasm", 1.0), ("packed.vasm", 0.3))
"""Solution file and its wall-time target in seconds (the team's issue 4)."""
PUZZLE = "takehome/tree-kernel"
ALSO_IN_ENGINE = "validate alone (machine.program.check) *"
"""A stage timed on its own that the engine's time includes: not added to the total."""


def vliw_script() -> str:
    """The `vliw` entry point installed beside this interpreter (not a version manager's
    shim, whose own start-up is not the project's), else the one on PATH."""
    beside = Path(sys.executable).with_name("vliw")
    found = str(beside) if beside.exists() else shutil.which("vliw")
    if found is None:
        sys.exit("no vliw script: pip install -e . first")
    return found


def timed_check(script: str, path: Path) -> tuple[float, float]:
    """(wall, child CPU) seconds of one `vliw check --json`; exits if the check fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([script, "check", str(path), "--json"], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(done.stdout) if done.stdout.startswith("{") else {}
    if done.returncode != 0 or not report.get("passed"):
        sys.exit(f"vliw check {path.name} did not pass (exit {done.returncode}):"
                 f" {done.stderr.strip() or done.stdout[:300]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


STAGES = r"""
import json, sys, time
ALSO_IN_ENGINE = sys.argv[3]
clock = time.perf_counter
marks = [("start", clock())]
def mark(name): marks.append((name, clock()))
import game.cli
game.cli.build_parser()
mark("imports: the command line (every command registered)")
from game.cli.puzzle_lookup import find_puzzle, open_catalog
from game.inputs import generate_memory
from game.references import expected_memories
from game.runs import run_all
from game.scoring import fresh_seeds, measure_static
from machine.loader import load_program
from machine.program import check
mark("imports: check's work (pack schema, numpy, engine)")
program = load_program(sys.argv[1])
mark("read and parse the file")
puzzle = find_puzzle(open_catalog([]), sys.argv[2]).puzzle
config = puzzle.machine_config()
mark("open the catalog, find the puzzle")
inputs = [generate_memory(puzzle, seed) for seed in [*puzzle.scored_seeds, *fresh_seeds(8)]]
mark("generate 9 inputs")
expected_memories(puzzle, inputs)
mark("reference (9 inputs)")
check(program, config)
mark(ALSO_IN_ENGINE)
run_all(program, inputs, config)
mark("engine: run_many, 9 seeds (it validates first)")
measure_static(puzzle, program)
mark("static scores (instructions, scratch)")
print(json.dumps([(name, t - marks[i][1]) for i, (name, t) in enumerate(marks[1:])]))
"""


def stages(path: Path) -> list[tuple[str, float]]:
    done = subprocess.run([sys.executable, "-c", STAGES, str(path), PUZZLE, ALSO_IN_ENGINE],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return [(name, seconds) for name, seconds in json.loads(done.stdout)]


def interpreter_start() -> float:
    """Median wall time of `python -c pass` with this interpreter (site packages included)."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per file (default 5)")
    args = parser.parse_args()
    script = vliw_script()
    print(f"vliw check {PUZZLE} ({script}, {os.cpu_count()} cores,"
          f" load {os.getloadavg()[0]:.2f}), {args.runs} runs each")
    print(f"{'file':<14} {'median':>8} {'best':>8} {'cpu':>8} {'target':>8} {'ratio':>7}")
    medians = {}
    for name, target in TARGETS:
        runs = [timed_check(script, SHIPPED / name) for _ in range(args.runs)]
        walls = [wall for wall, _ in runs]
        median = medians[name] = statistics.median(walls)
        verdict = "met" if median < target else "MISSED"
        print(f"{name:<14} {median:7.3f}s {min(walls):7.3f}s"
              f" {statistics.median(cpu for _, cpu in runs):7.3f}s {target:7.2f}s"
              f" {median / target:6.2f}x  {verdict}")
    print(f"\nbare interpreter start (python -c pass): {interpreter_start():.3f}s")
    for name, _ in TARGETS:
        print(f"\nbreakdown of {name} (one fresh process):")
        steps = stages(SHIPPED / name)
        for step, seconds in steps:
            print(f"  {step:<50} {seconds:6.3f}s")
        total = sum(seconds for step, seconds in steps if step != ALSO_IN_ENGINE)
        print(f"  {'total (without the line marked *)':<50} {total:6.3f}s")
        print(f"  {'left: interpreter start and exit (median - total)':<50}"
              f" {medians[name] - total:6.3f}s")


if __name__ == "__main__":
    main()
