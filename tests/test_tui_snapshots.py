"""SVG snapshots of the main screens at 80x24, compared with the committed ones.

A small check of our own (not pytest-textual-snapshot, which needs pytest < 9):
the screen is exported with `App.export_screenshot` and compared with the file
in tests/tui_snapshots/. After a deliberate change of the screens, rewrite them
with

    VLIW_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_tui_snapshots.py

and look at the new SVGs (any browser shows them) before committing. On a
mismatch the new SVG is written beside the test's temporary files and the
lines of text that differ are shown.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from pathlib import Path

import pytest
from textual.widgets import TextArea
from tui_kit import (
    PUZZLE,
    SOLUTION,
    make_app,
    make_context,
    open_puzzle,
    press,
    run_async,
    settle,
)

from game.player_solutions import PlayerSolutions
from game.tui.app import VliwApp

SNAPSHOTS = Path(__file__).parent / "tui_snapshots"
SIZE = (80, 24)


def svg_text(svg: str) -> list[str]:
    """The text of an exported screen, one entry per line of text elements."""
    rows: dict[str, list[str]] = {}
    for y, text in re.findall(r'<text[^>]* y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        rows.setdefault(y, []).append(html.unescape(text).replace("\xa0", " "))
    return ["".join(parts).rstrip() for _, parts in sorted(rows.items(), key=lambda r: float(r[0]))]


def check_snapshot(app: VliwApp, name: str, tmp_path: Path) -> None:
    for editor in app.screen.query(TextArea):
        editor.cursor_blink = False  # a blinking cursor would be caught in either state
        editor.notify_style_update()  # and lines cached while it was hidden are dropped
    svg = app.export_screenshot(title="vliw")
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("VLIW_UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}; make it with VLIW_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    if svg == expected:
        return
    actual = tmp_path / f"{name}.svg"
    actual.write_text(svg, encoding="utf-8")
    diff = "\n".join(difflib.unified_diff(svg_text(expected), svg_text(svg), "expected",
                                         "actual", lineterm=""))
    pytest.fail(f"{name}: the screen differs from {path}; now: {actual}\n"
                f"{diff or '(same text, other styles)'}")


def app_with_solution(tmp_path: Path, text: str) -> VliwApp:
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, text, "solution")
    return make_app(tmp_path)


@run_async
async def test_browser(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        check_snapshot(app, "browser", tmp_path)


@run_async
async def test_editor_with_an_error(tmp_path: Path) -> None:
    app = app_with_solution(tmp_path, SOLUTION.replace("add x, x, y", "ad x, x, y  # sum"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        check_snapshot(app, "editor", tmp_path)


@run_async
async def test_debugger_after_three_steps(tmp_path: Path) -> None:
    app = app_with_solution(tmp_path, SOLUTION)
    async with app.run_test(size=SIZE) as pilot:
        await open_puzzle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("s", "s", "s")
        await settle(pilot)
        check_snapshot(app, "debugger", tmp_path)


@run_async
async def test_results_after_a_pass(tmp_path: Path) -> None:
    app = app_with_solution(tmp_path, SOLUTION)
    async with app.run_test(size=SIZE) as pilot:
        await open_puzzle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        check_snapshot(app, "results", tmp_path)


@run_async
async def test_manual(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        check_snapshot(app, "manual", tmp_path)


@run_async
async def test_what_limits_it(tmp_path: Path) -> None:
    app = app_with_solution(tmp_path, SOLUTION)
    async with app.run_test(size=SIZE) as pilot:
        await open_puzzle(pilot)
        await press(pilot, "ctrl+r")
        await press(pilot, "w")
        check_snapshot(app, "bottleneck", tmp_path)


@run_async
async def test_editor_with_the_statement_on_a_wide_screen(tmp_path: Path) -> None:
    app = app_with_solution(tmp_path, SOLUTION)
    async with app.run_test(size=(130, 30)) as pilot:
        await open_puzzle(pilot)
        check_snapshot(app, "statement", tmp_path)
