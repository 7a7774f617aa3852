"""The take-home's own simulator as a yardstick: its folder, its programs, its time per seed.

The benchmarks compare with what users know: the take-home's `Machine`,
imported from the take-home's folder (`--takehome DIR`; by default
`../shared/takehome` beside the repository, or beside the main checkout of a
git worktree), never copied. It runs programs as the take-home's submission
test does: pausing and debug slots off, one core, a fresh `Machine` per run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def default_folder() -> Path | None:
    """`../shared/takehome` beside the repository (the main checkout for a worktree)."""
    roots = [ROOT]
    try:
        common = subprocess.run(["git", "rev-parse", "--path-format=absolute",
                                 "--git-common-dir"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        roots.append(Path(common).parent)
    except (OSError, subprocess.CalledProcessError):
        pass
    for root in roots:
        folder = root.parent / "shared" / "takehome"
        if (folder / "problem.py").is_file():
            return folder
    return None


def add_option(parser: argparse.ArgumentParser) -> None:
    found = default_folder()
    parser.add_argument("--takehome", type=Path, default=found, metavar="DIR",
                        help="the take-home's folder, holding problem.py and perf_takehome.py"
                             f" (default: {found or 'none found'})")


def load(folder: Path | None) -> tuple[ModuleType, ModuleType]:
    """The take-home's `problem` and `perf_takehome` modules, imported from its folder."""
    if folder is None or not (folder / "problem.py").is_file():
        sys.exit("no take-home folder: give --takehome DIR (holding problem.py)")
    sys.path.insert(0, str(folder.resolve()))
    return importlib.import_module("problem"), importlib.import_module("perf_takehome")


def baseline_program(perf_takehome: ModuleType) -> list[dict[str, Any]]:
    """The take-home's own starter kernel at full size, debug slots and all."""
    builder = perf_takehome.KernelBuilder()
    builder.build_kernel(10, 2047, 256, 16)
    return builder.instrs  # type: ignore[no-any-return]


def write_json(program: Sequence[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as file:
        json.dump(program, file)
    return path


def own_memories(problem: ModuleType, seeds: Sequence[int]) -> list[list[int]]:
    """Full-size memory images made by the take-home's own generator."""
    memories = []
    for seed in seeds:
        random.seed(seed)
        forest = problem.Tree.generate(10)
        batch = problem.Input.generate(forest, 256, 16)
        memories.append(problem.build_mem_image(forest, batch))
    return memories


def run_all(problem: ModuleType, program: Sequence[dict[str, Any]],
            memories: Sequence[list[int]]) -> tuple[float, float, list[list[int]]]:
    """Wall and CPU seconds of running every memory in this process, and the final memories."""
    finals = []
    start, cpu = time.perf_counter(), time.process_time()
    for memory in memories:
        machine = problem.Machine(memory, list(program), problem.DebugInfo(scratch_map={}),
                                  n_cores=problem.N_CORES)
        machine.enable_pause = False
        machine.enable_debug = False
        machine.run()
        finals.append(machine.mem)
    return time.perf_counter() - start, time.process_time() - cpu, finals


def require_right_values(problem: ModuleType, memory: list[int], final: list[int],
                         title: str) -> None:
    """Exit unless the run left the values the take-home's own reference computes."""
    *_, expected = problem.reference_kernel2(list(memory))
    start = expected[6]  # the take-home's header word: where the values lie
    if final[start:start + 256] != expected[start:start + 256]:
        sys.exit(f"{title}: wrong values on the take-home's simulator: the figures mean nothing")
