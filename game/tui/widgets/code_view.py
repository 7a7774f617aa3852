"""A read-only listing of `.vasm` text that stays fast at any length.

The debugger shows the solution here: a gutter with breakpoints (●), line
numbers and the bundle about to run (▶), the text coloured as in the editor.
It draws only the lines in view (the Line API), so a generated kernel of
150,000 lines scrolls and steps as quickly as a ten-line one. A step moves the
marks, and often the view, so every line in view is drawn again: each line's
coloured text is kept (by line and the marks on it) until the text or the styles
change, and only the gutter and the cursor are drawn anew.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from game.tui.widgets.asm_style import ASM_COMPONENTS, LineMarks, decorate

KEPT_LINES = 4096
"""Coloured lines kept: a few screens' worth, for the lines a step shows again."""


@lru_cache(maxsize=1)
def _lines_of(text: str) -> tuple[tuple[str, ...], int]:
    """The text's lines and the widest one's length. Kept for the last text: the debugger
    opens on the very text the puzzle screen's listing shows, and splitting a generated
    kernel of 150,000 lines again cost its opening 15 ms."""
    lines = tuple(text.splitlines()) or ("",)
    return lines, max(map(len, lines))


class CodeView(ScrollView, can_focus=True):
    """Lines of `.vasm` with a cursor line; clicking the gutter asks for a breakpoint."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", id="code-up", show=False),
        Binding("down", "move(1)", "Down", id="code-down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="code-page-up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="code-page-down", show=False),
        Binding("home,ctrl+home", "move_to(1)", "First line", id="code-first-line", show=False),
        Binding("end,ctrl+end", "move_to(-1)", "Last line", id="code-last-line", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = set(ASM_COMPONENTS) | {
        "code-view--gutter", "code-view--cursor-line", "code-view--breakpoint-mark",
        "code-view--pc-mark"}
    DEFAULT_CLASSES = "asm"
    DEFAULT_CSS = """
    CodeView { height: 1fr; }
    """

    marks: reactive[LineMarks] = reactive(LineMarks)
    cursor_line: reactive[int] = reactive(1)
    """1-based line of the cursor (where a breakpoint key acts)."""

    class GutterClicked(Message):
        """The player clicked the gutter of a line: toggle a breakpoint there."""

        def __init__(self, code_view: CodeView, line: int):
            super().__init__()
            self.code_view = code_view
            self.line = line

        @property
        def control(self) -> CodeView:
            return self.code_view

    def __init__(self, text: str = "", *, id: str | None = None):
        super().__init__(id=id)
        self._drawn: dict[tuple[object, ...], Strip] = {}
        """A line's coloured text, by (index, the marks on it)."""
        self._base_style: Style | None = None
        self.load_text(text)

    def load_text(self, text: str) -> None:
        """Show another text in the same widget (marks cleared, cursor on the first line)."""
        self._drawn.clear()
        self.lines, widest = _lines_of(text)
        self._number_width = len(str(len(self.lines)))
        self.virtual_size = Size(self.gutter_width + widest + 1, len(self.lines))
        self.marks = LineMarks()
        self.cursor_line = 1
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    @property
    def gutter_width(self) -> int:
        return self._number_width + 4

    def mark(self, **changes: object) -> None:
        """Change some marks, keep the others."""
        self.marks = replace(self.marks, **changes)  # type: ignore[arg-type]

    def watch_marks(self, old: LineMarks, new: LineMarks) -> None:
        if new.pc_lines and new.pc_lines != old.pc_lines:
            self.scroll_to_line(min(new.pc_lines))
        self.refresh()

    def watch_cursor_line(self, line: int) -> None:
        self.scroll_to_line(line)
        self.refresh()

    def scroll_to_line(self, line: int) -> None:
        """Bring a 1-based line into view, centred when it has to move."""
        row = line - 1
        top = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        if not top <= row < top + height:
            self.scroll_to(y=max(0, row - height // 2), animate=False)

    # --- keys and mouse ------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.cursor_line = max(1, min(len(self.lines), self.cursor_line + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_move_to(self, line: int) -> None:
        self.cursor_line = len(self.lines) if line < 0 else line

    def on_click(self, event: events.Click) -> None:
        line = event.y + self.scroll_offset.y + 1
        if not 1 <= line <= len(self.lines):
            return
        self.cursor_line = line
        if event.x < self.gutter_width:
            self.post_message(self.GutterClicked(self, line))

    # --- drawing -----------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def notify_style_update(self) -> None:
        self._drawn.clear()
        self._base_style = None
        super().notify_style_update()

    def _coloured(self, index: int, marks: LineMarks) -> Strip:
        """Line `index` coloured with its marks, uncropped (kept: drawn once per change)."""
        number = index + 1
        key = (index, marks.labels, number in marks.breakpoints, number in marks.pc_lines,
               tuple(column for line, column in marks.errors if line == number),
               marks.fault_at if marks.fault_at and marks.fault_at[0] == number else None)
        strip = self._drawn.get(key)
        if strip is None:
            code = Text(self.lines[index], no_wrap=True, end="")
            decorate(code, number, marks, self._style)
            strip = Strip(list(code.render(self.app.console)), code.cell_len)
            if len(self._drawn) >= KEPT_LINES:
                self._drawn.clear()
            self._drawn[key] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._base_style
        if base is None:  # (worked out through every ancestor: once per restyle, not per line)
            base = self._base_style = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        number = index + 1
        marks = self.marks
        breakpoint_mark = "●" if number in marks.breakpoints else " "
        pc_mark = "▶" if number in marks.pc_lines else " "
        gutter = [
            Segment(breakpoint_mark, self._style("code-view--breakpoint-mark")),
            Segment(f"{number:>{self._number_width}} ", self._style("code-view--gutter")),
            Segment(pc_mark, self._style("code-view--pc-mark")),
            Segment(" "),
        ]
        body = self._coloured(index, marks).crop(scroll_x, scroll_x + width - self.gutter_width)
        body = body.extend_cell_length(width - self.gutter_width)
        if number == self.cursor_line and self.has_focus:
            body = body.apply_style(self._style("code-view--cursor-line"))
        return Strip.join([Strip(gutter, self.gutter_width), body]).apply_style(base)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
