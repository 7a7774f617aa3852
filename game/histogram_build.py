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
identical to one already counted (same `content_hash`) is counted once.

`rebuild_shipped()` rebuilds the histograms of every shipped puzzle from the
shipped solutions (``solutions/<pack>/<puzzle>/``); `vliw hist rebuild` runs
it and `vliw hist rebuild --check` only reports what is stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from game.catalog import Catalog, PuzzleEntry
from game.histogram import Histogram, HistogramError, Point, content_hash, read_histogram
from game.paths import SOLUTIONS_DIR, atomic_write_text
from game.scoring import BrokenReference, SolutionFileError, score_solution_file, solution_files

HISTOGRAMS_FOLDER = "histograms"


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


class InvalidSolution(Exception):
    """Why one solution file does not count: a one-line reason."""


def validate_solution(entry: PuzzleEntry, path: Path) -> Point:
    """The solution's point if it passes every test of the puzzle; else InvalidSolution."""
    try:
        program, report = score_solution_file(entry, path, refuse_other_puzzle=True)
    except BrokenReference as error:
        raise BuildError(str(error)) from None
    except SolutionFileError as error:
        raise InvalidSolution(str(error)) from None
    if not report.passed:
        failures = report.failures()
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise InvalidSolution(f"{path}: {failures[0]}{more}")
    return Point(content_hash(program), report.scores.as_dict())


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


Measure = Callable[[PuzzleEntry, Path], Point]
"""How a file becomes a point: `validate_solution`, or InvalidSolution."""


def build_histogram(entry: PuzzleEntry, files: Iterable[Path],
                    progress: Callable[[Path], None] | None = None,
                    measure: Measure = validate_solution) -> Build:
    """Validate each file; count each distinct passing program once."""
    points: dict[str, tuple[Point, Path]] = {}
    counted: list[Path] = []
    skipped: list[Skipped] = []
    duplicates: list[Duplicate] = []
    for path in files:
        if progress is not None:
            progress(path)
        try:
            point = measure(entry, path)
        except InvalidSolution as error:
            skipped.append(Skipped(path, str(error)))
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


def rebuild_shipped(catalog: Catalog | None = None, solutions: Path = SOLUTIONS_DIR,
                    progress: Callable[[Path], None] | None = None,
                    measure: Measure = validate_solution) -> list[Rebuilt]:
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
            folder = solutions / pack.id / puzzle.id
            files = solution_files(folder) if folder.is_dir() else []
            build = build_histogram(entry, files, progress, measure)
            path = histogram_path(entry)
            expected.add(path.resolve())
            text = build.histogram.to_text()
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
