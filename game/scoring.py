"""Validating a program against a puzzle, and its scores.

    report = score_program(entry.puzzle, program, puzzle_id=entry.id)
    report.passed, report.scores.cycles, report.tests, report.to_json()

A program is first checked against the puzzle's machine (slot limits,
allowed operations, scratch size): a `machine.program.ProgramError`, located
file:line:column, means it cannot run at all. Then it runs on the puzzle's
**scored seeds** (fixed) and on **robustness seeds**, fresh at every
validation from `random.SystemRandom` (the puzzle's count, 8 by default, as
the take-home's submission check runs), so that a program that only writes
the scored seeds' answers fails. Each test compares the checked regions of
the final memory with the reference's (`game.references`).

Scores (docs/architecture.md): `cycles` is the worst case over the scored tests,
`instructions` the non-debug slots, `scratch` the scratch words the program
names. A solution passes when every test is correct and the scores its header
claims (``# cycles: 1234``, ``# instructions: ...``, ``# scratch: ...``)
equal the measured ones. The report carries the robustness seeds, so any
failure can be reproduced (`robustness=[seed, ...]`).

`score_solution_file(entry, path)` is the one way a front end (`vliw check`,
`vliw hist`, `vliw pack test`, the TUI's Run) validates a file: it reads the
file for the puzzle's vlen, scores it, and turns every reason it cannot be
scored into a one-line `SolutionFileError`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from game.inputs import PlacedRegion, generate_memory, layout, region_at
from game.references import ReferenceFailure, expected_memories
from game.runs import run_all
from machine.config import MachineConfig
from machine.loader import load_program
from machine.program import Program, ProgramError
from machine.simulator import Fault

if TYPE_CHECKING:
    from game.catalog import PuzzleEntry
    from game.pack import Puzzle

SCORE_RULE = 2
"""The version of the scoring rule (README, "What a score means"). Rule 1 scored cycles
over the scored seeds only and drew robustness seeds at random; rule 2 runs the puzzle's
fixed cases, its scored seeds and seeds derived from the program itself, and scores the
worst of them all. The score store marks rows recorded under an older rule."""
MAX_MISMATCHES = 5
"""Wrong words listed per test; the rest are counted."""
ROBUSTNESS_SEED_LIMIT = 2**32
CLAIM_KEYS = ("cycles", "instructions", "scratch")

TestKind = Literal["scored", "robustness"]


class ClaimError(ValueError):
    """A header claim that is not a whole number."""


SOLUTION_SUFFIXES = (".vasm", ".json")
"""What a solution file may be: the game's assembly or the take-home's JSON."""


def solution_files(folder: Path) -> list[Path]:
    """Every solution file below a folder, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix in SOLUTION_SUFFIXES and p.is_file())


class SolutionFileError(ValueError):
    """Why a solution file cannot be scored at all: one line, naming the file or the pack."""


class BrokenReference(SolutionFileError):
    """The puzzle's own reference fails: the pack is at fault, not the solution."""


@dataclass(frozen=True)
class Mismatch:
    address: int
    region: str
    offset: int
    """Index of the word within its region."""
    expected: int
    actual: int

    def __str__(self) -> str:
        return (f"word {self.address} ({self.region}[{self.offset}]) should be"
                f" {self.expected}, not {self.actual}")

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "region": self.region, "offset": self.offset,
                "expected": self.expected, "actual": self.actual}


@dataclass(frozen=True)
class TestResult:
    seed: int
    kind: TestKind
    cycles: int
    fault: Fault | None
    mismatches: tuple[Mismatch, ...]
    """The first wrong words, at most MAX_MISMATCHES."""
    wrong_words: int

    @property
    def passed(self) -> bool:
        return self.fault is None and self.wrong_words == 0

    @property
    def name(self) -> str:
        return f"{self.kind} seed {self.seed}"

    def summary(self) -> str:
        """One line: what went wrong, or the cycles."""
        if self.fault is not None:
            return f"{self.name}: {self.fault}"
        if self.wrong_words:
            more = self.wrong_words - 1
            return (f"{self.name}: {self.mismatches[0]}"
                    + (f" (and {more} more wrong word{'s' * (more > 1)})" if more else ""))
        return f"{self.name}: correct in {self.cycles} cycles"

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "kind": self.kind,
            "passed": self.passed,
            "cycles": self.cycles,
            "fault": None if self.fault is None else self.fault.to_json(),
            "wrong_words": self.wrong_words,
            "mismatches": [m.to_json() for m in self.mismatches],
        }


@dataclass(frozen=True)
class Scores:
    cycles: int
    instructions: int
    scratch: int

    def get(self, metric: str) -> int:
        if metric not in CLAIM_KEYS:
            raise KeyError(metric)
        return int(getattr(self, metric))

    def as_dict(self) -> dict[str, int]:
        return {metric: self.get(metric) for metric in CLAIM_KEYS}


@dataclass(frozen=True)
class ClaimMismatch:
    metric: str
    claimed: int
    measured: int

    def __str__(self) -> str:
        return f"the header claims {self.metric} {self.claimed}, but it measures {self.measured}"


@dataclass(frozen=True)
class Report:
    puzzle: str
    scores: Scores
    tests: tuple[TestResult, ...]
    claims: dict[str, int] = field(default_factory=dict)
    claim_mismatches: tuple[ClaimMismatch, ...] = ()

    @property
    def tests_passed(self) -> bool:
        return all(test.passed for test in self.tests)

    @property
    def passed(self) -> bool:
        return self.tests_passed and not self.claim_mismatches

    @property
    def robustness_seeds(self) -> list[int]:
        return [t.seed for t in self.tests if t.kind == "robustness"]

    def failures(self) -> list[str]:
        """One line per failed test and per wrong claim."""
        lines = [test.summary() for test in self.tests if not test.passed]
        return lines + [str(mismatch) for mismatch in self.claim_mismatches]

    def to_json(self) -> dict[str, Any]:
        return {
            "puzzle": self.puzzle,
            "passed": self.passed,
            **self.scores.as_dict(),
            "claims": dict(self.claims),
            "claim_mismatches": [
                {"metric": m.metric, "claimed": m.claimed, "measured": m.measured}
                for m in self.claim_mismatches
            ],
            "robustness_seeds": self.robustness_seeds,
            "tests": [test.to_json() for test in self.tests],
        }


def claimed_scores(program: Program) -> dict[str, int]:
    """The scores a program's header claims, or ClaimError."""
    claims = {}
    for key, value in program.header:
        if key not in CLAIM_KEYS:
            continue
        text = value.strip().replace("_", "")
        if not text.isdigit():
            raise ClaimError(f"the header claims {key} {value.strip()!r}, not a whole number")
        claims[key] = int(text)
    return claims


def fresh_seeds(count: int) -> list[int]:
    generator = random.SystemRandom()
    return [generator.randrange(ROBUSTNESS_SEED_LIMIT) for _ in range(count)]


def measure_static(puzzle: Puzzle, program: Program) -> tuple[int, int]:
    """(instructions, scratch) of a program on the puzzle's machine."""
    vlen = puzzle.machine_config().vlen
    return program.instruction_count(), len(program.scratch_footprint(vlen))


def score_program(puzzle: Puzzle, program: Program, *, puzzle_id: str | None = None,
                  robustness: int | Sequence[int] | None = None) -> Report:
    """Validate and score; ProgramError if the program cannot run on the puzzle's machine.

    `robustness`: how many fresh seeds (default: the puzzle's count), or the
    exact seeds to use (to reproduce a report). Raises ClaimError for a
    malformed claim and game.references.ReferenceFailure if the puzzle's own
    reference fails (a broken pack).
    """
    config = puzzle.machine_config()
    claims = claimed_scores(program)
    if robustness is None:
        robustness = puzzle.robustness_seeds
    extra = fresh_seeds(robustness) if isinstance(robustness, int) else list(robustness)
    plan: list[tuple[int, TestKind]] = [(seed, "scored") for seed in puzzle.scored_seeds]
    plan += [(seed, "robustness") for seed in extra]

    inputs = [generate_memory(puzzle, seed) for seed, _ in plan]
    expected = expected_memories(puzzle, inputs)
    results = run_all(program, inputs, config)  # checks the program first: ProgramError
    regions = tuple(r for r in layout(puzzle) if r.checked)
    tests = tuple(_test_result(seed, kind, result.cycles, result.fault, result.memory, want,
                               regions)
                  for (seed, kind), result, want in zip(plan, results, expected, strict=True))

    instructions, scratch = measure_static(puzzle, program)
    cycles = max(t.cycles for t in tests if t.kind == "scored")
    scores = Scores(cycles, instructions, scratch)
    mismatches = tuple(ClaimMismatch(metric, claimed, scores.get(metric))
                       for metric, claimed in claims.items() if claimed != scores.get(metric))
    return Report(puzzle_id or puzzle.id, scores, tests, claims, mismatches)


def _test_result(seed: int, kind: TestKind, cycles: int, fault: Fault | None,
                 actual: Sequence[int], expected: Sequence[int],
                 regions: tuple[PlacedRegion, ...]) -> TestResult:
    if fault is not None:
        return TestResult(seed, kind, cycles, fault, (), 0)
    wrong = [address for region in regions for address in range(region.start, region.stop)
             if actual[address] != expected[address]]
    mismatches = []
    for address in wrong[:MAX_MISMATCHES]:
        region = region_at(regions, address)
        assert region is not None
        mismatches.append(Mismatch(address, region.name, address - region.start,
                                   expected[address], actual[address]))
    return TestResult(seed, kind, cycles, None, tuple(mismatches), len(wrong))


def score_solution_file(entry: PuzzleEntry, path: Path, *,
                        robustness: int | Sequence[int] | None = None,
                        program: Program | None = None,
                        refuse_other_puzzle: bool = False) -> tuple[Program, Report]:
    """The program in a solution file, read for the puzzle's machine, and its report.

    `.vector` declarations are as long as the puzzle's vlen, so the file is
    parsed with it. `program`: the file already parsed with the default
    machine's vlen (to find its puzzle from its header); it is reused unless
    the puzzle's vlen differs. `refuse_other_puzzle`: a `# puzzle:` header
    naming another puzzle is an error. Raises SolutionFileError (or its
    BrokenReference) with the message every front end shows.
    """
    vlen = entry.puzzle.machine_config().vlen
    try:
        if program is None or vlen != MachineConfig().vlen:
            program = load_program(path, vlen)
    except ProgramError as error:
        raise SolutionFileError(str(error)) from None
    named = program.metadata.get("puzzle", "").strip()
    if refuse_other_puzzle and named and named != entry.id:
        raise SolutionFileError(f"{path}: its header names puzzle {named}, not {entry.id}")
    try:
        report = score_program(entry.puzzle, program, puzzle_id=entry.id, robustness=robustness)
    except ProgramError as error:
        raise SolutionFileError(f"{error} (on the machine of {entry.id})") from None
    except ClaimError as error:
        raise SolutionFileError(f"{path}: {error}") from None
    except ReferenceFailure as error:
        raise BrokenReference(f"{entry.path}: the reference of {entry.id} fails: {error}"
                              ) from None
    return program, report
