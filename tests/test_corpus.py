"""The offline corpus: valid programs, as the generators write them, counted in the histograms.

Validation runs every corpus program in full (all of them: about 8 s on a
2-core machine); `--check` regenerates and scores them again in-process
(another 8 s).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.catalog import Catalog
from game.histogram import Histogram, HistogramError, Point, from_json
from game.histogram_build import CORPUS_DIR, histogram_path, puzzle_histogram, rebuild_shipped
from game.histogram_text import plain, report_lines, source_text
from game.paths import PROJECT_ROOT
from game.scoring import score_solution_file
from tools.corpus.__main__ import main as corpus_main

FILES = sorted(CORPUS_DIR.rglob("*.vasm"))
CATALOG = Catalog()

MIN_PROGRAMS, MIN_VALUES = 20, 5


def test_the_corpus_is_what_the_generators_write(capsys: pytest.CaptureFixture[str]) -> None:
    assert corpus_main(["--check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS_DIR)))
def test_every_corpus_program_passes_with_the_scores_it_claims(path: Path) -> None:
    puzzle_id = path.parent.relative_to(CORPUS_DIR).as_posix()
    _, report = score_solution_file(CATALOG.puzzle(puzzle_id), path, refuse_other_puzzle=True)
    assert report.passed, report.failures()
    assert path.stat().st_size < 100_000


def test_the_corpus_stays_small() -> None:
    assert sum(path.stat().st_size for path in FILES) < 20_000_000


def _spread(histogram: Histogram, metric: str) -> tuple[int, int]:
    return len(histogram), len({point.scores[metric] for point in histogram.points})


def test_every_shipped_histogram_counts_enough_programs_over_enough_first_scores() -> None:
    short = {}
    for entry in CATALOG.entries():
        programs, values = _spread(puzzle_histogram(entry), entry.puzzle.metrics[0])
        if programs < MIN_PROGRAMS or values < MIN_VALUES:
            short[entry.id] = (programs, values)
    assert not short, f"(programs, distinct first scores) below {MIN_PROGRAMS}, {MIN_VALUES}"


def test_the_shipped_histograms_say_what_they_are_built_from() -> None:
    entry = CATALOG.puzzle("minimal/gcd")
    stored = json.loads(histogram_path(entry).read_text(encoding="utf-8"))
    solutions = len(list((PROJECT_ROOT / "solutions" / entry.id).glob("*.vasm")))
    corpus = len(list((CORPUS_DIR / entry.id).glob("*.vasm")))
    assert stored["source"] == {"solutions": solutions, "corpus": corpus}
    assert corpus >= MIN_PROGRAMS and len(stored["points"]) == solutions + corpus


def test_a_program_in_the_corpus_and_the_solutions_counts_as_a_shipped_solution(
        tmp_path: Path) -> None:
    gcd = CATALOG.puzzle("minimal/gcd")
    swap = (PROJECT_ROOT / "solutions/minimal/gcd/swap.vasm").read_text(encoding="utf-8")
    for root, name in (("solutions", "swap"), ("corpus", "copy")):
        (tmp_path / root / gcd.id).mkdir(parents=True)
        (tmp_path / root / gcd.id / f"{name}.vasm").write_text(swap, encoding="utf-8")
    results = rebuild_shipped(CATALOG, tmp_path / "solutions", corpus=tmp_path / "corpus")
    built = next(r for r in results if r.path == histogram_path(gcd))
    assert json.loads(built.text or "")["source"] == {"solutions": 1, "corpus": 0}


def test_the_source_is_read_back_and_must_add_up() -> None:
    points = [Point(f"{n:064x}", {"cycles": n, "instructions": 1, "scratch": 1})
              for n in (1, 2, 3)]
    histogram = Histogram.build("a/b", ("cycles", "instructions", "scratch"), points,
                                source={"solutions": 1, "corpus": 2})
    data = json.loads(histogram.to_text())
    assert data["source"] == {"solutions": 1, "corpus": 2}
    assert from_json(data).source == {"solutions": 1, "corpus": 2}
    data["source"]["corpus"] = 5
    with pytest.raises(HistogramError, match="source: counts 6 programs, but the file has 3"):
        from_json(data)


def test_vliw_hist_shows_what_a_histogram_is_built_from() -> None:
    histogram = puzzle_histogram(CATALOG.puzzle("minimal/gcd"))
    assert source_text({"solutions": 3, "corpus": 21}) == \
        "built from 24 programs: 3 shipped solutions, 21 corpus programs"
    assert plain(report_lines(histogram)).startswith(f"built from {len(histogram)} programs: ")
