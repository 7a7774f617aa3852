"""The one place where game/ runs programs: many memory images, one machine.

Scoring, references and linting all run programs through `run_all` (or, for a
validation's tests, `run_tests`), so that the choice of execution engine is made
here only: the batched engine (`machine.engine`), exact to the reference simulator.
"""

from __future__ import annotations

from collections.abc import Sequence

from machine.config import MachineConfig
from machine.engine import run_deciding, run_many
from machine.program import Program
from machine.results import RunResult


def run_all(program: Program, memories: Sequence[Sequence[int]],
            config: MachineConfig) -> list[RunResult]:
    """Run headless (pausing disabled) over each memory image; one result per image.

    Checks the program against the machine first (machine.program.ProgramError).
    """
    return run_many(program, memories, config)


def run_tests(program: Program, memories: Sequence[Sequence[int]], config: MachineConfig,
              fixed: int) -> list[RunResult | None]:
    """`run_all` of a validation's images, its `fixed` tests first: when one of those runs
    away, the others are not run to the end (None; see `machine.engine.run_deciding`)."""
    return run_deciding(program, memories, config, fixed)
