"""Histograms of puzzles: built from solution files, stored beside their pack.

A puzzle's histogram lives at `histogram_path(entry)`:
``<folder of the pack file>/histograms/<pack id>/<puzzle id>.json`` (for the
shipped packs, ``puzzles/histograms/takehome/tree-kernel.json``), in the
format of `game.histogram`. `puzzle_histogram(entry)` reads it, or gives an
empty histogram when there is none.

`build_histogram(entry, files)` validates every file exactly as `vliw check`
does (`game.scoring.score_solution_file`, fresh robustness seeds included): a
file that cannot be read, does not run on the puzzle's machine, gives a wrong
output or claims a wrong score is skipped with the reason; a program
identical to one already counted (same `content_hash`) is counted once. Each
point carries its program (its canonical form), so others can re-validate it.
Files that are the same program with the same claims are validated once,
several at a time with `jobs`, and not at all when a `Remembered` record
of earlier builds holds them (`game.batch_validation`).

`rebuild_shipped()` rebuilds the histograms of every shipped puzzle from the
shipped solutions (``solutions/<pack>/<puzzle>/``) and the offline corpus
(``corpus/<pack>/<puzzle>/``, written by ``python -m tools.corpus``), and
records in each how many programs came from each (`Histogram.source`; a
program in both counts as a shipped solution); `vliw hist rebuild` runs it
and `vliw hist rebuild --check` only reports what is stale. Shipped points
carry no program: their hashes name shipped solutions or corpus programs,
which stay small in the repository and are what `merge` runs again for them.

`merge_checked(entry, files)` takes no score on trust: every point of every
file is run again on the puzzle (its program, or the shipped solution with
its hash), gets the scores measured, or is dropped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from game.batch_validation import InvalidSolution, Measure, Progress, Remembered, measure_all
from game.catalog import Catalog, PuzzleEntry
from game.histogram import (
    MAX_PROGRAM_CHARS,
    SOURCES,
    Histogram,
    HistogramError,
    Point,
    content_hash,
    read_histogram,
)
from game.paths import PROJECT_ROOT, SOLUTIONS_DIR, atomic_write_text
from game.scoring import (
    BrokenReference,
    Report,
    SolutionFileError,
    score_loaded,
    score_solution_file,
    solution_files,
)
from machine.loader import load_program
from machine.program import ProgramError
from machine.takehome_json import program_from_json_text

HISTOGRAMS_FOLDER = "histograms"
CORPUS_DIR = PROJECT_ROOT / "corpus"


class BuildError(Exception):
    """Building cannot go on at all (the puzzle's own reference fails): a one-line message."""


def histogram_path(entry: PuzzleEntry) -> Path:
    return entry.path.parent / HISTOGRAMS_FOLDER / entry.pack.id / f"{entry.puzzle.id}.json"


def puzzle_histogram(entry: PuzzleEntry) -> Histogram:
    """The stored histogram of a puzzle, or an empty one; HistogramError if it is broken."""
    path = histogram_path(entry)
    if not path.exists():
        return Histogram.empty(entry.id, entry.puzzle.metrics)
    histogram = read_histogram(path)
    if histogram.puzzle != entry.id:
        raise HistogramError(f"{path}: holds the histogram of {histogram.puzzle}, not {entry.id}")
    return histogram


def validate_solution(entry: PuzzleEntry, path: Path) -> Point:
    """The solution's point, with its program, if it passes every test of the puzzle;
    else InvalidSolution."""
    try:
        program, report = score_solution_file(entry, path, refuse_other_puzzle=True)
    except BrokenReference as error:
        raise BuildError(str(error)) from None
    except SolutionFileError as error:
        raise InvalidSolution(str(error)) from None
    _require_pass(str(path), report)
    return Point.measured(program, report.scores.as_dict())


def _require_pass(source: str, report: Report) -> None:
    if not report.passed:
        failures = report.failures()
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise InvalidSolution(f"{source}: {failures[0]}{more}")


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


@dataclass(frozen=True)
class Duplicate:
    path: Path
    same_as: Path


@dataclass(frozen=True)
class Build:
    """A histogram built from files, and what happened to each file."""

    histogram: Histogram
    counted: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)


def build_histogram(entry: PuzzleEntry, files: Iterable[Path], progress: Progress | None = None,
                    measure: Measure = validate_solution, programs: bool = True, jobs: int = 1,
                    remembered: Remembered | None = None) -> Build:
    """Validate each file; count each distinct passing program once.

    `programs`: whether the points carry their programs (a program too long for a
    histogram file is then not counted). `progress` is called for each file once it
    is validated; `jobs`: validations at a time (worker processes past 1).
    """
    files = list(files)
    points: dict[str, tuple[Point, Path]] = {}
    counted: list[Path] = []
    skipped: list[Skipped] = []
    duplicates: list[Duplicate] = []
    for path, point in zip(files, measure_all(entry, files, measure, jobs, progress, remembered),
                           strict=True):
        if isinstance(point, str):
            skipped.append(Skipped(path, point))
            continue
        if not programs:
            point = point.without_program()
        elif point.program is not None and len(point.program) > MAX_PROGRAM_CHARS:
            skipped.append(Skipped(path, f"{path}: its program has {len(point.program):,} "
                                   f"characters in the take-home form, over the "
                                   f"{MAX_PROGRAM_CHARS:,} a histogram point may carry"))
            continue
        if point.hash in points:
            duplicates.append(Duplicate(path, points[point.hash][1]))
            continue
        points[point.hash] = (point, path)
        counted.append(path)
    histogram = Histogram.build(entry.id, entry.puzzle.metrics, (p for p, _ in points.values()))
    return Build(histogram, counted, skipped, duplicates)


@dataclass(frozen=True)
class Rebuilt:
    """One shipped histogram: where it lives, its fresh text, and whether the file differs."""

    path: Path
    text: str | None
    """None for a file that belongs to no shipped puzzle (to be removed)."""
    stale: bool
    build: Build | None = None


def shipped_folders(entry: PuzzleEntry, solutions: Path = SOLUTIONS_DIR,
                    corpus: Path = CORPUS_DIR) -> dict[str, Path]:
    """The folders a shipped puzzle's programs lie in, by `SOURCES` name, in counting order."""
    roots = dict(zip(SOURCES, (solutions, corpus), strict=True))
    return {name: root / entry.pack.id / entry.puzzle.id for name, root in roots.items()}


def rebuild_shipped(catalog: Catalog | None = None, solutions: Path = SOLUTIONS_DIR,
                    progress: Progress | None = None,
                    measure: Measure = validate_solution,
                    corpus: Path = CORPUS_DIR) -> list[Rebuilt]:
    """Fresh histograms for every shipped puzzle, and the stored files no puzzle owns.

    Writes nothing: `write_rebuilt` does. Packs that fail to load are BuildErrors.
    """
    catalog = catalog or Catalog()
    packs, errors = catalog.load_all()
    if errors:
        raise BuildError(str(errors[0]))
    results: list[Rebuilt] = []
    expected: set[Path] = set()
    paths = catalog.pack_paths()
    for pack in packs:
        for puzzle in pack.puzzles:
            entry = PuzzleEntry(pack, puzzle, paths[pack.id])
            files = {name: solution_files(folder) if folder.is_dir() else []
                     for name, folder in shipped_folders(entry, solutions, corpus).items()}
            build = build_histogram(entry, [f for found in files.values() for f in found],
                                    progress, measure, programs=False)
            counted = set(build.counted)
            source = {name: len(counted.intersection(found)) for name, found in files.items()}
            histogram = Histogram.build(entry.id, entry.puzzle.metrics, build.histogram.points,
                                        source=source)
            path = histogram_path(entry)
            expected.add(path.resolve())
            text = histogram.to_text()
            stale = not path.is_file() or path.read_text(encoding="utf-8") != text
            results.append(Rebuilt(path, text, stale, build))
    folder = catalog.directory / HISTOGRAMS_FOLDER
    if folder.is_dir():
        for orphan in sorted(folder.rglob("*.json")):
            if orphan.resolve() not in expected:
                results.append(Rebuilt(orphan, None, True))
    return results


def write_rebuilt(results: Sequence[Rebuilt]) -> None:
    for result in results:
        if not result.stale:
            continue
        if result.text is None:
            result.path.unlink()
        else:
            atomic_write_text(result.path, result.text)


# --- merging: every point is run again ----------------------------------------------------------

class Verdict(StrEnum):
    ACCEPTED = "accepted"
    """Its program measures exactly what the point claims."""
    RESCORED = "re-scored"
    """Its program passes; the claimed scores (or hash) are replaced by the measured ones."""
    NO_PROGRAM = "without a program"
    """Dropped: it carries no program and no shipped solution has its hash."""
    FAILING = "failing"
    """Dropped: its program does not read, does not run on the puzzle, or fails a test."""


DROPPED = (Verdict.NO_PROGRAM, Verdict.FAILING)


@dataclass(frozen=True)
class Checked:
    """What running one point of a file again made of it."""

    source: str
    """The file and the point: ``a.json points[3]``."""
    verdict: Verdict
    point: Point | None
    """As measured; None when dropped."""
    reason: str = ""
    """Why it was dropped or re-scored (not naming the point: `source` does)."""


@dataclass(frozen=True)
class Merge:
    histogram: Histogram
    checked: list[Checked]

    def count(self, *verdicts: Verdict) -> int:
        return sum(1 for c in self.checked if c.verdict in verdicts)


def merge_checked(entry: PuzzleEntry, files: Sequence[tuple[str, Histogram]],
                  solutions: Path = SOLUTIONS_DIR, corpus: Path = CORPUS_DIR) -> Merge:
    """The union of the files' points as measured now, and what happened to each point.

    Raises HistogramError for a file of another puzzle or other metrics, and
    BuildError if the puzzle's own reference fails.
    """
    metrics = tuple(entry.puzzle.metrics)
    remeasure = _Remeasure(entry, shipped_folders(entry, solutions, corpus).values())
    merged = Histogram.empty(entry.id, metrics)
    checked: list[Checked] = []
    for name, histogram in files:
        if histogram.puzzle != entry.id:
            raise HistogramError(f"{name}: holds the histogram of {histogram.puzzle}, "
                                 f"not {entry.id}")
        if histogram.metrics != metrics:
            raise HistogramError(f"{name}: its metrics are {', '.join(histogram.metrics)}, "
                                 f"but {entry.id} has {', '.join(metrics)}")
        results = [remeasure(f"{name} points[{i}]", point, histogram.score_rule)
                   for i, point in enumerate(histogram.points)]
        checked += results
        kept = (c.point for c in results if c.point is not None)
        merged = merged.merge(Histogram.build(entry.id, metrics, kept))
    return Merge(merged, checked)


@dataclass(frozen=True)
class _Dropped:
    verdict: Verdict
    reason: str


class _Remeasure:
    """Runs each distinct program once; the first measure of a hash is the one kept."""

    def __init__(self, entry: PuzzleEntry, folders: Iterable[Path]):
        self.entry = entry
        self.folders = tuple(folders)
        self.shipped: dict[str, Path] | None = None
        self.done: dict[str, Point | _Dropped] = {}
        """By program text, or by hash for a point without a program (hex, never a '[')."""
        self.by_hash: dict[str, Point] = {}

    def __call__(self, source: str, claimed: Point, score_rule: int) -> Checked:
        key = claimed.hash if claimed.program is None else claimed.program
        if key not in self.done:
            self.done[key] = self._run_shipped(claimed.hash, score_rule) \
                if claimed.program is None else self._run_carried(claimed.program)
        measured = self.done[key]
        if isinstance(measured, _Dropped):
            return Checked(source, measured.verdict, None, measured.reason)
        point = self.by_hash.setdefault(measured.hash, measured)
        wrong = [f"{m} {claimed.scores[m]} claimed, {point.scores[m]} measured"
                 for m in claimed.scores if claimed.scores[m] != point.scores[m]]
        if point.hash != claimed.hash:
            wrong.insert(0, f"hash {claimed.hash[:12]} claimed, {point.hash[:12]} measured")
        if wrong:
            return Checked(source, Verdict.RESCORED, point, "; ".join(wrong))
        return Checked(source, Verdict.ACCEPTED, point)

    def _run_carried(self, text: str) -> Point | _Dropped:
        """The point a carried program measures, or why it is dropped."""
        try:
            program = program_from_json_text(text, "program")
            report = score_loaded(self.entry, program, "program")
            _require_pass("program", report)
        except BrokenReference as error:
            raise BuildError(str(error)) from None
        except (ProgramError, SolutionFileError, InvalidSolution) as error:
            return _Dropped(Verdict.FAILING, str(error))
        return Point.measured(program, report.scores.as_dict())

    def _run_shipped(self, digest: str, score_rule: int) -> Point | _Dropped:
        """The point of the shipped solution with this hash, or why there is none."""
        if self.shipped is None:
            self.shipped = self._index_shipped()
        path = self.shipped.get(digest)
        if path is None:
            older = " (its file was written under score rule 1)" if score_rule == 1 else ""
            return _Dropped(Verdict.NO_PROGRAM,
                            f"carries no program and is no shipped solution{older}")
        try:
            return validate_solution(self.entry, path).without_program()
        except InvalidSolution as error:
            return _Dropped(Verdict.FAILING, str(error))

    def _index_shipped(self) -> dict[str, Path]:
        """The shipped programs of the puzzle by content hash (unreadable ones left out)."""
        vlen = self.entry.puzzle.machine_config().vlen
        found: dict[str, Path] = {}
        for path in (p for folder in self.folders if folder.is_dir()
                     for p in solution_files(folder)):
            try:
                found.setdefault(content_hash(load_program(path, vlen)), path)
            except ProgramError:
                continue
        return found
