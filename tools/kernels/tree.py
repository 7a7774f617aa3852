"""What every tree kernel generator needs to know: the puzzle's size and the hash.

Sizes come from the take-home pack itself (the header words of a generated
input image), so a generator cannot drift from the puzzles it solves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from game.catalog import Catalog, PuzzleEntry
from game.inputs import generate_memory, layout, region_at
from game.references import HASH_STAGES
from machine.isa import WORD_MASK

PACK = "takehome"
TREE_REFERENCE = "tree-kernel"

MNEMONICS = {"+": "add", "^": "xor", "<<": "shl", ">>": "shr"}
"""Mnemonics of the hash's operations."""


@dataclass(frozen=True)
class TreeSize:
    """One tree-kernel puzzle: its id, its sizes and where its regions lie."""

    puzzle: str
    height: int
    rounds: int
    batch: int
    forest: int
    indices: int
    values: int
    memory_words: int
    starts_at_root: bool = True
    """Every walker's index starts at 0 (a `zeros` region), as in the take-home."""
    checks_indices: bool = False
    """The indices are compared at the end, not only the values."""

    @property
    def n_nodes(self) -> int:
        return 2 ** (self.height + 1) - 1

    @property
    def name(self) -> str:
        return self.puzzle.split("/", 1)[1]


def tree_puzzles(catalog: Catalog | None = None) -> list[TreeSize]:
    """Every tree-kernel puzzle of the take-home pack, in play order."""
    catalog = catalog or Catalog()
    pack = catalog.pack(PACK)
    sizes = []
    for puzzle in pack.puzzles:
        if puzzle.reference.builtin == TREE_REFERENCE:
            sizes.append(tree_size(catalog.puzzle(f"{PACK}/{puzzle.id}")))
    return sizes


def tree_size(entry: PuzzleEntry) -> TreeSize:
    """Read the sizes from the header words of an input image (spec/tree-kernel.md)."""
    memory = generate_memory(entry.puzzle, 0)
    rounds, n_nodes, batch, height, forest, indices, values = memory[:7]
    region = region_at(layout(entry.puzzle), indices)
    if region is None:
        raise ValueError(f"{entry.id}: the indices (word 5: {indices}) lie outside memory")
    size = TreeSize(entry.id, height, rounds, batch, forest, indices, values, len(memory),
                    starts_at_root=region.kind == "zeros", checks_indices=region.checked)
    if size.n_nodes != n_nodes:
        raise ValueError(f"{entry.id}: {n_nodes} nodes do not make a tree of height {height}")
    return size


@dataclass(frozen=True)
class Stage:
    """A hash stage: `a = op2(op1(a, c1), op3(a, shift))`, or, when it has the form
    `(a + c1) + (a << s)`, the single `a * multiplier + c1` (multiplier = 1 + 2**s)."""

    op1: str
    c1: int
    op2: str
    op3: str
    shift: int

    @property
    def multiplier(self) -> int | None:
        if (self.op1, self.op2, self.op3) == ("+", "+", "<<"):
            return (1 + (1 << self.shift)) & WORD_MASK
        return None


def hash_stages() -> Iterator[Stage]:
    for op1, c1, op2, op3, shift in HASH_STAGES:
        yield Stage(op1, c1, op2, op3, shift)
