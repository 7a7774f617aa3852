"""The vectors pack: each statement read in plain Python, on random inputs and on every
fixed case, so that a reference program and the shipped solutions cannot share a
misreading; statements complete on their own; marks and `best` honest about the
shipped solutions.

The checks the content packs share (memory table, canonical solutions, best scores)
are those of test_content_packs.py, applied here to this pack's puzzles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate
from pathlib import Path

import pytest
from test_content_packs import WORD, by_id, catalog, checked, entries, scores, solution_paths
from test_content_packs import test_a_solution_is_canonical_and_names_itself as is_canonical
from test_content_packs import test_no_single_answer_passes_many_tests as varied
from test_content_packs import test_the_best_solution_beats_the_straightforward_one as beats
from test_content_packs import test_the_memory_table_covers_the_memory_exactly as table_covers
from test_content_packs import test_the_pack_records_the_best_shipped_scores as records_best

from game.catalog import PuzzleEntry
from game.histogram import content_hash
from game.inputs import case_memory, generate_memory
from game.pack.lint import lint_pack
from game.paths import PUZZLES_DIR
from game.references import expected_memories, reference_program, tree_hash
from machine.loader import load_program

Spec = Callable[[Sequence[int]], dict[str, list[int]]]


def _max(m: Sequence[int]) -> dict[str, list[int]]:
    return {"largest": [max(m[:64])]}


def _matmul(m: Sequence[int]) -> dict[str, list[int]]:
    a, b = m[:64], m[64:128]
    return {"c": [sum(a[8 * i + k] * b[8 * k + j] for k in range(8)) % WORD
                  for i in range(8) for j in range(8)]}


def _sort_columns(m: Sequence[int]) -> dict[str, list[int]]:
    columns = [sorted(m[j:64:8]) for j in range(8)]
    return {"out": [columns[j][r] for r in range(8) for j in range(8)]}


def _hash_rounds(m: Sequence[int]) -> dict[str, list[int]]:
    out = []
    for word in m[:64]:
        for _ in range(4):
            word = tree_hash(word)
        out.append(word)
    return {"out": out}


SPECS: dict[str, Spec] = {
    "vectors/sum": lambda m: {"total": [sum(m[:64]) % WORD]},
    "vectors/max": _max,
    "vectors/dot": lambda m: {"dot": [sum(m[i] * m[64 + i] for i in range(64)) % WORD]},
    "vectors/prefix-sum": lambda m: {"sums": [s % WORD for s in accumulate(m[:32])]},
    "vectors/transpose": lambda m: {"out": [m[8 * r + c] for c in range(8) for r in range(8)]},
    "vectors/lookup": lambda m: {"out": [m[k] for k in m[4:68]]},
    "vectors/histogram": lambda m: {"counts": [list(m[:64]).count(b) for b in range(8)]},
    "vectors/matmul": _matmul,
    "vectors/sort-columns": _sort_columns,
    "vectors/hash-rounds": _hash_rounds,
}

VECTORS = entries(["vectors"])
SHIPPED = [path for entry in VECTORS for path in solution_paths(entry)]


def test_the_pack_lints_clean() -> None:
    assert lint_pack(PUZZLES_DIR / "vectors.toml") == []


def test_ten_puzzles_stand_between_the_tutorial_and_the_minimal_packs() -> None:
    assert [entry.id for entry in VECTORS] == list(SPECS)
    assert catalog().pack("tutorial").pack.order < 20 == catalog().pack("vectors").pack.order
    assert all(catalog().pack(pack).pack.order > 20 for pack in ("minimal", "minimal-arrays"))


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_the_reference_does_what_the_statement_says(entry: PuzzleEntry) -> None:
    puzzle = entry.puzzle
    inputs = [generate_memory(puzzle, seed)
              for seed in (*puzzle.scored_seeds, 7, 1_000_003, 2**40 + 5)]
    inputs += [[int(word) for word in case_memory(puzzle, case)] for case in puzzle.cases]
    for memory, final in zip(inputs, expected_memories(puzzle, inputs), strict=True):
        assert checked(entry, final) == SPECS[entry.id](memory)


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_no_single_answer_passes_many_tests(entry: PuzzleEntry) -> None:
    varied(entry)


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_every_puzzle_tests_at_least_three_edge_cases(entry: PuzzleEntry) -> None:
    cases = entry.puzzle.cases
    assert len(cases) >= 3
    tested = " ".join(entry.puzzle.description.split("**Tested:**", 1)[1].split())
    assert "fixed cases" in tested and len(tested) > 60


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_the_memory_table_covers_the_memory_exactly(entry: PuzzleEntry) -> None:
    table_covers(entry)


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_a_statement_is_complete_on_its_own(entry: PuzzleEntry) -> None:
    puzzle = entry.puzzle
    text = " ".join(puzzle.description.split())
    for part in ("**Memory**", "**Example.**", "**Machine:**", "**Scores:**", "**Targets:**",
                 "**Tested:**"):
        assert part in text
    assert puzzle.cycle_limit is not None
    assert f"Cycle limit: {puzzle.cycle_limit:,} per test" in text
    scores_text = text.split("**Scores:**", 1)[1].split("**Targets:**", 1)[0]
    said = {"cycles": "cycles", "instructions": "instructions", "scratch": "scratch words"}
    positions = [scores_text.index(said[metric]) for metric in puzzle.metrics]
    assert positions == sorted(positions), "the scores are named in their order"


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_three_solutions_and_the_straightforward_one_is_the_reference(
        entry: PuzzleEntry) -> None:
    beats(entry)
    paths = solution_paths(entry)
    assert len(paths) >= 3
    plain = next(path for path in paths if path.stem == "straightforward")
    assert content_hash(load_program(plain)) == content_hash(reference_program(entry.puzzle))


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_the_pack_records_the_best_shipped_scores(entry: PuzzleEntry) -> None:
    records_best(entry)


@pytest.mark.parametrize("entry", **by_id(VECTORS))
def test_the_marks_and_targets_are_shipped_scores(entry: PuzzleEntry) -> None:
    marks = entry.puzzle.marks
    assert 1 <= len(marks) <= 3
    shipped = {mark.metric: {scores(path).get(mark.metric) for path in solution_paths(entry)}
               for mark in marks}
    targets = entry.puzzle.description.split("**Targets:**", 1)[1]
    for mark in marks:
        assert mark.value in shipped[mark.metric]
        assert f"**{mark.value:,}**" in targets


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_solution_is_canonical_and_names_itself(path: Path) -> None:
    is_canonical(path)
