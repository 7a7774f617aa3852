"""The command line of `vliw trace`; `game.cli.trace_command` does the work when it runs."""

from __future__ import annotations

import argparse

from game.cli.common import Deferred
from machine.config import DEFAULT_MAX_CYCLES


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
    trace.set_defaults(func=Deferred("game.cli.trace_command", "run_trace"))
