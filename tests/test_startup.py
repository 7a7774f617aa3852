"""What `vliw` imports at start: each command pays only for what it uses.

Every command builds the whole parser, so registering the commands must not
import their work; `vliw check` must not import the TUI, the histograms or
the authoring tools. Checked in fresh interpreters, by the modules loaded
(not by timing them).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import inspect
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from game.cli import COMMAND_GROUPS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
PACKED = ROOT / "solutions/takehome/tree-kernel/lockstep.vasm"

LOADED_AFTER = """
import contextlib, io, json, sys
from game.cli import build_parser, main
build_parser()
if sys.argv[1:]:
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(sys.argv[1:])
    assert code == 0, code
print(json.dumps(sorted(sys.modules)))
"""


def modules_loaded(*argv: str) -> set[str]:
    """Modules loaded by a fresh interpreter that builds the parser, then runs `vliw *argv`."""
    done = subprocess.run([sys.executable, "-c", LOADED_AFTER, *argv], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def under(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_building_the_parser_imports_no_command_work() -> None:
    loaded = modules_loaded()
    heavy = ("numpy", "pydantic", "textual", "rich", "game.pack", "game.catalog",
             "game.scoring", "game.histogram", "game.authoring", "machine.engine", "sqlite3")
    assert under(loaded, heavy) == []


def test_check_imports_neither_the_tui_nor_other_commands_work() -> None:
    loaded = modules_loaded("check", str(PACKED))
    assert "game.cli.check_command" in loaded  # it did run
    unneeded = ("textual", "rich", "game.tui", "game.histogram", "game.histogram_build",
                "game.histogram_text", "game.store", "game.authoring", "game.cli.hist_commands",
                "game.cli.machine_commands", "game.cli.trace_command", "machine.trace",
                "sqlite3",
                # the reference simulator: the engine asks it only about a seed that may
                # fault, and a right kernel has none
                "machine.simulator")
    assert under(loaded, unneeded) == []


def test_a_second_check_reads_its_pack_from_the_cache_without_pydantic(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first check of a pack validates it (TOML, pydantic) and keeps it; the next, in a
    fresh process, neither parses TOML nor imports pydantic, nor the pack loader that uses
    them (`game.pack.cache`)."""
    monkeypatch.setenv("VLIW_CACHE", str(tmp_path / "cache"))
    first = modules_loaded("check", str(PACKED))
    assert {"pydantic", "tomllib"} <= first
    second = modules_loaded("check", str(PACKED))
    assert "game.pack.cache" in second
    assert under(second, ("pydantic", "pydantic_core", "tomllib", "game.pack.locate",
                          "game.pack.loader")) == []


def test_loading_every_pack_imports_neither_numpy_nor_the_engine() -> None:
    """Listing puzzles (as the TUI's browser does) needs the packs, not a way to run them."""
    loaded = modules_loaded("puzzle", "list")
    assert "game.catalog" in loaded
    assert under(loaded, ("numpy", "machine.engine", "game.runs")) == []


Command = Callable[[argparse.Namespace], "int | None"]


def command_functions(parser: argparse.ArgumentParser, path: str = "vliw"
                      ) -> list[tuple[str, Command]]:
    found = []
    func = parser.get_default("func")
    if func is not None:
        found.append((path, func))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += command_functions(child, f"{path} {name}")
    return found


COMMANDS = command_functions(build_parser())


def test_every_command_is_found() -> None:
    names = {path for path, _ in COMMANDS}
    assert {"vliw check", "vliw pack lint", "vliw pack schema", "vliw pack new",
            "vliw pack test", "vliw puzzle list", "vliw puzzle inputs", "vliw run", "vliw fmt",
            "vliw convert", "vliw trace", "vliw play", "vliw hist"} <= names


def imported_in_body(function: Command) -> list[tuple[str, str]]:
    """(module, name) of every `from module import name` inside the function."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return [(node.module, alias.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module for alias in node.names]


@pytest.mark.parametrize(("path", "function"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_a_command_is_a_function_whose_lazy_imports_exist(path: str, function: Command) -> None:
    """Each command is a plain function of the command line; the work it imports when it
    runs (in its body, so that building the parser does not) exists and is callable."""
    assert inspect.isfunction(function), path
    assert function.__module__.startswith("game.cli."), path
    for module, name in imported_in_body(function):
        assert callable(getattr(importlib.import_module(module), name)), (path, module, name)


LOADED_BEFORE_READING = """
import contextlib, io, json, sys
solution = sys.argv[1]
loaded = []

def snapshot(event, args):
    if event == "open" and not loaded and isinstance(args[0], str) and args[0] == solution:
        loaded.append(sorted(sys.modules))

sys.addaudithook(snapshot)
from game.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", solution])
assert code == 0, code
print(json.dumps(loaded[0]))
"""


def test_check_reads_the_solution_before_importing_packs_or_the_engine() -> None:
    """The start-up budget of `vliw check`: until the solution file is opened it imports the
    command line and the program reader only -- no pack format (pydantic), no numpy, no
    engine, no scoring. Those come with the puzzle the file names and the first run."""
    done = subprocess.run([sys.executable, "-c", LOADED_BEFORE_READING, str(PACKED)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout))
    assert "game.cli.check_command" in loaded and "machine.loader" in loaded
    heavy = ("numpy", "pydantic", "tomllib", "game.pack", "game.scoring", "game.references",
             "game.inputs", "game.runs", "machine.engine", "textual", "rich")
    assert under(loaded, heavy) == []


ENTRY_BLAS = """
import atexit, os, sys
atexit.register(lambda: print(os.environ.get("OPENBLAS_NUM_THREADS")))
from game.cli import entry
sys.argv = ["vliw", "--help"]
entry()
"""


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("3", "3")])
def test_the_vliw_script_asks_numpy_for_one_blas_thread_unless_told(given: str | None,
                                                                     seen: str) -> None:
    """No command does linear algebra; OpenBLAS's spinning threads would cost CPU on every
    run. A user's own setting stands."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run([sys.executable, "-c", ENTRY_BLAS], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == seen


def test_checking_a_takehome_export_imports_no_assembler(tmp_path: Path) -> None:
    """A take-home JSON export on a puzzle whose reference is built in needs no `.vasm`
    reader: the assembler is imported when a `.vasm` text is parsed."""
    export = tmp_path / "kernel.json"
    done = subprocess.run([sys.executable, "-m", "game", "convert", str(PACKED), str(export)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    loaded = modules_loaded("check", str(export), "--puzzle", "takehome/tree-kernel")
    assert "game.cli.check_command" in loaded
    assert under(loaded, ("machine.vasm",)) == []


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(action.choices for action in parser._actions
                if isinstance(action, argparse._SubParsersAction))


@pytest.mark.parametrize(("module", "commands"), COMMAND_GROUPS,
                         ids=[module for module, _ in COMMAND_GROUPS])
def test_each_command_group_adds_the_commands_the_table_says(module: str,
                                                             commands: tuple[str, ...]) -> None:
    """The command line registers only the group of the command it runs, found by this
    table: a command missing from it could not run, one in the wrong group would fail."""
    parser = argparse.ArgumentParser(prog="vliw")
    importlib.import_module(module).register(parser.add_subparsers(dest="command"))
    assert tuple(subcommands(parser)) == commands


@pytest.mark.parametrize("command", [c for _, group in COMMAND_GROUPS for c in group])
def test_a_command_alone_parses_as_in_the_whole_parser(command: str) -> None:
    whole = subcommands(build_parser())[command]
    alone = build_parser(command)
    assert list(subcommands(alone)) == [c for _, group in COMMAND_GROUPS for c in group
                                        if command in group]
    assert subcommands(alone)[command].format_help() == whole.format_help()


CHECK_ALONE = """
import contextlib, io, json, sys
from game.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
assert code == 0, code
print(json.dumps(sorted(sys.modules)))
"""


def test_a_command_declares_no_other_commands_arguments() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK_ALONE, "check", str(PACKED)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout))
    others = [module for module, commands in COMMAND_GROUPS if "check" not in commands]
    assert "game.cli.check_args" in loaded
    assert sorted(loaded & set(others)) == []


@pytest.mark.parametrize("argv", [[], ["--help"], ["chek", "x.vasm"]])
def test_help_and_an_unknown_command_list_every_command(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) if argv else contextlib.nullcontext():
        main(argv)
    shown = capsys.readouterr()
    for _, commands in COMMAND_GROUPS:
        for command in commands:
            assert command in shown.out + shown.err
