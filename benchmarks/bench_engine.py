"""Time per seed of the reference simulator and of the engine (machine.engine.run_many).

    python benchmarks/bench_engine.py            # the table (about a minute)
    python benchmarks/bench_engine.py --quick    # fewer repetitions
    python benchmarks/bench_engine.py --takehome ../shared/takehome

The shipped full-size tree kernels of solutions/takehome/tree-kernel/, each at
1, 8 and 64 seeds: the take-home's 147734-cycle scalar starter (baseline.vasm),
the straightforward vector kernel (vector.vasm), the unrolled lockstep kernel
(lockstep.vasm: 14,526 distinct slots, straight-line) and a vector kernel
looping over rounds with a cond_jump back-edge (loop.vasm),
on the puzzle's own inputs (game.inputs). Both sides are timed as a validator
uses them on a program it has just loaded (a fresh copy for every timed call,
since a program keeps what validating it worked out): the reference validates
the program once (`check ms`) and then runs each seed (`ref run ms`), so its
time per seed at n seeds is a run plus a 1/n share of the validation; the
engine is one `run_many(program, memories)`, validation included. Times are CPU
time of this process (best of a few runs), so that other work on the machine
disturbs them less. The last column is the ratio at 8 seeds the engine would
reach if its own work cost nothing but the validation it shares with the
reference: the ceiling validation sets. Every engine result is
compared with the reference simulator's on those seeds, and every engine run's values
with the puzzle's built-in reference (game.references). Peak memory of 64 seeds of the
full-size baseline is measured in a fresh process (tracemalloc and ru_maxrss).
The last two columns are the take-home's own simulator (`takehome_yardstick`,
imported from --takehome DIR) running one seed of the same program (wall time,
a fresh `Machine`), and the engine's time per seed at 64 seeds against it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import takehome_yardstick as yardstick

from game.catalog import Catalog
from game.inputs import generate_memory
from game.references import tree_kernel
from machine.config import TAKEHOME
from machine.engine import run_many
from machine.identity import canonical_form
from machine.loader import load_program
from machine.program import Program, check
from machine.results import RunResult
from machine.simulator import run_program

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "solutions/takehome/tree-kernel"
SEED_COUNTS = (1, 8, 64)
KERNELS = tuple(name for name in ("baseline.vasm", "vector.vasm", "lockstep.vasm",
                                   "loop.vasm") if (SHIPPED / name).exists())
VALUES = slice(-256, None)
"""The walkers' values: the last 256 words of the full-size image."""


def programs() -> list[tuple[str, Program]]:
    return [(file, load_program(SHIPPED / file)) for file in KERNELS]


def tree_memory(seed: int) -> list[int]:
    return generate_memory(Catalog().puzzle("takehome/tree-kernel").puzzle, seed)


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def check_values(results: list[RunResult], memories: list[list[int]]) -> None:
    for result, memory in zip(results, memories, strict=True):
        if result.fault or result.memory[VALUES] != tree_kernel(memory)[VALUES]:
            raise SystemExit("engine result is wrong: the benchmark's numbers mean nothing")


def fresh(program: Program) -> Program:
    """The same program as a new object: a program works out its survey (what validation
    and scores need) once and keeps it, so every timed call starts from a fresh copy, as
    a validator that loads a solution and checks it does."""
    return replace(program)


def bench(title: str, program: Program, repeats: int, problem: ModuleType) -> list[str]:
    memories = [tree_memory(seed) for seed in range(max(SEED_COUNTS))]
    validation = best_of(repeats, lambda: check(fresh(program), TAKEHOME))
    loaded = check(fresh(program), TAKEHOME)
    reference = [run_program(loaded, memory) for memory in memories[:2]]
    if run_many(fresh(program), memories[:2]) != reference:
        raise SystemExit(f"{title}: engine and reference disagree")
    # The reference's run of one more seed of a program it has validated already.
    run = best_of(max(1, repeats // 2), lambda: run_program(loaded, memories[2]))
    row = [title, f"{reference[0].cycles}", f"{validation * 1e3:.1f}", f"{run * 1e3:.1f}"]
    for count in SEED_COUNTS:
        chunk = memories[:count]
        results: list[RunResult] = []

        def run_engine(chunk: list[list[int]] = chunk, out: list[RunResult] = results) -> None:
            out[:] = run_many(fresh(program), chunk)

        elapsed = best_of(repeats if count > 1 else max(1, repeats // 2), run_engine) / count
        check_values(results, chunk)
        per_seed_reference = run + validation / count
        row += [f"{elapsed * 1e3:.2f}", f"{per_seed_reference / elapsed:.0f}x"]
    # Both sides validate the program once: the ratio at 8 seeds could not pass this even
    # if the engine's own work were free.
    row.append(f"{(8 * run + validation) / validation:.0f}x")
    _, theirs, _ = yardstick.run_all(problem, json.loads(canonical_form(program)),
                                     memories[2:3])
    row += [f"{theirs * 1e3:.0f}", f"{theirs / elapsed:.0f}x"]
    return row


def peak_memory() -> str:
    """Peak memory of 64 seeds of the full-size baseline, in a fresh process: the
    engine's own (tracemalloc, numpy included) and the whole process's (ru_maxrss,
    which also counts Python, numpy and reading the 147,734-bundle program)."""
    script = (
        "import resource, tracemalloc;"
        "from game.catalog import Catalog; from game.inputs import generate_memory;"
        "from machine.engine import run_many; from machine.loader import load_program;"
        "z = Catalog().puzzle('takehome/tree-kernel').puzzle;"
        "p = load_program('solutions/takehome/tree-kernel/baseline.vasm');"
        "m = [generate_memory(z, s) for s in range(64)];"
        "tracemalloc.start(); run_many(p, m);"
        "print(tracemalloc.get_traced_memory()[1],"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    engine, process = (int(word) for word in out.stdout.split())
    return (f"peak memory, full-size baseline, 64 seeds: run_many {engine / 2**20:.0f} MB"
            f" (tracemalloc); the whole process {process / 1024:.0f} MB (ru_maxrss)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    yardstick.add_option(parser)
    args = parser.parse_args()
    problem, _ = yardstick.load(args.takehome)
    repeats = 2 if args.quick else 5
    header = ["program", "cycles", "check ms", "ref run ms"]
    for count in SEED_COUNTS:
        header += [f"engine ms/seed @{count}", "ratio"]
    header += ["@8 if free", "take-home ms/seed", "engine @64 vs it"]
    rows = []
    for title, program in programs():
        rows.append(bench(title, program, repeats, problem))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    print("targets (issue 4): at least 20x at 8 seeds and 50x at 64 seeds, on every row")
    print(peak_memory())


if __name__ == "__main__":
    main()
