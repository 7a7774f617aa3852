"""What the `.vasm` parser and printer must agree on: names, numbers, comments, allocation.

Each fact is written once here so that the printer can never write text the
parser reads differently (docs/vasm.md is the prose version).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from machine.isa import Engine
from machine.program import OpaqueDebug, Slot
from machine.text import quoted_token as shown

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SPACE = " \t\f\v"
"""The spaces of `.vasm`: other characters Python calls whitespace are not."""
LABEL_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
"""A label definition, `name:`, at the start of a code line (several may follow each other)."""
OP_RE = re.compile(r"[^\s,|#\[\]{}\"]+")
"""The word that begins a slot: its mnemonic (or what stands where one should)."""
TOKEN_RE = re.compile(r"[^\s,|#\[\]{}\"]+(?:\[[^\]]*\])?")
"""An operand that is not a JSON literal: a number, `name` or `name[K]` (or a bad token)."""
REF_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?")
"""A name operand: `name` or `name[K]`."""
ADDRESS_RE = re.compile(r"[^\s#]+")
JSON_START = "\"[{"
"""An operand that begins with one of these is a JSON literal."""
_HEADER_KEY = r"[A-Za-z][A-Za-z0-9_-]*"
HEADER_RE = re.compile(rf"#[ \t]*({_HEADER_KEY})[ \t]*:(?:[ \t]+(.*))?")
"""A header line: `# key: value` (or `# key:` with an empty value) at the top of the file."""

NOP = "nop"
"""`nop` is an empty bundle; `nop ENGINE` makes an engine present with no slots."""
ENGINE_BY_NAME = {engine.value: engine for engine in Engine}

DEBUG_ENTRY = "debug"
"""`debug X`: one entry of the debug engine's list as the take-home holds it, X its JSON.
The take-home's machine never looks inside a debug entry, so any value is one; `comment`,
`compare` and `vcompare` with their usual operands are the same entries written plainly."""
DEBUG_VALUE = "debug_value"
"""`debug_value X`: the debug engine's whole value when it is not a list (`{"debug": 5}`)."""

SCALAR, VECTOR, ARRAY = "scalar", "vector", "array"
DIRECTIVES = (SCALAR, VECTOR, ARRAY)

HEX_FROM = 0x10000
"""Immediates at least this large in magnitude are printed in hex (hash constants read better)."""

INDENT = "    "
CONTINUATION = " || "
"""How a continuation line begins: a bundle too long for one line puts each engine on its own."""
LINE_WIDTH = 100

_DECIMAL_RE = re.compile(r"-?[0-9]+")
_HEX_RE = re.compile(r"-?0[xX][0-9A-Fa-f]+")

MAX_NUMBER_CHARS = 40
"""A number literal has at most this many characters (2^128 has 39 digits): the machine's
words and immediates are far shorter, and an error message can quote such a number whole."""


class NumberTooLong(ValueError):
    """A number literal longer than MAX_NUMBER_CHARS; the message says so."""


def parse_int(token: str) -> int | None:
    """A decimal or hex integer literal, optionally negative; None if `token` is not one.

    NumberTooLong if it is one, but longer than MAX_NUMBER_CHARS."""
    if _DECIMAL_RE.fullmatch(token):
        base = 10
    elif _HEX_RE.fullmatch(token):
        base = 16
    else:
        return None
    if len(token) > MAX_NUMBER_CHARS:
        raise NumberTooLong(f"the number {shown(token)} is too long (at most "
                            f"{MAX_NUMBER_CHARS} characters)")
    return int(token, base)


def debug_slot(entry: Any) -> Slot:
    """The slot of a raw debug entry: `[name, operand...]` is a named one, anything else is
    kept whole (as machine.takehome_json reads the take-home's form)."""
    if type(entry) is list and entry and type(entry[0]) is str:
        return Slot(Engine.DEBUG, entry[0], tuple(entry[1:]))
    return OpaqueDebug(Engine.DEBUG, "", (entry,))


def debug_entry(slot: Slot) -> Any:
    """The raw entry of a debug slot, as `debug X` writes it: `debug_slot`'s inverse."""
    return slot.value if isinstance(slot, OpaqueDebug) else [slot.name, *slot.args]


def or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def format_immediate(value: int) -> str:
    if abs(value) >= HEX_FROM:
        return f"-0x{-value:X}" if value < 0 else f"0x{value:X}"
    return str(value)


def is_name(text: str) -> bool:
    return NAME_RE.fullmatch(text) is not None


def comment_text(raw: str) -> str:
    """The text of a comment after its `#`: one separating space dropped, trailing space too."""
    return (raw[1:] if raw.startswith(" ") else raw).rstrip()


def comment_line(text: str) -> str:
    return f"# {text}" if text else "#"


def header_problem(key: str, value: str) -> str | None:
    """Why a header entry cannot be written so that it reads back the same, or None."""
    if not re.fullmatch(_HEADER_KEY, key):
        return f"header key {key!r} is not a word"
    if value != value.strip() or "\n" in value or "\r" in value:
        return f"header value of {key!r} must be one line without surrounding spaces"
    return None


def allocate(lengths: Sequence[int], placed: Sequence[int | None]) -> list[int]:
    """Addresses of named scratch blocks: placed ones where placed, the others in order.

    Unplaced blocks are allocated one after another from address 0, each at the
    first address from the previous unplaced block's end where it overlaps no
    placed block (placed anywhere in the file, before or after it).
    """
    blocks = [(start, start + length) for start, length in zip(placed, lengths, strict=True)
              if start is not None]
    addresses: list[int] = []
    cursor = 0
    for length, start in zip(lengths, placed, strict=True):
        if start is not None:
            addresses.append(start)
            continue
        address = first_fit(cursor, length, blocks)
        addresses.append(address)
        cursor = address + length
    return addresses


def first_fit(cursor: int, length: int, blocks: Sequence[tuple[int, int]]) -> int:
    """The first address from `cursor` where `length` words overlap none of the [begin, end)."""
    address = cursor
    moved = True
    while moved:
        moved = False
        for begin, end in blocks:
            if begin < address + length and address < end:
                address, moved = end, True
    return address


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace) that turn `a` into `b`."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def nearest(word: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The known words closest to a misspelt one (fewest edits, then those it begins), or []."""
    if len(word) > 64:
        return []
    allowed = max(1, len(word) // 3)
    scored = [(d, not name.startswith(word), name) for name in known
              if abs(len(name) - len(word)) <= allowed
              and (d := _distance(word, name)) <= allowed]
    if not scored:
        return []
    best = min(d for d, _, _ in scored)
    return [name for d, _, name in sorted(scored) if d == best][:limit]
