"""The `.vasm` printer: the one canonical text of a program, and the text of one slot.

`format_program` writes what `parse` reads back as the same program (names,
labels, comments and header included). Layout: the header, a blank line, the
directives, then the code: labels at column 1, bundles indented, a bundle on
one line unless it is longer than LINE_WIDTH, then one engine per line with
`||` continuation lines. Scratch operands are written by name, jump targets by
label, wherever the program declares one.
"""

from __future__ import annotations

import json
import weakref
from collections import defaultdict
from functools import partial
from typing import Any

from machine.isa import Engine, Kind, OpSpec
from machine.program import (
    Bundle,
    OpaqueDebug,
    Problem,
    Program,
    ProgramError,
    Section,
    Slot,
    Symbol,
)
from machine.takehome_json import JsonValueError, json_value
from machine.vasm.layout import canonical_annotations
from machine.vasm.syntax import (
    ARRAY,
    CONTINUATION,
    DEBUG_ENTRY,
    DEBUG_VALUE,
    HEADER_RE,
    INDENT,
    LINE_WIDTH,
    NOP,
    SCALAR,
    VECTOR,
    comment_line,
    debug_entry,
    debug_slot,
    first_fit,
    format_immediate,
    header_problem,
    is_name,
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def json_literal(value: Any) -> str:
    """A debug operand as JSON, readable (non-ASCII kept) unless it holds lone surrogates."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return json.dumps(value, allow_nan=False)
    return text


class _Namer:
    """Names for scratch addresses and jump targets, from a program's symbols and labels."""

    def __init__(self, program: Program | None):
        self.symbols: tuple[Symbol, ...] = program.symbols if program else ()
        self.labels: dict[int, str] = {}
        for name, index in program.labels if program else ():
            self.labels.setdefault(index, name)
        self.cache: dict[int, str] = {}

    def scratch(self, address: int) -> str:
        text = self.cache.get(address)
        if text is None:
            text = self.cache[address] = self._scratch(address)
        return text

    def _scratch(self, address: int) -> str:
        for symbol in self.symbols:
            if symbol.address == address:
                return symbol.name
        for symbol in self.symbols:
            if symbol.covers(address):
                return f"{symbol.name}[{address - symbol.address}]"
        return str(address)

    def target(self, index: int) -> str:
        return self.labels.get(index, str(index))

    def operand(self, kind: Kind, value: Any) -> str:
        if kind is Kind.ANY or not _is_int(value):
            try:
                return json_literal(value)
            except (TypeError, ValueError, RecursionError):
                return repr(value)
        if kind is Kind.IMMEDIATE:
            return format_immediate(value)
        if kind is Kind.TARGET:
            return self.target(value)
        return self.scratch(value) if value >= 0 else str(value)


_last_namer: tuple[weakref.ref[Program], _Namer] | None = None


def _namer_for(program: Program | None) -> _Namer:
    """The namer of the program last asked about: a debugger shows many slots of one program."""
    global _last_namer
    if program is None:
        return _Namer(None)
    if _last_namer is not None and _last_namer[0]() is program:
        return _last_namer[1]
    namer = _Namer(program)
    _last_namer = (weakref.ref(program), namer)
    return namer


def _debug_text(slot: Slot) -> str:
    """A debug slot that is not an operation of the table with its usual operands: its raw
    entry (`debug X`), or the debug engine's whole value (`debug_value X`)."""
    whole = isinstance(slot, OpaqueDebug) and slot.whole
    entry = debug_entry(slot)
    try:
        text = json_literal(entry)
    except (TypeError, ValueError, RecursionError):
        text = repr(entry)
    return f"{DEBUG_VALUE if whole else DEBUG_ENTRY} {text}"


def _slot_text(slot: Slot, namer: _Namer) -> str:
    spec = slot.spec
    if slot.engine is Engine.DEBUG and (spec is None or len(slot.args) != spec.arity
                                        or isinstance(slot, OpaqueDebug)):
        return _debug_text(slot)
    if spec is None or len(slot.args) != spec.arity:
        kinds = [Kind.ANY] * len(slot.args)
        head = f"{slot.engine}:{slot.name}" if spec is None else spec.mnemonic
    else:
        kinds = list(spec.operands)
        head = spec.mnemonic
    operands = ", ".join(namer.operand(kind, value) for kind, value in zip(kinds, slot.args,
                                                                          strict=True))
    return f"{head} {operands}" if operands else head


def format_slot(slot: Slot, program: Program | None = None) -> str:
    """One slot as `.vasm` text, with the program's names and labels when given.

    Total: a slot the machine does not know is still shown (as `engine:name`).
    """
    return _slot_text(slot, _namer_for(program))


# --- checks: what the text cannot say -------------------------------------------


def _json_problem(value: Any, what: str) -> str | None:
    try:
        if json_value(value) != value:
            return f"{what} is not plain JSON: {value!r}"
    except JsonValueError as error:
        return f"{what}: {error}"
    return None


def _operand_problem(spec: OpSpec, k: int, value: Any) -> str | None:
    kind = spec.operands[k]
    if kind is Kind.ANY:
        return _json_problem(value, f"operand {spec.operand_names[k]}")
    if not _is_int(value):
        return f"operand {spec.operand_names[k]} must be an integer, not {value!r}"
    return None


def _debug_problem(slot: Slot) -> str | None:
    """Why `debug X` or `debug_value X` would not read back as this slot, or None."""
    if not isinstance(slot, OpaqueDebug):
        if not isinstance(slot.name, str):
            return f"a debug slot's name must be a string, not {slot.name!r}"
        return _json_problem(list(slot.args), "a debug slot's operands")
    value = slot.value
    if slot.whole and isinstance(value, list | tuple):
        return "the debug engine's whole value is a list: its entries are slots"
    if not slot.whole and debug_slot(value) != slot:
        return f"the debug entry {value!r} would read back as another slot"
    return _json_problem(value, "a debug entry")


def _slot_problems(slot: Slot, engine: Engine) -> list[str]:
    spec = slot.spec
    if slot.engine is not engine:
        return [f"a {slot.engine} slot is listed under {engine}"]
    if engine is Engine.DEBUG and (spec is None or isinstance(slot, OpaqueDebug)
                                   or len(slot.args) != spec.arity):
        problem = _debug_problem(slot)
        return [problem] if problem else []
    if spec is None:
        return [f"unknown {engine} operation {slot.name!r} has no .vasm name"]
    if len(slot.args) != spec.arity:
        return [f"{spec.mnemonic} takes {spec.arity} operands, not {len(slot.args)}"]
    return [p for k, value in enumerate(slot.args) if (p := _operand_problem(spec, k, value))]


def _one_line(text: str | None, what: str) -> str | None:
    if text is not None and ("\n" in text or "\r" in text):
        return f"{what} must be one line"
    return None


def _name_problems(program: Program) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for symbol in program.symbols:
        if not is_name(symbol.name):
            out.append(f"scratch name {symbol.name!r} is not a name")
        if symbol.name in seen:
            out.append(f"scratch name {symbol.name!r} is declared twice")
        seen.add(symbol.name)
        if not (_is_int(symbol.address) and symbol.address >= 0):
            out.append(f"scratch name {symbol.name!r} has address {symbol.address!r}")
        if not (_is_int(symbol.length) and symbol.length >= 1):
            out.append(f"scratch name {symbol.name!r} has length {symbol.length!r}")
        if problem := _one_line(symbol.comment, f"the comment of {symbol.name!r}"):
            out.append(problem)
    labels: set[str] = set()
    for name, index in program.labels:
        if not is_name(name):
            out.append(f"label {name!r} is not a name")
        if name in labels or name in seen:
            out.append(f"label {name!r} is defined twice or names scratch too")
        labels.add(name)
        if not (_is_int(index) and 0 <= index <= len(program.bundles)):
            out.append(f"label {name!r} points at bundle {index!r}, outside the program")
    return out


def _problems(program: Program) -> list[Problem]:
    problems = [Problem(message) for message in _name_problems(program)]
    keys: set[str] = set()
    for key, value in program.header:
        if key in keys:
            problems.append(Problem(f"header key {key!r} is given twice"))
        keys.add(key)
        if problem := header_problem(key, value):
            problems.append(Problem(problem))
    sizes = {Section.SYMBOLS: len(program.symbols), Section.BUNDLES: len(program.bundles)}
    for note in program.annotations:
        if not 0 <= note.index <= sizes[note.section]:
            problems.append(Problem(f"a comment stands before {note.section} item {note.index}, "
                                    "outside the program"))
        if problem := _one_line(note.text, "a comment"):
            problems.append(Problem(problem))
    # A program repeats its bundle objects (an export of 200,000 bundles holds a few
    # hundred): each is looked at once, and its problems named at each of its places.
    for b, bundle_problems in enumerate(program.per_bundle(_bundle_problems)):
        problems.extend(Problem(message, b, s, engine)
                        for message, s, engine in bundle_problems)
    return problems


def _bundle_problems(bundle: Bundle) -> list[tuple[str, int | None, Engine | None]]:
    """(message, slot, engine) of each thing in the bundle the text cannot say."""
    problems: list[tuple[str, int | None, Engine | None]] = []
    engines = [engine for engine, _ in bundle.groups]
    if len(set(engines)) != len(engines):
        problems.append(("an engine is listed twice", None, None))
    if problem := _one_line(bundle.comment, "the comment"):
        problems.append((problem, None, None))
    s = 0
    for engine, slots in bundle.groups:
        if len(slots) > 1 and any(isinstance(slot, OpaqueDebug) and slot.whole
                                  for slot in slots):
            problems.append(("the debug engine's whole value shares its bundle with other"
                             " debug slots", s, engine))
        for slot in slots:
            problems.extend((message, s, engine) for message in _slot_problems(slot, engine))
            s += 1
    return problems


# --- the program ----------------------------------------------------------------


def _placed(symbols: tuple[Symbol, ...]) -> list[bool]:
    """Which symbols need an explicit `@ address`: those auto-allocation would put elsewhere.

    One pass in declaration order marks each symbol that allocation misplaces;
    a newly placed block can only move an earlier symbol if it overlaps it (an
    alias), and only then does the pass start again with what it has learnt.
    """
    explicit = [False] * len(symbols)
    while True:
        blocks = [(s.address, s.address + s.length)
                  for s, placed in zip(symbols, explicit, strict=True) if placed]
        allocated: list[tuple[int, int]] = []
        cursor = 0
        for i, symbol in enumerate(symbols):
            if explicit[i]:
                continue
            start, end = symbol.address, symbol.address + symbol.length
            if first_fit(cursor, symbol.length, blocks) == start:
                allocated.append((start, end))
                cursor = end
                continue
            explicit[i] = True
            blocks.append((start, end))
            if any(begin < end and start < stop for begin, stop in allocated):
                break
        else:
            return explicit


def _directive(symbol: Symbol, explicit: bool) -> str:
    if symbol.kind == SCALAR and symbol.length == 1:
        text = f".{SCALAR} {symbol.name}"
    elif symbol.kind == VECTOR:
        text = f".{VECTOR} {symbol.name}"
    else:
        text = f".{ARRAY} {symbol.name}[{symbol.length}]"
    if explicit:
        text += f" @ {symbol.address}"
    return _with_comment(text, symbol.comment)


def _with_comment(text: str, comment: str | None) -> str:
    return text if comment is None else f"{text}  {comment_line(comment.rstrip())}"


def _bundle_lines(bundle: Bundle, namer: _Namer) -> list[str]:
    if not bundle.groups:
        return [_with_comment(INDENT + NOP, bundle.comment)]
    groups = [" || ".join(_slot_text(slot, namer) for slot in slots) if slots
              else f"{NOP} {engine}" for engine, slots in bundle.groups]
    one_line = INDENT + " || ".join(groups)
    if len(one_line) <= LINE_WIDTH or len(groups) == 1:
        lines = [one_line]
    else:
        lines = [INDENT + groups[0]] + [CONTINUATION + group for group in groups[1:]]
    lines[0] = _with_comment(lines[0], bundle.comment)
    return lines


def format_program(program: Program) -> str:
    """The canonical `.vasm` text; ProgramError if the program holds what the text cannot say.

    `parse(format_program(p)) == p` for every program `p` whose annotations are
    already canonical (as every parsed program's are) and whose vectors have
    the length `parse` is given as vlen.
    """
    problems = _problems(program)
    if problems:
        raise ProgramError(problems)
    namer = _Namer(program)
    labels_at: dict[int, list[str]] = defaultdict(list)
    for name, index in program.labels:
        labels_at[index].append(name)
    notes: dict[tuple[Section, int], list[str | None]] = defaultdict(list)
    for note in canonical_annotations(program.annotations, len(program.symbols),
                                      len(program.bundles), labels_at.keys()):
        notes[note.section, note.index].append(note.text)

    body: list[str] = []

    def write_notes(section: Section, index: int, indent: str) -> None:
        for text in notes.get((section, index), ()):
            body.append("" if text is None else indent + comment_line(text.rstrip()))

    for i, (symbol, explicit) in enumerate(zip(program.symbols, _placed(program.symbols),
                                               strict=True)):
        write_notes(Section.SYMBOLS, i, "")
        body.append(_directive(symbol, explicit))
    write_notes(Section.SYMBOLS, len(program.symbols), "")
    noted = {index for section, index in notes if section is Section.BUNDLES}
    # Each bundle object is written once, its lines placed wherever it stands.
    for i, lines in enumerate(program.per_bundle(partial(_bundle_lines, namer=namer))):
        if i in noted:
            write_notes(Section.BUNDLES, i, "" if i in labels_at else INDENT)
        if i in labels_at:
            body.extend(f"{name}:" for name in labels_at[i])
        body.extend(lines)
    write_notes(Section.BUNDLES, len(program.bundles), "")
    body.extend(f"{name}:" for name in labels_at.get(len(program.bundles), ()))

    lines = [f"# {key}: {value}" if value else f"# {key}:" for key, value in program.header]
    if body and (lines or HEADER_RE.fullmatch(body[0])):
        lines.append("")  # ends the header, or keeps a first comment from reading as one
    lines += body
    return "\n".join(lines) + "\n" if lines else ""
