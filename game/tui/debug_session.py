"""A debugging session over the reference simulator: step, step back, breakpoints.

Step-back is exact by determinism rather than by undo logs: the session keeps
full checkpoints of the machine every `CHECKPOINT_EVERY` steps (a bounded
ring), and going back one step restores the nearest earlier checkpoint and
replays forward. A step therefore costs one simulator step plus, once in a
while, one copy of scratch and memory; a step back costs at most
`CHECKPOINT_EVERY` simulator steps. This module knows nothing of Textual.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import Enum

from machine.config import MachineConfig
from machine.isa import Engine
from machine.program import Bundle, Program
from machine.results import CoreStatus, Fault
from machine.simulator import Simulator, StepRecord

CHECKPOINT_EVERY = 256
MAX_CHECKPOINTS = 64
"""History bound: step back reaches CHECKPOINT_EVERY * MAX_CHECKPOINTS steps into the past."""
RECENT_STEPS = 256
"""How many executed steps the slot-use view can show."""
COUNTED_ENGINES = (Engine.ALU, Engine.VALU, Engine.LOAD, Engine.STORE, Engine.FLOW)


class Stop(Enum):
    """Why a run of several steps returned."""

    BREAKPOINT = "breakpoint"
    PAUSE = "pause"
    FINISHED = "finished"
    FAULT = "fault"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class _Checkpoint:
    steps: int
    cycle: int
    memory: tuple[int, ...]
    cores: tuple[tuple[tuple[int, ...], int, CoreStatus, tuple[int, ...]], ...]
    fault: Fault | None


@dataclass(frozen=True)
class SlotUse:
    """Slots each engine used in one executed step (summed over cores)."""

    step: int
    """1-based index of the step in the run."""
    cycle: int
    counted: bool
    pc: int | None
    by_engine: tuple[int, ...]
    """Parallel to COUNTED_ENGINES."""


class DebugSession:
    """One program on one memory image, driven a step at a time.

    Pausing is enabled: a `pause` slot stops `run_until` like a breakpoint, as the
    take-home's harness uses it.
    """

    def __init__(self, program: Program, memory: Sequence[int], config: MachineConfig):
        self.program = program
        self.config = config
        self._usage_of_bundle: dict[int, tuple[int, ...]] = {}
        """Slot counts by id of a bundle object, counted when a step first runs it: a table of
        every bundle would cost a pass over the 150,000 of an unrolled kernel at the start."""
        # Checking and decoding a program is the costly part: do it once, reset by restoring.
        self.simulator = Simulator(program, memory, config, pausing=True)
        self.steps = 0
        self._start = self._checkpoint()
        self.reset()

    # --- state the views read -------------------------------------------------

    @property
    def cycle(self) -> int:
        return self.simulator.cycle

    @property
    def fault(self) -> Fault | None:
        return self.simulator.fault

    @property
    def finished(self) -> bool:
        return self.simulator.finished

    @property
    def memory(self) -> list[int]:
        return self.simulator.memory

    def scratch(self, core: int = 0) -> list[int]:
        return self.simulator.cores[core].scratch

    def pc(self, core: int = 0) -> int:
        return self.simulator.cores[core].pc

    def status(self, core: int = 0) -> CoreStatus:
        return self.simulator.cores[core].status

    @property
    def can_step_back(self) -> bool:
        return self._checkpoints[0].steps < self.steps

    def recent_usage(self, count: int) -> list[SlotUse]:
        """Slot use of the last `count` executed steps, oldest first."""
        recent = list(self._recent)
        return recent[-count:] if count > 0 else []

    # --- driving --------------------------------------------------------------

    def reset(self) -> None:
        """Back to cycle 0 with the initial memory."""
        self._restore(self._start)
        self.last: StepRecord | None = None
        self._recent: deque[SlotUse] = deque(maxlen=RECENT_STEPS)
        self._checkpoints: deque[_Checkpoint] = deque([self._start], maxlen=MAX_CHECKPOINTS)

    def step(self) -> StepRecord | None:
        """Execute one bundle on every running core (paused cores resume); None if none ran."""
        simulator = self.simulator
        if not simulator.running:
            simulator.resume()
        record = simulator.step()
        if record is None:
            return None
        self.steps += 1
        self.last = record
        self._recent.append(self._usage(record))
        if self.steps % CHECKPOINT_EVERY == 0:
            self._checkpoints.append(self._checkpoint())
        return record

    def step_back(self) -> bool:
        """Return to the state before the last step; False when history does not reach."""
        if not self.can_step_back:
            return False
        self._go_to(self.steps - 1)
        return True

    def run_until(self, breakpoints: Collection[int] = frozenset(), *,
                  should_stop: Callable[[], bool] | None = None,
                  check_every: int = 1024) -> Stop:
        """Step until a breakpoint pc is next, a pause, the end, or a fault.

        The first step always executes, so running from a breakpoint moves on.
        `should_stop` is polled every `check_every` steps (a worker's cancel flag).
        """
        simulator = self.simulator
        cores = simulator.cores
        while True:
            if self.step() is None:
                return Stop.FAULT if simulator.fault is not None else Stop.FINISHED
            if simulator.fault is not None:
                return Stop.FAULT
            if any(core.status is CoreStatus.PAUSED for core in cores):
                return Stop.PAUSE
            if simulator.finished:
                return Stop.FINISHED
            if breakpoints and any(core.status is CoreStatus.RUNNING and core.pc in breakpoints
                                   for core in cores):
                return Stop.BREAKPOINT
            if should_stop is not None and self.steps % check_every == 0 and should_stop():
                return Stop.CANCELLED

    # --- history --------------------------------------------------------------

    def _go_to(self, target_steps: int) -> None:
        while len(self._checkpoints) > 1 and self._checkpoints[-1].steps > target_steps:
            self._checkpoints.pop()
        base = self._checkpoints[-1]
        self._restore(base)
        replayed: list[SlotUse] = []
        record: StepRecord | None = None
        while self.steps < target_steps:
            if not self.simulator.running:
                self.simulator.resume()
            record = self.simulator.step()
            assert record is not None, "replay is deterministic"
            self.steps += 1
            replayed.append(self._usage(record))
        self.last = record
        # Recent usage: what the old window holds up to the base, then the replay.
        kept = [use for use in self._recent if use.step <= base.steps]
        self._recent = deque([*kept, *replayed], maxlen=RECENT_STEPS)

    def _checkpoint(self) -> _Checkpoint:
        simulator = self.simulator
        cores = tuple((tuple(core.scratch), core.pc, core.status, tuple(core.trace))
                      for core in simulator.cores)
        return _Checkpoint(self.steps, simulator.cycle, tuple(simulator.memory), cores,
                           simulator.fault)

    def _restore(self, checkpoint: _Checkpoint) -> None:
        simulator = self.simulator
        simulator.memory[:] = checkpoint.memory
        for core, (scratch, pc, status, trace) in zip(simulator.cores, checkpoint.cores,
                                                      strict=True):
            core.scratch[:] = scratch
            core.pc = pc
            core.status = status
            core.trace[:] = trace
        simulator.cycle = checkpoint.cycle
        simulator.fault = checkpoint.fault
        self.steps = checkpoint.steps

    # --- slot use -------------------------------------------------------------

    @staticmethod
    def _bundle_usage(bundle: Bundle) -> tuple[int, ...]:
        counts = dict.fromkeys(COUNTED_ENGINES, 0)
        for engine, slots in bundle.groups:
            if engine in counts:
                counts[engine] += len(slots)
        return tuple(counts.values())

    def _usage(self, record: StepRecord) -> SlotUse:
        totals = [0] * len(COUNTED_ENGINES)
        first_pc: int | None = None
        for pc in record.pcs:
            if pc is None:
                continue
            first_pc = pc if first_pc is None else first_pc
            bundle = self.program.bundles[pc]
            counts = self._usage_of_bundle.get(id(bundle))
            if counts is None:
                counts = self._usage_of_bundle[id(bundle)] = self._bundle_usage(bundle)
            for i, count in enumerate(counts):
                totals[i] += count
        return SlotUse(self.steps, record.cycle, record.counted, first_pc, tuple(totals))
