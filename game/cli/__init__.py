"""The `vliw` command line: one module per command group, registered here.

Every command reports bad input as one line on stderr and an exit code
(docs/architecture.md: 0 ok, 1 ran but wrong or faulted, 2 unreadable or invalid input);
a traceback is shown only with VLIW_DEBUG=1.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, MutableMapping, Sequence

from game.cli import (
    board_args,
    check_args,
    hist_args,
    machine_args,
    pack_args,
    play_command,
    serve_command,
    trace_args,
)
from game.cli.common import EXIT_INVALID, CliError, describe_os_error, escape_unencodable_output

COMMAND_GROUPS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    check_args.register,
    pack_args.register,
    machine_args.register,
    trace_args.register,
    play_command.register,
    serve_command.register,
    hist_args.register,
    board_args.register,
)
"""Each adds a command group to the parser, in help order.

Every command builds the whole parser, so these modules import only what
declaring arguments needs: each command's function (`set_defaults(func=...)`)
imports its work in its body, when that command runs.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vliw",
        description="A programming puzzle game on a cycle-exact VLIW SIMD machine.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMAND_GROUPS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    escape_unencodable_output()
    parser = build_parser()
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
