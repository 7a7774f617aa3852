"""Which kernel files ship for which puzzle, and their text with measured scores.

Every tree-kernel puzzle of the take-home pack gets `baseline.vasm` (the
take-home's scalar starter at that size, from tools/make_takehome_baseline.py,
which writes the full-size one itself), `vector.vasm` and `loop.vasm`; then
`packed.vasm` (the select kernel) where the walkers start at the root and visit
few enough levels, and `lockstep.vasm` where they start anywhere or the tree is
the full-size one. Each file's header claims the scores `vliw check` measures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from game.catalog import Catalog
from game.paths import SOLUTIONS_DIR
from game.scoring import Report, score_program
from machine.program import Program
from machine.vasm import format_program
from tools.kernels.lockstep import lockstep_program
from tools.kernels.select import MAX_LEVELS, select_program, visited_levels
from tools.kernels.tree import TreeSize, tree_puzzles
from tools.kernels.vector import loop_program, vector_program
from tools.make_takehome_baseline import baseline_program

FULL_SIZE = "takehome/tree-kernel"


def _baseline(size: TreeSize) -> Program:
    return baseline_program(size.rounds, size.batch, size.puzzle)


@dataclass(frozen=True)
class Kernel:
    name: str
    make: Callable[[TreeSize], Program]
    wanted: Callable[[TreeSize], bool]


def _selects(size: TreeSize) -> bool:
    return size.starts_at_root and visited_levels(size) <= MAX_LEVELS


KERNELS = (
    Kernel("baseline", _baseline, lambda size: size.puzzle != FULL_SIZE),
    Kernel("vector", vector_program, lambda size: True),
    Kernel("loop", loop_program, lambda size: True),
    Kernel("packed", select_program, _selects),
    Kernel("lockstep", lockstep_program,
           lambda size: not size.starts_at_root or size.puzzle == FULL_SIZE),
)


@dataclass(frozen=True)
class Solution:
    path: Path
    program: Program
    """With its header: puzzle, name and the measured scores."""
    report: Report


def solutions(catalog: Catalog | None = None,
              robustness: int | None = 0) -> Iterator[Solution]:
    """Every generated solution, scored on its puzzle's scored seeds and on
    `robustness` fresh seeds (None: as many as the puzzle asks for)."""
    catalog = catalog or Catalog()
    for size in tree_puzzles(catalog):
        puzzle = catalog.puzzle(size.puzzle).puzzle
        for kernel in KERNELS:
            if not kernel.wanted(size):
                continue
            program = kernel.make(size).with_header(puzzle=size.puzzle, name=kernel.name)
            report = score_program(puzzle, program, puzzle_id=size.puzzle,
                                   robustness=robustness)
            program = program.with_header(**{metric: str(score) for metric, score
                                             in report.scores.as_dict().items()})
            path = SOLUTIONS_DIR / size.puzzle / f"{kernel.name}.vasm"
            yield Solution(path, program, report)


def text(solution: Solution) -> str:
    return format_program(solution.program)
