"""Every operation of docs/machine.md on the reference simulator, one table row each.

Programs are built directly as Program/Bundle/Slot (via simulator_kit.program_of), so
these tests depend on nothing but the op table and the simulator.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from simulator_kit import ALU_OPS, M, consts, program_of, run, simulate, spec_alu

from machine.config import MachineConfig
from machine.isa import Engine
from machine.simulator import Simulator

TOP = M - 1

ALU_CASES: list[tuple[str, int, int, int]] = [
    ("+", 1, 2, 3), ("+", TOP, 1, 0), ("+", TOP, TOP, M - 2),
    ("-", 0, 1, TOP), ("-", 5, 3, 2), ("-", 3, 5, M - 2),
    ("*", 7, 6, 42), ("*", 0x10000, 0x10000, 0), ("*", TOP, TOP, 1),
    ("//", 7, 2, 3), ("//", TOP, 2, 0x7FFF_FFFF), ("//", 5, 7, 0), ("//", 0, 5, 0),
    ("cdiv", 7, 2, 4), ("cdiv", 6, 2, 3), ("cdiv", 0, 5, 0), ("cdiv", TOP, 2, 0x8000_0000),
    ("cdiv", 1, TOP, 1),
    ("^", 0b1100, 0b1010, 0b0110), ("^", TOP, 0x0F0F_0F0F, 0xF0F0_F0F0),
    ("&", 0b1100, 0b1010, 0b1000), ("&", TOP, 0x1234_5678, 0x1234_5678),
    ("|", 0b1100, 0b1010, 0b1110), ("|", 0x8000_0000, 1, 0x8000_0001),
    ("<<", 1, 31, 0x8000_0000), ("<<", 1, 32, 0), ("<<", 1, TOP, 0), ("<<", TOP, 4, 0xFFFF_FFF0),
    ("<<", 3, 0, 3), ("<<", 0x8000_0001, 1, 2),
    (">>", 0x8000_0000, 31, 1), (">>", TOP, 32, 0), (">>", TOP, TOP, 0), (">>", 0xF0, 4, 0xF),
    ("%", 7, 3, 1), ("%", TOP, 10, 5), ("%", 3, 7, 3),
    ("<", 1, 2, 1), ("<", 2, 1, 0), ("<", 2, 2, 0), ("<", 0, TOP, 1), ("<", TOP, 0, 0),
    ("==", 5, 5, 1), ("==", 5, 6, 0), ("==", TOP, TOP, 1),
]


@pytest.mark.parametrize(("op", "a", "b", "expected"), ALU_CASES,
                         ids=[f"{a} {op} {b}" for op, a, b, _ in ALU_CASES])
def test_alu(op: str, a: int, b: int, expected: int) -> None:
    sim = simulate([*consts((1, a), (2, b)), {"alu": [(op, 3, 1, 2)]}])
    assert sim.fault is None
    assert sim.cores[0].scratch[1:4] == [a, b, expected]


def test_every_alu_op_has_a_row() -> None:
    assert {op for op, *_ in ALU_CASES} == set(ALU_OPS)


LANES = st.lists(st.integers(0, TOP) | st.sampled_from([0, 1, 31, 32, TOP]),
                 min_size=8, max_size=8)


def _vector_consts(base: int, lanes: list[int]) -> list[dict[str, Any]]:
    return consts(*((base + i, v) for i, v in enumerate(lanes)))


@settings(max_examples=60, deadline=None)
@given(op=st.sampled_from(ALU_OPS), a=LANES, b=LANES)
def test_alu_and_valu_agree_with_the_spec_model(op: str, a: list[int], b: list[int]) -> None:
    """The simulator, not only the table: operand order, lanes, reduction, faults."""
    scalar = simulate([*consts((1, a[0]), (2, b[0])), {"alu": [(op, 3, 1, 2)]}])
    expected = spec_alu(op, a[0], b[0])
    if expected is None:
        assert scalar.fault is not None and "by zero" in scalar.fault.reason
    else:
        assert scalar.cores[0].scratch[3] == expected

    vector = simulate([*_vector_consts(8, a), *_vector_consts(16, b),
                       {"valu": [(op, 24, 8, 16)]}])
    lanes = [spec_alu(op, x, y) for x, y in zip(a, b, strict=True)]
    if None in lanes:
        assert vector.fault is not None and vector.fault.engine is Engine.VALU
        assert vector.cores[0].scratch[24:32] == [0] * 8
    else:
        assert vector.fault is None
        assert vector.cores[0].scratch[24:32] == lanes


VALU_A = [0, 1, 7, TOP, 0x8000_0000, 12345, 31, 2]
VALU_B = [1, TOP, 2, TOP, 31, 32, 5, 3]


@pytest.mark.parametrize("op", ALU_OPS)
def test_valu_is_lane_wise(op: str) -> None:
    sim = simulate([*_vector_consts(8, VALU_A), *_vector_consts(16, VALU_B),
                    {"valu": [(op, 24, 8, 16)]}])
    assert sim.fault is None
    assert sim.cores[0].scratch[24:32] == [spec_alu(op, a, b) for a, b in zip(VALU_A, VALU_B,
                                                                               strict=True)]


MEMORY = [100 + i for i in range(16)]


def _case(setup: list[tuple[int, int]], *bundles: dict[str, Any]) -> list[dict[str, Any]]:
    return [*consts(*setup), *bundles]


OP_CASES: list[tuple[str, list[dict[str, Any]], dict[int, int], dict[int, int]]] = [
    # (id, bundles, expected scratch words, expected memory words)
    ("vbroadcast", _case([(3, 7)], {"valu": [("vbroadcast", 8, 3)]}),
     {8 + i: 7 for i in range(8)}, {}),
    ("multiply_add reduces the product then the sum",
     _case([(0, TOP), (8, TOP), (16, TOP), (1, 0x10000), (9, 0x10001), (17, 5), (2, 3), (10, 4),
            (18, 5)],
           {"valu": [("multiply_add", 24, 0, 8, 16)]}),
     {24: 0, 25: 0x10005, 26: 17, **{27 + i: 0 for i in range(5)}}, {}),
    ("load", _case([(1, 5)], {"load": [("load", 2, 1)]}), {2: 105}, {}),
    ("load_offset", _case([(23, 6)], {"load": [("load_offset", 10, 20, 3)]}),
     {10: 0, 13: 106, 20: 0}, {}),
    ("vload", _case([(1, 4)], {"load": [("vload", 8, 1)]}), {8 + i: 104 + i for i in range(8)}, {}),
    ("const negative", [{"load": [("const", 1, -1)]}], {1: TOP}, {}),
    ("const beyond a word", [{"load": [("const", 1, M + 5), ("const", 2, -M)]}], {1: 5, 2: 0}, {}),
    ("store", _case([(1, 3), (2, 99)], {"store": [("store", 1, 2)]}), {}, {3: 99, 4: 104}),
    ("vstore", _case([(1, 4), *((8 + i, 50 + i) for i in range(8))],
                     {"store": [("vstore", 1, 8)]}),
     {}, {3: 103, **{4 + i: 50 + i for i in range(8)}, 12: 112}),
    ("select nonzero", _case([(1, 2), (2, 10), (3, 20)], {"flow": [("select", 4, 1, 2, 3)]}),
     {4: 10}, {}),
    ("select zero", _case([(2, 10), (3, 20)], {"flow": [("select", 4, 1, 2, 3)]}), {4: 20}, {}),
    ("vselect", _case([*((i, i % 3) for i in range(8)), *((8 + i, 10 + i) for i in range(8)),
                       *((16 + i, 20 + i) for i in range(8))],
                      {"flow": [("vselect", 24, 0, 8, 16)]}),
     {24 + i: (20 + i if i % 3 == 0 else 10 + i) for i in range(8)}, {}),
    ("add_imm negative", _case([(1, 5)], {"flow": [("add_imm", 2, 1, -7)]}), {2: M - 2}, {}),
    ("add_imm wide", _case([(1, 5)], {"flow": [("add_imm", 2, 1, M + 1)]}), {2: 6}, {}),
    ("debug slots change nothing",
     _case([(1, 9)], {"debug": [("compare", 1, [0, 3, "idx"]), ("vcompare", 0, {"x": None}),
                                ("comment", "hello")]}),
     {1: 9, 0: 0}, {}),
]


@pytest.mark.parametrize(("bundles", "scratch", "memory"), [c[1:] for c in OP_CASES],
                         ids=[c[0] for c in OP_CASES])
def test_operation(bundles: list[dict[str, Any]], scratch: dict[int, int],
                   memory: dict[int, int]) -> None:
    sim = simulate(bundles, MEMORY)
    assert sim.fault is None
    assert {addr: sim.cores[0].scratch[addr] for addr in scratch} == scratch
    assert {addr: sim.memory[addr] for addr in memory} == memory
    untouched = [a for a in range(len(MEMORY)) if a not in memory]
    assert [sim.memory[a] for a in untouched] == [MEMORY[a] for a in untouched]


# --- flow ---------------------------------------------------------------------------

MARKS = 200
"""Marker bundles write 1 to scratch MARKS + id, so a test sees which bundles ran."""


def _marks(*ids: int) -> list[dict[str, Any]]:
    return [{"load": [("const", MARKS + i, 1)]} for i in ids]


def _marked(sim: Simulator) -> list[int]:
    return [i for i in range(50) if sim.cores[0].scratch[MARKS + i] == 1]


def _ran(bundles: list[dict[str, Any]]) -> tuple[list[int], int]:
    """Which markers ran, and the cycle count, of a run that must not fault."""
    sim = simulate(bundles)
    assert sim.fault is None
    return _marked(sim), sim.cycle


def test_halt_stops_after_its_bundle_and_costs_its_cycle() -> None:
    bundles = [*_marks(0), {"flow": [("halt",)], "load": [("const", MARKS + 1, 1)]}, *_marks(2)]
    assert _ran(bundles) == ([0, 1], 2)


@pytest.mark.parametrize(("condition", "ran"), [(0, ([3, 4], 4)), (1, ([4], 3)), (TOP, ([4], 3))])
def test_cond_jump(condition: int, ran: tuple[list[int], int]) -> None:
    bundles = [*consts((3, condition)), {"flow": [("cond_jump", 3, 3)]}, *_marks(3, 4)]
    assert _ran(bundles) == ran


@pytest.mark.parametrize(
    ("k", "condition", "ran"),
    [(1, 1, ([6], 3)), (1, 0, ([5, 6], 4)), (0, 1, ([5, 6], 4)), (-1, 0, ([5, 6], 4))],
)
def test_cond_jump_rel_counts_from_the_next_bundle(k: int, condition: int,
                                                   ran: tuple[list[int], int]) -> None:
    bundles = [*consts((3, condition)), {"flow": [("cond_jump_rel", 3, k)]}, *_marks(5, 6)]
    assert _ran(bundles) == ran


def test_cond_jump_rel_backwards_loops() -> None:
    # s[3] counts down from 3; each pass marks word s[3] of memory.
    bundles = [*consts((1, 1), (3, 3), (4, TOP)),
               {"store": [("store", 3, 1)], "alu": [("+", 3, 3, 4)]},
               {"flow": [("cond_jump_rel", 3, -2)]}]
    result = run(bundles)
    assert result.ok and result.cycles == 3 + 3 * 2
    assert [a for a, word in enumerate(result.memory) if word] == [1, 2, 3]


def test_jump_skips_the_bundles_between() -> None:
    assert _ran([{"flow": [("jump", 2)]}, *_marks(1, 2)]) == ([2], 2)


@pytest.mark.parametrize(("target", "ran"), [(2, ([2], 3)), (3, ([], 2)), (TOP, ([], 2))])
def test_jump_indirect_and_past_the_end_stops(target: int, ran: tuple[list[int], int]) -> None:
    assert _ran([*consts((5, target)), {"flow": [("jump_indirect", 5)]}, *_marks(2)]) == ran


def test_trace_write_appends_in_order() -> None:
    result = run([*consts((1, 7), (2, TOP)), {"flow": [("trace_write", 1)]},
                  {"flow": [("trace_write", 2)]}, {"flow": [("trace_write", 1)]}])
    assert result.traces == ((7, TOP, 7),)


def test_coreid_with_several_cores() -> None:
    config = MachineConfig(n_cores=3)
    result = run([{"flow": [("coreid", 1)]}, {"alu": [("+", 2, 1, 1)]},
                  {"store": [("store", 1, 2)]}], memory=[9] * 4, config=config)
    assert result.ok and result.memory == [0, 2, 4, 9] and result.cycles == 3
    assert result.traces == ((), (), ())


def test_pause_enabled_is_a_breakpoint_that_resumes() -> None:
    program = program_of(*_marks(0), {"flow": [("pause",)], "load": [("const", MARKS + 1, 1)]},
                         *_marks(2), {"flow": [("pause",)]}, *_marks(3))
    sim = Simulator(program, [0] * 4, pausing=True)
    stops = []
    for _ in range(3):
        result = sim.run()
        stops.append((result.paused, result.cycles, _marked(sim)))
    assert stops == [(True, 2, [0, 1]), (True, 4, [0, 1, 2]), (False, 5, [0, 1, 2, 3])]
    assert sim.finished


def test_pause_disabled_does_nothing_but_costs_its_cycle() -> None:
    bundles = [*_marks(0), {"flow": [("pause",)]}, *_marks(2), {"flow": [("pause",)]}]
    assert _ran(bundles) == ([0, 2], 4)
    assert not run(bundles).paused
