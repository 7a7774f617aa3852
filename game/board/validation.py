"""One submission validated: what a worker process of the board runs.

The program text is only ever parsed (`machine.loader.parse_program`) and run on the
simulated machine; nothing in it is executed as Python. The rule is the one `vliw
check` applies (`game.scoring.score_program`, official: the puzzle's fixed cases, its
scored seeds and the robustness seeds derived from the program's identity, cycles the
worst of them), so a board's scores are the ones a player measures at home.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from game.catalog import Catalog, CatalogError, PuzzleEntry
from game.histogram import Point
from game.pack import PackError
from game.references import ReferenceFailure
from game.scoring import ClaimError, score_program
from machine.loader import parse_program
from machine.program import ProgramError
from machine.text import shown_token

SOURCE_NAME = "submission"
"""How messages name the submitted program (it has no file name)."""


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    FAILED = "failed"
    """It runs, but a test's output is wrong, it faults, or its header claims other scores."""
    INVALID = "invalid"
    """Not a program for this puzzle: it does not parse or cannot run on its machine."""
    BROKEN = "broken"
    """The puzzle's own reference fails: the board's fault, not the player's."""


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str = ""
    """Why it is not accepted: one line."""
    point: Point | None = None
    """When accepted: its identity, measured scores and canonical form."""


@cache
def _entry(puzzle_id: str) -> PuzzleEntry:
    return Catalog().puzzle(puzzle_id)


def validate_submission(puzzle_id: str, text: str) -> Outcome:
    """The verdict on a program's text for a puzzle of the shipped packs."""
    try:
        entry = _entry(puzzle_id)
    except (CatalogError, PackError) as error:
        return Outcome(Verdict.INVALID, str(error))
    nul = text.find("\0")
    if nul >= 0:
        return Outcome(Verdict.INVALID, f"{SOURCE_NAME}: not program text (a NUL character "
                                        f"at offset {nul})")
    try:
        program = parse_program(text, SOURCE_NAME, entry.puzzle.machine.vlen)
    except ProgramError as error:
        return Outcome(Verdict.INVALID, str(error))
    named = program.metadata.get("puzzle", "").strip()
    if named and named != entry.id:
        return Outcome(Verdict.INVALID, f"{SOURCE_NAME}: its header names puzzle "
                                        f"{shown_token(named)}, not {entry.id}")
    try:
        report = score_program(entry.puzzle, program, puzzle_id=entry.id)
    except ProgramError as error:
        return Outcome(Verdict.INVALID, f"{error} (on the machine of {entry.id})")
    except ClaimError as error:
        return Outcome(Verdict.INVALID, f"{SOURCE_NAME}: {error}")
    except ReferenceFailure as error:
        return Outcome(Verdict.BROKEN, f"the reference of {entry.id} fails: {error}")
    if not report.passed:
        failures = report.failures()
        more = f" (and {len(failures) - 1} more failing)" if len(failures) > 1 else ""
        return Outcome(Verdict.FAILED, f"{SOURCE_NAME}: {failures[0]}{more}")
    return Outcome(Verdict.ACCEPTED, point=Point.measured(program, report.scores.as_dict()))
