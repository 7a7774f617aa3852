"""`vliw serve`: the game in a web browser, through textual-serve.

    vliw serve [--host HOST] [--port PORT] [--home DIR] [--pack FILE]...

Each browser tab that opens the page starts its own `vliw play` on this
machine, with the same data folder, so solutions and scores are shared with
the terminal game. The server listens on the loopback address unless told
otherwise: whoever reaches the port can play, and edit the player's files.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from game.cli.common import CliError, add_pack_option
from game.cli.home_option import add_home_option, apply_home

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="play in a web browser: serve the game on this machine",
        description="Serve the game to web browsers (textual-serve). Each page runs its own"
                    " game with your data folder (VLIW_HOME, or --home).")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default: {DEFAULT_PORT})")
    add_home_option(parser)
    add_pack_option(parser)
    parser.set_defaults(func=run_serve)


def play_command(home: str, packs: list[str]) -> str:
    """The command each page runs: this Python, this game, the same data folder and packs."""
    argv = [sys.executable, "-m", "game", "play", "--home", home]
    for pack in packs:
        argv += ["--pack", pack]
    return shlex.join(argv)


def run_serve(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise CliError(f"--port must be between 1 and 65535, not {args.port}")
    apply_home(args)
    from game.cli.play_command import prepare_home
    from game.cli.puzzle_lookup import open_catalog

    home = prepare_home()
    open_catalog(args.pack)  # a broken --pack is a one-line error now, not in every page
    try:
        from textual_serve.server import Server
    except ImportError:
        raise CliError("needs textual-serve (pip install textual-serve)") from None
    server = Server(play_command(str(home), list(args.pack)), host=args.host, port=args.port,
                    title="vliw")
    server.serve()
    return 0
