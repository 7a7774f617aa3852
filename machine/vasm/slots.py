"""Reading the slots of one line of `.vasm`: mnemonics, operands, `||`, the trailing comment.

Two readers give the same result. `read_slots` walks the line and reports
any problem with its column. `quick_slots` takes the common plain line (names
and numbers, no JSON) apart with string methods, about four times faster,
and gives up (returns None) on anything else, problems included, so that the
careful reader handles them. A scratch name or a label is kept as its text
(`"v[3]"`, `"loop"`); the parser resolves it once the whole file is read.
(`plain.PlainBundles` reads whole bundles of plain lines, names resolved, with
`quick_operand`'s reading of each operand.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from machine.isa import BY_MNEMONIC, OPS, Engine, Kind, OpSpec
from machine.takehome_json import JsonValueError, json_value, strict_decoder
from machine.vasm.syntax import ENGINE_BY_NAME, NAME_RE, NOP, comment_text, nearest, parse_int

SPACE = " \t\f\v"
_OP_RE = re.compile(r"[^\s,|#\[\]{}\"]+")
_TOKEN_RE = re.compile(r"[^\s,|#\[\]{}\"]+(?:\[[^\]]*\])?")
REF_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?")
_JSON_START = "\"[{"
_NUMBER_START = frozenset("-0123456789")
_SINGLE_BAR = "a single '|' separates nothing; slots are separated by '||'"

_PLAIN_SLOT = r"[A-Za-z_]\w*(?:[ \t]+[-\w]+(?:\[\w*\])?(?:[ \t]*,[ \t]*[-\w]+(?:\[\w*\])?)*)?"
PLAIN_LINE_RE = re.compile(
    rf"[ \t]*(?:\|\|[ \t]*)?{_PLAIN_SLOT}(?:[ \t]*\|\|[ \t]*{_PLAIN_SLOT})*[ \t]*(?:#.*)?",
    re.ASCII)
"""Lines `quick_slots` may read: slots of plain words, `||`, a trailing comment."""

_TAKEHOME_NAMES: dict[str, list[OpSpec]] = {}
for _op in OPS:
    if _op.name != _op.mnemonic:
        _TAKEHOME_NAMES.setdefault(_op.name, []).append(_op)


class LineError(Exception):
    """A problem that ends the reading of one line."""

    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(slots=True)
class Entry:
    """One slot as written, or a `nop` (spec None; engine None for a bare `nop`).

    `args` hold ints, JSON values (debug operands) and, for scratch and target
    operands, names still to resolve (str).
    """

    engine: Engine | None
    spec: OpSpec | None
    args: list[Any]
    line: int
    column: int


@dataclass(frozen=True)
class _Operand:
    text: str
    column: int
    json: Any = None
    is_json: bool = False


class Scanner:
    """One line and a position in it; columns are 1-based."""

    def __init__(self, text: str, line: int, pos: int = 0):
        self.text = text
        self.line = line
        self.pos = pos

    @property
    def column(self) -> int:
        return self.pos + 1

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in SPACE:
            self.pos += 1

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
        word = rest[0] if rest else ""
        return repr(word if len(word) <= 20 else word[:17] + "...")

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


def or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _unknown_operation(word: str) -> str:
    message = f"unknown operation {word!r}"
    if word in _TAKEHOME_NAMES:
        names = [f"{op.mnemonic} ({op.engine})" for op in _TAKEHOME_NAMES[word]]
        return f"{message}; in .vasm it is {or_list(names)}"
    if word.lower() in BY_MNEMONIC:
        return f"{message}; did you mean {word.lower()}?"
    close = nearest(word, [*BY_MNEMONIC, NOP])
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


# --- the careful reader -----------------------------------------------------------


def read_slots(scanner: Scanner) -> tuple[list[Entry], str | None]:
    """The slots from the position to the end of the line, and the trailing comment."""
    entries = []
    while True:
        scanner.skip_space()
        entries.append(_read_slot(scanner))
        scanner.skip_space()
        if not scanner.at("||"):
            break
        scanner.pos += 2
    return entries, scanner.comment()


def _read_slot(scanner: Scanner) -> Entry:
    column = scanner.column
    word = scanner.match(_OP_RE)
    if not word:
        if scanner.at_end() or scanner.peek() == "#":
            raise LineError("expected an operation after '||'", column)
        raise LineError(f"expected an operation, not {scanner.shown()}", column)
    mnemonic = word.group()
    if mnemonic == NOP:
        return _read_nop(scanner, column)
    spec = BY_MNEMONIC.get(mnemonic)
    if spec is None:
        raise LineError(_unknown_operation(mnemonic), column)
    if not scanner.at_slot_end() and scanner.peek() not in SPACE:
        raise LineError(f"expected a space after {mnemonic!r}, not {scanner.shown()}",
                        scanner.column)
    operands = read_operands(scanner)
    if len(operands) != spec.arity:
        if spec.arity == 0:
            message = f"{mnemonic} takes no operands, not {len(operands)}"
        else:
            names = ", ".join(spec.operand_names)
            message = (f"{mnemonic} takes {spec.arity} operand{'s' * (spec.arity > 1)} "
                       f"({names}), not {len(operands)}")
        raise LineError(message, column)
    args = [_interpret(spec, k, operand) for k, operand in enumerate(operands)]
    return Entry(spec.engine, spec, args, scanner.line, column)


def _read_nop(scanner: Scanner, column: int) -> Entry:
    scanner.skip_space()
    if scanner.at_slot_end():
        return Entry(None, None, [], scanner.line, column)
    engine_column = scanner.column
    word = scanner.match(NAME_RE)
    engine = ENGINE_BY_NAME.get(word.group()) if word else None
    if engine is None:
        names = ", ".join(ENGINE_BY_NAME)
        found = f", not {word.group()!r}" if word else ""
        raise LineError(f"nop takes an engine ({names}) or nothing{found}", engine_column)
    return Entry(engine, None, [], scanner.line, column)


def read_operands(scanner: Scanner) -> list[_Operand]:
    operands: list[_Operand] = []
    scanner.skip_space()
    if scanner.at_slot_end():
        return operands
    while True:
        operands.append(_read_operand(scanner))
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


def _read_operand(scanner: Scanner) -> _Operand:
    column = scanner.column
    if scanner.peek() in _JSON_START and not scanner.at_end():
        value, end = _decode_json(scanner.text, scanner.pos)
        text = scanner.text[scanner.pos:end]
        scanner.pos = end
        return _Operand(text, column, value, is_json=True)
    token = scanner.match(_TOKEN_RE)
    if not token and scanner.peek() == "|":
        raise LineError(_SINGLE_BAR, column)
    if not token:
        what = scanner.shown() if not scanner.at_slot_end() else "nothing"
        raise LineError(f"expected an operand, not {what}", column)
    return _Operand(token.group(), column)


def _expected(kind: Kind) -> str:
    if kind is Kind.IMMEDIATE:
        return "a number"
    if kind is Kind.TARGET:
        return "a label or a bundle number"
    return "a scratch address or a name"


def _interpret(spec: OpSpec, k: int, operand: _Operand) -> Any:
    """An operand as its kind reads it: an int, a JSON value, or a name to resolve later."""
    kind = spec.operands[k]
    where = f"operand {spec.operand_names[k]} of {spec.mnemonic}"
    text = operand.text
    if kind is Kind.ANY:
        if operand.is_json:
            return operand.json
        try:
            value, end = _decode_json(text, 0)
        except LineError:
            value, end = None, -1
        if end != len(text):
            raise LineError(f"expected a JSON value (number, \"string\", [list], true, false, "
                            f"null) for {where}, not {text!r}", operand.column)
        return value
    number = None if operand.is_json else parse_int(text)
    if number is not None:
        return number
    ref = None if operand.is_json else REF_RE.fullmatch(text)
    if kind is Kind.IMMEDIATE or ref is None:
        raise LineError(f"expected {_expected(kind)} for {where}, not {text!r}", operand.column)
    if ref.group(2) is None:
        return text
    if kind is Kind.TARGET:
        raise LineError(f"expected a label or a bundle number for {where}, not {text!r}",
                        operand.column)
    index = parse_int(ref.group(2).strip())
    if index is None or index < 0:
        raise LineError(f"the index in {text!r} must be a number of at least 0", operand.column)
    return text


def careful_slots(line: str, number: int) -> tuple[bool, list[Entry], str | None]:
    """(is a continuation line, slots, trailing comment) of a line of slots; LineError if
    it has a problem."""
    scanner = Scanner(line, number)
    scanner.skip_space()
    continuation = scanner.at("||")
    if continuation:
        scanner.pos += 2
    return (continuation, *read_slots(scanner))


def operand_columns(line: str, column: int) -> list[int]:
    """Where the operands of the slot at `column` of a line begin (to locate a problem)."""
    scanner = Scanner(line, 0, column - 1)
    scanner.match(_OP_RE)
    return [operand.column for operand in read_operands(scanner)]


# --- the quick reader --------------------------------------------------------------


SCRATCH, IMMEDIATE, TARGET = "scratch", "immediate", "target"
QUICK_KINDS: dict[str, tuple[str, ...] | None] = {
    op.mnemonic: None if Kind.ANY in op.operands else tuple(
        IMMEDIATE if kind is Kind.IMMEDIATE else TARGET if kind is Kind.TARGET else SCRATCH
        for kind in op.operands)
    for op in OPS
}
"""Per mnemonic, how the quick reader reads each operand; None: debug ops, JSON operands."""


@lru_cache(maxsize=1 << 14)
def quick_operand(kind: str, token: str) -> Any:
    """What `_interpret` makes of a plain token, or None where it would need a closer look.
    Cached: kernels name the same few registers and constants over and over. ASCII only:
    `isdigit` and `int` take other scripts' digits, which the careful reader refuses."""
    if not token or not token.isascii():
        return None
    if token[0] in _NUMBER_START:
        if token.isdigit() and len(token) < 100:
            return int(token)
        return parse_int(token)
    if kind is IMMEDIATE:
        return None
    if NAME_RE.fullmatch(token):
        return token
    if kind is TARGET:
        return None
    ref = REF_RE.fullmatch(token)
    return token if ref and ref.group(2) and ref.group(2).isdigit() else None


def quick_slots(line: str, number: int) -> tuple[bool, list[Entry], str | None] | None:
    """(is a continuation line, slots, trailing comment) of a plain line, or None."""
    if not PLAIN_LINE_RE.fullmatch(line):
        return None
    code, hashmark, comment = line.partition("#")
    stripped = code.lstrip(" \t")
    offset = len(code) - len(stripped)
    continuation = stripped.startswith("||")
    if continuation:
        stripped = stripped[2:]
        offset += 2
    entries = []
    for piece in stripped.split("||"):
        column = offset + len(piece) - len(piece.lstrip(" \t")) + 1
        offset += len(piece) + 2
        words = piece.split(None, 1)
        kinds = QUICK_KINDS.get(words[0])
        if kinds is None:
            return None
        tokens = [token.strip() for token in words[1].split(",")] if len(words) > 1 else []
        if len(tokens) != len(kinds):
            return None
        args = []
        for kind, token in zip(kinds, tokens, strict=True):
            value = quick_operand(kind, token)
            if value is None:
                return None
            args.append(value)
        spec = BY_MNEMONIC[words[0]]
        entries.append(Entry(spec.engine, spec, args, number, column))
    return continuation, entries, comment_text(comment) if hashmark else None
