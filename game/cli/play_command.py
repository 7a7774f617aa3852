"""`vliw play`: the game in the terminal.

    vliw play [--home DIR] [--pack FILE]...

`--home` chooses the player's data folder (solutions and score history; it
sets VLIW_HOME for the session); `--pack` adds the puzzles of a pack file
from anywhere. The Textual app and the catalog are imported only here, when
asked for, so the other commands never pay for them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from game.cli.common import CliError, add_pack_option
from game.cli.home_option import add_home_option, apply_home


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "play", help="play in the terminal: browse puzzles, edit, run, debug",
        description="Play in the terminal. Your solutions and scores are saved in your data"
                    " folder (VLIW_HOME, or --home).")
    add_home_option(parser)
    add_pack_option(parser)
    parser.set_defaults(func=run_play)


def run_play(args: argparse.Namespace) -> int:
    served = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")  # a page of `vliw serve`
    if not served and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError("needs an interactive terminal (stdin and stdout)")
    apply_home(args)
    from game.cli.puzzle_lookup import open_catalog

    home = prepare_home()
    catalog = open_catalog(args.pack)  # a broken --pack is a one-line error before the screen

    from game.tui.app import VliwApp
    from game.tui.context import GameContext

    context = GameContext(home=home, extra_packs=[Path(p) for p in args.pack])
    context.catalog = catalog
    app = VliwApp(context)
    app.run()
    return exit_status(app.return_code, home)


def prepare_home() -> Path:
    """The data folder, made if needed, with saves a crash left half-written removed."""
    from game.paths import data_home, remove_stale_saves
    from game.player_solutions import PlayerSolutions

    home = data_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(f"{home}: cannot use it as the data folder: {error}") from None
    remove_stale_saves(PlayerSolutions.in_home(home).root)
    return home


def exit_status(return_code: int | None, home: Path) -> int:
    """0 after a normal quit; after a crash (Textual has printed the traceback), 3 and a word
    on where the player's work is, so nobody fears it lost."""
    if not return_code:
        return 0
    from game.player_solutions import PlayerSolutions

    print(f"vliw play stopped on an internal error (above). Your solutions are saved in"
          f" {PlayerSolutions.in_home(home).root}; please report the error.", file=sys.stderr)
    return 3
