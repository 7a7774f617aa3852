"""Imports point one way: game.tui -> game -> machine (docs/architecture.md), nothing
imports tools, and no modules import each other in a circle.

Checked on the source text of every module the packages hold (walked, not listed, so
that a new module is covered the day it is added), so a stray import anywhere fails
here, not in review.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("machine", "game", "tools")
"""The project's packages: every module under them is walked."""


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in python_files(package)}


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a `from ... import` names, its relative dots resolved."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base[:len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(node: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The modules an import statement names: `from a import b` names a.b when that is a
    module of the project, else a."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        source = _absolute(node, module, is_package)
        for alias in node.names:
            inner = f"{source}.{alias.name}"
            yield inner if inner in project_modules() else source


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports, anywhere in it (inside functions too)."""
    module, tree = module_name(path), ast.parse(path.read_text(encoding="utf-8"))
    package = path.name == "__init__.py"
    return {name for node in ast.walk(tree) for name in _imports(node, module, package)}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _load_time_statements(body: list[ast.stmt | ast.ExceptHandler]) -> Iterator[ast.AST]:
    """The statements that run when the module is imported: not those inside functions,
    nor under `if TYPE_CHECKING:`."""
    for node in body:
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _load_time_statements(node.orelse)
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _load_time_statements(
                    [n for n in inner if isinstance(n, ast.stmt | ast.ExceptHandler)])


def load_time_imports(source: str, module: str, package: bool = False) -> set[str]:
    """The project modules a module's source imports when it is itself imported."""
    tree = ast.parse(source)
    return {name for node in _load_time_statements(tree.body)
            for name in _imports(node, module, package) if name in project_modules()}


def forbidden(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def is_tui(path: Path) -> bool:
    return module_name(path) == "game.tui" or module_name(path).startswith("game.tui.")


@pytest.mark.parametrize("path", python_files("machine"), ids=module_name)
def test_machine_knows_nothing_of_the_game(path: Path) -> None:
    bad = forbidden(imported_modules(path),
                    ("game", "tools", "textual", "pydantic", "tomllib", "tomli", "rich"))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", [p for p in python_files("game") if not is_tui(p)],
                         ids=module_name)
def test_game_logic_knows_nothing_of_the_tui(path: Path) -> None:
    modules = imported_modules(path)
    allowed_entry = path.name == "play_command.py"  # the CLI entry that starts the app
    bad = forbidden(modules, ("tools", "textual") if allowed_entry
                    else ("tools", "game.tui", "textual"))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", [p for p in python_files("game") if is_tui(p)],
                         ids=module_name)
def test_the_tui_imports_no_tools(path: Path) -> None:
    bad = forbidden(imported_modules(path), ("tools",))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", python_files("benchmarks"), ids=lambda p: p.name)
def test_benchmarks_import_no_tools(path: Path) -> None:
    bad = forbidden(imported_modules(path), ("tools",))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_every_module_is_in_a_package() -> None:
    """A .py file in a folder without __init__.py would be walked here but imported under
    another name (or not at all)."""
    loose = [str(path.relative_to(ROOT)) for package in ("machine", "game")
             for path in python_files(package) if not (path.parent / "__init__.py").exists()]
    assert not loose


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module that imports
    itself), each sorted (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    cycles.append(sorted(component))
    return cycles


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert sorted(import_cycles(graph)) == [["a", "b", "c"], ["e"]]


def test_imports_inside_functions_and_for_type_checking_do_not_count() -> None:
    source = ("from typing import TYPE_CHECKING\nimport machine.isa\n"
              "if TYPE_CHECKING:\n    import machine.program\n"
              "try:\n    from . import config\nexcept ImportError:\n    pass\n"
              "class A:\n    from machine.engine import forms\n"
              "def f() -> None:\n    import machine.simulator\n")
    assert load_time_imports(source, "machine.probe") == {
        "machine.isa", "machine.config", "machine.engine.forms"}


def test_no_modules_import_each_other_in_a_circle() -> None:
    """At load time, a circle makes what a module sees depend on which one was imported
    first; imports inside functions (deferred on purpose) and for type checking only do
    not count."""
    graph = {module: load_time_imports(path.read_text(encoding="utf-8"), module,
                                       path.name == "__init__.py")
             for module, path in project_modules().items()}
    assert import_cycles(graph) == []


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
