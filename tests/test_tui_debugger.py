"""The debugger screen, driven by Pilot: step, step back, breakpoints, run to the end, faults."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_kit import PUZZLE, SOLUTION, make_app, make_context, open_puzzle, run_async, settle, shown

from game.inputs import generate_memory
from game.player_solutions import PlayerSolutions
from game.tui.app import VliwApp
from game.tui.screens.debugger import DebuggerScreen
from game.tui.screens.puzzle import PuzzleScreen
from game.tui.widgets.asm_editor import AsmEditor
from game.tui.widgets.code_view import CodeView
from game.tui.widgets.slot_usage import SlotUsage
from game.tui.widgets.word_grid import WordGrid

STORE_LINE = SOLUTION.splitlines().index("store p, x") + 1


async def open_debugger(app: VliwApp, pilot: object) -> DebuggerScreen:
    await open_puzzle(pilot)  # type: ignore[arg-type]
    await pilot.press("ctrl+g")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, DebuggerScreen)
    return screen


def grid_row(grid: WordGrid, label: str) -> str:
    for y in range(grid.virtual_size.height):
        text = grid.render_line(y).text
        if text.startswith(label + " "):
            return text
    raise AssertionError(f"no row {label!r}")


def status(screen: DebuggerScreen) -> str:
    return shown(screen.query_one("#machine-status", Static))


def with_solution(tmp_path: Path, text: str = SOLUTION) -> VliwApp:
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, text, "solution")
    return make_app(tmp_path)


@run_async
async def test_step_shows_the_cycle_and_a_scalar_then_step_back(tmp_path: Path) -> None:
    app = with_solution(tmp_path)
    a, b, _ = generate_memory(app.context.catalog.puzzle(PUZZLE).puzzle, 1)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_debugger(app, pilot)
        assert status(screen).startswith("cycle 0 · step 0 · pc 0 · ready")
        listing = screen.query_one("#listing", CodeView)
        assert listing.marks.pc_lines == {4}

        await pilot.press("s", "s", "s")
        assert status(screen).startswith("cycle 3 · step 3 · pc 3 · ready")
        assert listing.marks.pc_lines == {7}
        scratch = screen.query_one("#scratch", WordGrid)
        assert grid_row(scratch, "x").split() == ["x", "@1", str(a)]
        assert grid_row(scratch, "y").split() == ["y", "@2", str(b)]
        assert scratch._written.keys() == {0, 2}  # the last step wrote p and y

        await pilot.press("b")
        assert status(screen).startswith("cycle 2 · step 2 · pc 2")
        assert grid_row(scratch, "y").split() == ["y", "@2", "1"]
        usage = screen.query_one(SlotUsage)
        assert [use.pc for use in usage._uses] == [0, 1]


@run_async
async def test_breakpoint_continue_and_run_to_the_end(tmp_path: Path) -> None:
    app = with_solution(tmp_path)
    a, b, _ = generate_memory(app.context.catalog.puzzle(PUZZLE).puzzle, 1)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_debugger(app, pilot)
        listing = screen.query_one("#listing", CodeView)
        await pilot.press(*["down"] * (STORE_LINE - 1))
        assert listing.cursor_line == STORE_LINE
        await pilot.press("space")
        assert listing.marks.breakpoints == {STORE_LINE}

        await pilot.press("c")
        await settle(pilot)
        assert status(screen).startswith("cycle 4 · step 4 · pc 4 · ready")
        assert listing.marks.pc_lines == {STORE_LINE}

        await pilot.press("e")
        await settle(pilot)
        assert status(screen).startswith("cycle 5 · step 5 · pc 5 · stopped")
        assert screen.session.memory[2] == a + b
        await pilot.press("m")
        await pilot.pause()
        memory = screen.query_one("#memory", WordGrid)
        assert grid_row(memory, "out✓").split() == ["out✓", "@2", str(a + b)]
        assert memory._written == {2: a + b}
        assert listing.marks.pc_lines == frozenset()

        await pilot.press("r")
        assert status(screen).startswith("cycle 0 · step 0")
        assert screen.session.memory[2] == 0

        await pilot.press("escape")
        await settle(pilot)
        puzzle_screen = app.screen
        assert isinstance(puzzle_screen, PuzzleScreen)
        assert puzzle_screen.breakpoints == {"solution": frozenset({STORE_LINE})}
        assert puzzle_screen.query_one(AsmEditor).marks.breakpoints == {STORE_LINE}


@run_async
async def test_a_breakpoint_on_a_label_line_snaps_to_the_next_bundle(tmp_path: Path) -> None:
    text = SOLUTION.replace("add x, x, y", "next:\n# a comment\nadd x, x, y")
    app = with_solution(tmp_path, text)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_debugger(app, pilot)
        listing = screen.query_one("#listing", CodeView)
        label_line = text.splitlines().index("next:") + 1
        await pilot.click(listing, offset=(1, label_line - 1))  # the gutter of the label line
        assert listing.marks.breakpoints == {label_line + 2}
        await pilot.press("c")
        await settle(pilot)
        assert screen.session.pc() == 3


@run_async
async def test_a_fault_is_pointed_at_its_slot(tmp_path: Path) -> None:
    text = SOLUTION.replace("add x, x, y", "add x, x, y || div y, x, p")
    text = text.replace("load y, y || const p, 2", "load y, y || const p, 0")
    app = with_solution(tmp_path, text)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_debugger(app, pilot)
        await pilot.press("e")
        await settle(pilot)
        fault = screen.session.fault
        assert fault is not None and (fault.pc, fault.slot) == (3, 1)
        box = screen.query_one("#fault", Static)
        assert box.has_class("-shown")
        assert shown(box) == str(fault)
        assert "division by zero" in shown(box)
        line = text.splitlines().index("add x, x, y || div y, x, p") + 1
        assert screen.query_one("#listing", CodeView).marks.fault_at == (line, 16)
        assert "faulted" in status(screen)

        await pilot.press("b")
        assert screen.session.fault is None
        assert not box.has_class("-shown")


@run_async
async def test_the_debugger_opens_only_on_a_program_that_assembles(tmp_path: Path) -> None:
    app = with_solution(tmp_path, "ad x, y\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_puzzle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, PuzzleScreen)
