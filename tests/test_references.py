"""The built-in tree-kernel reference against a plain-Python kernel written here from
spec/tree-kernel.md: walker after walker, word after word, as the take-home's own does."""

from __future__ import annotations

import random

import numpy as np
import pytest

from game.catalog import Catalog
from game.inputs import generate_memory
from game.references import ReferenceFailure, tree_hash, tree_kernel, tree_kernels

MASK = 0xFFFFFFFF


def plain_hash(a: int) -> int:
    a = ((a + 0x7ED55D16) + (a << 12)) & MASK
    a = (a ^ 0xC761C23C) ^ (a >> 19)
    a = ((a + 0x165667B1) + (a << 5)) & MASK
    a = ((a + 0xD3A2646C) & MASK) ^ ((a << 9) & MASK)
    a = ((a + 0xFD7046C5) + (a << 3)) & MASK
    return (a ^ 0xB55A4F09) ^ (a >> 16)


def plain_kernel(memory: list[int]) -> list[int]:
    """One walker at a time, each reading and writing the final image in place."""
    rounds, n_nodes, batch, _, forest_p, indices_p, values_p = memory[:7]
    final = list(memory)
    for walker in range(batch):
        index, value = final[indices_p + walker], final[values_p + walker]
        if index >= n_nodes:
            raise ReferenceFailure(f"walker {walker} starts at node {index}")
        for _ in range(rounds):
            value = plain_hash(value ^ memory[forest_p + index])
            index = 2 * index + (1 if value % 2 == 0 else 2)
            if index >= n_nodes:
                index = 0
        final[indices_p + walker] = index
        final[values_p + walker] = value
    return final


def random_image(rng: random.Random, layout: str) -> list[int]:
    """A small tree-kernel image: the values after the indices ("apart"), on the same
    words ("same words"), or fewer than batch words before or after them ("overlapping")."""
    height = rng.randrange(0, 5)
    n_nodes, batch, rounds = 2 ** (height + 1) - 1, rng.randrange(1, 12), rng.randrange(0, 8)
    offset = {"apart": batch, "same words": 0,
              "overlapping": rng.choice([-1, 1]) * rng.randrange(1, batch + 1)}[layout]
    indices_p = 7 + n_nodes + batch  # room for values before the indices
    values_p = indices_p + offset
    memory = [rounds, n_nodes, batch, height, 7, indices_p, values_p]
    memory += [rng.randrange(2**32) for _ in range(n_nodes)]
    memory += [0] * (max(indices_p, values_p) + batch - len(memory))
    for walker in range(batch):
        memory[values_p + walker] = rng.randrange(2**32)
        memory[indices_p + walker] = rng.randrange(n_nodes)
    return memory


def outcome(kernel, memory: list[int]) -> list[int] | str:  # type: ignore[no-untyped-def]
    try:
        return kernel(memory)
    except ReferenceFailure as failure:
        return "walker " + str(failure).split("walker ")[1].split(",")[0]


def test_the_hash_of_a_word_array_is_the_hash_of_each_word() -> None:
    words = [0, 1, 2**30 - 1, 0x7ED55D16, MASK, 123456789]
    hashed = tree_hash(np.array(words, dtype=np.uint32))
    assert hashed.dtype == np.uint32
    assert hashed.tolist() == [plain_hash(word) for word in words] == list(map(tree_hash, words))


@pytest.mark.parametrize("seed", [123, 7, 2**32 - 1])
def test_the_full_size_reference_equals_the_plain_kernel(seed: int) -> None:
    puzzle = Catalog().puzzle("takehome/tree-kernel").puzzle
    memory = generate_memory(puzzle, seed)
    assert tree_kernel(memory) == plain_kernel(memory)


@pytest.mark.parametrize("layout", ["apart", "overlapping", "same words"])
def test_small_images_equal_the_plain_kernel_walker_by_walker(layout: str) -> None:
    """Overlapping indices and values make a walker read what an earlier one wrote; the
    reference still gives the walker-by-walker result (or fails at the same walker)."""
    rng = random.Random(layout)
    for _ in range(150):
        memory = random_image(rng, layout)
        assert outcome(tree_kernel, memory) == outcome(plain_kernel, memory)


def test_a_walker_outside_the_tree_is_named() -> None:
    memory = random_image(random.Random(3), "apart")
    memory[memory[5] + 2] = memory[1]
    with pytest.raises(ReferenceFailure, match=f"walker 2 starts at node {memory[1]}, outside"):
        tree_kernel(memory)


def test_many_images_at_once_are_each_image_alone() -> None:
    """Images that share a header move together in one array; each must still come out as
    the plain kernel makes it alone, whatever the other images in the call."""
    rng = random.Random(5)
    puzzle = Catalog().puzzle("takehome/tree-kernel").puzzle
    images = [generate_memory(puzzle, seed) for seed in range(3)]
    for layout in ["apart", "overlapping", "same words"] * 8:
        image = random_image(rng, layout)
        nodes = range(7, 7 + image[1])
        sibling = [rng.randrange(2**32) if address in nodes else word
                   for address, word in enumerate(image)]  # the same header, other nodes
        images += [image, sibling]
    images = [image for image in images if isinstance(outcome(plain_kernel, image), list)]
    assert len(images) > 30
    rng.shuffle(images)
    assert tree_kernels(images) == [plain_kernel(image) for image in images]


def test_one_image_with_a_walker_outside_fails_the_call() -> None:
    good = random_image(random.Random(4), "apart")
    bad = list(good)
    bad[bad[5] + 1] = bad[1]
    with pytest.raises(ReferenceFailure, match=f"walker 1 starts at node {bad[1]}, outside"):
        tree_kernels([good, good, bad, good])
