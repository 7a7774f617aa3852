"""What the debugger steps through: a program, a machine, its tests' memory, regions to show.

A puzzle and the sandbox both hand the debugger one of these, so the debugger
needs neither a pack nor a puzzle: a puzzle's target has its fixed cases and
scored seeds as tests; the sandbox's has the player's memory as its one test.
Images are made on demand (`image(index)`), since a puzzle's inputs can be
large and the player looks at one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from machine.config import MachineConfig

if TYPE_CHECKING:
    from game.pack import Puzzle
    from machine.program import Program


@dataclass(frozen=True)
class ShownRegion:
    """A named run of memory words, as the debugger's memory view labels them."""

    name: str
    start: int
    length: int
    checked: bool


@dataclass(frozen=True)
class DebugTarget:
    title: str
    program: Program
    config: MachineConfig
    regions: tuple[ShownRegion, ...]
    tests: tuple[str, ...]
    """Names of the tests, in the order `image` takes them."""
    image: Callable[[int], list[int]]
    """The initial memory of test `index`."""

    @classmethod
    def of_puzzle(cls, puzzle: Puzzle, program: Program) -> DebugTarget:
        """The puzzle's machine; its fixed cases, then its scored seeds."""
        from game.inputs import layout, test_inputs, test_plan

        plan = test_plan(puzzle, ())
        regions = tuple(ShownRegion(r.name, r.start, r.length, r.checked)
                        for r in layout(puzzle))

        def image(index: int) -> list[int]:
            return test_inputs(puzzle, [plan[index]])[0].tolist()

        return cls(puzzle.title, program, puzzle.machine_config(), regions,
                   tuple(test.name for test in plan), image)
