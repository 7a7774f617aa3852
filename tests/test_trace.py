"""Trace export: valid trace-event JSON with a track per engine slot, an event per executed
slot carrying its own writes, faults as instant events, written as the run goes."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from machine.config import TAKEHOME, MachineConfig
from machine.program import Program
from machine.trace import track_names, write_trace
from machine.vasm import format_slot, parse

SWAP = """\
.scalar x
.scalar y
.scalar sum
const x, 10 || const y, 20
add x, y, sum || add y, x, sum || store sum, x
add sum, x, y || add sum, y, y
comment "free"
"""


def _trace(program: Program, memory: list[int],
           config: MachineConfig = TAKEHOME) -> tuple[dict[str, Any], Any]:
    out = io.StringIO()
    result = write_trace(program, memory, out, config)
    return json.loads(out.getvalue()), result


def _slot_events(trace: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in trace["traceEvents"] if e["ph"] == "X"]


def _track(trace: dict[str, Any], pid: int, tid: int) -> str:
    return next(e["args"]["name"] for e in trace["traceEvents"]
                if e["ph"] == "M" and e["name"] == "thread_name"
                and (e["pid"], e["tid"]) == (pid, tid))


def test_every_engine_slot_has_a_named_track_on_every_core() -> None:
    config = MachineConfig(n_cores=2)
    trace, _ = _trace(parse("halt\n"), [0], config)
    names = [(e["pid"], e["args"]["name"]) for e in trace["traceEvents"]
             if e["ph"] == "M" and e["name"] == "thread_name"]
    expected = ([f"alu-{k}" for k in range(12)] + [f"valu-{k}" for k in range(6)]
                + ["load-0", "load-1", "store-0", "store-1", "flow-0"])
    assert [name for pid, name in names if pid == 1] == expected
    assert [name for pid, name in names if pid == 2] == expected
    assert [name for _, _, name in track_names(config)] == expected
    processes = {e["pid"]: e["args"]["name"] for e in trace["traceEvents"]
                 if e["name"] == "process_name"}
    assert processes == {1: "core 0", 2: "core 1"}


def test_each_slot_is_an_event_at_its_cycle_with_its_own_writes() -> None:
    program = parse(SWAP)
    trace, result = _trace(program, [0])
    assert result.ok and result.cycles == 3
    events = _slot_events(trace)
    assert len(events) == 7  # the debug comment is free and not shown
    shown = [(e["ts"], _track(trace, e["pid"], e["tid"]), e["name"], e["args"]) for e in events]
    assert shown == [
        (0, "load-0", "const x, 10", {"pc": 0, "s[0]": 10}),
        (0, "load-1", "const y, 20", {"pc": 0, "s[1]": 20}),
        (1, "alu-0", "add x, y, sum", {"pc": 1, "s[0]": 20}),
        (1, "alu-1", "add y, x, sum", {"pc": 1, "s[1]": 10}),
        (1, "store-0", "store sum, x", {"pc": 1, "m[0]": 10}),
        # both write sum: each event shows its own value (the later slot wins in memory)
        (2, "alu-0", "add sum, x, y", {"pc": 2, "s[2]": 30}),
        (2, "alu-1", "add sum, y, y", {"pc": 2, "s[2]": 20}),
    ]
    assert all(e["dur"] == 1 and e["cat"] in ("alu", "load", "store") for e in events)
    assert [e["name"] for e in events] == [format_slot(s, program) for _, _, s in program.slots()
                                           if not s.is_debug]
    assert trace["otherData"] == {"cycles": 3, "fault": None, "header": {}}


def test_a_loop_repeats_its_events_and_jumps_show_the_next_pc() -> None:
    program = parse(".scalar n\n.scalar one\nconst n, 3 || const one, 1\n"
                    "top:\nsub n, n, one\ncond_jump n, top\n")
    trace, result = _trace(program, [0])
    events = _slot_events(trace)
    assert len(events) == 2 + 3 * 2 and result.cycles == 7
    jumps = [e["args"] for e in events if e["name"].startswith("cond_jump")]
    assert jumps == [{"pc": 2, "next_pc": 1}, {"pc": 2, "next_pc": 1}, {"pc": 2}]
    assert [e["ts"] for e in events] == [0, 0, 1, 2, 3, 4, 5, 6]


def test_several_cores_each_get_their_events() -> None:
    program = parse(".scalar id\ncoreid id\nstore id, id\n")
    trace, result = _trace(program, [7, 7], MachineConfig(n_cores=2))
    assert result.memory == [0, 1]
    events = _slot_events(trace)
    assert sorted((e["pid"], e["ts"], e["name"]) for e in events) == [
        (1, 0, "coreid id"), (1, 1, "store id, id"), (2, 0, "coreid id"), (2, 1, "store id, id")]


def test_a_fault_is_an_instant_event_on_the_faulting_slot_s_track() -> None:
    program = parse(".scalar a\n.scalar b\nconst a, 1\nadd b, a, a || div b, a, b\nhalt\n")
    trace, result = _trace(program, [0])
    assert result.fault is not None
    faults = [e for e in trace["traceEvents"] if e["ph"] == "i"]
    assert len(faults) == 1
    fault = faults[0]
    assert (fault["ts"], fault["pid"], fault["s"]) == (1, 1, "t")
    assert _track(trace, 1, fault["tid"]) == "alu-1"
    assert fault["args"] == result.fault.to_json()
    assert "division by zero" in fault["name"]
    # the faulting bundle's slots did not happen, so they are not shown
    assert [e["name"] for e in _slot_events(trace)] == ["const a, 1"]
    assert trace["otherData"]["fault"] == result.fault.to_json()


def test_the_cycle_limit_is_an_instant_event_across_the_core() -> None:
    program = parse("top:\njump top\n")
    trace, result = _trace(program, [0], MachineConfig(max_cycles=5))
    assert result.fault is not None and result.cycles == 5
    (fault,) = [e for e in trace["traceEvents"] if e["ph"] == "i"]
    assert fault["s"] == "p" and "tid" not in fault and fault["ts"] == 5
    assert len(_slot_events(trace)) == 5


class _CountingSink(io.TextIOBase):
    def __init__(self) -> None:
        self.characters = 0

    def write(self, text: str) -> int:
        self.characters += len(text)
        return len(text)


def test_the_trace_is_written_as_the_run_goes() -> None:
    # 16000 cycles of 3 slots: megabytes of JSON, while the run holds almost none of it.
    program = parse(".scalar n\n.scalar one\n.scalar acc\nconst n, 8000 || const one, 1\n"
                    "top:\nsub n, n, one || add acc, acc, n\ncond_jump n, top\n")
    sink = _CountingSink()
    tracemalloc.start()
    try:
        result = write_trace(program, [0], sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok and result.cycles == 16001
    assert sink.characters > 2_500_000
    assert peak < 500_000


# --- the command ----------------------------------------------------------------------

def _files(tmp_path: Path, program: str, memory: Any) -> tuple[str, str, str]:
    (tmp_path / "p.vasm").write_text(program)
    (tmp_path / "m.json").write_text(json.dumps(memory))
    return str(tmp_path / "p.vasm"), str(tmp_path / "m.json"), str(tmp_path / "t.json")


def test_vliw_trace_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program, memory, out = _files(tmp_path, SWAP, [0])
    assert main(["trace", program, "--memory", memory, "-o", out]) == 0
    trace = json.loads(Path(out).read_text())
    assert len(_slot_events(trace)) == 7
    assert "3 cycles" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_vliw_trace_to_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program, memory, _ = _files(tmp_path, SWAP, [0])
    assert main(["trace", program, "--memory", memory, "-o", "-"]) == 0
    assert len(_slot_events(json.loads(capsys.readouterr().out))) == 7


def test_vliw_trace_of_a_fault_writes_the_trace_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program, memory, out = _files(tmp_path, ".scalar a\nload a, a\n", [])
    assert main(["trace", program, "--memory", memory, "-o", out]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "memory address 0 is outside memory" in err
    events = json.loads(Path(out).read_text())["traceEvents"]
    assert [e["ph"] for e in events if e["ph"] != "M"] == ["i"]


@pytest.mark.parametrize(
    ("program", "memory", "message"),
    [
        ("ad 1, 2, 3\n", [0], "unknown operation"),
        ("add 1536, 0, 0\n", [0], "scratch address 1536"),
        ("halt\n", {"not": "a list"}, "m.json"),
        ("halt\n", [-1], "memory word 0"),
    ],
)
def test_vliw_trace_refuses_bad_input_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], program: str, memory: Any,
        message: str) -> None:
    program_path, memory_path, out = _files(tmp_path, program, memory)
    assert main(["trace", program_path, "--memory", memory_path, "-o", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vliw trace: ") and err.count("\n") == 1 and message in err
    assert not Path(out).exists()


def test_vliw_trace_cannot_write_into_a_missing_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program, memory, _ = _files(tmp_path, "halt\n", [0])
    out = str(tmp_path / "missing" / "t.json")
    assert main(["trace", program, "--memory", memory, "-o", out]) == 2
    assert "cannot be written" in capsys.readouterr().err
