"""What keeps the game quick without changing what it shows: the statement drawn once per
width, the list left as it is when nothing changed, and loaded packs out of the collector's
way."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from rich.console import Console
from rich.markdown import Markdown
from textual.widgets import Tree
from tui_kit import make_app, open_puzzle, run_async, settle

import game.tui.widgets.drawn_markdown as drawn_markdown
from game.tui.screens.browser import BrowserScreen
from game.tui.widgets.drawn_markdown import DrawnMarkdown
from machine import collector

SOURCE = "# Title\n\n| region | words |\n|---|---|\n| `a` | 1 |\n\nSome *text*.\n"


def drawing(renderable: object, width: int) -> str:
    console = Console(width=width, file=None, force_terminal=True, color_system="truecolor",
                      record=True)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_drawn_markdown_draws_as_rich_markdown_does_once_per_width(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawn_markdown, "_drawn", type(drawn_markdown._drawn)())
    drawn: list[str] = []

    class Counted(Markdown):
        def __init__(self, markup: str):
            drawn.append(markup)
            super().__init__(markup)

    monkeypatch.setattr(drawn_markdown, "Markdown", Counted)
    assert drawing(DrawnMarkdown(SOURCE), 40) == drawing(Markdown(SOURCE), 40)
    assert drawing(DrawnMarkdown(SOURCE), 40) == drawing(Markdown(SOURCE), 40)
    assert len(drawn) == 1
    assert drawing(DrawnMarkdown(SOURCE), 30) == drawing(Markdown(SOURCE), 30)
    assert len(drawn) == 2


def test_drawn_markdown_keeps_a_bounded_number_of_drawings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawn_markdown, "_drawn", type(drawn_markdown._drawn)())
    for width in range(20, 20 + drawn_markdown.KEPT + 5):
        drawing(DrawnMarkdown(SOURCE), width)
    assert len(drawn_markdown._drawn) == drawn_markdown.KEPT


def test_kept_objects_stay_out_of_collections_after_a_paused_block(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "_kept", False)
    was = gc.isenabled()
    gc.enable()
    try:
        collector.keep_alive_objects()
        kept = gc.get_freeze_count()
        assert kept > 0
        collector.keep_alive_objects()  # once in a process: later calls set nothing aside
        assert gc.get_freeze_count() == kept
        with collector.collector_paused():
            made = [[index] for index in range(1000)]
        assert gc.isenabled()
        # The kept objects are still set aside, and the block's are not: they stay in the
        # collector's generations, collectable.
        assert gc.get_freeze_count() == kept
        collectable = {id(item) for generation in range(3)
                       for item in gc.get_objects(generation)}
        assert all(id(item) in collectable for item in made[::99])
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


@run_async
async def test_back_in_the_list_with_nothing_new_the_tree_is_left_as_it_was(
        tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        await app.workers.wait_for_complete()
        await settle(pilot)
        tree = app.screen.query_one("#puzzles", Tree)
        leaves = [node for pack in tree.root.children for node in pack.children]
        await open_puzzle(pilot)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert [node for pack in tree.root.children for node in pack.children] == leaves


@run_async
async def test_the_first_frame_comes_before_the_packs_and_the_list_fills_after_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frames_before_loading: list[int] = []
    load_packs = BrowserScreen.load_packs

    def counted(screen: BrowserScreen) -> object:
        frames_before_loading.append(screen.app._compositor_refreshes)  # type: ignore[attr-defined]
        return load_packs(screen)

    monkeypatch.setattr(BrowserScreen, "load_packs", counted)
    app = make_app(tmp_path)
    app._compositor_refreshes = 0  # type: ignore[attr-defined]
    refresh = BrowserScreen._compositor_refresh

    def refreshed(screen: BrowserScreen) -> None:
        refresh(screen)
        screen.app._compositor_refreshes += 1  # type: ignore[attr-defined]

    monkeypatch.setattr(BrowserScreen, "_compositor_refresh", refreshed)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        assert not screen.query("#description")  # nothing to describe before the packs
        await settle(pilot)
        assert frames_before_loading and frames_before_loading[0] >= 1
        tree = screen.query_one("#puzzles", Tree)
        assert [node.data for node in tree.root.children[0].children] == [
            "testpack/sum", "testpack/copy"]
        assert "Sum of two words" in screen.query_one("#description").source  # type: ignore[attr-defined]
        assert "## Machine" in screen.query_one("#limits").source  # type: ignore[attr-defined]


@run_async
async def test_a_code_block_without_a_language_is_shown_as_written_not_guessed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pygments.lexers
    import pygments.util

    from game.tui.widgets.plain_markdown import PlainMarkdown

    guessed: list[str] = []

    def guessing(text: str, **options: object) -> object:
        guessed.append(text)  # (Textual ignores what this raises: it falls back on a default)
        raise pygments.util.ClassNotFound(text)

    monkeypatch.setattr(pygments.lexers, "guess_lexer", guessing)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = PlainMarkdown("Add:\n\n    add x, x, y\n", id="sample")
        await app.screen.mount(shown)
        await settle(pilot)
        assert "add x, x, y" in str(shown.query_one("#code-content").render())
        assert guessed == []


@run_async
async def test_a_puzzle_opens_with_its_width_class_and_the_listing_only_when_needed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from game.player_solutions import PlayerSolutions
    from game.tui.screens.puzzle import PuzzleScreen
    from game.tui.widgets.asm_editor import MAX_EDITABLE_LINES, AsmEditor
    from game.tui.widgets.code_view import CodeView

    classes_when_made: list[set[str]] = []
    made = PuzzleScreen.__init__

    def noted(screen: PuzzleScreen, *args: object) -> None:
        made(screen, *args)  # type: ignore[arg-type]
        classes_when_made.append(set(screen.classes))

    monkeypatch.setattr(PuzzleScreen, "__init__", noted)
    large = "\n".join(f"# line {n}" for n in range(MAX_EDITABLE_LINES)) + "\n"
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await open_puzzle(pilot)
        assert classes_when_made == [{"-wide"}]
        assert screen.query_one(AsmEditor).has_focus
        assert not screen.query(CodeView)  # a text that can be edited: no listing made
        screen.open_solution(PlayerSolutions.in_home(app.context.home).new(
            screen.puzzle_id, large, "large"))
        await settle(pilot)
        listing = screen.query_one("#large-view", CodeView)
        assert listing.display and listing.has_focus and len(listing.lines) == MAX_EDITABLE_LINES
    app = make_app(tmp_path / "narrow")
    async with app.run_test(size=(80, 30)) as pilot:
        await open_puzzle(pilot)
        assert classes_when_made[-1] == {"-narrow"}


@run_async
async def test_an_editor_left_behind_is_not_kept_alive(tmp_path: Path) -> None:
    from game.tui.widgets.asm_editor import AsmEditor

    def editors_alive() -> int:
        gc.collect()
        return sum(isinstance(thing, AsmEditor) for thing in gc.get_objects())

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        alive = []
        for _ in range(4):
            await open_puzzle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            watching_theme = getattr(app, "__watchers", {}).get("theme", [])
            assert not [node for node, _ in watching_theme if isinstance(node, AsmEditor)]
            alive.append(editors_alive())
        assert alive == [0, 0, 0, 0]


@run_async
async def test_the_listing_colours_a_line_once_and_again_when_its_marks_or_text_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import game.tui.widgets.code_view as code_view
    from game.tui.widgets.code_view import CodeView

    coloured: list[int] = []
    decorate = code_view.decorate

    def counted(line: object, number: int, *args: object) -> None:
        coloured.append(number)
        decorate(line, number, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(code_view, "decorate", counted)

    def shown(view: CodeView, y: int) -> str:
        return "".join(segment.text for segment in view.render_line(y))

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        view = CodeView("add x, x, y\nsub y, y, x\n", id="sample")
        await app.screen.mount(view)
        await settle(pilot)
        first = shown(view, 0)
        assert "add x, x, y" in first and "●" not in first and "▶" not in first
        assert coloured.count(1) == 1  # drawn on screen and here: coloured once
        assert shown(view, 0) == first and coloured.count(1) == 1
        view.mark(breakpoints=frozenset({1}), pc_lines=frozenset({2}))
        assert "●" in shown(view, 0) and "▶" in shown(view, 1)
        assert "▶" not in shown(view, 0) and "●" not in shown(view, 1)
        view.load_text("store p, x\n")
        assert "store p, x" in shown(view, 0) and "●" not in shown(view, 0)
        coloured.clear()
        view.notify_style_update()  # a new theme or stylesheet: coloured again
        shown(view, 0)
        assert coloured == [1]


@run_async
async def test_the_game_collects_its_young_objects_less_often_and_restores_the_setting(
        tmp_path: Path) -> None:
    from game.tui.app import YOUNG_COLLECTION_EVERY

    before = gc.get_threshold()
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, *before[1:])
    assert gc.get_threshold() == before
