"""What is worked out once from a program and kept with it answers only for its machine."""

from __future__ import annotations

import pytest

from machine.config import TAKEHOME, MachineConfig
from machine.engine import run_many
from machine.program import ProgramError, check
from machine.simulator import run_program
from machine.vasm import parse

PROGRAM = "    vadd 16, 0, 8\n    const 100, 7\n"


def test_a_program_checked_on_one_machine_is_still_refused_on_another() -> None:
    program = parse(PROGRAM)
    check(program, TAKEHOME)
    with pytest.raises(ProgramError, match="scratch"):
        check(program, MachineConfig(scratch_size=20))
    check(program, TAKEHOME)  # and still accepted where it fits
    with pytest.raises(ProgramError):
        check(program, MachineConfig(scratch_size=20))


def test_a_program_run_on_two_vector_lengths_runs_each_as_the_reference() -> None:
    program = parse("    const 100, 0\n    const 101, 32\n    vload 16, 100\n"
                    "    vadd 16, 16, 16\n    vstore 101, 16\n")
    memory = list(range(64))
    for vlen in (8, 4, 8, 2):
        config = MachineConfig(vlen=vlen)
        [result] = run_many(program, [memory], config)
        reference = run_program(program, memory, config)
        assert (result.memory, result.cycles) == (reference.memory, reference.cycles)
        assert result.memory[32:32 + vlen + 1] == [*range(0, 2 * vlen, 2), 32 + vlen]
