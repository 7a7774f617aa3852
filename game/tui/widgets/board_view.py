"""A shared board's side of the results: its histogram, what it answered a submission.

The board is optional and may be down: everything here is text for one `Static`,
and a board that cannot be reached becomes one dim line, never an error that
hides the offline histogram above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from game.board.client import Answer
    from game.histogram import Histogram, Point
    from game.pack import Mark


def answer_text(answer: Answer) -> Text:
    """One line for the board's verdict: accepted, already counted, or refused and why."""
    data = answer.data
    if answer.status in (200, 201) and data.get("verdict") == "accepted":
        scores = data.get("scores")
        shown = ", ".join(f"{metric} {value:,}" for metric, value in scores.items()
                          if isinstance(value, int)) if isinstance(scores, dict) else ""
        count = data.get("solutions")
        total = (f" ({count:,} solution{'' if count == 1 else 's'} on the board)"
                 if isinstance(count, int) else "")
        if data.get("new") is True:
            return Text(f"✓ accepted by the board: {shown}{total}", style="bold green")
        return Text(f"already counted: the board holds this program{total}", style="yellow")
    message = answer.message
    if not message.startswith("rejected"):
        message = f"refused (HTTP {answer.status}): {message}"
    return Text(message, style="red")


def board_lines(url: str, histogram: Histogram, *, player: Point | None,
                marks: Sequence[Mark], width: int) -> list[Text]:
    """A heading with the board's solution count, then its histograms as `vliw hist` draws them."""
    from game.histogram_text import report_lines

    count = len(histogram)
    noun = "solution" if count == 1 else "solutions"
    heading = Text(f"On the board at {url}: {count:,} {noun}", style="bold")
    return [heading, Text(""), *report_lines(histogram, player=player, marks=marks, width=width)]


class BoardView(Static):
    """The board's histogram, with a note under it (fetching, unreachable, an answer)."""

    def __init__(self, url: str, *, id: str | None = None) -> None:
        super().__init__(Text(f"asking the board at {url}…", style="dim"), id=id)
        self.histogram_shown: list[Text] = []
        self.note: Text | None = None

    def show(self, lines: list[Text] | None = None, note: Text | None = None) -> None:
        """Replace the histogram (when given) and the note (when given)."""
        if lines is not None:
            self.histogram_shown = lines
        if note is not None:
            self.note = note
        parts = [*self.histogram_shown]
        if self.note is not None:
            parts += [Text(""), self.note] if parts else [self.note]
        self.update(Group(*parts))
