"""Authoring puzzle packs: a starter pack to begin from, and a test of a whole pack.

    made = new_pack("fizz", Path("."))          # fizz.toml and solutions/fizz/sum/...
    result = pack_test(Path("fizz.toml"))       # lint, references, solutions, histograms
    result.passed, result.puzzles[0].best("cycles")

**Where a pack's solutions live.** Below `solutions_root(pack file)`, one
folder per puzzle: ``<root>/<pack id>/<puzzle id>/<name>.vasm`` (or
``.json``), the layout of the shipped ``solutions/`` folder, so that
`vliw check` finds each file's puzzle from its folder. For the shipped packs
(in ``puzzles/``) the root is the project's ``solutions/``; for a pack file
anywhere else it is the ``solutions/`` folder beside the file. Shipped
histograms follow the same rule through `game.histogram_build.histogram_path`
(``histograms/`` beside the pack file).

**What `pack_test` holds a pack to.** The pack lints clean (`lint_pack`: it
loads, and each reference handles the fixed cases and the scored seeds). Each
puzzle's reference also handles fresh random seeds (a reference that divides by a random word
fails on some seed sooner or later), keeps the memory's size, and changes a
checked region on some seed (otherwise the empty program solves the
puzzle). Every solution file passes its puzzle exactly as `vliw check`
validates it (its derived robustness seeds, claimed scores). A stored histogram
reads back, belongs to its puzzle and has its metrics. Notes (no solutions
yet, a solution better than the pack's `best`, passing solutions missing
from the histogram) are reported but do not fail the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from string import Template

from pydantic import TypeAdapter, ValidationError

from game.catalog import PuzzleEntry
from game.histogram import HistogramError
from game.histogram_build import (
    BuildError,
    InvalidSolution,
    histogram_path,
    puzzle_histogram,
    validate_solution,
)
from game.inputs import PlannedTest, layout, test_inputs, test_plan
from game.pack import Pack, PackError, PackIssue, Puzzle, load_pack, parse_pack
from game.pack.lint import lint_pack
from game.pack.schema import Identifier, Title
from game.paths import PUZZLES_DIR, SOLUTIONS_DIR, atomic_write_text
from game.references import ReferenceFailure, expected_memories
from game.scoring import fresh_seeds, solution_files

SOLUTIONS_FOLDER = "solutions"
RANDOM_SEEDS = 8
"""Fresh random seeds each reference runs on, besides its scored seeds."""
STARTER_PUZZLE = "sum"
STARTER_SOLUTION = "vectorised"


class AuthoringError(Exception):
    """A starter pack that cannot be written: a one-line message."""


def solutions_root(pack_path: Path) -> Path:
    """The folder holding ``<pack id>/<puzzle id>/`` solution folders for this pack file."""
    if pack_path.resolve().parent == PUZZLES_DIR.resolve():
        return SOLUTIONS_DIR
    return pack_path.parent / SOLUTIONS_FOLDER


# --- the starter pack ------------------------------------------------------------------------

STARTER_PACK = Template('''\
# A puzzle pack for vliw: one TOML file, a [pack] table, then its puzzles in
# play order. Every key is explained in docs/authoring.md; `vliw pack schema`
# prints the format as JSON Schema for editors.
#
#   vliw pack test $pack_file          lint, run the references, validate solutions
#   vliw play --pack $pack_file        play it
#   vliw check --pack $pack_file solutions/$pack_id/$puzzle/$solution.vasm
#
# A pack is data: nothing in it ever runs as Python.

[pack]
id = "$pack_id"                  # a-z, 0-9 and '-'; puzzles are "$pack_id/<puzzle id>"
title = $title
author = ""                      # optional
# order = 100                    # where the pack stands in the browser: lower first
description = """
What this pack teaches, in Markdown (optional).
"""

# ---------------------------------------------------------------------------

[[puzzle]]
id = "$puzzle"                       # the puzzle's id: "$pack_id/$puzzle"
title = "Add up eight numbers"
description = """
Memory starts with **n**, the count of numbers (8), then the n numbers, then
one word for their **total**. Leave the sum of the numbers, modulo 2^32, in
the total.

| address | content |
|---|---|
| 0 | n = 8 |
| 1..8 | the numbers, random |
| 9 | total, 0 at the start; must hold their sum at the end |
"""
scored_seeds = [1, 2, 3]        # fixed random inputs, run at every validation
robustness_seeds = 8            # more seeds, derived from each program (0..64)
cycle_limit = 1_000             # a run that takes longer faults (unset: scaled)
metrics = ["cycles", "instructions", "scratch"]   # shown in this order; the first ranks
check = ["total"]               # regions compared with the reference's at the end
# best = { cycles = 6 }         # the best score known, per metric (optional)

# The memory image, region by region from address 0. Random words are drawn
# with random.Random(seed), in this order, each randint(min, max).
memory = [
  { name = "n", kind = "length", of = "numbers" },            # one word: a region's length
  { name = "numbers", kind = "random", count = 8, min = 0, max = 1_000_000 },
  { name = "total", kind = "zeros", count = 1 },
]
# Other kinds: { kind = "words", values = [...] } (constants) and
# { kind = "address", of = "numbers" } (one word: where a region starts).

[puzzle.machine]                # the take-home's machine unless changed here
# slot_limits = { alu = 2, valu = 0 }   # slots per bundle; engines not named keep theirs
# vlen = 8                      # words of a vector
# scratch_size = 1536           # words of scratch, all 0 at the start
# n_cores = 1
# forbidden_ops = ["mul", "vmul"]       # or allowed_ops = [...], never both

# What the final memory must hold: a program in the machine's own assembly,
# run on this puzzle's machine (or builtin = "tree-kernel", or
# expected = { total = [...] } for outputs that never change).
[puzzle.reference]
program = """
.scalar address   # 0 at the start, like every scratch word
.scalar left
.scalar one
.scalar word
.scalar total
    load left, address          # left = n
    const one, 1
loop:
    add address, address, one   # the next number
    load word, address
    add total, total, word
    sub left, left, one
    cond_jump left, loop
    add address, address, one   # the word after the numbers: total
    store address, total
"""

# Fixed test cases: the inputs at the puzzle's boundaries, run at every validation.
# A case starts from its seed's image and replaces whole random regions.
[[puzzle.cases]]
name = "all zero"
fill = { numbers = "zeros" }    # or min, max, equal, sorted, reversed, duplicates, extremes

[[puzzle.cases]]
name = "the largest numbers"
fill = { numbers = "max" }

[[puzzle.cases]]
name = "given words"
words = { numbers = [0, 1, 2, 3, 999_999, 1_000_000, 7, 7] }

[[puzzle.marks]]                # named points on the score histograms
metric = "cycles"
value = 44
label = "the reference: one number at a time"
''')

STARTER_SOLUTION_TEXT = Template('''\
# puzzle: $pack_id/$puzzle
# name: $solution
# cycles: 6
# instructions: 11
# scratch: 14

# One vload fetches all eight numbers; three rounds of adds sum them.
# `vliw pack test` checks the claimed scores above against what it measures.
.scalar one
.scalar nine
.vector v
.array t[4]

    const one, 1 || const nine, 9
    vload v, one
    add t[0], v[0], v[1] || add t[1], v[2], v[3] || add t[2], v[4], v[5] || add t[3], v[6], v[7]
    add t[0], t[0], t[1] || add t[2], t[2], t[3]
    add t[0], t[0], t[2]
    store nine, t[0]
''')


@dataclass(frozen=True)
class NewPack:
    pack: Path
    solutions: tuple[Path, ...]


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, plus DEL, which TOML does not allow raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def starter_files(pack_id: str, folder: Path, title: str | None = None) -> dict[Path, str]:
    """The starter pack's files (path -> text), checked: AuthoringError for a bad id or title."""
    _check(Identifier, pack_id, "pack id", "a-z, 0-9 and '-', starting with a letter or digit,"
                                           " at most 64 characters")
    title = pack_id if title is None else title
    _check(Title, title, "title", "1 to 200 characters")
    pack_path = folder / f"{pack_id}.toml"
    values = {"pack_id": pack_id, "title": toml_string(title), "puzzle": STARTER_PUZZLE,
              "solution": STARTER_SOLUTION, "pack_file": pack_path.name}
    pack_text = STARTER_PACK.substitute(values)
    try:
        parse_pack(pack_text, str(pack_path))
    except PackError as error:  # only a title the template cannot hold gets here
        raise AuthoringError(f"cannot make a pack with this title: {error}") from None
    solution_path = (solutions_root(pack_path) / pack_id / STARTER_PUZZLE
                     / f"{STARTER_SOLUTION}.vasm")
    return {pack_path: pack_text, solution_path: STARTER_SOLUTION_TEXT.substitute(values)}


def new_pack(pack_id: str, folder: Path, title: str | None = None) -> NewPack:
    """Write the starter pack `<folder>/<pack_id>.toml` with one puzzle and one solution.

    Nothing is overwritten: AuthoringError if a file exists, or for a bad id or title.
    """
    files = starter_files(pack_id, folder, title)
    for path in files:
        if path.exists():
            raise AuthoringError(f"{path} already exists; choose another name or folder")
    try:
        for path, text in files.items():
            atomic_write_text(path, text)
    except OSError as error:
        raise AuthoringError(f"cannot write {error.filename or folder}:"
                             f" {error.strerror or error}") from None
    pack_path, *solutions = files
    return NewPack(pack_path, tuple(solutions))


def _check(kind: object, value: str, what: str, rule: str) -> None:
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError:
        raise AuthoringError(f"{value!r} cannot be a {what}: {rule}") from None


# --- testing a pack --------------------------------------------------------------------------

@dataclass(frozen=True)
class SolutionResult:
    path: Path
    scores: dict[str, int] | None = None
    hash: str | None = None
    """The program's `content_hash`, for a passing solution."""
    error: str | None = None
    """Why it fails, starting with the file's path."""

    @property
    def passed(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class PuzzleTest:
    entry: PuzzleEntry
    reference_problems: tuple[str, ...]
    solutions: tuple[SolutionResult, ...]
    histogram_problem: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def reference_ok(self) -> bool:
        return not self.reference_problems

    @property
    def passing(self) -> int:
        return sum(solution.passed for solution in self.solutions)

    @property
    def passed(self) -> bool:
        return (self.reference_ok and self.histogram_problem is None
                and self.passing == len(self.solutions))

    def best(self, metric: str) -> int | None:
        """The best score of the passing solutions on a metric, None without any."""
        scores = [s.scores[metric] for s in self.solutions if s.scores and metric in s.scores]
        return min(scores, default=None)

    def problems(self) -> list[str]:
        """One line per failure, each naming the puzzle."""
        name = self.entry.id
        lines = [f"{name}: reference: {problem}" for problem in self.reference_problems]
        lines += [f"{name}: {s.error}" for s in self.solutions if s.error]
        if self.histogram_problem:
            lines.append(f"{name}: histogram: {self.histogram_problem}")
        return lines


@dataclass(frozen=True)
class PackTest:
    path: Path
    pack: Pack | None
    """None when the pack does not load (then `issues` say why)."""
    issues: tuple[PackIssue, ...] = ()
    """Lint issues that belong to no single puzzle (all of them when the pack does not load)."""
    puzzles: tuple[PuzzleTest, ...] = ()
    stray: tuple[SolutionResult, ...] = ()
    """Solution files in a folder that names no puzzle of the pack."""
    solutions_folder: Path | None = None
    """Where the pack's solutions are looked for (`solutions_root` / pack id)."""
    random_seeds: tuple[int, ...] = ()

    @property
    def loaded(self) -> bool:
        return self.pack is not None

    @property
    def passed(self) -> bool:
        return (self.loaded and not self.issues and not self.stray
                and all(puzzle.passed for puzzle in self.puzzles))

    def problems(self) -> list[str]:
        lines = [str(issue) for issue in self.issues]
        for puzzle in self.puzzles:
            lines += puzzle.problems()
        lines += [s.error for s in self.stray if s.error]
        return lines


SeedSource = Callable[[int], list[int]]


def pack_test(path: Path, random_seeds: int = RANDOM_SEEDS,
              seed_source: SeedSource = fresh_seeds) -> PackTest:
    """Everything `vliw pack test` checks, for the pack file at `path`."""
    try:
        pack = load_pack(path)
    except PackError as error:
        return PackTest(path, None, tuple(error.issues))
    by_puzzle: dict[int, list[str]] = {}
    pack_issues: list[PackIssue] = []
    for issue in lint_pack(path):
        index = _puzzle_index(issue.key)
        if index is None:
            pack_issues.append(issue)
        else:
            by_puzzle.setdefault(index, []).append(str(issue))
    seeds = tuple(seed_source(random_seeds)) if random_seeds else ()
    root = solutions_root(path) / pack.id
    files = _files_by_puzzle(root)
    puzzles = []
    for index, puzzle in enumerate(pack.puzzles):
        entry = PuzzleEntry(pack, puzzle, path)
        problems = by_puzzle.get(index) or _reference_problems(puzzle, seeds)
        puzzles.append(_test_puzzle(entry, problems, files.pop(puzzle.id, [])))
    stray = tuple(SolutionResult(file, error=f"{file}: {_stray_reason(pack, root, file)}")
                  for leftover in files.values() for file in leftover)
    return PackTest(path, pack, tuple(pack_issues), tuple(puzzles), stray, root, seeds)


def _puzzle_index(key: str) -> int | None:
    """0 for "puzzle[0].reference" and the like; None for keys outside one puzzle."""
    if not key.startswith("puzzle["):
        return None
    number = key[len("puzzle["):].partition("]")[0]
    return int(number) if number.isdigit() else None


def _reference_problems(puzzle: Puzzle, seeds: Sequence[int]) -> list[str]:
    """What goes wrong with the reference on the fixed cases, scored seeds and `seeds`."""
    plan = test_plan(puzzle, seeds, "random")
    inputs = test_inputs(puzzle, plan)
    try:
        finals = expected_memories(puzzle, inputs)
    except ReferenceFailure:
        return [_first_failure(puzzle, plan, inputs)]
    problems = [f"on {test.name}: the reference changes the size of memory"
                f" ({len(memory)} words, then {len(final)})"
                for test, memory, final in zip(plan, inputs, finals, strict=True)
                if len(final) != len(memory)]
    if problems:
        return problems[:1]
    checked = [r for r in layout(puzzle) if r.checked]
    if all(list(final[r.start:r.stop]) == list(memory[r.start:r.stop])
           for memory, final in zip(inputs, finals, strict=True) for r in checked):
        names = ", ".join(r.name for r in checked)
        return [f"an empty program would pass: on all {len(plan)} tests tried the reference"
                f" leaves the checked regions ({names}) as they were"]
    return []


def _first_failure(puzzle: Puzzle, plan: Sequence[PlannedTest],
                   inputs: Sequence[Sequence[int]]) -> str:
    """Run the inputs one at a time to name the first test the reference fails on."""
    for test, memory in zip(plan, inputs, strict=True):
        try:
            expected_memories(puzzle, [memory])
        except ReferenceFailure as failure:
            return f"on {test.name}: {failure}"
    raise AssertionError("a reference that failed on all inputs fails on one of them")


def _files_by_puzzle(root: Path) -> dict[str, list[Path]]:
    """Solution files below the pack's folder, by the name of the folder below it."""
    files: dict[str, list[Path]] = {}
    if not root.is_dir():
        return files
    for file in solution_files(root):
        parts = file.relative_to(root).parts
        files.setdefault(parts[0] if len(parts) > 1 else "", []).append(file)
    return files


def _stray_reason(pack: Pack, root: Path, file: Path) -> str:
    parts = file.relative_to(root).parts
    if len(parts) == 1:
        return f"not in a puzzle's folder: solutions go in {root}/<puzzle id>/"
    ids = ", ".join(p.id for p in pack.puzzles)
    return f"pack {pack.id!r} has no puzzle {parts[0]!r} (its puzzles: {ids})"


def _test_puzzle(entry: PuzzleEntry, problems: list[str], files: list[Path]) -> PuzzleTest:
    solutions = []
    for file in files:
        if problems:
            solutions.append(_not_validated(entry, file))
            continue
        try:
            point = validate_solution(entry, file)
        except InvalidSolution as error:
            solutions.append(SolutionResult(file, error=str(error)))
        except BuildError as error:  # the reference failed on a robustness seed
            problems.append(str(error))
            solutions.append(_not_validated(entry, file))
        else:
            solutions.append(SolutionResult(file, dict(point.scores), point.hash))
    histogram_problem, on_histogram = _histogram_problem(entry)
    test = PuzzleTest(entry, tuple(problems), tuple(solutions), histogram_problem)
    return replace(test, notes=tuple(_notes(test, on_histogram)))


def _not_validated(entry: PuzzleEntry, file: Path) -> SolutionResult:
    return SolutionResult(file, error=f"{file}: not validated: the reference of {entry.id} fails")


def _histogram_problem(entry: PuzzleEntry) -> tuple[str | None, frozenset[str] | None]:
    """(what is wrong with the stored histogram, the hashes of its points) if there is one."""
    path = histogram_path(entry)
    if not path.exists():
        return None, None
    try:
        histogram = puzzle_histogram(entry)
    except HistogramError as error:
        return str(error), None
    if histogram.metrics != tuple(entry.puzzle.metrics):
        return (f"{path}: has the metrics {', '.join(histogram.metrics)}; the puzzle's are"
                f" {', '.join(entry.puzzle.metrics)}"), None
    return None, frozenset(point.hash for point in histogram.points)


def _notes(test: PuzzleTest, on_histogram: frozenset[str] | None) -> list[str]:
    puzzle = test.entry.puzzle
    notes = []
    if not test.solutions:
        notes.append("no solutions yet")
    for metric, best in puzzle.best.items():
        found = test.best(metric)
        if found is not None and found < best:
            notes.append(f"a solution scores {found} {metric}, better than the pack's"
                         f" best ({best})")
    if on_histogram is not None:
        missing = sum(1 for s in test.solutions if s.hash is not None
                      and s.hash not in on_histogram)
        if missing:
            notes.append(f"{missing} passing solution(s) are not on the histogram"
                         f" {histogram_path(test.entry)}")
    return notes
