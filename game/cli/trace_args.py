"""The command line of `vliw trace`; `game.cli.trace_command` does the work when it runs."""

from __future__ import annotations

import argparse

from game.cli.machine_args import MOST_CYCLES
from machine.config import DEFAULT_MAX_CYCLES

TRACE_MB = 128
"""The default size cap of a trace, in MiB: about a million slot events, some 25 s of
tracing; the take-home's 147734-cycle scalar starter program traces to 19 MB. Without a
cap a runaway loop writes about 5 MB a second until the cycle limit (2 GB for 10M)."""
MOST_TRACE_MB = 2048
"""The largest cap --max-mb accepts."""


def register(subparsers: argparse._SubParsersAction) -> None:
    trace = subparsers.add_parser(
        "trace", help="run a program and write a Perfetto/Chrome trace of its slots",
        description="Run a program (.vasm or .json) on the default machine over a memory image, "
                    "pausing disabled, and write a trace-event JSON file that ui.perfetto.dev "
                    "opens: a process per core, a track per engine slot, an event per executed "
                    "slot (ts = cycle). A trace that grows past --max-mb stops the run there, "
                    "as the cycle limit does: the file is still a valid trace, ending with the "
                    "limit's event. Exit 0: it ran to the end; 1: a fault, the cycle limit or "
                    "the size limit (the trace is still written); 2: invalid program or memory "
                    "file. An interrupted trace (Ctrl-C, SIGTERM) leaves no file behind.")
    trace.add_argument("program", help="a .vasm or take-home .json program")
    trace.add_argument("--memory", required=True, metavar="MEMORY.json",
                       help="the memory image: a JSON list of words")
    trace.add_argument("-o", "--output", required=True, metavar="TRACE.json",
                       help="the trace file to write, or - for standard output")
    trace.add_argument("--max-cycles", type=int, default=DEFAULT_MAX_CYCLES, metavar="N",
                       help=f"cycle limit (default {DEFAULT_MAX_CYCLES:,}, at most"
                            f" {MOST_CYCLES:,})")
    trace.add_argument("--max-mb", type=int, default=TRACE_MB, metavar="MB",
                       help=f"size limit of the trace in MiB (default {TRACE_MB}, at most"
                            f" {MOST_TRACE_MB})")
    trace.set_defaults(func=trace_program)


def trace_program(args: argparse.Namespace) -> int:
    from game.cli.trace_command import run_trace
    return run_trace(args)
