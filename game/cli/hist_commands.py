"""`vliw hist`: score histograms in the terminal, and building, merging, rebuilding them.

    vliw hist PUZZLE [--solution FILE] [--histogram FILE.json | --url URL] [--json]
                     [--width N]
    vliw hist build DIR --puzzle PACK/PUZZLE -o FILE.json [--jobs N]
    vliw hist merge A.json B.json... -o FILE.json [--pack FILE.toml]
    vliw hist rebuild [--check]

`vliw hist PUZZLE` shows the puzzle's histograms (the shipped ones,
`--histogram FILE`, or a leaderboard's with `--url URL`: `vliw board serve`)
with its named marks, a cycles-by-instructions Pareto view, and the
player's best scores from the score store. With `--solution` the file is
validated as `vliw check` does; if it passes, it is recorded in the score
store (unless `--no-record`) and placed on every histogram.

`build` validates every solution below DIR: invalid ones are reported on
stderr and not counted, identical programs are counted once; each point
carries its program. Files are validated `--jobs` at a time (default: one
per core), each distinct program once, and a file that passed in an earlier
build on the same puzzle, pack and code is not run again (`Remembered`, in
the data folder); on a terminal, stderr shows a progress bar while it takes
long. `merge` unites histograms of one puzzle (a solution in
several files counts once) and takes no score on trust: each point is run
again from the program it carries (or the shipped solution with its hash)
and keeps the scores measured; a point without a program to run, or whose
program fails, is dropped. It says on stderr how many points were accepted,
re-scored and dropped, and why the first was dropped; the merged file holds
only what was measured, and merge exits 1 if it dropped any point.
`rebuild` rebuilds the shipped histograms (puzzles/histograms/) from the
shipped solutions (solutions/); with `--check` it writes nothing and exits 1
if any is stale. Exit codes: 0 done; 1 a solution fails or a merged point was
dropped, or stale or invalid shipped data; 2 unreadable or invalid input. The
arguments are declared in `game.cli.hist_args`; this module is imported when
the command runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.batch_validation import Remembered, default_jobs
from game.catalog import PuzzleEntry
from game.cli.common import EXIT_FAILED, EXIT_OK, CliError, print_json
from game.cli.hist_args import MAX_WIDTH, MIN_WIDTH, MOST_JOBS
from game.cli.home_option import apply_home
from game.cli.progress_bar import ProgressBar
from game.cli.puzzle_lookup import find_puzzle, open_catalog
from game.histogram import Histogram, HistogramError, Point, Standing, pareto_front, read_histogram
from game.histogram_build import (
    DROPPED,
    Build,
    BuildError,
    InvalidSolution,
    Merge,
    Verdict,
    build_histogram,
    merge_checked,
    puzzle_histogram,
    rebuild_shipped,
    validate_solution,
    write_rebuilt,
)
from game.paths import atomic_write_text
from game.scoring import solution_files

if TYPE_CHECKING:  # rich and the score store are imported when used: `vliw` starts faster
    from game.store import Best, Run

ACTIONS = ("build", "merge", "rebuild")


def run_hist(args: argparse.Namespace) -> int:
    apply_home(args)
    action = args.target if args.target in ACTIONS else "show"
    _refuse_foreign_options(args, action)
    if action == "build":
        return _build(args)
    if action == "merge":
        return _merge(args)
    if action == "rebuild":
        return _rebuild(args)
    return _show(args)


_OPTIONS_OF = {
    "show": {"solution", "histogram", "url", "no_record", "json", "width", "pack"},
    "build": {"puzzle", "output", "pack", "jobs"},
    "merge": {"output", "pack"},
    "rebuild": {"check"},
}
_FLAG_NAMES = {"solution": "--solution", "histogram": "--histogram", "url": "--url",
               "no_record": "--no-record",
               "json": "--json", "width": "--width", "pack": "--pack", "puzzle": "--puzzle",
               "output": "--output", "check": "--check", "jobs": "--jobs"}


def _refuse_foreign_options(args: argparse.Namespace, action: str) -> None:
    for name, flag in _FLAG_NAMES.items():
        if getattr(args, name) not in (None, False, []) and name not in _OPTIONS_OF[action]:
            raise CliError(f"{flag} does not go with {'a puzzle' if action == 'show' else action}"
                           " (see vliw hist --help)")
    if action == "show" and args.inputs:
        raise CliError(f"unexpected {args.inputs[0]!r} after the puzzle id")


# --- show ---------------------------------------------------------------------------------------

def _show(args: argparse.Namespace) -> int:
    if args.width is not None and not MIN_WIDTH <= args.width <= MAX_WIDTH:
        raise CliError(f"--width must be between {MIN_WIDTH} and {MAX_WIDTH}, not {args.width}")
    entry = find_puzzle(open_catalog(args.pack), args.target)
    histogram = _histogram_for(entry, args.histogram, args.url)
    player: Point | None = None
    if args.solution:
        try:
            player = validate_solution(entry, _existing_file(args.solution))
        except InvalidSolution as error:
            raise CliError(f"not placed on the histograms: {error}", EXIT_FAILED) from None
        except BuildError as error:
            raise CliError(str(error)) from None
    best, unverified = _record_and_best(entry, args, player)
    if args.json:
        print_json({**_show_json(entry, histogram, player, best), "unverified": [
            {"solution": run.solution, "hash": run.content_hash, **run.scores}
            for run in unverified]})
        return EXIT_OK
    width = args.width or min(max(shutil.get_terminal_size((80, 24)).columns, MIN_WIDTH),
                              MAX_WIDTH)
    from rich.console import Console

    from game.histogram_text import report_lines

    console = Console(soft_wrap=True, highlight=False, emoji=False, markup=False)
    console.print(f"{entry.id}: {entry.puzzle.title}", style="bold")
    console.print()
    for line in report_lines(histogram, player=player, marks=entry.puzzle.marks, width=width):
        console.print(line)
    if best:
        console.print()
        console.print("your best: " + ", ".join(
            f"{b.metric} {b.value:,} ({b.solution})" for b in best.values()))
    for run in unverified:
        console.print(f"{run.solution}: " + ", ".join(
            f"{metric} {value:,}" for metric, value in run.scores.items()) + f", {run.status}")
    return EXIT_OK


def _existing_file(path: str) -> Path:
    if not Path(path).is_file():
        raise CliError(f"{path}: {'not a regular file' if Path(path).exists() else 'no such file'}")
    return Path(path)


def _histogram_for(entry: PuzzleEntry, shared: str | None, url: str | None) -> Histogram:
    if url is not None:
        if shared is not None:
            raise CliError("--histogram and --url do not go together: show one or the other")
        from game.board.client import BoardError, fetch_histogram

        try:
            return fetch_histogram(url, entry.id)
        except BoardError as error:
            raise CliError(str(error)) from None
    try:
        if shared is None:
            return puzzle_histogram(entry)
        histogram = read_histogram(_existing_file(shared))
    except HistogramError as error:
        raise CliError(str(error)) from None
    if histogram.puzzle != entry.id:
        raise CliError(f"{shared}: holds the histogram of {histogram.puzzle}, not {entry.id}")
    return histogram


def _record_and_best(entry: PuzzleEntry, args: argparse.Namespace,
                     player: Point | None) -> tuple[dict[str, Best], list[Run]]:
    """Record a passing solution (unless told not to); the player's bests, and the runs
    of an older scoring rule, which are not among them."""
    from game.store import ScoreStore, StoreError, default_path

    recording = player is not None and not args.no_record
    if not recording and not default_path().exists():
        return {}, []  # only looking: do not create a data folder
    try:
        with ScoreStore.open() as store:
            if recording and player is not None:
                name = Path(args.solution).stem
                store.record(entry.id, name, player.hash, player.scores)
            return store.best(entry.id), [r for r in store.runs(entry.id) if not r.verified]
    except StoreError as error:
        raise CliError(str(error)) from None


def _standing_json(standing: Standing) -> dict[str, Any]:
    return {
        "value": standing.value,
        "position": standing.position.value,
        "bucket": standing.bucket,
        "better_than": standing.better_than,
        "ties": standing.ties,
        "total": standing.total,
        "percent_better": standing.percent_better,
        "new_best": standing.is_new_best,
        "new_worst": standing.is_new_worst,
    }


def _show_json(entry: PuzzleEntry, histogram: Histogram, player: Point | None,
               best: dict[str, Best]) -> dict[str, Any]:
    data = histogram.to_json()
    for metric, bars in data["metrics"].items():
        bars["marks"] = [
            {"label": mark.label, **_standing_json(histogram.standing(metric, mark.value))}
            for mark in entry.puzzle.marks if mark.metric == metric]
        if player is not None:
            bars["player"] = _standing_json(histogram.standing(metric, player.scores[metric]))
    points = [p for p in histogram.points if player is None or p.hash != player.hash]
    points += [player] if player is not None else []
    axes = [m for m in ("cycles", "instructions") if m in histogram.metrics]
    return {
        "puzzle": entry.id,
        "solutions": len(histogram),
        "metrics": data["metrics"],
        "points": data["points"],
        "player": None if player is None else {"hash": player.hash, **player.scores},
        "pareto": None if len(axes) < 2 else {
            "x": axes[0], "y": axes[1], "front": sorted(pareto_front(points, axes))},
        "best": {metric: {"value": b.value, "solution": b.solution, "hash": b.content_hash}
                 for metric, b in best.items()},
    }


# --- build, merge, rebuild ----------------------------------------------------------------------

def _output(args: argparse.Namespace, action: str) -> Path:
    if not args.output:
        raise CliError(f"{action} needs -o FILE.json")
    return Path(args.output)


def _write(path: Path, histogram: Histogram) -> None:
    try:
        atomic_write_text(path, histogram.to_text())
    except HistogramError as error:
        raise CliError(f"{path}: not written: {error}") from None
    except OSError as error:
        raise CliError(f"{path}: cannot write: {error.strerror or error}") from None


def _report_build(build: Build, folder: Path | None = None) -> None:
    def shown(path: Path) -> str:
        return str(path.relative_to(folder)) if folder is not None else str(path)

    for skipped in build.skipped:
        print(f"not counted: {skipped.reason}", file=sys.stderr)
    for duplicate in build.duplicates:
        print(f"counted once: {shown(duplicate.path)} is the same program as"
              f" {shown(duplicate.same_as)}", file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    if len(args.inputs) != 1:
        raise CliError("build takes one folder of solutions: vliw hist build DIR --puzzle"
                       " PACK/PUZZLE -o FILE.json")
    if not args.puzzle:
        raise CliError("build needs --puzzle PACK/PUZZLE")
    folder = Path(args.inputs[0])
    if not folder.is_dir():
        raise CliError(f"{folder}: no such folder")
    output = _output(args, "build")
    jobs = default_jobs() if args.jobs is None else args.jobs
    if not 1 <= jobs <= MOST_JOBS:
        raise CliError(f"--jobs must be between 1 and {MOST_JOBS}, not {jobs}")
    entry = find_puzzle(open_catalog(args.pack), args.puzzle)
    files = solution_files(folder)
    if not files:
        raise CliError(f"{folder}: no solution files (.vasm, .json) below it")
    remembered = Remembered.open(entry)
    try:
        with ProgressBar(len(files), "validated") as bar:
            build = build_histogram(entry, files, bar.advance, jobs=jobs, remembered=remembered)
    except BuildError as error:
        raise CliError(str(error)) from None
    remembered.save()
    _report_build(build, folder)
    _write(output, build.histogram)
    print(f"{output}: {len(build.histogram)} distinct solutions of {entry.id}"
          f" ({len(build.skipped)} not counted, {len(build.duplicates)} duplicates)")
    return EXIT_OK


def _merge(args: argparse.Namespace) -> int:
    if len(args.inputs) < 2:
        raise CliError("merge takes two or more histogram files: vliw hist merge A.json B.json"
                       " -o C.json")
    output = _output(args, "merge")
    try:
        files = [(path, read_histogram(_existing_file(path))) for path in args.inputs]
    except HistogramError as error:
        raise CliError(str(error)) from None
    puzzle = files[0][1].puzzle
    for path, histogram in files[1:]:
        if histogram.puzzle != puzzle:
            raise CliError(f"{path}: cannot merge histograms of different puzzles: {puzzle}"
                           f" and {histogram.puzzle}")
    try:
        entry = find_puzzle(open_catalog(args.pack), puzzle)
    except CliError as error:
        raise CliError(f"{args.inputs[0]}: puzzle {puzzle}: {error}") from None
    try:
        merge = merge_checked(entry, files)
    except (HistogramError, BuildError) as error:
        raise CliError(str(error)) from None
    _report_merge(merge)
    _write(output, merge.histogram)
    kept = len(merge.checked) - merge.count(*DROPPED)
    print(f"{output}: {len(merge.histogram)} distinct solutions of {entry.id}"
          f" ({kept - len(merge.histogram)} listed in more than one file)")
    return EXIT_FAILED if merge.count(*DROPPED) else EXIT_OK


def _report_merge(merge: Merge) -> None:
    """One line of counts, and one on the first point dropped (the reason of most)."""
    dropped = [c for c in merge.checked if c.verdict in DROPPED]
    why = ", ".join(f"{merge.count(v)} {v.value}" for v in DROPPED if merge.count(v))
    print(f"merge: {len(merge.checked)} points read: {merge.count(Verdict.ACCEPTED)} accepted,"
          f" {merge.count(Verdict.RESCORED)} re-scored, {len(dropped)} dropped"
          + (f" ({why})" if why else ""), file=sys.stderr)
    if dropped:
        more = f" (and {len(dropped) - 1} more)" if len(dropped) > 1 else ""
        print(f"dropped {dropped[0].source}: {dropped[0].reason}{more}", file=sys.stderr)


def _rebuild(args: argparse.Namespace) -> int:
    if args.inputs:
        raise CliError("rebuild takes no paths: it rebuilds every shipped histogram")
    try:
        results = rebuild_shipped(progress=lambda path: print(
            f"validating {os.path.relpath(path)}", file=sys.stderr))
    except BuildError as error:
        raise CliError(str(error)) from None
    invalid = False
    for result in results:
        if result.build is not None:
            _report_build(result.build)
            invalid = invalid or bool(result.build.skipped)
    stale = [r for r in results if r.stale]
    if args.check:
        for result in stale:
            state = "belongs to no shipped puzzle" if result.text is None else "is stale"
            print(f"{result.path} {state}", file=sys.stderr)
        if stale:
            print("run `vliw hist rebuild` to rebuild it", file=sys.stderr)
        elif not invalid:
            print(f"{len(results)} shipped histograms are up to date")
        return EXIT_FAILED if stale or invalid else EXIT_OK
    try:
        write_rebuilt(results)
    except OSError as error:
        raise CliError(f"cannot write: {error}") from None
    for result in stale:
        print(f"{'removed' if result.text is None else 'rebuilt'} {result.path}")
    print(f"{len(results) - len(stale)} shipped histograms were already up to date")
    return EXIT_FAILED if invalid else EXIT_OK

