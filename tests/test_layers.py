"""Imports point one way: game.tui -> game -> machine (docs/architecture.md).

Checked on the source text, so a stray import anywhere fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def forbidden(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.mark.parametrize("path", python_files("machine"), ids=lambda p: p.name)
def test_machine_knows_nothing_of_the_game(path: Path) -> None:
    bad = forbidden(imported_modules(path),
                    ("game", "textual", "pydantic", "tomllib", "tomli", "rich"))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize(
    "path",
    [p for p in python_files("game") if "tui" not in p.relative_to(ROOT / "game").parts],
    ids=lambda p: str(p.relative_to(ROOT / "game")),
)
def test_game_logic_knows_nothing_of_the_tui(path: Path) -> None:
    modules = imported_modules(path)
    allowed_entry = path.name == "play_command.py"  # the CLI entry that starts the app
    bad = forbidden(modules, ("textual",) if allowed_entry else ("game.tui", "textual"))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("package", ["machine", "game"])
def test_no_code_execution_primitives(package: str) -> None:
    """Nothing from a pack or a solution is ever executed as Python."""
    offenders = []
    for path in python_files(package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in {"eval", "exec", "compile", "__import__"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.id}")
        if {"pickle", "marshal", "shelve"} & imported_modules(path):
            offenders.append(f"{path.relative_to(ROOT)}: imports a deserializer of code")
    assert not offenders, offenders
