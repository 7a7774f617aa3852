"""The command line of `vliw board`; `game.cli.board_commands` does the work when it runs."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    board = subparsers.add_parser(
        "board", help="run a shared leaderboard, or submit a solution to one",
        description="A leaderboard server that validates every submission itself and serves"
                    " per-puzzle histograms; and the command that submits to it.")
    actions = board.add_subparsers(dest="board_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve", help="run a leaderboard server",
        description="Serve the leaderboard over HTTP until interrupted. Submissions are"
                    " validated in worker processes; accepted solutions are kept in the"
                    " SQLite database FILE (created if missing).")
    serve.add_argument("--db", required=True, metavar="FILE", help="the SQLite database")
    serve.add_argument("--host", default="127.0.0.1", metavar="H",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8017, metavar="N",
                       help="port to listen on (default: 8017)")
    serve.add_argument("--workers", type=int, metavar="N",
                       help="validation processes (default: one per core)")
    serve.add_argument("--rate", type=float, metavar="R",
                       help="submissions a second allowed per client address (default: 1)")
    serve.add_argument("--burst", type=int, metavar="N",
                       help="submissions a client may send at once (default: 30)")
    serve.set_defaults(func=serve_board)

    submit = actions.add_parser(
        "submit", help="submit a solution to a leaderboard",
        description="Send a solution's program to a leaderboard, which validates it and"
                    " counts it if it passes. Exit 0: accepted (or already counted); 1:"
                    " rejected as wrong, with the board's reason; 2: the file cannot be read,"
                    " is not a program for the puzzle, or the board cannot be reached.")
    submit.add_argument("file", metavar="FILE", help="a .vasm or take-home .json program")
    submit.add_argument("--puzzle", required=True, metavar="PACK/PUZZLE")
    submit.add_argument("--url", required=True, metavar="URL",
                        help="the board's address, e.g. http://127.0.0.1:8017")
    submit.add_argument("--name", metavar="NAME", help="your name on the board")
    submit.set_defaults(func=submit_to_board)


def serve_board(args: argparse.Namespace) -> int:
    from game.cli.board_commands import run_serve

    return run_serve(args)


def submit_to_board(args: argparse.Namespace) -> int:
    from game.cli.board_commands import run_submit

    return run_submit(args)
