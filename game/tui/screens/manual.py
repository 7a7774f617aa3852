"""The manual: every operation from the op table, and the puzzle's machine limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, MarkdownViewer

from game.tui.manual_text import manual_markdown
from game.tui.widgets.footer import GameFooter

if TYPE_CHECKING:
    from game.pack import Puzzle


class ManualScreen(Screen[None]):
    """Generated, never hand-written: it always matches the machine the puzzle runs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Close", id="close"),
        Binding("t", "toggle_contents", "Contents", id="manual-contents"),
    ]

    def __init__(self, puzzle: Puzzle | None = None):
        super().__init__()
        self.puzzle = puzzle

    def compose(self) -> ComposeResult:
        yield Header()
        if self.puzzle is None:
            text = manual_markdown()
        else:
            text = manual_markdown(self.puzzle.machine_config(), self.puzzle.cycle_limit,
                                   self.puzzle.title)
        yield MarkdownViewer(text, show_table_of_contents=False, id="manual")
        yield GameFooter()

    def on_mount(self) -> None:
        self.sub_title = "manual" + (f": {self.puzzle.title}" if self.puzzle else "")
        self.query_one(MarkdownViewer).focus()

    def action_toggle_contents(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents
