"""Validating a program against a puzzle, and its scores.

    report = score_program(entry.puzzle, program, puzzle_id=entry.id)
    report.passed, report.scores.cycles, report.tests, report.to_json()

A program is first checked against the puzzle's machine (slot limits,
allowed operations, scratch size): a `machine.program.ProgramError`, located
file:line:column, means it cannot run at all. Then it runs every test
(README, "What a score means"):

- the puzzle's **fixed cases**: edge cases written in the pack (`game.inputs.case_memory`);
- its **scored seeds**, fixed in the pack;
- **robustness seeds** derived from the program itself: SHA-256 of the puzzle id
  and the program's identity (`machine.identity.content_hash`), the puzzle's
  count of them (8 by default). The same program always meets the same seeds,
  so its score is reproducible; a program cannot know them before it is
  written, since writing answers into it changes them.

Each test compares the checked regions of the final memory with the
reference's (`game.references`). `cycles` is the **worst** over every test
run: a program that recognises some inputs and races through them still
scores what it takes on the others. `instructions` are the non-debug slots,
`scratch` the scratch words the program names. A solution passes when every
test is correct and the scores its header claims (``# cycles: 1234``,
``# instructions: ...``, ``# scratch: ...``) equal the measured ones.

`robustness` may name other seeds (`--robustness-seed`) or another count
(`--seeds N`: the first N derived seeds, so the default ones are among them);
such a report is marked `official = False`, and only official reports are
recorded in score histories and histograms.

`score_solution_file(entry, path)` is the one way a front end (`vliw check`,
`vliw hist`, `vliw pack test`, the TUI's Run) validates a file: it reads the
file for the puzzle's vlen, scores it, and turns every reason it cannot be
scored into a one-line `SolutionFileError`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.inputs import (
    PlacedRegion,
    PlannedTest,
    TestKind,
    layout,
    region_at,
    test_inputs,
    test_plan,
)
from game.references import ReferenceFailure, expected_images
from machine.config import MachineConfig
from machine.identity import content_hash
from machine.loader import load_program
from machine.program import Program, ProgramError
from machine.results import Fault

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

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



class ClaimError(ValueError):
    """A header claim that is not a whole number."""


SOLUTION_SUFFIXES = (".vasm", ".json")
"""What a solution file may be: the game's assembly or the take-home's JSON."""


def solution_files(folder: Path) -> list[Path]:
    """Every solution file below a folder, in a stable order, and nothing from outside it.

    A checked folder may come from anyone, so a symbolic link is followed only when its
    target lies inside the folder as well: a link to a file elsewhere (the system's
    password file) is skipped, never read nor quoted in an error. A link inside the
    folder names a file that is checked anyway, so following it costs nothing but a
    second row (`hist build` counts the program once). Linked folders are not entered
    (`Path.rglob` does not follow them), so no link makes a loop.
    """
    root = folder.resolve()
    return sorted(p for p in folder.rglob("*") if p.suffix in SOLUTION_SUFFIXES and p.is_file()
                  and p.resolve().is_relative_to(root))


class SolutionFileError(ValueError):
    """Why a solution file cannot be scored at all: one line, naming the file or the pack."""


class BrokenReference(SolutionFileError):
    """The puzzle's own reference fails: the pack is at fault, not the solution."""


class TooManyTests(SolutionFileError):
    """More seeds were asked for than the puzzle's memory allows in one validation."""


@dataclass(frozen=True)
class Mismatch:
    """One checked word that differs from the reference's."""

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
    """One test's outcome: cycles, fault, and the first wrong words."""

    seed: int
    kind: TestKind
    cycles: int
    fault: Fault | None
    mismatches: tuple[Mismatch, ...]
    """The first wrong words, at most MAX_MISMATCHES."""
    wrong_words: int
    case: str | None = None
    """The fixed case's name, for kind "case"."""

    @property
    def passed(self) -> bool:
        return self.fault is None and self.wrong_words == 0

    @property
    def name(self) -> str:
        return PlannedTest(self.kind, self.seed, self.case).name

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
            "case": self.case,
            "passed": self.passed,
            "cycles": self.cycles,
            "fault": None if self.fault is None else self.fault.to_json(),
            "wrong_words": self.wrong_words,
            "mismatches": [m.to_json() for m in self.mismatches],
        }


@dataclass(frozen=True)
class Scores:
    """The three metrics of a solution on its puzzle."""

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
    """A score a solution file claims in its header that the run does not give."""

    metric: str
    claimed: int
    measured: int

    def __str__(self) -> str:
        return f"the header claims {self.metric} {self.claimed}, but it measures {self.measured}"


@dataclass(frozen=True)
class Report:
    """Everything a validation found: scores, every test, claims, and what was skipped."""

    puzzle: str
    scores: Scores
    tests: tuple[TestResult, ...]
    claims: dict[str, int] = field(default_factory=dict)
    claim_mismatches: tuple[ClaimMismatch, ...] = ()
    official: bool = True
    """Run on the rule's own tests (not seeds chosen by hand or another count): only such
    reports are recorded in score histories and histograms."""
    rule: int = SCORE_RULE
    skipped: int = 0
    """Robustness tests not run: a fixed test already hit the cycle limit."""

    @property
    def tests_passed(self) -> bool:
        return all(test.passed for test in self.tests)

    @property
    def passed(self) -> bool:
        return self.tests_passed and not self.claim_mismatches

    @property
    def robustness_seeds(self) -> list[int]:
        return [t.seed for t in self.tests if t.kind == "robustness"]

    def tally(self) -> list[tuple[TestKind, int, int]]:
        """(kind, correct, run) for each kind of test run, in the order they run."""
        kinds = dict.fromkeys(t.kind for t in self.tests)
        return [(kind, sum(t.passed for t in self.tests if t.kind == kind),
                 sum(t.kind == kind for t in self.tests)) for kind in kinds]

    def failures(self) -> list[str]:
        """One line per failed test and per wrong claim."""
        lines = [test.summary() for test in self.tests if not test.passed]
        return lines + [str(mismatch) for mismatch in self.claim_mismatches]

    def to_json(self) -> dict[str, Any]:
        return {
            "puzzle": self.puzzle,
            "passed": self.passed,
            **self.scores.as_dict(),
            "rule": self.rule,
            "official": self.official,
            "skipped": self.skipped,
            "claims": dict(self.claims),
            "claim_mismatches": [
                {"metric": m.metric, "claimed": m.claimed, "measured": m.measured}
                for m in self.claim_mismatches
            ],
            "robustness_seeds": self.robustness_seeds,
            "tests": [test.to_json() for test in self.tests],
        }


MAX_CLAIM_DIGITS = 12
"""A claimed score is a whole number of at most this many digits (cycles stay below 10^8)."""


def claimed_scores(program: Program) -> dict[str, int]:
    """The scores a program's header claims, or ClaimError."""
    claims = {}
    for key, value in program.header:
        if key not in CLAIM_KEYS:
            continue
        text = value.strip().replace("_", "")
        # ASCII digits only: str.isdigit() also takes '²' and other digits int() refuses.
        if not (text.isascii() and text.isdigit() and len(text) <= MAX_CLAIM_DIGITS):
            shown = text if len(text) <= 20 else text[:20] + "..."
            raise ClaimError(f"the header claims {key} {shown!r}, not a whole number"
                             f" of at most {MAX_CLAIM_DIGITS} digits")
        claims[key] = int(text)
    return claims


def fresh_seeds(count: int) -> list[int]:
    """Seeds nobody can predict: for testing a pack's reference, never for scoring."""
    generator = random.SystemRandom()
    return [generator.randrange(ROBUSTNESS_SEED_LIMIT) for _ in range(count)]


def derived_seeds(puzzle_id: str, program: Program, count: int) -> list[int]:
    """The robustness seeds of a program on a puzzle: the first `count` of an endless
    sequence drawn from SHA-256 of the rule, the puzzle and the program's identity."""
    identity = content_hash(program)
    seeds = []
    for index in range(count):
        text = f"vliw robustness seeds/rule {SCORE_RULE}/{puzzle_id}/{identity}/{index}"
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        seeds.append(int.from_bytes(digest[:8], "big") % ROBUSTNESS_SEED_LIMIT)
    return seeds


def measure_static(puzzle: Puzzle, program: Program) -> tuple[int, int]:
    """(instructions, scratch) of a program on the puzzle's machine."""
    vlen = puzzle.machine.vlen
    return program.instruction_count(), len(program.scratch_footprint(vlen))


def score_program(puzzle: Puzzle, program: Program, *, puzzle_id: str | None = None,
                  robustness: int | Sequence[int] | None = None) -> Report:
    """Validate and score; ProgramError if the program cannot run on the puzzle's machine.

    `robustness`: how many derived seeds (default: the puzzle's count), or the exact
    seeds to use. Raises ClaimError for a malformed claim, TooManyTests when the tests
    would hold more than MAX_TEST_WORDS memory words, and
    game.references.ReferenceFailure if the puzzle's own reference fails (a broken pack).
    """
    from game.pack.schema import MAX_TEST_WORDS

    puzzle_id = puzzle_id or puzzle.id
    claims = claimed_scores(program)
    official = robustness is None or robustness == puzzle.robustness_seeds
    if robustness is None:
        robustness = puzzle.robustness_seeds
    if isinstance(robustness, int):
        robustness = derived_seeds(puzzle_id, program, robustness)
    plan = test_plan(puzzle, robustness)
    words = sum(region.length for region in puzzle.memory) * len(plan)
    if words > MAX_TEST_WORDS:
        raise TooManyTests(f"{puzzle_id}: {len(plan)} tests of {words // len(plan)} memory"
                           f" words each exceed the limit of {MAX_TEST_WORDS} words in one"
                           " validation; ask for fewer seeds")

    fixed = len(plan) - len(robustness)
    tests = _run_tests(puzzle, program, plan, fixed)  # checks the program first: ProgramError
    skipped = 0
    if any(test.fault is not None and test.fault.at_limit for test in tests[:fixed]):
        # Failed already, and a runaway costs the whole cycle limit on every seed: the
        # robustness seeds, run beside the fixed tests, were not run to the end.
        skipped = len(plan) - fixed
        tests = tests[:fixed]

    instructions, scratch = measure_static(puzzle, program)
    scores = Scores(max(t.cycles for t in tests), instructions, scratch)
    mismatches = tuple(ClaimMismatch(metric, claimed, scores.get(metric))
                       for metric, claimed in claims.items() if claimed != scores.get(metric))
    return Report(puzzle_id, scores, tests, claims, mismatches, official, skipped=skipped)


def _run_tests(puzzle: Puzzle, program: Program, plan: Sequence[PlannedTest],
               fixed: int) -> tuple[TestResult, ...]:
    """The tests of the plan that ran to the end, in its order: all of them unless one of
    the first `fixed` ran away (`game.runs.run_tests`)."""
    inputs = test_inputs(puzzle, plan)
    expected = expected_images(puzzle, inputs)
    from game.runs import run_tests  # the engine and numpy: only when something runs

    results = run_tests(program, inputs, puzzle.machine_config(), fixed)
    regions = tuple(r for r in layout(puzzle) if r.checked)
    return tuple(_test_result(test, result.cycles, result.fault, result.memory, want, regions)
                 for test, result, want in zip(plan, results, expected, strict=True)
                 if result is not None)


def _test_result(test: PlannedTest, cycles: int, fault: Fault | None, actual: Sequence[int],
                 want: NDArray[np.uint32], regions: tuple[PlacedRegion, ...]) -> TestResult:
    if fault is not None:
        return TestResult(test.seed, test.kind, cycles, fault, (), 0, test.case)
    import numpy as np

    got = np.asarray(actual, dtype=np.uint32)
    wrong = [int(address) + region.start for region in regions
             for address in np.flatnonzero(got[region.start:region.stop]
                                           != want[region.start:region.stop])]
    mismatches = []
    for address in wrong[:MAX_MISMATCHES]:
        region = region_at(regions, address)
        assert region is not None
        mismatches.append(Mismatch(address, region.name, address - region.start,
                                   int(want[address]), int(got[address])))
    return TestResult(test.seed, test.kind, cycles, None, tuple(mismatches), len(wrong),
                      test.case)


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
    vlen = entry.puzzle.machine.vlen
    try:
        if program is None or vlen != MachineConfig().vlen:
            program = load_program(path, vlen)
    except ProgramError as error:
        raise SolutionFileError(str(error)) from None
    named = program.metadata.get("puzzle", "").strip()
    if refuse_other_puzzle and named and named != entry.id:
        raise SolutionFileError(f"{path}: its header names puzzle {named}, not {entry.id}")
    return program, score_loaded(entry, program, str(path), robustness=robustness)


def score_loaded(entry: PuzzleEntry, program: Program, source: str, *,
                 robustness: int | Sequence[int] | None = None) -> Report:
    """`score_program` of a program read from `source` (a file, or a name such as
    "program"), every reason it cannot be scored a one-line SolutionFileError, or
    BrokenReference when the puzzle's own reference fails."""
    try:
        return score_program(entry.puzzle, program, puzzle_id=entry.id, robustness=robustness)
    except ProgramError as error:
        raise SolutionFileError(f"{error} (on the machine of {entry.id})") from None
    except ClaimError as error:
        raise SolutionFileError(f"{source}: {error}") from None
    except ReferenceFailure as error:
        raise BrokenReference(f"{entry.path}: the reference of {entry.id} fails: {error}"
                              ) from None
