"""The engine against the reference simulator: identical results, always.

`machine.engine.run_many(program, memories, config)` must equal
`[run_program(program, memory, config) for memory in memories]` field for field:
final memory, cycle count, fault (cycle, core, pc, engine, slot, reason), traces.
Random programs (hypothesis) cover every operation, jumps that split seeds,
faults in some seeds only, and cycle limits; targeted cases pin the rules that an
in-place engine could get wrong.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from enum import IntEnum
from random import Random
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simulator_kit import program_of

import machine.engine
from machine.config import TAKEHOME, MachineConfig
from machine.engine import compile as compiling
from machine.engine import run_many
from machine.engine.compile import shape_of
from machine.engine.run import Referee
from machine.engine.steps import BundleFault
from machine.isa import OPS, Engine, Kind, OpSpec
from machine.program import Bundle, Program, ProgramError, Slot, validate
from machine.simulator import run_program

LIMITS = {Engine.ALU: 3, Engine.VALU: 2, Engine.LOAD: 2, Engine.STORE: 2, Engine.FLOW: 2}
BY_ENGINE = {engine: [op for op in OPS if op.engine is engine] for engine in Engine}


def reference(program: Program, memories: list[list[int]],
              config: MachineConfig) -> list[Any]:
    return [run_program(program, memory, config) for memory in memories]


def assert_same(program: Program, memories: list[list[int]],
                config: MachineConfig = TAKEHOME) -> list[Any]:
    """The engine's results are the reference's, for images given as lists of ints and as
    uint32 arrays (as scoring gives them: the results' memories are then arrays too)."""
    expected = reference(program, memories, config)
    assert run_many(program, memories, config) == expected
    arrays = run_many(program, [np.array(memory, dtype=np.uint32) for memory in memories],
                      config)
    assert all(isinstance(result.memory, np.ndarray) and result.memory.dtype == np.uint32
               for result in arrays)
    assert [replace(result, memory=result.memory.tolist()) for result in arrays] == expected
    return expected


# --- random programs ---------------------------------------------------------------------
# Each case is built from a seed hypothesis draws: thousands of cases cost seconds (nested
# strategies cost a hundred times more to draw). A failure reports its seed; the case is
# `random_case(Random(seed))`.

Case = tuple[Program, list[list[int]], MachineConfig]


def random_machine(rng: Random) -> MachineConfig:
    vlen = rng.choice([1, 2, 4, 8])
    return MachineConfig(slot_limits={**LIMITS, Engine.FLOW: rng.choice([1, 1, 2])},
                         vlen=vlen, scratch_size=rng.randint(2 * vlen + 2, 40),
                         max_cycles=rng.randint(1, 150))


def word(rng: Random, memory_size: int) -> int:
    """Mostly small words, so that they work as addresses, with the edges of a word."""
    roll = rng.random()
    if roll < 0.6:
        return rng.randint(0, memory_size + 3)
    if roll < 0.8:
        return rng.choice([0, 1, 2, 31, 32, 2**31, 2**32 - 1])
    return rng.randint(0, 2**32 - 1)


def slot(rng: Random, spec: OpSpec, config: MachineConfig, length: int,
         memory_size: int) -> Slot:
    scratch, vlen = config.scratch_size, config.vlen
    args: list[Any] = []
    for kind in spec.operands:
        if kind in (Kind.SCALAR_IN, Kind.SCALAR_OUT):
            top = scratch - 1 if rng.random() < 0.3 else min(scratch - 1, 2 * vlen + 3)
            args.append(rng.randint(0, top))
        elif kind.is_vector:
            args.append(rng.randint(0, scratch - vlen))
        elif kind is Kind.TARGET:
            args.append(rng.randint(0, length + 2))
        elif kind is Kind.ANY:
            args.append(rng.choice(["x", [1, 2], 7]))
        elif spec.name == "load_offset":
            d, a = args
            args.append(rng.randint(-min(d, a), scratch - 1 - max(d, a)))
        elif spec.name == "cond_jump_rel":
            args.append(rng.randint(-length - 3, length + 3))
        elif spec.name == "add_imm":
            args.append(rng.choice([rng.randint(-4, 4), rng.randint(-2**40, 2**40)]))
        else:  # const
            args.append(word(rng, memory_size) if rng.random() < 0.9 else rng.randint(-9, -1))
    return Slot(spec.engine, spec.name, tuple(args))


def operation(rng: Random, engine: Engine) -> OpSpec:
    """Any operation of the engine; divisions less often (a zero divisor ends most runs)."""
    spec = rng.choice(BY_ENGINE[engine])
    if spec.name in ("//", "%", "cdiv") and rng.random() < 0.7:
        spec = rng.choice(BY_ENGINE[engine])
    return spec


def bundle(rng: Random, config: MachineConfig, length: int, memory_size: int) -> Bundle:
    engines = [*LIMITS, Engine.DEBUG]
    rng.shuffle(engines)
    groups = []
    for engine in engines:
        limit = config.slot_limit(engine)
        count = rng.randint(0, 2 if limit is None else limit)
        if count == 0 and rng.random() > 0.08:
            continue  # now and then an engine is present with no slots (it costs a cycle)
        groups.append((engine, tuple(slot(rng, operation(rng, engine), config, length,
                                          memory_size) for _ in range(count))))
    return Bundle(tuple(groups))


def images(rng: Random, memory_size: int, low: int, high: int) -> list[list[int]]:
    sizes = [memory_size if rng.random() < 0.8 else rng.randint(0, 16)
             for _ in range(rng.randint(low, high))]
    return [[word(rng, size) for _ in range(size)] for size in sizes]


def random_case(rng: Random) -> Case:
    config = random_machine(rng)
    memory_size = rng.randint(0, 16)
    length = rng.randint(1, 10)
    program = Program(tuple(bundle(rng, config, length, memory_size) for _ in range(length)))
    assert validate(program, config) == []
    return program, images(rng, memory_size, 1, 5), config


def loop_case(rng: Random) -> Case:
    """A loop whose trip count each seed reads from its memory, around random bundles,
    with a data-dependent early exit: seeds leave the loop, branch and fault at
    different cycles, so batches split."""
    config = random_machine(rng)
    memory_size = rng.randint(2, 12)
    body = rng.randint(1, 6)
    head = program_of({"load": [("const", 0, 0), ("const", 1, 1)]},
                      {"load": [("load", 2, 0), ("load", 3, 1)]})
    start = len(head.bundles)
    middle = tuple(bundle(rng, config, start + body + 2, memory_size) for _ in range(body))
    back = program_of({"flow": [("cond_jump", 3, start + body + 2)]},
                      {"alu": [("-", 2, 2, 1)], "flow": [("cond_jump", 2, start)]})
    program = Program(head.bundles + middle + back.bundles)
    assert validate(program, config) == []
    memories = images(rng, memory_size, 2, 6)
    for memory in memories:  # short trip counts, and an early exit now and then
        if len(memory) >= 2:
            memory[0] = rng.randint(0, 6) if rng.random() < 0.8 else memory[0]
            memory[1] = int(rng.random() < 0.2)
    return program, memories, config


def strip_case(rng: Random) -> Case:
    """Bundles of runs of one operation whose operands advance together (lanes written one
    alu slot at a time, adjacent vectors: the engine runs such a run as one call), with
    runs overlapping themselves and each other, then every scratch word stored."""
    vlen = rng.choice([1, 2, 4, 8])
    config = MachineConfig(slot_limits={**LIMITS, Engine.ALU: 12, Engine.VALU: 6},
                           vlen=vlen, scratch_size=48)
    top = 24 - vlen
    bundles = [Bundle.of(*(Slot(Engine.LOAD, "load", (i, i)) for i in pair))
               for pair in zip(range(0, 24, 2), range(1, 24, 2), strict=True)]
    for _ in range(rng.randint(1, 4)):
        slots: list[Slot] = []
        for engine, limit, width in ((Engine.ALU, 12, 1), (Engine.VALU, 6, vlen)):
            count = 0
            while count < limit:
                name = rng.choice(["+", "^", "<<", "*", "-"])
                d, a, b = (rng.randint(0, top - 2 * width) for _ in range(3))
                # Now and then a source stays put (the run is then no strip).
                a_step, b_step = (0 if rng.random() < 0.2 else width for _ in range(2))
                run = min(rng.randint(1, 3), limit - count)
                slots += [Slot(engine, name, (d + i * width, a + i * a_step, b + i * b_step))
                          for i in range(run)]
                count += run
        bundles.append(Bundle.of(*slots))
    bundles += [Bundle.of(Slot(Engine.LOAD, "const", (40, i)),
                          Slot(Engine.LOAD, "const", (41, i + 1))) for i in range(0, 24, 2)]
    bundles = [*bundles[:-12], *(b for i, c in enumerate(bundles[-12:]) for b in (
        c, Bundle.of(Slot(Engine.STORE, "store", (40, 2 * i)),
                     Slot(Engine.STORE, "store", (41, 2 * i + 1)))))]
    program = Program(tuple(bundles))
    assert validate(program, config) == []
    memories = [[rng.randint(0, 2**32 - 1) for _ in range(24)] for _ in range(3)]
    return program, memories, config


@pytest.fixture
def no_doubts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine must never need its safety net: a fault it suspects in a bundle is a
    fault of some seed there (were it not, results would stay exact, slowly)."""
    def doubt(*args: object) -> None:
        raise AssertionError("the engine saw a fault the reference does not")

    monkeypatch.setattr(Referee, "finish", doubt)


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**64).map(lambda seed: random_case(Random(seed))))
@pytest.mark.usefixtures("no_doubts")
def test_random_programs_run_exactly_as_on_the_reference(case: Case) -> None:
    program, memories, config = case
    assert_same(program, memories, config)


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**64).map(lambda seed: loop_case(Random(seed))))
@pytest.mark.usefixtures("no_doubts")
def test_loops_with_data_dependent_exits_run_exactly_as_on_the_reference(case: Case) -> None:
    program, memories, config = case
    assert_same(program, memories, config)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**64).map(lambda seed: strip_case(Random(seed))))
@pytest.mark.usefixtures("no_doubts")
def test_runs_of_one_operation_over_adjacent_words_run_exactly_as_on_the_reference(
        case: Case) -> None:
    program, memories, config = case
    assert_same(program, memories, config)


# --- the rules an in-place engine could break ---------------------------------------------


def consts(*pairs: tuple[int, int]) -> list[dict[str, Any]]:
    return [{"load": [("const", address, value)]} for address, value in pairs]


def test_a_bundle_swaps_two_words_and_two_vectors() -> None:
    # Words 0 and 24..31 stay 0: x + 0 copies x.
    program = program_of(*consts((1, 10), (2, 20), (3, 1), *((8 + i, i) for i in range(16))),
                         {"alu": [("+", 1, 2, 0), ("+", 2, 1, 0)],
                          "valu": [("+", 8, 16, 24), ("+", 16, 8, 24)]},
                         {"store": [("store", 0, 1), ("vstore", 3, 8)]})
    results = assert_same(program, [[0] * 9])
    assert results[0].memory == [20, 8, 9, 10, 11, 12, 13, 14, 15]


def test_later_slots_win_and_stores_store_values_from_before_the_bundle() -> None:
    program = program_of(*consts((1, 3), (2, 4)),
                         {"store": [("store", 0, 1)], "alu": [("+", 1, 1, 2)],
                          "load": [("const", 1, 7), ("load", 3, 0)]},
                         {"store": [("store", 2, 1), ("store", 2, 3)]})
    results = assert_same(program, [[5, 6, 7, 8, 9]])
    assert results[0].memory == [3, 6, 7, 8, 5]


def test_a_full_bundle_whose_every_read_was_written_before_it() -> None:
    # Six multiply_adds, each but the first reading three times the vector the one
    # before it writes: the most shadow copies a bundle of the default machine needs.
    chain = [("multiply_add", 8 * (i + 1), 8 * i, 8 * i, 8 * i) for i in range(6)]
    program = program_of(*consts(*((i, i % 7 + 1) for i in range(56)),
                                 *((100 + i, 8 * i) for i in range(7))),
                         {"valu": chain},
                         *({"store": [("vstore", 100 + i, 8 * i)]} for i in range(7)))
    assert_same(program, [list(range(56))])


def test_a_vector_op_overlapping_itself_and_a_broadcast_into_its_source() -> None:
    program = program_of(*consts(*((4 + i, i + 1) for i in range(9))),
                         {"valu": [("+", 5, 4, 0), ("vbroadcast", 12, 13)]},
                         {"valu": [("multiply_add", 4, 5, 6, 4)]},
                         {"store": [("vstore", 0, 4), ("vstore", 3, 12)]})
    assert_same(program, [list(range(24))])


def test_load_offset_runs_gather_lanes_and_a_vload_reads_before_stores() -> None:
    program = program_of(*consts(*((8 + i, 3 * i) for i in range(8))),
                         *[{"load": [("load_offset", 16, 8, k), ("load_offset", 16, 8, k + 1)]}
                           for k in range(0, 8, 2)],
                         {"load": [("vload", 24, 0)], "store": [("vstore", 0, 16)]},
                         {"store": [("vstore", 1, 24)]})
    assert_same(program, [list(range(100, 124)), list(range(300, 324))])


def test_a_load_lands_in_scratch_early_only_where_no_slot_of_its_bundle_can_tell() -> None:
    # The engine lets a bundle's last load write scratch at once when that changes
    # nothing: here each bundle gives it a reason not to, or a fault to leave alone.
    setup = consts((1, 1), (2, 2), (3, 30), (4, 40), (6, 99))
    cases = [
        {"alu": [("+", 5, 3, 0)], "load": [("load", 3, 1)]},  # another slot reads it
        {"load": [("const", 3, 9), ("load", 3, 1)]},  # an earlier slot wrote it
        {"load": [("load", 3, 1)], "alu": [("+", 3, 4, 0)]},  # a later slot wins
        {"load": [("load", 4, 1), ("load", 3, 6)]},  # the other load faults
        {"load": [("load", 4, 6), ("load", 3, 1)]},  # it waits for the fault before it
        {"load": [("load", 3, 6)], "alu": [("+", 4, 4, 1)]},  # it faults itself
    ]
    for bundle in cases:
        program = program_of(*setup, bundle, {"store": [("store", 0, 3), ("store", 2, 4)]},
                             {"store": [("store", 1, 5)]})
        assert_same(program, [[7, 8, 9], [17, 18, 19, 20]])


def test_seeds_split_at_a_data_dependent_jump_and_finish_at_their_own_cycles() -> None:
    program = program_of({"load": [("const", 0, 0), ("const", 1, 1)]},
                         {"load": [("load", 2, 0)]},
                         {"alu": [("-", 2, 2, 1)], "flow": [("trace_write", 2)]},
                         {"flow": [("cond_jump", 2, 2)]},
                         {"store": [("store", 0, 2)]})
    results = assert_same(program, [[3], [1], [7], [3]])
    assert [r.cycles for r in results] == [3 + 2 * n for n in (3, 1, 7, 3)]
    assert results[2].traces == ((7, 6, 5, 4, 3, 2, 1),)  # trace_write reads before the -


def test_one_seed_faults_while_the_others_run_on() -> None:
    program = program_of({"load": [("const", 0, 0)]},
                         {"load": [("load", 1, 0)]},
                         {"load": [("load", 2, 1)], "alu": [("+", 3, 1, 1)]},
                         {"alu": [("//", 4, 3, 2)]},
                         {"store": [("store", 0, 4)]})
    results = assert_same(program, [[1, 5, 0], [9, 0, 0], [2, 0, 0], [1, 4]])
    assert [r.fault is None for r in results] == [True, False, False, True]


def test_the_cycle_limit_strikes_inside_a_straight_block_and_in_a_loop() -> None:
    straight = program_of(*consts(*((i, i) for i in range(10))))
    loop = program_of({"load": [("const", 0, 1)]}, {"flow": [("jump", 1)]})
    for program in (straight, loop):
        for limit in (1, 5, 9, 10):
            assert_same(program, [[0], [1]], MachineConfig(max_cycles=limit))


def test_free_bundles_and_running_off_the_end_or_jumping_past_it() -> None:
    program = Program((Bundle(), Bundle(((Engine.DEBUG, (Slot(Engine.DEBUG, "comment",
                                                                ("x",)),)),)),
                       Bundle(((Engine.ALU, ()),)),
                       *program_of({"flow": [("jump", 99)]}).bundles))
    results = assert_same(program, [[]])
    assert results[0].cycles == 2
    assert assert_same(Program(()), [[1, 2]])[0].cycles == 0


def test_halt_pause_coreid_and_jump_indirect() -> None:
    program = program_of({"load": [("const", 0, 4), ("const", 1, 1)]},
                         {"flow": [("pause",)]},
                         {"flow": [("jump_indirect", 0)]},
                         {"flow": [("halt",)]},
                         {"flow": [("coreid", 1)]},
                         {"store": [("store", 1, 0)], "flow": [("halt",)]},
                         {"store": [("store", 1, 1)]})
    assert_same(program, [[7, 7], [0, 0, 0]])


def test_a_negative_relative_jump_faults_only_when_taken() -> None:
    program = program_of({"load": [("const", 0, 0)]},
                         {"load": [("load", 1, 0)]},
                         {"flow": [("cond_jump_rel", 1, -9)]})
    results = assert_same(program, [[0], [1]])
    assert results[0].fault is None and results[1].fault is not None


def test_one_bundle_object_at_two_pcs_jumps_relative_to_each() -> None:
    # The parser shares the Bundle of a repeated line; the engine shares the steps of a
    # bundle object, but not of one with a relative jump.
    skip = Bundle.of(Slot(Engine.FLOW, "cond_jump_rel", (1, 1)))
    start = program_of({"load": [("const", 0, 0)]}, {"load": [("load", 1, 0)]})
    end = program_of({"store": [("store", 0, 2), ("store", 1, 3)]})
    program = Program((*start.bundles, skip, *program_of({"load": [("const", 2, 5)]}).bundles,
                       skip, *program_of({"load": [("const", 3, 7)]}).bundles, *end.bundles))
    # Seeds that jump alike stay in one batch (one compiler) through both jumps.
    results = assert_same(program, [[1, 0, 0, 0], [2, 0, 0, 0]]) + assert_same(program, [[0] * 4])
    assert [result.cycles for result in results] == [5, 5, 7]


def test_several_cores_and_empty_input_lists() -> None:
    program = program_of({"flow": [("coreid", 0)]}, {"store": [("store", 0, 0)]})
    assert_same(program, [[5, 5], [6, 6, 6]], MachineConfig(n_cores=2))
    assert run_many(program, []) == []


def test_many_seeds_in_several_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(machine.engine, "BATCH_LIMIT", 3)
    program = program_of({"load": [("const", 0, 0)]}, {"load": [("load", 1, 0)]},
                         {"alu": [("*", 1, 1, 1)]}, {"store": [("store", 0, 1)]})
    assert_same(program, [[seed, seed + 1] for seed in range(10)])


def test_structural_errors_and_bad_memory_are_refused_as_the_reference_refuses_them() -> None:
    # The second and third slots equal the first (1 == True == 1.0) but are not valid:
    # validation remembers slots it has seen, and must not be fooled.
    for bad in (program_of({"alu": [("+", 1, 2, 5000)]}),
                program_of({"alu": [("+", 1, 2, 3)]}, {"alu": [("+", True, 2, 3)]}),
                program_of({"alu": [("+", 1, 2, 3)]}, {"alu": [("+", 1.0, 2, 3)]})):
        with pytest.raises(ProgramError) as engine_error:
            run_many(bad, [[0]])
        with pytest.raises(ProgramError) as reference_error:
            run_program(bad, [0])
        assert str(engine_error.value) == str(reference_error.value)
    good = program_of({"load": [("const", 0, 1)]})
    for memory in ([1, -1], [True], [2**32], [2**70], [1.0]):
        with pytest.raises(ValueError) as engine_error:
            run_many(good, [[0], memory])
        with pytest.raises(ValueError) as reference_error:
            run_program(good, memory)
        assert str(engine_error.value) == str(reference_error.value)


class Word(IntEnum):
    """An int subclass other than bool: the reference takes it for an int."""

    TOP = 2**32 - 1


def test_words_at_the_edges_int_subclasses_and_numpy_images_run_as_on_the_reference() -> None:
    """Images reach the batch's memory through a C array of 32-bit words: the largest
    word, an int subclass and an image given as a numpy array all arrive intact."""
    program = program_of({"load": [("const", 0, 0), ("const", 1, 1)]},
                         {"load": [("const", 2, 2), ("load", 3, 0)]}, {"load": [("load", 4, 1)]},
                         {"alu": [("+", 5, 3, 4)]},
                         {"store": [("store", 2, 5), ("store", 0, 4)]})
    assert_same(program, [[2**32 - 1, 1, 0], [Word.TOP, Word.TOP, 7], [0, 0, 0],
                          np.array([5, 2**32 - 2, 9], dtype=np.uint32)])  # type: ignore[list-item]


@pytest.mark.parametrize("memories", [
    [[5, 2**32], [1, -1, 3]],          # two bad images of different sizes (other batches)
    [[0, 0, 0], [1, -1, 3], [2**33]],  # the first bad one is not in the first batch
    [[0], [4, True], [-1]],            # a bad type after a good image, a bad range after it
])
def test_of_several_bad_images_the_first_is_named_as_the_reference_names_it(
        memories: list[list[Any]]) -> None:
    good = program_of({"load": [("const", 0, 1)]})
    with pytest.raises(ValueError) as engine_error:
        run_many(good, memories)
    first_error = None
    for memory in memories:
        try:
            run_program(good, memory)
        except ValueError as error:
            first_error = str(error)
            break
    assert str(engine_error.value) == first_error


def test_a_fault_the_reference_does_not_see_leaves_results_exact(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Make every divisor check cry wolf: the seeds finish on the reference, exactly.
    def wolf(words: object) -> None:
        raise BundleFault

    monkeypatch.setattr(compiling, "nonzero", wolf)
    program = program_of({"load": [("const", 0, 0), ("const", 1, 3)]},
                         {"load": [("load", 2, 0)]},
                         {"alu": [("//", 3, 2, 1)], "flow": [("trace_write", 3)]},
                         {"store": [("store", 0, 3)]})
    assert_same(program, [[9], [10], [11]])


def test_a_run_leaves_the_garbage_collector_as_it_found_it() -> None:
    program = program_of({"load": [("const", 0, 1)]})
    bad = program_of({"alu": [("+", 1, 2, 5000)]})
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            run_many(program, [[0]])
            with pytest.raises(ProgramError):
                run_many(bad, [[0]])
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_every_operation_of_the_op_table_has_a_batched_form() -> None:
    # The engine falls back to the reference for an operation it does not know; a new
    # operation in the op table must not slip into that slow path unnoticed.
    for spec in OPS:
        args = tuple(0 if kind is not Kind.ANY else "x" for kind in spec.operands)
        program = Program((Bundle.of(Slot(spec.engine, spec.name, args)),))
        shape_of(program, TAKEHOME.vlen)  # raises Unsupported for an unknown operation


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**64).map(lambda seed: random_case(Random(seed))),
       st.integers(0, 12))
def test_a_block_ends_after_its_first_control_bundle_and_counts_its_cycles(
        case: Case, start: int) -> None:
    # make_block finds both at C speed; held here against the plain walk it replaced.
    program, _, config = case
    shape = shape_of(program, config.vlen)
    start = min(start, len(program.bundles))
    block = compiling.make_block(shape, start)
    end = start
    while end < len(program.bundles):
        end += 1
        if shape.ends_block[end - 1]:
            break
    counted = [0]
    for costs in shape.counted[start:end]:
        counted.append(counted[-1] + int(costs))
    assert (block.start, block.end) == (start, end)
    assert block.counted_before == tuple(counted)
    assert all(type(count) is int for count in block.counted_before)
    assert block.has_control == (end > start and shape.ends_block[end - 1])
