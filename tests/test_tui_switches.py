"""Every way from one screen to another, driven by Pilot: none may raise.

Textual reports an exception in a handler by ending the app; `app.return_code`
is then non-zero and `_exception` holds it. Each test here ends by checking
that nothing of the kind happened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.worker import WorkerFailed
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

from game.cli.play_command import exit_status
from game.player_solutions import PlayerSolutions
from game.tui.app import VliwApp
from game.tui.screens.bottleneck import BottleneckScreen
from game.tui.screens.browser import BrowserScreen
from game.tui.screens.debugger import DebuggerScreen
from game.tui.screens.manual import ManualScreen
from game.tui.screens.puzzle import PuzzleScreen
from game.tui.screens.results import ResultsScreen
from game.tui.screens.sandbox import SandboxScreen
from game.tui.widgets.asm_editor import MAX_EDITABLE_LINES
from game.tui.widgets.code_view import CodeView

LARGE = "\n".join(f"# line {n}" for n in range(MAX_EDITABLE_LINES)) + "\n" + SOLUTION


def assert_alive(app: VliwApp) -> None:
    assert app._exception is None, f"the app raised {app._exception!r}"
    assert app.return_code in (None, 0)


async def palette_open(pilot: Pilot[None], words: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*words)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)


@run_async
async def test_switching_between_two_large_solutions(tmp_path: Path) -> None:
    solutions = PlayerSolutions.in_home(make_context(tmp_path).home)
    solutions.new(PUZZLE, LARGE, "big one")
    solutions.new(PUZZLE, LARGE.replace("# line 1\n", "# first\n"), "big two")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_puzzle(pilot)
        first = screen.solution
        other = "big two" if first == "big one" else "big one"
        for name in (other, first, other):
            screen.open_solution(name)
            await settle(pilot)
            assert_alive(app)
            assert not screen.editable
            assert len(screen.query(CodeView)) == 1
            assert ("# first\n" in screen.text) == (name == "big two")
        screen.open_solution(solutions.new(PUZZLE, SOLUTION, "small"))
        await settle(pilot)
        assert screen.editable and not screen.query_one("#large-view").display
        screen.open_solution(first)
        await settle(pilot)
        assert not screen.editable and screen.query_one("#large-view").display
        assert_alive(app)


WALK: list[tuple[tuple[str, ...], type]] = [
    (("enter",), PuzzleScreen),
    (("ctrl+g",), DebuggerScreen),
    (("s", "f1"), ManualScreen),
    (("escape", "f5"), SandboxScreen),
    (("escape",), DebuggerScreen),
    (("w",), BottleneckScreen),
    (("escape", "escape"), PuzzleScreen),
    (("ctrl+r",), ResultsScreen),
    (("w",), BottleneckScreen),
    (("escape", "f5", "ctrl+g"), DebuggerScreen),
    (("escape", "escape"), ResultsScreen),
    (("escape",), PuzzleScreen),
]
"""Keys pressed, and the screen they lead to."""


@run_async
async def test_every_screen_switch(tmp_path: Path) -> None:
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, SOLUTION, "solution")
    app = make_app(tmp_path)
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        for keys, expected in WALK:
            await press(pilot, *keys)
            assert type(app.screen) is expected, (keys, app.screen)
            assert_alive(app)
        await palette_open(pilot, "copy a word")
        assert isinstance(app.screen, PuzzleScreen) and app.screen.puzzle_id == "testpack/copy"
        await palette_open(pilot, "sum of two")
        assert app.screen.puzzle_id == PUZZLE  # type: ignore[attr-defined]
        # The palette replaces the puzzle shown: one puzzle screen over the browser.
        assert [type(s) for s in app.screen_stack[1:]] == [BrowserScreen, PuzzleScreen]
        await press(pilot, "escape")
        assert isinstance(app.screen, BrowserScreen)
        assert_alive(app)


@run_async
async def test_a_crash_exits_non_zero_and_says_where_the_work_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def broken(self: BrowserScreen, status: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(BrowserScreen, "show_puzzle", broken)
    app = make_app(tmp_path)
    with pytest.raises(WorkerFailed, match="a bug"):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
    assert app.return_code == 1
    assert exit_status(app.return_code, app.context.home) == 3
    message = capsys.readouterr().err
    assert str(app.context.home / "solutions") in message and "internal error" in message
    assert exit_status(0, app.context.home) == 0


@run_async
async def test_an_assembly_finishing_after_the_puzzle_was_left(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_puzzle(pilot)
        assembly = screen.assembly
        assert assembly is not None
        await press(pilot, "escape")
        assert isinstance(app.screen, BrowserScreen)
        screen._show_assembly(screen.text, assembly, frozenset())  # the worker's late answer
        await settle(pilot)
        assert_alive(app)
