"""The `vliw` command line: one module per command group, registered here.

Every command reports bad input as one line on stderr and an exit code
(docs/architecture.md: 0 ok, 1 ran but wrong or faulted, 2 unreadable or invalid input);
a traceback is shown only with VLIW_DEBUG=1.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import MutableMapping, Sequence

from game.cli.common import EXIT_INVALID, CliError, describe_os_error, escape_unencodable_output

COMMAND_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("game.cli.check_args", ("check",)),
    ("game.cli.pack_args", ("pack", "puzzle")),
    ("game.cli.machine_args", ("run", "fmt", "convert")),
    ("game.cli.trace_args", ("trace",)),
    ("game.cli.play_command", ("play",)),
    ("game.cli.serve_command", ("serve",)),
    ("game.cli.hist_args", ("hist",)),
    ("game.cli.board_args", ("board",)),
)
"""Each module adds a command group to the parser (its `register`), in help order, with
the commands it adds.

These modules import only what declaring arguments needs: each command's function
(`set_defaults(func=...)`) imports its work in its body, when that command runs.
"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; given the command about to run, the parser of its
    group alone, so that a command pays for declaring its own arguments only (help, an
    unknown command and a bare `vliw` get every command)."""
    parser = argparse.ArgumentParser(
        prog="vliw",
        description="A programming puzzle game on a cycle-exact VLIW SIMD machine.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module, commands in COMMAND_GROUPS:
        if command is None or command in commands:
            importlib.import_module(module).register(subparsers)
    return parser


def _named_command(argv: Sequence[str]) -> str | None:
    """The command the arguments name, when they begin with one (the top level takes no
    option but help)."""
    first = argv[0] if argv else None
    return first if any(first in commands for _, commands in COMMAND_GROUPS) else None


def main(argv: Sequence[str] | None = None) -> int:
    escape_unencodable_output()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_named_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except CliError as error:
        print(f"vliw {args.command}: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:  # a path too long, a link loop, a permission: the input's fault
        print(f"vliw {args.command}: {describe_os_error(error)}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as error:  # a bug of ours: still one line unless asked for more
        if os.environ.get("VLIW_DEBUG"):
            raise
        print(f"vliw {args.command}: internal error: {type(error).__name__}: {error}"
              " (set VLIW_DEBUG=1 for a traceback)", file=sys.stderr)
        return 3


def one_blas_thread(environ: MutableMapping[str, str]) -> None:
    """No command does linear algebra, but numpy's OpenBLAS starts a thread per core when
    numpy is imported, and they spin: about 0.12 s of CPU on every command that runs a
    program (2 cores). One thread unless the user asked for more."""
    environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def entry() -> None:
    """The installed `vliw` script. Every object a command leaves dies with the process, so
    they are frozen out of the collection Python makes on its way out (after a check of an
    unrolled kernel that collection alone costs about 0.1 s); nothing else is skipped."""
    one_blas_thread(os.environ)
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
