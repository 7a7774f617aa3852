"""Export a run as a Chrome/Perfetto trace (the JSON trace-event format ui.perfetto.dev opens).

Each core is a process; each engine slot position is a thread (track) named
``alu-0`` .. ``alu-11``, ``valu-0`` .., ``load-0`` .., ``store-0`` .., ``flow-0``,
so a bundle's slots stand side by side and idle slots show as gaps. Every slot a
core executes is a complete ("X") event one microsecond long at ts = its cycle,
named by its `.vasm` text, with the bundle's pc and the words it wrote (scratch
``s[addr]``, memory ``m[addr]``, a jump's ``next_pc``, a ``trace`` value). Debug
slots cost nothing and are not shown. A fault is an instant event at the faulting
slot's track (or across the core, for the cycle limit).

The file is written while the simulator runs, so a 147734-cycle program does not
hold its events in memory. Its size may be capped (`max_bytes`): a run whose
events pass the cap stops at the next cycle, as it would at the cycle limit --
a fault with no slot, "trace size limit of N bytes reached", shown as the last
event -- and the file is closed as valid JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from itertools import chain
from typing import Any, TextIO

from machine.config import TAKEHOME, MachineConfig
from machine.isa import Engine, SlotFault
from machine.program import Bundle, Program
from machine.results import CoreStatus, Fault, RunResult
from machine.simulator import Simulator
from machine.vasm import format_slot

Event = dict[str, Any]


def track_names(config: MachineConfig) -> list[tuple[Engine, int, str]]:
    """(engine, slot position, track name) of every slot position, in engine order."""
    return [(engine, k, f"{engine}-{k}")
            for engine in Engine if engine is not Engine.DEBUG
            for k in range(config.slot_limit(engine) or 0)]


class _Recorder:
    """An ExecContext that runs one slot against the state before a bundle and keeps
    what the slot would write, so each event shows its own slot's effects (the
    simulator's step record merges a bundle's writes)."""

    def __init__(self, simulator: Simulator, core_index: int, pc: int) -> None:
        core = simulator.cores[core_index]
        self.vlen = simulator.config.vlen
        self.pc = pc
        self.core_id = core.id
        self._scratch = core.scratch
        self._memory = simulator.memory
        self.effects: dict[str, int] = {}

    def read(self, addr: int) -> int:
        return self._scratch[addr]

    def write(self, addr: int, value: int) -> None:
        self.effects[f"s[{addr}]"] = value

    def load(self, addr: int) -> int:
        if addr >= len(self._memory):
            raise SlotFault("outside memory")
        return self._memory[addr]

    def store(self, addr: int, value: int) -> None:
        self.effects[f"m[{addr}]"] = value

    def jump(self, target: int) -> None:
        self.effects["next_pc"] = target

    def halt(self) -> None:
        self.effects["halt"] = 1

    def pause(self) -> None:
        pass

    def trace(self, value: int) -> None:
        self.effects["trace"] = value


class _Tracks:
    """Which track each slot of a bundle goes on: its engine and its position there."""

    def __init__(self, config: MachineConfig) -> None:
        self.tid = {(engine, k): tid for tid, (engine, k, _) in enumerate(track_names(config), 1)}
        self._cache: dict[int, list[int | None]] = {}

    def of_bundle(self, pc: int, bundle: Bundle) -> list[int | None]:
        """Per slot of `Bundle.slots`, its track id (None for debug slots)."""
        tids = self._cache.get(pc)
        if tids is None:
            tids = []
            for engine, slots in bundle.groups:
                for k in range(len(slots)):
                    tids.append(None if engine is Engine.DEBUG else self.tid[(engine, k)])
            self._cache[pc] = tids
        return tids


def metadata_events(config: MachineConfig) -> Iterator[Event]:
    """Names and order of the processes (cores) and threads (engine slots)."""
    for core in range(config.n_cores):
        pid = core + 1
        yield {"name": "process_name", "ph": "M", "ts": 0, "pid": pid,
               "args": {"name": f"core {core}"}}
        yield {"name": "process_sort_index", "ph": "M", "ts": 0, "pid": pid,
               "args": {"sort_index": core}}
        for tid, (_, _, name) in enumerate(track_names(config), 1):
            yield {"name": "thread_name", "ph": "M", "ts": 0, "pid": pid, "tid": tid,
                   "args": {"name": name}}
            yield {"name": "thread_sort_index", "ph": "M", "ts": 0, "pid": pid, "tid": tid,
                   "args": {"sort_index": tid}}


def run_events(simulator: Simulator,
               limit: Callable[[], str | None] = lambda: None) -> Iterator[Event]:
    """Step the simulator to the end, yielding an event per executed slot and one per fault.

    `limit()` is asked before each step; a reason it gives stops the run there with a
    fault (`stop_fault`)."""
    program = simulator.program
    tracks = _Tracks(simulator.config)
    names: dict[tuple[int, int], str] = {}
    while simulator.running:
        reason = limit()
        if reason is not None:
            simulator.fault = stop_fault(simulator, reason)
            break
        pending = []
        for index, core in enumerate(simulator.cores):
            if core.status is CoreStatus.RUNNING and core.pc < len(program):
                pending.extend(_slot_events(simulator, index, core.pc, tracks, names))
        record = simulator.step()
        if record is None:
            break
        for event in pending:
            if record.pcs[event["pid"] - 1] is not None:
                event["ts"] = record.cycle
                yield event
    if simulator.fault is not None:
        yield _fault_event(simulator.fault, program, tracks)


def stop_fault(simulator: Simulator, reason: str) -> Fault:
    """A fault that stops a run from outside, between two steps, as the cycle limit does:
    at the pc of the first running core, in no slot."""
    core = next(core for core in simulator.cores if core.status is CoreStatus.RUNNING)
    return Fault(simulator.cycle, core.id, core.pc, None, None, reason)


def _slot_events(simulator: Simulator, core: int, pc: int, tracks: _Tracks,
                 names: dict[tuple[int, int], str]) -> Iterator[Event]:
    program = simulator.program
    bundle = program.bundles[pc]
    for index, (slot, tid) in enumerate(zip(bundle.slots, tracks.of_bundle(pc, bundle),
                                            strict=True)):
        if tid is None:
            continue
        spec = slot.spec
        assert spec is not None  # the simulator checked the program
        recorder = _Recorder(simulator, core, pc)
        with suppress(SlotFault):  # the step faults too, and the fault gets its own event
            spec.execute(recorder, slot.args)
        name = names.get((pc, index))
        if name is None:
            name = names[(pc, index)] = format_slot(slot, program)
        yield {"name": name, "cat": str(slot.engine), "ph": "X", "dur": 1,
               "pid": core + 1, "tid": tid, "args": {"pc": pc, **recorder.effects}}


def _fault_event(fault: Fault, program: Program, tracks: _Tracks) -> Event:
    event: Event = {"name": f"fault: {fault.reason}", "cat": "fault", "ph": "i",
                    "ts": fault.cycle, "pid": fault.core + 1, "args": fault.to_json()}
    if fault.slot is None:
        event["s"] = "p"
    else:
        event["s"] = "t"
        event["tid"] = tracks.of_bundle(fault.pc, program.bundles[fault.pc])[fault.slot]
    return event


def write_trace(program: Program, memory: Sequence[int], out: TextIO,
                config: MachineConfig = TAKEHOME, max_bytes: int | None = None) -> RunResult:
    """Run headless (pausing disabled) and write the trace to `out` as it goes, stopping the
    run (a fault) once more than `max_bytes` characters are written, if given; the events
    of one cycle and the closing lines may pass the cap by a few kilobytes. (The trace is
    ASCII: characters are bytes.)

    Raises ProgramError or ValueError (a bad memory word) before writing anything.
    """
    simulator = Simulator(program, memory, config)
    written = out.write('{"traceEvents": [\n')
    separator = ""
    reason = f"trace size limit of {max_bytes} bytes reached"
    events = chain(metadata_events(config), run_events(
        simulator, lambda: reason if max_bytes is not None and written > max_bytes else None))
    for event in events:
        written += out.write(separator + json.dumps(event, separators=(",", ":")))
        separator = ",\n"
    result = simulator.result()
    other = {"cycles": result.cycles,
             "fault": None if result.fault is None else result.fault.to_json(),
             "header": dict(program.header)}
    out.write('\n],\n"otherData": ')
    out.write(json.dumps(other))
    out.write("}\n")
    return result
