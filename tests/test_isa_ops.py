"""The op table against docs/machine.md: every operation exists with its engine and
operand shape, and the alu semantics agree with an independent model of the spec."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from simulator_kit import ALU_OPS, M, spec_alu

from machine.isa import (
    BINARY_OPS,
    BY_ENGINE_NAME,
    BY_MNEMONIC,
    OPS,
    Control,
    Effect,
    Engine,
    Kind,
    OpSpec,
    SlotFault,
    lookup,
)
from machine.isa import VECTORS as ONLY_VECTORS
from machine.isa import WORDS as ONLY_WORDS

S_OUT, S_IN, V_OUT, V_IN = Kind.SCALAR_OUT, Kind.SCALAR_IN, Kind.VECTOR_OUT, Kind.VECTOR_IN
IMM, TARGET, ANY = Kind.IMMEDIATE, Kind.TARGET, Kind.ANY

SPEC_OPS: list[tuple[Engine, str, tuple[Kind, ...]]] = [
    *[(Engine.ALU, op, (S_OUT, S_IN, S_IN)) for op in ALU_OPS],
    *[(Engine.VALU, op, (V_OUT, V_IN, V_IN)) for op in ALU_OPS],
    (Engine.VALU, "vbroadcast", (V_OUT, S_IN)),
    (Engine.VALU, "multiply_add", (V_OUT, V_IN, V_IN, V_IN)),
    (Engine.LOAD, "load", (S_OUT, S_IN)),
    (Engine.LOAD, "load_offset", (S_OUT, S_IN, IMM)),
    (Engine.LOAD, "vload", (V_OUT, S_IN)),
    (Engine.LOAD, "const", (S_OUT, IMM)),
    (Engine.STORE, "store", (S_IN, S_IN)),
    (Engine.STORE, "vstore", (S_IN, V_IN)),
    (Engine.FLOW, "select", (S_OUT, S_IN, S_IN, S_IN)),
    (Engine.FLOW, "vselect", (V_OUT, V_IN, V_IN, V_IN)),
    (Engine.FLOW, "add_imm", (S_OUT, S_IN, IMM)),
    (Engine.FLOW, "halt", ()),
    (Engine.FLOW, "pause", ()),
    (Engine.FLOW, "trace_write", (S_IN,)),
    (Engine.FLOW, "cond_jump", (S_IN, TARGET)),
    (Engine.FLOW, "cond_jump_rel", (S_IN, IMM)),
    (Engine.FLOW, "jump", (TARGET,)),
    (Engine.FLOW, "jump_indirect", (S_IN,)),
    (Engine.FLOW, "coreid", (S_OUT,)),
    (Engine.DEBUG, "comment", (ANY,)),
    (Engine.DEBUG, "compare", (ANY, ANY)),
    (Engine.DEBUG, "vcompare", (ANY, ANY)),
]
"""Transcribed from docs/machine.md, "Operations"."""


@pytest.mark.parametrize(("engine", "name", "operands"), SPEC_OPS,
                         ids=[f"{e}:{n}" for e, n, _ in SPEC_OPS])
def test_every_spec_operation_is_in_the_table(engine: Engine, name: str,
                                              operands: tuple[Kind, ...]) -> None:
    spec = lookup(engine, name)
    assert spec is not None
    assert spec.engine is engine
    assert spec.operands == operands
    assert len(spec.operand_names) == spec.arity


def test_the_table_has_nothing_the_spec_lacks() -> None:
    assert {(op.engine, op.name) for op in OPS} == {(e, n) for e, n, _ in SPEC_OPS}
    assert len(BY_ENGINE_NAME) == len(SPEC_OPS)


def test_unknown_names_and_engines_are_not_found() -> None:
    assert lookup("alu", "vbroadcast") is None
    assert lookup("gpu", "+") is None
    assert lookup(Engine.LOAD, "+") is None


WORDS = st.one_of(
    st.sampled_from([0, 1, 2, 31, 32, 33, 2**31 - 1, 2**31, M - 2, M - 1]),
    st.integers(0, M - 1),
)


@settings(max_examples=400, deadline=None)
@given(op=st.sampled_from(BINARY_OPS), a=WORDS, b=WORDS)
def test_binary_ops_agree_with_the_spec_model(op, a: int, b: int) -> None:
    expected = spec_alu(op.name, a, b)
    if expected is None:
        with pytest.raises(SlotFault):
            op.apply(a, b)
    else:
        assert op.apply(a, b) == expected


@pytest.mark.parametrize("op", ["<<", ">>"])
def test_shifting_by_the_largest_word_builds_no_huge_integer(op: str) -> None:
    # A naive `a << b` would allocate 2^32 bits (512 MiB) here; bound the memory, not the time.
    apply = next(o.apply for o in BINARY_OPS if o.name == op)
    tracemalloc.start()
    try:
        results = [apply(M - 1, b) for b in (M - 1, M - 2, 2**31, 64, 32)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert results == [0] * 5
    assert peak < 64 * 1024


@pytest.mark.parametrize(
    ("name", "args", "footprint"),
    [
        ("vadd", (16, 0, 8),
         [*((16 + i, True) for i in range(8)), *((i, False) for i in range(16))]),
        ("vbroadcast", (8, 3), [*((8 + i, True) for i in range(8)), (3, False)]),
        ("load_offset", (10, 20, 3), [(13, True), (23, False)]),
        ("vstore", (5, 8), [(5, False), *((8 + i, False) for i in range(8))]),
        ("const", (4, -7), [(4, True)]),
        ("cond_jump", (2, 99), [(2, False)]),
        ("halt", (), []),
    ],
)
def test_scratch_footprint_names_every_word_a_slot_touches(
        name: str, args: tuple[int, ...], footprint: list[tuple[int, bool]]) -> None:
    assert sorted(BY_MNEMONIC[name].scratch_footprint(args, 8)) == sorted(footprint)


class Recorder:
    """An ExecContext that notes what a slot does, every read giving `word`."""

    def __init__(self, word: int):
        self.word = word
        self.vlen = 8
        self.pc = 0
        self.core_id = 0
        self.did: set[str] = set()

    def read(self, addr: int) -> int:
        return self.word

    def write(self, addr: int, value: int) -> None:
        self.did.add("write")

    def load(self, addr: int) -> int:
        self.did.add(Effect.LOAD.name)
        return self.word

    def store(self, addr: int, value: int) -> None:
        self.did.add(Effect.STORE.name)

    def trace(self, value: int) -> None:
        self.did.add(Effect.TRACE.name)

    def jump(self, target: int) -> None:
        self.did.add(Control.JUMP.name)

    def halt(self) -> None:
        self.did.add(Control.HALT.name)

    def pause(self) -> None:
        self.did.add(Control.PAUSE.name)


RUNNING = [op for op in OPS if op.engine is not Engine.DEBUG]


@pytest.mark.parametrize("spec", RUNNING, ids=lambda op: op.mnemonic)
def test_the_facts_of_an_operation_are_what_its_semantics_do(spec: OpSpec) -> None:
    """`control`, `effect` and `divisor` agree with `execute`: a consumer that reads the
    facts (builder, engine) treats the op as the simulator runs it."""
    args = tuple(1 for _ in spec.operands)
    ctx = Recorder(1)
    spec.execute(ctx, args)
    assert ctx.did - {"write"} == ({spec.control.name} - {"NONE"}) | (
        {spec.effect.name} - {"NONE"})
    if spec.divisor is None:
        spec.execute(Recorder(0), args)  # no word it reads can make it fault
    else:
        zero_divisor = Recorder(1)
        args = tuple(2 if i == spec.divisor else 1 for i in range(spec.arity))
        zero_divisor.read = lambda addr: 0 if addr == 2 else 1  # type: ignore[method-assign]
        with pytest.raises(SlotFault):
            spec.execute(zero_divisor, args)


def test_control_effect_and_divisor_name_the_operations_of_the_spec() -> None:
    def having(test: Callable[[OpSpec], bool]) -> set[str]:
        return {op.mnemonic for op in OPS if test(op)}

    assert having(lambda op: op.control.ends_stretch) == {
        "jump", "cond_jump", "cond_jump_rel", "jump_indirect", "halt", "pause"}
    assert having(lambda op: op.control.redirects) == {
        "jump", "cond_jump", "cond_jump_rel", "jump_indirect", "halt"}
    assert having(lambda op: op.effect is Effect.LOAD) == {"load", "load_offset", "vload"}
    assert having(lambda op: op.effect is Effect.STORE) == {"store", "vstore"}
    assert having(lambda op: op.effect is Effect.TRACE) == {"trace_write"}
    assert having(lambda op: op.divisor == 2) == {"div", "cdiv", "mod", "vdiv", "vcdiv", "vmod"}
    assert having(lambda op: op.divisor is not None) == having(lambda op: op.divisor == 2)
    assert having(lambda op: op.relative is not None) == {"cond_jump_rel"}
    assert BY_MNEMONIC["cond_jump_rel"].relative == 1


@pytest.mark.parametrize(
    ("name", "words", "vectors", "offset", "addresses_only", "plain"),
    [
        ("add", (0, 1, 2), (), None, True, ONLY_WORDS),
        ("vadd", (), (0, 1, 2), None, True, ONLY_VECTORS),
        ("vbroadcast", (1,), (0,), None, True, None),
        ("load_offset", (0, 1), (), 2, True, None),
        ("const", (0,), (), None, False, None),
        ("cond_jump", (0,), (), None, False, None),
        ("comment", (), (), None, False, None),
    ],
)
def test_the_operand_shape_says_which_operands_name_scratch(
        name: str, words: tuple[int, ...], vectors: tuple[int, ...], offset: int | None,
        addresses_only: bool, plain: str | None) -> None:
    shape = BY_MNEMONIC[name].shape
    assert (shape.words, shape.vectors, shape.offset) == (words, vectors, offset)
    assert (shape.addresses_only, shape.plain) == (addresses_only, plain)
    assert shape.arity == BY_MNEMONIC[name].arity
