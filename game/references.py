"""References: what a puzzle's final memory must hold, for a given input.

A puzzle names exactly one reference (see `game.pack.schema.Reference`):

- a **built-in** reference by name, implemented here in plain Python from
  the puzzle's written spec (`BUILTINS`);
- a **program** in the machine's own assembly, embedded in the pack, run on
  the puzzle's machine (its final memory is the expected one);
- **expected outputs**: the words each checked region must hold, the same
  for every seed.

`expected_memories(puzzle, inputs)` applies it to a list of input images
and returns the expected final images (only the checked regions of them are
compared). A reference that cannot handle an input raises `ReferenceFailure`
with a message a pack author can act on; `vliw pack lint` reports it at the
reference's line.

Built-ins receive the whole input image and read their parameters from it,
as the take-home's own reference does (the tree kernel reads its header
words), so a pack can use them at any size -- within documented ranges,
checked before any work, so that a header word cannot make a reference run
for hours or fill memory. The tree kernel accepts:

- height (word 3) at most `MAX_TREE_HEIGHT` (20: 2,097,151 nodes), and
  n_nodes (word 1) equal to 2^(height+1) - 1;
- rounds (word 0) at most `MAX_TREE_ROUNDS` (1024);
- batch_size (word 2) at most `MAX_TREE_BATCH` (65,536);
- rounds x batch_size at most `MAX_TREE_WALKER_ROUNDS` (2^24), and rounds
  times the number of walker groups (see `tree_kernels`) at most
  `MAX_TREE_GROUP_ROUNDS` (2^15);
- the forest, indices and values inside memory.

The full-size take-home (height 10, 16 rounds, 256 walkers) is far inside
every range.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from game.inputs import layout
from machine.isa import WORD_MASK
from machine.program import Program, check

# numpy and the engine are imported when a reference runs, not when a pack is loaded (the
# pack schema imports this module for the built-ins' names): listing or loading packs stays cheap.
if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from game.pack.schema import Puzzle


class ReferenceFailure(Exception):
    """A reference could not produce the expected outputs for an input."""


@dataclass(frozen=True)
class Builtin:
    """A reference written in Python from the puzzle's spec, named by packs."""

    name: str
    summary: str
    compute: Callable[[Sequence[Sequence[int]]], list[NDArray[np.uint32]]]
    """Input images -> expected final images (uint32 arrays), all at once; raises
    ReferenceFailure."""


# --- the tree kernel (spec/tree-kernel.md) ------------------------------------

HASH_STAGES: tuple[tuple[str, int, str, str, int], ...] = (
    ("+", 0x7ED55D16, "+", "<<", 12),
    ("^", 0xC761C23C, "^", ">>", 19),
    ("+", 0x165667B1, "+", "<<", 5),
    ("+", 0xD3A2646C, "^", "<<", 9),
    ("+", 0xFD7046C5, "+", "<<", 3),
    ("^", 0xB55A4F09, "^", ">>", 16),
)
"""(OP1, C1, OP2, OP3, S) per stage: a = OP2(OP1(a, C1), OP3(a, S))."""

_Words = TypeVar("_Words", int, "NDArray[np.uint32]")
"""One word, or many words at once in a uint32 array (which wraps mod 2^32 by itself)."""

_WORD_OPS: Mapping[str, Callable[[Any, int], Any]] = {
    "+": lambda a, b: (a + b) & WORD_MASK,
    "^": lambda a, b: a ^ b,
    "<<": lambda a, b: (a << b) & WORD_MASK,
    ">>": lambda a, b: a >> b,
}


def tree_hash(value: _Words) -> _Words:
    """The kernel's six-stage hash of one word, or of every word of a uint32 array."""
    for op1, c1, op2, op3, shift in HASH_STAGES:
        value = _WORD_OPS[op2](_WORD_OPS[op1](value, c1), _WORD_OPS[op3](value, shift))
    return value


TREE_HEADER = ("rounds", "n_nodes", "batch_size", "height",
               "forest_values_p", "inp_indices_p", "inp_values_p")
"""Names of the seven header words at addresses 0..6."""

MAX_TREE_HEIGHT = 20
"""The tallest tree: 2^21 - 1 nodes (8 MB of words)."""
MAX_TREE_ROUNDS = 1024
MAX_TREE_BATCH = 2**16
MAX_TREE_WALKER_ROUNDS = 2**24
"""Walker-rounds at most: about a second of numpy work."""
MAX_TREE_GROUP_ROUNDS = 2**15
"""Rounds of walker groups at most (each a handful of numpy calls, whatever its size):
overlapping indices and values make groups as small as one walker."""


def _tree_header(memory: Sequence[int]) -> tuple[int, ...]:
    """The header words, checked against the documented ranges before any work; every
    number a message shows is then below 2^32."""
    if len(memory) < len(TREE_HEADER):
        raise ReferenceFailure(f"tree-kernel needs the {len(TREE_HEADER)} header words"
                               f" {', '.join(TREE_HEADER)}; memory has {len(memory)} words")
    header = tuple(int(word) for word in memory[:len(TREE_HEADER)])
    for address, (name, word) in enumerate(zip(TREE_HEADER, header, strict=True)):
        if not 0 <= word <= WORD_MASK:
            raise ReferenceFailure(f"tree-kernel: {name} (word {address}) is not a word in"
                                   f" 0..2^32-1")
    rounds, n_nodes, batch, height, forest_p, indices_p, values_p = header
    for name, address, word, most in (("height", 3, height, MAX_TREE_HEIGHT),
                                      ("rounds", 0, rounds, MAX_TREE_ROUNDS),
                                      ("batch_size", 2, batch, MAX_TREE_BATCH)):
        if word > most:
            raise ReferenceFailure(f"tree-kernel: {name} (word {address}) is {word}; the"
                                   f" built-in reference takes at most {most}")
    if n_nodes != 2 ** (height + 1) - 1:
        raise ReferenceFailure(f"tree-kernel: n_nodes (word 1) is {n_nodes}, but a tree of"
                               f" height {height} (word 3) has {2 ** (height + 1) - 1} nodes")
    if rounds * batch > MAX_TREE_WALKER_ROUNDS:
        raise ReferenceFailure(f"tree-kernel: {rounds} rounds of {batch} walkers are"
                               f" {rounds * batch} walker-rounds; the built-in reference"
                               f" takes at most {MAX_TREE_WALKER_ROUNDS}")
    groups = -(-batch // _group_size(batch, indices_p, values_p))
    if rounds * groups > MAX_TREE_GROUP_ROUNDS:
        raise ReferenceFailure(f"tree-kernel: the indices and values overlap, so the {batch}"
                               f" walkers go in {groups} groups, one after another; {rounds}"
                               f" rounds of them are more than the {MAX_TREE_GROUP_ROUNDS}"
                               f" group-rounds the built-in reference takes")
    for name, start, length in (("forest", forest_p, n_nodes), ("indices", indices_p, batch),
                                ("values", values_p, batch)):
        if start + length > len(memory):
            raise ReferenceFailure(f"tree-kernel: the {name} ({length} words at {start})"
                                   f" run past the end of memory ({len(memory)} words)")
    return header


def _group_size(batch: int, indices_p: int, values_p: int) -> int:
    """Walkers that move at once: all of them, unless values lie d < batch_size words from
    indices (then walker w reads what walker w - d wrote)."""
    group = abs(values_p - indices_p)
    return group if 0 < group < batch else max(batch, 1)


def tree_kernel(memory: Sequence[int]) -> list[int]:
    """The final image of one input (see `tree_kernels`)."""
    return tree_kernels([memory])[0]


def tree_kernels(memories: Sequence[Sequence[int]]) -> list[list[int]]:
    """The final images after `rounds` rounds of every walker (see `tree_kernel_images`)."""
    return [final.tolist() for final in tree_kernel_images(memories)]


def tree_kernel_images(memories: Sequence[Sequence[int]]) -> list[NDArray[np.uint32]]:
    """The final images, as uint32 arrays, after `rounds` rounds of every walker; indices
    are updated too.

    All walkers move at once (numpy), which is the same as one after another
    while each has its own index and value words; and the images that share a
    header move together too, one numpy operation for all of them, since a
    handful of small operations per round cost a validation more than the
    words they compute. A pack may lay the indices and values `d` words apart
    with d < batch_size: then walker w reads what walker w - d wrote, so
    walkers go in groups of d, in order, one image at a time.
    """
    import numpy as np

    finals: list[NDArray[np.uint32]] = [np.zeros(0, np.uint32)] * len(memories)
    alike: dict[tuple[tuple[int, ...], int], list[int]] = {}
    for number, memory in enumerate(memories):
        alike.setdefault((_tree_header(memory), len(memory)), []).append(number)
    for (header, _), numbers in alike.items():
        _, _, batch, _, _, indices_p, values_p = header
        together = _group_size(batch, indices_p, values_p) >= batch
        for rows in [numbers] if together else [[number] for number in numbers]:
            images = np.array([memories[number] for number in rows], dtype=np.uint32)
            for number, final in zip(rows, _walk(images, header), strict=True):
                finals[number] = final
    return finals


def _walk(images: NDArray[np.uint32], header: tuple[int, ...]) -> NDArray[np.uint32]:
    """Every row of `images` (each with this header) after the rounds; raises for the first
    row holding a walker outside the tree."""
    import numpy as np

    rounds, n_nodes, batch, _, forest_p, indices_p, values_p = header
    final = images.copy()
    forest = images[:, forest_p:forest_p + n_nodes]
    group = _group_size(batch, indices_p, values_p)
    for first in range(0, batch, group):
        last = min(first + group, batch)
        indices = final[:, indices_p + first:indices_p + last].astype(np.int64)
        values = final[:, values_p + first:values_p + last]
        outside = np.argwhere(indices >= n_nodes)
        if outside.size:
            row, column = (int(number) for number in outside[0])
            walker = first + column
            raise ReferenceFailure(f"tree-kernel: walker {walker} starts at node"
                                   f" {int(final[row, indices_p + walker])}, outside the tree"
                                   f" of {n_nodes} nodes")
        for _ in range(rounds):
            values = tree_hash(values ^ np.take_along_axis(forest, indices, axis=1))
            indices = 2 * indices + np.where(values % 2 == 0, 1, 2)
            indices[indices >= n_nodes] = 0
        final[:, indices_p + first:indices_p + last] = indices
        final[:, values_p + first:values_p + last] = values
    return final


BUILTINS: Mapping[str, Builtin] = MappingProxyType({
    "tree-kernel": Builtin(
        "tree-kernel",
        "the take-home's tree traversal: header words 0..6, then forest, indices, values",
        tree_kernel_images,
    ),
})


# --- applying a puzzle's reference -------------------------------------------


def expected_memories(puzzle: Puzzle, inputs: Sequence[Sequence[int]]) -> list[list[int]]:
    """The expected final image for each input image, as a list of ints."""
    return [final.tolist() for final in expected_images(puzzle, inputs)]


def expected_images(puzzle: Puzzle, inputs: Sequence[Sequence[int]]
                    ) -> list[NDArray[np.uint32]]:
    """The expected final image for each input image, as a uint32 array (what scoring
    compares a run's final memory with, without an int object a word)."""
    import numpy as np

    reference = puzzle.reference
    if reference.builtin is not None:
        return BUILTINS[reference.builtin].compute(inputs)
    if reference.expected is not None:
        return [_with_expected(puzzle, memory) for memory in inputs]
    return [np.asarray(final, dtype=np.uint32) for final in _run_reference_program(puzzle, inputs)]


def _with_expected(puzzle: Puzzle, memory: Sequence[int]) -> NDArray[np.uint32]:
    import numpy as np

    final = np.array(memory, dtype=np.uint32)
    expected = puzzle.reference.expected or {}
    for region in layout(puzzle):
        if region.name in expected:
            final[region.start:region.stop] = expected[region.name]
    return final


def reference_program(puzzle: Puzzle) -> Program:
    """The puzzle's embedded reference program, checked against its machine.

    Raises machine.program.ProgramError with lines relative to the embedded
    text; the pack loader shifts them to lines of the pack file.
    """
    assert puzzle.reference.program is not None
    config = puzzle.machine.config()  # the machine's shape; its cycle limit derives from this
    return check(_parse(puzzle.reference.program, config.vlen), config)


@lru_cache(maxsize=32)
def _parse(text: str, vlen: int) -> Program:
    from machine.vasm import parse  # the assembler: only for a pack's reference program

    return parse(text, None, vlen)


def _run_reference_program(puzzle: Puzzle, inputs: Sequence[Sequence[int]]
                           ) -> list[Sequence[int]]:
    from game.runs import run_all

    program = reference_program(puzzle)
    results = run_all(program, inputs, puzzle.machine_config())
    finals = []
    for result in results:
        if result.fault is not None:
            raise ReferenceFailure(f"the reference program faults: {result.fault}")
        finals.append(result.memory)
    return finals
