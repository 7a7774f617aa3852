"""`vliw trace` ends in bounded time and space: a size cap that stops the run as the cycle
limit does (the file stays a valid trace), bounded options, and no temporary file left
behind when the command is killed."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.cli import main
from game.cli.machine_args import MOST_CYCLES
from game.cli.trace_args import MOST_TRACE_MB
from machine.trace import write_trace
from machine.vasm import parse

ROOT = Path(__file__).resolve().parent.parent
ENDLESS = ".scalar i\n.scalar one\nconst one, 1\ntop:\nadd i, i, one\njump top\n"


def test_a_capped_trace_stops_the_run_and_stays_valid_json() -> None:
    out = io.StringIO()
    result = write_trace(parse(ENDLESS), [0], out, max_bytes=50_000)
    assert result.fault is not None and result.fault.slot is None
    assert result.fault.reason == "trace size limit of 50000 bytes reached"
    text = out.getvalue()
    assert 50_000 < len(text) < 52_000
    trace = json.loads(text)
    events = [e for e in trace["traceEvents"] if e["ph"] != "M"]
    assert events[-1]["ph"] == "i" and events[-1]["ts"] == result.cycles
    assert max(e["ts"] for e in events[:-1]) == result.cycles - 1
    assert trace["otherData"]["fault"]["reason"] == result.fault.reason


def _files(tmp_path: Path) -> tuple[str, str, Path]:
    (tmp_path / "loop.vasm").write_text(ENDLESS)
    (tmp_path / "m.json").write_text("[0]")
    return str(tmp_path / "loop.vasm"), str(tmp_path / "m.json"), tmp_path / "t.json"


def test_vliw_trace_of_an_endless_loop_stops_at_its_size_limit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program, memory, out = _files(tmp_path)
    assert main(["trace", program, "--memory", memory, "-o", str(out), "--max-mb", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "trace size limit of 1048576 bytes reached" in err[0]
    assert "--max-mb" in err[0]
    assert 2**20 < out.stat().st_size < 2**20 + 4096
    assert json.loads(out.read_text())["otherData"]["fault"]["slot"] is None
    assert [p.name for p in tmp_path.iterdir()] != [] and not list(tmp_path.glob(".*"))


@pytest.mark.parametrize("option", [
    ["--max-mb", "0"], ["--max-mb", str(MOST_TRACE_MB + 1)], ["--max-cycles", "0"],
    ["--max-cycles", str(MOST_CYCLES + 1)], ["--max-cycles", "9" * 4000],
    ["--max-cycles", "-" + "9" * 4000]])
def test_vliw_trace_refuses_limits_out_of_range_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]) -> None:
    program, memory, out = _files(tmp_path)
    assert main(["trace", program, "--memory", memory, "-o", str(out), *option]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must be" in err and len(err) < 100 and not out.exists()


@pytest.mark.parametrize(("number", "code"), [(signal.SIGTERM, 128 + signal.SIGTERM),
                                              (signal.SIGINT, 130)])
def test_a_killed_trace_leaves_no_file_behind(tmp_path: Path, number: int, code: int) -> None:
    """Before: SIGTERM ended the process on the spot, leaving the hidden temporary file (236
    MB of it after 30 s)."""
    program, memory, out = _files(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "game", "trace", program, "--memory", memory, "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not [p for p in tmp_path.glob(".t.json.*.tmp") if p.stat().st_size > 10_000]:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        process.send_signal(number)
        assert process.wait(timeout=30) == code
    finally:
        process.kill()
        process.communicate()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.vasm", "m.json"]
