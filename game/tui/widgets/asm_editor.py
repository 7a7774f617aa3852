"""The assembly editor: a TextArea that colours `.vasm` and marks lines.

Colours come from component classes (styled in the app's .tcss), applied in
`get_line`, the hook TextArea offers for extra styling. Besides the colours
it marks the assembler's errors, breakpoints set in the debugger, and the
slot where a run faulted.

Textual's TextArea does work proportional to the whole document on every
drawn line, so texts above `MAX_EDITABLE_LINES` (generated kernels) are shown
read-only in a `CodeView` instead (see the puzzle screen).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import TextArea

from game.tui.widgets.asm_style import ASM_COMPONENTS, LineMarks, decorate

MAX_EDITABLE_LINES = 10_000


class AsmEditor(TextArea):
    """A `.vasm` editor with line numbers, highlighting and line marks."""

    COMPONENT_CLASSES: ClassVar[set[str]] = TextArea.COMPONENT_CLASSES | ASM_COMPONENTS | {
        "asm-editor--error-gutter"}
    DEFAULT_CLASSES = "asm"

    marks: reactive[LineMarks] = reactive(LineMarks)

    def __init__(self, text: str = "", *, id: str | None = None):
        super().__init__(text, soft_wrap=False, tab_behavior="indent", show_line_numbers=True,
                         id=id, theme="css")

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        decorate(line, line_index + 1, self.marks, self._component_style)
        return line

    def render_line(self, y: int) -> Strip:
        """The line as TextArea draws it, its line number marked when it holds an error."""
        strip = super().render_line(y)
        line = self.scroll_offset.y + y + 1
        if not any(error_line == line for error_line, _ in self.marks.errors):
            return strip
        gutter = self.gutter_width
        style = self.get_component_rich_style("asm-editor--error-gutter", partial=True)
        marked = Segment.apply_style(strip.crop(0, gutter), post_style=style)
        return Strip.join([Strip(marked, gutter), strip.crop(gutter)])

    def on_unmount(self) -> None:
        """Out of the app's watchers of its theme, where TextArea puts itself when mounted.

        Textual drops a closed widget from them only when the theme next changes: until
        then every editor ever opened (its text, its drawn lines) stayed alive, and each
        full collection of the game's objects grew slower (17,000 objects per puzzle
        opened; a collection took 0.15 s after a few)."""
        watchers = getattr(self.app, "__watchers", {}).get("theme")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if node is not self]

    def _component_style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def watch_marks(self) -> None:
        # Marks are not part of the text, so TextArea's line cache must be dropped.
        self.notify_style_update()
        self.refresh()

    def mark(self, **changes: object) -> None:
        """Change some marks, keep the others: `editor.mark(errors=(...))`."""
        self.marks = replace(self.marks, **changes)  # type: ignore[arg-type]
