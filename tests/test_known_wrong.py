"""Known-wrong solutions: plausible programs with a bug only a puzzle's fixed cases catch.

Each file under tests/wrong/<pack>/<puzzle>/ is a real attempt at its puzzle
with one bug (its comment says which), and names in its `# fails-on:` header
the fixed case that catches it. Every one must fail `vliw check`, on fixed
cases only, and must pass the same puzzle's random seeds (scored and 64
robustness seeds) once the cases are taken away: so the failure is the
cases' doing, not the luck of a seed. The cases themselves are checked
against the plain-Python statements of test_content_packs.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from test_check import shipped_report
from test_content_packs import CONTENT, SPECS, by_id, checked

from game.catalog import Catalog, PuzzleEntry
from game.inputs import case_memory
from game.references import expected_memories
from game.scoring import score_program
from machine.loader import load_program

WRONG_DIR = Path(__file__).parent / "wrong"
WRONG = sorted(WRONG_DIR.rglob("*.vasm"))
ids = {"ids": lambda path: str(path.relative_to(WRONG_DIR))}


def entry_of(path: Path) -> PuzzleEntry:
    return Catalog().puzzle(f"{path.parent.parent.name}/{path.parent.name}")


def test_there_are_known_wrong_solutions_for_the_bugs_random_seeds_miss() -> None:
    folders = {path.parent.relative_to(WRONG_DIR).as_posix() for path in WRONG}
    assert {"minimal/isqrt", "minimal/popcount", "minimal-arrays/runner-up",
            "minimal-arrays/sort"} <= folders
    assert len(list((WRONG_DIR / "minimal" / "isqrt").glob("*.vasm"))) >= 3


@pytest.mark.parametrize("path", WRONG, **ids)
def test_a_known_wrong_solution_fails_on_the_case_it_names(path: Path) -> None:
    header = load_program(path).metadata
    assert header["puzzle"] == entry_of(path).id
    assert header["name"] == path.stem
    code, report = shipped_report(path)  # `vliw check --json`, through its entry point
    assert (code, report["passed"]) == (1, False)
    failed = [test for test in report["tests"] if not test["passed"]]
    assert {test["kind"] for test in failed} == {"case"}, failed
    assert header["fails-on"] in {test["case"] for test in failed}


@pytest.mark.parametrize("path", WRONG, **ids)
def test_a_known_wrong_solution_passes_every_random_seed(path: Path) -> None:
    entry = entry_of(path)
    puzzle = replace(entry.puzzle, cases=[])
    report = score_program(puzzle, load_program(path), puzzle_id=entry.id, robustness=64)
    assert report.tests_passed, report.failures()


@pytest.mark.parametrize("entry", **by_id(CONTENT))
def test_the_reference_does_what_the_statement_says_on_every_case(entry: PuzzleEntry) -> None:
    assert entry.puzzle.cases, f"{entry.id} has no fixed cases"
    inputs = [case_memory(entry.puzzle, case).tolist() for case in entry.puzzle.cases]
    finals = expected_memories(entry.puzzle, inputs)
    for case, memory, final in zip(entry.puzzle.cases, inputs, finals, strict=True):
        assert checked(entry, final) == SPECS[entry.id](memory), case.name
