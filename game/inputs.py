"""Declarative inputs: a puzzle's memory layout and the image it makes for a seed.

A puzzle's memory is its regions laid out in order from address 0
(`game.pack.schema`): constant words, zeros, random words, and header words
holding another region's address or length. `layout(puzzle)` places them;
`generate_memory(puzzle, seed)` fills them, drawing random words from one
`random.Random(seed)` in layout order, each with `randint(min, max)`. For the
tree kernel this is exactly the take-home's own generator (node values, then
walker values), so seed 123 gives the take-home's `test_kernel_cycles` input.

A puzzle's fixed test cases (`case_memory`) start from their own seed's image
and replace whole random regions, with given words or a named generator
(zeros, min, max, equal, sorted, reversed, duplicates, extremes), so that the
edge cases a statement implies are tested on every validation.

Layouts do not depend on the seed: the TUI's memory view and the checks use
the same `PlacedRegion`s for every test.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from game.draws import Draws

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from game.pack.schema import Puzzle, RandomRegion, TestCase


TestKind = Literal["case", "scored", "robustness", "random"]


@dataclass(frozen=True)
class PlannedTest:
    """One test of a validation: which kind it is and the seed its input comes from."""

    kind: TestKind
    seed: int
    case: str | None = None

    @property
    def name(self) -> str:
        return f"case {self.case!r}" if self.case is not None else f"{self.kind} seed {self.seed}"


def test_plan(puzzle: Puzzle, extra: Sequence[int],
              extra_kind: TestKind = "robustness") -> list[PlannedTest]:
    """Every test of one validation, in the order they are reported: the fixed cases, the
    scored seeds, then `extra` seeds (robustness seeds, or a pack test's random ones)."""
    plan = [PlannedTest("case", case.seed, case.name) for case in puzzle.cases]
    plan += [PlannedTest("scored", seed) for seed in puzzle.scored_seeds]
    return plan + [PlannedTest(extra_kind, seed) for seed in extra]


def test_inputs(puzzle: Puzzle, plan: Sequence[PlannedTest]) -> list[NDArray[np.uint32]]:
    """The input image of every planned test."""
    cases = {case.name: case for case in puzzle.cases}
    placed = layout(puzzle)
    return [_image(puzzle, placed, test.seed, None if test.case is None else cases[test.case])
            for test in plan]



@dataclass(frozen=True)
class PlacedRegion:
    """A memory region at its address: the same for every seed of the puzzle."""

    name: str
    kind: str
    start: int
    length: int
    checked: bool
    """Whether the final memory of this region is compared with the reference's."""

    @property
    def stop(self) -> int:
        return self.start + self.length

    def covers(self, address: int) -> bool:
        return self.start <= address < self.stop


def layout(puzzle: Puzzle) -> tuple[PlacedRegion, ...]:
    """The puzzle's regions at their addresses, in order."""
    placed = []
    start = 0
    checked = set(puzzle.check)
    for region in puzzle.memory:
        placed.append(PlacedRegion(region.name, region.kind, start, region.length,
                                   region.name in checked))
        start += region.length
    return tuple(placed)


def memory_size(puzzle: Puzzle) -> int:
    return sum(region.length for region in puzzle.memory)


def region_at(regions: tuple[PlacedRegion, ...], address: int) -> PlacedRegion | None:
    for region in regions:
        if region.covers(address):
            return region
    return None


def generate_memory(puzzle: Puzzle, seed: int) -> list[int]:
    """The input image for a seed, as a list of words (to show, print or build from)."""
    return seed_image(puzzle, seed).tolist()


def seed_image(puzzle: Puzzle, seed: int) -> NDArray[np.uint32]:
    """The input image for a seed: every region in layout order, one generator.

    A uint32 array: four bytes a word, where a list of ints costs about forty, so that
    the images of a validation's tests (`MAX_TEST_WORDS` words in all) stay small.
    """
    return _image(puzzle, layout(puzzle), seed, None)


def case_memory(puzzle: Puzzle, case: TestCase) -> NDArray[np.uint32]:
    """The input image of a fixed test case: its seed's image with the case's regions
    given word by word (`words`) or remade by a named generator (`fill`)."""
    return _image(puzzle, layout(puzzle), case.seed, case)


def _image(puzzle: Puzzle, placed: tuple[PlacedRegion, ...], seed: int,
           case: TestCase | None) -> NDArray[np.uint32]:
    import numpy as np

    draws = Draws(random.Random(seed))
    given: dict[str, Sequence[int] | str] = {} if case is None else {**case.words, **case.fill}
    memory = np.zeros(memory_size(puzzle), dtype=np.uint32)
    by_name = {region.name: region for region in placed}
    for region, at in zip(puzzle.memory, placed, strict=True):
        if region.kind == "words":
            memory[at.start:at.stop] = region.values
        elif region.kind == "random":
            # Drawn even when a case replaces them, so that the regions after it hold
            # what the case's seed gives them.
            drawn = draws.randints(region.min, region.max, region.count)
            choice = given.get(region.name)
            memory[at.start:at.stop] = drawn if choice is None else (
                choice if not isinstance(choice, str)
                else fill_words(choice, drawn.tolist(), region))
        elif region.kind == "address":
            memory[at.start] = by_name[region.of].start
        elif region.kind == "length":
            memory[at.start] = by_name[region.of].length
    return memory


def fill_words(fill: str, drawn: list[int], region: RandomRegion) -> list[int]:
    """The words a named generator (`game.pack.schema.FILLS`) makes of a region's draw."""
    count = len(drawn)
    if fill == "zeros":
        return [0] * count
    if fill == "min":
        return [region.min] * count
    if fill == "max":
        return [region.max] * count
    if fill == "equal":
        return [drawn[0]] * count
    if fill == "sorted":
        return sorted(drawn)
    if fill == "reversed":
        return sorted(drawn, reverse=True)
    if fill == "duplicates":
        return [drawn[i % 3] for i in range(count)]
    if fill == "extremes":
        return [region.min if i % 2 else region.max for i in range(count)]
    raise ValueError(f"unknown fill {fill!r}")
