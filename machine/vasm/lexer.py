"""The tokens of one `.vasm` line, as the assembler reads them, for an editor to colour.

`lex` follows the line reader's grammar with the reader's own patterns and
tables (`machine.vasm.syntax`, the op table): where a line reads, each token
starts where the assembler finds that piece (the tests compare them on every
shipped solution). It is forgiving where the reader stops at a problem: a
half-typed line is still worth colouring, and what the assembler would
refuse is marked BAD (or UNKNOWN_OP) rather than ending the line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from machine.isa import BY_MNEMONIC, Engine, Kind, OpSpec
from machine.takehome_json import strict_decoder
from machine.vasm.syntax import (
    DEBUG_ENTRY,
    DEBUG_VALUE,
    ENGINE_BY_NAME,
    JSON_START,
    LABEL_RE,
    NAME_RE,
    NOP,
    OP_RE,
    REF_RE,
    SPACE,
    TOKEN_RE,
    NumberTooLong,
    parse_int,
)


class Lexeme(StrEnum):
    COMMENT = "comment"
    LABEL = "label"
    """A label definition, `name:` (the colon included)."""
    DIRECTIVE = "directive"
    MNEMONIC = "mnemonic"
    """A known operation's mnemonic; its `op` says which."""
    PSEUDO = "pseudo"
    """`nop`, `debug` or `debug_value`: slots that are not operations of the table."""
    UNKNOWN_OP = "unknown op"
    ENGINE = "engine"
    """The engine a `nop ENGINE` keeps present."""
    NUMBER = "number"
    NAME = "name"
    """A scratch name (the `name` of `name[K]`; K is a NUMBER)."""
    TARGET = "target"
    """A label used as a jump target."""
    JSON = "json"
    """A JSON literal that is not a plain number: a debug operand."""
    SEPARATOR = "separator"
    BAD = "bad"
    """Something the assembler does not read there (`0b101`, a stray character)."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: Lexeme
    start: int
    end: int
    op: OpSpec | None = None
    """The operation of a MNEMONIC."""
    engine: Engine | None = None
    """The engine of a MNEMONIC, of a `debug` slot, or of a `nop ENGINE`."""


def lex(line: str) -> list[Token]:
    """The tokens of one line, in order; spaces, commas and brackets are not tokens."""
    tokens: list[Token] = []
    pos = _skip(line, 0)
    if pos == len(line):
        return tokens
    if line[pos] == "#":
        return [Token(Lexeme.COMMENT, pos, len(line))]
    if line[pos] == ".":
        return _directive(line, pos, tokens)
    if line.startswith("||", pos):
        tokens.append(Token(Lexeme.SEPARATOR, pos, pos + 2))
        pos += 2
    else:
        while label := LABEL_RE.match(line, pos):
            tokens.append(Token(Lexeme.LABEL, pos, label.end()))
            pos = _skip(line, label.end())
    while pos < len(line):
        pos = _slot(line, _skip(line, pos), tokens)
        if line.startswith("||", pos):
            tokens.append(Token(Lexeme.SEPARATOR, pos, pos + 2))
            pos += 2
    return tokens


def _skip(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in SPACE:
        pos += 1
    return pos


def _directive(line: str, pos: int, tokens: list[Token]) -> list[Token]:
    word = NAME_RE.match(line, pos + 1)
    end = word.end() if word else pos + 1
    tokens.append(Token(Lexeme.DIRECTIVE, pos, end))
    start = _skip(line, end)
    name = NAME_RE.match(line, start)  # the name, as the reader takes it (`x@7` is x, @ 7)
    if name:
        tokens.append(Token(Lexeme.NAME, start, name.end()))
        end = name.end()
    _operands(line, end, None, tokens)
    return tokens


def _slot(line: str, pos: int, tokens: list[Token]) -> int:
    """Reads one slot from `pos`; the position after it (at `||`, or the end of the line)."""
    if pos >= len(line):
        return pos
    if line[pos] == "#":
        tokens.append(Token(Lexeme.COMMENT, pos, len(line)))
        return len(line)
    word = OP_RE.match(line, pos)
    if not word:  # a stray character where a mnemonic should be
        tokens.append(Token(Lexeme.BAD, pos, pos + 1))
        return _operands(line, pos + 1, None, tokens)
    mnemonic = word.group()
    spec = BY_MNEMONIC.get(mnemonic)
    if spec is not None:
        tokens.append(Token(Lexeme.MNEMONIC, pos, word.end(), spec, spec.engine))
    elif mnemonic in (DEBUG_ENTRY, DEBUG_VALUE):
        tokens.append(Token(Lexeme.PSEUDO, pos, word.end(), engine=Engine.DEBUG))
    elif mnemonic == NOP:
        tokens.append(Token(Lexeme.PSEUDO, pos, word.end()))
        after = _skip(line, word.end())
        engine = NAME_RE.match(line, after)
        if engine and engine.group() in ENGINE_BY_NAME:
            tokens.append(Token(Lexeme.ENGINE, after, engine.end(),
                                engine=ENGINE_BY_NAME[engine.group()]))
            return _operands(line, engine.end(), None, tokens)
    else:
        tokens.append(Token(Lexeme.UNKNOWN_OP, pos, word.end()))
    return _operands(line, word.end(), spec, tokens, mnemonic in (DEBUG_ENTRY, DEBUG_VALUE))


def _operands(line: str, pos: int, spec: OpSpec | None, tokens: list[Token],
              json_only: bool = False) -> int:
    """Reads operands up to `||` or the end of the line; `spec` says what each one is."""
    k = 0
    while True:
        pos = _skip(line, pos)
        if pos >= len(line) or line.startswith("||", pos):
            return pos
        char = line[pos]
        if char == "#":
            tokens.append(Token(Lexeme.COMMENT, pos, len(line)))
            return len(line)
        if char == ",":
            k += 1
            pos += 1
            continue
        if char == "@":  # a directive's address follows
            pos += 1
            continue
        kind = spec.operands[k] if spec is not None and k < spec.arity else None
        if char in JSON_START:
            end = _json_end(line, pos)
            tokens.append(Token(Lexeme.JSON if kind in (Kind.ANY, None) else Lexeme.BAD,
                                pos, end))
            pos = end
            continue
        token = TOKEN_RE.match(line, pos)
        if not token:  # '|', ']', '}' and the like
            if char not in "[]":
                tokens.append(Token(Lexeme.BAD, pos, pos + 1))
            pos += 1
            continue
        tokens.extend(_operand(token.group(), pos, kind, json_only))
        pos = token.end()


def _operand(text: str, pos: int, kind: Kind | None, json_only: bool) -> list[Token]:
    end = pos + len(text)
    try:
        number = parse_int(text)
    except NumberTooLong:
        return [Token(Lexeme.BAD, pos, end)]
    if number is not None:
        return [Token(Lexeme.NUMBER, pos, end)]
    if kind is Kind.ANY or json_only:
        return [Token(Lexeme.JSON if _json_end(text, 0) == len(text) else Lexeme.BAD,
                      pos, end)]
    ref = REF_RE.fullmatch(text)
    if ref is None or kind is Kind.IMMEDIATE:
        return [Token(Lexeme.BAD, pos, end)]
    if kind is Kind.TARGET:
        return [Token(Lexeme.TARGET if ref.group(2) is None else Lexeme.BAD, pos, end)]
    name = [Token(Lexeme.NAME, pos, pos + len(ref.group(1)))]
    if ref.group(2) is None:
        return name
    index_start = pos + ref.start(2)
    index = ref.group(2)
    if not index:  # `name[]`: the brackets themselves are what is wrong
        return [*name, Token(Lexeme.BAD, index_start - 1, index_start + 1)]
    try:
        value = parse_int(index.strip())
    except NumberTooLong:
        value = None
    good = value is not None and value >= 0
    return [*name, Token(Lexeme.NUMBER if good else Lexeme.BAD, index_start,
                         index_start + len(index))]


def _json_end(text: str, pos: int) -> int:
    """Where the JSON literal at `pos` ends; a broken one runs to its closing quote or
    bracket, or to the end of the line."""
    try:
        return strict_decoder().raw_decode(text, pos)[1]
    except (json.JSONDecodeError, ValueError, RecursionError):
        pass
    depth, in_string, escaped = 0, False, False
    for i in range(pos, len(text)):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                if depth == 0:
                    return i + 1
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth <= 0:
                return i + 1
    return len(text)
