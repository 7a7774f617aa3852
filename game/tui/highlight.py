"""Syntax highlighting of `.vasm` text, one line at a time, with the assembler's own lexer.

The editor colours every keystroke, and a half-typed line is still worth
colouring, so this colours the tokens of `machine.vasm.lexer.lex`, which
reads a line as the assembler does but keeps going where the assembler would
stop: what it colours as a number, a name or a label is what the assembler
reads as one, and what the assembler refuses (`0b101`) is marked. Mnemonics
are coloured by the engine the op table gives them. Errors are the
assembler's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from machine.isa import Engine
from machine.vasm.lexer import Lexeme, lex
from machine.vasm.syntax import LABEL_RE, SPACE


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
    INVALID = "invalid"
    """What the assembler does not read there, such as `0b101`."""


Kind = Token | Engine


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    token: Kind


_PLAIN: dict[Lexeme, Token] = {
    Lexeme.COMMENT: Token.COMMENT, Lexeme.LABEL: Token.LABEL, Lexeme.TARGET: Token.LABEL,
    Lexeme.DIRECTIVE: Token.DIRECTIVE, Lexeme.UNKNOWN_OP: Token.UNKNOWN_OP,
    Lexeme.NUMBER: Token.NUMBER, Lexeme.NAME: Token.NAME, Lexeme.JSON: Token.STRING,
    Lexeme.SEPARATOR: Token.SEPARATOR, Lexeme.BAD: Token.INVALID,
}


def line_spans(line: str, labels: Iterable[str] = ()) -> list[Span]:
    """Spans of one line, in order; `labels` (names defined as labels) colour a scratch name
    operand that is one as a label (jump targets are coloured as labels anyway)."""
    label_names = labels if isinstance(labels, set | frozenset) else set(labels)
    spans = []
    for token in lex(line):
        kind: Kind
        if token.engine is not None:  # a mnemonic, a debug entry, the engine of `nop ENGINE`
            kind = token.engine
        elif token.kind is Lexeme.PSEUDO:  # `nop`
            kind = Token.DIRECTIVE
        elif token.kind is Lexeme.NAME and line[token.start:token.end] in label_names:
            kind = Token.LABEL
        else:
            kind = _PLAIN[token.kind]
        spans.append(Span(token.start, token.end, kind))
    return spans


_LABELS_RE = re.compile(rf"^[{SPACE}]*((?:{LABEL_RE.pattern}[{SPACE}]*)+)", re.MULTILINE)


def defined_labels(text: str) -> frozenset[str]:
    """Names defined as labels anywhere in the text (the assembler's label pattern, at the
    start of a line, one or several).

    Only lines with a colon can define one, and a generated kernel of 150,000 lines has a
    handful: going from colon to colon looks at those lines alone, where matching the
    pattern at every line start read all of the text (50 ms for the scalar starter).
    """
    names: set[str] = set()
    colon = text.find(":")
    while colon >= 0:
        found = _LABELS_RE.match(text, text.rfind("\n", 0, colon) + 1)
        if found is not None:
            names.update(LABEL_RE.findall(found.group(1)))
        line_end = text.find("\n", colon)
        colon = text.find(":", line_end) if line_end >= 0 else -1
    return frozenset(names)
