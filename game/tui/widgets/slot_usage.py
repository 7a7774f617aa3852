"""Slot use per engine over recent cycles: one row per engine, one column per step.

Each cell is a bar as full as the engine's slots were in that step (its
count against the machine's limit), newest on the right; the numbers for the
last step end each row. Empty bundles are where a packed kernel loses cycles,
so the view makes them visible at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from game.tui.debug_session import COUNTED_ENGINES, SlotUse
from machine.isa import Engine

BARS = " ▁▂▃▄▅▆▇█"


def bar(used: int, limit: int) -> str:
    """A block character as full as used/limit (a full block past the limit)."""
    if used <= 0 or limit <= 0:
        return "·" if used <= 0 else BARS[-1]
    steps = len(BARS) - 1
    return BARS[max(1, min(steps, round(used * steps / limit)))]


class SlotUsage(Widget):
    """Recent slot use; `show(uses, limits)` redraws it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"slot-usage--{engine.value}"
                                             for engine in COUNTED_ENGINES}
    DEFAULT_CSS = """
    SlotUsage { height: 5; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._uses: Sequence[SlotUse] = ()
        self._limits: Mapping[Engine, int] = {}

    def columns(self) -> int:
        """How many recent steps fit beside the labels and the totals."""
        return max(1, self.content_region.width - 13)

    def show(self, uses: Sequence[SlotUse], limits: Mapping[Engine, int]) -> None:
        self._uses = uses
        self._limits = limits
        self.refresh()

    def render(self) -> Text:
        width = self.columns()
        uses = list(self._uses)[-width:]
        lines = Text(no_wrap=True, overflow="crop")
        for row, engine in enumerate(COUNTED_ENGINES):
            limit = self._limits.get(engine, 0)
            style = self.get_component_rich_style(f"slot-usage--{engine.value}")
            cells = "".join(bar(use.by_engine[row], limit) for use in uses)
            last = uses[-1].by_engine[row] if uses else 0
            if row:
                lines.append("\n")
            lines.append(f"{engine.value:<5} ", style)
            lines.append(f"{cells:>{width}}", style)
            lines.append(f" {last:>2}/{limit:<2}")
        return lines
