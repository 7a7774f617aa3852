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
    priority: tuple[float, ...]
    lanes: int = 1
    lanes_done: int = 0
    waiting: int = 0
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

    `admit(op, free_registers)` may hold back an operation that needs a fresh register
    (to keep some free for work already under way)."""
    pool = _Pool(registers)
    for value in graph.values:
        value.unread = len(value.readers)
        if value.producer is None and value.address is not None:
            value.ready = 0
    candidates: list[tuple[tuple[float, ...], int, Op]] = []
    for index, op in enumerate(graph.ops):
        op.waiting = sum(1 for src in op.srcs if src.producer is not None)
        if op.waiting == 0:
            heapq.heappush(candidates, (op.priority, index, op))
    order = {id(op): index for index, op in enumerate(graph.ops)}
    running: list[Op] = []
    bundles: list[list[Slot]] = []
    remaining = len(graph.ops)
    cycle = 0
    idle = 0
    while remaining:
        limits = {engine: config.slot_limit(engine) or 0 for engine in _ENGINE.values()}
        bundle: list[Slot] = []
        finished: list[Op] = []
        # Operations that started in an earlier cycle go on first.
        for op in list(running):
            engine = Engine.ALU if op.on_alu else Engine.LOAD
            if _issue_lanes(op, engine, limits, bundle):
                running.remove(op)
                finished.append(op)
        skipped: list[tuple[tuple[float, ...], int, Op]] = []
        while candidates and any(limits[e] for e in limits):
            entry = heapq.heappop(candidates)
            op = entry[2]
            if not all(src.ready is not None and src.ready <= cycle for src in op.srcs):
                skipped.append(entry)
                continue
            engine = _pick_engine(op, limits)
            if engine is None:
                skipped.append(entry)
                continue
            if op.dst is not None and op.dst.address is None:
                reuse = _dying_operand(op)
                if reuse is None and not admit(op, len(pool.free)):
                    skipped.append(entry)
                    continue
                if reuse is not None:
                    op.dst.address = reuse.address
                    reuse.owns_register = False
                else:
                    address = pool.take()
                    if address is None:
                        skipped.append(entry)
                        continue
                    op.dst.address = address
                op.dst.owns_register = True
            op.on_alu = engine is Engine.ALU and op.kind == "bin"
            if _issue_lanes(op, engine, limits, bundle):
                finished.append(op)
            else:
                running.append(op)
        for entry in skipped:
            heapq.heappush(candidates, entry)
        for op in finished:
            remaining -= 1
            for src in op.srcs:
                src.unread -= 1
                if src.unread == 0 and src.owns_register:
                    pool.give(src.address)
                    src.owns_register = False
            if op.dst is not None:
                for value in (op.dst, *op.dst.views):
                    value.ready = cycle + 1
                    for reader in value.readers:
                        reader.waiting -= 1
                        if reader.waiting == 0:
                            heapq.heappush(candidates, (reader.priority, order[id(reader)],
                                                        reader))
        if bundle:
            bundles.append(bundle)
            idle = 0
        elif not running:
            idle += 1
            if idle > 64:
                raise ScheduleError(f"no progress at cycle {cycle}: {remaining} operations"
                                    f" wait; the pool of {pool.size} registers is too small")
            bundles.append(bundle)
        else:
            bundles.append(bundle)
        cycle += 1
    while bundles and not bundles[-1]:
        bundles.pop()
    return Schedule([b for b in bundles if b], pool.peak)


def _dying_operand(op: Op) -> Value | None:
    """An operand this operation reads for the last time, whose register it may take."""
    assert op.dst is not None
    for src in op.srcs:
        if src.unread == 1 and src.owns_register and src.width == op.dst.width:
            return src
    return None


def _pick_engine(op: Op, limits: dict[Engine, int]) -> Engine | None:
    if op.kind == "bin":
        if op.lanes == 1:
            return Engine.ALU if limits[Engine.ALU] else None
        if limits[Engine.VALU]:
            return Engine.VALU
        return Engine.ALU if limits[Engine.ALU] else None
    engine = _ENGINE[op.kind]
    return engine if limits[engine] else None


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
