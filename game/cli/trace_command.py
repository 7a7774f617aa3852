"""`vliw trace`: run a program and write a Chrome/Perfetto trace of every slot it executes.

The trace is written even when the run faults (that is when it helps most): the
fault is an instant event on the faulting slot's track. Open the file in
ui.perfetto.dev or chrome://tracing. Its arguments are declared in
`game.cli.trace_args`; this module is imported when the command runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

from game.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, CliError
from machine.config import TAKEHOME, MachineConfig
from machine.loader import MemoryFileError, load_memory, load_program
from machine.program import Program, ProgramError, check
from machine.simulator import RunResult
from machine.trace import write_trace


def run_trace(args: argparse.Namespace) -> int:
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
