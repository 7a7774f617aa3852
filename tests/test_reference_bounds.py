"""The built-in tree kernel checks its header words against documented ranges before any
work: a pack cannot make `vliw pack lint` hang, fill memory or fail inside the reference."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.references import (
    MAX_TREE_BATCH,
    MAX_TREE_GROUP_ROUNDS,
    MAX_TREE_HEIGHT,
    MAX_TREE_ROUNDS,
    MAX_TREE_WALKER_ROUNDS,
    ReferenceFailure,
    tree_kernel,
)

PACK = '''\
[pack]
id = "bounds"
title = "Bounds"

[[puzzle]]
id = "walk"
title = "A walk"
scored_seeds = [1]
check = ["values"]
reference = {{ builtin = "tree-kernel" }}
memory = [
  {{ name = "rounds", kind = "words", values = [{rounds}] }},
  {{ name = "n_nodes", kind = "length", of = "forest" }},
  {{ name = "batch_size", kind = "length", of = "values" }},
  {{ name = "height", kind = "words", values = [{height}] }},
  {{ name = "forest_p", kind = "address", of = "forest" }},
  {{ name = "indices_p", kind = "address", of = "indices" }},
  {{ name = "values_p", kind = "address", of = "values" }},
  {{ name = "forest", kind = "random", count = 3, max = 1023 }},
  {{ name = "indices", kind = "zeros", count = 2 }},
  {{ name = "values", kind = "random", count = 2 }},
]
'''


@pytest.mark.parametrize(("rounds", "height", "message"), [
    (2**32 - 1, 1, f"rounds (word 0) is 4294967295; the built-in reference takes at most"
                   f" {MAX_TREE_ROUNDS}"),
    (2, 2**32 - 1, f"height (word 3) is 4294967295; the built-in reference takes at most"
                   f" {MAX_TREE_HEIGHT}"),
    (2, 20000, f"height (word 3) is 20000; the built-in reference takes at most"
               f" {MAX_TREE_HEIGHT}"),
    (2, 2, "n_nodes (word 1) is 3, but a tree of height 2 (word 3) has 7 nodes"),
])
def test_lint_of_a_tree_pack_with_a_wild_header_word_is_one_line(
        tmp_path: Path, rounds: int, height: int, message: str) -> None:
    """Before the ranges: rounds 2^32-1 ran for hours, height 2^32-1 grew past 1.5 GB and
    height 20000 ended in exit 3 (an error message with a 6000-digit number)."""
    path = tmp_path / "wild.toml"
    path.write_text(PACK.format(rounds=rounds, height=height), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "game", "pack", "lint", str(path)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"{path}:10: puzzle[0].reference: tree-kernel: {message}"]


def header(rounds: int, height: int, batch: int, gap: int | None = None) -> list[int]:
    """A tree-kernel image with its values `gap` words after its indices (default: apart;
    a negative gap puts them before, so each walker's index is a zero word, in the tree)."""
    n_nodes = 2 ** (height + 1) - 1
    indices_p = 7 + n_nodes
    values_p = indices_p + (batch if gap is None else gap)
    memory = [rounds, n_nodes, batch, height, 7, indices_p, values_p] + [1] * n_nodes
    return memory + [0] * (max(indices_p, values_p) + batch - len(memory))


@pytest.mark.parametrize(("memory", "message"), [
    (header(1, 0, MAX_TREE_BATCH + 1),
     f"batch_size \\(word 2\\) is {MAX_TREE_BATCH + 1}; .* at most {MAX_TREE_BATCH}"),
    (header(MAX_TREE_ROUNDS, 0, MAX_TREE_BATCH),
     f"{MAX_TREE_ROUNDS} rounds of {MAX_TREE_BATCH} walkers .* at most"
     f" {MAX_TREE_WALKER_ROUNDS}"),
    (header(MAX_TREE_ROUNDS, 0, 64, gap=-1),
     f"the 64 walkers go in 64 groups, .* more than the {MAX_TREE_GROUP_ROUNDS} group-rounds"),
    (header(1, 0, 4)[:-1], "the values \\(4 words at 12\\) run past the end of memory"),
    ([1, 2, 3], "needs the 7 header words"),
    ([2**40, 1, 1, 0, 7, 8, 9, 0, 0, 0], "rounds \\(word 0\\) is not a word in 0..2\\^32-1$"),
])
def test_header_words_outside_their_ranges_fail_before_any_work(memory: list[int],
                                                                message: str) -> None:
    with pytest.raises(ReferenceFailure, match=message):
        tree_kernel(memory)


def test_the_largest_accepted_header_runs() -> None:
    """The bounds are limits, not traps: a header at them is computed."""
    memory = header(MAX_TREE_GROUP_ROUNDS // 64, 3, 64, gap=-1)
    assert len(tree_kernel(memory)) == len(memory)
