"""`vliw run`, `vliw fmt` and `vliw convert`: raw programs, outside any puzzle.

`run` executes a program on the default machine over a memory image;
`fmt` rewrites `.vasm` files in their one canonical text; `convert` moves a
program between `.vasm` and the take-home's `.json`, so a take-home kernel
can be brought here unchanged and a solution taken back. Their arguments are
declared in `game.cli.machine_args`; this module is imported when one runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from game.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, CliError, print_json
from game.cli.machine_args import FORMATS, check_max_cycles
from game.paths import atomic_write_text
from machine.config import TAKEHOME, MachineConfig
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
from machine.results import Fault, RunResult
from machine.takehome_json import program_to_json_text
from machine.vasm import format_program, parse

SHOWN_WORDS = 16
"""How many words of the final memory the human summary of `run` shows."""


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


def run_program_command(args: argparse.Namespace) -> int:
    """Bounded: the run stops at --max-cycles (at most machine_args.MOST_CYCLES), and what
    it prints is a few lines, or with --json the final memory, as large as the image it was
    given."""
    check_max_cycles(args.max_cycles)
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


def run_fmt(args: argparse.Namespace) -> int:
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


def run_convert(args: argparse.Namespace) -> int:
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

