"""The command lines of `vliw run`, `vliw fmt` and `vliw convert`; `game.cli.machine_commands`
does the work when one of them runs."""

from __future__ import annotations

import argparse

from game.cli.common import CliError
from machine.config import DEFAULT_MAX_CYCLES

FORMATS = ("vasm", "json")
"""The forms `convert` writes, named as the files' extensions."""
MOST_CYCLES = 100_000_000
"""The largest cycle limit `run` and `trace` accept: a bound on the time a run may take,
whatever the program (a minute or two of a loop that never ends)."""


def check_max_cycles(max_cycles: int) -> None:
    """Refuse a --max-cycles out of range (with a message that never echoes a huge number)."""
    if max_cycles < 1:
        shown = max_cycles if max_cycles > -MOST_CYCLES else "that"
        raise CliError(f"--max-cycles must be at least 1, not {shown}")
    if max_cycles > MOST_CYCLES:
        raise CliError(f"--max-cycles must be at most {MOST_CYCLES:,}")


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run", help="run a program (.vasm or .json) over a memory image",
        description="Run a raw program on the default (take-home) machine, pausing disabled. "
                    "Exit 0: it ran to the end; 1: a fault or the cycle limit; "
                    "2: the program or the memory file is invalid.")
    run.add_argument("program", help="a .vasm or take-home .json program")
    run.add_argument("--memory", required=True, metavar="MEMORY.json",
                     help="the memory image: a JSON list of words")
    run.add_argument("--json", action="store_true",
                     help="print one JSON object: cycles, memory, fault")
    run.add_argument("--max-cycles", type=int, default=DEFAULT_MAX_CYCLES, metavar="N",
                     help=f"cycle limit (default {DEFAULT_MAX_CYCLES:,}, at most"
                          f" {MOST_CYCLES:,})")
    run.set_defaults(func=run_program)

    fmt = subparsers.add_parser(
        "fmt", help="rewrite .vasm files in their canonical form",
        description="Rewrite each .vasm file in its one canonical text (atomically). "
                    "'-' reads standard input and writes standard output. "
                    "With --check nothing is written; exit 1 if a file would change.")
    fmt.add_argument("files", nargs="+", metavar="FILE", help="a .vasm file, or -")
    fmt.add_argument("--check", action="store_true",
                     help="only report the files that would change")
    fmt.set_defaults(func=format_files)

    convert = subparsers.add_parser(
        "convert", help="convert a program between .vasm and the take-home's .json",
        description="Convert a program between .vasm and the take-home's JSON form (a list of "
                    "bundles {engine: [[op, operand, ...]]}). Names, labels and comments "
                    "have no place in JSON; a .json program becomes .vasm with plain addresses.")
    convert.add_argument("input", help="a .vasm or .json program")
    convert.add_argument("output", help="the file to write (.vasm or .json), or - for stdout")
    convert.add_argument("--to", choices=FORMATS,
                         help="the output form (default: from OUTPUT's extension)")
    convert.set_defaults(func=convert_program)


def run_program(args: argparse.Namespace) -> int:
    from game.cli.machine_commands import run_program_command
    return run_program_command(args)


def format_files(args: argparse.Namespace) -> int:
    from game.cli.machine_commands import run_fmt
    return run_fmt(args)


def convert_program(args: argparse.Namespace) -> int:
    from game.cli.machine_commands import run_convert
    return run_convert(args)
