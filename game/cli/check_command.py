"""`vliw check`: validate solution files headlessly (docs/architecture.md, the path to a score).

    vliw check SOLUTION [--puzzle PACK/PUZZLE] [--seeds N] [--json]
               [--robustness-seed S]... [--pack FILE]...

SOLUTION is a `.vasm` or a take-home `.json` file, or a folder: then every
solution below it is validated and a table printed. The puzzle comes from
`--puzzle`, else the `# puzzle:` header, else the folder the file lies in
(`<pack>/<puzzle>/`, as under solutions/). Exit 0: every test correct and
every claimed score right; 1: a wrong output, a fault, the cycle limit or a
wrong claim; 2: a solution or pack that cannot be read or is invalid.
Its arguments are declared in `game.cli.check_args`, which imports nothing
of this: the module is imported when the command runs. Until the first
solution is read it imports only the command line and the program reader;
the pack format and the engine (numpy) come when a puzzle is looked up and
a program runs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.catalog import Catalog, CatalogError, PuzzleEntry
from game.cli.common import EXIT_FAILED, EXIT_OK, CliError, print_json
from game.cli.puzzle_lookup import find_puzzle, open_catalog
from machine.loader import load_program
from machine.program import Program, ProgramError
from machine.text import shown_path

if TYPE_CHECKING:
    from game.scoring import Report


def run_check(args: argparse.Namespace) -> int:
    if args.seeds is not None and not 0 <= args.seeds <= 64:
        raise CliError(f"--seeds must be between 0 and 64, not {args.seeds}")
    if any(seed < 0 for seed in args.robustness_seeds or ()):
        raise CliError("--robustness-seed must not be negative")
    robustness = args.robustness_seeds if args.robustness_seeds else args.seeds
    catalog = open_catalog(args.pack)
    target = Path(args.solution)
    if target.is_dir():
        return _check_folder(catalog, target, args.puzzle, robustness, args.json)
    report = _check_file(catalog, target, args.puzzle, robustness)
    if args.json:
        print_json(report.to_json())
    else:
        _print_report(report)
    return EXIT_OK if report.passed else EXIT_FAILED


def _load(path: Path) -> Program:
    try:
        return load_program(path)
    except ProgramError as error:
        raise CliError(str(error)) from None


def _find_entry(catalog: Catalog, path: Path, program: Program,
                given: str | None) -> PuzzleEntry:
    """The puzzle named by --puzzle, else by the header, else by the folder."""
    from game.pack import PackError

    named = given or program.metadata.get("puzzle", "").strip()
    if named:
        return find_puzzle(catalog, named)
    folder = path.resolve().parent
    try:
        return catalog.puzzle(f"{folder.parent.name}/{folder.name}")
    except CatalogError:
        raise CliError(f"{path}: which puzzle? give --puzzle PACK/PUZZLE, a '# puzzle:' header,"
                       " or put the file in a folder PACK/PUZZLE/") from None
    except PackError as error:
        raise CliError(str(error)) from None


def _check_file(catalog: Catalog, path: Path, puzzle: str | None,
                robustness: int | list[int] | None) -> Report:
    program = _load(path)  # a missing file, a link loop...: one line naming it
    entry = _find_entry(catalog, path, program, puzzle)
    from game.scoring import SolutionFileError, score_solution_file

    try:
        _, report = score_solution_file(entry, path, robustness=robustness, program=program)
    except SolutionFileError as error:
        raise CliError(str(error)) from None
    return report


def _print_report(report: Report) -> None:
    verdict = "PASS" if report.passed else "FAIL"
    scores = report.scores
    print(f"{report.puzzle}: {verdict}  cycles {scores.cycles}  instructions"
          f" {scores.instructions}  scratch {scores.scratch}"
          + ("" if report.official else "  (not official: not the rule's own seeds)"))
    for test in report.tests:
        if test.kind == "scored" or not test.passed:
            print(f"  {test.summary()}")
    for kind, correct, run in report.tally():
        if kind == "case":
            print(f"  cases: {correct} of {run} correct")
        elif kind == "robustness":
            seeds = " ".join(map(str, report.robustness_seeds))
            print(f"  robustness: {correct} of {run} correct (seeds {seeds})")
    if report.skipped:
        print(f"  robustness: {report.skipped} not run (a fixed test reached the cycle limit)")
    for mismatch in report.claim_mismatches:
        print(f"  {mismatch}")


@dataclass
class _Row:
    """One file of a folder check: its report, or why it has none."""

    path: str
    code: int
    report: Report | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.report is None:
            return {"path": self.path, "passed": False, "error": self.error}
        return {"path": self.path, **self.report.to_json()}


def _check_folder(catalog: Catalog, folder: Path, puzzle: str | None,
                  robustness: int | list[int] | None, as_json: bool) -> int:
    from game.scoring import SOLUTION_SUFFIXES, solution_files

    files = solution_files(folder)
    if not files:
        raise CliError(f"{folder}: no solution files ({', '.join(SOLUTION_SUFFIXES)}) below it")
    rows = []
    for path in files:
        shown = shown_path(path.relative_to(folder))
        try:
            report = _check_file(catalog, path, puzzle, robustness)
        except CliError as error:
            rows.append(_Row(shown, error.code, error=str(error)))
            continue
        rows.append(_Row(shown, EXIT_OK if report.passed else EXIT_FAILED, report))
    code = max(row.code for row in rows)
    if as_json:
        print_json({"passed": code == EXIT_OK, "solutions": [row.to_json() for row in rows]})
    else:
        _print_table(rows)
    return code


def _print_table(rows: list[_Row]) -> None:
    header = ("solution", "puzzle", "result", "cycles", "instructions", "scratch")
    lines = [header]
    notes = []
    for row in rows:
        if row.report is None:
            lines.append((row.path, "-", "INVALID", "-", "-", "-"))
            notes.append(f"{row.path}: {row.error}")
            continue
        report, scores = row.report, row.report.scores
        lines.append((row.path, report.puzzle, "pass" if report.passed else "FAIL",
                      str(scores.cycles), str(scores.instructions), str(scores.scratch)))
        notes += [f"{row.path}: {failure}" for failure in report.failures()]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        cells = [cell.ljust(w) if i < 3 else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(line, widths, strict=True))]
        print("  ".join(cells).rstrip())
    passed = sum(1 for row in rows if row.code == EXIT_OK)
    print(f"{passed} of {len(rows)} solutions pass")
    for note in notes:
        print(note, file=sys.stderr)
