"""The machines pack: each puzzle's reference agrees with a plain-Python reading of its
statement, the statement states its machine as configured, and the pack is honest about its
shipped solutions (three or more each, `best` the best that a solution or the reference reaches).

Shipped solutions are scored here as `vliw check` scores them; test_check.py checks the claims
in their headers.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from game.catalog import Catalog, PuzzleEntry
from game.inputs import case_memory, generate_memory, layout, memory_size
from game.paths import PUZZLES_DIR, SOLUTIONS_DIR
from game.references import expected_memories, reference_program
from game.scoring import Scores, score_program
from machine.isa import Engine
from machine.loader import load_program, read_program_text
from machine.vasm import format_program, parse

WORD = 1 << 32
PACK = "machines"

Spec = Callable[[Sequence[int]], dict[str, list[int]]]


# --- the statements, in plain Python ------------------------------------------


def _matrix(m: Sequence[int]) -> dict[str, list[int]]:
    y = []
    for k in range(16):
        x = m[16 + 4 * k:20 + 4 * k]
        y += [sum(m[4 * j + i] * x[j] for j in range(4)) % WORD for i in range(4)]
    return {"y": y}


def _polynomial(m: Sequence[int]) -> dict[str, list[int]]:
    return {"y": [sum(c * pow(x, k, WORD) for k, c in enumerate(m[:8])) % WORD
                  for x in m[8:72]]}


_OPS: dict[int, Callable[[int, int], int]] = {
    1: lambda acc, arg: acc + arg, 2: lambda acc, arg: acc - arg,
    3: lambda acc, arg: acc ^ arg, 4: lambda acc, arg: acc & arg,
    5: lambda acc, arg: acc | arg, 6: lambda acc, arg: acc * arg,
    7: lambda acc, _: -acc,
}


def _interpret(m: Sequence[int]) -> dict[str, list[int]]:
    acc = m[0]
    for op, arg in zip(m[1:25], m[25:49], strict=True):
        if op == 0:
            break
        acc = _OPS[op](acc, arg) % WORD
    return {"result": [acc]}


def _scatter(m: Sequence[int]) -> dict[str, list[int]]:
    out = [0] * 64
    for dest, x in zip(m[64:128], m[128:192], strict=True):
        out[dest] = x
    return {"out": out}


SPECS: dict[str, Spec] = {
    "no-alu": lambda m: {"total": [sum(m[:64]) % WORD]},
    "no-flow": lambda m: {"distance": [abs(a - b) for a, b in zip(m[:32], m[32:64], strict=True)]},
    "four-lanes": _matrix,
    "one-load": lambda m: {"sums": [sum(m[i:i + 3]) % WORD for i in range(64)]},
    "forty-words": _polynomial,
    "four-cores": lambda m: {"total": [sum(m[:512]) % WORD]},
    "no-multiply": lambda m: {"counts": [x.bit_count() for x in m[:64]]},
    "interpreter": _interpret,
    "strlen": lambda m: {"length": [list(m[:264]).index(0)]},
    "scatter": _scatter,
}


# --- what is shipped ----------------------------------------------------------


@functools.cache
def catalog() -> Catalog:
    return Catalog()


ENTRIES = [catalog().puzzle(f"{PACK}/{puzzle.id}") for puzzle in catalog().pack(PACK).puzzles]
BY_ID = {"argvalues": ENTRIES, "ids": [entry.puzzle.id for entry in ENTRIES]}


def solution_paths(entry: PuzzleEntry) -> list[Path]:
    return sorted((SOLUTIONS_DIR / PACK / entry.puzzle.id).glob("*.vasm"))


@functools.cache
def solution_scores(path: Path) -> Scores:
    """A shipped solution's scores as a validation takes them: its cycles are the worst over
    the fixed cases, the scored seeds and the robustness seeds derived from the program."""
    entry = catalog().puzzle(f"{PACK}/{path.parent.name}")
    report = score_program(entry.puzzle, load_program(path), puzzle_id=entry.id)
    assert report.tests_passed, report.failures()
    return report.scores


def reference_scores(entry: PuzzleEntry) -> Scores:
    """The reference's scores on the fixed cases and the scored seeds."""
    report = score_program(entry.puzzle, reference_program(entry.puzzle), robustness=[])
    assert report.tests_passed, report.failures()
    return report.scores


def checked(entry: PuzzleEntry, memory: Sequence[int]) -> dict[str, list[int]]:
    return {r.name: list(memory[r.start:r.stop]) for r in layout(entry.puzzle) if r.checked}


def statement(entry: PuzzleEntry) -> str:
    """The description with its emphasis marks dropped and its whitespace made single."""
    return " ".join(entry.puzzle.description.replace("**", "").split())


# --- the pack -----------------------------------------------------------------


def test_the_pack_has_ten_puzzles_each_with_a_statement_in_python() -> None:
    assert [entry.puzzle.id for entry in ENTRIES] == list(SPECS)


def test_the_pack_comes_after_the_minimal_packs() -> None:
    order = catalog().pack(PACK).pack.order
    minimal = [catalog().pack(p.stem).pack.order for p in PUZZLES_DIR.glob("minimal*.toml")]
    assert minimal and all(order > other for other in minimal)


@pytest.mark.parametrize("entry", **BY_ID)
def test_the_reference_does_what_the_statement_says(entry: PuzzleEntry) -> None:
    inputs = [generate_memory(entry.puzzle, seed)
              for seed in [*entry.puzzle.scored_seeds, 7, 1_000_003]]
    inputs += [[int(word) for word in case_memory(entry.puzzle, case)]
               for case in entry.puzzle.cases]
    for memory, final in zip(inputs, expected_memories(entry.puzzle, inputs), strict=True):
        assert checked(entry, final) == SPECS[entry.puzzle.id](memory)


@pytest.mark.parametrize("entry", **BY_ID)
def test_every_fixed_case_is_an_input_of_its_own(entry: PuzzleEntry) -> None:
    """Each case changes its seed's image, and no two cases test the same input."""
    cases = entry.puzzle.cases
    assert len(cases) >= 4
    images = [[int(w) for w in case_memory(entry.puzzle, case)] for case in cases]
    for case, image in zip(cases, images, strict=True):
        assert image != generate_memory(entry.puzzle, case.seed), case.name
    assert len({tuple(image) for image in images}) == len(images)


# --- the statements -----------------------------------------------------------

_TABLE_ROW = re.compile(r"^\| (\d+)(?:\.\.(\d+))? \|", re.MULTILINE)


@pytest.mark.parametrize("entry", **BY_ID)
def test_the_memory_table_covers_the_memory_exactly(entry: PuzzleEntry) -> None:
    description = entry.puzzle.description
    assert f"({memory_size(entry.puzzle)} words)" in description
    after = description.split("**Memory**", 1)[1]
    table = after[after.index("\n|"):].split("\n\n", 1)[0]
    covered = [address for match in _TABLE_ROW.finditer(table)
               for address in range(int(match[1]), int(match[2] or match[1]) + 1)]
    assert sorted(covered) == list(range(memory_size(entry.puzzle)))


@pytest.mark.parametrize("entry", **BY_ID)
def test_the_statement_states_its_machine_limit_and_sections(entry: PuzzleEntry) -> None:
    puzzle, text = entry.puzzle, statement(entry)
    config = puzzle.machine_config()
    machine = text.split("Machine:", 1)[1]
    for engine in (Engine.ALU, Engine.VALU, Engine.LOAD, Engine.STORE, Engine.FLOW):
        assert f"{config.slot_limit(engine)} {engine.value}" in machine, engine
    assert f"vlen {config.vlen}" in machine
    assert f"{config.scratch_size} scratch words" in machine
    assert ("four cores" in machine) == (config.n_cores == 4) and config.n_cores in (1, 4)
    for op in puzzle.machine.forbidden_ops or ():
        assert f"`{op}`" in machine
    assert f"Cycle limit: {puzzle.cycle_limit:,} per test" in text
    for section in ("The idea.", "Scores:", "Targets", "Example:", "Tested edge cases:"):
        assert section in text, section
    metric_names = {"cycles": "cycles", "instructions": "instructions", "scratch": "scratch words"}
    scores = text.split("Scores:", 1)[1]
    assert scores.index(metric_names[puzzle.metrics[0]]) < scores.index("then")


# --- the shipped solutions ----------------------------------------------------


@pytest.mark.parametrize("entry", **BY_ID)
def test_three_solutions_and_the_best_beats_the_straightforward_one(entry: PuzzleEntry) -> None:
    paths = solution_paths(entry)
    names = [path.stem for path in paths]
    assert "straightforward" in names and len(paths) >= 3
    metric = entry.puzzle.primary_metric
    plain = solution_scores(paths[names.index("straightforward")]).get(metric)
    assert min(solution_scores(path).get(metric) for path in paths) < plain
    assert len({tuple(solution_scores(path).get(m) for m in entry.puzzle.metrics)
                for path in paths}) == len(paths)


@pytest.mark.parametrize("entry", **BY_ID)
def test_best_is_the_best_a_solution_or_the_reference_reaches(entry: PuzzleEntry) -> None:
    everything = [*(solution_scores(path) for path in solution_paths(entry)),
                  reference_scores(entry)]
    found = {metric: min(scores.get(metric) for scores in everything)
             for metric in entry.puzzle.metrics}
    assert dict(entry.puzzle.best) == found


@pytest.mark.parametrize("entry", **BY_ID)
def test_the_marks_stand_on_the_primary_metric_from_the_reference_down(
        entry: PuzzleEntry) -> None:
    marks = entry.puzzle.marks
    metric = entry.puzzle.primary_metric
    assert 1 <= len(marks) <= 3 and {mark.metric for mark in marks} == {metric}
    assert marks[0].value == reference_scores(entry).get(metric)
    assert marks[-1].value == entry.puzzle.best[metric]


@pytest.mark.parametrize("entry", **BY_ID)
def test_the_targets_are_the_shipped_scores(entry: PuzzleEntry) -> None:
    targets = statement(entry).split("Targets", 1)[1].split("The best known", 1)[0]
    stated = sorted(int(n.replace(",", "")) for n in re.findall(r"([\d,]+) \(", targets))
    metric = entry.puzzle.primary_metric
    assert stated == sorted(solution_scores(path).get(metric) for path in solution_paths(entry))


SHIPPED = sorted((SOLUTIONS_DIR / PACK).rglob("*.vasm"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SOLUTIONS_DIR)))
def test_a_solution_is_canonical_and_names_itself(path: Path) -> None:
    text = read_program_text(path)
    program = parse(text, str(path))
    assert format_program(program) == text, f"run `vliw fmt {path}`"
    assert program.metadata["puzzle"] == f"{PACK}/{path.parent.name}"
    assert program.metadata["name"] == path.stem


def test_the_interpreter_pack_ships_a_one_bundle_dispatch() -> None:
    """The threaded interpreter's claim: one cycle per interpreted instruction, plus a prologue
    and the STOP, on the worst test (24 instructions, none a STOP)."""
    cycles = solution_scores(SOLUTIONS_DIR / PACK / "interpreter" / "threaded.vasm").cycles
    assert cycles <= 24 + math.ceil(24 / 4)
