"""Hostile and broken input files: every command ends quickly, in one line, with exit 2.

Named pipes and devices are refused unread, links do not lead out of a checked
folder, long tokens and undecodable file names are shown safely, deep nesting is
refused, and leftovers of interrupted saves are cleared when the game starts.
Commands that could block run in a subprocess with a timeout, so a regression fails
here instead of hanging the suite.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.cli import main
from game.pack import MAX_PACK_BYTES, PackError, parse_pack
from game.pack.loader import MAX_PACK_NESTING
from game.paths import atomic_write_text, remove_stale_saves
from game.scoring import solution_files
from machine import files
from machine.files import FileTooLarge, InputFileError, read_capped
from machine.loader import load_program
from machine.program import ProgramError
from machine.text import TOKEN_SHOWN, printable, shown_path, shown_token

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions/minimal/digits/countdown.vasm"
PUZZLE = "minimal/digits"
LIMIT = 30.0
"""Seconds a command may take here before it is called blocked (each takes about one)."""
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
ODD_NAME = b"caf\xe9 \xff".decode("utf-8", "surrogateescape")
"""A file name in Latin-1: bytes that are not UTF-8."""


def vliw(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    """`vliw ARGS` in a fresh process with a UTF-8 stdout, killed if it blocks."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run([sys.executable, "-m", "game", *map(os.fspath, args)], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=LIMIT,
                          errors="surrogateescape")


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.vasm"
    os.mkfifo(path)
    return path


# --- named pipes, devices, folders ------------------------------------------------------------

@POSIX
@pytest.mark.parametrize("args, reason", [
    (("pack", "lint", "{fifo}"), "named pipe (FIFO), not a regular file"),
    (("check", "{fifo}", "--puzzle", PUZZLE), "named pipe (FIFO), not a regular file"),
    (("check", "{fifo}", "--pack", "{fifo}"), "no such pack file"),
    (("run", str(SOLUTION), "--memory", "{fifo}"), "named pipe (FIFO), not a regular file"),
    (("run", "{fifo}", "--memory", "{fifo}"), "named pipe (FIFO), not a regular file"),
    (("fmt", "{fifo}"), "named pipe (FIFO), not a regular file"),
    (("convert", "{fifo}", "out.json"), "named pipe (FIFO), not a regular file"),
    (("hist", PUZZLE, "--histogram", "{fifo}"), "not a regular file"),
])
def test_a_named_pipe_is_refused_at_once(fifo: Path, tmp_path: Path, args: tuple[str, ...],
                                          reason: str) -> None:
    done = vliw(*(arg.format(fifo=fifo) for arg in args), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert reason in one_line(done.stderr)
    assert str(fifo) in done.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_unread() -> None:
    for args in (("pack", "lint", "/dev/zero"), ("check", "/dev/zero", "--puzzle", PUZZLE),
                 ("run", str(SOLUTION), "--memory", "/dev/zero")):
        done = vliw(*args)
        assert done.returncode == 2, done.stderr
        assert "/dev/zero" in one_line(done.stderr)
        assert "is a device, not a regular file" in done.stderr


@POSIX
def test_a_pipe_swapped_in_after_the_look_is_neither_waited_on_nor_read(
        fifo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regular = tmp_path / "regular.vasm"
    regular.write_text("halt\n")
    real_stat = os.stat
    monkeypatch.setattr(files.os, "stat", lambda path: real_stat(regular))  # stat saw a file
    started = time.monotonic()
    with pytest.raises(InputFileError, match="named pipe"):
        read_capped(fifo, 100, "program")
    assert time.monotonic() - started < LIMIT


def test_a_file_that_grows_is_read_only_up_to_the_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.vasm"
    path.write_bytes(b"x" * 5000)
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(files, "_refuse", lambda *args: None)  # as if it were small at stat
    monkeypatch.setattr(files.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(FileTooLarge) as caught:
        read_capped(path, 100, "program")
    assert sum(read) <= 101
    assert caught.value.reason == "is larger than the 100 bytes allowed for program files"


def test_a_pack_too_large_is_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    with path.open("wb") as handle:
        handle.truncate(MAX_PACK_BYTES + 1)
    code = main(["pack", "lint", str(path)])
    assert code == 2


# --- OSErrors of every kind -------------------------------------------------------------------

def test_unreadable_paths_are_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop.vasm"
    loop.symlink_to(loop)
    long_name = "x" * 5000
    cases = [
        (["check", long_name], "File name too long"),
        (["check", str(loop), "--puzzle", PUZZLE], "Too many levels of symbolic links"),
        (["run", str(SOLUTION), "--memory", str(tmp_path)], "is a folder, not a file"),
        (["pack", "lint", str(loop)], "Too many levels of symbolic links"),
        (["hist", PUZZLE, "--histogram", str(loop)], "no such file"),
        (["check", str(SOLUTION), "--pack", str(loop)], "no such pack file"),
    ]
    for argv, reason in cases:
        assert main(argv) == 2, argv
        err = one_line(capsys.readouterr().err)
        assert reason in err, (argv, err)
        assert len(err) < 400, err


def test_a_permission_error_names_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.vasm"
    path.write_text("halt\n")

    def denied(*args: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(files.os, "open", denied)
    with pytest.raises(ProgramError, match=r"secret.vasm: cannot be read \(Permission denied\)"):
        load_program(path)


def test_an_os_error_anywhere_in_a_command_is_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def failing(args: object) -> int:
        raise OSError(errno.ENAMETOOLONG, "File name too long", "y" * 10_000)

    monkeypatch.setattr("game.cli.check_command.run_check", failing)
    assert main(["check", str(SOLUTION)]) == 2
    err = one_line(capsys.readouterr().err)
    assert err.startswith("vliw check: yyyy") and err.endswith(": File name too long")
    assert len(err) < 400


# --- links in checked folders -----------------------------------------------------------------

@pytest.fixture
def linked_folder(tmp_path: Path) -> Path:
    """A solutions folder whose only links lead out of it, to a secret and to a folder."""
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    secret = outside / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (outside / "deep" / "other.vasm").write_text(SOLUTION.read_text())
    folder = tmp_path / "checked" / "minimal" / "digits"
    folder.mkdir(parents=True)
    (folder / "real.vasm").write_text(SOLUTION.read_text())
    (folder / "passwd.vasm").symlink_to(secret)
    (folder / "away").symlink_to(outside / "deep", target_is_directory=True)
    (folder / "again.vasm").symlink_to(folder / "real.vasm")  # inside: followed
    return tmp_path / "checked"


def test_links_out_of_a_folder_are_not_followed(linked_folder: Path) -> None:
    names = [path.name for path in solution_files(linked_folder)]
    assert names == ["again.vasm", "real.vasm"]


def test_check_and_hist_build_do_not_quote_what_a_link_points_to(
        linked_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(linked_folder), "--seeds", "0"]) == 0
    captured = capsys.readouterr()
    assert "root:" not in captured.out + captured.err
    assert "passwd" not in captured.out + captured.err
    out = tmp_path / "h.json"
    assert main(["hist", "build", str(linked_folder), "--puzzle", PUZZLE, "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "root:" not in captured.out + captured.err
    assert "1 distinct solutions" in captured.out


def test_pack_test_does_not_follow_a_link_out_of_its_solutions(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack", "new", "fizz", "--dir", str(tmp_path)]) == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (tmp_path / "solutions/fizz/sum/stolen.vasm").symlink_to(secret)
    capsys.readouterr()
    assert main(["pack", "test", str(tmp_path / "fizz.toml")]) == 0
    captured = capsys.readouterr()
    assert "root:" not in captured.out + captured.err


# --- long tokens and odd names ----------------------------------------------------------------

def test_a_long_token_is_cut_and_counted() -> None:
    token = "A" * 1_000_000
    shown = shown_token(token)
    assert shown == "A" * TOKEN_SHOWN + "... (1,000,000 characters)"
    assert shown_token("short") == "short"
    assert shown_token("bell\a") == "bell\\x07"


def test_names_that_are_not_utf8_are_shown_as_their_bytes() -> None:
    assert printable(ODD_NAME) == "caf\\xe9 \\xff"
    assert shown_path(Path("a") / ODD_NAME) == "a/caf\\xe9 \\xff"
    assert printable("line\nbreak") == "line\\nbreak"


@pytest.mark.parametrize("text, where", [
    ('[{"alu": [["%s", 0, 0, 0]]}]', "unknown alu operation"),
    ('[{"%s": [["+", 0, 0, 0]]}]', "unknown engine"),
    ('[{"debug": [["comment", {"%s": 1, "%s": 2}]]}]', "duplicate key"),
    ('[{"debug": [["%s", %d]]}]', "operand 1 of"),
])
def test_json_errors_quote_a_huge_token_cut(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str) -> None:
    path = tmp_path / "big.json"
    too_deep = "[" * 600 + "]" * 600  # an operand the loader refuses, quoting the operation
    path.write_text(text.replace("%s", "A" * 1_000_000).replace("%d", too_deep))
    assert main(["check", str(path), "--puzzle", PUZZLE]) == 2
    err = one_line(capsys.readouterr().err)
    assert where in err
    assert re.search(r"\.\.\. \(1,000,00\d characters\)", err) and len(err) < 400


def test_pack_errors_and_puzzle_ids_quote_a_huge_token_cut(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token = "B" * 1_000_000
    path = tmp_path / "p.toml"
    path.write_text(f'[pack]\nid = "p"\ntitle = "p"\n{token} = 1\n')
    assert main(["pack", "lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert "(1,000,000 characters): unknown key" in err and len(err) < 1000
    for argv in (["check", str(SOLUTION), "--puzzle", token],
                 ["check", str(SOLUTION), "--puzzle", f"minimal/{token}"],
                 ["hist", f"{token}/x"]):
        assert main(argv) == 2
        err = one_line(capsys.readouterr().err)
        assert "(1,000,000 characters)" in err and len(err) < 400


@pytest.fixture
def odd_folder(tmp_path: Path) -> Path:
    """A solutions folder with a solution whose file name is not UTF-8."""
    folder = tmp_path / "odd" / "minimal" / "digits"
    folder.mkdir(parents=True)
    try:
        (folder / f"{ODD_NAME}.vasm").write_text(SOLUTION.read_text())
    except (UnicodeEncodeError, OSError):
        pytest.skip("the file system takes only UTF-8 names")
    return tmp_path / "odd"


def test_check_of_a_folder_prints_a_name_that_is_not_utf8(odd_folder: Path) -> None:
    done = vliw("check", odd_folder, "--seeds", "0")
    assert done.returncode == 0, done.stderr
    assert "minimal/digits/caf\\xe9 \\xff.vasm  minimal/digits  pass" in done.stdout


def test_hist_of_a_solution_whose_name_is_not_utf8(odd_folder: Path, tmp_path: Path) -> None:
    [path] = solution_files(odd_folder)
    home = {"VLIW_HOME": str(tmp_path / "home")}
    done = vliw("hist", PUZZLE, "--solution", path, env=home)
    assert done.returncode == 0, done.stderr
    assert "caf\\xe9 \\xff" in done.stdout  # the player's best names it
    failing = path.with_name(f"{ODD_NAME} bad.vasm")
    failing.write_text("halt\n")
    done = vliw("hist", PUZZLE, "--solution", failing, env=home)
    assert done.returncode == 1
    assert "bad.vasm" in one_line(done.stderr)


# --- nesting ----------------------------------------------------------------------------------

def test_a_pack_nested_350_deep_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.toml"
    path.write_text('[pack]\nid = "x"\ntitle = "x"\n[[puzzle]]\nid = "a"\n'
                    f'x = {"{a = " * 350}1{"}" * 350}\n')
    assert main(["pack", "lint", str(path)]) == 2
    err = one_line(capsys.readouterr().err)
    assert err == f"{path}:6: toml: arrays and inline tables nest more than 32 deep"
    assert main(["check", str(SOLUTION), "--pack", str(path)]) == 2


@pytest.mark.parametrize("text, deep", [
    ("a = [[[1]]]", False),
    (f"a = {'[' * 33}{']' * 33}", True),
    (f"a = \"{'[' * 40}\"", False),
    (f"a = '{'{' * 40}'", False),
    (f'a = """\n{"[" * 40}\n"""', False),
    (f"a = '''{'[' * 40}'''", False),
    (f'a = """x\\"""{"[" * 40}"""', False),
    (f"# {'[' * 40}\nb = 1", False),
    (f'a = """x""""\nb = {"[" * 33}{"]" * 33}', True),
])
def test_nesting_is_counted_outside_strings_and_comments(text: str, deep: bool) -> None:
    if not deep:
        parse_or_schema_error(text)
        return
    with pytest.raises(PackError, match=f"nest more than {MAX_PACK_NESTING} deep"):
        parse_pack(text)


def parse_or_schema_error(text: str) -> None:
    """A shallow text gets past the nesting check (the schema then refuses it)."""
    with pytest.raises(PackError) as caught:
        parse_pack(text)
    assert "nest more than" not in str(caught.value)


@pytest.mark.parametrize("kind", ["solution", "memory", "histogram"])
def test_deeply_nested_json_is_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    path = tmp_path / "deep.json"
    for depth in (400, 600, 100_000):
        path.write_text("[" * depth + "]" * depth)
        argv = {"solution": ["check", str(path), "--puzzle", PUZZLE],
                "memory": ["run", str(SOLUTION), "--memory", str(path)],
                "histogram": ["hist", PUZZLE, "--histogram", str(path)]}[kind]
        assert main(argv) == 2, depth
        one_line(capsys.readouterr().err)


# --- leftovers of interrupted saves -----------------------------------------------------------

def test_stale_save_temporaries_are_removed_when_the_game_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    folder = home / "solutions" / "minimal" / "digits"
    atomic_write_text(folder / "mine.vasm", "halt\n")
    old = time.time() - 3600
    stale = folder / ".mine.vasm.k2x_9abc.tmp"
    fresh = folder / ".mine.vasm.zz11yy22.tmp"
    foreign = [folder / "notes.tmp", folder / ".mine.vasm.tmp", folder / ".x.vasm.ABCDEFGH.tmp",
               home / ".scores.sqlite3.abcdefgh.tmp"]
    for path in [stale, fresh, *foreign]:
        path.write_text("half a save")
    for path in [stale, *foreign]:
        os.utime(path, (old, old))

    import game.tui.app

    started: list[bool] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(game.tui.app.VliwApp, "run", lambda self: started.append(True))
    assert main(["play", "--home", str(home)]) == 0
    assert started == [True]
    assert not stale.exists()
    assert fresh.exists() and all(path.exists() for path in foreign)
    assert (folder / "mine.vasm").read_text() == "halt\n"


def test_a_save_in_progress_is_never_removed(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "a.vasm", "x")
    young = tmp_path / ".a.vasm.abcd1234.tmp"
    young.write_text("being written")
    assert remove_stale_saves(tmp_path) == 0
    assert young.exists()
    assert remove_stale_saves(tmp_path, older_than=-1) == 1


# --- outputs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ("convert", str(SOLUTION), "{out}", "--to", "json"),
    ("trace", str(SOLUTION), "--memory", "{memory}", "-o", "{out}"),
    ("hist", "build", str(SOLUTION.parent), "--puzzle", PUZZLE, "-o", "{out}"),
])
def test_an_output_that_is_not_a_regular_file_is_left_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    """Once `vliw convert s.vasm /dev/full` replaced the device with a file, as root."""
    memory = tmp_path / "memory.json"
    memory.write_text("[0" + ", 0" * 10 + "]")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    folder = tmp_path / "folder"
    folder.mkdir()
    for out in (pipe, folder):
        args = [arg.format(out=out, memory=memory) for arg in argv]
        assert main(args) == 2, args
        err = one_line(capsys.readouterr().err)
        assert "exists and is not a regular file; refusing to replace it" in err
        assert out.exists() and not out.is_file()


def test_an_output_through_a_link_replaces_the_file_it_names(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert main(["convert", str(SOLUTION), str(link), "--to", "json"]) == 0
    assert link.is_symlink() and target.read_text().startswith("[")


def test_a_memory_word_nested_too_deeply_to_quote_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    memory = tmp_path / "m.json"
    memory.write_text("[5, " + '{"a": ' * 400 + "1" + "}" * 400 + "]")
    assert main(["run", str(SOLUTION), "--memory", str(memory), "--json"]) == 2
    err = one_line(capsys.readouterr().err)
    assert "memory word 1 is a value nested too deeply to show" in err
