"""`vliw run`, `vliw fmt` and `vliw convert`: raw programs, outside any puzzle.

`run` executes a program on the default machine over a memory image;
`fmt` rewrites `.vasm` files in their one canonical text; `convert` moves a
program between `.vasm` and the take-home's `.json`, so a take-home kernel
can be brought here unchanged and a solution taken back.
"""

from __future__ import annotations

import argparse
import dataclasses
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from game.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, CliError, print_json
from game.paths import atomic_write_text
from machine.config import DEFAULT_MAX_CYCLES, TAKEHOME, MachineConfig
from machine.engine import run_many
from machine.loader import (
    MAX_PROGRAM_BYTES,
    MemoryFileError,
    is_json_program,
    load_memory,
    load_program,
    read_program_text,
)
from machine.program import Program, ProgramError, check
from machine.simulator import Fault, RunResult
from machine.takehome_json import program_to_json_text
from machine.vasm import format_program, parse

SHOWN_WORDS = 16
"""How many words of the final memory the human summary of `run` shows."""

FORMATS = ("vasm", "json")


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
                     help=f"cycle limit (default {DEFAULT_MAX_CYCLES:,})")
    run.set_defaults(func=_run)

    fmt = subparsers.add_parser(
        "fmt", help="rewrite .vasm files in their canonical form",
        description="Rewrite each .vasm file in its one canonical text (atomically). "
                    "'-' reads standard input and writes standard output. "
                    "With --check nothing is written; exit 1 if a file would change.")
    fmt.add_argument("files", nargs="+", metavar="FILE", help="a .vasm file, or -")
    fmt.add_argument("--check", action="store_true",
                     help="only report the files that would change")
    fmt.set_defaults(func=_fmt)

    convert = subparsers.add_parser(
        "convert", help="convert a program between .vasm and the take-home's .json",
        description="Convert a program between .vasm and the take-home's JSON form (a list of "
                    "bundles {engine: [[op, operand, ...]]}). Names, labels and comments "
                    "have no place in JSON; a .json program becomes .vasm with plain addresses.")
    convert.add_argument("input", help="a .vasm or .json program")
    convert.add_argument("output", help="the file to write (.vasm or .json), or - for stdout")
    convert.add_argument("--to", choices=FORMATS,
                         help="the output form (default: from OUTPUT's extension)")
    convert.set_defaults(func=_convert)


# --- run ------------------------------------------------------------------------


def execute(program: Program, memory: list[int], config: MachineConfig) -> RunResult:
    """The one place `vliw run` runs a program: the batched engine, whose result equals
    the reference simulator's (machine.engine)."""
    return run_many(program, [memory], config)[0]


def _load_program(path: str) -> Program:
    try:
        return load_program(path)
    except ProgramError as error:
        raise CliError(str(error), EXIT_INVALID) from None


def _fault_text(fault: Fault, program: Program) -> str:
    text = str(fault)
    source = program.source
    position = source.position(fault.pc, fault.slot) if source else None
    if source is not None and source.path and position is not None:
        text += f" ({source.path}:{position[0]}:{position[1]})"
    return text


def _run(args: argparse.Namespace) -> int:
    if args.max_cycles < 1:
        raise CliError(f"--max-cycles must be at least 1, not {args.max_cycles}")
    program = _load_program(args.program)
    try:
        memory = load_memory(args.memory)
    except MemoryFileError as error:
        raise CliError(str(error)) from None
    config = dataclasses.replace(TAKEHOME, max_cycles=args.max_cycles)
    try:
        check(program, config)
    except ProgramError as error:
        raise CliError(str(error)) from None
    result = execute(program, memory, config)
    if args.json:
        print_json({"cycles": result.cycles, "memory": result.memory,
                    "fault": None if result.fault is None else result.fault.to_json()})
    else:
        _print_summary(result, memory)
    if result.fault is not None:
        print(f"vliw run: {_fault_text(result.fault, program)}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _print_summary(result: RunResult, before: Sequence[int]) -> None:
    ending = "ran to the end" if result.fault is None else "stopped by a fault"
    print(f"{ending} in {result.cycles:,} cycle{'s' * (result.cycles != 1)}")
    changed = sum(1 for old, new in zip(before, result.memory, strict=True) if old != new)
    print(f"memory: {len(result.memory):,} words, {changed:,} changed")
    shown = " ".join(str(word) for word in result.memory[:SHOWN_WORDS])
    more = " ..." if len(result.memory) > SHOWN_WORDS else ""
    print(f"first words: {shown}{more}")


# --- fmt ------------------------------------------------------------------------


def _formatted(text: str, name: str) -> str:
    """The canonical text of a `.vasm` program (`name` is "-" for standard input)."""
    if is_json_program(text, None if name == "-" else name):
        raise CliError(f"{name}: fmt formats .vasm files; to turn a .json program into .vasm "
                       f"use 'vliw convert {name} OUT.vasm'")
    if not text.strip():
        raise CliError(f"{name}: is empty")
    try:
        return format_program(parse(text, "<stdin>" if name == "-" else name))
    except ProgramError as error:
        raise CliError(str(error)) from None


def _fmt(args: argparse.Namespace) -> int:
    failed = changed = False
    for name in args.files:
        try:
            if name == "-":
                changed |= _fmt_stdin(args.check)
            else:
                changed |= _fmt_file(name, args.check)
        except CliError as error:
            print(f"vliw fmt: {error}", file=sys.stderr)
            failed = True
    if failed:
        return EXIT_INVALID
    return EXIT_FAILED if args.check and changed else EXIT_OK


def _fmt_stdin(check_only: bool) -> bool:
    text = sys.stdin.read(MAX_PROGRAM_BYTES + 1)
    if len(text) > MAX_PROGRAM_BYTES:
        raise CliError(f"-: standard input is larger than the {MAX_PROGRAM_BYTES} bytes allowed")
    formatted = _formatted(text, "-")
    if check_only:
        if formatted != text:
            print("would reformat -")
    else:
        sys.stdout.write(formatted)
    return formatted != text


def _fmt_file(name: str, check_only: bool) -> bool:
    try:
        text = read_program_text(name)
    except ProgramError as error:
        raise CliError(str(error)) from None
    formatted = _formatted(text, name)
    if formatted == text:
        return False
    if check_only:
        print(f"would reformat {name}")
    else:
        path = Path(name)
        mode = stat.S_IMODE(path.stat().st_mode)
        atomic_write_text(path, formatted)
        path.chmod(mode)  # the rewritten file keeps its permissions
        print(f"reformatted {name}")
    return True


# --- convert --------------------------------------------------------------------


def _target_format(args: argparse.Namespace) -> str:
    if args.to:
        return str(args.to)
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise CliError(f"cannot tell the output form from {args.output!r}; "
                   "name it .vasm or .json, or give --to vasm|json")


def _convert(args: argparse.Namespace) -> int:
    target = _target_format(args)
    program = _load_program(args.input)
    try:
        text = program_to_json_text(program) if target == "json" else format_program(program)
    except ProgramError as error:
        raise CliError(f"{args.input}: cannot be written as .{target}: {error}") from None
    if args.output == "-":
        sys.stdout.write(text)
    else:
        atomic_write_text(Path(args.output), text)
    return EXIT_OK

