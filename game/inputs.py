"""Declarative inputs: a puzzle's memory layout and the image it makes for a seed.

A puzzle's memory is its regions laid out in order from address 0
(`game.pack.schema`): constant words, zeros, random words, and header words
holding another region's address or length. `layout(puzzle)` places them;
`generate_memory(puzzle, seed)` fills them, drawing random words from one
`random.Random(seed)` in layout order, each with `randint(min, max)`. For the
tree kernel this is exactly the take-home's own generator (node values, then
walker values), so seed 123 gives the take-home's `test_kernel_cycles` input.

Layouts do not depend on the seed: the TUI's memory view and the checks use
the same `PlacedRegion`s for every test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.pack.schema import Puzzle


@dataclass(frozen=True)
class PlacedRegion:
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
    """The input image for a seed: every region in layout order, one generator."""
    rng = random.Random(seed)
    placed = {region.name: region for region in layout(puzzle)}
    memory: list[int] = []
    for region in puzzle.memory:
        if region.kind == "words":
            memory.extend(region.values)
        elif region.kind == "zeros":
            memory.extend([0] * region.count)
        elif region.kind == "random":
            low, high = region.min, region.max
            memory.extend(rng.randint(low, high) for _ in range(region.count))
        elif region.kind == "address":
            memory.append(placed[region.of].start)
        else:
            memory.append(placed[region.of].length)
    return memory
