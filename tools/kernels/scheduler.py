"""A cycle-by-cycle list scheduler with register allocation, for generated kernels.

A kernel is written as a dataflow graph (`Graph`): every operation makes a new
`Value` (static single assignment), so the only orderings are true data
dependencies. `schedule` then fills bundles one cycle at a time, most urgent
ready operation first, within the slot limits, and gives each value that is not
pinned a vector register from a pool when its operation starts, returning the
register when its last reader has read it. Reusing registers this way, rather
than naming them in the source, is what lets independent walkers overlap.

Two kinds of operation take more than one slot: a lane-wise binary operation
may run on the valu (one slot) or on the alu (one slot per lane, spread over
cycles when the alu is nearly full), and a gather takes one load slot per lane.
Lanes are independent, so a value may share its register with an operand of
the operation that reads it for the last time.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from machine.config import MachineConfig
from machine.isa import Engine


class ScheduleError(RuntimeError):
    """The graph cannot be scheduled (it needs more registers than the pool holds)."""


@dataclass(eq=False)
class Value:
    """A scalar or a vector that some operation writes once."""

    name: str
    width: int
    address: int | None = None
    """Pinned values (constants) have an address from the start; others get a register."""
    producer: Op | None = None
    readers: list[Op] = field(default_factory=list)
    views: list[Value] = field(default_factory=list)
    """Scalar words of a pinned vector, readable when the vector is."""
    ready: int | None = None
    """First cycle at which the value may be read."""
    unread: int = 0
    owns_register: bool = False
    """Holds a pool register, to give back when the last reader has read it."""


@dataclass(eq=False)
class Op:
    kind: str
    """'valu', 'bin' (valu or alu), 'flow', 'alu', 'load', 'store' or 'gather'."""
    name: str
    dst: Value | None
    srcs: tuple[Value, ...]
    imm: tuple[Any, ...]
    """Immediates after the scratch operands (a `const`'s value)."""
    priority: tuple[float, ...]
    """Smallest first; a kernel tags its operations (chain, step) and `prioritise`
    puts the urgency in front."""
    lanes: int = 1
    """Slots the operation takes: one per lane for gathers and for lane-wise work on
    the alu."""
    lanes_done: int = 0
    waiting: int = 0
    """Operands whose producers have not finished."""
    on_alu: bool = False


class Graph:
    """Values and operations in the order a kernel states them."""

    def __init__(self, vlen: int) -> None:
        self.vlen = vlen
        self.values: list[Value] = []
        self.ops: list[Op] = []

    def value(self, name: str, width: int, address: int | None = None) -> Value:
        value = Value(name, width, address)
        self.values.append(value)
        return value

    def view(self, vector: Value, lane: int) -> Value:
        """Word `lane` of a pinned vector, as a scalar value."""
        assert vector.address is not None, "only pinned vectors have fixed words"
        word = Value(f"{vector.name}[{lane}]", 1, vector.address + lane, vector.producer)
        vector.views.append(word)
        return word

    def op(self, kind: str, name: str, dst: Value | None, srcs: Sequence[Value],
           imm: Sequence[Any] = (), priority: Sequence[float] = ()) -> Op:
        lanes = self.vlen if kind == "gather" or (kind == "bin" and dst is not None
                                                   and dst.width > 1) else 1
        op = Op(kind, name, dst, tuple(srcs), tuple(imm), tuple(priority), lanes)
        if dst is not None:
            assert dst.producer is None, f"{dst.name} is written twice"
            dst.producer = op
        for src in op.srcs:
            src.readers.append(op)
        self.ops.append(op)
        return op


Slot = tuple[Engine, str, tuple[Any, ...]]


@dataclass
class Schedule:
    bundles: list[list[Slot]]
    registers: int
    """Pool registers in use at the busiest moment."""


_ENGINE = {"valu": Engine.VALU, "flow": Engine.FLOW, "alu": Engine.ALU,
           "load": Engine.LOAD, "store": Engine.STORE, "gather": Engine.LOAD}


class _Pool:
    def __init__(self, addresses: Sequence[int]) -> None:
        self.free = list(reversed(addresses))
        self.size = len(addresses)
        self.peak = 0

    def take(self) -> int | None:
        if not self.free:
            return None
        address = self.free.pop()
        self.peak = max(self.peak, self.size - len(self.free))
        return address

    def give(self, address: int) -> None:
        self.free.append(address)


def schedule(graph: Graph, config: MachineConfig, registers: Sequence[int],
             admit: Callable[[Op, int], bool] = lambda op, free: True) -> Schedule:
    """Bundles for the graph; `registers` are the first addresses of the pool's vectors.

    Operations go most urgent first (smallest `Op.priority`). `admit(op,
    free_registers)` may hold back an operation that needs a fresh register, to keep
    some free for work already under way."""
    return _Scheduler(graph, config, registers, admit).run()


class _Scheduler:
    def __init__(self, graph: Graph, config: MachineConfig, registers: Sequence[int],
                 admit: Callable[[Op, int], bool]) -> None:
        self.graph = graph
        self.config = config
        self.pool = _Pool(registers)
        self.admit = admit
        self.order = {id(op): index for index, op in enumerate(graph.ops)}
        self.candidates: list[tuple[tuple[float, ...], int, Op]] = []
        self.running: list[Op] = []
        self.cycle = 0
        for value in graph.values:
            value.unread = len(value.readers)
            if value.producer is None and value.address is not None:
                value.ready = 0
        for op in graph.ops:
            op.waiting = sum(1 for src in op.srcs if src.producer is not None)
            if op.waiting == 0:
                self._offer(op)

    def _offer(self, op: Op) -> None:
        heapq.heappush(self.candidates, (op.priority, self.order[id(op)], op))

    def run(self) -> Schedule:
        bundles: list[list[Slot]] = []
        remaining = len(self.graph.ops)
        while remaining:
            bundle, finished = self._cycle()
            if not bundle:
                raise ScheduleError(f"no progress at cycle {self.cycle}: {remaining}"
                                    f" operations wait; {self.pool.size} registers are too few")
            bundles.append(bundle)
            remaining -= len(finished)
            self._retire(finished)
            self.cycle += 1
        return Schedule(bundles, self.pool.peak)

    def _cycle(self) -> tuple[list[Slot], list[Op]]:
        """Fill one bundle; returns it and the operations whose last slot is in it."""
        self.limits = {engine: self.config.slot_limit(engine) or 0
                       for engine in _ENGINE.values()}
        self.bundle: list[Slot] = []
        self.finished: list[Op] = []
        for op in list(self.running):  # operations begun earlier go on first
            if _issue_lanes(op, Engine.ALU if op.on_alu else Engine.LOAD, self.limits,
                            self.bundle):
                self.running.remove(op)
                self.finished.append(op)
        entries = [heapq.heappop(self.candidates) for _ in range(len(self.candidates))]
        ready = [entry[2] for entry in entries
                 if all(src.ready is not None and src.ready <= self.cycle
                        for src in entry[2].srcs)]
        placed: set[int] = set()
        # Work only one engine can do goes first; lane-wise binary operations then
        # take the valu while it has room, and the alu after it.
        for op in ready:
            if op.kind != "bin" or op.lanes == 1:
                engine = _ENGINE.get(op.kind, Engine.ALU)
                if self.limits[engine] and self._place(op, engine):
                    placed.add(id(op))
        for op in ready:
            if op.kind == "bin" and op.lanes > 1 and id(op) not in placed:
                for engine in (Engine.VALU, Engine.ALU):
                    if self.limits[engine] and self._place(op, engine):
                        placed.add(id(op))
                        break
        for entry in entries:
            if id(entry[2]) not in placed:
                heapq.heappush(self.candidates, entry)
        return self.bundle, self.finished

    def _place(self, op: Op, engine: Engine) -> bool:
        """Start the operation on the engine, with a register for its result."""
        if op.dst is not None and op.dst.address is None:
            reuse = _dying_operand(op)
            if reuse is not None:
                op.dst.address = reuse.address
                reuse.owns_register = False
            else:
                address = self.pool.take() if self.admit(op, len(self.pool.free)) else None
                if address is None:
                    return False
                op.dst.address = address
            op.dst.owns_register = True
        op.on_alu = engine is Engine.ALU and op.kind == "bin"
        if _issue_lanes(op, engine, self.limits, self.bundle):
            self.finished.append(op)
        else:
            self.running.append(op)
        return True

    def _retire(self, finished: list[Op]) -> None:
        """Results become readable next cycle; registers read for the last time free up."""
        for op in finished:
            for src in op.srcs:
                src.unread -= 1
                if src.unread == 0 and src.owns_register:
                    assert src.address is not None
                    self.pool.give(src.address)
                    src.owns_register = False
            if op.dst is not None:
                for value in (op.dst, *op.dst.views):
                    value.ready = self.cycle + 1
                    for reader in value.readers:
                        reader.waiting -= 1
                        if reader.waiting == 0:
                            self._offer(reader)


def prioritise(graph: Graph, chain_weight: float, latency: dict[str, int]) -> None:
    """Set priorities from `(chain, step)` tags: most urgent is the operation with the
    longest way to the end (in cycles, by `latency` per kind, else 1), less
    `chain_weight` per chain index, so that earlier chains run ahead of later ones
    while none falls far behind."""
    height: dict[int, float] = {}
    for op in reversed(graph.ops):
        below = 0.0
        if op.dst is not None:
            for value in (op.dst, *op.dst.views):
                for reader in value.readers:
                    below = max(below, height[id(reader)])
        height[id(op)] = below + latency.get(op.kind, 1)
        op.priority = (op.priority[0] * chain_weight - height[id(op)], *op.priority)


def _dying_operand(op: Op) -> Value | None:
    """An operand this operation reads for the last time, whose register it may take."""
    assert op.dst is not None
    for src in op.srcs:
        if src.unread == 1 and src.owns_register and src.width == op.dst.width:
            return src
    return None


def _issue_lanes(op: Op, engine: Engine, limits: dict[Engine, int],
                 bundle: list[Slot]) -> bool:
    """Put as many of the operation's slots in the bundle as fit; True when all are in."""
    dst = op.dst.address if op.dst is not None else None
    srcs = tuple(src.address for src in op.srcs)
    if op.kind == "gather":
        while op.lanes_done < op.lanes and limits[engine]:
            bundle.append((engine, "load_offset", (dst, srcs[0], op.lanes_done)))
            limits[engine] -= 1
            op.lanes_done += 1
        return op.lanes_done == op.lanes
    if op.kind == "bin" and engine is Engine.ALU and op.lanes > 1:
        while op.lanes_done < op.lanes and limits[engine]:
            lane = op.lanes_done
            bundle.append((engine, op.name, (dst + lane, *(s + lane for s in srcs))))
            limits[engine] -= 1
            op.lanes_done += 1
        return op.lanes_done == op.lanes
    limits[engine] -= 1
    args = (*(() if dst is None else (dst,)), *srcs, *op.imm)
    bundle.append((engine, op.name, args))
    op.lanes_done = op.lanes
    return True
