"""Scoring generated programs and writing them as corpus files.

A pack module (see the package's docstring) yields ``(puzzle id, name, text)``;
`corpus_files` scores each text on its puzzle with `game.scoring.score_program`
(the puzzle's robustness seeds included, as `vliw check` does) and gives the
file it makes: the measured header on top of the text. A program that fails
is dropped, and so is one whose canonical form (`machine.identity.content_hash`)
is a shipped solution's or an earlier corpus program's: it would count once
anyway, and the corpus is there to add programs, not copies.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from game.catalog import Catalog, PuzzleEntry
from game.histogram_build import CORPUS_DIR
from game.paths import SOLUTIONS_DIR
from game.scoring import score_program, solution_files
from machine.builder import Builder
from machine.config import MachineConfig
from machine.identity import content_hash
from machine.loader import load_program, parse_program
from machine.program import ProgramError
from machine.vasm import format_program

Generated = tuple[str, str, str]
"""(puzzle id, file stem, program text beginning with its ``# corpus:`` line)."""
NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
CORPUS_LINE = "# corpus: "


class GeneratorBug(Exception):
    """A generator broke the interface (a bad name, no corpus line): a bug, not a dropped
    program."""


def module_name(pack: str) -> str:
    return f"tools.corpus.{pack.replace('-', '_')}"


def has_generator(pack: str) -> bool:
    return importlib.util.find_spec(module_name(pack)) is not None


def generate(pack: str) -> list[Generated]:
    return importlib.import_module(module_name(pack)).generate()


@dataclass
class Outcome:
    """What became of one pack's generated programs."""

    files: dict[Path, str] = field(default_factory=dict)
    """The corpus files to write, with their text."""
    failed: list[str] = field(default_factory=list)
    """`puzzle/name: first failure` of every program that does not pass."""
    copies: list[str] = field(default_factory=list)
    """`puzzle/name` of every program identical to a shipped or earlier one."""


def _shipped_hashes(entry: PuzzleEntry) -> set[str]:
    folder = SOLUTIONS_DIR / entry.id
    vlen = entry.puzzle.machine.vlen
    return {content_hash(load_program(path, vlen))
            for path in (solution_files(folder) if folder.is_dir() else [])}


def corpus_files(pack: str, generated: Iterable[Generated], catalog: Catalog) -> Outcome:
    outcome = Outcome()
    seen: dict[str, set[str]] = {}
    for puzzle_id, name, text in generated:
        where = f"{puzzle_id}/{name}"
        if not NAME.fullmatch(name) or not text.startswith(CORPUS_LINE) \
                or not puzzle_id.startswith(f"{pack}/"):
            raise GeneratorBug(f"{where}: needs a name of a-z, 0-9 and '-', a puzzle of pack "
                               f"{pack} and a text beginning with {CORPUS_LINE!r}")
        entry = catalog.puzzle(puzzle_id)
        hashes = seen.setdefault(puzzle_id, _shipped_hashes(entry))
        path = CORPUS_DIR / puzzle_id / f"{name}.vasm"
        if path in outcome.files:
            raise GeneratorBug(f"{where}: the name is given twice")
        try:
            program = parse_program(text, where, entry.puzzle.machine.vlen)
            report = score_program(entry.puzzle, program, puzzle_id=puzzle_id)
        except ProgramError as error:
            outcome.failed.append(f"{where}: {error}")
            continue
        if not report.passed:
            outcome.failed.append(f"{where}: {report.failures()[0]}")
            continue
        identity = content_hash(program)
        if identity in hashes:
            outcome.copies.append(where)
            continue
        hashes.add(identity)
        scores = report.scores
        outcome.files[path] = (f"# puzzle: {puzzle_id}\n# name: {name}\n"
                               f"# cycles: {scores.cycles}\n"
                               f"# instructions: {scores.instructions}\n"
                               f"# scratch: {scores.scratch}\n{text}")
    return outcome


def pack_folder(pack: str) -> Path:
    return CORPUS_DIR / pack


def machine_of(puzzle_id: str) -> MachineConfig:
    """The machine a shipped puzzle's programs run on."""
    return Catalog().puzzle(puzzle_id).puzzle.machine_config()


def builder_text(builder: Builder, pack: bool, corpus: str) -> str:
    """The program built, packed into bundles by the builder's list scheduler or one slot
    per bundle, as the text a pack module returns."""
    return f"{CORPUS_LINE}{corpus}, {'packed' if pack else 'one slot per bundle'}\n" \
        + format_program(builder.program(pack=pack))
