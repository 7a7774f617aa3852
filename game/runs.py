"""The one place where game/ runs programs: many memory images, one machine.

Scoring, references and linting all run programs through `run_all`, so that
switching the execution engine happens here only. It uses helper C's fast
engine (`machine.engine.run_many`, exact to the reference simulator) when it
is installed, and the reference simulator otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from machine.config import MachineConfig
from machine.program import Program
from machine.simulator import RunResult, run_program


def run_all(program: Program, memories: Sequence[Sequence[int]],
            config: MachineConfig) -> list[RunResult]:
    """Run headless (pausing disabled) over each memory image; one result per image."""
    try:
        from machine.engine import run_many
    except ImportError:
        return [run_program(program, memory, config) for memory in memories]
    return run_many(program, memories, config)
