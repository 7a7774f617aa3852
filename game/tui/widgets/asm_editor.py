"""The assembly editor: a TextArea that colours `.vasm` and marks lines.

Colours come from component classes (styled in the app's .tcss), applied in
`get_line`, the hook TextArea offers for extra styling. The same widget,
read-only, is the debugger's listing: it then also marks breakpoint lines, the
lines of the bundle about to run, and a faulting slot.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import TextArea

from game.tui.highlight import Token, line_spans

_WORD_END = re.compile(r"[^\s,|#]*")


class AsmEditor(TextArea):
    """A `.vasm` editor with line numbers, highlighting and line marks."""

    COMPONENT_CLASSES: ClassVar[set[str]] = TextArea.COMPONENT_CLASSES | {
        f"asm--{token.name.lower()}" for token in Token
    } | {"asm--error", "asm--breakpoint", "asm--pc", "asm--fault"}

    labels: reactive[frozenset[str]] = reactive(frozenset)
    """Names defined as labels: jump targets naming them are coloured as labels."""
    errors: reactive[tuple[tuple[int, int], ...]] = reactive(tuple)
    """(line, column), 1-based, of each problem the assembler reported."""
    breakpoints: reactive[frozenset[int]] = reactive(frozenset)
    """1-based lines holding a breakpoint."""
    pc_lines: reactive[frozenset[int]] = reactive(frozenset)
    """1-based lines of the bundle that runs next."""
    fault_at: reactive[tuple[int, int] | None] = reactive(None)
    """(line, column) of the slot that faulted."""

    def __init__(self, text: str = "", *, read_only: bool = False, id: str | None = None):
        super().__init__(text, soft_wrap=False, tab_behavior="indent", read_only=read_only,
                         show_line_numbers=True, id=id, theme="css")
        self._styles: dict[str, Style] = {}

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"asm--{name}", partial=True)
            self._styles[name] = style
        return style

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        plain = line.plain
        number = line_index + 1
        if number in self.breakpoints:
            line.stylize(self._style("breakpoint"))
        if number in self.pc_lines:
            line.stylize(self._style("pc"))
        for span in line_spans(plain, self.labels):
            line.stylize(self._style(span.token.name.lower()), span.start, span.end)
        for error_line, column in self.errors:
            if error_line == number:
                self._mark_word(line, column, "error")
        if self.fault_at is not None and self.fault_at[0] == number:
            self._mark_word(line, self.fault_at[1], "fault")
        return line

    def _mark_word(self, line: Text, column: int, style: str) -> None:
        start = max(0, min(column - 1, len(line.plain)))
        match = _WORD_END.match(line.plain, start)
        end = match.end() if match and match.end() > start else start + 1
        line.stylize(self._style(style), start, end)

    def _redraw(self) -> None:
        # Marks are not part of the text, so TextArea's line cache must be dropped.
        self.notify_style_update()
        self.refresh()

    def watch_labels(self) -> None:
        self._redraw()

    def watch_errors(self) -> None:
        self._redraw()

    def watch_breakpoints(self) -> None:
        self._redraw()

    def watch_pc_lines(self, lines: frozenset[int]) -> None:
        self._redraw()
        if lines:
            self.scroll_to_line(min(lines))

    def watch_fault_at(self) -> None:
        self._redraw()

    def scroll_to_line(self, line: int) -> None:
        """Bring a 1-based line into view, centred when it has to move."""
        row = max(0, line - 1)
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if not top <= row < top + height - 1:
            self.scroll_to(y=max(0, row - height // 2), animate=False)

    def move_to_line(self, line: int) -> None:
        """Put the cursor at the start of a 1-based line."""
        self.move_cursor((max(0, line - 1), 0))
