"""The machines pack's corpus: every file passes, claims its measured scores, comes from
its generator, and each puzzle has enough distinct programs over enough first-metric values.

All files are validated (about 11 s on the 2-core machine)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from game.catalog import Catalog
from game.paths import SOLUTIONS_DIR
from game.scoring import claimed_scores, score_program, solution_files
from machine.identity import content_hash
from machine.loader import load_program
from tools.corpus.machines import generate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "machines"
HEADER_LINES = 5
"""`# puzzle:`, `# name:`, `# cycles:`, `# instructions:`, `# scratch:` above the text."""
FILES = sorted(CORPUS.rglob("*.vasm"))


def _puzzle_id(path: Path) -> str:
    return f"machines/{path.parent.name}"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_corpus_program_passes_with_its_claims(path: Path, catalog: Catalog) -> None:
    puzzle_id = _puzzle_id(path)
    puzzle = catalog.puzzle(puzzle_id).puzzle
    program = load_program(path, puzzle.machine.vlen)
    report = score_program(puzzle, program, puzzle_id=puzzle_id)
    assert report.passed, report.failures()
    assert set(report.claims) == {"cycles", "instructions", "scratch"}
    assert not report.claim_mismatches, report.claim_mismatches
    assert path.stat().st_size < 100_000


def test_files_are_what_the_generators_write() -> None:
    generated = {CORPUS / puzzle_id.split("/")[1] / f"{name}.vasm": text
                 for puzzle_id, name, text in generate()}
    assert set(FILES) == set(generated)
    for path in FILES:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert lines[0] == f"# puzzle: {_puzzle_id(path)}\n"
        assert lines[1] == f"# name: {path.stem}\n"
        assert "".join(lines[HEADER_LINES:]) == generated[path], path
        assert generated[path].startswith("# corpus: ")


def test_every_puzzle_has_twenty_distinct_programs_over_five_values(catalog: Catalog) -> None:
    by_puzzle: dict[str, list[Path]] = defaultdict(list)
    for path in FILES:
        by_puzzle[_puzzle_id(path)].append(path)
    pack = catalog.pack("machines")
    assert set(by_puzzle) == {f"machines/{puzzle.id}" for puzzle in pack.puzzles}
    for puzzle_id, paths in by_puzzle.items():
        puzzle = catalog.puzzle(puzzle_id).puzzle
        vlen = puzzle.machine.vlen
        shipped = {content_hash(load_program(p, vlen))
                   for p in solution_files(SOLUTIONS_DIR / puzzle_id)}
        programs = [load_program(p, vlen) for p in paths]
        hashes = {content_hash(program) for program in programs}
        assert len(hashes) == len(paths) >= 20, puzzle_id
        assert not hashes & shipped, puzzle_id
        firsts = {claimed_scores(program)[puzzle.metrics[0]] for program in programs}
        assert len(firsts) >= 5, (puzzle_id, sorted(firsts))
