"""A new operation is one entry in the op table (plus, to run fast, its batched form).

A toy `avg` (alu) and `vavg` (valu), d = (a + b) // 2, is added to the table for
one test at a time (`OpTable.extended`, which puts the table back as it was) and
its batched form to the engine's registry (`monkeypatch`, likewise): nothing
else is told of it, yet the simulator, the engine, validation, the builder, the
assembler and its printer, the highlighter and the manual all see it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from game.tui.highlight import line_spans
from game.tui.manual_text import manual_markdown
from machine.builder import Builder, BuildError
from machine.config import TAKEHOME, MachineConfig
from machine.engine import run_many
from machine.engine.compile import BundleCompiler, Unsupported, shape_of
from machine.engine.forms import FORMS, Form, elementwise
from machine.isa import BY_MNEMONIC, OPS, Control, Engine, ExecContext, Kind, OpSpec
from machine.program import Bundle, Program, Slot, validate
from machine.simulator import run_program
from machine.vasm import format_program, parse

S_OUT, S_IN, V_OUT, V_IN = Kind.SCALAR_OUT, Kind.SCALAR_IN, Kind.VECTOR_OUT, Kind.VECTOR_IN


def _avg(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a, b = args
    ctx.write(d, (ctx.read(a) + ctx.read(b)) // 2)


def _vavg(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a, b = args
    for i in range(ctx.vlen):
        ctx.write(d + i, (ctx.read(a + i) + ctx.read(b + i)) // 2)


def _avg_words(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    # (a + b) // 2 without the carry out of 32 bits; every read comes before the write.
    np.add((a >> 1) + (b >> 1), a & b & 1, out)


AVG = OpSpec(Engine.ALU, "avg", "avg", (S_OUT, S_IN, S_IN), ("d", "a", "b"),
             "s[d] = (s[a] + s[b]) // 2", _avg)
VAVG = OpSpec(Engine.VALU, "avg", "vavg", (V_OUT, V_IN, V_IN), ("d", "a", "b"),
              "s[d+i] = (s[a+i] + s[b+i]) // 2 for every lane i", _vavg)

SOURCE = """\
const 1, 4294967295 || const 2, 4294967293
const 3, 7 || const 4, 100
avg 5, 1, 2 || avg 6, 3, 4 || const 7, 8
vbroadcast 8, 1 || vbroadcast 16, 3 || const 32, 1
vavg 24, 8, 16
store 0, 5 || store 32, 6
vstore 7, 24
"""
AVERAGES = [4294967294, 53, 0, 0, 0, 0, 0, 0, *[(4294967295 + 7) // 2] * 8]
"""The memory SOURCE leaves from 16 zero words: the two averages, then vavg's lanes."""


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(FORMS, AVG, elementwise(_avg_words))
    monkeypatch.setitem(FORMS, VAVG, elementwise(_avg_words))
    with OPS.extended(AVG, VAVG):
        yield


def toy_program() -> Program:
    return parse(SOURCE)


def test_the_table_is_as_it_was_outside_the_fixture() -> None:
    assert "avg" not in BY_MNEMONIC and "vavg" not in BY_MNEMONIC
    assert AVG not in OPS and "avg" not in OPS.by_engine[Engine.ALU]


def test_a_taken_mnemonic_is_refused_and_the_table_left_whole() -> None:
    clash = OpSpec(Engine.ALU, "avg", "add", AVG.operands, AVG.operand_names, "", _avg)
    length = len(OPS)
    with pytest.raises(ValueError, match="mnemonic 'add' is taken"), OPS.extended(AVG, clash):
        pass
    assert len(OPS) == length and "avg" not in BY_MNEMONIC


@pytest.mark.usefixtures("table")
def test_the_assembler_and_the_printer_see_it() -> None:
    program = toy_program()
    slots = [slot for bundle in program.bundles for slot in bundle.slots]
    assert Slot(Engine.ALU, "avg", (5, 1, 2)) in slots
    assert Slot(Engine.VALU, "avg", (24, 8, 16)) in slots
    assert parse(format_program(program)).bundles == program.bundles


@pytest.mark.usefixtures("table")
def test_the_simulator_runs_it() -> None:
    result = run_program(toy_program(), [0] * 16)
    assert result.ok
    assert result.memory == AVERAGES


@pytest.mark.usefixtures("table")
def test_the_engine_compiles_it_and_agrees_with_the_simulator() -> None:
    program = toy_program()
    shape_of(program, TAKEHOME.vlen)  # a batched form: no fallback to the reference
    images = [[seed] * 16 for seed in range(5)]
    assert run_many(program, images) == [run_program(program, image) for image in images]
    assert run_many(program, [[0] * 16])[0].memory == AVERAGES


def test_without_a_batched_form_the_engine_falls_back_to_the_reference() -> None:
    with OPS.extended(AVG, VAVG):
        program = toy_program()
        with pytest.raises(Unsupported):
            shape_of(program, TAKEHOME.vlen)
        assert run_many(program, [[0] * 16]) == [run_program(program, [0] * 16)]


@pytest.mark.usefixtures("table")
def test_validation_reads_its_operand_shape() -> None:
    program = toy_program()
    assert validate(program, TAKEHOME) == []
    assert {AVG, VAVG} <= program.survey.gathered_ops  # checked in bulk, as vadd is
    assert set(range(24, 32)) <= program.scratch_footprint(8)
    lanes = Program((Bundle.of(Slot(Engine.VALU, "avg", (24, 8, 16))),))
    assert validate(lanes, MachineConfig(scratch_size=32)) == []
    assert [p.message for p in validate(lanes, MachineConfig(scratch_size=30))] == [
        "scratch address 30 is outside the scratch (0..29)"]  # a vector's last lanes
    short = Program((Bundle.of(Slot(Engine.ALU, "avg", (1, 2))),))
    assert [p.message for p in validate(short, TAKEHOME)] == [
        "avg takes 3 operands (d a b), not 2"]
    forbidden = MachineConfig(allowed_ops=frozenset(BY_MNEMONIC) - {"vavg"})
    assert [p.message for p in validate(program, forbidden)] == [
        "operation 'vavg' is not allowed on this machine"]


@pytest.mark.usefixtures("table")
def test_the_builder_schedules_it_by_its_operands() -> None:
    b = Builder()
    x, y, z, w = (b.scalar(name) for name in "xyzw")
    b.const(x, 10)
    b.const(y, 20)
    b.emit("avg", z, x, y)   # reads x and y: a bundle after their consts
    b.emit("avg", w, z, z)   # reads z: one more
    program = b.program()
    assert [len(bundle.slots) for bundle in program.bundles] == [2, 1, 1]
    assert run_program(program, [0]).ok
    with pytest.raises(BuildError, match="avg takes 3 operands"):
        b.emit("avg", x, y)


@pytest.mark.usefixtures("table")
def test_the_manual_and_the_highlighter_show_it() -> None:
    manual = manual_markdown()
    assert "| `avg d, a, b` | s[d] = (s[a] + s[b]) // 2 | d: scalar written, a: scalar," in manual
    assert "`vavg d, a, b`" in manual
    without = manual_markdown(MachineConfig(allowed_ops=frozenset(BY_MNEMONIC) - {"avg"}))
    assert "`avg d, a, b` (not on this machine)" in without
    assert line_spans("avg 5, 1, 2")[0].token is Engine.ALU
    assert line_spans("vavg 5, 1, 2")[0].token is Engine.VALU


def _stop(ctx: ExecContext, args: tuple[int, ...]) -> None:
    ctx.halt()


STOP = OpSpec(Engine.FLOW, "stop", "stop", (), (), "stop this core after this bundle", _stop,
              control=Control.HALT)
"""A second halt: what ends a stretch or a block is the table's `control`, not a name."""


def test_a_control_operation_ends_the_builders_stretch_and_the_engines_block(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FORMS, STOP, FORMS[BY_MNEMONIC["halt"]])
    with OPS.extended(STOP):
        b = Builder()
        x = b.scalar("x")
        b.const(x, 1)
        b.emit("stop")
        b.store(x, x)  # after the stretch ends: never runs
        program = b.program()
        assert [len(bundle.slots) for bundle in program.bundles] == [2, 1]  # const, stop
        assert shape_of(program, TAKEHOME.vlen).ends_block == (True, False)
        result = run_program(program, [0, 0])
        assert result.memory == [0, 0] and result.cycles == 1
        assert run_many(program, [[0, 0]]) == [result]


def _vsum4(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, *sources = args
    for i in range(ctx.vlen):
        ctx.write(d + i, sum(ctx.read(a + i) for a in sources) & 0xFFFF_FFFF)


def _vsum4_steps(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    d, a, b, c, e = args
    words = [compiler.read(x, width) for x in (a, b, c, e)]
    total = compiler.batch.temp(width, "sum4")
    compiler.compute.append((np.add, (words[0], words[1], total)))
    compiler.compute.append((np.add, (total, words[2], total)))
    compiler.compute.append((np.add, (total, words[3], compiler.write(d, width))))


VSUM4 = OpSpec(Engine.VALU, "sum4", "vsum4", (V_OUT, V_IN, V_IN, V_IN, V_IN),
               ("d", "a", "b", "c", "e"), "s[d+i] = s[a+i] + s[b+i] + s[c+i] + s[e+i]", _vsum4)
"""Reads four vectors, one more than any operation of the table."""


def test_the_engine_makes_room_for_the_reads_the_table_says_a_slot_makes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read of a word an earlier slot of the bundle wrote is a shadow copy: five
    slots reading a freshly written vector four times each need more copies than three
    reads a slot would leave room for."""
    monkeypatch.setitem(FORMS, VSUM4, Form(steps=_vsum4_steps))
    with OPS.extended(VSUM4):
        sums = " || ".join(f"vsum4 {16 + 8 * k}, 8, 8, 8, 8" for k in range(5))
        program = parse(f"const 1, 3\nvbroadcast 8, 1\nvadd 8, 8, 8 || {sums}\n"
                        "vstore 2, 16 || vstore 2, 48\n")
        images = [[seed] * 8 for seed in range(3)]
        results = run_many(program, images)
        assert results == [run_program(program, image) for image in images]
        assert results[0].memory == [12] * 8  # the sums read the vector from before the add
