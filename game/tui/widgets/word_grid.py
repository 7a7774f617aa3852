"""Named blocks of machine words, laid out as wide as the widget allows.

The debugger shows scratch by declared names and memory by the puzzle's
regions; both are blocks of consecutive words. Only visible lines are
formatted (the Line API), so a step costs the same whether memory holds ten
words or ten thousand.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

MAX_PER_ROW = 16


@dataclass(frozen=True)
class Block:
    """`length` words from address `start`, shown under `label`."""

    label: str
    start: int
    length: int


def blocks_covering(blocks: Sequence[Block], size: int, gap_label: str = "") -> list[Block]:
    """The blocks in address order, plus blocks for any words none of them covers."""
    ordered = sorted((b for b in blocks if b.length > 0), key=lambda b: b.start)
    out: list[Block] = []
    at = 0
    for block in ordered:
        if block.start > at:
            out.append(Block(gap_label or f"@{at}", at, block.start - at))
        out.append(block)
        at = max(at, block.start + block.length)
    if at < size:
        out.append(Block(gap_label or f"@{at}", at, size - at))
    return out


def runs_of(addresses: Collection[int], width: int = 8) -> list[Block]:
    """Blocks over sorted addresses: each run of consecutive ones, split every `width`."""
    out: list[Block] = []
    for address in sorted(addresses):
        last = out[-1] if out else None
        if last and address == last.start + last.length and last.length < width:
            out[-1] = Block(last.label, last.start, last.length + 1)
        else:
            out.append(Block(f"@{address}", address, 1))
    return out


@dataclass(frozen=True)
class _Row:
    block: Block
    offset: int
    count: int


class WordGrid(ScrollView, can_focus=True):
    """Blocks of words with their addresses; words written in the last step stand out."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"word-grid--label", "word-grid--address",
                                             "word-grid--written", "word-grid--zero"}
    DEFAULT_CSS = """
    WordGrid { height: 1fr; }
    """

    hex_mode: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._blocks: list[Block] = []
        self._words: Sequence[int] = ()
        self._written: Collection[int] = frozenset()
        self._rows: list[_Row] = []
        self._layout_width = -1
        self._label_w = self._address_w = 0
        self._styles: dict[str, Style] = {}
        """The widget's own style and its components' (under ""), until the next restyle."""

    def show(self, blocks: Sequence[Block], words: Sequence[int],
             written: Collection[int] = frozenset()) -> None:
        """Show these blocks of `words` (read at render time, so pass the live list)."""
        if list(blocks) != self._blocks:
            self._blocks = list(blocks)
            self._layout_width = -1
        self._words = words
        self._written = written
        self._lay_out()
        self.refresh()

    def mark(self, written: Collection[int]) -> None:
        """New values were written: redraw with these addresses marked."""
        self._written = written
        self.refresh()

    def first_row_of(self, address: int) -> int | None:
        for index, row in enumerate(self._rows):
            if row.block.start + row.offset <= address < row.block.start + row.offset + row.count:
                return index
        return None

    def watch_hex_mode(self) -> None:
        self._layout_width = -1
        self._lay_out()
        self.refresh()

    def on_resize(self) -> None:
        self._lay_out()

    @property
    def _cell_width(self) -> int:
        return 8 if self.hex_mode else 10

    @property
    def _label_width(self) -> int:
        longest = max((len(block.label) for block in self._blocks), default=4)
        return min(max(longest, 5), 14, max(5, self.scrollable_content_region.width // 5))

    def _address_width(self) -> int:
        last = max((b.start + b.length for b in self._blocks), default=0)
        return len(str(max(last - 1, 0))) + 1

    def _per_row(self) -> int:
        """Words per row: as many as fit, rounded down to a power of two so lanes line up."""
        free = self.scrollable_content_region.width - self._label_width - self._address_width() - 2
        fit = min(MAX_PER_ROW, max(1, free // (self._cell_width + 1)))
        return 1 << (fit.bit_length() - 1)

    def _lay_out(self) -> None:
        width = self.scrollable_content_region.width
        if width == self._layout_width:
            return
        self._layout_width = width
        self._label_w, self._address_w = self._label_width, self._address_width()  # per line
        per_row = self._per_row()
        rows: list[_Row] = []
        for block in self._blocks:
            for offset in range(0, block.length, per_row):
                rows.append(_Row(block, offset, min(per_row, block.length - offset)))
        self._rows = rows
        line_width = (self._label_width + self._address_width() + 2
                      + per_row * (self._cell_width + 1))
        self.virtual_size = Size(line_width, len(rows))

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        """A component's style, or the widget's own for "": each line of a step needs them,
        and the widget's own is worked out through every ancestor."""
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(name)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._style("")
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        label_width = self._label_w
        label = row.block.label if row.offset == 0 else f"+{row.offset}"
        address = row.block.start + row.offset
        segments = [
            Segment(f"{label[:label_width]:<{label_width}} ", self._style("word-grid--label")),
            Segment(f"@{address:<{self._address_w - 1}} ", self._style("word-grid--address")),
        ]
        written_style = self._style("word-grid--written")
        zero_style = self._style("word-grid--zero")
        words = self._words
        cell = self._cell_width
        for addr in range(address, address + row.count):
            value = words[addr] if addr < len(words) else 0
            text = f"{value:0{cell}x}" if self.hex_mode else f"{value:>{cell}}"
            style: Style | None = None
            if addr in self._written:
                style = written_style
            elif value == 0:
                style = zero_style
            segments.append(Segment(text, style))
            segments.append(Segment(" "))
        strip = Strip(segments).crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width).apply_style(base)
