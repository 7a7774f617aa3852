"""What is worked out once from a program and kept with it answers only for its machine."""

from __future__ import annotations

import pytest

from machine.config import TAKEHOME, MachineConfig
from machine.engine import run_many
from machine.program import Program, ProgramError, check
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


def test_each_bundle_is_indexed_by_its_object_among_the_distinct_ones() -> None:
    # bundle_uses and bundle_order spread per-object work over the program (the engine's
    # shape, the identity, the bottleneck view): equal bundles that are different objects
    # stay apart, the same object is one entry however often it comes.
    first, second = parse("    const 1, 7\n    const 2, 8\n").bundles
    twin = parse("    const 1, 7\n").bundles[0]
    program = Program((first, second, first, twin, first))
    assert [(bundle, uses) for bundle, uses in program.bundle_uses] == [
        (first, 3), (second, 1), (twin, 1)]
    assert [bundle is use for bundle, use in zip(
        (first, second, twin), (b for b, _ in program.bundle_uses), strict=True)] == [True] * 3
    assert program.bundle_order == (0, 1, 0, 2, 0)
    assert program.per_bundle(id) == [id(b) for b in program.bundles]
