"""The content packs (tutorial, minimal*, and the take-home's warm-ups): clean, exact, solved,
and honest about themselves.

Each puzzle's reference is checked against a plain-Python reading of its
statement (`SPECS`), so a reference program and the shipped solutions cannot
share a misreading. Statements are checked against the puzzles' own data (the
memory table covers the memory exactly; the minimal packs state their machine
and cycle limit as configured). Shipped solutions are scored here on the
scored seeds only: test_check.py validates each one in full (robustness seeds,
claimed scores).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from game.catalog import Catalog, PuzzleEntry
from game.histogram import content_hash
from game.histogram_build import histogram_path, puzzle_histogram
from game.inputs import generate_memory, layout, memory_size
from game.pack.lint import lint_pack
from game.paths import PUZZLES_DIR, SOLUTIONS_DIR
from game.references import expected_memories, tree_hash
from game.scoring import Scores, score_program
from machine.isa import Engine
from machine.loader import load_program, read_program_text
from machine.vasm import format_program, parse

WORD = 1 << 32
MINIMAL_PACKS = tuple(sorted(p.stem for p in PUZZLES_DIR.glob("minimal*.toml")))
CONTENT_PACKS = ("tutorial", *MINIMAL_PACKS)
FLAGSHIPS = {"tutorial/ceiling", "tutorial/tree-step", "minimal/gray", "minimal/mod3",
             "minimal-arrays/filter", "minimal-arrays/sort"}
"""Puzzles that ship three or more solutions."""

Spec = Callable[[Sequence[int]], dict[str, list[int]]]


# --- the statements, in plain Python ------------------------------------------


def _fibonacci(m: Sequence[int]) -> dict[str, list[int]]:
    a, b = m[1], m[2]
    for _ in range(m[0]):
        a, b = b, (a + b) % WORD
    return {"result": [a]}


def _tree_step(m: Sequence[int]) -> dict[str, list[int]]:
    nodes, indices, values = m[7:14], list(m[14:22]), list(m[22:30])
    for w in range(8):
        values[w] = tree_hash(values[w] ^ nodes[indices[w]])
        indices[w] = 2 * indices[w] + (1 if values[w] % 2 == 0 else 2)
        indices[w] = 0 if indices[w] >= 7 else indices[w]
    return {"indices": indices, "values": values}


def _gray_decode(code: int) -> int:
    n = 0
    for bit in range(31, -1, -1):
        above = (n >> (bit + 1)) & 1
        n |= (((code >> bit) & 1) ^ above) << bit
    return n


def _find(m: Sequence[int]) -> dict[str, list[int]]:
    words = list(m[:32])
    return {"answers": [words.index(key) if key in words else 32 for key in m[32:36]]}


def _brackets(m: Sequence[int]) -> dict[str, list[int]]:
    still_open = stray = 0
    for bracket in m[:32]:
        if bracket == 1:
            still_open += 1
        elif still_open:
            still_open -= 1
        else:
            stray += 1
    return {"unmatched": [stray, still_open]}


SPECS: dict[str, Spec] = {
    "tutorial/add-two": lambda m: {"sum": [(m[0] + m[1]) % WORD]},
    "tutorial/four-answers": lambda m: {"answers": [
        (m[0] + m[1]) % WORD, (m[0] - m[1]) % WORD, m[0] ^ m[1], m[0] * m[1] % WORD]},
    "tutorial/vector-add": lambda m: {"c": [(m[i] + m[32 + i]) % WORD for i in range(32)]},
    "tutorial/scale": lambda m: {"y": [(m[0] * x + m[1]) % WORD for x in m[2:34]]},
    "tutorial/ceiling": lambda m: {"data": [min(x, m[0]) for x in m[1:257]]},
    "tutorial/fibonacci": _fibonacci,
    "tutorial/hash": lambda m: {"values": [tree_hash(x) for x in m[:8]]},
    "tutorial/tree-step": _tree_step,
    "minimal/digits": lambda m: {"digits": [m[0] // 10 ** p % 10 for p in range(9, -1, -1)]},
    "minimal/gcd": lambda m: {"gcds": [math.gcd(m[2 * k], m[2 * k + 1]) for k in range(8)]},
    "minimal/multiply": lambda m: {"products": [m[k] * m[8 + k] for k in range(8)]},
    "minimal/isqrt": lambda m: {"roots": [math.isqrt(x) for x in m[:8]]},
    "minimal/popcount": lambda m: {"counts": [x.bit_count() for x in m[:8]]},
    "minimal/reverse-bits": lambda m: {"mirrored": [int(f"{x:032b}"[::-1], 2) for x in m[:8]]},
    "minimal/gray": lambda m: {"numbers": [_gray_decode(g) for g in m[:8]]},
    "minimal/mod3": lambda m: {"residues": [x % 3 for x in m[:8]]},
    "minimal-arrays/reverse": lambda m: {"reversed": list(m[15::-1])},
    "minimal-arrays/runner-up": lambda m: {"podium": sorted(m[:16], reverse=True)[:2]},
    "minimal-arrays/find": _find,
    "minimal-arrays/histogram": lambda m: {"counts": [list(m[8:40]).count(v) for v in range(8)]},
    "minimal-arrays/filter": lambda m: {"odd": ([x for x in m[32:64] if x % 2] + [0] * 32)[:32]},
    "minimal-arrays/sort": lambda m: {"words": sorted(m[:16])},
    "minimal-arrays/brackets": _brackets,
}


# --- what is shipped ----------------------------------------------------------


@functools.cache
def catalog() -> Catalog:
    return Catalog()


def entries(packs: Sequence[str]) -> list[PuzzleEntry]:
    return [catalog().puzzle(f"{pack}/{puzzle.id}")
            for pack in packs for puzzle in catalog().pack(pack).puzzles]


CONTENT = entries(CONTENT_PACKS)
MINIMAL = entries(MINIMAL_PACKS)
TAKEHOME = entries(("takehome",))
WARM_UPS = [entry for entry in TAKEHOME
            if entry.puzzle.id in ("tree-hash", "tree-gather", "tree-step", "tree-top",
                                   "tree-loop")]
"""The take-home's warm-ups on the full-size machine, one idea of the kernel each."""


def by_id(items: Sequence[PuzzleEntry]) -> dict[str, object]:
    return {"argvalues": items, "ids": [entry.id for entry in items]}


def solution_paths(entry: PuzzleEntry) -> list[Path]:
    return sorted((SOLUTIONS_DIR / entry.pack.id / entry.puzzle.id).glob("*.vasm"))


@functools.cache
def scores(path: Path) -> Scores:
    """The scores of a shipped solution on its puzzle's scored seeds."""
    entry = catalog().puzzle(f"{path.parent.parent.name}/{path.parent.name}")
    report = score_program(entry.puzzle, load_program(path), robustness=[])
    assert report.tests_passed, report.failures()
    return report.scores


def checked(entry: PuzzleEntry, memory: Sequence[int]) -> dict[str, list[int]]:
    return {r.name: list(memory[r.start:r.stop]) for r in layout(entry.puzzle) if r.checked}


# --- the packs ----------------------------------------------------------------


@pytest.mark.parametrize("pack", CONTENT_PACKS)
def test_the_pack_lints_clean(pack: str) -> None:
    assert lint_pack(PUZZLES_DIR / f"{pack}.toml") == []


def test_there_are_six_lessons_and_twelve_minimal_puzzles() -> None:
    assert len(catalog().pack("tutorial").puzzles) >= 6
    assert len(MINIMAL) >= 12


def test_the_tutorial_ends_with_a_step_of_the_tree_kernel() -> None:
    last = catalog().pack("tutorial").puzzles[-1]
    assert last.reference.builtin == "tree-kernel"


def test_every_puzzle_has_a_statement_in_python() -> None:
    assert sorted(SPECS) == sorted(entry.id for entry in CONTENT)


@pytest.mark.parametrize("entry", **by_id(CONTENT))
def test_the_reference_does_what_the_statement_says(entry: PuzzleEntry) -> None:
    seeds = [*entry.puzzle.scored_seeds, 7, 1_000_003, 2**40 + 5]
    inputs = [generate_memory(entry.puzzle, seed) for seed in seeds]
    for memory, final in zip(inputs, expected_memories(entry.puzzle, inputs), strict=True):
        assert checked(entry, final) == SPECS[entry.id](memory)


@pytest.mark.parametrize("entry", **by_id(CONTENT))
def test_no_single_answer_passes_many_tests(entry: PuzzleEntry) -> None:
    inputs = [generate_memory(entry.puzzle, seed) for seed in range(500, 540)]
    answers = Counter(repr(checked(entry, final))
                      for final in expected_memories(entry.puzzle, inputs))
    assert answers.most_common(1)[0][1] <= len(inputs) // 4


# --- the statements -----------------------------------------------------------

_TABLE_ROW = re.compile(r"^\| (\d+)(?:\.\.(\d+))? \|", re.MULTILINE)


@pytest.mark.parametrize("entry", **by_id([*CONTENT, *WARM_UPS]))
def test_the_memory_table_covers_the_memory_exactly(entry: PuzzleEntry) -> None:
    description = entry.puzzle.description
    size = memory_size(entry.puzzle)
    assert f"({size} words)" in description
    after = description.split("**Memory**", 1)[1]
    table = after[after.index("\n|"):].split("\n\n", 1)[0]
    covered = [address for match in _TABLE_ROW.finditer(table)
               for address in range(int(match[1]), int(match[2] or match[1]) + 1)]
    assert sorted(covered) == list(range(size))


@pytest.mark.parametrize("entry", **by_id(MINIMAL))
def test_a_minimal_statement_states_its_machine_and_limit(entry: PuzzleEntry) -> None:
    puzzle = entry.puzzle
    config = puzzle.machine_config()
    text = " ".join(puzzle.description.split())
    alu = config.slot_limit(Engine.ALU)
    assert f"per bundle {alu} alu, 1 load, 1 store and 1 flow slot; no vector unit" in text
    assert f"**{config.scratch_size}** scratch words" in text
    assert f"Cycle limit: {puzzle.cycle_limit:,} per test" in text
    stated = text.split("Operations:", 1)[1].split("**Scores", 1)[0]
    named = {word for span in re.findall(r"`([^`]*)`", stated) for word in span.split()}
    assert named == set(puzzle.machine.allowed_ops or ())


@pytest.mark.parametrize("entry", **by_id(MINIMAL))
def test_a_minimal_machine_is_small_and_scored_by_instructions(entry: PuzzleEntry) -> None:
    puzzle = entry.puzzle
    config = puzzle.machine_config()
    assert puzzle.primary_metric == "instructions"
    assert config.slot_limit(Engine.VALU) == 0
    assert 1 <= config.slot_limit(Engine.ALU) <= 2
    assert [config.slot_limit(e) for e in (Engine.LOAD, Engine.STORE, Engine.FLOW)] == [1, 1, 1]
    assert 8 <= config.scratch_size <= 32
    assert config.allowed_ops is not None
    assert puzzle.cycle_limit <= 50_000


# --- the shipped solutions ----------------------------------------------------


@pytest.mark.parametrize("entry", **by_id(CONTENT))
def test_the_best_solution_beats_the_straightforward_one(entry: PuzzleEntry) -> None:
    paths = solution_paths(entry)
    names = [path.stem for path in paths]
    assert "straightforward" in names
    assert len(paths) >= (3 if entry.id in FLAGSHIPS else 2)
    metric = entry.puzzle.primary_metric
    plain = scores(paths[names.index("straightforward")]).get(metric)
    assert min(scores(path).get(metric) for path in paths) < plain


@pytest.mark.parametrize("entry", **by_id(CONTENT))
def test_the_pack_records_the_best_shipped_scores(entry: PuzzleEntry) -> None:
    found = {metric: min(scores(path).get(metric) for path in solution_paths(entry))
             for metric in entry.puzzle.metrics}
    assert dict(entry.puzzle.best) == found


@pytest.mark.parametrize("entry", **by_id(CONTENT))
def test_the_histogram_holds_every_shipped_solution(entry: PuzzleEntry) -> None:
    assert histogram_path(entry).exists()
    stored = {point.hash for point in puzzle_histogram(entry).points}
    assert {content_hash(load_program(path)) for path in solution_paths(entry)} <= stored


SHIPPED = [path for pack in CONTENT_PACKS
           for path in sorted((SOLUTIONS_DIR / pack).rglob("*.vasm"))]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SOLUTIONS_DIR)))
def test_a_solution_is_canonical_and_names_itself(path: Path) -> None:
    text = read_program_text(path)
    program = parse(text, str(path))
    assert format_program(program) == text, f"run `vliw fmt {path}`"
    header = program.metadata
    assert header["puzzle"] == f"{path.parent.parent.name}/{path.parent.name}"
    assert header["name"] == path.stem


# --- the take-home pack -------------------------------------------------------

EDGE_CASES = {"every value 0", "every value max", "every node 0", "every node max",
              "every node and every value equal", "three distinct words",
              "0 and max alternating"}
INDEX_CASES = {"every walker on the root", "every walker on the last node", "indices sorted",
               "the root and the last node alternating"}
STATEMENT_PARTS = ("**Idea:", "**Memory**", "**Machine:**", "**Scores:**", "**Example:**",
                   "**Targets:**", "**Edge cases")


def _claimed_cycles(path: Path) -> int:
    return int(load_program(path).metadata["cycles"])


def test_the_takehome_pack_comes_last_as_the_final_exam() -> None:
    packs, errors = catalog().load_all()
    assert errors == [] and packs[-1].id == "takehome"
    assert all(pack.pack.order < packs[-1].pack.order for pack in packs[:-1])
    ids = [entry.puzzle.id for entry in TAKEHOME]
    assert ids[-1] == "tree-kernel" and ids.index("tree-medium") < ids.index("tree-hash")
    assert len(WARM_UPS) == 5


@pytest.mark.parametrize("entry", **by_id(TAKEHOME))
def test_every_takehome_puzzle_has_its_edge_cases(entry: PuzzleEntry) -> None:
    names = {case.name for case in entry.puzzle.cases}
    indices = layout(entry.puzzle)[8]
    assert indices.name == "indices"
    assert names == (EDGE_CASES | INDEX_CASES if indices.kind == "random" else EDGE_CASES)


@pytest.mark.parametrize("entry", **by_id(WARM_UPS))
def test_a_warm_up_states_everything_and_ships_three_solutions_and_its_best(
        entry: PuzzleEntry) -> None:
    for part in STATEMENT_PARTS:
        assert part in entry.puzzle.description, part
    paths = solution_paths(entry)
    assert len(paths) >= 3
    assert entry.puzzle.best["cycles"] == min(_claimed_cycles(path) for path in paths)
