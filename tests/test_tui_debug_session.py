"""The debugger's session: stepping, exact step-back, breakpoints, pauses, faults."""

from __future__ import annotations

import pytest

from game.tui import debug_session
from game.tui.debug_session import COUNTED_ENGINES, DebugSession, Stop
from machine.config import TAKEHOME, MachineConfig
from machine.isa import BY_MNEMONIC, Engine
from machine.program import Bundle, Program, Slot
from machine.simulator import Simulator, run_program


def op(mnemonic: str, *args: int) -> Slot:
    spec = BY_MNEMONIC[mnemonic]
    return Slot(spec.engine, spec.name, args)


def counting_loop(times: int) -> Program:
    """A loop of two bundles that accumulates times, times-1, ... 1 and stores into m[0]."""
    return Program((
        Bundle.of(op("const", 0, times), op("const", 1, 1)),
        Bundle.of(op("const", 2, 0)),
        Bundle.of(op("sub", 0, 0, 1), op("add", 3, 3, 0), op("add", 4, 0, 1)),
        Bundle.of(op("add", 3, 3, 1), op("store", 2, 3), op("cond_jump", 0, 2)),
        Bundle.of(op("halt")),
    ))


def state(simulator: Simulator) -> tuple[object, ...]:
    core = simulator.cores[0]
    return (simulator.cycle, core.pc, core.status, list(core.scratch), list(simulator.memory),
            simulator.fault)


def session_state(session: DebugSession) -> tuple[object, ...]:
    return state(session.simulator)


def test_each_step_matches_the_reference_simulator() -> None:
    program = counting_loop(20)
    session = DebugSession(program, [0] * 4, TAKEHOME)
    reference = Simulator(program, [0] * 4, TAKEHOME, pausing=True)
    while True:
        record = session.step()
        expected = reference.step()
        assert record == expected
        assert session_state(session) == state(reference)
        if record is None:
            break
    assert session.finished
    assert session.cycle == run_program(program, [0] * 4).cycles


@pytest.mark.parametrize("every", [1, 3, 256])
def test_step_back_returns_exactly_to_every_earlier_state(monkeypatch: pytest.MonkeyPatch,
                                                          every: int) -> None:
    monkeypatch.setattr(debug_session, "CHECKPOINT_EVERY", every)
    program = counting_loop(12)
    session = DebugSession(program, [0] * 4, TAKEHOME)
    states = [session_state(session)]
    while session.step() is not None:
        states.append(session_state(session))
    for expected in reversed(states[:-1]):
        assert session.step_back()
        assert session_state(session) == expected
    assert session.steps == 0
    assert not session.step_back()


def test_step_back_then_forward_again_and_last_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debug_session, "CHECKPOINT_EVERY", 4)
    session = DebugSession(counting_loop(5), [0] * 4, TAKEHOME)
    for _ in range(9):
        session.step()
    ninth = session.last
    session.step()
    assert session.step_back()
    assert session.last == ninth
    assert ninth is not None
    session.step()
    session.step()
    assert session.steps == 11


def test_history_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debug_session, "CHECKPOINT_EVERY", 2)
    monkeypatch.setattr(debug_session, "MAX_CHECKPOINTS", 3)
    session = DebugSession(counting_loop(50), [0] * 4, TAKEHOME)
    for _ in range(20):
        session.step()
    backs = 0
    while session.step_back():
        backs += 1
    # Checkpoints survive at steps 16, 18, 20 minus the one consumed: back to step 16.
    assert session.steps == 16
    assert backs == 4


def test_run_until_stops_before_a_breakpoint_and_moves_on_from_it() -> None:
    session = DebugSession(counting_loop(3), [0] * 4, TAKEHOME)
    assert session.run_until({3}) is Stop.BREAKPOINT
    assert session.pc() == 3
    first = session.cycle
    assert session.run_until({3}) is Stop.BREAKPOINT
    assert session.pc() == 3
    assert session.cycle == first + 2
    assert session.run_until() is Stop.FINISHED
    # The store reads s3 before its bundle adds 1: the sum plus one per earlier iteration.
    assert session.memory[0] == (3 + 2 + 1) + 2
    assert session.memory == run_program(counting_loop(3), [0] * 4).memory


def test_pause_stops_a_run_and_running_again_resumes() -> None:
    program = Program((
        Bundle.of(op("const", 0, 7)),
        Bundle.of(op("pause")),
        Bundle.of(op("const", 1, 0), op("const", 2, 9)),
        Bundle.of(op("store", 1, 0)),
    ))
    session = DebugSession(program, [0], TAKEHOME)
    assert session.run_until() is Stop.PAUSE
    assert session.cycle == 2
    assert session.run_until() is Stop.FINISHED
    assert session.memory == [7]
    assert session.cycle == 4


def test_a_fault_stops_the_run_and_names_the_slot() -> None:
    program = Program((
        Bundle.of(op("const", 0, 5)),
        Bundle.of(op("add", 1, 0, 0), op("div", 2, 0, 3)),
    ))
    session = DebugSession(program, [0], TAKEHOME)
    assert session.run_until() is Stop.FAULT
    fault = session.fault
    assert fault is not None
    assert (fault.pc, fault.engine, fault.slot) == (1, Engine.ALU, 1)
    assert "division by zero" in fault.reason
    assert session.step() is None
    assert session.step_back()
    assert session.fault is None
    assert session.pc() == 0


def test_cancel_is_polled() -> None:
    session = DebugSession(counting_loop(10_000), [0] * 4, TAKEHOME)
    assert session.run_until(should_stop=lambda: True, check_every=100) is Stop.CANCELLED
    assert session.steps == 100


def test_reset_starts_over_with_the_initial_memory() -> None:
    session = DebugSession(counting_loop(4), [0] * 4, TAKEHOME)
    session.run_until()
    session.reset()
    assert (session.cycle, session.pc(), session.memory, session.steps) == (0, 0, [0] * 4, 0)
    assert session.recent_usage(10) == []


def test_slot_use_counts_each_engine_of_each_step() -> None:
    session = DebugSession(counting_loop(2), [0] * 4, TAKEHOME)
    for _ in range(4):
        session.step()
    uses = session.recent_usage(3)
    assert [use.pc for use in uses] == [1, 2, 3]
    by_engine = dict(zip(COUNTED_ENGINES, uses[-1].by_engine, strict=True))
    assert by_engine == {Engine.ALU: 1, Engine.VALU: 0, Engine.LOAD: 0, Engine.STORE: 1,
                         Engine.FLOW: 1}
    session.step_back()
    assert [use.pc for use in session.recent_usage(3)] == [0, 1, 2]


def test_several_cores_are_summed_in_slot_use() -> None:
    config = MachineConfig(n_cores=2)
    program = Program((Bundle.of(op("coreid", 0), op("const", 1, 0)), Bundle.of(op("halt"))))
    session = DebugSession(program, [0], config)
    session.step()
    assert session.recent_usage(1)[0].by_engine[COUNTED_ENGINES.index(Engine.LOAD)] == 2
    assert session.scratch(1)[0] == 1
