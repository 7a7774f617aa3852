"""Faults: bad programs stop a run with a located reason, never a crash.

Structural errors are found when the program is loaded (ProgramError, located by bundle,
slot and engine); run-time faults name cycle, core, pc, engine, slot and reason, and leave
memory as it was before the faulting bundle.
"""

from __future__ import annotations

from typing import Any

import pytest
from simulator_kit import M, consts, program_of, run

from machine.config import MachineConfig
from machine.isa import Engine
from machine.program import Bundle, Program, ProgramError, Slot
from machine.simulator import Simulator

MEMORY_SIZE = 16

# --- run time ---------------------------------------------------------------------------

SETUP = consts((1, MEMORY_SIZE), (2, MEMORY_SIZE - 3), (3, M - 1), (4, 5), (5, 1))
"""s1 = memory size, s2 = 3 words before the end, s3 = the largest word, s4 = 5, s5 = 1;
s0 = 0 and s8.. = 0 (a zero divisor)."""

ST = ("store", 0, 5)
"""m[0] = 1: a write earlier in the faulting bundle, which must not land."""

RUNTIME: list[tuple[str, dict[str, Any], Engine, int, str]] = [
    ("load past the end", {"store": [ST], "load": [("load", 9, 1)]}, Engine.LOAD, 1,
     "memory address 16 is outside memory"),
    ("load at the largest word", {"load": [("load", 9, 3)]}, Engine.LOAD, 0,
     f"memory address {M - 1}"),
    ("load_offset past the end", {"store": [ST], "load": [("const", 9, 0),
                                                          ("load_offset", 8, 0, 1)]},
     Engine.LOAD, 2, "memory address 16"),
    ("vload lane 3", {"store": [ST], "load": [("vload", 16, 2)]}, Engine.LOAD, 1,
     "memory address 16"),
    ("store past the end", {"store": [ST, ("store", 1, 4)]}, Engine.STORE, 1, "memory address 16"),
    ("vstore lane 3", {"store": [ST, ("vstore", 2, 16)]}, Engine.STORE, 1, "memory address 16"),
    ("division by zero", {"store": [ST], "alu": [("//", 9, 4, 8)]}, Engine.ALU, 1,
     "division by zero"),
    ("cdiv by zero", {"store": [ST], "alu": [("+", 9, 4, 4), ("cdiv", 9, 4, 8)]}, Engine.ALU, 2,
     "division by zero"),
    ("modulo by zero", {"alu": [("%", 9, 4, 8)], "store": [ST]}, Engine.ALU, 0, "modulo by zero"),
    ("vector modulo with one zero lane", {"store": [ST], "valu": [("%", 16, 0, 4)]},
     Engine.VALU, 1, "modulo by zero"),
    ("slot index counts earlier engines",
     {"alu": [("+", 9, 4, 4)], "store": [ST], "load": [("load", 10, 0), ("load", 11, 1)]},
     Engine.LOAD, 3, "memory address 16"),
    ("cond_jump_rel before the start", {"store": [ST], "flow": [("cond_jump_rel", 5, -9)]},
     Engine.FLOW, 1, "jump target -3 is negative"),
]


@pytest.mark.parametrize(("bundle", "engine", "slot", "reason"), [c[1:] for c in RUNTIME],
                         ids=[c[0] for c in RUNTIME])
def test_runtime_fault_is_located_and_leaves_memory_alone(bundle: dict[str, Any], engine: Engine,
                                                          slot: int, reason: str) -> None:
    before = list(range(100, 100 + MEMORY_SIZE))
    result = run([*SETUP, bundle, {"store": [ST]}], memory=before)
    fault = result.fault
    assert fault is not None
    assert (fault.cycle, fault.core, fault.pc) == (len(SETUP), 0, len(SETUP))
    assert (fault.engine, fault.slot) == (engine, slot)
    assert reason in fault.reason
    assert result.memory == before
    assert result.cycles == len(SETUP)
    described = str(fault)
    assert all(part in described for part in (f"cycle {fault.cycle}", "core 0",
                                              f"pc {fault.pc}", f"{engine} slot {slot}", reason))


def test_fault_to_json_names_every_field() -> None:
    result = run([*SETUP, {"alu": [("//", 9, 4, 8)]}])
    assert result.fault is not None
    assert result.fault.to_json() == {"cycle": 5, "core": 0, "pc": 5, "engine": "alu", "slot": 0,
                                      "reason": "division by zero"}


def test_a_fault_on_one_core_discards_every_core_s_writes_of_that_cycle() -> None:
    bundles = [{"flow": [("coreid", 1)]}, {"load": [("const", 2, 1)]},
               {"alu": [("-", 4, 2, 1)]},  # s4 = 1 - coreid: zero on core 1 only
               {"store": [("store", 0, 2)], "alu": [("//", 3, 2, 4)]}]
    result = run(bundles, memory=[0], config=MachineConfig(n_cores=2))
    assert result.fault is not None
    assert (result.fault.core, result.fault.pc, result.fault.cycle) == (1, 3, 3)
    assert (result.fault.engine, result.fault.slot) == (Engine.ALU, 1)
    assert result.memory == [0]


def test_a_fault_keeps_the_trace_of_earlier_cycles_only() -> None:
    result = run([*consts((1, 4)), {"flow": [("trace_write", 1)]},
                  {"flow": [("trace_write", 1)], "alu": [("%", 2, 1, 0)]}])
    assert result.fault is not None and result.traces == ((4,),)


def test_a_simulator_stays_stopped_after_a_fault() -> None:
    sim = Simulator(program_of({"alu": [("//", 1, 1, 0)]}, {"alu": []}), [0])
    first = sim.run()
    assert first.fault is not None and sim.finished and not sim.running
    assert sim.step() is None
    assert sim.run().fault == first.fault


# --- load time --------------------------------------------------------------------------

STATIC: list[tuple[str, dict[str, Any], int, str]] = [
    ("scratch address past the end", {"alu": [("+", 1536, 0, 0)]}, 0, "scratch address 1536"),
    ("vector lane past the end", {"load": [("const", 1, 2)], "valu": [("+", 0, 1529, 0)]}, 1,
     "scratch address 1536"),
    ("vbroadcast lane past the end", {"valu": [("vbroadcast", 1530, 0)]}, 0,
     "scratch address 1536"),
    ("load_offset shifted past the end", {"load": [("load_offset", 1530, 0, 6)]}, 0,
     "scratch address 1536"),
    ("load_offset shifted below zero", {"load": [("load_offset", 3, 10, -4)]}, 0,
     "scratch address -1"),
    ("unknown operation", {"alu": [("frobnicate", 1, 2, 3)]}, 0, "unknown alu operation"),
    ("operation of another engine", {"alu": [("vbroadcast", 8, 1)]}, 0, "unknown alu operation"),
    ("too few operands", {"alu": [("+", 1, 2)]}, 0, "takes 3 operands"),
    ("too many operands", {"flow": [("halt", 1)]}, 0, "takes 0 operands"),
    ("float operand", {"alu": [("+", 1, 2.0, 3)]}, 0, "must be an integer"),
    ("string operand", {"load": [("const", "x", 3)]}, 0, "must be an integer"),
    ("bool operand", {"load": [("const", 1, True)]}, 0, "must be an integer"),
    ("negative scratch address", {"store": [("store", -1, 0)]}, 0, "scratch address -1"),
    ("negative jump target", {"flow": [("jump", -1)]}, 0, "jump target -1 is negative"),
    ("negative cond_jump target", {"flow": [("cond_jump", 0, -2)]}, 0, "jump target -2"),
    ("immediate beyond 64 bits", {"load": [("const", 1, 2**64)]}, 0, "out of range"),
    ("too many alu slots", {"alu": [("+", 1, 1, 1)] * 13}, 12, "13 alu slots"),
    ("too many flow slots", {"alu": [], "flow": [("halt",), ("halt",)]}, 1, "2 flow slots"),
]


@pytest.mark.parametrize(("bundle", "slot", "message"), [c[1:] for c in STATIC],
                         ids=[c[0] for c in STATIC])
def test_structural_errors_are_found_at_load_time(bundle: dict[str, Any], slot: int,
                                                  message: str) -> None:
    program = program_of({"alu": []}, bundle)
    with pytest.raises(ProgramError) as caught:
        Simulator(program, [0])
    problem = caught.value.problems[0]
    assert (problem.bundle, problem.slot) == (1, slot)
    assert problem.engine is not None and problem.engine.value in bundle
    assert message in problem.message
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    program = program_of({"alu": [("+", 1, 2)]}, {"flow": [("jump", -1)]},
                         {"load": [("const", 1, 1)] * 3})
    with pytest.raises(ProgramError) as caught:
        Simulator(program, [0])
    assert [p.bundle for p in caught.value.problems] == [0, 1, 2]
    assert "and 2 more problems" in str(caught.value)


def test_an_engine_listed_twice_in_one_bundle_is_refused() -> None:
    # Bundle.of and the take-home's dicts cannot do this, but a Bundle built by hand can;
    # slot limits count the engine's slots over the whole bundle.
    alu = [Slot(Engine.ALU, "+", (1, 1, 1))]
    program = Program((Bundle(((Engine.ALU, tuple(alu * 12)), (Engine.ALU, tuple(alu)))),))
    with pytest.raises(ProgramError, match="alu appears twice in one bundle"):
        Simulator(program, [0])


@pytest.mark.parametrize(
    ("config", "bundle", "message"),
    [
        (MachineConfig(allowed_ops=frozenset({"add"})), {"alu": [("*", 1, 1, 1)]},
         "'mul' is not allowed"),
        (MachineConfig(scratch_size=16), {"valu": [("+", 8, 9, 0)]}, "scratch address 16"),
        (MachineConfig(vlen=4, scratch_size=16), {"valu": [("+", 12, 13, 0)]},
         "scratch address 16"),
        (MachineConfig(slot_limits={"alu": 1}), {"alu": [("+", 1, 1, 1)] * 2}, "2 alu slots"),
        (MachineConfig(slot_limits={"alu": 1}), {"valu": [("+", 0, 0, 0)]}, "allows 0"),
    ],
)
def test_a_constrained_machine_refuses_what_it_lacks(config: MachineConfig,
                                                     bundle: dict[str, Any], message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        Simulator(program_of(bundle), [0], config)


def test_debug_slots_may_hold_anything_and_are_never_limited() -> None:
    result = run([{"debug": [("compare", 5, [0, 3, "idx"])] * 50 + [("comment", {"a": [1.5]})]}])
    assert result.ok and result.cycles == 0


@pytest.mark.parametrize("word", [-1, M, 1.0, True, "3", None])
def test_a_bad_memory_word_is_refused_by_index(word: Any) -> None:
    with pytest.raises(ValueError, match="memory word 1 "):
        Simulator(program_of(), [0, word])
