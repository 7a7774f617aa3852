"""What `vliw` imports at start: each command pays only for what it uses.

Every command builds the whole parser, so registering the commands must not
import their work; `vliw check` must not import the TUI, the histograms or
the authoring tools. Checked in fresh interpreters, by the modules loaded
(not by timing them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import build_parser
from game.cli.common import Deferred

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
                "sqlite3")
    assert under(loaded, unneeded) == []


def test_loading_every_pack_imports_neither_numpy_nor_the_engine() -> None:
    """Listing puzzles (as the TUI's browser does) needs the packs, not a way to run them."""
    loaded = modules_loaded("puzzle", "list")
    assert "game.catalog" in loaded
    assert under(loaded, ("numpy", "machine.engine", "game.runs")) == []


def deferred_commands(parser: argparse.ArgumentParser, path: str = "vliw"
                      ) -> list[tuple[str, Deferred]]:
    found = []
    func = parser.get_default("func")
    if isinstance(func, Deferred):
        found.append((path, func))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += deferred_commands(child, f"{path} {name}")
    return found


DEFERRED = deferred_commands(build_parser())


def test_every_command_is_found() -> None:
    names = {path for path, _ in DEFERRED}
    assert {"vliw check", "vliw pack lint", "vliw pack new", "vliw puzzle inputs", "vliw run",
            "vliw fmt", "vliw convert", "vliw trace", "vliw hist"} <= names


@pytest.mark.parametrize(("path", "deferred"), DEFERRED, ids=[path for path, _ in DEFERRED])
def test_a_deferred_command_names_a_function_that_exists(path: str, deferred: Deferred) -> None:
    assert callable(deferred.resolve()), path
