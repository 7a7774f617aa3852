"""The take-home pack's corpus (tools/corpus/takehome.py, corpus/takehome/): enough
different programs per puzzle, each what it claims, none of the full-size kernel
below the first public mark, and files the generator would write again.

Scoring every file would take about a minute here, so the test scores all of the
full-size kernel's files and every fourth file of the other puzzles, in name order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the generators live in tools/, outside the installed packages
    sys.path.insert(0, str(ROOT))

from game.catalog import Catalog  # noqa: E402
from game.scoring import score_program  # noqa: E402
from machine.identity import content_hash  # noqa: E402
from machine.loader import load_program  # noqa: E402
from tools.corpus import takehome  # noqa: E402
from tools.kernels.tree import tree_puzzles  # noqa: E402

CORPUS = ROOT / "corpus" / "takehome"
FIRST_PUBLIC_MARK = 2164
SIZES = {size.name: size for size in tree_puzzles()}
FILES = sorted(CORPUS.glob("*/*.vasm"))
SAMPLE = [path for path in FILES if path.parent.name == "tree-kernel"] + [
    path for path in FILES if path.parent.name != "tree-kernel"][::4]
REGENERATED = ("tree-tiny", "tree-small")
"""Puzzles whose corpus is generated again here (about a second each)."""


def _header(path: Path) -> dict[str, str]:
    header = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("# "):
                break
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
    return header


@pytest.mark.parametrize("puzzle", sorted(SIZES))
def test_each_puzzle_has_twenty_programs_over_five_cycle_counts(puzzle: str) -> None:
    paths = sorted((CORPUS / puzzle).glob("*.vasm"))
    cycles = {int(_header(path)["cycles"]) for path in paths}
    assert len(paths) >= 20 and len(cycles) >= 5, (puzzle, len(paths), sorted(cycles))


def test_every_file_is_small_and_says_what_it_is_and_how_it_was_made() -> None:
    for path in FILES:
        assert path.stat().st_size < takehome.MAX_BYTES, path
        header = _header(path)
        assert header["puzzle"] == f"takehome/{path.parent.name}", path
        assert header["name"] == path.stem, path
        assert header["corpus"].startswith("tools.corpus.takehome Plan("), path


def test_no_two_files_of_a_puzzle_nor_a_shipped_solution_are_the_same_program() -> None:
    for puzzle in SIZES:
        shipped = sorted((ROOT / "solutions" / "takehome" / puzzle).glob("*.vasm"))
        corpus = sorted((CORPUS / puzzle).glob("*.vasm"))
        hashes = [content_hash(load_program(path)) for path in corpus]
        assert len(set(hashes)) == len(hashes), puzzle
        small = [path for path in shipped if path.stat().st_size < 1_000_000]
        assert not set(hashes) & {content_hash(load_program(path)) for path in small}, puzzle


def test_no_full_size_file_claims_fewer_cycles_than_the_first_public_mark() -> None:
    paths = sorted((CORPUS / "tree-kernel").glob("*.vasm"))
    assert paths
    for path in paths:
        assert int(_header(path)["cycles"]) >= FIRST_PUBLIC_MARK, path


@pytest.mark.parametrize("path", SAMPLE, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_a_corpus_program_passes_and_claims_what_it_measures(path: Path) -> None:
    program = load_program(path)
    puzzle_id = f"takehome/{path.parent.name}"
    report = score_program(Catalog().puzzle(puzzle_id).puzzle, program, puzzle_id=puzzle_id)
    assert report.passed, report.failures()
    claims = {key: int(program.metadata[key]) for key in ("cycles", "instructions", "scratch")}
    assert claims == report.scores.as_dict()
    if puzzle_id == takehome.FULL_SIZE:
        assert report.scores.cycles >= FIRST_PUBLIC_MARK


@pytest.mark.parametrize("puzzle", REGENERATED)
def test_the_files_are_what_the_generator_writes(puzzle: str) -> None:
    wanted = dict(takehome.puzzle_corpus(SIZES[puzzle], Catalog()))
    on_disk = {path.stem: path.read_text("utf-8") for path in (CORPUS / puzzle).glob("*.vasm")}
    assert on_disk.keys() == wanted.keys()
    for name, text in wanted.items():
        assert on_disk[name] == text, f"{puzzle}/{name} is stale"


def test_the_floor_refuses_only_a_full_size_kernel_below_the_mark() -> None:
    assert takehome.FLOOR == FIRST_PUBLIC_MARK
    takehome.check_floor(takehome.FULL_SIZE, FIRST_PUBLIC_MARK)
    takehome.check_floor("takehome/tree-loop", 1442)
    with pytest.raises(takehome.FloorError, match="2163 cycles is below 2164"):
        takehome.check_floor(takehome.FULL_SIZE, FIRST_PUBLIC_MARK - 1)


def test_the_generator_checks_every_full_size_kernel_against_the_floor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(takehome, "FLOOR", 10**9)
    with pytest.raises(takehome.FloorError):
        next(takehome.puzzle_corpus(SIZES["tree-kernel"], Catalog()))


def test_no_full_size_plan_holds_tree_levels_in_scratch() -> None:
    """Picking the top levels from scratch skips gathers: the way below the mark."""
    plans = takehome.plans(SIZES["tree-kernel"])
    assert plans and all(plan.levels == 0 for plan in plans)
    assert any(plan.levels for plan in takehome.plans(SIZES["tree-top"]))
