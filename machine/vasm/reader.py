"""The assembler's line reader: one line of `.vasm` read into what it says.

`LineReader.read` turns the text of a line into a `Note` (blank or comment
line), a `Directive` or a `Code` line (labels, slots, trailing comment). What
a line says depends on its text alone, so each distinct text is read once per
file: an unrolled kernel repeats a few lines thousands of times. Names are
kept as `Name` and `Label` operands, resolved once the whole file is read. A
problem ends the reading of its line and is kept in the read line with its
column.

Most lines of a kernel are plain slots (`op a, b[3], 0x1F || op ...`): they
are taken apart with string methods, each distinct operand text worked out
once. Read in the assembler's second pass (`read_resolved`), where names are
known, the same reading looks each operand text up as the machine reads it,
address or bundle index, so that such a line is read once and never resolved
name by name. Any other line (JSON operands, labels, odd characters, a problem) is
walked character by character, which words every problem. The walk is the
definition; the plain reading answers only where it reads the same (the
tests compare them on generated lines) and leaves the line to the walk
otherwise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from machine.isa import BY_MNEMONIC, OPS, Engine, Kind, OpSpec
from machine.program import OpaqueDebug, Slot
from machine.takehome_json import JsonValueError, json_value, strict_decoder
from machine.text import quoted_token as shown
from machine.vasm.names import Label, Name, Resolver, Unresolved
from machine.vasm.syntax import (
    ADDRESS_RE,
    ARRAY,
    DEBUG_ENTRY,
    DEBUG_VALUE,
    DIRECTIVES,
    ENGINE_BY_NAME,
    JSON_START,
    LABEL_RE,
    NAME_RE,
    NOP,
    OP_RE,
    REF_RE,
    SPACE,
    TOKEN_RE,
    VECTOR,
    NumberTooLong,
    comment_text,
    debug_slot,
    nearest,
    or_list,
    parse_int,
)

_NUMBER_START = "-0123456789"
_get = dict.__getitem__
_SINGLE_BAR = "a single '|' separates nothing; slots are separated by '||'"


Written = tuple[Engine | None, OpSpec | None, tuple[Any, ...], int]
"""One slot as written: (engine, op, operands, column). A `nop` has no op (a bare `nop` no
engine either); operands are ints, JSON values (debug operands), `Name`s and `Label`s.
A debug slot (its operands are JSON, with no names to resolve) has no op either, and its
finished slot as its one operand. A plain tuple: a kernel has tens of thousands of slots."""


@dataclass(frozen=True, slots=True)
class Note:
    """A line that only stands between items: blank (text None) or a full-line comment."""

    text: str | None


@dataclass(frozen=True, slots=True)
class Declaration:
    name: str
    kind: str
    length: int
    address: int | None
    comment: str | None
    column: int


@dataclass(frozen=True, slots=True)
class Directive:
    declaration: Declaration | None
    problem: tuple[str, int] | None
    """(message, column) when the line could not be read; then no declaration."""


@dataclass(slots=True, eq=False)
class Code:
    """Labels, then slots (a bundle, or the continuation of one), then a trailing comment.

    Compared by identity: the reader gives the same object for the same text,
    so the second pass builds the bundle of a repeated line once."""

    text: str
    labels: tuple[tuple[str, int], ...]
    """(name, column) of each label."""
    bar: int
    """Column of the `||` that begins a continuation line; 0 on other lines."""
    slots: tuple[Written, ...]
    """Empty on a line of labels only and on a line with a problem."""
    comment: str | None
    problem: tuple[str, int] | None = None
    begins: bool = False
    """Whether it is a line of slots alone, which begins a bundle: most lines."""


Line = Note | Directive | Code


class LineError(Exception):
    """A problem that ends the reading of one line."""

    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message = message
        self.column = column


# --- the plain reading ----------------------------------------------------------------


_SCRATCH, _IMMEDIATE, _TARGET = "scratch", "immediate", "target"


def _plain_kind(kind: Kind) -> str:
    return _IMMEDIATE if kind is Kind.IMMEDIATE else _TARGET if kind is Kind.TARGET else _SCRATCH


_PLAIN_OPS = {op.mnemonic: (op, tuple(_plain_kind(kind) for kind in op.operands))
              for op in OPS if op.operands and Kind.ANY not in op.operands}
"""The operations the plain reading takes, with how it reads each operand: those without
operands are rare, those with JSON operands need the walk."""


_JSON_ONLY = frozenset(op for op in OPS if op.operands and set(op.operands) == {Kind.ANY})
"""Operations whose operands are all JSON values (debug slots): kept as written."""


class _Operands(dict[str, Any]):
    """The value of each distinct operand text of one kind; KeyError where it is not plain."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def __missing__(self, text: str) -> Any:
        token = text.strip(SPACE)
        if token != text:  # the same token with other spaces around it is worked out once
            value = self[token]
        else:
            value = self._value(token)
            if value is None:
                raise KeyError(text)
        self[text] = value
        return value

    def _value(self, token: str) -> Any:
        """What the walk makes of a plain token, or None where it would look closer.
        ASCII only: `int` takes other scripts' digits, which the walk refuses."""
        if not token or not token.isascii():
            return None
        if token[0] in _NUMBER_START:
            try:
                return parse_int(token)
            except NumberTooLong:
                return None
        if self.kind is _IMMEDIATE or not NAME_RE.fullmatch(token):
            ref = REF_RE.fullmatch(token)
            if self.kind is not _SCRATCH or ref is None or not ref.group(2):
                return None
            try:
                index = parse_int(ref.group(2))
            except NumberTooLong:
                return None
            return None if index is None or index < 0 else Name(ref.group(1), index)
        return Label(token) if self.kind is _TARGET else Name(token, None)


class _Resolved(dict[str, Any]):
    """The machine's value of each distinct operand text of one kind, its name resolved:
    the second pass reads a plain line straight into addresses. KeyError where the text is
    not plain or does not resolve; the walk then reads the line and the caller words why."""

    def __init__(self, written: _Operands, resolver: Resolver):
        super().__init__()
        self.written = written
        self.resolver = resolver

    def __missing__(self, text: str) -> Any:
        try:
            value = self.resolver[self.written[text]]
        except Unresolved:
            raise KeyError(text) from None
        self[text] = value
        return value


# --- the walk -------------------------------------------------------------------------


class _Scanner:
    """One line and a position in it; columns are 1-based."""

    def __init__(self, text: str, pos: int = 0):
        self.text = text
        self.pos = pos

    @property
    def column(self) -> int:
        return self.pos + 1

    def skip_space(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in SPACE:
            pos += 1
        self.pos = pos

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def at(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.pos)

    def at_slot_end(self) -> bool:
        return self.at_end() or self.peek() == "#" or self.at("||")

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = pattern.match(self.text, self.pos)
        if found:
            self.pos = found.end()
        return found

    def shown(self) -> str:
        """What stands at the position, for a message."""
        rest = self.text[self.pos:].split()
        return shown(rest[0] if rest else "")

    def comment(self) -> str | None:
        """The trailing comment, if the line ends here; otherwise a LineError."""
        self.skip_space()
        if self.at_end():
            return None
        if self.peek() == "#":
            text = comment_text(self.text[self.pos + 1:])
            self.pos = len(self.text)
            return text
        raise LineError(f"unexpected {self.shown()}", self.column)


class _Operand(NamedTuple):
    text: str
    column: int
    json: Any = None
    is_json: bool = False


_TAKEHOME_NAMES: dict[str, list[OpSpec]] = {}
for _op in OPS:
    if _op.name != _op.mnemonic:
        _TAKEHOME_NAMES.setdefault(_op.name, []).append(_op)


def _unknown_operation(word: str) -> str:
    message = f"unknown operation {shown(word)}"
    if word in _TAKEHOME_NAMES:
        names = [f"{op.mnemonic} ({op.engine})" for op in _TAKEHOME_NAMES[word]]
        return f"{message}; in .vasm it is {or_list(names)}"
    if word.lower() in BY_MNEMONIC:
        return f"{message}; did you mean {word.lower()}?"
    close = nearest(word, [*BY_MNEMONIC, NOP, DEBUG_ENTRY, DEBUG_VALUE])
    return f"{message}; did you mean {or_list(close)}?" if close else message


def _decode_json(text: str, pos: int) -> tuple[Any, int]:
    """A JSON literal starting at `pos`: (value, end), or a LineError."""
    try:
        value, end = strict_decoder().raw_decode(text, pos)
        return json_value(value), end
    except json.JSONDecodeError as error:
        raise LineError(f"bad JSON value: {error.msg}", error.colno) from None
    except RecursionError:
        raise LineError("bad JSON value: nested too deeply", pos + 1) from None
    except (JsonValueError, ValueError) as error:
        raise LineError(f"bad JSON value: {error}", pos + 1) from None


def _number(token: str, column: int) -> int | None:
    try:
        return parse_int(token)
    except NumberTooLong as error:
        raise LineError(str(error), column) from None


def _expected(kind: Kind) -> str:
    if kind is Kind.IMMEDIATE:
        return "a number"
    if kind is Kind.TARGET:
        return "a label or a bundle number"
    return "a scratch address or a name"


def no_label(text: str) -> bool:
    """Whether no label begins the line: it has no ':' before its comment."""
    colon = text.find(":")
    return colon < 0 or 0 <= text.find("#") < colon


_PlainOps = dict[str, tuple[Engine, OpSpec, tuple[dict[str, Any], ...], int]]
"""By mnemonic: engine, op, where each operand's value is looked up, and how many."""


def _plain_ops(tables: dict[str, Any]) -> _PlainOps:
    return {mnemonic: (spec.engine, spec, tuple(tables[kind] for kind in kinds), len(kinds))
            for mnemonic, (spec, kinds) in _PLAIN_OPS.items()}


class LineReader:
    """Reads the lines of one file; `vlen` is the length of a `.vector`."""

    def __init__(self, vlen: int):
        self.vlen = vlen
        self.read_lines: dict[str, Line] = {}
        self.operands = {kind: _Operands(kind) for kind in (_SCRATCH, _IMMEDIATE, _TARGET)}
        self.plain_ops = _plain_ops(self.operands)
        self.resolved_ops: _PlainOps = {}
        """`plain_ops` with names resolved, once the second pass knows them (`resolve_with`)."""

    def resolve_with(self, resolver: Resolver) -> None:
        """Readies `read_resolved`: names and labels are known now."""
        self.resolved_ops = _plain_ops({kind: _Resolved(written, resolver)
                                        for kind, written in self.operands.items()})

    def read_resolved(self, text: str) -> Code | None:
        """A plain line read with its operands as the machine reads them (addresses, bundle
        indices), or None where `read` must read it and its names be resolved one by one."""
        return self._plain(text, self.resolved_ops)

    def read(self, text: str) -> Line:
        """What the line says; the same object for the same text."""
        line = self.read_lines.get(text)
        if line is None:
            line = self.read_lines[text] = self._read(text)
        return line

    def _read(self, text: str) -> Line:
        code = text.lstrip(SPACE)
        if not code:
            return Note(None)
        if code[0] == "#":
            return Note(comment_text(code[1:]))
        if code[0] == ".":
            try:
                return Directive(self._directive(_Scanner(text, len(text) - len(code))), None)
            except LineError as error:
                return Directive(None, (error.message, error.column))
        if no_label(text):
            plain = self._plain(text)
            if plain is not None:
                return plain
        return self._walk(text, len(text) - len(code))

    def _plain(self, text: str, ops: _PlainOps | None = None) -> Code | None:
        """The line read with string methods, each operand's value looked up where `ops`
        says (by default: as written); None where the walk must read it."""
        if ops is None:
            ops = self.plain_ops
        code, hashmark, comment = text.partition("#")
        pieces = code.split("||")
        offset = 0
        bar = 0
        if not pieces[0].strip(SPACE):
            if len(pieces) == 1:
                return None
            bar = len(pieces[0]) + 1
            offset = bar + 1
            del pieces[0]
        slots = []
        try:
            for piece in pieces:
                body = piece.lstrip(SPACE)
                width = len(piece)
                column = offset + width - len(body) + 1
                offset += width + 2
                mnemonic, _, rest = body.partition(" ")
                engine, spec, values, arity = ops[mnemonic]
                tokens = rest.split(",")
                # Most operations have three or four operands: unpacked, they are read at a
                # third of the cost of a map. (ValueError: another count of operands.)
                if arity == 3:
                    (a, b, c), (value_a, value_b, value_c) = tokens, values
                    args = (value_a[a], value_b[b], value_c[c])
                elif arity == 4:
                    (a, b, c, d), (value_a, value_b, value_c, value_d) = tokens, values
                    args = (value_a[a], value_b[b], value_c[c], value_d[d])
                elif len(tokens) == len(values):
                    args = tuple(map(_get, values, tokens))
                else:
                    return None
                slots.append((engine, spec, args, column))
        except (KeyError, ValueError):
            return None
        return Code(text, (), bar, tuple(slots), comment_text(comment) if hashmark else None,
                    begins=not bar)

    def _walk(self, text: str, pos: int) -> Code:
        scanner = _Scanner(text, pos)
        labels: list[tuple[str, int]] = []
        bar = 0
        try:
            if scanner.at("||"):
                bar = scanner.column
                scanner.pos += 2
            else:
                while label := scanner.match(LABEL_RE):
                    labels.append((label.group(1), label.start() + 1))
                    scanner.skip_space()
                if labels and (scanner.at_end() or scanner.peek() == "#"):
                    return Code(text, tuple(labels), 0, (), scanner.comment())
            slots = self._slots(scanner)
            return Code(text, tuple(labels), bar, slots, scanner.comment(),
                        begins=not (bar or labels))
        except LineError as error:
            return Code(text, tuple(labels), bar, (), None, (error.message, error.column))

    # --- directives -------------------------------------------------------------------

    def _directive(self, scanner: _Scanner) -> Declaration:
        column = scanner.column
        scanner.pos += 1
        word = scanner.match(NAME_RE)
        kind = word.group() if word else ""
        if kind not in DIRECTIVES:
            known = ", ".join("." + d for d in DIRECTIVES)
            raise LineError(f"unknown directive {shown('.' + kind)} (directives: {known})",
                            column)
        scanner.skip_space()
        name_column = scanner.column
        name = scanner.match(NAME_RE)
        if not name:
            raise LineError(f"expected a name after .{kind}, not {scanner.shown()}",
                            scanner.column)
        length = self.vlen if kind == VECTOR else 1
        if scanner.peek() == "[":
            if kind != ARRAY:
                raise LineError(f"only .array takes a length; .{kind} is {length} word"
                                f"{'s' * (length > 1)}", scanner.column)
            length = self._length(scanner)
        elif kind == ARRAY:
            raise LineError(f"expected a length: .array {shown(name.group())[1:-1]}[LENGTH]",
                            scanner.column)
        scanner.skip_space()
        address = None
        if scanner.peek() == "@":
            scanner.pos += 1
            scanner.skip_space()
            address = self._address(scanner)
        comment = scanner.comment()
        return Declaration(name.group(), kind, length, address, comment, name_column)

    @staticmethod
    def _length(scanner: _Scanner) -> int:
        column = scanner.column + 1
        end = scanner.text.find("]", scanner.pos)
        if end < 0:
            raise LineError("missing ']' after the length", column)
        token = scanner.text[scanner.pos + 1:end].strip()
        length = _number(token, column)
        if length is None or length < 1:
            raise LineError(f"the length must be a whole number of at least 1, not "
                            f"{shown(token)}", column)
        scanner.pos = end + 1
        return length

    @staticmethod
    def _address(scanner: _Scanner) -> int:
        column = scanner.column
        token = scanner.match(ADDRESS_RE)
        if not token:
            raise LineError("expected a scratch address after '@'", column)
        address = _number(token.group(), column)
        if address is None or address < 0:
            raise LineError(f"expected a scratch address (a number of at least 0) after '@', "
                            f"not {shown(token.group())}", column)
        return address

    # --- slots ------------------------------------------------------------------------

    def _slots(self, scanner: _Scanner) -> tuple[Written, ...]:
        """The slots from the position to the trailing comment."""
        slots = []
        while True:
            scanner.skip_space()
            slots.append(self._slot(scanner))
            scanner.skip_space()
            if not scanner.at("||"):
                return tuple(slots)
            scanner.pos += 2

    def _slot(self, scanner: _Scanner) -> Written:
        column = scanner.column
        word = scanner.match(OP_RE)
        if not word:
            if scanner.at_end() or scanner.peek() == "#":
                raise LineError("expected an operation after '||'", column)
            raise LineError(f"expected an operation, not {scanner.shown()}", column)
        mnemonic = word.group()
        if mnemonic == NOP:
            return _nop(scanner, column)
        spec = BY_MNEMONIC.get(mnemonic)
        if spec is None and mnemonic not in (DEBUG_ENTRY, DEBUG_VALUE):
            raise LineError(_unknown_operation(mnemonic), column)
        if not scanner.at_slot_end() and scanner.peek() not in SPACE:
            raise LineError(f"expected a space after {mnemonic!r}, not {scanner.shown()}",
                            scanner.column)
        operands = _operands(scanner)
        if spec is None:
            return _debug(mnemonic, operands, column)
        if len(operands) != spec.arity:
            if spec.arity == 0:
                message = f"{mnemonic} takes no operands, not {len(operands)}"
            else:
                names = ", ".join(spec.operand_names)
                message = (f"{mnemonic} takes {spec.arity} operand{'s' * (spec.arity > 1)} "
                           f"({names}), not {len(operands)}")
            raise LineError(message, column)
        args = tuple([_interpret(spec, k, operand) for k, operand in enumerate(operands)])
        if spec in _JSON_ONLY:  # no names to resolve: the slot is finished
            return (spec.engine, None, (Slot(spec.engine, spec.name, args),), column)
        return (spec.engine, spec, args, column)


def _nop(scanner: _Scanner, column: int) -> Written:
    scanner.skip_space()
    if scanner.at_slot_end():
        return (None, None, (), column)
    engine_column = scanner.column
    word = scanner.match(NAME_RE)
    engine = ENGINE_BY_NAME.get(word.group()) if word else None
    if engine is None:
        names = ", ".join(ENGINE_BY_NAME)
        found = f", not {shown(word.group())}" if word else ""
        raise LineError(f"nop takes an engine ({names}) or nothing{found}", engine_column)
    return (engine, None, (), column)


def _debug(mnemonic: str, operands: list[_Operand], column: int) -> Written:
    """`debug ENTRY` (a raw debug entry) or `debug_value VALUE` (the debug engine's value)."""
    if len(operands) != 1:
        raise LineError(f"{mnemonic} takes 1 operand (a JSON value), not {len(operands)}",
                        column)
    value = _json_operand(operands[0], f"{mnemonic}'s value")
    if mnemonic == DEBUG_ENTRY:
        return (Engine.DEBUG, None, (debug_slot(value),), column)
    if type(value) is list:
        raise LineError(f"debug_value takes a value that is not a list; a list is the debug "
                        f"slots themselves: write its entries as '{DEBUG_ENTRY} ENTRY' slots",
                        operands[0].column)
    return (Engine.DEBUG, None, (OpaqueDebug(Engine.DEBUG, "", (value,), whole=True),), column)


def _operands(scanner: _Scanner) -> list[_Operand]:
    operands: list[_Operand] = []
    scanner.skip_space()
    if scanner.at_slot_end():
        return operands
    while True:
        operands.append(_operand(scanner))
        scanner.skip_space()
        if scanner.peek() == ",":
            scanner.pos += 1
            scanner.skip_space()
            continue
        if scanner.at_slot_end():
            return operands
        if scanner.peek() == "|":
            raise LineError(_SINGLE_BAR, scanner.column)
        raise LineError(f"expected ',' between operands, not {scanner.shown()}", scanner.column)


def _operand(scanner: _Scanner) -> _Operand:
    column = scanner.column
    if scanner.peek() in JSON_START and not scanner.at_end():
        value, end = _decode_json(scanner.text, scanner.pos)
        text = scanner.text[scanner.pos:end]
        scanner.pos = end
        return _Operand(text, column, value, is_json=True)
    token = scanner.match(TOKEN_RE)
    if not token and scanner.peek() == "|":
        raise LineError(_SINGLE_BAR, column)
    if not token:
        what = scanner.shown() if not scanner.at_slot_end() else "nothing"
        raise LineError(f"expected an operand, not {what}", column)
    return _Operand(token.group(), column)


def _interpret(spec: OpSpec, k: int, operand: _Operand) -> Any:
    """An operand as its kind reads it: an int, a JSON value, a `Name` or a `Label`."""
    kind = spec.operands[k]
    where = f"operand {spec.operand_names[k]} of {spec.mnemonic}"
    text = operand.text
    if kind is Kind.ANY:
        return _json_operand(operand, where)
    number = None if operand.is_json else _number(text, operand.column)
    if number is not None:
        return number
    ref = None if operand.is_json else REF_RE.fullmatch(text)
    if kind is Kind.IMMEDIATE or ref is None:
        raise LineError(f"expected {_expected(kind)} for {where}, not {shown(text)}",
                        operand.column)
    if ref.group(2) is None:
        return Label(text) if kind is Kind.TARGET else Name(text, None)
    if kind is Kind.TARGET:
        raise LineError(f"expected a label or a bundle number for {where}, not {shown(text)}",
                        operand.column)
    index = _number(ref.group(2).strip(), operand.column)
    if index is None or index < 0:
        raise LineError(f"the index in {shown(text)} must be a number of at least 0",
                        operand.column)
    return Name(ref.group(1), index)


def _json_operand(operand: _Operand, where: str) -> Any:
    if operand.is_json:
        return operand.json
    try:
        value, end = _decode_json(operand.text, 0)
    except LineError:
        value, end = None, -1
    if end != len(operand.text):
        raise LineError(f"expected a JSON value (number, \"string\", [list], true, false, "
                        f"null) for {where}, not {shown(operand.text)}", operand.column)
    return value


def operand_columns(text: str, column: int) -> list[int]:
    """Where the operands of the slot at `column` of a line begin (to locate a problem)."""
    scanner = _Scanner(text, column - 1)
    scanner.match(OP_RE)
    return [operand.column for operand in _operands(scanner)]
