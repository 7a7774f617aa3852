"""The take-home's own program form: a JSON list of bundles ``{engine: [[op, operand, ...]]}``.

A take-home player brings a kernel here unchanged, so the conversion is exact
both ways: engine key order is kept (it decides which write wins), an engine
with an empty slot list is kept (it costs a cycle; ``{}`` does not), and debug
operands may be any JSON value and come back identical. JSON text is decoded
strictly: duplicate keys, NaN and Infinity are errors, never silently dropped.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from itertools import repeat
from typing import Any

from machine.collector import collector_paused
from machine.isa import Engine
from machine.program import Bundle, OpaqueDebug, Problem, Program, ProgramError, Slot, SourceMap
from machine.text import described, shown_token

MAX_PROBLEMS = 100
"""Stop collecting problems after this many: the first ones are what a person reads."""

ENGINE_NAMES = ", ".join(engine.value for engine in Engine)
_ENGINES = {engine.value: engine for engine in Engine}
_PLAIN = frozenset({int, str, bool, type(None)})
"""The types of a JSON value that `json_value` keeps as they are."""


class JsonValueError(ValueError):
    """A value that JSON cannot carry exactly (NaN, a duplicate key, a non-string key...)."""


class ObjectPairs(tuple):  # type: ignore[type-arg]
    """A JSON object as decoded: its (key, value) pairs in order, duplicates included.

    Decoding into pairs rather than a dict lets the caller say *where* a
    duplicate key is (which bundle) instead of losing one of the values.
    """

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{key!r}: {value!r}" for key, value in self) + "}"


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonValueError(f"number {text} is out of range")
    return value


def _no_constant(name: str) -> float:
    raise JsonValueError(f"{name} is not a JSON value")


def strict_decoder() -> json.JSONDecoder:
    """A decoder that keeps objects as `ObjectPairs` and refuses NaN and Infinity."""
    return json.JSONDecoder(object_pairs_hook=ObjectPairs, parse_float=_finite_float,
                            parse_constant=_no_constant)


describe = described
"""A value as a message quotes it (`machine.text.described`)."""


def json_value(value: Any) -> Any:
    """`value` as plain JSON data (dict, list, str, int, float, bool, None), or JsonValueError.

    Tuples become lists and `ObjectPairs` become dicts, so a value from the
    take-home's Python form, from JSON text and from `.vasm` compare equal.
    """
    try:
        return _json_value(value)
    except RecursionError:
        raise JsonValueError("value is nested too deeply") from None


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise JsonValueError(f"{value} is not a JSON number")
        return value
    if isinstance(value, ObjectPairs | dict):
        pairs = value if isinstance(value, ObjectPairs) else value.items()
        result: dict[str, Any] = {}
        for key, item in pairs:
            if not isinstance(key, str):
                raise JsonValueError(f"object key {describe(key)} is not a string")
            if key in result:
                raise JsonValueError(f"duplicate key '{shown_token(key)}'")
            result[key] = _json_value(item)
        return result
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    raise JsonValueError(f"{describe(value)} is not a JSON value")


def decode_json_text(text: str, path: str | None = None) -> Any:
    """Strictly decoded JSON (objects as `ObjectPairs`), or ProgramError located by line."""
    try:
        return strict_decoder().decode(text)
    except json.JSONDecodeError as error:
        raise ProgramError([Problem(f"not valid JSON: {error.msg}", path=path,
                                    line=error.lineno, column=error.colno)]) from None
    except RecursionError:
        raise ProgramError([Problem("not valid JSON: nested too deeply", path=path)]) from None
    except ValueError as error:  # JsonValueError, or an integer with too many digits
        raise ProgramError([Problem(f"not valid JSON: {error}", path=path)]) from None


def program_from_json_text(text: str, path: str | None = None) -> Program:
    """A program from the take-home's JSON text; every problem located by bundle and slot.

    The list of bundles is read one bundle at a time, each keyed by its own text: an
    unrolled kernel repeats a few hundred bundles thousands of times, and equal text is
    an equal bundle, types included. Text that is not a well-formed list is decoded whole,
    which words any problem."""
    with collector_paused():  # hundreds of thousands of objects, all kept, none in cycles
        dumped = _as_dumped(text)
        if dumped is not None:
            program = _program_of_distinct(*dumped, path)
            if program is not None:
                return program
        keyed = _keyed_by_text(text)
        if keyed is None:
            return program_from_json(decode_json_text(text, path), path)
        return _program(keyed, path)


def _flat_bundle(raw: ObjectPairs) -> Bundle | None:
    """The bundle of a text with no brace inside, built the short way, or None where it is
    not every engine once with slots `[name, operand...]` (`_bundle` then reads it).

    Without a brace inside, no operand holds an object: every operand is plain JSON data
    as decoded, which is what `_slot` would make of it. (The caller sees to it that no
    list is nested more deeply than `_slot` takes.)"""
    groups = []
    for key, raw_slots in raw:
        engine = _ENGINES.get(key)
        if engine is None or type(raw_slots) is not list:
            return None
        slots = []
        for raw_slot in raw_slots:
            if type(raw_slot) is not list or not raw_slot or type(raw_slot[0]) is not str:
                return None
            slots.append(Slot.quick(engine, raw_slot[0], tuple(raw_slot[1:])))
        groups.append((engine, tuple(slots)))
    if len(groups) > 1 and len({engine for engine, _ in groups}) < len(groups):
        return None
    return Bundle.quick(tuple(groups))


_SHALLOW = 64
"""Lists nested up to this deep are read the short way; deeper ones go through `_slot`,
whose copy refuses a value too deep for the interpreter's stack."""
_DUMP_SEPARATORS = ("}, {", "},{", "},\n{")
"""Between two bundles as `json.dump` writes a list of them (its default separator, and
the compact one), and as `vliw convert` writes them, one a line (`program_to_json_text`)."""


def _as_dumped(text: str) -> tuple[list[str], Counter[str], list[Any]] | None:
    """The bundles' texts in order (each without its braces), how often each distinct one
    comes, and each distinct one decoded (in order of first use), when the text is laid out
    as `json.dump(instrs, f)` writes it (with either of its separators) or as `vliw convert`
    writes it; None otherwise.

    This reads a take-home export at C speed: the text is cut where one bundle ends and the
    next begins, and the distinct pieces, each in its braces again, are decoded together as
    one JSON list by the strict decoder. With no brace inside any piece (`_flat_bundle`
    relies on it), that list holds as many objects as pieces only when each object is
    exactly one piece: an object begins at a piece's brace and, a string swallowing a brace
    aside, ends at the same piece's. The pieces joined again are the text, so the text is
    exactly the list of them; a piece cut wrongly (a string holding the separator) makes
    fewer objects, and the answer is None, never a wrong program."""
    body = text.strip(_JSON_BLANKS)
    if not (body.startswith("[") and body.endswith("]")):
        return None
    body = body[1:-1].strip(_JSON_BLANKS)
    if not (body.startswith("{") and body.endswith("}")):
        return None
    separator = next((s for s in _DUMP_SEPARATORS if s in body), _DUMP_SEPARATORS[0])
    pieces = body[1:-1].split(separator)
    uses = Counter(pieces)
    distinct = list(uses)
    joined = "[{" + "},{".join(distinct) + "}]"
    if joined.count("{") != len(distinct) or joined.count("}") != len(distinct):
        return None  # an object inside a bundle, or a brace in a string: read it the long way
    # No more '[' than _SHALLOW in a piece: no list nested more deeply, so none that `_slot`
    # refuses.
    if max(map(str.count, distinct, repeat("["))) > _SHALLOW:
        return None
    try:
        values = strict_decoder().decode(joined)
    except (ValueError, RecursionError):
        return None
    if len(values) != len(distinct):
        return None
    return pieces, uses, values


def _program_of_distinct(pieces: list[str], uses: Counter[str], decoded: list[Any],
                         path: str | None) -> Program | None:
    """The program when every distinct bundle is sound, each built once; None when one has a
    problem (the bundle-by-bundle reading then locates it at each of its places). The
    pieces were counted at C speed, so the program need not count its bundles again."""
    problems = _Collector(path)
    built: dict[str, Bundle | None] = {}
    for piece, raw in zip(uses, decoded, strict=True):
        bundle = _flat_bundle(raw)
        built[piece] = bundle if bundle is not None else _bundle(0, raw, problems)
    if problems.problems:
        return None
    distinct = list(built.values())
    index = {piece: i for i, piece in enumerate(built)}
    order = tuple(map(index.__getitem__, pieces))
    return Program.counted(tuple(map(distinct.__getitem__, order)),  # type: ignore[arg-type]
                           tuple(zip(distinct, uses.values(), strict=True)),  # type: ignore[arg-type]
                           order, SourceMap(path, (), ()))


_JSON_BLANKS = " \t\n\r"
"""JSON's whitespace."""
_BLANK_RE = re.compile(f"[{_JSON_BLANKS}]*")
_BLANKS = frozenset(_JSON_BLANKS)  # a set: the empty slice at the end is not a blank
_MARKS = frozenset(",]")


def _keyed_by_text(text: str) -> list[tuple[str, Any]] | None:
    """Each bundle of a JSON list with its text, or None where the text is not a well-formed
    JSON list (the whole decode then says why). A bundle whose text came before is not
    decoded again (its value is `_REPEAT`): where the text up to the next '}' is a whole
    bundle seen before, it is this bundle too, as no JSON value is the start of another.

    Only a list of objects is read so: an object holds its first '}', so each look for the
    next one stops inside the bundle. A value that is no object makes it None (the whole
    decode, at C speed): looking past it for a '}' that may be megabytes away, or nowhere,
    once for every value, cost a list of 2,000,000 numbers 53 seconds."""
    scan = strict_decoder().scan_once
    skip = _BLANK_RE.match
    at = skip(text).end()
    if text[at:at + 1] != "[":
        return None
    at = skip(text, at + 1).end()
    keyed: list[tuple[str, Any]] = []
    add = keyed.append
    seen: set[str] = set()
    if text[at:at + 1] == "]":
        at += 1
    else:
        while True:
            if text[at:at + 1] != "{":
                return None
            end = text.find("}", at) + 1
            key = text[at:end]
            if key in seen:
                add((key, _REPEAT))
            else:
                try:
                    value, end = scan(text, at)
                except (StopIteration, ValueError, RecursionError):
                    return None
                key = text[at:end]
                seen.add(key)
                add((key, value))
            mark = text[end:end + 1]
            if mark not in _MARKS:  # blanks before the ',' (json.dump's separators put none)
                end = skip(text, end).end()
                mark = text[end:end + 1]
            at = end + 1
            if text[at:at + 1] in _BLANKS:
                at = skip(text, at).end()
            if mark == "]":
                break
            if mark != ",":
                return None
    return keyed if at == len(text) else None


def _is_sequence(value: object) -> bool:
    """A JSON list, or a tuple of the take-home's Python form (but not a decoded object)."""
    return type(value) is list or (isinstance(value, list | tuple)
                                   and not isinstance(value, ObjectPairs))


class _Collector:
    def __init__(self, path: str | None):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, message: str, bundle: int | None = None, slot: int | None = None,
            engine: Engine | None = None) -> None:
        if not self.full:
            self.problems.append(Problem(message, bundle, slot, engine, self.path))

    @property
    def full(self) -> bool:
        """As many problems as a report shows: the bundles after need not be looked at."""
        return len(self.problems) >= MAX_PROBLEMS


def program_from_json(data: object, path: str | None = None) -> Program:
    """A program from the take-home's form, as decoded JSON (or its Python form with tuples)."""
    if not _is_sequence(data):
        problems = _Collector(path)
        problems.add(f"expected a JSON list of bundles, not {describe(data)}")
        raise ProgramError(problems.problems)
    return _program(((_key(raw), raw) for raw in data), path)  # type: ignore[attr-defined]


def _program(keyed: Iterable[tuple[Any, Any]], path: str | None) -> Program:
    """The program of these bundles, each with a key that only an equal bundle shares (None:
    built on its own). One object for all equal bundles: validation, the engine and the
    program's identity then work once per distinct bundle."""
    problems = _Collector(path)
    shared: dict[Any, Bundle | None] = {}
    bundles = []
    for b, (key, raw) in enumerate(keyed):
        if problems.full:
            break
        found = _MISSING if key is None else shared.get(key, _MISSING)
        if found is _MISSING:
            found = _bundle(b, raw, problems)
            if key is not None:
                shared[key] = found
        elif found is None:  # the same problems, at this bundle too
            _bundle(b, strict_decoder().decode(key) if raw is _REPEAT else raw, problems)
        bundles.append(found)
    if problems.problems:
        raise ProgramError(problems.problems)
    return Program(tuple(b for b in bundles if b is not None), source=SourceMap(path, (), ()))


def _key(raw: object) -> Any:
    """A hashable image of a raw bundle of the Python form, or None where it holds a list
    inside a slot or is not a bundle at all."""
    try:
        key = _frozen(raw)
        hash(key)
    except (TypeError, ValueError):
        return None
    return key


_MISSING = object()
_REPEAT = object()
"""The value of a bundle whose text came before: its bundle is built already."""


def _frozen(raw: object) -> Any:
    """A hashable image of a raw bundle (TypeError when it holds a list inside a slot).
    Types are part of it: 1, 1.0 and True are equal but not the same operand."""
    pairs = raw.items() if isinstance(raw, dict) else raw
    return (type(raw), *((key, type(slots), tuple((type(slot), *map(type, slot), *slot)
                                          if isinstance(slot, list | tuple) else slot
                                          for slot in slots)
                  if isinstance(slots, list | tuple) else slots)
                 for key, slots in pairs))  # type: ignore[union-attr]


def _bundle(b: int, raw: object, problems: _Collector) -> Bundle | None:
    if isinstance(raw, dict):
        pairs: Iterable[tuple[Any, Any]] = raw.items()
    elif isinstance(raw, ObjectPairs):
        pairs = raw
    else:
        problems.add(f"expected an object {{engine: [slots]}}, not {describe(raw)}", b)
        return None
    groups: list[tuple[Engine, tuple[Slot, ...]]] = []
    seen: set[Engine] = set()
    index = 0
    ok = True
    for key, raw_slots in pairs:
        engine = _ENGINES.get(key) if type(key) is str else None
        if engine is None:
            problems.add(f"unknown engine {describe(key)} (engines: {ENGINE_NAMES})", b)
            ok = False
            continue
        if engine in seen:
            problems.add(f"engine {engine} appears twice", b)
            ok = False
            continue
        seen.add(engine)
        if engine is Engine.DEBUG and not _is_sequence(raw_slots):
            value = _debug_value(raw_slots, problems, b, index)
            if value is None:
                ok = False
            else:
                groups.append((engine, (value,)))
                index += 1
            continue
        if not _is_sequence(raw_slots):
            problems.add(f"{engine}: expected a list of slots, not {describe(raw_slots)}", b)
            ok = False
            continue
        slots = []
        for raw_slot in raw_slots:
            slot = _slot(engine, raw_slot, problems, b, index)
            index += 1
            if slot is None:
                ok = False
            else:
                slots.append(slot)
        groups.append((engine, tuple(slots)))
    return Bundle(tuple(groups)) if ok else None


def _debug_value(raw: object, problems: _Collector, b: int, s: int,
                 whole: bool = True) -> OpaqueDebug | None:
    try:
        return OpaqueDebug(Engine.DEBUG, "", (json_value(raw),), whole)
    except JsonValueError as error:
        problems.add(f"debug: {error}", b, s, Engine.DEBUG)
        return None


def _slot(engine: Engine, raw: object, problems: _Collector, b: int, s: int) -> Slot | None:
    if engine is Engine.DEBUG and not (_is_sequence(raw) and raw and isinstance(raw[0], str)):
        return _debug_value(raw, problems, b, s, whole=False)
    if not _is_sequence(raw) or not raw or not isinstance(raw[0], str):
        problems.add(f"expected [operation, operand, ...], not {describe(raw)}", b, s, engine)
        return None
    args = []
    for k, operand in enumerate(raw[1:], start=1):
        if type(operand) is int:  # nearly every operand: nothing to check
            args.append(operand)
            continue
        if type(operand) is list and all(type(item) in _PLAIN for item in operand):
            # A list of plain values (a debug operand, as JSON text gives it): nothing to
            # convert, but copied as json_value copies, so no caller's list is shared.
            args.append(operand.copy())
            continue
        try:
            args.append(json_value(operand))
        except JsonValueError as error:
            problems.add(f"operand {k} of '{shown_token(raw[0])}': {error}", b, s, engine)
            return None
    return Slot.quick(engine, raw[0], tuple(args))


def program_to_json(program: Program) -> list[dict[str, Any]]:
    """The take-home's form of a program: names, labels and comments have no place in it."""
    return [{engine.value: _group_json(slots) for engine, slots in bundle.groups}
            for bundle in program.bundles]


def _group_json(slots: tuple[Slot, ...]) -> Any:
    if len(slots) == 1 and isinstance(slots[0], OpaqueDebug) and slots[0].whole:
        return _copy(slots[0].value)
    return [_copy(slot.value) if isinstance(slot, OpaqueDebug)
            else [slot.name, *(_copy(arg) for arg in slot.args)] for slot in slots]


def _copy(arg: Any) -> Any:
    """Operands are shared with the program; containers are copied so callers may edit."""
    return copy.deepcopy(arg) if isinstance(arg, list | dict) else arg


def program_to_json_text(program: Program) -> str:
    """One bundle per line: diffable, and still the take-home's form."""
    if not program.bundles:
        return "[]\n"
    lines = ",\n".join(json.dumps(bundle) for bundle in program_to_json(program))
    return f"[\n{lines}\n]\n"
