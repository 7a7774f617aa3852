"""What limits a score: per-engine floors, the dependency chain, which one binds."""

from __future__ import annotations

from machine.bottleneck import CRITICAL_PATH, analyse, critical_path, execute, is_straight_line
from machine.config import TAKEHOME
from machine.isa import Engine
from machine.loader import parse_program
from machine.simulator import Simulator

CHAIN = """\
.scalar a
.scalar b
.scalar c
const a, 1 || const b, 2
add c, a, b || const a, 3
add c, c, a
add c, c, c
"""
"""Four bundles; the chain const -> add -> add -> add is four long."""

LOOP = """\
.scalar i
.scalar one
.scalar x
const i, 3 || const one, 1
top:
sub i, i, one || add x, x, one
cond_jump i, top
"""


def test_floors_of_straight_line_code() -> None:
    program = parse_program(CHAIN, None)
    bottleneck = analyse(program, TAKEHOME)
    loads = {load.engine: load for load in bottleneck.engines}
    assert bottleneck.cycles == 4
    assert (loads[Engine.LOAD].slots, loads[Engine.LOAD].floor) == (3, 2)
    assert (loads[Engine.ALU].slots, loads[Engine.ALU].floor) == (3, 1)
    assert loads[Engine.LOAD].utilisation == 3 / (2 * 4)
    assert loads[Engine.LOAD].over_time == (1.0, 0.5, 0.0, 0.0)
    assert bottleneck.critical_path == 4
    assert bottleneck.binding == (CRITICAL_PATH, 4)


def test_writes_land_at_the_end_of_the_bundle() -> None:
    """A slot reading a word written in the same bundle reads the old value: no link."""
    program = parse_program(".scalar a\n.scalar b\nconst a, 1 || add b, a, a\n", None)
    assert critical_path(program, TAKEHOME) == 1


def test_a_loop_is_measured_on_a_run() -> None:
    program = parse_program(LOOP, None)
    assert not is_straight_line(program)
    executed = execute(program, [0], TAKEHOME)
    expected = Simulator(program, [0], TAKEHOME).run().cycles
    assert executed.cycles == expected == 7
    bottleneck = analyse(program, TAKEHOME, executed)
    loads = {load.engine: load for load in bottleneck.engines}
    assert bottleneck.cycles == 7 and bottleneck.critical_path is None
    assert loads[Engine.ALU].slots == 6 and loads[Engine.FLOW].slots == 3
    assert loads[Engine.FLOW].floor == 3
    assert bottleneck.binding == ("flow", 3)
