"""The puzzle's statement beside the editor, every assembler problem listed, the report going
stale, and the scores in the list of solutions."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import ListView, OptionList, Static
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

from game.catalog import Catalog
from game.player_solutions import PlayerSolutions
from game.tui.screens.puzzle import PuzzleScreen, SolutionItem
from game.tui.settings import SETTINGS_NAME
from game.tui.statement_text import statement_markdown
from game.tui.widgets.asm_editor import AsmEditor


def test_the_statement_says_everything_needed_to_write_a_solution(tmp_path: Path) -> None:
    context = make_context(tmp_path)
    puzzle = Catalog(context.packs_dir, extra_packs=context.extra_packs).puzzle(PUZZLE).puzzle
    text = statement_markdown(puzzle)
    assert text.startswith("# Sum of two words\n")
    assert "Add the words at addresses 0 and 1" in text
    assert "| `a` | 0 | 1 | random |" in text and "| `out` | 2 | 1 | checked |" in text
    assert "| valu | 6 |" in text and "cycle limit: **1,000**" in text
    assert "- `cycles` (primary): not solved yet" in text
    assert "- · 5 cycles: straight and simple" in text
    assert "Scored seeds: 1 2; and 2 seeds derived from your program." in text
    solved = statement_markdown(puzzle, {"cycles": 5, "instructions": 7})
    assert "- ✓ 5 cycles: straight and simple" in solved
    assert "- `cycles` (primary): your best **5**" in solved


def test_declared_targets_are_shown_and_marked(tmp_path: Path) -> None:
    context = make_context(tmp_path)
    puzzle = Catalog(context.packs_dir, extra_packs=context.extra_packs).puzzle(PUZZLE).puzzle
    object.__setattr__(puzzle, "targets", {"instructions": 8})
    assert "- · **8** instructions" in statement_markdown(puzzle)
    assert "- ✓ **8** instructions" in statement_markdown(puzzle, {"instructions": 7})


def statement_source(screen: PuzzleScreen) -> str:
    return screen.statement_source


@run_async
async def test_the_statement_is_beside_the_editor_and_its_toggle_is_kept(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_puzzle(pilot)
        pane = screen.query_one("#statement-pane")
        assert pane.display and pane.region.width > 20
        assert pane.region.x > screen.query_one(AsmEditor).region.x
        assert "Add the words at addresses 0 and 1" in statement_source(screen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not pane.display
    saved = json.loads((make_context(tmp_path).home / SETTINGS_NAME).read_text())
    assert saved["statement"] is False
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_puzzle(pilot)
        assert not screen.query_one("#statement-pane").display
        await pilot.press("ctrl+t")
        assert screen.query_one("#statement-pane").display


@run_async
async def test_every_problem_is_listed_marked_in_the_gutter_and_leads_to_its_line(
        tmp_path: Path) -> None:
    broken = SOLUTION.replace("add x, x, y", "ad x, x, y").replace("store p, x", "stor p, x")
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, broken, "solution")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_puzzle(pilot)
        editor = screen.query_one(AsmEditor)
        lines = broken.splitlines()
        ad, stor = lines.index("ad x, x, y") + 1, lines.index("stor p, x") + 1
        assert editor.marks.errors == ((ad, 1), (stor, 1))
        problems = screen.query_one("#problem-list", OptionList)
        assert problems.display
        listed = [str(problems.get_option_at_index(i).prompt) for i in range(2)]
        assert listed[0].startswith(f"line {ad}:1: unknown operation 'ad'")
        assert listed[1].startswith(f"line {stor}:1: unknown operation 'stor'")
        gutter_style = editor.get_component_rich_style("asm-editor--error-gutter", partial=True)
        marked = editor.render_line(stor - 1 - editor.scroll_offset.y)
        assert marked.crop(0, editor.gutter_width).text.strip() == str(stor)
        assert all(segment.style is not None and segment.style.bgcolor == gutter_style.bgcolor
                   for segment in marked.crop(0, editor.gutter_width))
        plain = editor.render_line(0 - editor.scroll_offset.y)
        assert all(segment.style is None or segment.style.bgcolor != gutter_style.bgcolor
                   for segment in plain.crop(0, editor.gutter_width))
        problems.focus()
        problems.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert editor.has_focus and editor.cursor_location == (stor - 1, 0)


@run_async
async def test_the_report_goes_when_the_code_changes(tmp_path: Path) -> None:
    wrong = SOLUTION.replace("add x, x, y", "sub x, x, y")
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, wrong, "solution")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_puzzle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        report = screen.query_one("#report", Static)
        assert report.has_class("-shown") and shown(report).startswith("✗ FAILED")
        await type_text(pilot, "#")
        await settle(pilot)
        assert not report.has_class("-shown")


@run_async
async def test_the_list_of_solutions_shows_their_scores(tmp_path: Path) -> None:
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, SOLUTION, "solution")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_puzzle(pilot)
        item = screen.query_one(SolutionItem)
        assert str(item.query_one("Label").content) == "solution"  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        label = str(item.query_one("Label").content)  # type: ignore[attr-defined]
        assert label == "solution\n  5 cycles"
        assert "your best **5**" in statement_source(screen)
        await pilot.press("ctrl+l")
        assert screen.query_one("#solutions", ListView).has_focus
