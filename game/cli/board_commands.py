"""`vliw board serve` and `vliw board submit`: run a leaderboard, submit to one.

    vliw board serve --db FILE [--host H] [--port N] [--workers N] [--rate R] [--burst N]
    vliw board submit FILE --puzzle PACK/PUZZLE --url URL [--name NAME]

`serve` listens (on 127.0.0.1:8017 unless told otherwise) until interrupted; it
cannot listen, or open its database: exit 2. `submit` sends the program's text, never
a score: exit 0 when the board accepts it (new, or already counted), 1 when the board
rejects it as wrong (its reason is printed), 2 when the file cannot be read, the board
finds it is no program for the puzzle, or the board cannot be reached or answers
nonsense. The arguments are declared in `game.cli.board_args`.
"""

from __future__ import annotations

import argparse
import socket
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from game.board.client import Answer, BoardError, submit
from game.board.validation import SOURCE_NAME
from game.cli.common import EXIT_FAILED, EXIT_OK, CliError
from machine.loader import read_program_text
from machine.program import ProgramError
from machine.text import shown_path

if TYPE_CHECKING:  # the web framework is imported when the server starts
    from game.board.app import Settings

MAX_WORKERS = 64


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from game.board.app import Settings, create_app
    from game.board.pool import default_workers
    from game.board.storage import SqliteStorage, StorageError

    settings = _settings(args, Settings(workers=default_workers()))
    listening = _listen(args.host, args.port)
    try:
        storage = SqliteStorage(Path(args.db))
    except StorageError as error:
        listening.close()
        raise CliError(str(error)) from None
    config = uvicorn.Config(create_app(storage, settings), proxy_headers=False,
                            limit_concurrency=1000, timeout_keep_alive=5, log_level="info")
    host, port = listening.getsockname()[:2]
    print(f"vliw board: serving http://{host}:{port}/ from {shown_path(args.db)}"
          f" ({settings.workers} validation workers)", file=sys.stderr, flush=True)
    uvicorn.Server(config).run(sockets=[listening])
    return EXIT_OK


def _settings(args: argparse.Namespace, settings: Settings) -> Settings:
    if args.workers is not None:
        if not 1 <= args.workers <= MAX_WORKERS:
            raise CliError(f"--workers must be between 1 and {MAX_WORKERS}, not {args.workers}")
        settings = replace(settings, workers=args.workers)
    if args.rate is not None:
        if not 0 < args.rate <= 1e6:
            raise CliError(f"--rate must be above 0 (submissions a second), not {args.rate}")
        settings = replace(settings, submit_rate=args.rate)
    if args.burst is not None:
        if not 1 <= args.burst <= 1_000_000:
            raise CliError(f"--burst must be at least 1, not {args.burst}")
        settings = replace(settings, submit_burst=args.burst)
    return settings


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, opened here so that a taken port is a one-line error.

    It is made with its protocol named (IPPROTO_TCP, as `getaddrinfo` gives it): asyncio
    turns Nagle's algorithm off only on sockets that say they are TCP, and with it on,
    every answer after the first on a kept-alive connection waits 40 ms for an ACK.
    """
    if not 0 <= port <= 65535:
        raise CliError(f"--port must be between 0 and 65535, not {port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP,
            flags=socket.AI_PASSIVE)[0]
        listening = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as error:
        raise CliError(f"cannot listen on {host}:{port}: {_why(error)}") from None
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.listen(2048)
    except OSError as error:
        listening.close()
        raise CliError(f"cannot listen on {host}:{port}: {_why(error)}") from None
    return listening


def _why(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def run_submit(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = read_program_text(path)
    except ProgramError as error:
        raise CliError(str(error)) from None
    try:
        answer = submit(args.url, args.puzzle, text, args.name)
    except BoardError as error:
        raise CliError(str(error)) from None
    if answer.status in (200, 201):
        print(_accepted(answer))
        return EXIT_OK
    reason = _naming(answer.message, path)
    if answer.status == 422:
        print(reason, file=sys.stderr)
        return EXIT_FAILED
    raise CliError(f"refused by the board (HTTP {answer.status}): {reason}")


def _naming(reason: str, path: Path) -> str:
    """The board's reason, naming the file where it names the submission."""
    for prefix in (f"{SOURCE_NAME}:", f"rejected: {SOURCE_NAME}:"):
        if reason.startswith(prefix):
            return prefix.replace(SOURCE_NAME, shown_path(path)) + reason[len(prefix):]
    return reason


def _accepted(answer: Answer) -> str:
    data = answer.data
    scores = data.get("scores")
    if (data.get("verdict") != "accepted" or not isinstance(scores, dict)
            or not all(isinstance(v, int) for v in scores.values())):
        raise CliError(f"the board answered HTTP {answer.status} without a verdict it should"
                       " give (is this a vliw board?)")
    shown = ", ".join(f"{metric} {value:,}" for metric, value in scores.items())
    state = "new" if data.get("new") else "already counted"
    count = data.get("solutions")
    return (f"accepted: {data.get('puzzle')} {shown} ({state}; {count} distinct"
            f" solution{'s' * (count != 1)} on the board)")
