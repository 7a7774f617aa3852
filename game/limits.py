"""How long a test may run: every puzzle's cycle limit, scaled to the puzzle.

A pack may set `cycle_limit`; when it does not, the limit is derived from the
reference, so that a program that loops forever is stopped after a few times
the work an honest slow solution needs, not after a fixed million cycles:

- a reference **program**: `PROGRAM_FACTOR` times its worst cycle count on
  the puzzle's scored seeds, and at least `MIN_CYCLE_LIMIT`;
- a **built-in** reference: `BUILTIN_FACTOR` times the cycles of its
  one-slot-per-bundle starter program on the first scored seed (for the tree
  kernel, the take-home's starter: 147,734 cycles at full size);
- **expected** outputs: `EXPECTED_CYCLE_LIMIT`.

Every limit is at most `game.pack.schema.MAX_CYCLE_LIMIT`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.pack.schema import Puzzle

PROGRAM_FACTOR = 20
BUILTIN_FACTOR = 4
MIN_CYCLE_LIMIT = 1_000
EXPECTED_CYCLE_LIMIT = 100_000


def tree_starter_cycles(memory: Sequence[int]) -> int:
    """Cycles of the take-home's scalar starter for this image's header: 278 bundles of
    set-up and pauses, then 36 single-slot bundles per walker and round."""
    rounds, _, batch = (int(word) for word in memory[:3])
    return 278 + 36 * rounds * batch


STARTER_CYCLES: Mapping[str, Callable[[Sequence[int]], int]] = MappingProxyType({
    "tree-kernel": tree_starter_cycles,
})
"""Per built-in reference: the cycles of a plain starter program for an input image."""


def cycle_limit_of(puzzle: Puzzle) -> int:
    """The puzzle's own limit, or the one derived from its reference (computed once)."""
    if puzzle.cycle_limit is not None:
        return puzzle.cycle_limit
    return puzzle.derived_cycle_limit


def default_cycle_limit(puzzle: Puzzle) -> int:
    """The limit a puzzle gets when its pack sets none (see the module docstring)."""
    from game.pack.schema import MAX_CYCLE_LIMIT

    reference = puzzle.reference
    if reference.builtin is not None:
        from game.inputs import generate_memory

        image = generate_memory(puzzle, puzzle.scored_seeds[0])
        limit = BUILTIN_FACTOR * STARTER_CYCLES[reference.builtin](image)
    elif reference.program is not None:
        limit = PROGRAM_FACTOR * _reference_program_cycles(puzzle, MAX_CYCLE_LIMIT)
    else:
        limit = EXPECTED_CYCLE_LIMIT
    return min(MAX_CYCLE_LIMIT, max(MIN_CYCLE_LIMIT, limit))


def _reference_program_cycles(puzzle: Puzzle, ceiling: int) -> int:
    """The reference program's worst cycles on the scored seeds; the ceiling when it
    faults (the pack is broken, and scoring says so with the fault)."""
    from game.inputs import generate_memory
    from game.references import reference_program
    from game.runs import run_all
    from machine.program import ProgramError

    try:
        program = reference_program(puzzle)
    except ProgramError:
        return ceiling
    inputs = [generate_memory(puzzle, seed) for seed in puzzle.scored_seeds]
    results = run_all(program, inputs, puzzle.machine_config(ceiling))
    if any(result.fault is not None for result in results):
        return ceiling
    return max(result.cycles for result in results)
