"""`vliw run`: exit codes, output, and one clear line for every bad input (never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from machine.loader import MAX_PROGRAM_BYTES

STORE_42 = """\
.scalar address
.scalar value
    const address, 1 || const value, 42
    store address, value
"""
DIVIDE_BY_ZERO = """\
.scalar a
.scalar zero
    const a, 5
    div a, a, zero
"""
FOREVER = "loop:\n    jump loop\n"


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    path = tmp_path / "memory.json"
    path.write_text("[7, 8, 9]")
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main(["run", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.strip()


def test_a_run_to_the_end_prints_cycles_and_memory(tmp_path: Path, memory: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, write(tmp_path, "p.vasm", STORE_42), "--memory", memory, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"cycles": 2, "memory": [7, 42, 9], "fault": None}


def test_the_human_summary(tmp_path: Path, memory: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, write(tmp_path, "p.vasm", STORE_42), "--memory", memory)
    assert code == 0
    assert out.splitlines() == ["ran to the end in 2 cycles", "memory: 3 words, 1 changed",
                                "first words: 7 42 9"]


def test_a_takehome_json_program_runs_the_same(tmp_path: Path, memory: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    program = [{"load": [["const", 0, 1], ["const", 1, 42]]}, {"store": [["store", 0, 1]]}]
    path = write(tmp_path, "p.json", json.dumps(program))
    code, out, _ = run(capsys, path, "--memory", memory, "--json")
    assert code == 0
    assert json.loads(out) == {"cycles": 2, "memory": [7, 42, 9], "fault": None}


def test_division_by_zero_is_a_fault_naming_cycle_pc_and_slot(
        tmp_path: Path, memory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.vasm", DIVIDE_BY_ZERO)
    code, out, err = run(capsys, path, "--memory", memory, "--json")
    assert code == 1
    assert json.loads(out)["fault"] == {"cycle": 1, "core": 0, "pc": 1, "engine": "alu",
                                        "slot": 0, "reason": "division by zero"}
    assert one_line(err) == (f"vliw run: fault at cycle 1, core 0, pc 1, alu slot 0: "
                             f"division by zero ({path}:4:5)")


def test_an_infinite_loop_stops_at_the_cycle_limit(tmp_path: Path, memory: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.vasm", FOREVER)
    code, out, err = run(capsys, path, "--memory", memory, "--max-cycles", "1000")
    assert code == 1
    assert out.splitlines()[0] == "stopped by a fault in 1,000 cycles"
    assert "cycle limit of 1000 reached" in one_line(err)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.vasm", b"", "p.vasm: is empty"),
        ("p.vasm", bytes(range(256)) * 4, "p.vasm: is not a text file (binary data: a NUL byte"),
        ("p.vasm", b"ad 1, 2, 3\n", "p.vasm:1:1: unknown operation 'ad'; did you mean add or and?"),
        ("p.vasm", b"    const 1, 2 || const 2, 3 || const 3, 4\n",
         "p.vasm:1:33: 3 load slots in one bundle; this machine allows 2"),
        ("p.vasm", b"    add 1, 2, 1536\n",
         "p.vasm:1:5: scratch address 1536 is outside the scratch (0..1535)"),
        ("p.json", b'[{"alu": [["+", 1, 2]]}]',
         "p.json, bundle 0, slot 0 (alu): add takes 3 operands (d a b), not 2"),
        ("p.json", b'[{"alu": [["+", 1, 2, 3]]', "p.json:1:26: not valid JSON"),
    ],
)
def test_invalid_programs_exit_2_with_one_line(tmp_path: Path, memory: Path,
                                               capsys: pytest.CaptureFixture[str], name: str,
                                               content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, path, "--memory", memory)
    assert (code, out) == (2, "")
    assert one_line(err).startswith(f"vliw run: {tmp_path}/{message}")


def test_a_program_above_the_size_limit_is_refused_unread(
        tmp_path: Path, memory: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.vasm"
    with path.open("wb") as handle:
        handle.truncate(MAX_PROGRAM_BYTES + 1)
    real_open = Path.open

    def open_only_memory(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        assert self != path, "the oversized program was opened"
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_only_memory)
    code, _, err = run(capsys, path, "--memory", memory)
    assert code == 2
    assert "program files are limited to 33,554,432 bytes" in one_line(err)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2", "m.json:1:6: not valid JSON: Expecting ',' delimiter"),
        ("[1, -2]", "m.json: memory word 1 is -2, not an integer in 0..2^32-1"),
        ('{"words": []}', "m.json: expected a JSON list of words"),
        ("", "m.json: is empty"),
    ],
)
def test_invalid_memory_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     content: str, message: str) -> None:
    bad = write(tmp_path, "m.json", content)
    code, _, err = run(capsys, write(tmp_path, "p.vasm", STORE_42), "--memory", bad)
    assert code == 2
    assert one_line(err).startswith(f"vliw run: {tmp_path}/{message}")


def test_a_bad_cycle_limit_exits_2(tmp_path: Path, memory: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, write(tmp_path, "p.vasm", STORE_42), "--memory", memory,
                       "--max-cycles", "0")
    assert code == 2
    assert one_line(err) == "vliw run: --max-cycles must be at least 1, not 0"


def test_the_real_command_line(tmp_path: Path, memory: Path) -> None:
    """Through a real process: exit codes and stderr as a script sees them."""
    garbage = tmp_path / "garbage.vasm"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    loop = write(tmp_path, "loop.vasm", FOREVER)
    for argv, code, fragment in [
        ([garbage], 2, "is not a text file"),
        ([loop, "--max-cycles", "1000"], 1, "cycle limit of 1000 reached"),
    ]:
        done = subprocess.run([sys.executable, "-m", "game", "run", *map(str, argv),
                               "--memory", str(memory)], capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == code
        assert fragment in one_line(done.stderr)
