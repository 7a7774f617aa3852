"""The op table: the single source of truth for every operation of the machine.

The assembler, the program validator, the simulators, the linter and the
in-game manual all read `OPS`. An operation is named twice: by its
take-home name (``"+"``, ``"vload"``), which is what the take-home's JSON
bundles use and which is ambiguous across engines (``"+"`` is both an alu and
a valu op), and by its mnemonic (``add``, ``vadd``), which is unique, so the
text assembly can infer the engine from it.

Semantics live here too, as small functions over an `ExecContext`, so that the
reference simulator is nothing but a loop that applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Protocol, overload

WORD_MASK = 0xFFFF_FFFF


class Engine(StrEnum):
    """Engines in the order the take-home lists them."""

    ALU = "alu"
    VALU = "valu"
    LOAD = "load"
    STORE = "store"
    FLOW = "flow"
    DEBUG = "debug"


class Kind(Enum):
    """What an operand denotes. Roles matter to the linter and the debugger."""

    SCALAR_OUT = "scalar written"
    SCALAR_IN = "scalar read"
    VECTOR_OUT = "vector written"
    VECTOR_IN = "vector read"
    IMMEDIATE = "immediate"
    TARGET = "jump target"
    ANY = "any value"

    @property
    def is_scratch(self) -> bool:
        return self in _SCRATCH_KINDS

    @property
    def is_vector(self) -> bool:
        return self in _VECTOR_KINDS

    @property
    def is_output(self) -> bool:
        return self in _OUTPUT_KINDS


# Tuples, not sets: membership by identity is much faster than hashing an Enum.
_SCRATCH_KINDS = (Kind.SCALAR_OUT, Kind.SCALAR_IN, Kind.VECTOR_OUT, Kind.VECTOR_IN)
_VECTOR_KINDS = (Kind.VECTOR_OUT, Kind.VECTOR_IN)
_OUTPUT_KINDS = (Kind.SCALAR_OUT, Kind.VECTOR_OUT)


class SlotFault(Exception):
    """Raised while a slot executes (division by zero, a memory address outside
    memory); the simulator turns it into a fault located at the slot."""


class ExecContext(Protocol):
    """What an operation may see and do while its bundle executes.

    Reads see the state from before the bundle; writes are buffered and applied
    together at the end of the bundle by whoever implements this protocol.
    """

    vlen: int
    pc: int
    core_id: int

    def read(self, addr: int) -> int: ...
    def write(self, addr: int, value: int) -> None: ...
    def load(self, addr: int) -> int: ...
    def store(self, addr: int, value: int) -> None: ...
    def jump(self, target: int) -> None: ...
    def halt(self) -> None: ...
    def pause(self) -> None: ...
    def trace(self, value: int) -> None: ...


Semantics = Callable[[ExecContext, tuple[int, ...]], None]


class Control(Enum):
    """What an operation does to the order bundles run in. The builder's scheduler packs
    no slot across any of these; the engine ends a block of straight-line bundles after
    the ones that redirect."""

    NONE = "none"
    JUMP = "jump"
    """May set the next pc."""
    HALT = "halt"
    """Stops the core."""
    PAUSE = "pause"
    """Stops the core until it is resumed, when pausing is on (a breakpoint)."""

    @property
    def ends_stretch(self) -> bool:
        """The next bundle may not be the one that follows, or may run later."""
        return self is not Control.NONE

    @property
    def redirects(self) -> bool:
        """Headless (pausing off), the next bundle may not be the one that follows."""
        return self is Control.JUMP or self is Control.HALT


class Effect(Enum):
    """What a slot does besides writing scratch, which orders it against other slots."""

    NONE = "none"
    LOAD = "reads memory"
    STORE = "writes memory"
    TRACE = "appends to the trace buffer"
    """An effect outside scratch and memory whose order must be kept."""


WORDS, VECTORS = "words", "vectors"


@dataclass(frozen=True)
class OperandShape:
    """Which operand positions of an operation name scratch, and how: the one rule
    validation (bulk and careful), the scratch score and the builder read addresses by.
    (Immediates, jump targets and debug values are the other `Kind`s of `operands`.)"""

    arity: int
    words: tuple[int, ...]
    """Scratch operands naming one word (displaced by the offset when there is one)."""
    vectors: tuple[int, ...]
    """Scratch operands naming a vector: vlen words from the address."""
    scratch: tuple[tuple[int, bool, bool], ...]
    """(position, is a vector, is written) of every scratch operand, in operand order."""
    offset: int | None
    """The immediate that displaces the word operands (load_offset)."""
    addresses_only: bool
    """Every operand but the offset names scratch: such slots are checked in bulk."""
    plain: str | None
    """WORDS or VECTORS when every operand is a scratch address of that one kind and
    there is no offset (the common case)."""

    @classmethod
    def of(cls, kinds: tuple[Kind, ...], offset: int | None) -> OperandShape:
        def where(*wanted: Kind) -> tuple[int, ...]:
            return tuple(i for i, kind in enumerate(kinds) if kind in wanted)

        words = where(Kind.SCALAR_OUT, Kind.SCALAR_IN)
        vectors = where(Kind.VECTOR_OUT, Kind.VECTOR_IN)
        addresses_only = len(words) + len(vectors) + (offset is not None) == len(kinds)
        plain = (None if offset is not None or not addresses_only
                 else VECTORS if not words else WORDS if not vectors else None)
        scratch = tuple((i, kind.is_vector, kind.is_output)
                        for i, kind in enumerate(kinds) if kind.is_scratch)
        return cls(len(kinds), words, vectors, scratch, offset, addresses_only, plain)


@dataclass(frozen=True, eq=False)
class OpSpec:
    """One operation: everything any part of the project knows about it. `operands` and
    `operand_names` are parallel tuples. (Compared by identity: each lives in the table
    once, and dictionaries keyed by it hash it often.)"""

    engine: Engine
    name: str
    mnemonic: str
    operands: tuple[Kind, ...]
    operand_names: tuple[str, ...]
    meaning: str
    execute: Semantics
    offset_operand: int | None = None
    """Index of an immediate that displaces the scalar operands (load_offset)."""
    control: Control = Control.NONE
    effect: Effect = Effect.NONE
    divisor: int | None = None
    """Index of the operand whose words must not be zero: the slot faults if one is (it
    divides)."""
    relative: int | None = None
    """Index of the immediate that is a jump target counted from the next bundle."""
    shape: OperandShape = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", OperandShape.of(self.operands, self.offset_operand))

    @property
    def arity(self) -> int:
        return len(self.operands)

    def scratch_spans(self, args: tuple[int, ...],
                      vlen: int) -> Iterator[tuple[int, int, bool]]:
        """Yield (first address, last address, is_write) for every scratch operand: a
        scalar is one word, a vector `vlen` consecutive words."""
        shape = self.shape
        shift = args[shape.offset] if shape.offset is not None else 0
        for i, vector, is_write in shape.scratch:
            if vector:
                yield args[i], args[i] + vlen - 1, is_write
            else:
                yield args[i] + shift, args[i] + shift, is_write

    def scratch_footprint(self, args: tuple[int, ...], vlen: int) -> Iterator[tuple[int, bool]]:
        """Yield (scratch address, is_write) for every scratch word the slot touches."""
        for first, last, is_write in self.scratch_spans(args, vlen):
            for address in range(first, last + 1):
                yield address, is_write


# --- scalar arithmetic -------------------------------------------------------


def _div(a: int, b: int) -> int:
    if b == 0:
        raise SlotFault("division by zero")
    return a // b


def _cdiv(a: int, b: int) -> int:
    if b == 0:
        raise SlotFault("division by zero")
    return (a + b - 1) // b


def _mod(a: int, b: int) -> int:
    if b == 0:
        raise SlotFault("modulo by zero")
    return a % b


def _shl(a: int, b: int) -> int:
    # Shifting by 32 or more clears the word; never build a huge integer.
    return (a << b) & WORD_MASK if b < 32 else 0


def _shr(a: int, b: int) -> int:
    return a >> b if b < 32 else 0


@dataclass(frozen=True)
class BinaryOp:
    """A two-operand word operation: the one definition the alu and valu forms, the
    assembler and the manual all read."""

    name: str
    mnemonic: str
    symbol: str
    apply: Callable[[int, int], int]
    """Maps two words to a word (already reduced) or raises SlotFault."""
    divides: bool = False
    """Faults when its second word is zero."""


BINARY_OPS: tuple[BinaryOp, ...] = (
    BinaryOp("+", "add", "+", lambda a, b: (a + b) & WORD_MASK),
    BinaryOp("-", "sub", "-", lambda a, b: (a - b) & WORD_MASK),
    BinaryOp("*", "mul", "*", lambda a, b: (a * b) & WORD_MASK),
    BinaryOp("//", "div", "//", _div, divides=True),
    BinaryOp("cdiv", "cdiv", "cdiv", _cdiv, divides=True),
    BinaryOp("^", "xor", "^", lambda a, b: a ^ b),
    BinaryOp("&", "and", "&", lambda a, b: a & b),
    BinaryOp("|", "or", "|", lambda a, b: a | b),
    BinaryOp("<<", "shl", "<<", _shl),
    BinaryOp(">>", "shr", ">>", _shr),
    BinaryOp("%", "mod", "%", _mod, divides=True),
    BinaryOp("<", "lt", "<", lambda a, b: int(a < b)),
    BinaryOp("==", "eq", "==", lambda a, b: int(a == b)),
)


def _alu(op: BinaryOp) -> Semantics:
    apply = op.apply

    def execute(ctx: ExecContext, args: tuple[int, ...]) -> None:
        d, a, b = args
        ctx.write(d, apply(ctx.read(a), ctx.read(b)))

    return execute


def _valu(op: BinaryOp) -> Semantics:
    apply = op.apply

    def execute(ctx: ExecContext, args: tuple[int, ...]) -> None:
        d, a, b = args
        for i in range(ctx.vlen):
            ctx.write(d + i, apply(ctx.read(a + i), ctx.read(b + i)))

    return execute


# --- the rest of the instruction set ----------------------------------------


def _vbroadcast(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a = args
    value = ctx.read(a)
    for i in range(ctx.vlen):
        ctx.write(d + i, value)


def _multiply_add(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a, b, c = args
    for i in range(ctx.vlen):
        product = (ctx.read(a + i) * ctx.read(b + i)) & WORD_MASK
        ctx.write(d + i, (product + ctx.read(c + i)) & WORD_MASK)


def _load(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a = args
    ctx.write(d, ctx.load(ctx.read(a)))


def _load_offset(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a, k = args
    ctx.write(d + k, ctx.load(ctx.read(a + k)))


def _vload(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a = args
    base = ctx.read(a)
    for i in range(ctx.vlen):
        ctx.write(d + i, ctx.load(base + i))


def _const(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, imm = args
    ctx.write(d, imm & WORD_MASK)


def _store(ctx: ExecContext, args: tuple[int, ...]) -> None:
    a, b = args
    ctx.store(ctx.read(a), ctx.read(b))


def _vstore(ctx: ExecContext, args: tuple[int, ...]) -> None:
    a, b = args
    base = ctx.read(a)
    for i in range(ctx.vlen):
        ctx.store(base + i, ctx.read(b + i))


def _select(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, c, a, b = args
    ctx.write(d, ctx.read(a) if ctx.read(c) != 0 else ctx.read(b))


def _vselect(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, c, a, b = args
    for i in range(ctx.vlen):
        ctx.write(d + i, ctx.read(a + i) if ctx.read(c + i) != 0 else ctx.read(b + i))


def _add_imm(ctx: ExecContext, args: tuple[int, ...]) -> None:
    d, a, imm = args
    ctx.write(d, (ctx.read(a) + imm) & WORD_MASK)


def _halt(ctx: ExecContext, args: tuple[int, ...]) -> None:
    ctx.halt()


def _pause(ctx: ExecContext, args: tuple[int, ...]) -> None:
    ctx.pause()


def _trace_write(ctx: ExecContext, args: tuple[int, ...]) -> None:
    (a,) = args
    ctx.trace(ctx.read(a))


def _cond_jump(ctx: ExecContext, args: tuple[int, ...]) -> None:
    c, target = args
    if ctx.read(c) != 0:
        ctx.jump(target)


def _cond_jump_rel(ctx: ExecContext, args: tuple[int, ...]) -> None:
    c, k = args
    if ctx.read(c) != 0:
        ctx.jump(ctx.pc + 1 + k)


def _jump(ctx: ExecContext, args: tuple[int, ...]) -> None:
    (target,) = args
    ctx.jump(target)


def _jump_indirect(ctx: ExecContext, args: tuple[int, ...]) -> None:
    (a,) = args
    ctx.jump(ctx.read(a))


def _coreid(ctx: ExecContext, args: tuple[int, ...]) -> None:
    (d,) = args
    ctx.write(d, ctx.core_id)


def _no_effect(ctx: ExecContext, args: tuple[object, ...]) -> None:
    """Debug slots never affect a run."""


S_OUT, S_IN = Kind.SCALAR_OUT, Kind.SCALAR_IN
V_OUT, V_IN = Kind.VECTOR_OUT, Kind.VECTOR_IN
IMM, TARGET, ANY = Kind.IMMEDIATE, Kind.TARGET, Kind.ANY


def _build_table() -> tuple[OpSpec, ...]:
    ops: list[OpSpec] = []
    for op in BINARY_OPS:
        ops.append(
            OpSpec(Engine.ALU, op.name, op.mnemonic, (S_OUT, S_IN, S_IN), ("d", "a", "b"),
                   f"s[d] = s[a] {op.symbol} s[b]", _alu(op),
                   divisor=2 if op.divides else None)
        )
    for op in BINARY_OPS:
        ops.append(
            OpSpec(Engine.VALU, op.name, "v" + op.mnemonic, (V_OUT, V_IN, V_IN), ("d", "a", "b"),
                   f"s[d+i] = s[a+i] {op.symbol} s[b+i] for every lane i", _valu(op),
                   divisor=2 if op.divides else None)
        )
    ops += [
        OpSpec(Engine.VALU, "vbroadcast", "vbroadcast", (V_OUT, S_IN), ("d", "a"),
               "s[d+i] = s[a] for every lane i", _vbroadcast),
        OpSpec(Engine.VALU, "multiply_add", "multiply_add", (V_OUT, V_IN, V_IN, V_IN),
               ("d", "a", "b", "c"), "s[d+i] = s[a+i] * s[b+i] + s[c+i] for every lane i",
               _multiply_add),
        OpSpec(Engine.LOAD, "load", "load", (S_OUT, S_IN), ("d", "a"), "s[d] = m[s[a]]", _load,
               effect=Effect.LOAD),
        OpSpec(Engine.LOAD, "load_offset", "load_offset", (S_OUT, S_IN, IMM), ("d", "a", "k"),
               "s[d+k] = m[s[a+k]]", _load_offset, offset_operand=2, effect=Effect.LOAD),
        OpSpec(Engine.LOAD, "vload", "vload", (V_OUT, S_IN), ("d", "a"),
               "s[d+i] = m[s[a]+i] for every lane i (contiguous)", _vload, effect=Effect.LOAD),
        OpSpec(Engine.LOAD, "const", "const", (S_OUT, IMM), ("d", "imm"), "s[d] = imm", _const),
        OpSpec(Engine.STORE, "store", "store", (S_IN, S_IN), ("a", "b"), "m[s[a]] = s[b]", _store,
               effect=Effect.STORE),
        OpSpec(Engine.STORE, "vstore", "vstore", (S_IN, V_IN), ("a", "b"),
               "m[s[a]+i] = s[b+i] for every lane i (contiguous)", _vstore, effect=Effect.STORE),
        OpSpec(Engine.FLOW, "select", "select", (S_OUT, S_IN, S_IN, S_IN), ("d", "c", "a", "b"),
               "s[d] = s[a] if s[c] != 0 else s[b]", _select),
        OpSpec(Engine.FLOW, "vselect", "vselect", (V_OUT, V_IN, V_IN, V_IN), ("d", "c", "a", "b"),
               "s[d+i] = s[a+i] if s[c+i] != 0 else s[b+i] for every lane i", _vselect),
        OpSpec(Engine.FLOW, "add_imm", "add_imm", (S_OUT, S_IN, IMM), ("d", "a", "imm"),
               "s[d] = s[a] + imm", _add_imm),
        OpSpec(Engine.FLOW, "halt", "halt", (), (), "stop this core after this bundle", _halt,
               control=Control.HALT),
        OpSpec(Engine.FLOW, "pause", "pause", (), (),
               "pause after this bundle when pausing is enabled (a breakpoint)", _pause,
               control=Control.PAUSE),
        OpSpec(Engine.FLOW, "trace_write", "trace_write", (S_IN,), ("a",),
               "append s[a] to the core's trace buffer", _trace_write, effect=Effect.TRACE),
        OpSpec(Engine.FLOW, "cond_jump", "cond_jump", (S_IN, TARGET), ("c", "target"),
               "if s[c] != 0: next pc = target", _cond_jump, control=Control.JUMP),
        OpSpec(Engine.FLOW, "cond_jump_rel", "cond_jump_rel", (S_IN, IMM), ("c", "k"),
               "if s[c] != 0: next pc = pc + 1 + k", _cond_jump_rel, control=Control.JUMP,
               relative=1),
        OpSpec(Engine.FLOW, "jump", "jump", (TARGET,), ("target",), "next pc = target", _jump,
               control=Control.JUMP),
        OpSpec(Engine.FLOW, "jump_indirect", "jump_indirect", (S_IN,), ("a",),
               "next pc = s[a]", _jump_indirect, control=Control.JUMP),
        OpSpec(Engine.FLOW, "coreid", "coreid", (S_OUT,), ("d",), "s[d] = this core's index",
               _coreid),
        OpSpec(Engine.DEBUG, "comment", "comment", (ANY,), ("text",),
               "a comment kept in the program; free", _no_effect),
        OpSpec(Engine.DEBUG, "compare", "compare", (ANY, ANY), ("a", "key"),
               "take-home reference check of s[a]; ignored here, free", _no_effect),
        OpSpec(Engine.DEBUG, "vcompare", "vcompare", (ANY, ANY), ("a", "keys"),
               "take-home reference check of a vector; ignored here, free", _no_effect),
    ]
    return tuple(ops)


class OpTable(Sequence[OpSpec]):
    """Every operation in manual order, and the indexes every consumer looks ops up by.

    Consumers read it when they run, not when they are imported, so an operation added
    here (or for a while, with `extended`) is seen by all of them alike."""

    def __init__(self, ops: Iterable[OpSpec]):
        self._ops: list[OpSpec] = []
        self.by_mnemonic: dict[str, OpSpec] = {}
        self.by_engine_name: dict[tuple[Engine, str], OpSpec] = {}
        self.by_engine: dict[Engine, dict[str, OpSpec]] = {engine: {} for engine in Engine}
        """Each engine's operations by take-home name."""
        for op in ops:
            self._add(op)

    @overload
    def __getitem__(self, index: int) -> OpSpec: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[OpSpec]: ...

    def __getitem__(self, index: int | slice) -> OpSpec | Sequence[OpSpec]:
        return self._ops[index]

    def __len__(self) -> int:
        return len(self._ops)

    def __iter__(self) -> Iterator[OpSpec]:
        return iter(self._ops)

    def _add(self, op: OpSpec) -> None:
        if op.mnemonic in self.by_mnemonic:
            raise ValueError(f"mnemonic {op.mnemonic!r} is taken")
        if (op.engine, op.name) in self.by_engine_name:
            raise ValueError(f"{op.engine} already has an operation named {op.name!r}")
        self._ops.append(op)
        self.by_mnemonic[op.mnemonic] = op
        self.by_engine_name[op.engine, op.name] = op
        self.by_engine[op.engine][op.name] = op

    def _remove(self, op: OpSpec) -> None:
        self._ops.remove(op)
        del self.by_mnemonic[op.mnemonic]
        del self.by_engine_name[op.engine, op.name]
        del self.by_engine[op.engine][op.name]

    @contextmanager
    def extended(self, *ops: OpSpec) -> Iterator[None]:
        """The table with `ops` added inside the `with` block, as it was after it: an
        operation tried out without editing this file."""
        added: list[OpSpec] = []
        try:
            for op in ops:
                self._add(op)
                added.append(op)
            yield
        finally:
            for op in reversed(added):
                self._remove(op)


OPS = OpTable(_build_table())
"""Every operation, in manual order."""

BY_MNEMONIC: dict[str, OpSpec] = OPS.by_mnemonic
BY_ENGINE_NAME: dict[tuple[Engine, str], OpSpec] = OPS.by_engine_name


def lookup(engine: Engine | str, name: str) -> OpSpec | None:
    """The op an engine knows by its take-home name, or None."""
    try:
        return BY_ENGINE_NAME.get((Engine(engine), name))
    except ValueError:
        return None
