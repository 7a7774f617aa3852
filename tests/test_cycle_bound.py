"""`Program.cycle_bound`: the most cycles a run can take, known only where no slot may jump.

Scoring runs every test of such a program in one batch, since none can reach the cycle
limit; the bound must therefore never be below what a run takes.
"""

from __future__ import annotations

import pytest

from machine.config import TAKEHOME
from machine.program import Bundle, Engine, Program, Slot
from machine.simulator import run_program
from machine.vasm import parse

DEBUG_ONLY = Bundle(((Engine.DEBUG, (Slot(Engine.DEBUG, "comment", ("x",)),)),))


@pytest.mark.parametrize(("source", "bound"), [
    ("", 0),
    ("const 0, 1\nconst 1, 2 || add 2, 0, 1\n", 2),
    ("const 0, 1\nhalt\nconst 1, 2\nconst 1, 3\n", 4),
    ("const 0, 1\npause\nconst 1, 2\n", 3),
    ("start:\nconst 0, 1\njump start\n", None),
    ("const 0, 1\ncond_jump 0, end\nconst 1, 1\nend:\n", None),
    ("const 0, 1\njump_indirect 0\n", None),
    ("add_imm 0, 0, 1\ncond_jump_rel 0, -1\n", None),
])
def test_the_bound_is_every_costing_bundle_once_unless_a_slot_may_jump(
        source: str, bound: int | None) -> None:
    program = parse(source)
    assert program.cycle_bound() == bound
    if bound is not None:
        assert run_program(program, [0] * 8, TAKEHOME).cycles <= bound


def test_debug_bundles_cost_nothing_and_an_unknown_operation_may_do_anything() -> None:
    program = parse("const 0, 1\nconst 1, 1\n")
    with_debug = Program((DEBUG_ONLY, *program.bundles, DEBUG_ONLY, DEBUG_ONLY))
    assert with_debug.cycle_bound() == 2
    unknown = Bundle(((Engine.FLOW, (Slot(Engine.FLOW, "teleport", (1,)),)),))
    assert Program((*program.bundles, unknown)).cycle_bound() is None
