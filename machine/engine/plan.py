"""Pre-decoding bundles into steps that honour "all reads, then all writes".

The reference simulator buffers every write of a bundle. The engine writes in
place instead, which is what makes it fast, and orders the work of a bundle in
three phases so that in-place writing changes nothing:

1. checks: everything that reads memory, may fault or decides the next pc.
   These read the state from before the bundle and write none of it (loaded
   words land in buffers, store addresses in index buffers), so a fault found
   here leaves every seed exactly as it was before the bundle.
2. compute: every other slot, in slot order, in place, so that of two slots
   writing one word the later wins, as the spec says. A slot that reads a word
   an earlier slot of the same bundle wrote reads a shadow copy instead, taken
   in phase 1.
3. stores: memory writes in slot order (their values shadowed if phase 2
   overwrote them), after every load of the bundle has read memory.

Adjacent scalar loads of consecutive words into consecutive words (a vector's
lanes gathered one `load_offset` at a time) are one gather and one commit.

A plan is a list of small tuples (templates) of validated integers; the
numpy side (`machine.engine.steps`) binds them to one batch's arrays.
Nothing here knows numpy.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from machine.config import MachineConfig
from machine.isa import BINARY_OPS, WORD_MASK, Engine
from machine.program import Bundle, Program

Template = tuple[object, ...]

# Phase 1.
GATHER = "gather"      # (GATHER, vector, address, count, buffer): memory -> buffer
PROBE = "probe"        # (PROBE, vector, address, 1, buffer): check a store address, keep its index
NONZERO = "nonzero"    # (NONZERO, vector, address): a divisor must not be 0
SHADOW = "shadow"      # (SHADOW, source, shadow, length): copy words before the bundle writes them
DECIDE = "decide"      # (DECIDE, controls): the next pc of every seed
# Phase 2.
BINARY = "binary"      # (BINARY, op name, vector, d, a, b)
BROADCAST = "broadcast"  # (BROADCAST, d, a)
MULTIPLY_ADD = "multiply_add"  # (MULTIPLY_ADD, d, a, b, c)
COMMIT = "commit"      # (COMMIT, vector, d, count, buffer): gathered loads land in scratch
CONST = "const"        # (CONST, d, word)
SELECT = "select"      # (SELECT, vector, d, c, a, b)
ADD_IMM = "add_imm"    # (ADD_IMM, d, a, word)
TRACE = "trace"        # (TRACE, a)
# Phase 3.
STORE = "store"        # (STORE, vector, value, buffer)

# Control slots, in the `controls` of DECIDE: (kind, operand, target).
HALT = "halt"          # (HALT, None, None)
JUMP = "jump"          # (JUMP, None, target)
COND_JUMP = "cond_jump"  # (COND_JUMP, c, target); a negative target faults when taken
JUMP_INDIRECT = "jump_indirect"  # (JUMP_INDIRECT, a, None)

DIVIDING = frozenset({"//", "%", "cdiv"})
BINARY_NAMES = frozenset(op.name for op in BINARY_OPS)


class Unsupported(Exception):
    """An operation the engine has no batched form of: run on the reference instead."""


@dataclass(frozen=True)
class BundlePlan:
    counted: bool
    checks: tuple[Template, ...]
    compute: tuple[Template, ...]
    stores: tuple[Template, ...]
    controls: tuple[tuple[str, int | None, int | None], ...] | None
    """Control slots in slot order; None when the bundle has none (it falls through)."""
    shadow_words: int
    buffers: tuple[int, int]
    """Gather/probe buffers used: (scalar, vector)."""

    @property
    def templates(self) -> tuple[Template, ...]:
        return self.checks + self.compute + self.stores


FREE = BundlePlan(False, (), (), (), None, 0, (0, 0))


class _Planner:
    """Plans one bundle: collects the three phases and renames hazardous reads."""

    def __init__(self, pc: int, length: int, vlen: int, scratch_size: int):
        self.pc = pc
        self.length = length
        self.vlen = vlen
        self.shadow_top = scratch_size
        self.shadow_base = scratch_size
        self.checks: list[Template] = []
        self.compute: list[Template] = []
        self.stores: list[Template] = []
        self.late_reads: list[tuple[int, int, int]] = []
        self.controls: list[tuple[str, int | None, int | None]] = []
        self.written: set[int] = set()
        self.buffers = [0, 0]
        self.loads: list[int] | None = None
        """The run of scalar loads the previous slot belonged to: [index of its gather in
        checks, of its commit in compute, first address, first destination, count]."""

    def read(self, address: int, vector: bool) -> int:
        """The address phase 2 reads a word (or vector) at: a shadow if already overwritten."""
        length = self.vlen if vector else 1
        if self.written and not self.written.isdisjoint(range(address, address + length)):
            shadow = self.shadow_top
            self.shadow_top += length
            self.checks.append((SHADOW, address, shadow, length))
            return shadow
        return address

    def write(self, address: int, vector: bool) -> None:
        self.written.update(range(address, address + (self.vlen if vector else 1)))

    def target(self, target: int) -> int:
        """Every target at or past the end stops the core alike; only the sign of a
        negative one matters (it faults, and the reference reports it)."""
        return min(target, self.length) if target >= 0 else -1

    def buffer(self, vector: bool) -> int:
        index = self.buffers[vector]
        self.buffers[vector] += 1
        return index

    def scalar_load(self, d: int, a: int, run: list[int] | None) -> None:
        if run is not None and a == run[2] + run[4] and d == run[3] + run[4]:
            gather, commit, first, into, count = run
            buffer = self.checks[gather][4]
            self.checks[gather] = (GATHER, False, first, count + 1, buffer)
            self.compute[commit] = (COMMIT, False, into, count + 1, buffer)
            run[4] += 1
            self.loads = run
        else:
            buffer = self.buffer(False)
            self.loads = [len(self.checks), len(self.compute), a, d, 1]
            self.checks.append((GATHER, False, a, 1, buffer))
            self.compute.append((COMMIT, False, d, 1, buffer))
        self.write(d, False)

    def slot(self, engine: Engine, name: str, args: tuple[int, ...]) -> None:
        vector = engine is Engine.VALU
        run, self.loads = self.loads, None
        if engine in (Engine.ALU, Engine.VALU) and name in BINARY_NAMES:
            d, a, b = args
            if name in DIVIDING:
                self.checks.append((NONZERO, vector, b))
            self.compute.append((BINARY, name, vector, d, self.read(a, vector),
                                 self.read(b, vector)))
            self.write(d, vector)
        elif name == "vbroadcast":
            d, a = args
            self.compute.append((BROADCAST, d, self.read(a, False)))
            self.write(d, True)
        elif name == "multiply_add":
            d, a, b, c = args
            self.compute.append((MULTIPLY_ADD, d, self.read(a, True), self.read(b, True),
                                 self.read(c, True)))
            self.write(d, True)
        elif name == "load":
            self.scalar_load(args[0], args[1], run)
        elif name == "load_offset":
            d, a, k = args
            self.scalar_load(d + k, a + k, run)
        elif name == "vload":
            d, a = args
            buffer = self.buffer(True)
            self.checks.append((GATHER, True, a, 1, buffer))
            self.compute.append((COMMIT, True, d, 1, buffer))
            self.write(d, True)
        elif name == "const":
            d, imm = args
            self.compute.append((CONST, d, imm & WORD_MASK))
            self.write(d, False)
        elif name in ("store", "vstore"):
            a, b = args
            vector = name == "vstore"
            buffer = self.buffer(vector)
            self.checks.append((PROBE, vector, a, 1, buffer))
            self.late_reads.append((b, vector, buffer))
        elif name in ("select", "vselect"):
            d, c, a, b = args
            vector = name == "vselect"
            self.compute.append((SELECT, vector, d, self.read(c, vector), self.read(a, vector),
                                 self.read(b, vector)))
            self.write(d, vector)
        elif name == "add_imm":
            d, a, imm = args
            self.compute.append((ADD_IMM, d, self.read(a, False), imm & WORD_MASK))
            self.write(d, False)
        elif name == "trace_write":
            self.compute.append((TRACE, self.read(args[0], False)))
        elif name == "coreid":
            # The engine runs single-core machines only (see run_many): core 0.
            self.compute.append((CONST, args[0], 0))
            self.write(args[0], False)
        elif name == "halt":
            self.controls.append((HALT, None, None))
        elif name == "jump":
            self.controls.append((JUMP, None, self.target(args[0])))
        elif name == "cond_jump":
            self.controls.append((COND_JUMP, args[0], self.target(args[1])))
        elif name == "cond_jump_rel":
            self.controls.append((COND_JUMP, args[0], self.target(self.pc + 1 + args[1])))
        elif name == "jump_indirect":
            self.controls.append((JUMP_INDIRECT, args[0], None))
        elif name != "pause":  # headless: a pause only costs its cycle
            raise Unsupported(f"{engine} operation {name!r}")

    def finish(self, counted: bool) -> BundlePlan:
        stores = []
        for value, vector, buffer in self.late_reads:
            stores.append((STORE, vector, self.read(value, vector), buffer))
        controls = tuple(self.controls) or None
        if controls is not None:
            self.checks.append((DECIDE, controls))
        return BundlePlan(counted, tuple(self.checks), tuple(self.compute), tuple(stores),
                          controls, self.shadow_top - self.shadow_base, tuple(self.buffers))


def plan_bundle(bundle: Bundle, pc: int, length: int, config: MachineConfig) -> BundlePlan:
    """The plan of one validated bundle at pc of a program of `length` bundles (pc
    matters to cond_jump_rel only)."""
    if not bundle.costs_cycle:
        return FREE
    planner = _Planner(pc, length, config.vlen, config.scratch_size)
    for engine, slots in bundle.groups:
        if engine is Engine.DEBUG:
            continue
        for slot in slots:
            planner.slot(engine, slot.name, slot.args)
    return planner.finish(True)


def plan_program(program: Program, config: MachineConfig) -> list[BundlePlan]:
    """Plans of every bundle. Bundles with the same slots share one plan: programs
    repeat themselves a lot (the take-home's scalar starter is 150,000 single-slot
    bundles of under a thousand kinds; an unrolled packed kernel repeats its rounds).
    Bundles are keyed by plain tuples, which hash and compare far faster than the
    Bundle dataclasses themselves."""
    plans: list[BundlePlan] = []
    shared: dict[tuple[tuple[int, str, tuple[object, ...]], ...], BundlePlan] = {}
    length = len(program.bundles)
    for pc, bundle in enumerate(program.bundles):
        try:
            key = tuple([(id(engine), slot.name, slot.args)
                         for engine, slots in bundle.groups for slot in slots])
            plan = shared.get(key)
        except TypeError:  # a debug operand that is not hashable (a list)
            key, plan = None, None
        if plan is None:
            plan = plan_bundle(bundle, pc, length, config)
            # Only bundles that do something are shared: the same slots may or may not
            # cost a cycle when they are all debug (an empty engine list costs one), and
            # a relative jump's target depends on its pc.
            if (key is not None and (plan.templates or plan.controls)
                    and not any(name == "cond_jump_rel" for _, name, _ in key)):
                shared[key] = plan
        plans.append(plan)
    return plans


@dataclass(frozen=True)
class Block:
    """A straight run of bundles from `start`, ending after the first bundle with a
    control slot, or at the end of the program."""

    start: int
    plans: tuple[BundlePlan, ...]
    counted_before: tuple[int, ...]
    """counted_before[p]: counted bundles before position p (length len(plans) + 1)."""

    @property
    def size(self) -> int:
        return len(self.plans)

    @property
    def end(self) -> int:
        """The pc after the block, where it falls through to."""
        return self.start + len(self.plans)

    @property
    def controls(self) -> tuple[tuple[str, int | None, int | None], ...] | None:
        return self.plans[-1].controls if self.plans else None

    def position_after(self, first: int, cycles: int) -> int:
        """The position of the counted bundle that starts `cycles` cycles after position
        `first` does (where a cycle limit strikes), or `size` if the block ends first."""
        # counted_before steps up by one just after each counted bundle.
        return bisect_left(self.counted_before, self.counted_before[first] + cycles + 1) - 1


def make_block(plans: Sequence[BundlePlan], start: int) -> Block:
    end = start
    while end < len(plans):
        end += 1
        if plans[end - 1].controls is not None:
            break
    members = tuple(plans[start:end])
    counted = [0]
    for plan in members:
        counted.append(counted[-1] + plan.counted)
    return Block(start, members, tuple(counted))
