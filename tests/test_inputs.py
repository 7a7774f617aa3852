"""Declarative inputs: layouts and the memory images they make for a seed."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.catalog import Catalog
from game.cli import main
from game.inputs import generate_memory, layout, memory_size
from game.pack import parse_pack


def takehome_image(seed: int, height: int, rounds: int, batch: int) -> list[int]:
    """The take-home's own generator, written from its description: random.seed, then
    the node values, then the walker values, each randint(0, 2**30 - 1)."""
    random.seed(seed)
    n_nodes = 2 ** (height + 1) - 1
    forest = [random.randint(0, 2**30 - 1) for _ in range(n_nodes)]
    values = [random.randint(0, 2**30 - 1) for _ in range(batch)]
    header = [rounds, n_nodes, batch, height, 7, 7 + n_nodes, 7 + n_nodes + batch]
    return header + forest + [0] * batch + values


def test_seed_123_of_the_full_size_puzzle_is_the_takehome_image() -> None:
    puzzle = Catalog().puzzle("takehome/tree-kernel").puzzle
    image = generate_memory(puzzle, 123)
    assert len(image) == 2566 == memory_size(puzzle)
    assert image[:7] == [16, 2047, 256, 10, 7, 2054, 2310]
    assert image == takehome_image(123, 10, 16, 256)


@pytest.mark.parametrize(("puzzle_id", "height", "rounds", "batch"), [
    ("tree-tiny", 2, 4, 8), ("tree-small", 3, 5, 16), ("tree-medium", 4, 6, 32)])
def test_warm_up_sizes_use_the_same_generator(puzzle_id: str, height: int, rounds: int,
                                              batch: int) -> None:
    puzzle = Catalog().puzzle(f"takehome/{puzzle_id}").puzzle
    for seed in (0, 1, 99):
        assert generate_memory(puzzle, seed) == takehome_image(seed, height, rounds, batch)


PACK = '''\
[pack]
id = "p"
title = "P"

[[puzzle]]
id = "q"
title = "Q"
scored_seeds = [1]
check = ["b"]
reference = { expected = { b = [0, 0, 0] } }
memory = [
  { name = "len_b", kind = "length", of = "b" },
  { name = "a", kind = "random", count = 4, min = 10, max = 12 },
  { name = "addr_b", kind = "address", of = "b" },
  { name = "k", kind = "words", values = [5, 6] },
  { name = "b", kind = "zeros", count = 3 },
  { name = "c", kind = "random", count = 2 },
  { name = "self", kind = "address", of = "self" },
]
'''


def test_regions_are_laid_out_in_order_with_pointers_and_lengths() -> None:
    puzzle = parse_pack(PACK).puzzles[0]
    placed = layout(puzzle)
    assert [(r.name, r.start, r.length, r.checked) for r in placed] == [
        ("len_b", 0, 1, False), ("a", 1, 4, False), ("addr_b", 5, 1, False), ("k", 6, 2, False),
        ("b", 8, 3, True), ("c", 11, 2, False), ("self", 13, 1, False)]
    image = generate_memory(puzzle, 7)
    rng = random.Random(7)
    a = [rng.randint(10, 12) for _ in range(4)]
    c = [rng.randint(0, 2**32 - 1) for _ in range(2)]
    assert image == [3, *a, 8, 5, 6, 0, 0, 0, *c, 13]


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_images_are_deterministic_and_within_their_ranges(seed: int) -> None:
    puzzle = parse_pack(PACK).puzzles[0]
    image = generate_memory(puzzle, seed)
    assert image == generate_memory(puzzle, seed)
    assert all(10 <= word <= 12 for word in image[1:5])
    assert all(0 <= word < 2**32 for word in image)


def test_puzzle_inputs_prints_the_image(capsys: pytest.CaptureFixture) -> None:
    assert main(["puzzle", "inputs", "takehome/tree-kernel", "--seed", "123", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == takehome_image(123, 10, 16, 256)
    assert main(["puzzle", "inputs", "takehome/tree-tiny", "--seed", "5"]) == 0
    out = capsys.readouterr().out.splitlines()
    image = takehome_image(5, 2, 4, 8)
    assert out[0] == "takehome/tree-tiny, seed 5: 30 words"
    assert "       1  n_nodes = 7" in out
    assert "      22  values: 8 words, random  (checked at the end)" in out
    assert out[-1].split() == ["22", *map(str, image[22:30])]


def test_puzzle_inputs_of_an_unknown_puzzle_is_a_one_line_error(
        capsys: pytest.CaptureFixture) -> None:
    assert main(["puzzle", "inputs", "takehome/tree-kernal", "--seed", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vliw puzzle: pack 'takehome' has no puzzle 'tree-kernal'; did you"
                          " mean takehome/tree-kernel")
    assert err.count("\n") == 1
    assert main(["puzzle", "inputs", "nopack", "--seed", "1"]) == 2
    assert "PACK/PUZZLE" in capsys.readouterr().err
