"""The reference simulator: the spec, applied one bundle at a time.

It is the judge every faster path is compared against, so it favours being
obviously right over being fast: each slot runs the semantics function of the
op table against a context that buffers writes until the end of the cycle.
It steps one cycle at a time and reports what each cycle wrote, which is what
the debugger shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from machine.config import TAKEHOME, MachineConfig
from machine.isa import Engine, Semantics, SlotFault
from machine.program import Bundle, Program, check
from machine.results import CoreStatus, Fault, RunResult, check_memory


@dataclass
class Core:
    """One core's registers: scratch, pc and whether it runs."""

    id: int
    scratch: list[int]
    pc: int = 0
    status: CoreStatus = CoreStatus.RUNNING
    trace: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class StepRecord:
    """What one step (each running core executing one bundle) did."""

    cycle: int
    """The cycle count before this step."""
    counted: bool
    """Whether the step cost a cycle (some core ran a non-debug bundle)."""
    pcs: tuple[int | None, ...]
    """Per core, the pc of the bundle it executed, or None if it did not run."""
    scratch_writes: tuple[dict[int, int], ...]
    """Per core, scratch address -> value written."""
    memory_writes: dict[int, int]


class _Context:
    """The ExecContext of one core during one bundle: reads now, writes later."""

    __slots__ = ("core_id", "jumped", "memory", "memory_writes", "pausing", "pc", "scratch",
                 "scratch_writes", "status", "traced", "vlen")

    def __init__(self, core: Core, memory: list[int], memory_writes: dict[int, int],
                 vlen: int, pausing: bool):
        self.core_id = core.id
        self.scratch = core.scratch
        self.memory = memory
        self.memory_writes = memory_writes
        self.vlen = vlen
        self.pausing = pausing
        self.pc = core.pc
        self.scratch_writes: dict[int, int] = {}
        self.jumped: int | None = None
        self.status = CoreStatus.RUNNING
        self.traced: list[int] = []

    def read(self, addr: int) -> int:
        return self.scratch[addr]

    def write(self, addr: int, value: int) -> None:
        self.scratch_writes[addr] = value

    def load(self, addr: int) -> int:
        if addr >= len(self.memory):
            raise SlotFault(f"memory address {addr} is outside memory (size {len(self.memory)})")
        return self.memory[addr]

    def store(self, addr: int, value: int) -> None:
        if addr >= len(self.memory):
            raise SlotFault(f"memory address {addr} is outside memory (size {len(self.memory)})")
        self.memory_writes[addr] = value

    def jump(self, target: int) -> None:
        if target < 0:
            raise SlotFault(f"jump target {target} is negative")
        self.jumped = target

    def halt(self) -> None:
        self.status = CoreStatus.STOPPED

    def pause(self) -> None:
        if self.pausing and self.status is CoreStatus.RUNNING:
            self.status = CoreStatus.PAUSED

    def trace(self, value: int) -> None:
        self.traced.append(value)


_Decoded = tuple[bool, tuple[tuple[Semantics, tuple[Any, ...], Engine, int], ...]]


def _decode_bundle(bundle: Bundle) -> _Decoded:
    ops = []
    for index, slot in enumerate(bundle.slots):
        if slot.is_debug:
            continue
        spec = slot.spec
        assert spec is not None  # guaranteed by check()
        ops.append((spec.execute, slot.args, slot.engine, index))
    return bundle.costs_cycle, tuple(ops)


class Simulator:
    """Runs a program on a machine over a memory image, one step at a time."""

    def __init__(self, program: Program, memory: Sequence[int],
                 config: MachineConfig = TAKEHOME, *, pausing: bool = False):
        self.program = check(program, config)
        self.config = config
        self.pausing = pausing
        self.memory = check_memory(memory)
        self.cores = [Core(i, [0] * config.scratch_size) for i in range(config.n_cores)]
        self.cycle = 0
        self.fault: Fault | None = None
        self._bundles = program.bundles
        self._decoded: dict[int, _Decoded] = program.memo.setdefault("decoded bundles", {})
        """Each bundle object's operations by id, decoded the first time it runs and kept
        with the program: a simulator is ready at once whatever the program's length (a
        debugger opened on the 147,734 bundles of the scalar starter may run ten)."""

    @property
    def running(self) -> bool:
        return self.fault is None and any(c.status is CoreStatus.RUNNING for c in self.cores)

    @property
    def finished(self) -> bool:
        """No core can run again: all stopped, or a fault."""
        return self.fault is not None or all(c.status is CoreStatus.STOPPED for c in self.cores)

    def resume(self) -> None:
        """Paused cores run again (what the take-home's run() does on entry)."""
        for core in self.cores:
            if core.status is CoreStatus.PAUSED:
                core.status = CoreStatus.RUNNING

    def step(self) -> StepRecord | None:
        """Each running core executes one bundle; None when nothing ran (or a fault)."""
        if not self.running:
            return None
        active: list[tuple[Core, _Decoded]] = []
        for core in self.cores:
            if core.status is not CoreStatus.RUNNING:
                continue
            if core.pc >= len(self._bundles):
                core.status = CoreStatus.STOPPED  # running off the end costs nothing
                continue
            active.append((core, self._decode(core.pc)))
        if not active:
            return None
        counted = any(costs_cycle for _, (costs_cycle, _) in active)
        if counted and self.cycle >= self.config.max_cycles:
            first = next(core for core, (costs_cycle, _) in active if costs_cycle)
            self.fault = Fault(self.cycle, first.id, first.pc, None, None,
                               f"cycle limit of {self.config.max_cycles} reached")
            return None

        memory_writes: dict[int, int] = {}
        contexts: list[_Context] = []
        for core, (_, operations) in active:
            ctx = _Context(core, self.memory, memory_writes, self.config.vlen, self.pausing)
            for execute, args, engine, index in operations:
                try:
                    execute(ctx, args)
                except SlotFault as fault:
                    self.fault = Fault(self.cycle, core.id, core.pc, engine, index, str(fault))
                    return None
            contexts.append(ctx)

        pcs: list[int | None] = [None] * len(self.cores)
        writes: list[dict[int, int]] = [{} for _ in self.cores]
        for (core, _), ctx in zip(active, contexts, strict=True):
            pcs[core.id] = core.pc
            writes[core.id] = ctx.scratch_writes
            for addr, value in ctx.scratch_writes.items():
                core.scratch[addr] = value
            core.trace.extend(ctx.traced)
            core.pc = ctx.jumped if ctx.jumped is not None else core.pc + 1
            core.status = ctx.status
        for addr, value in memory_writes.items():
            self.memory[addr] = value
        record = StepRecord(self.cycle, counted, tuple(pcs), tuple(writes), memory_writes)
        if counted:
            self.cycle += 1
        return record

    def _decode(self, pc: int) -> _Decoded:
        bundle = self._bundles[pc]
        found = self._decoded.get(id(bundle))
        if found is None:
            found = self._decoded[id(bundle)] = _decode_bundle(bundle)
        return found

    def run(self) -> RunResult:
        """Resume paused cores and step until no core runs (or a fault)."""
        self.resume()
        while self.step() is not None:
            pass
        return self.result()

    def result(self) -> RunResult:
        paused = self.fault is None and any(c.status is CoreStatus.PAUSED for c in self.cores)
        return RunResult(self.cycle, list(self.memory), self.fault, paused,
                         tuple(tuple(c.trace) for c in self.cores))


def run_program(program: Program, memory: Sequence[int],
                config: MachineConfig = TAKEHOME) -> RunResult:
    """Run headless, as scoring does: pausing disabled, until every core stops."""
    return Simulator(program, memory, config).run()
