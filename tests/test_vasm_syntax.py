"""Every element of the .vasm syntax, read into the program it means (docs/vasm.md)."""

from __future__ import annotations

import pytest

from machine import TAKEHOME, validate
from machine.isa import Engine
from machine.program import Annotation, Bundle, Section, Slot, Symbol
from machine.vasm import parse

ALU, VALU, LOAD, STORE, FLOW, DEBUG = (Engine.ALU, Engine.VALU, Engine.LOAD, Engine.STORE,
                                       Engine.FLOW, Engine.DEBUG)


def slots_of(text: str, vlen: int = 8) -> list[tuple[Engine, str, tuple]]:
    return [(slot.engine, slot.name, slot.args)
            for bundle in parse(text, None, vlen).bundles for slot in bundle.slots]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One mnemonic per operation; the engine is inferred from it.
        ("add 1, 2, 3", [(ALU, "+", (1, 2, 3))]),
        ("vadd 8, 16, 24", [(VALU, "+", (8, 16, 24))]),
        ("lt 1, 2, 3", [(ALU, "<", (1, 2, 3))]),
        ("vbroadcast 8, 1", [(VALU, "vbroadcast", (8, 1))]),
        ("multiply_add 0, 8, 16, 24", [(VALU, "multiply_add", (0, 8, 16, 24))]),
        ("load 1, 2", [(LOAD, "load", (1, 2))]),
        ("load_offset 1, 2, 3", [(LOAD, "load_offset", (1, 2, 3))]),
        ("store 1, 2", [(STORE, "store", (1, 2))]),
        ("select 1, 2, 3, 4", [(FLOW, "select", (1, 2, 3, 4))]),
        ("halt", [(FLOW, "halt", ())]),
        # Immediates: decimal, hex, negative.
        ("const 0, 42", [(LOAD, "const", (0, 42))]),
        ("const 0, 0x7ED55D16", [(LOAD, "const", (0, 0x7ED55D16))]),
        ("const 0, 0xff", [(LOAD, "const", (0, 255))]),
        ("const 0, -1", [(LOAD, "const", (0, -1))]),
        ("add_imm 0, 1, -0x10", [(FLOW, "add_imm", (0, 1, -16))]),
        ("cond_jump_rel 0, -3", [(FLOW, "cond_jump_rel", (0, -3))]),
        # Spacing is free; commas separate operands.
        ("\tadd   1 ,2,\t3   ", [(ALU, "+", (1, 2, 3))]),
        # Jump targets: a number (absolute bundle index) or a label.
        ("jump 7", [(FLOW, "jump", (7,))]),
        ("start:\n    jump start", [(FLOW, "jump", (0,))]),
        ("    jump end\n    halt\nend:", [(FLOW, "jump", (2,)), (FLOW, "halt", ())]),
        # Debug operands are JSON literals, kept exactly.
        ('comment "Starting loop"', [(DEBUG, "comment", ("Starting loop",))]),
        ('compare 5, [0, 3, "idx"]', [(DEBUG, "compare", (5, [0, 3, "idx"]))]),
        ('vcompare 8, {"round": 1, "k": [null, true, 1.5]}',
         [(DEBUG, "vcompare", (8, {"round": 1, "k": [None, True, 1.5]}))]),
        ('comment "a # b || c, d"', [(DEBUG, "comment", ("a # b || c, d",))]),
        ('comment "caf\\u00e9"', [(DEBUG, "comment", ("café",))]),
    ],
)
def test_slots(text: str, expected: list) -> None:
    assert slots_of(text) == expected


def test_names_lanes_and_allocation() -> None:
    program = parse(
        ".scalar i\n"
        ".vector v\n"
        ".array table[4]\n"
        ".scalar fixed @ 100\n"
        ".vector high @ 0x200\n"
        "    add i, fixed, table[3]\n"
        "    vadd v, high, v\n"
        "    add v[7], v[0], table\n"
    )
    assert program.symbols == (
        Symbol("i", 0, 1, "scalar"), Symbol("v", 1, 8, "vector"), Symbol("table", 9, 4, "array"),
        Symbol("fixed", 100, 1, "scalar"), Symbol("high", 0x200, 8, "vector"),
    )
    assert [slot.args for slot in program.bundles[0].slots] == [(0, 100, 12)]
    assert [slot.args for slot in program.bundles[1].slots] == [(1, 0x200, 1)]
    assert [slot.args for slot in program.bundles[2].slots] == [(8, 1, 9)]


def test_allocation_skips_blocks_placed_anywhere_in_the_file() -> None:
    program = parse(".scalar a\n.vector b\n.scalar c\n.array fixed[4] @ 2\n.scalar d @ 14\n")
    # b does not fit in 1..8 (fixed is at 2..5): it goes to 6..13; c skips d.
    assert {s.name: s.address for s in program.symbols} == {
        "a": 0, "b": 6, "c": 15, "fixed": 2, "d": 14}


def test_vector_length_follows_vlen() -> None:
    program = parse(".vector v\n.scalar s\n    vadd v, v, v", None, vlen=4)
    assert program.symbols == (Symbol("v", 0, 4, "vector"), Symbol("s", 4, 1, "scalar"))


def test_names_may_be_used_before_they_are_declared() -> None:
    assert slots_of("    add x, x, x\n.scalar y\n.scalar x") == [(ALU, "+", (1, 1, 1))]


def test_bundles_slots_and_continuation_lines() -> None:
    program = parse(
        "    const 1, 2 || add 3, 4, 5 || const 6, 7\n"
        " || vadd 8, 8, 8\n"
        "# a comment between the lines of a bundle\n"
        "||halt\n"
        "    halt\n"
    )
    first = program.bundles[0]
    # Engines in order of first appearance; slots in order within an engine.
    assert first.engines == (LOAD, ALU, VALU, FLOW)
    assert [s.name for s in first.slots] == ["const", "const", "+", "+", "halt"]
    assert len(program.bundles) == 2
    # The source map follows Bundle.slots order (grouped by engine).
    assert program.source is not None
    assert program.source.slot_positions[0] == ((1, 5), (1, 34), (1, 19), (2, 5), (4, 3))
    assert program.source.bundle_lines == (1, 5)


def test_a_repeated_bundle_of_several_lines_is_one_object_placed_at_each_of_its_lines() -> None:
    # Unrolled kernels repeat their `||` bundles: one object, so that validation and the
    # engine work once per distinct bundle, while each place keeps its own lines.
    text = ("    const 1, 2 || add 3, 4, 5\n"
            " || vadd 8, 8, 8\n")
    program = parse(text + "    halt\n" + "# between\n" + text)
    first, _, again = program.bundles
    assert again is first
    assert program.source is not None
    assert program.source.slot_positions[0] == ((1, 5), (1, 19), (2, 5))
    assert program.source.slot_positions[2] == ((5, 5), (5, 19), (6, 5))
    assert program.source.bundle_lines == (1, 3, 5)
    # A different bundle of the same lines in another order is its own object.
    other = parse(" const 1, 2\n || vadd 8, 8, 8\n const 1, 2 || vadd 8, 8, 8\n")
    assert other.bundles[0] == other.bundles[1]
    assert len(other.bundle_uses) == 2


def test_empty_engines_and_empty_bundles() -> None:
    program = parse("    nop\n    nop alu\n    nop flow || const 1, 2\n    nop debug\n")
    assert program.bundles[0] == Bundle(())
    assert program.bundles[1] == Bundle(((ALU, ()),))
    assert program.bundles[2] == Bundle(((FLOW, ()), (LOAD, (Slot(LOAD, "const", (1, 2)),))))
    assert program.bundles[3] == Bundle(((DEBUG, ()),))
    assert [b.costs_cycle for b in program.bundles] == [False, True, True, False]


def test_labels() -> None:
    program = parse("start:\nalso: here:\n    halt\nnext: halt\n    halt\nend:\n")
    assert program.labels == (("start", 0), ("also", 0), ("here", 0), ("next", 1), ("end", 3))
    assert len(program.bundles) == 3


def test_header_comments_and_trailing_comments() -> None:
    program = parse(
        "# puzzle: warmup/sum\n"
        "# name: first try\n"
        "# cycles: 12\n"
        "\n"
        "# the counter\n"
        ".scalar i  # counts down\n"
        "\n"
        "\n"
        "loop:  # the main loop\n"
        "    # decrement\n"
        "    add i, i, i  # first part\n"
        " || halt  #second part\n"
        "#\n"
    )
    assert program.header == (("puzzle", "warmup/sum"), ("name", "first try"), ("cycles", "12"))
    assert program.metadata["cycles"] == "12"
    assert program.symbols[0].comment == "counts down"
    assert program.bundles[0].comment == "first part; second part"
    assert program.annotations == (
        Annotation(Section.SYMBOLS, 0, "the counter"),
        Annotation(Section.BUNDLES, 0, None),  # two blank lines are one
        Annotation(Section.BUNDLES, 0, "the main loop"),
        Annotation(Section.BUNDLES, 0, "decrement"),
        Annotation(Section.BUNDLES, 1, ""),
    )


def test_header_is_only_at_the_very_top() -> None:
    assert parse("\n# name: x\n").header == ()
    assert parse("# name: x\n# https://example.com\n").header == (("name", "x"),)
    assert parse("# name:\n").header == (("name", ""),)
    assert parse("    halt\n# name: x\n").header == ()


def test_line_endings_and_byte_order_mark() -> None:
    assert parse("\ufeff    halt\r\n    halt\r    halt\n").bundles == (
        Bundle.of(Slot(FLOW, "halt", ())),) * 3


def test_validation_errors_point_at_the_slot_in_the_file() -> None:
    program = parse("    halt\n    const 1, 2 || const 3, 4 || const 5, 6\n    add 1, 2, 9999",
                    "p.vasm")
    problems = [str(p) for p in validate(program, TAKEHOME)]
    assert problems == [
        "p.vasm:2:33: 3 load slots in one bundle; this machine allows 2",
        "p.vasm:3:5: scratch address 9999 is outside the scratch (0..1535)",
    ]
