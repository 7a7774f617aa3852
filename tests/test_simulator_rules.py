"""The write and timing rules of docs/machine.md on the reference simulator: pre-bundle
reads, write conflicts, jumps, cycle counting, several cores, the cycle limit."""

from __future__ import annotations

from typing import Any

import pytest
from simulator_kit import consts, run, simulate

from machine.config import MachineConfig

# --- every slot reads the state from before the bundle ----------------------------------


def test_a_bundle_swaps_two_scratch_words() -> None:
    sim = simulate([*consts((1, 10), (2, 20)),
                    {"alu": [("+", 1, 2, 0), ("+", 2, 1, 0)]}])
    assert sim.cores[0].scratch[1:3] == [20, 10]


def test_a_bundle_swaps_two_memory_words() -> None:
    # load both words, then store them crosswise while loading again: loads see old memory.
    sim = simulate([*consts((1, 0), (2, 1)),
                    {"load": [("load", 3, 1), ("load", 4, 2)]},
                    {"store": [("store", 1, 4), ("store", 2, 3)],
                     "load": [("load", 5, 1), ("load", 6, 2)]}],
                   memory=[7, 8])
    assert sim.memory == [8, 7]
    assert sim.cores[0].scratch[3:7] == [7, 8, 7, 8]


def test_a_load_sees_memory_before_a_store_in_the_same_bundle() -> None:
    sim = simulate([*consts((2, 5)), {"store": [("store", 1, 2)], "load": [("load", 3, 1)]}],
                   memory=[9])
    assert sim.memory == [5] and sim.cores[0].scratch[3] == 9


def test_a_vector_op_reads_all_lanes_before_writing_any() -> None:
    # d overlaps a shifted by one lane: a sequential implementation would smear lane 0.
    sim = simulate([*consts(*((8 + i, i + 1) for i in range(8))),
                    {"valu": [("+", 9, 8, 0)]}])
    assert sim.cores[0].scratch[8:17] == [1, 1, 2, 3, 4, 5, 6, 7, 8]


# --- when two slots write one word, the later one wins ----------------------------------

CONFLICTS: list[tuple[str, dict[str, Any], int]] = [
    ("slot order within an engine",
     {"load": [("const", 5, 1), ("const", 5, 2)]}, 2),
    ("alu before load as written",
     {"alu": [("+", 5, 1, 1)], "load": [("const", 5, 2)]}, 2),
    ("load before alu as written",
     {"load": [("const", 5, 2)], "alu": [("+", 5, 1, 1)]}, 6),
    ("flow before valu as written",
     {"flow": [("add_imm", 5, 1, 1)], "valu": [("vbroadcast", 0, 1)]}, 3),
    ("valu before flow as written",
     {"valu": [("vbroadcast", 0, 1)], "flow": [("add_imm", 5, 1, 2)]}, 5),
]


@pytest.mark.parametrize(("bundle", "value"), [c[1:] for c in CONFLICTS],
                         ids=[c[0] for c in CONFLICTS])
def test_later_slot_wins_a_scratch_conflict(bundle: dict[str, Any], value: int) -> None:
    sim = simulate([*consts((1, 3)), bundle])
    assert sim.fault is None
    assert sim.cores[0].scratch[5] == value


def test_later_store_wins_a_memory_conflict() -> None:
    result = run([*consts((1, 2), (2, 30), (3, 40)),
                  {"store": [("store", 1, 2), ("store", 1, 3)]}], memory=[0] * 4)
    assert result.memory == [0, 0, 40, 0]


@pytest.mark.parametrize(
    ("slots", "word"),
    [([("store", 2, 3), ("vstore", 1, 8)], 13), ([("vstore", 1, 8), ("store", 2, 3)], 99)],
)
def test_a_vstore_lane_and_a_store_conflict_in_slot_order(slots: list[tuple[Any, ...]],
                                                          word: int) -> None:
    result = run([*consts((2, 3), (3, 99), *((8 + i, 10 + i) for i in range(8))),
                  {"store": slots}], memory=[0] * 8)
    assert result.memory == [10, 11, 12, word, 14, 15, 16, 17]


# --- jumps take effect on the next bundle -----------------------------------------------

def test_the_jump_bundle_runs_whole_and_there_is_no_delay_slot() -> None:
    sim = simulate([{"flow": [("jump", 3)], "load": [("const", 1, 11)]},
                    {"load": [("const", 2, 22)]},
                    {"load": [("const", 3, 33)]},
                    {"load": [("const", 4, 44)]}])
    assert sim.cores[0].scratch[1:5] == [11, 0, 0, 44]
    assert sim.cycle == 2


def test_a_jump_reads_its_condition_before_the_bundle_writes_it() -> None:
    sim = simulate([{"flow": [("cond_jump", 1, 2)], "load": [("const", 1, 1)]},
                    {"load": [("const", 2, 1)]},
                    {"flow": [("cond_jump", 1, 4)], "load": [("const", 3, 1)]},
                    {"load": [("const", 4, 1)]}])
    # the first jump saw s[1] = 0 and fell through; the second saw 1 and skipped bundle 3.
    assert sim.cores[0].scratch[1:5] == [1, 1, 1, 0]


# --- cycle counting ---------------------------------------------------------------------

COUNTS: list[tuple[str, list[dict[str, Any]], int]] = [
    ("a debug-only bundle is free", [{"debug": [("comment", "x")]}], 0),
    ("an empty bundle is free", [{}], 0),
    ("an engine with no slots costs one", [{"alu": []}], 1),
    ("an empty flow list costs one", [{"debug": [("comment", "x")], "flow": []}], 1),
    ("one slot costs one", [{"alu": [("+", 1, 1, 1)]}], 1),
    ("a full bundle costs one",
     [{"alu": [("+", i, i, i) for i in range(12)], "valu": [("+", 16, 16, 16)] * 6,
       "load": [("const", 1, 1)] * 2, "store": [("store", 0, 0)] * 2, "flow": [("halt",)]}], 1),
    ("pause costs its cycle", [{"flow": [("pause",)]}], 1),
    ("halt costs its cycle and ends the run",
     [{"flow": [("halt",)]}, {"alu": [("+", 1, 1, 1)]}], 1),
    ("a mix", [{}, {"debug": []}, {"load": []}, {"debug": [("comment", "y")]}, {"store": []}], 2),
    ("jumping over the end is free", [{"flow": [("jump", 99)]}, {"alu": []}], 1),
]


@pytest.mark.parametrize(("bundles", "cycles"), [c[1:] for c in COUNTS],
                         ids=[c[0] for c in COUNTS])
def test_cycle_count(bundles: list[dict[str, Any]], cycles: int) -> None:
    result = run(bundles)
    assert result.ok and result.cycles == cycles


def test_an_empty_program_takes_no_cycles() -> None:
    result = run([], memory=[5])
    assert result.ok and result.cycles == 0 and result.memory == [5]


# --- several cores ----------------------------------------------------------------------

def test_memory_writes_apply_in_core_order_and_loads_see_the_old_word() -> None:
    # every core, in lockstep: m[0] = coreid + 10, and s[2] = m[0] read in the same cycle.
    bundles = [{"flow": [("coreid", 1)]},
               {"load": [("const", 3, 10)]},
               {"alu": [("+", 1, 1, 3)]},
               {"store": [("store", 0, 1)], "load": [("load", 2, 0)]},
               {"alu": [("+", 4, 0, 0)]},
               {"load": [("load", 5, 0)]}]
    sim = simulate(bundles, memory=[7], config=MachineConfig(n_cores=3))
    assert sim.fault is None and sim.cycle == 6
    assert sim.memory == [12]
    assert [core.scratch[2] for core in sim.cores] == [7, 7, 7]
    assert [core.scratch[5] for core in sim.cores] == [12, 12, 12]


def test_each_core_has_its_own_scratch_and_pc() -> None:
    # core 1 takes a detour through bundle 3; cycles count while any core runs.
    bundles = [{"flow": [("coreid", 1)]},
               {"alu": [("+", 2, 2, 1)], "flow": [("cond_jump", 1, 3)]},
               {"flow": [("halt",)]},
               {"load": [("const", 1, 0)], "flow": [("jump", 1)]}]
    sim = simulate(bundles, memory=[0], config=MachineConfig(n_cores=2))
    assert sim.fault is None
    assert [core.scratch[2] for core in sim.cores] == [0, 1]
    assert sim.cycle == 5  # core 0: bundles 0,1,2; core 1: 0,1,3,1,2


def test_a_debug_bundle_on_one_core_and_a_counted_one_on_another_cost_one_cycle() -> None:
    bundles = [{"flow": [("coreid", 1)]},
               {"flow": [("cond_jump", 1, 3)]},
               {"debug": [("comment", "core 0 only")]},
               {"alu": [("+", 2, 2, 2)]}]
    # core 0: 0, 1, 2 (free), 3 -> 3 counted; core 1: 0, 1, 3 -> 3 counted, in lockstep
    # except that core 0's free bundle 2 shares a step with core 1's bundle 3.
    result = run(bundles, memory=[0], config=MachineConfig(n_cores=2))
    assert result.ok and result.cycles == 4


# --- the cycle limit ----------------------------------------------------------------------

def test_a_program_may_use_exactly_the_cycle_limit() -> None:
    result = run([{"alu": []}] * 5, config=MachineConfig(max_cycles=5))
    assert result.ok and result.cycles == 5


def test_an_infinite_loop_stops_at_the_cycle_limit() -> None:
    bundles = [*consts((1, 1)), {"store": [("store", 2, 1)], "alu": [("+", 2, 2, 1)]},
               {"flow": [("jump", 1)]}]
    result = run(bundles, memory=[0] * 8, config=MachineConfig(max_cycles=6))
    assert result.fault is not None
    assert (result.fault.cycle, result.fault.core, result.fault.pc) == (6, 0, 2)
    assert result.fault.engine is None and result.fault.slot is None
    assert "cycle limit" in result.fault.reason
    assert result.cycles == 6
    assert result.memory == [1, 1, 1, 0, 0, 0, 0, 0]


def test_free_bundles_do_not_count_toward_the_limit() -> None:
    bundles = [{"debug": [("comment", "free")]}] * 10 + [{"alu": []}] * 3
    assert run(bundles, config=MachineConfig(max_cycles=3)).ok
