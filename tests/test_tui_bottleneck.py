"""What limits my score, one key away in the results and the debugger."""

from __future__ import annotations

from pathlib import Path

from tui_kit import PUZZLE, SOLUTION, make_app, make_context, open_puzzle, press, run_async

from game.player_solutions import PlayerSolutions
from game.tui.screens.bottleneck import BottleneckScreen
from game.tui.screens.debugger import DebuggerScreen
from game.tui.screens.results import ResultsScreen
from game.tui.widgets.bottleneck_view import BottleneckView, bottleneck_text
from machine.bottleneck import analyse
from machine.config import TAKEHOME
from machine.loader import parse_program


def test_the_text_names_every_engine_and_what_binds() -> None:
    bottleneck = analyse(parse_program(SOLUTION, None), TAKEHOME)
    lines = bottleneck_text(bottleneck).plain.splitlines()
    assert lines[0] == "5 cycles in this run"
    assert [line.split()[0] for line in lines[3:8]] == ["alu", "valu", "load", "store", "flow"]
    assert lines[5].split()[:5] == ["load", "5", "2", "3", "50%"]
    assert "dependency chain: 4 cycles (through scratch; memory not followed)" in lines
    assert lines[-1] == ("What binds: dependency chain, a floor of 4 cycles: this run takes"
                         " 1.2× that. 1 cycle above it: shorten the chain, or run more chains"
                         " side by side.")


@run_async
async def test_from_the_results_and_from_the_debugger(tmp_path: Path) -> None:
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, SOLUTION, "solution")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_puzzle(pilot)
        await press(pilot, "ctrl+r")
        assert isinstance(app.screen, ResultsScreen)
        await press(pilot, "w")
        screen = app.screen
        assert isinstance(screen, BottleneckScreen)
        assert screen.bottleneck is not None and screen.bottleneck.critical_path == 4
        assert "What binds: dependency chain" in str(screen.query_one(BottleneckView).content)
        await press(pilot, "escape", "escape", "ctrl+g")
        assert isinstance(app.screen, DebuggerScreen)
        await press(pilot, "w")
        assert isinstance(app.screen, BottleneckScreen)
        assert app.screen.bottleneck is not None and app.screen.bottleneck.cycles == 5
        await press(pilot, "escape")
        assert isinstance(app.screen, DebuggerScreen)


@run_async
async def test_the_floors_are_shown_on_opening_and_leaving_at_once_is_safe(
        tmp_path: Path) -> None:
    program = parse_program(SOLUTION, None)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        screen = BottleneckScreen("solution", program, TAKEHOME, list)
        await app.push_screen(screen)
        # The engines' floors are there on the first frame; the chain follows in a worker.
        assert screen.bottleneck is not None and screen.bottleneck.cycles == 5
        app.pop_screen()  # before the chain's worker has even begun
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not isinstance(app.screen, BottleneckScreen)
    # run_test raises here if a worker failed after its screen was gone
