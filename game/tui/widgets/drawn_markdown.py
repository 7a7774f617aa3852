"""Markdown drawn by Rich once per text and width, and kept.

A puzzle's statement is one Rich `Markdown` in one `Static` (Textual's own
Markdown widget makes a widget per block and per table cell). Textual draws a
Static's Rich content twice for one frame, once to measure its height and once
to draw it, and the statement's tables make that the dearest part of opening a
puzzle. `DrawnMarkdown` draws it once per width and keeps the lines, so the
second drawing, a puzzle opened again and the other screens with the same text
cost nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from rich.markdown import Markdown

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.segment import Segment

KEPT = 32
"""Drawings kept (text and width): a few puzzles' statements at a few widths."""

_drawn: OrderedDict[tuple[str, int], list[Segment]] = OrderedDict()


class DrawnMarkdown:
    """A Rich renderable: `source` as Rich's Markdown, drawn once per width."""

    def __init__(self, source: str):
        self.source = source

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (self.source, options.max_width)
        segments = _drawn.get(key)
        if segments is None:
            segments = list(console.render(Markdown(self.source), options))
            _drawn[key] = segments
            if len(_drawn) > KEPT:
                _drawn.popitem(last=False)
        else:
            _drawn.move_to_end(key)
        yield from segments
