"""What limits a program's cycle count: per-engine slot floors and the dependency chain.

A run of C cycles executes S_e slots of engine e, which offers L_e slots a
cycle; no schedule of the same slots can take fewer than ceil(S_e / L_e)
cycles (the engine's floor). For straight-line code (no jumps) a second floor
is the longest chain of slots each reading a scratch word the previous one
wrote: one cycle per link, since writes land at the end of the bundle. Memory
dependencies (a load of a word a store wrote) are not followed, so this chain
is a lower bound too. The highest floor binds: it says what to attack first.

Slot counts come from the bundles a run executed: for straight-line code,
every bundle once in order, without running anything; otherwise from a run
(`executed_pcs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from machine.config import MachineConfig
from machine.isa import OPS, Control, Engine
from machine.program import Program

ENGINES = (Engine.ALU, Engine.VALU, Engine.LOAD, Engine.STORE, Engine.FLOW)
JUMPS = frozenset(op.name for op in OPS if op.control is Control.JUMP)
"""Operations that make the next bundle depend on data: code with none is straight-line."""
CRITICAL_PATH = "dependency chain"


@dataclass(frozen=True)
class EngineLoad:
    engine: Engine
    slots: int
    """Slots of this engine executed over the run."""
    per_cycle: int
    """Slots the engine offers each cycle."""
    floor: int
    """Cycles the slots alone force: ceil(slots / per_cycle)."""
    utilisation: float
    """slots / (per_cycle * cycles of the run)."""
    over_time: tuple[float, ...]
    """Utilisation in consecutive equal stretches of the run, oldest first."""


@dataclass(frozen=True)
class Bottleneck:
    cycles: int
    engines: tuple[EngineLoad, ...]
    critical_path: int | None
    """Length of the longest scratch dependency chain; None for code that jumps."""

    def floors(self) -> dict[str, int]:
        """Every floor by name: the engines', then the dependency chain's if known."""
        floors = {load.engine.value: load.floor for load in self.engines}
        if self.critical_path is not None:
            floors[CRITICAL_PATH] = self.critical_path
        return floors

    @property
    def binding(self) -> tuple[str, int]:
        """The highest floor (the first of equal ones): what bounds the cycles from below."""
        return max(self.floors().items(), key=lambda item: item[1])


def is_straight_line(program: Program) -> bool:
    return not any(slot.name in JUMPS for bundle, _ in program.bundle_uses
                   for engine, slots in bundle.groups if engine is Engine.FLOW for slot in slots)


def _per_bundle(program: Program) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """(slots per engine, costs a cycle) of each bundle, rows parallel to `program.bundles`;
    worked out once per distinct bundle (an unrolled kernel repeats a few)."""
    engine_index = {engine: i for i, engine in enumerate(ENGINES)}
    rows, costs = [], []
    for bundle, _ in program.bundle_uses:
        counts = [0] * len(ENGINES)
        for engine, slots in bundle.groups:
            if engine in engine_index:
                counts[engine_index[engine]] += len(slots)
        rows.append(counts)
        costs.append(bundle.costs_cycle)
    order = np.array(program.bundle_order, dtype=np.int64)
    table = np.array(rows, dtype=np.int64).reshape(-1, len(ENGINES))
    return table[order], np.array(costs, dtype=bool)[order] if costs else np.zeros(0, bool)


def critical_path(program: Program, config: MachineConfig) -> int:
    """Longest chain of scratch reads-after-writes, in cycles, of straight-line code that
    the machine accepts (every scratch operand inside the scratch)."""
    ready = [0] * config.scratch_size
    """Scratch word -> the depth at whose end it was last written."""
    effects = _effects_of(program, config.vlen)
    longest = 0
    for bundle in program.bundles:
        slots = effects[id(bundle)]
        if not slots:
            continue
        written = [(writes, 1 + max([ready[word] for word in reads], default=0))
                   for reads, writes in slots]
        for writes, depth in written:  # every slot read the state from before the bundle
            for word in writes:
                ready[word] = depth
            if depth > longest:
                longest = depth
    return longest


def _effects_of(program: Program,
                vlen: int) -> dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """(words read, words written) of each non-debug slot, per distinct bundle."""
    effects = {}
    for bundle, _ in program.bundle_uses:
        slots = []
        for engine, group in bundle.groups:
            if engine is Engine.DEBUG:
                continue
            for slot in group:
                spec = slot.spec
                if spec is None:
                    continue
                reads: list[int] = []
                writes: list[int] = []
                for first, last, is_write in spec.scratch_spans(slot.args, vlen):
                    (writes if is_write else reads).extend(range(first, last + 1))
                slots.append((tuple(reads), tuple(writes)))
        effects[id(bundle)] = slots
    return effects


@dataclass(frozen=True)
class Executed:
    """What a run executed: every core's pcs in order, and the cycles it took."""

    pcs: list[int]
    cycles: int


def analyse(program: Program, config: MachineConfig, executed: Executed | None = None,
            stretches: int = 40, with_path: bool = True) -> Bottleneck:
    """The floors of a run (`executed`), or of one core running straight-line code once
    through (None); `with_path=False` leaves out the dependency chain (the slow part)."""
    rows, costs = _per_bundle(program)
    cores = 1
    if executed is None:
        pcs = np.flatnonzero(costs)
    else:
        run = np.asarray(executed.pcs, dtype=np.int64)
        pcs = run[costs[run]] if len(run) else run
        cores = config.n_cores
    used = rows[pcs] if len(pcs) else np.zeros((0, len(ENGINES)), dtype=np.int64)
    cycles = len(pcs) if executed is None else executed.cycles
    chunks = np.array_split(used, min(stretches, len(pcs))) if len(pcs) else []
    loads = []
    for i, engine in enumerate(ENGINES):
        limit = (config.slot_limit(engine) or 0) * cores
        total = int(used[:, i].sum()) if cycles else 0
        floor = -(-total // limit) if limit else 0
        share = total / (limit * cycles) if limit and cycles else 0.0
        over_time = tuple(float(chunk[:, i].sum()) * cores / (limit * len(chunk))
                          if limit else 0.0 for chunk in chunks)
        loads.append(EngineLoad(engine, total, limit, floor, share, over_time))
    path = critical_path(program, config) if with_path and is_straight_line(program) else None
    return Bottleneck(cycles, tuple(loads), path)


def execute(program: Program, memory: Sequence[int], config: MachineConfig,
            should_stop: Callable[[], bool] | None = None, check_every: int = 4096) -> Executed:
    """Run the program and note the pcs it executes (a fault or `should_stop` ends it)."""
    from machine.simulator import Simulator

    simulator = Simulator(program, memory, config)
    pcs: list[int] = []
    steps = 0
    while (record := simulator.step()) is not None:
        pcs.extend(pc for pc in record.pcs if pc is not None)
        steps += 1
        if should_stop is not None and steps % check_every == 0 and should_stop():
            break
    return Executed(pcs, simulator.cycle)

