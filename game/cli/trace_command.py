"""`vliw trace`: run a program and write a Chrome/Perfetto trace of every slot it executes.

The trace is written even when the run faults (that is when it helps most): the
fault is an instant event on the faulting slot's track. Open the file in
ui.perfetto.dev or chrome://tracing. Its arguments are declared in
`game.cli.trace_args`; this module is imported when the command runs.

Bounds: the run stops at the cycle limit or once the trace passes its size
limit (--max-mb), whichever comes first; either way the file is a valid trace
ending with the limit's event, and the command exits 1 saying which limit it
was. A file is written under a hidden temporary name and moved into place at
the end; SIGTERM, SIGHUP and SIGINT raise while it is written, so the temporary
file is removed rather than left behind.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from game.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, CliError
from game.cli.machine_args import check_max_cycles
from game.cli.trace_args import MOST_TRACE_MB
from game.paths import NotAFileToReplace, replaceable
from machine.config import TAKEHOME, MachineConfig
from machine.loader import MemoryFileError, load_memory, load_program
from machine.program import Program, ProgramError, check
from machine.results import RunResult
from machine.trace import write_trace


def run_trace(args: argparse.Namespace) -> int:
    check_max_cycles(args.max_cycles)
    if not 1 <= args.max_mb <= MOST_TRACE_MB:
        raise CliError(f"--max-mb must be between 1 and {MOST_TRACE_MB}")
    config = dataclasses.replace(TAKEHOME, max_cycles=args.max_cycles)
    try:
        program = check(load_program(args.program), config)
        memory = load_memory(args.memory)
    except (ProgramError, MemoryFileError) as error:
        raise CliError(str(error), EXIT_INVALID) from None
    max_bytes = args.max_mb * 2**20
    if args.output == "-":
        result = write_trace(program, memory, sys.stdout, config, max_bytes)
    else:
        result = _write_file(Path(args.output), program, memory, config, max_bytes)
        print(f"wrote a trace of {result.cycles:,} cycle{'s' * (result.cycles != 1)} to"
              f" {args.output} (open it in ui.perfetto.dev)")
    if result.fault is not None:
        limit = " (raise the limits with --max-cycles and --max-mb)" * (result.fault.slot is None)
        print(f"vliw trace: {result.fault}{limit}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _write_file(path: Path, program: Program, memory: list[int], config: MachineConfig,
                max_bytes: int) -> RunResult:
    """Stream the trace into a temporary file beside `path`, then move it into place, so an
    interrupted run never leaves half a trace under the requested name."""
    try:
        path = replaceable(path)
    except NotAFileToReplace as error:
        raise CliError(str(error)) from None
    with _signals_raise():
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent if str(path.parent) else ".")
        except OSError as error:
            raise CliError(f"{path}: cannot be written ({error.strerror or error})") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                result = write_trace(program, memory, out, config, max_bytes)
            os.replace(temporary, path)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise CliError(f"{path}: cannot be written ({error.strerror or error})") from None
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return result


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While the body runs, SIGTERM and SIGHUP raise SystemExit (128 + the signal's number)
    and SIGINT raises KeyboardInterrupt, whatever handlers were set before; the default
    SIGTERM and SIGHUP end the process on the spot, with no cleanup."""
    def stop(number: int, _: FrameType | None) -> None:
        raise SystemExit(128 + number)

    handlers = {signal.SIGTERM: stop, signal.SIGHUP: stop,
                signal.SIGINT: signal.default_int_handler}
    previous = {number: signal.signal(number, handler) for number, handler in handlers.items()}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
