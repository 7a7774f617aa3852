"""`vliw fmt` (canonical .vasm in place, or stdin to stdout); `vliw convert` (.vasm <-> .json)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from game.cli import main
from machine.loader import load_program

MESSY = "# name: demo\n.scalar x#counter\nloop:   add x,x,x||cond_jump x,loop\n\n\n    halt\n"
CANONICAL = ("# name: demo\n\n.scalar x  # counter\n\nloop:\n    add x, x, x || cond_jump x, loop\n"
             "\n    halt\n")


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([*map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_fmt_rewrites_in_the_canonical_text(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.vasm"
    path.write_text(MESSY)
    assert cli(capsys, "fmt", path) == (0, f"reformatted {path}\n", "")
    assert path.read_text() == CANONICAL
    assert [p.name for p in tmp_path.iterdir()] == ["p.vasm"]  # no temporary file left
    assert cli(capsys, "fmt", path) == (0, "", "")  # a fixed point: nothing to do


def test_fmt_keeps_the_meaning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.vasm"
    path.write_text(MESSY)
    before = load_program(path)
    cli(capsys, "fmt", path)
    assert load_program(path) == before


def test_fmt_check_reports_and_writes_nothing(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    messy, tidy = tmp_path / "messy.vasm", tmp_path / "tidy.vasm"
    messy.write_text(MESSY)
    tidy.write_text(CANONICAL)
    assert cli(capsys, "fmt", "--check", messy, tidy) == (1, f"would reformat {messy}\n", "")
    assert messy.read_text() == MESSY
    assert cli(capsys, "fmt", "--check", tidy) == (0, "", "")


def test_fmt_reads_stdin_and_writes_stdout(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(MESSY))
    assert cli(capsys, "fmt", "-") == (0, CANONICAL, "")


def test_fmt_reports_a_bad_file_and_still_formats_the_others(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad, good, data = tmp_path / "bad.vasm", tmp_path / "good.vasm", tmp_path / "k.json"
    bad.write_text("    halt\n    frob 1\n")
    good.write_text(MESSY)
    data.write_text('[{"flow": [["halt"]]}]')
    code, out, err = cli(capsys, "fmt", bad, good, data, tmp_path / "missing.vasm")
    assert code == 2
    assert out == f"reformatted {good}\n"
    assert err.splitlines() == [
        f"vliw fmt: {bad}:2:5: unknown operation 'frob'",
        f"vliw fmt: {data}: fmt formats .vasm files; to turn a .json program into .vasm use "
        f"'vliw convert {data} OUT.vasm'",
        f"vliw fmt: {tmp_path / 'missing.vasm'}: no such file",
    ]
    assert bad.read_text() == "    halt\n    frob 1\n"


def test_convert_json_to_vasm_and_back(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    kernel = [{"load": [["const", 0, 7]], "debug": [["compare", 0, [0, "idx"]]]},
              {"flow": []}, {}, {"alu": [["+", 1, 0, 0]], "flow": [["halt"]]}]
    source = tmp_path / "kernel.json"
    source.write_text(json.dumps(kernel))
    assert cli(capsys, "convert", source, tmp_path / "kernel.vasm") == (0, "", "")
    assert (tmp_path / "kernel.vasm").read_text() == (
        '    const 0, 7 || compare 0, [0, "idx"]\n'
        "    nop flow\n"
        "    nop\n"
        "    add 1, 0, 0 || halt\n")
    assert cli(capsys, "convert", tmp_path / "kernel.vasm", tmp_path / "again.json") == (0, "", "")
    assert json.loads((tmp_path / "again.json").read_text()) == kernel


def test_convert_to_stdout_needs_a_form(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "p.vasm"
    source.write_text(".scalar x\n    add x, x, x\n")
    assert cli(capsys, "convert", source, "-", "--to", "json") == (
        0, '[\n{"alu": [["+", 0, 0, 0]]}\n]\n', "")
    code, out, err = cli(capsys, "convert", source, "-")
    assert (code, out) == (2, "")
    assert err == ("vliw convert: cannot tell the output form from '-'; name it .vasm or .json, "
                   "or give --to vasm|json\n")


def test_convert_refuses_what_vasm_cannot_say(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "k.json"
    source.write_text('[{"alu": [["frob", 1]]}]')
    code, _, err = cli(capsys, "convert", source, tmp_path / "k.vasm")
    assert code == 2
    assert err == (f"vliw convert: {source}: cannot be written as .vasm: bundle 0, slot 0 (alu): "
                   "unknown alu operation 'frob' has no .vasm name\n")
    assert not (tmp_path / "k.vasm").exists()


def test_fmt_keeps_the_file_permissions(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.vasm"
    path.write_text(MESSY)
    path.chmod(0o644)
    cli(capsys, "fmt", path)
    assert path.stat().st_mode & 0o777 == 0o644
