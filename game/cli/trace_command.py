"""`vliw trace`: run a program and write a Chrome/Perfetto trace of every slot it executes.

The trace is written even when the run faults (that is when it helps most): the
fault is an instant event on the faulting slot's track. Open the file in
ui.perfetto.dev or chrome://tracing.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

from game.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, CliError
from machine.config import DEFAULT_MAX_CYCLES, TAKEHOME, MachineConfig
from machine.loader import MemoryFileError, load_memory, load_program
from machine.program import Program, ProgramError, check
from machine.simulator import RunResult
from machine.trace import write_trace


def register(subparsers: argparse._SubParsersAction) -> None:
    trace = subparsers.add_parser(
        "trace", help="run a program and write a Perfetto/Chrome trace of its slots",
        description="Run a program (.vasm or .json) on the default machine over a memory image, "
                    "pausing disabled, and write a trace-event JSON file that ui.perfetto.dev "
                    "opens: a process per core, a track per engine slot, an event per executed "
                    "slot (ts = cycle). Exit 0: it ran to the end; 1: a fault or the cycle "
                    "limit (the trace is still written); 2: invalid program or memory file.")
    trace.add_argument("program", help="a .vasm or take-home .json program")
    trace.add_argument("--memory", required=True, metavar="MEMORY.json",
                       help="the memory image: a JSON list of words")
    trace.add_argument("-o", "--output", required=True, metavar="TRACE.json",
                       help="the trace file to write, or - for standard output")
    trace.add_argument("--max-cycles", type=int, default=DEFAULT_MAX_CYCLES, metavar="N",
                       help=f"cycle limit (default {DEFAULT_MAX_CYCLES:,})")
    trace.set_defaults(func=_trace)


def _trace(args: argparse.Namespace) -> int:
    if args.max_cycles < 1:
        raise CliError(f"--max-cycles must be at least 1, not {args.max_cycles}")
    config = dataclasses.replace(TAKEHOME, max_cycles=args.max_cycles)
    try:
        program = check(load_program(args.program), config)
        memory = load_memory(args.memory)
    except (ProgramError, MemoryFileError) as error:
        raise CliError(str(error), EXIT_INVALID) from None
    if args.output == "-":
        result = write_trace(program, memory, sys.stdout, config)
    else:
        result = _write_file(Path(args.output), program, memory, config)
        print(f"wrote a trace of {result.cycles:,} cycle{'s' * (result.cycles != 1)} to"
              f" {args.output} (open it in ui.perfetto.dev)")
    if result.fault is not None:
        print(f"vliw trace: {result.fault}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _write_file(path: Path, program: Program, memory: list[int],
                config: MachineConfig) -> RunResult:
    """Stream the trace into a temporary file beside `path`, then move it into place, so an
    interrupted run never leaves half a trace under the requested name."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent if str(path.parent) else ".")
    except OSError as error:
        raise CliError(f"{path}: cannot be written ({error.strerror or error})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            result = write_trace(program, memory, out, config)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CliError(f"{path}: cannot be written ({error.strerror or error})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result
