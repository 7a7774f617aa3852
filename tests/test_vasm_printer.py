"""The canonical text: what `vliw fmt` writes, and the slot text the debugger shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from machine.isa import Engine
from machine.program import Annotation, Bundle, Program, ProgramError, Section, Slot, Symbol
from machine.vasm import format_program, format_slot, parse

ALU, LOAD, FLOW, DEBUG = Engine.ALU, Engine.LOAD, Engine.FLOW, Engine.DEBUG

MESSY = """\
# puzzle: warmup/sum
#name:   first try


# Inputs
.scalar   i#the counter
.vector v
.scalar fixed @ 200
.array table[4] @ 9



start:   const i, 0x10 ||add i,i,   fixed   # go
  || vadd v, v, v
loop:
# body
  add i, i, table[2]
    cond_jump i,loop||const table[3], 2127912214
    comment "done"||compare 1, [0, "idx"]
    nop
    nop alu
end:
"""

CANONICAL = """\
# puzzle: warmup/sum
# name: first try

# Inputs
.scalar i  # the counter
.vector v
.scalar fixed @ 200
.array table[4]

start:
    const i, 16 || add i, i, fixed || vadd v, v, v  # go
# body
loop:
    add i, i, table[2]
    cond_jump i, loop || const table[3], 0x7ED55D16
    comment "done" || compare 1, [0, "idx"]
    nop
    nop alu
end:
"""


def test_messy_text_becomes_canonical() -> None:
    assert format_program(parse(MESSY)) == CANONICAL


def test_canonical_text_is_a_fixed_point() -> None:
    assert format_program(parse(CANONICAL)) == CANONICAL


def test_operands_are_written_by_name_lane_label_or_number() -> None:
    program = parse(".scalar a\n.vector v\nhere:\n    add a, v[3], 100\n    jump here\n"
                    "    jump 7\n")
    add, jump_here, jump_far = (b.slots[0] for b in program.bundles)
    assert format_slot(add, program) == "add a, v[3], 100"
    assert format_slot(jump_here, program) == "jump here"
    assert format_slot(jump_far, program) == "jump 7"
    assert format_slot(add) == "add 0, 4, 100"


def test_a_name_starting_at_the_address_wins_over_a_block_covering_it() -> None:
    program = parse(".vector v @ 0\n.scalar alias @ 3\n    vadd 3, 0, 3\n")
    assert format_slot(program.bundles[0].slots[0], program) == "vadd alias, v, alias"


def test_immediates_are_hex_from_0x10000() -> None:
    text = format_program(parse(
        "    const 0, 65535\n    const 0, 65536\n    const 0, -65536\n    add_imm 0, 0, -5\n"))
    assert text == ("    const 0, 65535\n    const 0, 0x10000\n    const 0, -0x10000\n"
                    "    add_imm 0, 0, -5\n")


def test_a_long_bundle_puts_each_engine_on_its_own_line() -> None:
    slots = [Slot(ALU, "+", (i, i, i)) for i in range(12)] + [
        Slot(LOAD, "const", (1, 2)), Slot(Engine.VALU, "vbroadcast", (8, 1))]
    program = Program((Bundle.of(*slots, comment="wide"),))
    text = format_program(program)
    lines = text.splitlines()
    assert lines[0].startswith("    add 0, 0, 0 || add 1, 1, 1") and lines[0].endswith("  # wide")
    assert lines[1:] == [" || const 1, 2", " || vbroadcast 8, 1"]
    assert parse(text) == program


def test_addresses_are_written_only_where_allocation_would_differ() -> None:
    symbols = (Symbol("a", 0), Symbol("v", 16, 8, "vector"), Symbol("b", 1),
               Symbol("lane", 18), Symbol("c", 2))
    text = format_program(Program((), symbols))
    assert text == ".scalar a\n.vector v @ 16\n.scalar b\n.scalar lane @ 18\n.scalar c\n"
    assert parse(text).symbols == symbols


def test_an_alias_placed_later_keeps_earlier_blocks_in_place() -> None:
    symbols = (Symbol("v", 0, 8, "vector"), Symbol("lane3", 3))
    text = format_program(Program((), symbols))
    assert text == ".vector v @ 0\n.scalar lane3 @ 3\n"
    assert parse(text).symbols == symbols


def test_a_first_comment_that_looks_like_a_header_stays_a_comment() -> None:
    program = Program((), (), (), (), (Annotation(Section.SYMBOLS, 0, "name: not a header"),))
    text = format_program(program)
    assert text == "\n# name: not a header\n"
    assert parse(text) == program


def test_empty_program_is_empty_text() -> None:
    assert format_program(Program(())) == ""


@pytest.mark.parametrize(
    ("program", "message"),
    [
        (Program((Bundle.of(Slot(ALU, "frob", (1,))),)),
         "bundle 0, slot 0 (alu): unknown alu operation 'frob' has no .vasm name"),
        (Program((Bundle.of(Slot(ALU, "+", (1, 2))),)), "add takes 3 operands, not 2"),
        (Program((Bundle.of(Slot(ALU, "+", (1, 2, "x"))),)),
         "operand b must be an integer, not 'x'"),
        (Program((Bundle.of(Slot(ALU, "+", (1, 2, True))),)),
         "operand b must be an integer, not True"),
        (Program((Bundle.of(Slot(DEBUG, "comment", (float("nan"),))),)), "not a JSON number"),
        (Program((Bundle.of(Slot(DEBUG, "compare", (1, (2, 3)))),)), "not plain JSON"),
        (Program((Bundle(((ALU, (Slot(FLOW, "halt", ()),)),)),)),
         "a flow slot is listed under alu"),
        (Program((Bundle(((FLOW, ()), (FLOW, ()))),)), "an engine is listed twice"),
        (Program((), (Symbol("a b", 0),)), "scratch name 'a b' is not a name"),
        (Program((), (Symbol("a", 0), Symbol("a", 1))), "declared twice"),
        (Program((), (Symbol("a", -1),)), "has address -1"),
        (Program((), (), (("end", 3),)), "label 'end' points at bundle 3, outside the program"),
        (Program((), (Symbol("x", 0),), (("x", 0),)), "label 'x' is defined twice or names"),
        (Program((), header=(("na me", "x"),)), "header key 'na me' is not a word"),
        (Program((), header=(("name", " x"),)), "must be one line without surrounding spaces"),
        (Program((), header=(("a", "1"), ("a", "2"))), "header key 'a' is given twice"),
        (Program((Bundle((), "two\nlines"),)), "the comment must be one line"),
        (Program((), annotations=(Annotation(Section.BUNDLES, 2, "x"),)), "outside the program"),
    ],
)
def test_what_the_text_cannot_say_is_refused(program: Program, message: str) -> None:
    with pytest.raises(ProgramError) as caught:
        format_program(program)
    assert message in str(caught.value)


def test_format_slot_shows_even_unknown_slots() -> None:
    assert format_slot(Slot(ALU, "frob", (1, "x"))) == 'alu:frob 1, "x"'
    assert format_slot(Slot(ALU, "+", (1,))) == "add 1"
    assert format_slot(Slot(FLOW, "halt", ())) == "halt"


def test_the_example_in_the_docs_is_canonical() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "vasm.md").read_text()
    example = docs.split("```\n")[1]
    assert format_program(parse(example)) == example


def test_a_repeated_bundle_object_is_checked_and_written_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An export repeats a few hundred bundle objects hundreds of thousands of times (a
    fuzzed one, ten million times): each object is looked at once, and the text is the
    one the same bundles as separate objects give, labels and comments in place."""
    import machine.vasm.printer as printer

    def bundle(value: int) -> Bundle:
        return Bundle.of(Slot(Engine.LOAD, "const", (0, value)), Slot(Engine.ALU, "+", (1, 0, 0)))

    shared = bundle(7)
    program = Program((shared, bundle(8), shared, shared), labels=(("top", 2),),
                      annotations=(Annotation(Section.BUNDLES, 3, "again"),))
    apart = Program((bundle(7), bundle(8), bundle(7), bundle(7)), labels=(("top", 2),),
                    annotations=(Annotation(Section.BUNDLES, 3, "again"),))
    written: list[Bundle] = []
    checked: list[Bundle] = []
    lines, problems = printer._bundle_lines, printer._bundle_problems
    monkeypatch.setattr(printer, "_bundle_lines",
                        lambda b, namer: written.append(b) or lines(b, namer))
    monkeypatch.setattr(printer, "_bundle_problems", lambda b: checked.append(b) or problems(b))
    text = format_program(program)
    assert [id(b) for b in written] == [id(b) for b in checked] == [id(shared),
                                                                   id(program.bundles[1])]
    assert text == format_program(apart)
    assert "top:" in text and "# again" in text
    assert parse(text) == parse(format_program(apart))


def test_a_repeated_bundle_that_cannot_be_written_is_named_at_every_place() -> None:
    bad = Bundle.of(Slot(Engine.ALU, "+", (1, 0, 0)), comment="two\nlines")
    with pytest.raises(ProgramError) as caught:
        format_program(Program((bad, Bundle.of(), bad)))
    assert [problem.bundle for problem in caught.value.problems] == [0, 2]
