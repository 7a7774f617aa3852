"""Programs: bundles of slots, plus what the text form carries (names, labels, comments).

A `Program` is independent of any machine configuration; `validate` checks it
against one, all at once, before anything runs, so that a structural error is
never discovered halfway through a run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from itertools import chain, compress, repeat
from operator import add, eq, is_, itemgetter, not_
from typing import Any, TypeVar

from machine.collector import collector_paused
from machine.config import MachineConfig
from machine.isa import (
    BY_ENGINE_NAME,
    OPS,
    VECTORS,
    WORDS,
    Engine,
    Kind,
    OperandShape,
    OpSpec,
    lookup,
)
from machine.text import shown_token

IMMEDIATE_MIN = -(2**63)
IMMEDIATE_LIMIT = 2**64
"""Immediates lie in [IMMEDIATE_MIN, IMMEDIATE_LIMIT); wider ones mean nothing here."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One operation in a bundle: the take-home's ``(name, *args)`` plus its engine.

    Slotted: an unrolled kernel has tens of thousands, made in the time of a parse."""

    engine: Engine
    name: str
    args: tuple[Any, ...]

    @staticmethod
    def quick(engine: Engine, name: str, args: tuple[Any, ...]) -> Slot:
        """`Slot(engine, name, args)` at half the cost, for the assembler, which makes one per
        slot of an unrolled kernel: the frozen dataclass's __init__ sets each field through a
        guard, this sets them directly."""
        slot = _new_object(Slot)
        _set_engine(slot, engine)
        _set_name(slot, name)
        _set_args(slot, args)
        return slot

    @property
    def spec(self) -> OpSpec | None:
        # The table's own key first (Engine(...) in lookup costs more than the lookup itself);
        # an engine given as a plain string takes the longer way.
        return BY_ENGINE_NAME.get((self.engine, self.name)) or lookup(self.engine, self.name)

    @property
    def is_debug(self) -> bool:
        return self.engine is Engine.DEBUG


_new_object = object.__new__
_set_engine = Slot.engine.__set__  # type: ignore[attr-defined]
_set_name = Slot.name.__set__  # type: ignore[attr-defined]
_set_args = Slot.args.__set__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OpaqueDebug(Slot):
    """A debug entry the take-home's machine accepts but that is not ``[name, operand...]``:
    a bare value in the debug list (``"debug": [5]``), or, with `whole`, the debug engine's
    entire value (``"debug": "note"``). The take-home's machine never looks inside debug
    slots, so neither does this one; the value is kept (in `args[0]`) to be written back
    exactly."""

    whole: bool = False

    @property
    def value(self) -> Any:
        return self.args[0]


@dataclass(frozen=True, slots=True)
class Bundle:
    """One VLIW instruction: engines in the order written, each with its slots.

    Order matters: when two slots write the same word, the later one wins,
    engines in this order and slots in order within an engine. An engine may
    be present with no slots (it still makes the bundle cost a cycle).
    """

    groups: tuple[tuple[Engine, tuple[Slot, ...]], ...] = ()
    comment: str | None = None
    """Trailing comment of the bundle's line in the text form."""

    @classmethod
    def of(cls, *slots: Slot, comment: str | None = None) -> Bundle:
        """Group slots by engine, engines in order of first appearance."""
        order: dict[Engine, list[Slot]] = {}
        for slot in slots:
            order.setdefault(slot.engine, []).append(slot)
        return cls(tuple((e, tuple(s)) for e, s in order.items()), comment)

    @staticmethod
    def quick(groups: tuple[tuple[Engine, tuple[Slot, ...]], ...]) -> Bundle:
        """`Bundle(groups)` without the frozen dataclass's guarded __init__ (see
        `Slot.quick`): the JSON reader makes 50,000 of them for a take-home export."""
        bundle = _new_object(Bundle)
        _set_groups(bundle, groups)
        _set_comment(bundle, None)
        return bundle

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(slot for _, slots in self.groups for slot in slots)

    @property
    def engines(self) -> tuple[Engine, ...]:
        return tuple(engine for engine, _ in self.groups)

    @property
    def costs_cycle(self) -> bool:
        """A bundle costs a cycle when any engine other than debug is present."""
        return any(engine is not Engine.DEBUG for engine, _ in self.groups)


_set_groups = Bundle.groups.__set__  # type: ignore[attr-defined]
_set_comment = Bundle.comment.__set__  # type: ignore[attr-defined]
_T = TypeVar("_T")


def _debug_alone(bundle: Bundle) -> bool:
    """No engine but debug, present once, and only debug slots in it (or no slot at all)."""
    groups = bundle.groups
    if len(groups) != 1:
        return not groups
    engine, slots = groups[0]
    if engine is not Engine.DEBUG:
        return False
    # A loop, not all() over a generator: a take-home export asks this of 50,000 bundles,
    # and the generator's setup costs five times the test.
    for slot in slots:  # noqa: SIM110
        if slot.engine is not Engine.DEBUG:
            return False
    return True


class Section(StrEnum):
    SYMBOLS = "symbols"
    BUNDLES = "bundles"


@dataclass(frozen=True)
class Annotation:
    """A full-line comment (or, with text None, a blank line) in the text form.

    It stands before item `index` of its section (index == len(section) puts it
    at the section's end). It exists so that formatting never loses a comment.
    """

    section: Section
    index: int
    text: str | None


@dataclass(frozen=True)
class Symbol:
    """A named block of scratch: a scalar (length 1) or a vector (length vlen) or an array."""

    name: str
    address: int
    length: int = 1
    kind: str = "scalar"
    comment: str | None = None

    def covers(self, addr: int) -> bool:
        return self.address <= addr < self.address + self.length


@dataclass(frozen=True)
class SourceMap:
    """Where each bundle and slot came from in a text file (1-based lines and columns)."""

    path: str | None
    bundle_lines: tuple[int, ...]
    slot_positions: tuple[tuple[tuple[int, int], ...], ...]
    """Per bundle, per slot in `Bundle.slots` order, its (line, column)."""

    def position(self, bundle: int, slot: int | None = None) -> tuple[int, int] | None:
        if not 0 <= bundle < len(self.bundle_lines):
            return None
        if slot is not None and 0 <= slot < len(self.slot_positions[bundle]):
            return self.slot_positions[bundle][slot]
        return (self.bundle_lines[bundle], 1)


@dataclass(frozen=True)
class Program:
    """The bundles the machine runs, with what the source said beside them (symbols,
    labels, header, lines). It never changes once made, so what is worked out from it is
    kept with it (`memo` and the cached properties)."""

    bundles: tuple[Bundle, ...]
    symbols: tuple[Symbol, ...] = ()
    labels: tuple[tuple[str, int], ...] = ()
    """(label, bundle index) in order of appearance; several labels may share an index."""
    header: tuple[tuple[str, str], ...] = ()
    """`# key: value` metadata lines: puzzle, name, claimed scores."""
    annotations: tuple[Annotation, ...] = ()
    source: SourceMap | None = field(default=None, compare=False)

    @classmethod
    def counted(cls, bundles: tuple[Bundle, ...], uses: tuple[tuple[Bundle, int], ...],
                order: tuple[int, ...], source: SourceMap | None = None) -> Program:
        """A program whose reader has counted its bundles already, `uses` and `order` as
        `bundle_uses` and `bundle_order` give them: the JSON reader counts its texts at C
        speed, where going over the objects again costs a take-home export of 200,000
        bundles tens of milliseconds."""
        program = cls(bundles, source=source)
        vars(program)["bundle_uses"] = uses  # what the cached properties would work out
        vars(program)["bundle_order"] = order
        return program

    def __len__(self) -> int:
        return len(self.bundles)

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.header)

    def slots(self) -> Iterator[tuple[int, int, Slot]]:
        """(bundle index, slot index within the bundle, slot) for every slot."""
        for b, bundle in enumerate(self.bundles):
            for s, slot in enumerate(bundle.slots):
                yield b, s, slot

    @cached_property
    def bundle_uses(self) -> tuple[tuple[Bundle, int], ...]:
        """Each bundle object once, with how many times the program uses it: the parser
        shares the bundle of a repeated line, so work done per distinct bundle costs little
        on unrolled kernels. (Worked out once: a program is immutable, and validation and
        both scores ask.)"""
        uses = Counter(map(id, self.bundles))
        distinct = dict(zip(map(id, self.bundles), self.bundles, strict=True))
        return tuple(zip(distinct.values(), uses.values(), strict=True))  # both in first use order

    @cached_property
    def bundle_order(self) -> tuple[int, ...]:
        """For each bundle, the index of its object in `bundle_uses`: what is worked out
        once per distinct bundle is spread over the program by indexing, at C speed."""
        index = {id(bundle): i for i, (bundle, _) in enumerate(self.bundle_uses)}
        return tuple(map(index.__getitem__, map(id, self.bundles)))

    def per_bundle(self, work: Callable[[Bundle], _T]) -> list[_T]:
        """`[work(bundle) for bundle in self.bundles]`, `work` done once per distinct bundle
        object: what is worked out of a bundle alone then costs what the few hundred
        distinct ones cost, not the 150,000 places of an unrolled kernel."""
        done = [work(bundle) for bundle, _ in self.bundle_uses]
        return list(map(done.__getitem__, self.bundle_order))

    @cached_property
    def working_uses(self) -> tuple[tuple[Bundle, int], ...]:
        """`bundle_uses` without the bundles of debug slots alone: they cost no cycle and
        nothing in them is run or checked, and a take-home kernel's comparisons make most
        of its distinct bundles."""
        return tuple(use for use in self.bundle_uses if not _debug_alone(use[0]))

    @cached_property
    def memo(self) -> dict[str, Any]:
        """What other layers work out from the program and keep with it, as it never
        changes: the machines it was checked on, the engine's shape of it. The reference
        simulator a run falls back to checks it again, and a session runs it many times;
        they find them here."""
        return {}

    @cached_property
    def survey(self) -> _Survey:
        """Every slot's operands gathered at once, for validation and the scratch score."""
        with collector_paused():  # many small lists, none in cycles
            return _survey(self)

    def instruction_count(self) -> int:
        """Non-debug slots: the `instructions` score."""
        return sum(uses * sum(len(slots) for engine, slots in bundle.groups
                              if engine is not Engine.DEBUG)
                   for bundle, uses in self.working_uses)

    def scratch_footprint(self, vlen: int) -> set[int]:
        """Every scratch word any slot names (vector lanes included): the `scratch` score."""
        # Operands of operations that name only addresses are gathered in bulk; the few
        # other slots are looked at one by one, each distinct slot once.
        survey = self.survey
        words = set(survey.operands.words)
        for first in set(survey.operands.vectors):
            words.update(range(first, first + vlen))
        for slot in set(survey.others):
            if (spec := slot.spec) is not None:
                for first, last, _ in spec.scratch_spans(slot.args, vlen):
                    words.update(range(first, last + 1))
        return words

    def with_header(self, **values: str) -> Program:
        merged = dict(self.header)
        merged.update(values)
        return Program(self.bundles, self.symbols, self.labels, tuple(merged.items()),
                       self.annotations, self.source)


@dataclass(frozen=True)
class Problem:
    """One structural error, located by bundle and slot (and file position if known)."""

    message: str
    bundle: int | None = None
    slot: int | None = None
    engine: Engine | None = None
    path: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            where = f"{self.path or '<program>'}:{self.line}:{self.column or 1}"
        else:
            parts = [self.path] if self.path else []
            if self.bundle is not None:
                parts.append(f"bundle {self.bundle}")
            if self.slot is not None:
                parts.append(f"slot {self.slot}" + (f" ({self.engine})" if self.engine else ""))
            where = ", ".join(parts) or "program"
        return f"{where}: {self.message}"


class ProgramError(Exception):
    """A program that cannot run: every problem found, each located."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(str(self.problems[0]) if self.problems else "invalid program")

    def __str__(self) -> str:
        first = str(self.problems[0]) if self.problems else "invalid program"
        more = len(self.problems) - 1
        return first + (f" (and {more} more problem{'s' * (more > 1)})" if more > 0 else "")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _operand_problem(kind: Kind, value: Any, config: MachineConfig) -> str | None:
    if kind is Kind.ANY:
        return None
    if not _is_int(value):
        return f"{kind.value} operand must be an integer, not {shown_token(repr(value))}"
    if kind is Kind.IMMEDIATE:
        if not IMMEDIATE_MIN <= value < IMMEDIATE_LIMIT:
            return f"immediate {value} is out of range"
        return None
    if kind is Kind.TARGET:
        return f"jump target {value} is negative" if value < 0 else None
    if value < 0:
        return f"scratch address {value} is negative"
    return None


def slot_problems(slot: Slot, config: MachineConfig) -> list[str]:
    """What is wrong with one slot on a machine, as plain messages."""
    if slot.engine is Engine.DEBUG:
        return []  # any name, any operands: the take-home's machine never reads them
    spec = slot.spec
    if spec is None:
        return [f"unknown {slot.engine} operation '{shown_token(slot.name)}'"]
    if not config.allows(spec):
        return [f"operation {spec.mnemonic!r} is not allowed on this machine"]
    if len(slot.args) != spec.arity:
        names = " ".join(spec.operand_names)
        return [f"{spec.mnemonic} takes {spec.arity} operand{'s' * (spec.arity != 1)}"
                f" ({names or 'none'}), not {len(slot.args)}"]
    # Plain non-negative ints below the immediate limit are fine as any operand; only
    # other values need a look at what each operand is.
    plain = all(type(value) is int and 0 <= value < IMMEDIATE_LIMIT for value in slot.args)
    if not plain:
        problems = [p for kind, value in zip(spec.operands, slot.args, strict=True)
                    if (p := _operand_problem(kind, value, config))]
        if problems:
            return problems
    size = config.scratch_size
    if plain and spec.shape.offset is None and max(slot.args, default=0) + config.vlen <= size:
        return []  # each scratch operand is one of the args: every span ends inside
    for first, last, _ in spec.scratch_spans(slot.args, config.vlen):
        if first < 0 or last >= size:
            addr = first if first < 0 else max(first, size)  # the first word outside
            return [f"scratch address {addr} is outside the scratch (0..{size - 1})"]
    return []


_Key = tuple[int, str, tuple[Any, ...], tuple[type, ...]]


def _known_problems(slot: Slot, config: MachineConfig, known: dict[_Key, list[str]]) -> list[str]:
    """slot_problems, worked out once per distinct slot: programs repeat slots a lot.
    Operand types are part of the key, since 1 == 1.0 == True."""
    try:
        key = (id(slot.engine), slot.name, slot.args, tuple(map(type, slot.args)))
        found = known.get(key)
    except TypeError:  # an operand that is not hashable (a debug slot's list)
        return slot_problems(slot, config)
    if found is None:
        found = known[key] = slot_problems(slot, config)
    return found


def validate(program: Program, config: MachineConfig) -> list[Problem]:
    """Every structural problem of a program on a machine; empty when it may run."""
    if _valid_in_bulk(program, config):
        return []
    return _located_problems(program, config)


def _located_problems(program: Program, config: MachineConfig) -> list[Problem]:
    """The careful pass: slot by slot (each distinct slot once), every problem located."""
    problems: list[Problem] = []
    known: dict[_Key, list[str]] = {}
    by_bundle: dict[int, list[tuple[str, int, Engine]]] = {}
    """Problems of each distinct bundle object: the parser shares the bundle of a repeated line."""
    source = program.source
    path = source.path if source else None
    for b, bundle in enumerate(program.bundles):
        found = by_bundle.get(id(bundle))
        if found is None:
            found = by_bundle[id(bundle)] = _bundle_problems(bundle, config, known)
        for message, s, engine in found:
            pos = source.position(b, s) if source else None
            line, column = pos if pos else (None, None)
            problems.append(Problem(message, b, s, engine, path, line, column))
    return problems


def _valid_in_bulk(program: Program, config: MachineConfig) -> bool:
    """True only if the program may run on the machine; False means "look closer" (the
    careful pass then finds and locates every problem, or finds none).

    Valid programs are the common case, and on unrolled kernels, where slots rarely
    repeat, the careful pass costs more than a run of the reference simulator. Here
    the program's survey (its operands gathered once, whatever the machine) is held
    against the machine: operand types and the lowest and highest address at once, by
    C-level builtins, and the few slots the survey could not gather one by one.
    """
    survey = program.survey
    known: dict[_Key, list[str]] = {}
    return (survey.sound
            and all(count <= (config.slot_limit(engine) or 0)
                    for engine, count in survey.widest.items())
            and all(config.allows(spec) for spec in survey.gathered_ops)
            and survey.operands.fit(config.scratch_size, config.vlen)
            and not any(_known_problems(slot, config, known) for slot in survey.others))


@dataclass
class _Operands:
    """The scratch operands of many slots, gathered to be checked or counted at once."""

    words: list[Any] = field(default_factory=list)
    """Addresses of one-word operands."""
    vectors: list[Any] = field(default_factory=list)
    """First addresses of vector operands."""
    displaced: list[Any] = field(default_factory=list)
    """Operands that name a word once an offset displaces them. They must not be negative;
    nor above 2^63, which with the displaced word inside the scratch keeps the offset
    inside the immediates' range (the offset is then above -2^63 and below the scratch)."""

    def add(self, args: list[tuple[Any, ...]], shape: OperandShape) -> bool:
        """Add the operands of slots of one shape (and arity), an operand position at a
        time (C-level maps, not a Python loop per slot). False (and nothing added) when the
        shape has an offset and some slot an operand that is not a plain int (a sum would
        not say which word it names): look at those slots one by one."""
        columns = [list(map(itemgetter(i), args)) for i in shape.words]
        if shape.offset is not None:
            offsets = list(map(itemgetter(shape.offset), args))
            if not set(map(type, chain(offsets, *columns))) <= {int}:
                return False
            self.displaced += chain.from_iterable(columns)
            columns = [list(map(add, column, offsets)) for column in columns]
        self.words += chain.from_iterable(columns)
        for i in shape.vectors:
            self.vectors += map(itemgetter(i), args)
        return True

    def fit(self, scratch_size: int, vlen: int) -> bool:
        """Whether every operand is a plain int and every span lies inside the scratch.
        (The few distinct values of plain ints are what min and max look at: a set of
        them costs less to make than a pass of either.)"""
        return all(not found or (set(map(type, found)) == {int}
                                 and min(values := set(found)) >= 0
                                 and max(values) + width <= limit)
                   for found, width, limit in ((self.words, 1, scratch_size),
                                               (self.vectors, vlen, scratch_size),
                                               (self.displaced, 0, -IMMEDIATE_MIN)))


@dataclass(frozen=True)
class _Survey:
    """What a program's slots name and use, gathered once (a program is immutable) and
    independent of any machine: validation holds it against a machine, and the scratch
    score counts its words."""

    operands: _Operands
    """The operands of every slot whose operation names only addresses
    (`OperandShape.addresses_only`)."""
    others: tuple[Slot, ...]
    """The other slots (immediates, targets, a wrong operand count), debug slots aside:
    any debug slot is valid, and none names a scratch word the machine uses."""
    gathered_ops: frozenset[OpSpec]
    """The operations of the gathered slots."""
    widest: dict[Engine, int]
    """The most slots of each engine but debug in one bundle."""
    sound: bool
    """No engine twice in a bundle, no slot under another engine's name."""


def _survey(program: Program) -> _Survey:
    """The survey, in bulk: an unrolled kernel has tens of thousands of distinct slots,
    and a Python loop over them costs more than running the kernel. Bundles are taken
    apart into their groups, the groups sorted by engine, and each engine's slots by
    what the survey does with them (`_categories`), by C-level maps and comprehensions that
    do one thing per slot; Python's own loops run over engines and categories."""
    by_bundle = [bundle.groups for bundle, _ in program.working_uses]
    # No engine twice in a bundle: dict(groups) has an entry per distinct engine.
    sound = all(map(eq, map(len, map(dict, by_bundle)), map(len, by_bundle)))
    groups = list(chain.from_iterable(by_bundle))
    engines = list(map(itemgetter(0), groups))
    slot_lists = list(map(itemgetter(1), groups))
    keys = list(map(id, engines))  # by identity: the slots' engines must be these very ones
    by_engine = dict(zip(keys, engines, strict=True))
    operands = _Operands()
    others: list[Slot] = []
    gathered: set[OpSpec] = set()
    widest: dict[Engine, int] = {}
    categories = _categories()
    for key, engine in by_engine.items():
        lists = (slot_lists if len(by_engine) == 1
                 else list(compress(slot_lists, map(eq, keys, repeat(key)))))
        slots = list(chain.from_iterable(lists))
        if not all(map(is_, [slot.engine for slot in slots], repeat(engine))):
            sound = False
        if engine is Engine.DEBUG:  # the machine never reads them: nothing to gather
            continue
        if (most := max(map(len, lists))) > widest.get(engine, 0):
            widest[engine] = most
        found = _gather(slots, categories.get(engine, _NO_CATEGORIES), operands, others)
        gathered.update(OPS.by_engine[engine][name] for name in found)
    return _Survey(operands, tuple(others), frozenset(gathered), widest, sound)


def _categories() -> dict[Engine, dict[str, OperandShape]]:
    """What the survey does with the slots of each operation whose operands it gathers in
    bulk, by engine and name (read from the table for each survey, so that every operation
    in it counts): a shape standing for every operation alike, of the same arity and naming
    scratch the same way (WORDS or VECTORS, the common cases), or its own shape. Operations
    alike share that one object, so that the slots of each are picked out of an engine's
    in one pass (equal shapes are the same object here)."""
    shared: dict[tuple[int, str | OperandShape], OperandShape] = {}

    def category(shape: OperandShape) -> OperandShape:
        return shared.setdefault((shape.arity, shape.plain or shape), shape)

    return {engine: {name: category(spec.shape) for name, spec in specs.items()
                     if spec.shape.addresses_only}
            for engine, specs in OPS.by_engine.items()}


def _gather(slots: list[Slot], categories: dict[str, OperandShape], operands: _Operands,
            others: list[Slot]) -> set[str]:
    """Gather the operands of one engine's slots into `operands`, and the slots it cannot
    gather (an operation not gathered, a wrong operand count, an offset beside an operand
    that is not an int) into `others`; the names of the operations gathered."""
    names = [slot.name for slot in slots]
    found = list(map(categories.get, names))
    # The distinct categories by identity (equal shapes are one object, see _categories):
    # a set of them would hash each slot's shape field by field.
    kinds = dict(zip(map(id, found), found, strict=True)).values()
    gathered: set[str] = set()
    for category in kinds:
        chosen = None if len(kinds) == 1 else list(map(is_, found, repeat(category)))
        these = slots if chosen is None else list(compress(slots, chosen))
        if category is None:
            others += these
            continue
        picked: Iterable[str] = names if chosen is None else compress(names, chosen)
        args = [slot.args for slot in these]
        if set(map(len, args)) != {category.arity}:  # some with a wrong operand count
            right = list(map(eq, map(len, args), repeat(category.arity)))
            others += compress(these, map(not_, right))
            these, args = list(compress(these, right)), list(compress(args, right))
            picked = [slot.name for slot in these]
        if category.plain is WORDS:  # the common cases, inline
            operands.words += chain.from_iterable(args)
        elif category.plain is VECTORS:
            operands.vectors += chain.from_iterable(args)
        elif not operands.add(args, category):
            # One by one: which slots have an operand that is not an int.
            kept = [operands.add([slot.args], category) for slot in these]
            others += compress(these, map(not_, kept))
            picked = [slot.name for slot in compress(these, kept)]
        gathered.update(picked)
    return gathered


_NO_CATEGORIES: dict[str, OperandShape] = {}


def _bundle_problems(bundle: Bundle, config: MachineConfig,
                     known: dict[_Key, list[str]]) -> list[tuple[str, int, Engine]]:
    """(message, slot index, engine) for every problem of one bundle."""
    problems: list[tuple[str, int, Engine]] = []
    index = 0
    seen: set[Engine] = set()
    for engine, slots in bundle.groups:
        if engine in seen:
            problems.append((f"{engine} appears twice in one bundle", index, engine))
        seen.add(engine)
        limit = config.slot_limit(engine)
        if limit is not None and len(slots) > limit:
            problems.append((f"{len(slots)} {engine} slots in one bundle; this machine allows"
                             f" {limit}", index + limit, engine))
        for slot in slots:
            if slot.engine is not engine:
                problems.append((f"{slot.name} is not a {engine} operation", index, engine))
            for message in _known_problems(slot, config, known):
                problems.append((message, index, engine))
            index += 1
    return problems


def check(program: Program, config: MachineConfig) -> Program:
    """The program itself if it may run on the machine; otherwise ProgramError."""
    checked = program.memo.setdefault("checked on", [])
    if any(config == machine for machine in checked):
        return program
    problems = validate(program, config)
    if problems:
        raise ProgramError(problems)
    checked.append(config)
    return program
