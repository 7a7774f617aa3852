"""Highlighting of .vasm lines: mnemonics by engine, labels, numbers, comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from game.tui.highlight import Kind, Token, defined_labels, line_spans
from machine.isa import BY_MNEMONIC, OPS, Engine
from machine.vasm.lexer import Lexeme, lex
from machine.vasm.reader import Code, Directive, Label, LineReader, Name, Note, operand_columns
from machine.vasm.syntax import OP_RE, comment_text


def tokens(line: str, labels: frozenset[str] = frozenset()) -> list[tuple[str, Kind]]:
    return [(line[span.start:span.end], span.token) for span in line_spans(line, labels)]


def test_every_mnemonic_takes_its_engine_colour() -> None:
    for spec in OPS:
        assert tokens(f"{spec.mnemonic} 1, 2")[0] == (spec.mnemonic, spec.engine)


def test_a_bundle_line_with_label_slots_numbers_and_comment() -> None:
    line = "loop: vadd acc, acc, v[3] || load x, 0x1F || cond_jump c, loop  # go round"
    assert tokens(line, frozenset({"loop"})) == [
        ("loop:", Token.LABEL),
        ("vadd", Engine.VALU), ("acc", Token.NAME), ("acc", Token.NAME), ("v", Token.NAME),
        ("3", Token.NUMBER),
        ("||", Token.SEPARATOR),
        ("load", Engine.LOAD), ("x", Token.NAME), ("0x1F", Token.NUMBER),
        ("||", Token.SEPARATOR),
        ("cond_jump", Engine.FLOW), ("c", Token.NAME), ("loop", Token.LABEL),
        ("# go round", Token.COMMENT),
    ]


def test_continuation_lines_start_with_a_slot() -> None:
    assert tokens("    || vstore out, val") == [
        ("||", Token.SEPARATOR), ("vstore", Engine.STORE), ("out", Token.NAME),
        ("val", Token.NAME)]


def test_directives_and_negative_numbers() -> None:
    assert tokens(".vector tmp 16") == [(".vector", Token.DIRECTIVE), ("tmp", Token.NAME),
                                        ("16", Token.NUMBER)]
    assert tokens("add_imm i, i, -8")[-1] == ("-8", Token.NUMBER)


def test_strings_of_debug_slots_hide_hashes_and_bars() -> None:
    assert tokens('comment "a # b || c"') == [("comment", Engine.DEBUG),
                                              ('"a # b || c"', Token.STRING)]


def test_header_comments_and_a_half_typed_string() -> None:
    assert tokens("# puzzle: takehome/tree-kernel") == [
        ("# puzzle: takehome/tree-kernel", Token.COMMENT)]
    assert tokens('comment "unfinished') == [("comment", Engine.DEBUG),
                                             ('"unfinished', Token.STRING)]


def test_nop_and_the_engine_it_keeps_present() -> None:
    assert tokens("nop valu") == [("nop", Token.DIRECTIVE), ("valu", Engine.VALU)]
    assert tokens("nop") == [("nop", Token.DIRECTIVE)]


@pytest.mark.parametrize("word", ["ad", "vfoo", "alu"])
def test_words_in_mnemonic_position_that_are_not_ops(word: str) -> None:
    assert tokens(f"{word} 1")[0] == (word, Token.UNKNOWN_OP)


def test_defined_labels_are_found_anywhere_but_not_in_comments() -> None:
    text = "start:\n  const x, 1\nloop: add x, x, x\n# note: not a label\n"
    assert defined_labels(text) == {"start", "loop"}


# --- the highlighter reads what the assembler reads -----------------------------------

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").rglob("*.vasm"))


def _value_kind(value: Any) -> Lexeme:
    if isinstance(value, Name):
        return Lexeme.NAME
    if isinstance(value, Label):
        return Lexeme.TARGET
    return Lexeme.NUMBER if type(value) is int else Lexeme.JSON


def _expected(line: str, read: Code) -> list[tuple[int, Lexeme]]:
    """(start, kind) of each token but separators and comments, from the reader's reading."""
    out = [(column - 1, Lexeme.LABEL) for _, column in read.labels]
    for engine, spec, args, column in read.slots:
        word = OP_RE.match(line, column - 1)
        known = word is not None and word.group() in BY_MNEMONIC
        out.append((column - 1, Lexeme.MNEMONIC if known else Lexeme.PSEUDO))
        if spec is None:  # a nop, or a debug slot, which the reader finishes (below)
            if engine is not None and not args:  # nop ENGINE
                out.append((line.index(engine.value, column + 2), Lexeme.ENGINE))
            continue
        for value, start in zip(args, operand_columns(line, column), strict=True):
            out.append((start - 1, _value_kind(value)))
            if isinstance(value, Name) and value.index is not None:
                out.append((line.index("[", start) + 1, Lexeme.NUMBER))
    return out


def _debug_operands(line: str, read: Code) -> list[tuple[int, Lexeme]]:
    """The operands of the reader's finished debug slots: JSON literals (or plain numbers)."""
    return [(start - 1, Lexeme.JSON) for engine, spec, args, column in read.slots
            if spec is None and args for start in operand_columns(line, column)]


def assert_agrees(line: str) -> None:
    """The lexer's tokens start where the assembler's pieces do, and are of the same kind."""
    read = LineReader(8).read(line)
    tokens = lex(line)
    kinds = [(token.start, token.kind) for token in tokens
             if token.kind not in (Lexeme.SEPARATOR, Lexeme.COMMENT)]
    comments = [token for token in tokens if token.kind is Lexeme.COMMENT]
    if isinstance(read, Note):
        assert kinds == []
        assert [comment_text(line[t.start + 1:]) for t in comments] == (
            [] if read.text is None else [read.text])
        return
    if isinstance(read, Directive):
        assert read.declaration is not None, read.problem
        assert kinds[0] == (line.index("."), Lexeme.DIRECTIVE)
        assert kinds[1] == (read.declaration.column - 1, Lexeme.NAME)
        assert len(comments) == (read.declaration.comment is not None)
        return
    assert isinstance(read, Code) and read.problem is None, read
    debug = _debug_operands(line, read)
    plain = [(start, Lexeme.JSON if start in {s for s, _ in debug} and kind is Lexeme.NUMBER
              else kind) for start, kind in kinds]
    assert plain == sorted(_expected(line, read) + debug)
    for token in tokens:
        if token.kind is Lexeme.MNEMONIC:
            spans = {span.start: span.token for span in line_spans(line)}
            assert spans[token.start] == token.engine
    separators = sum(token.kind is Lexeme.SEPARATOR for token in tokens)
    assert separators == max(len(read.slots) - 1, 0) + bool(read.bar)
    assert [comment_text(line[t.start + 1:]) for t in comments] == (
        [] if read.comment is None else [read.comment])


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_line_of_every_shipped_solution_agrees_with_the_assembler(path: Path) -> None:
    for line in dict.fromkeys(path.read_text().splitlines()):
        assert_agrees(line)


TRICKY_LINES = [
    "    const x, 0x1F", "    add_imm i, i, -7", "    add 1, 2, -0x10",
    "loop: halt", "_x1: y2:   halt  # two labels", "x:", "end:  # after the end",
    "    vadd v, v, w[0] || load x, a[ 1 ]", "    jump loop", "    cond_jump c, 7",
    '    compare 5, [0, 3, "idx"] || comment "a # b || c"',
    '    debug ["marker"] || debug 5 || debug {"k": [1, "||"]} || debug null',
    "    debug_value \"note\" || halt", '    vcompare 8, {"k": [1.5, null]}',
    "    comment 1.5e3", "    comment true",
    "    || const x, 1", "|| halt # joined", "    nop", "    nop flow || halt",
    "    halt  # done", "    halt#tight", "# puzzle: takehome/tree-kernel", "# https://x.y",
    "#", "", "   ", ".scalar i @ 3 # c", ".array t[4]", ".vector v", ".scalar x@7",
    "\tadd\tx, y, z", "    add x,y,z||sub a,b,c",
]


@pytest.mark.parametrize("line", TRICKY_LINES)
def test_tricky_lines_agree_with_the_assembler(line: str) -> None:
    assert_agrees(line)


@pytest.mark.parametrize(("line", "bad"), [
    ("    add 1, 0b101, -7", "0b101"),
    ("    const x, 0b1", "0b1"),
    ("    const x, y", "y"),
    ("    jump v[2]", "v[2]"),
    ("    add x, 1" + "0" * 40 + ", y", "1" + "0" * 40),
    ("    add x, v[-1], y", "-1"),
    ("a.b: add x, y, z", "a.b:"),
    ("loop.x: halt", "loop.x:"),
    ("    ad x, y, z", "ad"),
    ("    add x, y, z | sub a, b, c", "|"),
])
def test_what_the_assembler_refuses_is_marked_where_it_says(line: str, bad: str) -> None:
    read = LineReader(8).read(line)
    assert isinstance(read, Code) and read.problem is not None
    start = line.index(bad)
    assert read.problem[1] - 1 <= start  # the assembler stops there or before (the slot)
    marked = [token for token in lex(line) if token.kind in (Lexeme.BAD, Lexeme.UNKNOWN_OP)]
    assert (start, start + len(bad)) in [(token.start, token.end) for token in marked]
    spans = {(span.start, span.end): span.token for span in line_spans(line)}
    assert spans[start, start + len(bad)] in (Token.INVALID, Token.UNKNOWN_OP)


def test_binary_and_dotted_words_are_not_numbers_nor_labels() -> None:
    assert tokens("    add 1, 0b101, 2")[2] == ("0b101", Token.INVALID)
    assert tokens("a.b: halt")[0] == ("a.b:", Token.UNKNOWN_OP)
    assert defined_labels("a.b: halt\nok: halt\n  x: y: halt\n") == {"ok", "x", "y"}


def test_jump_targets_are_labels_without_being_told() -> None:
    assert tokens("    jump loop || cond_jump c, end") == [
        ("jump", Engine.FLOW), ("loop", Token.LABEL), ("||", Token.SEPARATOR),
        ("cond_jump", Engine.FLOW), ("c", Token.NAME), ("end", Token.LABEL)]


def test_debug_entries_take_the_debug_colour() -> None:
    assert tokens('    debug ["m"] || debug_value 5') == [
        ("debug", Engine.DEBUG), ('["m"]', Token.STRING), ("||", Token.SEPARATOR),
        ("debug_value", Engine.DEBUG), ("5", Token.NUMBER)]


PIECES = [*" \t#|,.:[]{}\"@-0x1bavdlopjm_e\\", "add ", "nop ", "debug "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
@example("|x[]")  # an empty index made an empty token
@example("add a, x[]")
def test_any_line_lexes_into_ordered_tokens(line: str) -> None:
    tokens = lex(line)
    ends = [0, *[position for token in tokens for position in (token.start, token.end)]]
    assert ends == sorted(ends) and ends[-1] <= len(line)
    assert all(token.start < token.end for token in tokens)
