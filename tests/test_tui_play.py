"""Playing a puzzle through the real app, driven by Textual's Pilot.

Open a puzzle, type a solution, see the assembler's error inline, fix it, run,
pass and see the results; manage named solutions; find typed text again after
the app is killed mid-edit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from textual.widgets import ListView, Static, Tree
from tui_kit import (
    PUZZLE,
    SOLUTION,
    make_app,
    make_context,
    open_puzzle,
    run_async,
    settle,
    shown,
    type_text,
)

from game.player_solutions import PlayerSolutions
from game.tui.screens.browser import BrowserScreen
from game.tui.screens.dialogs import ConfirmDialog, NameDialog
from game.tui.screens.manual import ManualScreen
from game.tui.screens.puzzle import PuzzleScreen
from game.tui.screens.results import ResultsScreen
from game.tui.widgets.asm_editor import AsmEditor


@run_async
async def test_browser_lists_the_puzzles_and_shows_the_highlighted_one(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        tree = screen.query_one("#puzzles", Tree)
        pack = tree.root.children[0]
        assert [child.data for child in pack.children] == ["testpack/sum", "testpack/copy"]
        assert str(pack.children[0].label) == "· Sum of two words"
        preview = shown(screen.query_one("#preview", Static))
        assert "out @2 ×1 (checked): 0" in preview
        await pilot.press("down")
        await settle(pilot)
        assert "Copy a word" in screen.query_one("#description").source  # type: ignore[attr-defined]


@run_async
async def test_type_see_the_error_fix_it_run_and_pass(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the first puzzle of the tree
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PuzzleScreen)
        editor = screen.query_one(AsmEditor)
        assert editor.has_focus

        await type_text(pilot, SOLUTION.replace("add x, x, y", "ad x, x, y"))
        await settle(pilot)
        problems = shown(screen.query_one("#problems", Static))
        error_line = editor.text.splitlines().index("ad x, x, y") + 1
        assert f"line {error_line}:1: unknown operation 'ad'" in problems
        assert editor.marks.errors == ((error_line, 1),)

        editor.move_cursor((error_line - 1, 2))
        await pilot.press("d")
        await settle(pilot)
        assert editor.marks.errors == ()
        assert shown(screen.query_one("#problems", Static)).startswith(
            "✓ 5 bundles · 7 instructions · 3 scratch words")

        await pilot.press("ctrl+r")
        await settle(pilot)
        results = app.screen
        assert isinstance(results, ResultsScreen)
        assert results.report.passed
        assert results.report.scores.as_dict() == {"cycles": 5, "instructions": 7, "scratch": 3}
        texts = [shown(static) for static in results.query(Static)]
        assert any("✓ PASSED  solution" in text for text in texts)
        assert any("first pass" in text for text in texts)
        assert any("✓          5 cycles       straight and simple" in text for text in texts)

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


@run_async
async def test_a_failing_run_shows_the_failing_test_expected_and_actual(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_puzzle(pilot)
        screen.query_one(AsmEditor).insert(SOLUTION.replace("add x, x, y", "sub x, x, y"))
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is screen
        report = shown(screen.query_one("#report", Static))
        assert report.startswith("✗ FAILED")
        assert "scored seed 1: expected against actual" in report
        assert "out[0]" in report


@run_async
async def test_a_second_pass_is_compared_with_the_previous_best(tmp_path: Path) -> None:
    context = make_context(tmp_path)
    PlayerSolutions.in_home(context.home).new(PUZZLE, SOLUTION, "first")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_puzzle(pilot)
        for _ in range(2):
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert isinstance(app.screen, ResultsScreen)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        texts = " ".join(shown(static) for static in app.screen.query(Static))
        assert "equals your best (first)" in texts
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        label = app.screen.query_one("#puzzles", Tree).root.children[0].children[0].label
        assert str(label) == "✓ Sum of two words  5 cycles"


@run_async
async def test_new_copy_rename_delete_through_the_dialogs(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    solutions = PlayerSolutions.in_home(tmp_path / "home")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_puzzle(pilot)
        await type_text(pilot, "halt\n")

        await pilot.press("f3")  # copy
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert solutions.names(PUZZLE) == ["solution", "solution copy"]
        assert screen.solution == "solution copy"
        assert solutions.read(PUZZLE, "solution copy").endswith("halt\n")

        await pilot.press("f2")  # rename, refusing a taken name first
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NameDialog)
        await pilot.press(*"solution", "enter")  # typing replaces the selected name
        await settle(pilot)
        assert app.screen is dialog
        assert "already exists" in shown(dialog.query_one("#name-error", Static))
        dialog.query_one("Input").value = "fast"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert solutions.names(PUZZLE) == ["fast", "solution"]
        assert screen.sub_title == "fast"

        await pilot.press("f4")  # new
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert solutions.names(PUZZLE) == ["fast", "solution", "solution 2"]
        listing = screen.query_one("#solutions", ListView)
        assert len(listing.children) == 3

        await pilot.press("f8")  # delete, answering no then yes
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert solutions.names(PUZZLE) == ["fast", "solution", "solution 2"]
        await pilot.press("f8", "y")
        await settle(pilot)
        assert solutions.names(PUZZLE) == ["fast", "solution"]
        assert screen.solution == "fast"


@run_async
async def test_choosing_a_solution_in_the_list_opens_it(tmp_path: Path) -> None:
    solutions = PlayerSolutions.in_home(tmp_path / "home")
    solutions.new(PUZZLE, "# one\n", "one")
    solutions.new(PUZZLE, "# two\n", "two")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_puzzle(pilot)
        opened = screen.solution
        other = "one" if opened == "two" else "two"
        items = screen.query_one("#solutions", ListView).children
        await pilot.click(next(item for item in items if item.solution == other))  # type: ignore[attr-defined]
        await settle(pilot)
        assert screen.solution == other
        assert screen.query_one(AsmEditor).text == f"# {other}\n"


@run_async
async def test_f1_opens_the_manual_of_the_puzzles_machine(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_puzzle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, ManualScreen)
        assert app.screen.puzzle is not None
        assert app.screen.puzzle.title == "Sum of two words"
        await pilot.press("escape")
        assert isinstance(app.screen, PuzzleScreen)


@run_async
async def test_typing_is_saved_without_asking(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    solutions = PlayerSolutions.in_home(tmp_path / "home")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_puzzle(pilot)
        await type_text(pilot, "halt")
        await pilot.pause(0.7)
        assert solutions.read(PUZZLE, "solution").endswith("halt")
        await type_text(pilot, "\nhalt")
    assert solutions.read(PUZZLE, "solution").endswith("halt\nhalt")  # saved on the way out


KILLED_SESSION = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from tui_kit import PUZZLE, make_app, settle, type_text

    async def main() -> None:
        app = make_app(Path({tmp!r}))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.open_puzzle(PUZZLE)
            await settle(pilot)
            await type_text(pilot, "const p, 7\\n")
            await pilot.pause(1.0)
            print("typed", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@run_async
async def test_killed_mid_edit_the_text_is_there_after_a_restart(tmp_path: Path) -> None:
    script = KILLED_SESSION.format(tests=str(Path(__file__).parent), tmp=str(tmp_path))
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        line = process.stdout.readline()
        assert line == "typed\n", process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_puzzle(pilot)
        text = app.screen.query_one(AsmEditor).text
    assert text.endswith("const p, 7\n")
    folder = PlayerSolutions.in_home(tmp_path / "home").folder(PUZZLE)
    assert sorted(path.name for path in folder.iterdir()) == ["solution.vasm"]
