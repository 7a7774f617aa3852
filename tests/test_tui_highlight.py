"""Highlighting of .vasm lines: mnemonics by engine, labels, numbers, comments."""

from __future__ import annotations

import pytest

from game.tui.highlight import Kind, Token, defined_labels, line_spans
from machine.isa import OPS, Engine


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
