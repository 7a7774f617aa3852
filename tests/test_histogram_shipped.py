"""The shipped histograms are exactly what `vliw hist rebuild` makes of the shipped solutions
and the corpus.

Validating every shipped solution and corpus program again would double the
suite's slowest work: test_check.py and test_corpus.py already validate each
one and require the scores its header claims. So here a program whose header
claims every metric counts with its content hash and those scores; any other
(a take-home .json) is validated in full. `vliw hist rebuild --check` validates everything.
"""

from __future__ import annotations

import json
from pathlib import Path

from game.catalog import PuzzleEntry
from game.histogram import Point, content_hash
from game.histogram_build import CORPUS_DIR, rebuild_shipped, validate_solution
from game.scoring import claimed_scores
from machine.loader import load_program


def claimed_point(entry: PuzzleEntry, path: Path) -> Point:
    program = load_program(path, entry.puzzle.machine.vlen)
    claims = claimed_scores(program)
    if all(metric in claims for metric in entry.puzzle.metrics):
        return Point(content_hash(program), claims)
    return validate_solution(entry, path)


def test_the_shipped_histograms_are_up_to_date() -> None:
    results = rebuild_shipped(measure=claimed_point)
    skipped = [s.reason for r in results if r.build for s in r.build.skipped]
    assert not skipped
    stale = [str(r.path) for r in results if r.stale]
    assert not stale, f"stale shipped histograms {stale}: run `vliw hist rebuild`"
    assert any(r.build and r.build.counted for r in results)
    sources = [json.loads(r.text)["source"] for r in results if r.text is not None]
    assert sum(source["corpus"] for source in sources) == len(list(CORPUS_DIR.rglob("*.vasm")))
