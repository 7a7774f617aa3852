"""The one place where game/ runs programs: many memory images, one machine.

Scoring, references and linting all run programs through `run_all`, so that
the choice of execution engine is made here only: the batched engine
(`machine.engine.run_many`), exact to the reference simulator.
"""

from __future__ import annotations

from collections.abc import Sequence

from machine.config import MachineConfig
from machine.engine import run_many
from machine.program import Program
from machine.simulator import RunResult


def run_all(program: Program, memories: Sequence[Sequence[int]],
            config: MachineConfig) -> list[RunResult]:
    """Run headless (pausing disabled) over each memory image; one result per image.

    Checks the program against the machine first (machine.program.ProgramError).
    """
    return run_many(program, memories, config)
