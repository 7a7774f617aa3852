"""The command lines of `vliw pack` and `vliw puzzle`.

Only arguments are declared here; each command's function imports its work when it
runs, from `game.cli.pack_commands` (pack lint|schema, puzzle list|inputs) or
`game.cli.authoring_commands` (pack new|test).
"""

from __future__ import annotations

import argparse

from game.cli.common import add_pack_option


def register(subparsers: argparse._SubParsersAction) -> None:
    pack = subparsers.add_parser("pack",
                                 help="create, lint and test puzzle packs; print the pack format")
    actions = pack.add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    lint = actions.add_parser("lint", help="check pack files and run their references")
    lint.add_argument("files", nargs="+", metavar="PACK.toml")
    lint.set_defaults(func=lint_packs)
    schema = actions.add_parser("schema", help="print the pack format as JSON Schema")
    schema.set_defaults(func=print_schema)
    _register_authoring(actions)

    puzzle = subparsers.add_parser("puzzle", help="list puzzles; print a puzzle's inputs")
    puzzle_actions = puzzle.add_subparsers(dest="puzzle_command", metavar="ACTION",
                                           required=True)
    listing = puzzle_actions.add_parser("list", help="every puzzle id and title")
    listing.add_argument("--json", action="store_true",
                         help="print a JSON list: per puzzle its id, pack, title, metrics,"
                              " machine and number of fixed cases")
    add_pack_option(listing)
    listing.set_defaults(func=list_puzzles)
    inputs = puzzle_actions.add_parser("inputs", help="the memory image for a seed")
    inputs.add_argument("puzzle", metavar="PACK/PUZZLE")
    inputs.add_argument("--seed", type=int, required=True, metavar="S")
    inputs.add_argument("--json", action="store_true", help="print a JSON list of words")
    add_pack_option(inputs)
    inputs.set_defaults(func=puzzle_inputs)


def _register_authoring(actions: argparse._SubParsersAction) -> None:
    new = actions.add_parser(
        "new", help="write a starter pack: one working puzzle, its reference, a solution",
        description="Write NAME.toml, a commented pack with one working puzzle and its"
                    " reference, and solutions/NAME/ beside it with one solution. Existing"
                    " files are never overwritten.")
    new.add_argument("name", metavar="NAME", help="the pack's id: a-z, 0-9 and '-'")
    new.add_argument("--dir", default=".", metavar="DIR",
                     help="where to write the pack (default: the current folder)")
    new.add_argument("--title", metavar="TEXT", help="the pack's title (default: NAME)")
    new.set_defaults(func=new_pack)

    test = actions.add_parser(
        "test", help="lint a pack, run its references, validate its solutions",
        description="Lint the pack, run every puzzle's reference on its scored seeds and on"
                    " fresh random seeds, validate every solution in the pack's solutions"
                    " folder, and print a table. Exit 0: everything holds; 1: something"
                    " fails; 2: the pack cannot be loaded.")
    test.add_argument("file", metavar="PACK.toml")
    test.add_argument("--seeds", type=int, default=8, metavar="N",
                      help="fresh random seeds each reference runs on (default 8)")
    test.add_argument("--json", action="store_true", help="print one JSON object")
    test.set_defaults(func=test_pack)


def lint_packs(args: argparse.Namespace) -> int:
    from game.cli.pack_commands import run_lint
    return run_lint(args)


def print_schema(args: argparse.Namespace) -> int:
    from game.cli.pack_commands import run_schema
    return run_schema(args)


def list_puzzles(args: argparse.Namespace) -> int:
    from game.cli.pack_commands import run_list
    return run_list(args)


def puzzle_inputs(args: argparse.Namespace) -> int:
    from game.cli.pack_commands import run_inputs
    return run_inputs(args)


def new_pack(args: argparse.Namespace) -> int:
    from game.cli.authoring_commands import run_new
    return run_new(args)


def test_pack(args: argparse.Namespace) -> int:
    from game.cli.authoring_commands import run_test
    return run_test(args)
