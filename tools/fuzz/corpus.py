"""The valid inputs every mutation starts from: the shipped packs, solutions and histograms,
small solutions in the take-home's JSON form, and memory images the puzzles make."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from game.cli import main as vliw
from game.paths import PUZZLES_DIR, SOLUTIONS_DIR
from machine.loader import load_program
from machine.takehome_json import program_to_json

SMALL_SOLUTION_BYTES = 20_000
"""Solutions up to this size are converted to JSON and used as memory images' programs
(the largest shipped kernels would make every run slow without finding more)."""


@dataclass(frozen=True)
class Solution:
    puzzle: str
    path: Path
    text: str


@dataclass(frozen=True)
class Corpus:
    packs: tuple[Path, ...]
    solutions: tuple[Solution, ...]
    small: tuple[Solution, ...]
    histograms: tuple[Path, ...]
    bundles: dict[Path, list[object]]
    """The take-home JSON form of each small solution, by its path."""
    memories: dict[str, list[int]]
    """A memory image of seed 1, by puzzle id."""

    @property
    def puzzles(self) -> list[str]:
        return sorted(self.memories)


def _memory(puzzle: str) -> list[int]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = vliw(["puzzle", "inputs", puzzle, "--seed", "1", "--json"])
    if code != 0:
        raise RuntimeError(f"no memory image for {puzzle}: exit {code}")
    return json.loads(out.getvalue())


def load_corpus() -> Corpus:
    solutions = tuple(
        Solution(f"{path.parent.parent.name}/{path.parent.name}", path, path.read_text("utf-8"))
        for path in sorted(SOLUTIONS_DIR.glob("*/*/*.vasm")))
    small = tuple(s for s in solutions if len(s.text) <= SMALL_SOLUTION_BYTES)
    bundles = {s.path: program_to_json(load_program(s.path)) for s in small}
    return Corpus(
        packs=tuple(sorted(PUZZLES_DIR.glob("*.toml"))),
        solutions=solutions,
        small=small,
        histograms=tuple(sorted(PUZZLES_DIR.glob("histograms/*/*.json"))),
        bundles=bundles,
        memories={puzzle: _memory(puzzle) for puzzle in sorted({s.puzzle for s in solutions})},
    )
