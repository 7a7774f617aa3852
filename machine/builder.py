"""Build programs from Python, for players who generate their kernels.

    from machine.builder import Builder

    b = Builder()                   # the take-home machine; Builder(MachineConfig(...)) too
    total, i = b.scalar("total"), b.scalar("i")
    one = b.constant(1)             # one `const`, shared by every later use
    b.const(i, 10)
    b.label("loop")
    b.add(total, total, i)
    b.sub(i, i, one)
    b.cond_jump(i, "loop")
    b.store(b.constant(0), total)   # m[0] = 55
    b.halt()
    b.save("sum.vasm")              # packed; a .json path writes the take-home's form

Every operation of the op table is a method named by its mnemonic (`add`, `vload`,
`multiply_add`, `cond_jump`; `and_` and `or_` because `and` and `or` are Python
keywords), and `emit("add", d, a, b)` does the same by name. Operands are scratch
addresses (the ints that `scalar`, `vector`, `array` and `constant` return) and
immediates; a jump target may be a label name, and so may the immediate of `const`
(the label's bundle index, for `jump_indirect`) and of `cond_jump_rel` (resolved
relative to the jump).

`program()` packs the slots into bundles with a list scheduler: each straight-line
stretch between labels, explicit bundles (`with b.bundle(): ...`), jumps, `halt`,
`pause` and debug slots is scheduled on its own, every slot as early as the slot
limits and its dependencies allow. Dependencies are read-after-write,
write-after-read and write-after-write on scratch, the same on memory taken as a
whole (the scheduler cannot know addresses, so any load and any store conflict),
and the order of `trace_write`s. Reads see the state from before their bundle, so a
write may share a bundle with an earlier read of the same word, never with an
earlier write or a later read. `program(pack=False)` gives one slot per bundle, in
order, as the take-home's starter code does.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from keyword import iskeyword
from pathlib import Path
from typing import Any, TypeAlias

from machine.config import TAKEHOME, MachineConfig
from machine.isa import BY_MNEMONIC, OPS, WORD_MASK, Effect, Engine, Kind, OpSpec
from machine.program import Annotation, Bundle, Program, Section, Slot, Symbol, slot_problems
from machine.takehome_json import program_to_json_text
from machine.vasm import format_program

Operand: TypeAlias = Any
"""A scratch address or immediate (int), a label name (str) where the op takes a jump
target, or any value for a debug slot."""

LABEL_CONSTANT = "const"
"""The operation whose immediate may be a label, for the label's bundle index (a relative
jump's immediate may be one too: `OpSpec.relative`)."""


class BuildError(ValueError):
    """A program the builder cannot make: the message names what is wrong."""


@dataclass(frozen=True)
class _Label:
    name: str


@dataclass(frozen=True)
class _Note:
    text: str


@dataclass(frozen=True)
class _Fixed:
    """An explicit bundle: kept exactly as written, a boundary for the scheduler."""

    slots: tuple[Slot, ...]
    comment: str | None


_Item = Slot | _Label | _Note | _Fixed


class Builder:
    """Collects named scratch, labels and slots; `program()` turns them into a Program."""

    def __init__(self, config: MachineConfig = TAKEHOME) -> None:
        self.config = config
        self._items: list[_Item] = []
        self._symbols: list[Symbol] = []
        self._names: set[str] = set()
        self._labels: set[str] = set()
        self._next_free = 0
        self._constants: dict[int, int] = {}
        self._vector_constants: dict[int, int] = {}
        self._open_bundle: list[Slot] | None = None
        self._checked: set[Slot] = set()
        """Slots already found valid: generated kernels repeat the same slots often."""
        self._wanted_labels: set[str] = set()

    # --- scratch ----------------------------------------------------------------------

    def scalar(self, name: str, comment: str | None = None) -> int:
        """A named scratch word; returns its address."""
        return self._allocate(name, 1, "scalar", comment)

    def vector(self, name: str, comment: str | None = None) -> int:
        """A named block of vlen words (a vector register); returns its first address."""
        return self._allocate(name, self.config.vlen, "vector", comment)

    def array(self, name: str, length: int, comment: str | None = None) -> int:
        """A named block of `length` words; returns its first address."""
        if length < 1:
            raise BuildError(f"array {name!r} needs a length of at least 1, not {length}")
        return self._allocate(name, length, "array", comment)

    @property
    def scratch_used(self) -> int:
        """Words allocated so far (allocation is sequential from address 0)."""
        return self._next_free

    def constant(self, value: int, name: str | None = None) -> int:
        """A scratch word holding `value`, loaded by one `const` here the first time it is
        asked for and shared afterwards. In code with jumps, ask for constants before the
        first label so that every path loads them."""
        word = value & WORD_MASK
        if word not in self._constants:
            if self._open_bundle is not None:
                raise BuildError(f"constant {value} is new inside an explicit bundle, where it"
                                 " could not be used yet; ask for it before the bundle")
            address = self.scalar(name or _constant_name(word))
            self.emit("const", address, word)
            self._constants[word] = address
        return self._constants[word]

    def vector_constant(self, value: int, name: str | None = None) -> int:
        """A vector with `value` in every lane (a `const` and a `vbroadcast`), shared."""
        word = value & WORD_MASK
        if word not in self._vector_constants:
            scalar = self.constant(word)
            address = self.vector(name or "v" + _constant_name(word))
            self.emit("vbroadcast", address, scalar)
            self._vector_constants[word] = address
        return self._vector_constants[word]

    def _allocate(self, name: str, length: int, kind: str, comment: str | None) -> int:
        if not name.isidentifier() or not name.isascii():
            raise BuildError(f"scratch name {name!r} is not a name (letters, digits, _)")
        if name in self._names:
            raise BuildError(f"scratch name {name!r} is already taken")
        address = self._next_free
        if address + length > self.config.scratch_size:
            raise BuildError(f"no room for {name!r} ({length} words): {address} of"
                             f" {self.config.scratch_size} scratch words are taken")
        self._names.add(name)
        self._symbols.append(Symbol(name, address, length, kind, comment))
        self._next_free += length
        return address

    # --- control and text -------------------------------------------------------------

    def label(self, name: str) -> str:
        """Name the next bundle; jumps may use the name as their target."""
        self._outside_bundle("a label")
        if not name.isidentifier() or not name.isascii():
            raise BuildError(f"label {name!r} is not a name (letters, digits, _)")
        if name in self._labels:
            raise BuildError(f"label {name!r} is already placed")
        self._labels.add(name)
        self._items.append(_Label(name))
        return name

    def note(self, text: str) -> None:
        """A full-line comment in the program's text, before the next slot's bundle.
        Unlike a debug `comment` slot it never constrains packing."""
        if "\n" in text or "\r" in text:
            raise BuildError("a note is one line")
        self._items.append(_Note(text))

    @contextmanager
    def bundle(self, comment: str | None = None) -> Iterator[None]:
        """Slots emitted inside the `with` block form one bundle, exactly as written."""
        self._outside_bundle("an explicit bundle")
        self._open_bundle = []
        try:
            yield
            fixed = _Fixed(tuple(self._open_bundle), comment)
        finally:
            self._open_bundle = None
        counts: dict[Engine, int] = {}
        for slot in fixed.slots:
            counts[slot.engine] = counts.get(slot.engine, 0) + 1
        for engine, count in counts.items():
            limit = self.config.slot_limit(engine)
            if limit is not None and count > limit:
                raise BuildError(f"{count} {engine} slots in one bundle; this machine allows"
                                 f" {limit}")
        self._items.append(fixed)

    def _outside_bundle(self, what: str) -> None:
        if self._open_bundle is not None:
            raise BuildError(f"{what} cannot be placed inside an explicit bundle")

    # --- slots ------------------------------------------------------------------------

    def emit(self, mnemonic: str, *operands: Operand) -> None:
        """Append one slot, named by its mnemonic (the op table's `OpSpec.mnemonic`)."""
        spec = BY_MNEMONIC.get(mnemonic)
        if spec is None:
            near = difflib.get_close_matches(mnemonic, BY_MNEMONIC, n=3)
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            raise BuildError(f"unknown operation {mnemonic!r}{hint}")
        slot = Slot(spec.engine, spec.name, tuple(operands))
        try:
            known = slot in self._checked
        except TypeError:  # a debug operand that is a list or a dict
            known = False
        if not known:
            self._check(spec, slot)
            if not slot.is_debug:
                self._checked.add(slot)
        if not slot.is_debug:
            self._wanted_labels.update(v for v in operands if isinstance(v, str))
        if self._open_bundle is not None:
            self._open_bundle.append(slot)
        else:
            self._items.append(slot)

    def _check(self, spec: OpSpec, slot: Slot) -> None:
        if len(slot.args) == spec.arity:
            for kind, value in zip(spec.operands, slot.args, strict=True):
                takes_label = kind is Kind.TARGET or (kind is Kind.IMMEDIATE and (
                    spec.name == LABEL_CONSTANT or spec.relative is not None))
                if isinstance(value, str) and kind is not Kind.ANY and not takes_label:
                    raise BuildError(f"{spec.mnemonic}: {value!r} is a label name, but this"
                                     f" operand is a {kind.value}")
        problems = slot_problems(Slot(slot.engine, slot.name, _placeholder_args(slot)),
                                 self.config)
        if not problems and self.config.slot_limit(spec.engine) == 0:
            problems = [f"this machine has no {spec.engine} slots"]
        if problems:
            raise BuildError(f"{spec.mnemonic}: {problems[0]}")

    # --- output -----------------------------------------------------------------------

    def program(self, *, pack: bool = True, header: Mapping[str, str] | None = None) -> Program:
        """The program built so far: packed into bundles, or one slot per bundle."""
        if self._open_bundle is not None:
            raise BuildError("an explicit bundle is still open")
        layout = _Layout(self.config, pack)
        for item in self._items:
            layout.add(item)
        bundles, labels, notes = layout.finish()
        missing = sorted(self._wanted_labels - labels.keys())
        if missing:
            raise BuildError(f"jump to a label that is never placed: {', '.join(missing)}")
        resolved = (tuple(_resolve(bundle, pc, labels) for pc, bundle in enumerate(bundles))
                    if self._wanted_labels else tuple(bundles))
        return Program(
            resolved,
            tuple(self._symbols),
            tuple(labels.items()),
            tuple((header or {}).items()),
            tuple(Annotation(Section.BUNDLES, at, text) for at, text in notes),
        )

    def save(self, path: str | Path, *, pack: bool = True,
             header: Mapping[str, str] | None = None) -> Program:
        """Write the program as `.json` (the take-home's form) or else `.vasm` text."""
        program = self.program(pack=pack, header=header)
        target = Path(path)
        if target.suffix.lower() == ".json":
            text = program_to_json_text(program)
        else:
            text = format_program(program)
        target.write_text(text, encoding="utf-8")
        return program


def _constant_name(word: int) -> str:
    return f"c{word}" if word < 0x10000 else f"c{word:#x}"


def _resolve(bundle: Bundle, pc: int, labels: Mapping[str, int]) -> Bundle:
    """The bundle with label operands replaced by bundle indices."""
    def args(slot: Slot) -> tuple[Any, ...]:
        if slot.is_debug or not any(isinstance(v, str) for v in slot.args):
            return slot.args
        spec = slot.spec
        relative = spec.relative if spec is not None else None
        return tuple(labels[v] - (pc + 1 if i == relative else 0) if isinstance(v, str) else v
                     for i, v in enumerate(slot.args))

    groups = tuple((engine, tuple(Slot(s.engine, s.name, args(s)) for s in slots))
                   for engine, slots in bundle.groups)
    return Bundle(groups, bundle.comment)


# --- the list scheduler -----------------------------------------------------------------


class _Capacity:
    """Free slots of one engine per bundle of a stretch, with a skip list over full ones."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.used: list[int] = []
        self.skip: dict[int, int] = {}

    def first_free(self, at: int) -> int:
        if self.limit is None:
            return at
        passed = []
        while at < len(self.used) and self.used[at] >= self.limit:
            passed.append(at)
            at = self.skip.get(at, at + 1)
        for index in passed:
            self.skip[index] = at
        return at

    def take(self, at: int) -> None:
        if len(self.used) <= at:
            self.used.extend([0] * (at + 1 - len(self.used)))
        self.used[at] += 1


class _Stretch:
    """One straight-line stretch being packed; bundle indices are relative to its start."""

    def __init__(self, config: MachineConfig, carried: list[Slot]) -> None:
        self.config = config
        self.bundles: list[list[Slot]] = []
        self.capacity = {engine: _Capacity(config.slot_limit(engine)) for engine in Engine}
        self.last_write: dict[int, int] = {}
        self.last_read: dict[int, int] = {}
        self.last_store = -1
        self.last_load = -1
        self.last_effect = -1
        self.last = -1
        for slot in carried:  # debug slots observe the state before the whole stretch
            self._put(slot, 0)

    def place(self, slot: Slot, ends: bool) -> int:
        """Put a slot in the earliest bundle its dependencies and the limits allow."""
        spec = slot.spec
        assert spec is not None  # checked when emitted
        reads, writes = [], []
        for address, is_write in spec.scratch_footprint(_placeholder_args(slot), self.config.vlen):
            (writes if is_write else reads).append(address)
        earliest = self.last if ends else 0
        for address in reads:
            earliest = max(earliest, self.last_write.get(address, -1) + 1)
        for address in writes:
            earliest = max(earliest, self.last_write.get(address, -1) + 1,
                           self.last_read.get(address, 0))
        loads = spec.effect is Effect.LOAD
        stores = spec.effect is Effect.STORE
        ordered = spec.effect is Effect.TRACE
        if loads:
            earliest = max(earliest, self.last_store + 1)
        if stores:
            earliest = max(earliest, self.last_store + 1, self.last_load)
        if ordered:
            earliest = max(earliest, self.last_effect + 1)
        at = self.capacity[spec.engine].first_free(max(earliest, 0))
        self._put(slot, at)
        for address in reads:
            self.last_read[address] = max(self.last_read.get(address, 0), at)
        for address in writes:
            self.last_write[address] = at
        if loads:
            self.last_load = max(self.last_load, at)
        if stores:
            self.last_store = at
        if ordered:
            self.last_effect = at
        return at

    def _put(self, slot: Slot, at: int) -> None:
        while len(self.bundles) <= at:
            self.bundles.append([])
        self.bundles[at].append(slot)
        self.capacity[slot.engine].take(at)
        self.last = max(self.last, at)


def _placeholder_args(slot: Slot) -> tuple[Any, ...]:
    """The slot's operands with label names standing in as 0 (debug operands untouched)."""
    if slot.is_debug:
        return slot.args
    return tuple(0 if isinstance(v, str) else v for v in slot.args)


class _Layout:
    """Turns the builder's items into bundles, labels and anchored notes."""

    def __init__(self, config: MachineConfig, pack: bool) -> None:
        self.config = config
        self.pack = pack
        self.bundles: list[Bundle] = []
        self.labels: dict[str, int] = {}
        self.notes: list[tuple[int, str]] = []
        self.pending_notes: list[str] = []
        self.carried: list[Slot] = []
        self.stretch: _Stretch | None = None

    def add(self, item: _Item) -> None:
        if isinstance(item, _Note):
            self.pending_notes.append(item.text)
        elif isinstance(item, _Label):
            self._close()
            self.labels[item.name] = len(self.bundles)
        elif isinstance(item, _Fixed):
            self._close()
            self._anchor_notes(len(self.bundles))
            self.bundles.append(Bundle.of(*item.slots, comment=item.comment))
        elif item.is_debug and self.pack:
            self._close(flush=False)
            self.carried.append(item)
        else:
            self._add_slot(item)

    def _add_slot(self, slot: Slot) -> None:
        if not self.pack:
            self._anchor_notes(len(self.bundles))
            self.bundles.append(Bundle.of(slot))
            return
        spec = slot.spec
        assert spec is not None  # checked when emitted
        ends = spec.control.ends_stretch
        if self.stretch is None:
            self.stretch = _Stretch(self.config, self.carried)
            self.carried = []
        at = self.stretch.place(slot, ends)
        self._anchor_notes(len(self.bundles) + at)
        if ends:
            self._close()

    def _anchor_notes(self, at: int) -> None:
        if self.pending_notes:
            at = max(at, self.notes[-1][0]) if self.notes else at
            self.notes.extend((at, text) for text in self.pending_notes)
            self.pending_notes = []

    def _close(self, flush: bool = True) -> None:
        """End the stretch; with `flush`, debug slots waiting for the next one get a
        bundle of their own (free), so that nothing crosses a label or a fixed bundle."""
        if self.stretch is not None:
            self.bundles.extend(Bundle.of(*_in_engine_order(slots))
                                for slots in self.stretch.bundles)
            self.stretch = None
        if flush and self.carried:
            self.bundles.append(Bundle.of(*self.carried))
            self.carried = []

    def finish(self) -> tuple[list[Bundle], dict[str, int], list[tuple[int, str]]]:
        self._close()
        self._anchor_notes(len(self.bundles))
        return self.bundles, self.labels, self.notes


def _in_engine_order(slots: list[Slot]) -> list[Slot]:
    """A packed bundle has no write conflicts, so its engine order is free: use the usual."""
    order = {engine: i for i, engine in enumerate(Engine)}
    return sorted(slots, key=lambda slot: order[slot.engine])


# --- one method per operation, generated from the op table ------------------------------


def _method_name(spec: OpSpec) -> str:
    return spec.mnemonic + "_" if iskeyword(spec.mnemonic) else spec.mnemonic


def _make_method(spec: OpSpec) -> Any:
    def method(self: Builder, *operands: Operand) -> None:
        self.emit(spec.mnemonic, *operands)

    method.__name__ = method.__qualname__ = _method_name(spec)
    method.__doc__ = (f"{spec.mnemonic} {', '.join(spec.operand_names)}: {spec.meaning}"
                      f" ({spec.engine} engine)")
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)]
    params += [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY, annotation=Operand)
               for name in spec.operand_names]
    method.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
    return method


for _spec in OPS:
    setattr(Builder, _method_name(_spec), _make_method(_spec))
