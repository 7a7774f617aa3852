"""`vliw pack new` and `vliw pack test`: start a pack, and hold a whole pack to account.

    vliw pack new NAME [--dir DIR] [--title TEXT]
        writes DIR/NAME.toml (one commented, working puzzle with its reference)
        and DIR/solutions/NAME/sum/vectorised.vasm; never overwrites a file
    vliw pack test PACK.toml [--seeds N] [--json]
        lints the pack, runs each reference on its scored seeds and N fresh
        random seeds, validates every solution in the pack's solutions folder
        (`game.authoring.solutions_root`), checks stored histograms, and prints
        a table: puzzle, reference, solutions passing, best scores

Exit codes of `pack test`: 0 everything holds; 1 a reference, a solution or
a histogram fails (each failure is one line on stderr naming its puzzle);
2 the pack cannot be read or loaded (its located issues on stderr).
Their arguments are declared in `game.cli.pack_args`; this module is imported
when one of them runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from game.authoring import AuthoringError, PackTest, PuzzleTest, new_pack, pack_test
from game.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, CliError, print_json
from game.pack import METRICS

MAX_RANDOM_SEEDS = 64


def run_new(args: argparse.Namespace) -> int:
    try:
        made = new_pack(args.name, Path(args.dir), args.title)
    except AuthoringError as error:
        raise CliError(str(error)) from None
    print(f"wrote {made.pack}")
    for path in made.solutions:
        print(f"wrote {path}")
    print(f"next: vliw pack test {made.pack}    (then: vliw play --pack {made.pack})")
    return EXIT_OK


def run_test(args: argparse.Namespace) -> int:
    if not 0 <= args.seeds <= MAX_RANDOM_SEEDS:
        raise CliError(f"--seeds must be between 0 and {MAX_RANDOM_SEEDS}, not {args.seeds}")
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such pack file")
    result = pack_test(path, args.seeds)
    if args.json:
        print_json(_to_json(result))
    elif result.loaded:
        _print_table(result)
    for line in result.problems():
        print(line, file=sys.stderr)
    if not result.loaded:
        return EXIT_INVALID
    return EXIT_OK if result.passed else EXIT_FAILED


def _print_table(result: PackTest) -> None:
    header = ("puzzle", "reference", "solutions", *(f"best {m}" for m in METRICS))
    rows = [header]
    for puzzle in result.puzzles:
        rows.append((puzzle.entry.id, "ok" if puzzle.reference_ok else "FAIL",
                     f"{puzzle.passing} of {len(puzzle.solutions)}",
                     *(_best(puzzle, metric) for metric in METRICS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [cell.ljust(w) if i < 2 else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells).rstrip())
    for puzzle in result.puzzles:
        for note in puzzle.notes:
            print(f"note: {puzzle.entry.id}: {note}")
    folder = result.solutions_folder
    if folder is not None and not folder.is_dir():
        print(f"note: no solutions folder; solutions go in {folder}/<puzzle id>/")
    failed = sum(not puzzle.passed for puzzle in result.puzzles)
    verdict = "PASS" if result.passed else "FAIL"
    print(f"{result.path}: {verdict}: {len(result.puzzles) - failed} of {len(result.puzzles)}"
          " puzzles hold" + (f"; {len(result.stray)} stray solution files" if result.stray
                             else ""))


def _best(puzzle: PuzzleTest, metric: str) -> str:
    if metric not in puzzle.entry.puzzle.metrics:
        return ""
    best = puzzle.best(metric)
    return "-" if best is None else str(best)


def _to_json(result: PackTest) -> dict[str, Any]:
    return {
        "pack": None if result.pack is None else result.pack.id,
        "path": str(result.path),
        "passed": result.passed,
        "issues": [str(issue) for issue in result.issues],
        "random_seeds": list(result.random_seeds),
        "solutions_folder": None if result.solutions_folder is None
        else str(result.solutions_folder),
        "puzzles": [{
            "puzzle": puzzle.entry.id,
            "passed": puzzle.passed,
            "reference_ok": puzzle.reference_ok,
            "reference_problems": list(puzzle.reference_problems),
            "solutions": [{"path": str(s.path), "passed": s.passed, "scores": s.scores,
                           "error": s.error} for s in puzzle.solutions],
            "best": {m: puzzle.best(m) for m in puzzle.entry.puzzle.metrics},
            "histogram_problem": puzzle.histogram_problem,
            "notes": list(puzzle.notes),
        } for puzzle in result.puzzles],
        "stray": [{"path": str(s.path), "error": s.error} for s in result.stray],
    }
