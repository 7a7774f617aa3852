"""The results screen and a shared board: a real `vliw board serve` on a loopback port,
a closed port for a board that cannot be reached, and no board at all."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from rich.console import Group
from rich.text import Text
from test_board import COUNTDOWN, DIGITS, WRONG, Server
from test_board import board as board  # the same real server, started for this module
from textual.widgets import Static
from tui_kit import press, run_async, settle

from game.board.client import Answer
from game.player_solutions import PlayerSolutions
from game.tui.app import VliwApp
from game.tui.context import GameContext
from game.tui.screens import results
from game.tui.screens.results import ResultsScreen
from game.tui.settings import BOARD_URL_VARIABLE, SETTINGS_NAME, Settings
from game.tui.widgets.board_view import BoardView, answer_text


@pytest.fixture(autouse=True)
def no_board_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BOARD_URL_VARIABLE, raising=False)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def home_with_countdown(tmp_path: Path, board_url: str | None = None) -> GameContext:
    context = GameContext(home=tmp_path / "home")
    PlayerSolutions.in_home(context.home).new(DIGITS, COUNTDOWN, "countdown")
    if board_url is not None:
        (context.home / SETTINGS_NAME).write_text(json.dumps({"board_url": board_url}))
    return context


async def results_of_countdown(pilot: object) -> ResultsScreen:
    """Open minimal/digits, run the countdown solution, and wait for the results."""
    app = pilot.app  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    app.open_puzzle(DIGITS)
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "ctrl+r")  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


def board_text(view: Static) -> str:
    """The plain text of a Static showing a Text or a Group of them."""
    content = view.content
    parts = content.renderables if isinstance(content, Group) else [content]
    return "\n".join(part.plain for part in parts if isinstance(part, Text))


# --- the setting ----------------------------------------------------------------------------------

def test_the_board_url_is_saved_and_the_environment_wins(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.load(tmp_path)[0].board() is None
    assert Settings(board_url="http://saved:1").save(tmp_path) is None
    assert Settings.load(tmp_path)[0].board() == "http://saved:1"
    monkeypatch.setenv(BOARD_URL_VARIABLE, "http://from-env:2")
    assert Settings.load(tmp_path)[0].board() == "http://from-env:2"
    monkeypatch.setenv(BOARD_URL_VARIABLE, " ")
    assert Settings.load(tmp_path)[0].board() == "http://saved:1"
    (tmp_path / SETTINGS_NAME).write_text(json.dumps({"board_url": 7, "statement": False}))
    settings, problem = Settings.load(tmp_path)
    assert problem is None and settings.board_url is None and settings.statement is False


def test_each_answer_is_one_line_saying_what_the_board_did() -> None:
    accepted = Answer(201, {"verdict": "accepted", "new": True, "solutions": 3,
                            "scores": {"cycles": 24, "instructions": 9}})
    assert answer_text(accepted).plain == ("✓ accepted by the board: cycles 24, instructions 9"
                                           " (3 solutions on the board)")
    again = Answer(200, {"verdict": "accepted", "new": False, "solutions": 3, "scores": {}})
    assert answer_text(again).plain.startswith("already counted")
    wrong = Answer(422, {"verdict": "failed", "error": "rejected: out[0] should be 3"})
    assert answer_text(wrong).plain == "rejected: out[0] should be 3"
    busy = Answer(429, {"error": "too many requests"})
    assert answer_text(busy).plain == "refused (HTTP 429): too many requests"


# --- against a real board -----------------------------------------------------------------------

@run_async
async def test_the_board_histogram_is_shown_and_a_submission_is_answered(
        tmp_path: Path, board: Server) -> None:
    before = board.histogram()["solutions"]
    context = home_with_countdown(tmp_path, board.url)
    app = VliwApp(context)
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await results_of_countdown(pilot)
        view = screen.query_one(BoardView)
        shown = board_text(view)
        noun = "solution" if before == 1 else "solutions"
        assert f"On the board at {board.url}: {before} {noun}" in shown
        assert "cycles" in shown and "cannot reach" not in shown
        assert "built from" in board_text(screen.query_one("#histograms", Static))  # offline

        await press(pilot, "b")
        shown = board_text(view)
        assert shown.splitlines()[-1].startswith("✓ accepted by the board: instructions 8,"
                                                 " cycles 24,")
        after = "solution" if before == 0 else "solutions"
        assert f"On the board at {board.url}: {before + 1} {after}" in shown  # fetched again
        assert board.histogram()["solutions"] == before + 1

        await press(pilot, "b")
        assert "already counted" in board_text(view)
        assert board.histogram()["solutions"] == before + 1

        context.solutions.path(DIGITS, "countdown").write_text(WRONG, encoding="utf-8")
        await press(pilot, "b")
        note = board_text(view).splitlines()[-1]
        assert note.startswith("rejected: submission:") and "should be" in note
        assert board.histogram()["solutions"] == before + 1


@run_async
async def test_an_unreachable_board_is_one_quiet_line_and_the_offline_view_stays(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = closed_port_url()
    monkeypatch.setenv(BOARD_URL_VARIABLE, url)
    app = VliwApp(home_with_countdown(tmp_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await results_of_countdown(pilot)
        view = screen.query_one(BoardView)
        assert "cannot reach the board" in board_text(view)
        assert len(board_text(view).splitlines()) == 1
        assert "cycles" in board_text(screen.query_one("#histograms", Static))
        await press(pilot, "b")
        assert isinstance(app.screen, ResultsScreen)
        assert "cannot reach the board" in board_text(view)
        assert len(board_text(view).splitlines()) == 1


@run_async
async def test_with_no_board_nothing_of_it_is_shown(tmp_path: Path) -> None:
    app = VliwApp(home_with_countdown(tmp_path))
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await results_of_countdown(pilot)
        assert not screen.query(BoardView)
        assert not any(binding.id == "submit-board"
                       for binding in (b.binding for b in screen.active_bindings.values()))
        await press(pilot, "b")
        assert isinstance(app.screen, ResultsScreen) and not screen.query(BoardView)


@run_async
async def test_a_board_that_never_answers_is_given_up_on(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "FETCH_TIMEOUT", 0.5)
    with socket.socket() as silent:  # listens, never accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        app = VliwApp(home_with_countdown(tmp_path, url))
        async with app.run_test(size=(110, 50)) as pilot:
            screen = await results_of_countdown(pilot)
            shown = board_text(screen.query_one(BoardView))
            assert shown.endswith("no answer within 0.5 s") and len(shown.splitlines()) == 1
