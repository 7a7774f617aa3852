"""Syntax highlighting of `.vasm` text, one line at a time, without a parser.

The editor colours every keystroke, and a half-typed line is still worth
colouring, so this is a forgiving lexer rather than the assembler: it finds
comments, labels, directives, mnemonics (coloured by the engine the op table
gives them), numbers, strings and names. Errors are the assembler's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from machine.isa import BY_MNEMONIC, Engine
from machine.vasm.syntax import ENGINE_BY_NAME, NOP


class Token(StrEnum):
    """What a piece of a line is, mnemonics and engine names aside: those are coloured by
    their `Engine` (the op table's), which is a span's kind then."""

    COMMENT = "comment"
    LABEL = "label"
    DIRECTIVE = "directive"
    NUMBER = "number"
    STRING = "string"
    SEPARATOR = "separator"
    NAME = "name"
    UNKNOWN_OP = "unknown op"


Kind = Token | Engine


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    token: Kind


_PATTERNS = re.compile(r"""
    (?P<string>"(?:[^"\\]|\\.)*"?)
  | (?P<comment>\#.*)
  | (?P<separator>\|\|)
  | (?P<directive>\.[A-Za-z_]\w*)
  | (?P<number>-?(?:0[xX][0-9A-Fa-f]+|0[bB][01]+|\d+)\b)
  | (?P<word>[A-Za-z_][\w.]*)
  | (?P<colon>:)
""", re.VERBOSE)


def _kind_of_mnemonic(word: str) -> Kind:
    if word == NOP:
        return Token.DIRECTIVE
    spec = BY_MNEMONIC.get(word)
    return spec.engine if spec is not None else Token.UNKNOWN_OP


def line_spans(line: str, labels: Iterable[str] = ()) -> list[Span]:
    """Spans of one line, in order; `labels` (names defined as labels) colour jump targets."""
    label_names = labels if isinstance(labels, set | frozenset) else set(labels)
    spans: list[Span] = []
    expect_op = True
    after_nop = False
    pending_word: re.Match[str] | None = None

    def flush_word(as_label: bool) -> None:
        nonlocal pending_word, expect_op, after_nop
        if pending_word is None:
            return
        word = pending_word.group()
        token: Kind
        if as_label:
            token = Token.LABEL
        elif expect_op:
            token = _kind_of_mnemonic(word)
            expect_op = False
            after_nop = word == NOP
        elif after_nop and word in ENGINE_BY_NAME:
            token = ENGINE_BY_NAME[word]
        else:
            token = Token.LABEL if word in label_names else Token.NAME
        spans.append(Span(pending_word.start(), pending_word.end(), token))
        pending_word = None

    for match in _PATTERNS.finditer(line):
        kind = match.lastgroup
        if kind == "colon":
            is_label = pending_word is not None and expect_op
            if is_label:
                spans.append(Span(pending_word.start(), match.end(), Token.LABEL))
                pending_word = None
            continue
        flush_word(as_label=False)
        if kind == "word":
            pending_word = match
            continue
        if kind == "separator":
            expect_op = True
        elif kind == "directive":
            expect_op = False
        spans.append(Span(match.start(), match.end(), Token(kind)))
    flush_word(as_label=False)
    return spans


_LABEL_DEFINITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*:", re.MULTILINE)


def defined_labels(text: str) -> frozenset[str]:
    """Names defined as labels anywhere in the text (so that jumps to them look like labels)."""
    return frozenset(_LABEL_DEFINITION.findall(text))
