"""The command line of `vliw check`; `game.cli.check_command` does the work when it runs."""

from __future__ import annotations

import argparse

from game.cli.common import add_pack_option


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="validate solutions: correctness on every test, and scores",
        description="Validate a solution (.vasm or take-home .json) or every solution below a"
                    " folder. Exit 0: all correct; 1: wrong output, fault or wrong claim;"
                    " 2: unreadable or invalid solution or pack.")
    parser.add_argument("solution", metavar="SOLUTION", help="a solution file or a folder")
    parser.add_argument("--puzzle", metavar="PACK/PUZZLE",
                        help="the puzzle (default: the header's, or the folder's)")
    parser.add_argument("--seeds", type=int, metavar="N",
                        help="fresh robustness seeds to run (default: the puzzle's, usually 8)")
    parser.add_argument("--robustness-seed", type=int, action="append", metavar="S",
                        dest="robustness_seeds",
                        help="use this robustness seed instead of fresh ones (repeatable;"
                             " reproduces a report)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_pack_option(parser)
    parser.set_defaults(func=check)


def check(args: argparse.Namespace) -> int:
    from game.cli.check_command import run_check
    return run_check(args)
