"""The command line of `vliw hist`; `game.cli.hist_commands` does the work when it runs."""

from __future__ import annotations

import argparse

from game.cli.common import add_pack_option
from game.cli.home_option import add_home_option

MIN_WIDTH, MAX_WIDTH = 60, 160
MOST_JOBS = 256
USAGE = """vliw hist PUZZLE [--solution FILE] [--histogram FILE.json | --url URL] [--json]
                        [--width N] [--home DIR]
       vliw hist build DIR --puzzle PACK/PUZZLE -o FILE.json [--jobs N]
       vliw hist merge A.json B.json... -o FILE.json [--pack FILE]
       vliw hist rebuild [--check]"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hist", help="score histograms: show, build, merge, rebuild", usage=USAGE,
        description="Show a puzzle's histograms of recorded solutions with your score marked;"
                    " build a histogram from a folder of solutions; merge shared histograms,"
                    " running every point's program again (a point without one, or whose"
                    " program fails, is dropped: exit 1); rebuild the shipped ones.")
    parser.add_argument("target", metavar="PUZZLE|build|merge|rebuild",
                        help="a puzzle id (PACK/PUZZLE) to show, or an action")
    parser.add_argument("inputs", nargs="*", metavar="PATH",
                        help="build: the folder of solutions; merge: the histogram files")
    shown = parser.add_argument_group("showing a puzzle")
    shown.add_argument("--solution", metavar="FILE", help="validate, record and place this file")
    shown.add_argument("--histogram", metavar="FILE.json",
                       help="show this histogram file instead of the shipped one")
    shown.add_argument("--url", metavar="URL",
                       help="show the histogram of the leaderboard at URL (vliw board serve)")
    shown.add_argument("--no-record", action="store_true",
                       help="do not record the solution in the score store")
    shown.add_argument("--json", action="store_true", help="print one JSON object")
    shown.add_argument("--width", type=int, metavar="N",
                       help=f"text width (default: the terminal's, {MIN_WIDTH}..{MAX_WIDTH})")
    made = parser.add_argument_group("build, merge and rebuild")
    made.add_argument("--puzzle", metavar="PACK/PUZZLE", help="build: the puzzle solved")
    made.add_argument("-o", "--output", metavar="FILE.json", help="build, merge: the file made")
    made.add_argument("--jobs", type=int, metavar="N",
                      help="build: validations at a time (default: one per core)")
    made.add_argument("--check", action="store_true",
                      help="rebuild: write nothing, exit 1 if a shipped histogram is stale")
    add_pack_option(parser)
    add_home_option(parser)
    parser.set_defaults(func=hist)


def hist(args: argparse.Namespace) -> int:
    from game.cli.hist_commands import run_hist
    return run_hist(args)
