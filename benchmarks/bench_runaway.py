"""How fast programs that never end reach their cycle limit.

    python benchmarks/bench_runaway.py            # the table and the commands (a few minutes)
    python benchmarks/bench_runaway.py --quick    # fewer cycles, no commands

Two loops of tests/runaway/: `steady.vasm` (an add and a jump, the same for every
input: the seeds run as one batch) and `drift.vasm` (an inner loop whose trip count,
1..8, is a word of the input: the seeds drift apart, each at its own pc). Each is run by
the engine (machine.engine.run_many) on 1, 9 and 65 full-size tree-kernel images up to
a cycle limit, and the table gives thousands of cycles per second per seed (and for all
seeds together), in CPU time of this process, so that other work on the machine
disturbs it less. Then, unless --quick, the two commands a player meets, timed in a
child process (wall and CPU seconds, peak resident MB): `vliw check --seeds 64` on the
tree kernel (its cycle limit is the puzzle's) and `vliw run` with the default 10M-cycle
limit.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from child_usage import child_usage

import game
from game.catalog import Catalog
from game.inputs import generate_memory
from machine.config import DEFAULT_MAX_CYCLES, TAKEHOME
from machine.engine import run_many
from machine.loader import load_program

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = ROOT / "tests/runaway"
CODE = Path(game.__file__).resolve().parent.parent
"""Where the timed code comes from: the commands run it too (from there, as PYTHONPATH),
so that pointing PYTHONPATH at another checkout times that checkout throughout."""
PROGRAMS = ("steady.vasm", "drift.vasm")
SEED_COUNTS = (1, 9, 65)


def tree_memories(count: int) -> list[list[int]]:
    puzzle = Catalog().puzzle("takehome/tree-kernel").puzzle
    return [generate_memory(puzzle, seed) for seed in range(count)]


def engine_table(cycles: int) -> None:
    config = dataclasses.replace(TAKEHOME, max_cycles=cycles)
    print(f"engine, {cycles:,} cycles per seed (CPU time)")
    print(f"{'program':<14}{'seeds':>6}{'seconds':>10}{'k cycles/s/seed':>17}{'k cycles/s':>12}")
    for name in PROGRAMS:
        program = load_program(RUNAWAY / name)
        for count in SEED_COUNTS:
            memories = tree_memories(count)
            start = time.process_time()
            results = run_many(program, memories, config)
            seconds = time.process_time() - start
            assert all(r.fault is not None and r.cycles == cycles for r in results)
            rate = cycles / seconds / 1000
            print(f"{name:<14}{count:>6}{seconds:>10.2f}{rate:>17,.0f}{rate * count:>12,.0f}")


def timed(command: list[str]) -> str:
    """Wall and CPU seconds and peak resident MB of a child process."""
    return str(child_usage(command, cwd=CODE, env={**os.environ, "PYTHONPATH": str(CODE)}))


def commands() -> None:
    print("\ncommands (wall time depends on the machine's load; CPU time less so)")
    with tempfile.TemporaryDirectory() as folder:
        memory = Path(folder) / "tree.json"
        memory.write_text(json.dumps(tree_memories(1)[0]))
        for name in PROGRAMS:
            path = str(RUNAWAY / name)
            vliw = [sys.executable, "-m", "game"]
            print(f"vliw check --seeds 64 {name:<12}",
                  timed([*vliw, "check", path, "--seeds", "64"]))
            print(f"vliw run {DEFAULT_MAX_CYCLES:,} cycles {name:<8}",
                  timed([*vliw, "run", path, "--memory", str(memory)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer cycles, no commands")
    args = parser.parse_args()
    engine_table(20_000 if args.quick else 200_000)
    if not args.quick:
        commands()


if __name__ == "__main__":
    main()
