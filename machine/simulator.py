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
from enum import Enum
from typing import Any

from machine.config import TAKEHOME, MachineConfig
from machine.isa import WORD_MASK, Engine, Semantics, SlotFault
from machine.program import Bundle, Program, check
from machine.text import described


class CoreStatus(Enum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass
class Core:
    """One core's registers: scratch, pc and whether it runs."""

    id: int
    scratch: list[int]
    pc: int = 0
    status: CoreStatus = CoreStatus.RUNNING
    trace: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Fault:
    """Why a run stopped early, and where: the same on every execution engine."""

    cycle: int
    """Cycles completed before the fault (0-based index of the cycle it happened in)."""
    core: int
    pc: int
    engine: Engine | None
    slot: int | None
    """Index within the bundle's slots (`Bundle.slots`), or None for the cycle limit."""
    reason: str

    @property
    def at_limit(self) -> bool:
        """Stopped by a limit of the run (the cycle limit), not by a slot."""
        return self.slot is None

    def __str__(self) -> str:
        where = f"cycle {self.cycle}, core {self.core}, pc {self.pc}"
        if self.engine is not None:
            where += f", {self.engine} slot {self.slot}"
        return f"fault at {where}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "core": self.core,
            "pc": self.pc,
            "engine": None if self.engine is None else self.engine.value,
            "slot": self.slot,
            "reason": self.reason,
        }


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


@dataclass(frozen=True)
class RunResult:
    """How a run ended: what every engine returns for the same program and image."""

    cycles: int
    memory: Sequence[int]
    """The final memory: a list of ints, or a uint32 array where the engine was given its
    images as uint32 arrays (`machine.engine.run_many`)."""
    fault: Fault | None
    paused: bool
    """True when the run returned because cores paused (pausing enabled)."""
    traces: tuple[tuple[int, ...], ...]

    @property
    def ok(self) -> bool:
        return self.fault is None

    @property
    def ran_away(self) -> bool:
        """Stopped by the cycle limit."""
        return self.fault is not None and self.fault.at_limit


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


def _decode(program: Program) -> list[_Decoded]:
    """Each bundle's operations, decoded once per distinct bundle object (the parsers share
    the bundle of a repeated line: the scalar starter's 147,734 are 817 objects), so that a
    simulator is ready in a time that does not grow with the program's length."""
    return program.per_bundle(_decode_bundle)


def _decode_bundle(bundle: Bundle) -> _Decoded:
    ops = []
    for index, slot in enumerate(bundle.slots):
        if slot.is_debug:
            continue
        spec = slot.spec
        assert spec is not None  # guaranteed by check()
        ops.append((spec.execute, slot.args, slot.engine, index))
    return bundle.costs_cycle, tuple(ops)


def as_words(memory: Sequence[int]) -> list[int]:
    """A list copy of an image given as a sequence of ints or a numpy array of words."""
    tolist = getattr(memory, "tolist", None)
    return tolist() if callable(tolist) else list(memory)


def check_memory(memory: Sequence[int]) -> list[int]:
    """A copy of a memory image, or ValueError naming the first word that is not a word."""
    words = as_words(memory)
    for addr, word in enumerate(words):
        if not isinstance(word, int) or isinstance(word, bool) or not 0 <= word <= WORD_MASK:
            raise ValueError(f"memory word {addr} is {described(word)}, not an integer in"
                             " 0..2^32-1")
    return words


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
        self._decoded = _decode(program)

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
        active: list[Core] = []
        for core in self.cores:
            if core.status is not CoreStatus.RUNNING:
                continue
            if core.pc >= len(self._decoded):
                core.status = CoreStatus.STOPPED  # running off the end costs nothing
                continue
            active.append(core)
        if not active:
            return None
        counted = any(self._decoded[core.pc][0] for core in active)
        if counted and self.cycle >= self.config.max_cycles:
            first = next(c for c in active if self._decoded[c.pc][0])
            self.fault = Fault(self.cycle, first.id, first.pc, None, None,
                               f"cycle limit of {self.config.max_cycles} reached")
            return None

        memory_writes: dict[int, int] = {}
        contexts: list[_Context] = []
        for core in active:
            ctx = _Context(core, self.memory, memory_writes, self.config.vlen, self.pausing)
            for execute, args, engine, index in self._decoded[core.pc][1]:
                try:
                    execute(ctx, args)
                except SlotFault as fault:
                    self.fault = Fault(self.cycle, core.id, core.pc, engine, index, str(fault))
                    return None
            contexts.append(ctx)

        pcs: list[int | None] = [None] * len(self.cores)
        writes: list[dict[int, int]] = [{} for _ in self.cores]
        for core, ctx in zip(active, contexts, strict=True):
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
