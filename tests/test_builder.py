"""The builder: named scratch, constants, labels, slots by mnemonic, and packing that
keeps a program's meaning while never using more cycles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machine.builder import Builder, BuildError
from machine.config import TAKEHOME, MachineConfig
from machine.isa import OPS, Engine
from machine.loader import load_program
from machine.program import Program, Symbol, validate
from machine.simulator import Simulator, run_program

# --- packing keeps the meaning: random straight-line programs ----------------------------

DATA = range(0, 24)
"""Scalars the random slots read and write."""
VECTORS = (24, 32, 40)
POINTERS = range(48, 52)
"""Read-only words holding small memory addresses (and nonzero divisors)."""
POINTER_VALUES = (1, 5, 9, 13)
MEMORY = [100 + 7 * i for i in range(32)]

data, vec, ptr = st.sampled_from(DATA), st.sampled_from(VECTORS), st.sampled_from(POINTERS)
word = st.integers(0, 2**32 - 1) | st.sampled_from([0, 1, 2, 31, 32, 2**32 - 1])
ALU = ("add", "sub", "mul", "xor", "and", "or", "shl", "shr", "lt", "eq")
DIVIDE = ("div", "cdiv", "mod")

Emit = tuple[Any, ...]


@st.composite
def load_offset(draw: st.DrawFn) -> Emit:
    k = draw(st.integers(0, 3))
    d = draw(st.integers(k, DATA.stop - 1)) - k
    a = draw(ptr) - k
    return ("load_offset", d, a, k)


SLOTS = st.one_of(
    st.tuples(st.sampled_from(ALU), data, data | ptr, data | ptr),
    st.tuples(st.sampled_from(DIVIDE), data, data, ptr),
    st.tuples(st.sampled_from(["v" + op for op in ALU]), vec, vec, vec),
    st.tuples(st.just("vbroadcast"), vec, data),
    st.tuples(st.just("multiply_add"), vec, vec, vec, vec),
    st.tuples(st.just("const"), data, word),
    st.tuples(st.just("load"), data, ptr),
    load_offset(),
    st.tuples(st.just("vload"), vec, ptr),
    st.tuples(st.just("store"), ptr, data),
    st.tuples(st.just("vstore"), ptr, vec),
    st.tuples(st.just("select"), data, data, data, data),
    st.tuples(st.just("vselect"), vec, vec, vec, vec),
    st.tuples(st.just("add_imm"), data, data, st.integers(-5, 5)),
    st.tuples(st.just("trace_write"), data),
    st.tuples(st.just("coreid"), data),
    st.tuples(st.just("pause")),
    st.tuples(st.just("compare"), data, st.just([0, "x"])),
)

PIECES = st.lists(
    st.one_of(
        SLOTS, SLOTS, SLOTS, SLOTS,
        st.tuples(st.just("skip"), data, st.lists(SLOTS, max_size=6)),
        st.tuples(st.just("note"), st.just("a note")),
        st.tuples(st.just("label")),
    ),
    max_size=40,
)
"""Slots, plus forward `cond_jump`s over a few slots, notes and unused labels."""

CONFIGS = st.builds(
    lambda alu, valu, load, store, flow: MachineConfig(
        slot_limits={"alu": alu, "valu": valu, "load": load, "store": store, "flow": flow}),
    st.integers(1, 12), st.integers(1, 6), st.integers(1, 2), st.integers(1, 2), st.integers(1, 2),
)


def _build(pieces: list[Emit], config: MachineConfig) -> Builder:
    b = Builder(config)
    for address, value in zip(POINTERS, POINTER_VALUES, strict=True):
        b.const(address, value)
    labels = 0
    for piece in pieces:
        if piece[0] == "skip":
            labels += 1
            b.cond_jump(piece[1], f"skip{labels}")
            for inner in piece[2]:
                b.emit(*inner)
            b.label(f"skip{labels}")
        elif piece[0] == "note":
            b.note(piece[1])
        elif piece[0] == "label":
            labels += 1
            b.label(f"unused{labels}")
        else:
            b.emit(*piece)
    return b


def _final_state(program: Program, config: MachineConfig) -> tuple[Any, ...]:
    sim = Simulator(program, MEMORY, config)
    result = sim.run()
    assert result.ok
    return result.memory, sim.cores[0].scratch, result.traces, result.cycles


@settings(max_examples=150, deadline=None)
@given(pieces=PIECES, config=CONFIGS | st.just(TAKEHOME))
def test_packing_keeps_the_meaning_and_never_costs_cycles(pieces: list[Emit],
                                                          config: MachineConfig) -> None:
    builder = _build(pieces, config)
    unpacked, packed = builder.program(pack=False), builder.program()
    assert validate(packed, config) == [] and validate(unpacked, config) == []
    assert all(len(bundle.slots) == 1 for bundle in unpacked.bundles)
    assert sorted(s.name for _, _, s in packed.slots()) == \
        sorted(s.name for _, _, s in unpacked.slots())
    memory, scratch, traces, cycles = _final_state(unpacked, config)
    packed_memory, packed_scratch, packed_traces, packed_cycles = _final_state(packed, config)
    assert (packed_memory, packed_scratch, packed_traces) == (memory, scratch, traces)
    assert packed_cycles <= cycles
    assert len(packed) <= len(unpacked)


# --- the scheduler's rules, one by one ---------------------------------------------------

def _bundles(program: Program) -> list[list[str]]:
    return [[f"{s.name} {' '.join(map(str, s.args))}".strip() for s in bundle.slots]
            for bundle in program.bundles]


def test_independent_slots_share_a_bundle_up_to_the_limits() -> None:
    b = Builder(MachineConfig(slot_limits={"alu": 2, "load": 1}))
    for d in range(5):
        b.add(d, 10, 11)
    b.const(20, 1)
    b.const(21, 2)
    assert _bundles(b.program()) == [["+ 0 10 11", "+ 1 10 11", "const 20 1"],
                                     ["+ 2 10 11", "+ 3 10 11", "const 21 2"], ["+ 4 10 11"]]


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        # read after write: the reader waits a bundle
        ([("add", 1, 2, 3), ("add", 4, 1, 1)], [["+ 1 2 3"], ["+ 4 1 1"]]),
        # write after read: same bundle is fine, the reader sees the old word
        ([("add", 1, 2, 3), ("const", 2, 7)], [["+ 1 2 3", "const 2 7"]]),
        # write after write: the later write must land later
        ([("const", 1, 5), ("add", 1, 2, 3)], [["const 1 5"], ["+ 1 2 3"]]),
        # a vector write conflicts with a read of any lane
        ([("vbroadcast", 8, 1), ("add", 2, 15, 15)], [["vbroadcast 8 1"], ["+ 2 15 15"]]),
        # load_offset touches d+k and a+k only
        ([("load_offset", 4, 10, 2), ("add", 4, 12, 12), ("add", 0, 6, 6)],
         [["+ 4 12 12", "load_offset 4 10 2"], ["+ 0 6 6"]]),
        # memory as a whole: a load after a store waits; a store after a load may share
        ([("store", 1, 2), ("load", 3, 4)], [["store 1 2"], ["load 3 4"]]),
        ([("load", 3, 4), ("store", 1, 2)], [["load 3 4", "store 1 2"]]),
        ([("store", 1, 2), ("store", 3, 4)], [["store 1 2"], ["store 3 4"]]),
        # const reads no memory
        ([("store", 1, 2), ("const", 3, 4)], [["const 3 4", "store 1 2"]]),
    ],
)
def test_dependencies(slots: list[Emit], expected: list[list[str]]) -> None:
    b = Builder()
    for slot in slots:
        b.emit(*slot)
    assert sorted(map(sorted, _bundles(b.program()))) == sorted(map(sorted, expected))
    assert [sorted(x) for x in _bundles(b.program())] == [sorted(x) for x in expected]


def test_trace_writes_keep_their_order() -> None:
    b = Builder(MachineConfig(slot_limits={"flow": 2, "alu": 1}))
    b.add(1, 1, 1)
    b.trace_write(1)
    b.trace_write(2)
    program = b.program()
    assert _bundles(program) == [["+ 1 1 1"], ["trace_write 1"], ["trace_write 2"]]


@pytest.mark.parametrize("boundary", [
    lambda b: b.label("here"),
    lambda b: b.halt(),
    lambda b: b.pause(),
    lambda b: b.jump(3),
    lambda b: b.cond_jump(9, "end"),
    lambda b: b.jump_indirect(9),
    lambda b: b.compare(5, [0, "x"]),
])
def test_nothing_moves_across_labels_jumps_halt_pause_or_debug_slots(
        boundary: Callable[[Builder], None]) -> None:
    b = Builder()
    b.add(1, 2, 3)
    boundary(b)
    b.add(4, 5, 6)  # independent: it would pack with the first add if it could move
    b.label("end")
    program = b.program()
    first = next(i for i, bundle in enumerate(program.bundles)
                 if any(s.args == (1, 2, 3) for s in bundle.slots))
    second = next(i for i, bundle in enumerate(program.bundles)
                  if any(s.args == (4, 5, 6) for s in bundle.slots))
    assert second > first


def test_a_jump_joins_the_last_bundle_of_its_stretch() -> None:
    b = Builder()
    b.add(1, 2, 3)
    b.add(4, 5, 6)
    b.jump("top")
    b.label("top")
    assert _bundles(b.program()) == [["+ 1 2 3", "+ 4 5 6", "jump 1"]]


def test_a_jump_waits_for_its_condition() -> None:
    b = Builder()
    b.label("top")
    b.lt(1, 2, 3)
    b.cond_jump(1, "top")
    assert _bundles(b.program()) == [["< 1 2 3"], ["cond_jump 1 0"]]


def test_a_debug_slot_sees_the_state_between_its_neighbours() -> None:
    b = Builder()
    b.const(1, 5)
    b.compare(1, [0, "x"])
    b.const(2, 6)
    assert _bundles(b.program()) == [["const 1 5"], ["const 2 6", "compare 1 [0, 'x']"]]
    assert b.program().bundles[1].engines == (Engine.LOAD, Engine.DEBUG)


def test_explicit_bundles_are_kept_as_written() -> None:
    b = Builder()
    x, y = b.scalar("x"), b.scalar("y")
    b.const(x, 1)
    b.const(y, 2)
    with b.bundle(comment="swap"):
        b.add(x, y, 10)
        b.add(y, x, 10)
    program = b.program()
    assert _bundles(program) == [["const 0 1", "const 1 2"], ["+ 0 1 10", "+ 1 0 10"]]
    assert program.bundles[1].comment == "swap"
    sim = Simulator(program, [0])
    sim.run()
    assert sim.cores[0].scratch[:2] == [2, 1]


def test_unpacked_is_one_slot_per_bundle_in_order() -> None:
    b = Builder()
    b.const(1, 5)
    b.comment("hello")
    b.add(2, 1, 1)
    assert _bundles(b.program(pack=False)) == [["const 1 5"], ["comment hello"], ["+ 2 1 1"]]


# --- names, constants, labels ------------------------------------------------------------

def test_scratch_is_allocated_in_order_and_named() -> None:
    b = Builder()
    assert (b.scalar("i"), b.vector("v"), b.array("table", 3), b.scalar("j")) == (0, 1, 9, 12)
    assert b.scratch_used == 13
    b.add(0, 0, 12)
    assert b.program().symbols == (
        Symbol("i", 0), Symbol("v", 1, 8, "vector"), Symbol("table", 9, 3, "array"),
        Symbol("j", 12))


def test_constants_are_loaded_once_per_word() -> None:
    b = Builder()
    one, minus_one = b.constant(1), b.constant(-1)
    assert b.constant(1) == one and b.constant(2**32 - 1) == minus_one
    assert b.constant(2**32 + 1) == one
    hashed = b.constant(0x7ED55D16)
    vector = b.vector_constant(1)
    assert b.vector_constant(1) == vector
    program = b.program(pack=False)
    assert _bundles(program) == [["const 0 1"], ["const 1 4294967295"], [f"const 2 {0x7ED55D16}"],
                                 ["vbroadcast 3 0"]]
    assert [s.name for s in program.symbols] == ["c1", "c0xffffffff", "c0x7ed55d16", "vc1"]
    assert hashed == 2


def test_labels_resolve_after_packing() -> None:
    b = Builder()
    b.const(1, 3)
    b.const(2, "end")  # a label's index, for jump_indirect
    b.label("top")
    b.add(1, 1, 3)  # s3 = 0: keep s1 unchanged... and count in s4
    b.add_imm(4, 4, 1)
    b.sub(5, 1, 4)
    b.cond_jump_rel(5, "top")
    b.jump_indirect(2)
    b.label("end")
    program = b.program()
    assert dict(program.labels) == {"top": 1, "end": 5}
    sim = Simulator(program, [0])
    result = sim.run()
    assert result.ok and sim.cores[0].scratch[2] == 5 and sim.cores[0].scratch[4] == 3
    rel = next(s for _, _, s in program.slots() if s.name == "cond_jump_rel")
    rel_pc = next(pc for pc, _, s in program.slots() if s.name == "cond_jump_rel")
    assert rel.args == (5, 1 - (rel_pc + 1))


def test_notes_stand_before_the_bundle_of_the_next_slot() -> None:
    b = Builder()
    b.const(1, 1)
    b.note("second constant")
    b.const(2, 2)
    b.note("depends on both")
    b.add(3, 1, 2)
    b.note("at the end")
    program = b.program()
    assert [(a.index, a.text) for a in program.annotations] == [
        (0, "second constant"), (1, "depends on both"), (2, "at the end")]


def test_every_operation_has_a_method_named_by_its_mnemonic() -> None:
    for spec in OPS:
        name = spec.mnemonic + ("_" if spec.mnemonic in ("and", "or") else "")
        method = getattr(Builder, name)
        assert spec.meaning in method.__doc__
    b = Builder()
    b.and_(1, 2, 3)
    b.or_(1, 2, 3)
    b.vor(8, 16, 24)
    assert [s.name for _, _, s in b.program(pack=False).slots()] == ["&", "|", "|"]


# --- errors name what is wrong -----------------------------------------------------------

ERRORS: list[tuple[str, Callable[[Builder], Any], str]] = [
    ("unknown mnemonic", lambda b: b.emit("ad", 1, 2, 3), "unknown operation 'ad'; did you mean"),
    ("operand count", lambda b: b.add(1, 2), "add takes 3 operands"),
    ("label for scratch", lambda b: b.add("x", 2, 3), "'x' is a label name"),
    ("label for add_imm", lambda b: b.add_imm(1, 2, "x"), "'x' is a label name"),
    ("scratch range", lambda b: b.vadd(1530, 0, 0), "scratch address 1536"),
    ("negative target", lambda b: b.jump(-1), "jump target -1"),
    ("duplicate name", lambda b: (b.scalar("x"), b.vector("x")), "'x' is already taken"),
    ("bad name", lambda b: b.scalar("my var"), "is not a name"),
    ("duplicate label", lambda b: (b.label("a"), b.label("a")), "'a' is already placed"),
    ("full scratch", lambda b: b.array("big", 1537), "no room for 'big'"),
    ("empty array", lambda b: b.array("none", 0), "at least 1"),
    ("undefined label", lambda b: (b.jump("nowhere"), b.program()), "never placed: nowhere"),
    ("label inside a bundle", lambda b: _in_bundle(b, lambda: b.label("x")),
     "cannot be placed inside"),
    ("new constant inside a bundle", lambda b: _in_bundle(b, lambda: b.constant(3)),
     "ask for it before the bundle"),
    ("too many slots in a bundle", lambda b: _in_bundle(b, lambda: (b.halt(), b.pause())),
     "2 flow slots in one bundle"),
    ("two-line note", lambda b: b.note("a\nb"), "one line"),
]


def _in_bundle(b: Builder, body: Callable[[], Any]) -> None:
    with b.bundle():
        body()


@pytest.mark.parametrize(("action", "message"), [e[1:] for e in ERRORS],
                         ids=[e[0] for e in ERRORS])
def test_errors(action: Callable[[Builder], Any], message: str) -> None:
    with pytest.raises(BuildError, match=message.replace("(", r"\(").replace("[", r"\[")):
        action(Builder())


def test_a_constrained_machine_refuses_at_the_line_that_emits() -> None:
    b = Builder(MachineConfig(allowed_ops=frozenset({"add", "const"}),
                              slot_limits={"alu": 1, "load": 1, "valu": 0}))
    b.add(1, 2, 3)
    with pytest.raises(BuildError, match="'mul' is not allowed"):
        b.mul(1, 2, 3)
    with pytest.raises(BuildError, match="no valu slots"):
        Builder(MachineConfig(slot_limits={"valu": 0})).vadd(0, 8, 16)


# --- saving, and the documented example ---------------------------------------------------

def _sum_to_ten() -> Builder:
    b = Builder()
    total, i = b.scalar("total"), b.scalar("i")
    one = b.constant(1)
    b.const(i, 10)
    b.label("loop")
    b.add(total, total, i)
    b.sub(i, i, one)
    b.cond_jump(i, "loop")
    b.store(b.constant(0), total)
    b.halt()
    return b


@pytest.mark.parametrize("suffix", [".vasm", ".json"])
def test_saved_programs_load_back_and_run(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"sum{suffix}"
    saved = _sum_to_ten().save(path, header={"name": "sum"} if suffix == ".vasm" else None)
    loaded = load_program(path)
    assert loaded.bundles == saved.bundles
    if suffix == ".vasm":
        assert (loaded.symbols, loaded.labels, loaded.header) == (saved.symbols, saved.labels,
                                                                  saved.header)
    result = run_program(loaded, [0])
    assert result.ok and result.memory == [55] and result.cycles == 1 + 10 * 2 + 2


def test_the_example_packs_into_fewer_cycles() -> None:
    b = _sum_to_ten()
    unpacked, packed = (run_program(b.program(pack=p), [0]) for p in (False, True))
    assert unpacked.memory == packed.memory == [55]
    assert (unpacked.cycles, packed.cycles) == (2 + 10 * 3 + 3, 1 + 10 * 2 + 2)
