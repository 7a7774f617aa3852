"""Histograms and the Pareto view drawn with Unicode characters, as Rich `Text` lines.

The CLI prints these lines (`vliw hist`); the TUI's results screen shows the
same lines (each is a Rich renderable; `rich.console.Group(*lines)` stacks
them). `plain(lines)` gives the text without styles. Everything is readable
without colour: the player's bucket carries "◀ you", marks carry "◆", and in
the Pareto view the player is "★", solutions on the front "●" and dominated
solutions "·"; the styles below only reinforce that.

- `histogram_lines`: one row per bucket (range, bar, count, notes): the
  detailed view, with marks labelled and the player's standing underneath.
- `histogram_columns`: a compact Zachtronics-style column chart, one character
  per bucket, for showing the three metrics side by side.
- `pareto_lines`: a scatter of two metrics (cycles by instructions by default)
  in which dominated solutions look different from the Pareto front.
- `report_lines`: everything for one puzzle, as `vliw hist` prints it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text

from game.histogram import (
    Histogram,
    MetricHistogram,
    Point,
    Scale,
    Standing,
    bucket_edges,
    pareto_front,
)
from game.pack import Mark

STYLE_TITLE = "bold"
STYLE_BAR = "cyan"
STYLE_PLAYER = "bold yellow"
STYLE_MARK = "magenta"
STYLE_AXIS = "dim"
STYLE_FRONT = "bold green"
STYLE_DOMINATED = "dim"

PLAYER_NOTE = "◀ you"
MARK_SIGN = "◆"
PLAYER_POINT, FRONT_POINT, DOMINATED_POINT = "★", "●", "·"
_EIGHTHS = " ▏▎▍▌▋▊▉█"
_LEVELS = " ▁▂▃▄▅▆▇█"


def plain(lines: Sequence[Text]) -> str:
    return "\n".join(line.plain for line in lines)


def percent_text(standing: Standing) -> str:
    """'better than 86.6% of recorded solutions (13 of 15)'; 'beats none of 5 recorded
    solutions yet' at the bottom (a tutorial's histogram is often all one score); or why there
    is nothing to beat."""
    percent = standing.percent_better
    if percent is None:
        return "no recorded solutions to compare with yet"
    shown = math.floor(percent * 10) / 10  # never round up to a share not reached
    number = f"{shown:.1f}".removesuffix(".0")
    noun = "solution" if standing.total == 1 else "solutions"
    ties = f", tied with {standing.ties}" if standing.ties else ""
    if standing.better_than == 0:  # "better than 0%" reads as a score of nothing at all
        return f"beats none of {standing.total} recorded {noun} yet{ties}"
    return (f"better than {number}% of recorded {noun} "
            f"({standing.better_than} of {standing.total}{ties})")


def standing_lines(histogram: Histogram, metric: str, value: int, width: int = 80) -> list[Text]:
    """'you: 1,790 cycles, better than ... — a new best', on two lines if one is too narrow."""
    standing = histogram.standing(metric, value)
    head = Text(f"you: {value:,} {metric}", style=STYLE_PLAYER)
    tail = Text(percent_text(standing))
    if standing.is_new_best:
        tail.append(" — a new best", style=STYLE_PLAYER)
    elif standing.is_new_worst:
        tail.append(" — a new worst")
    if len(head) + 2 + len(tail) <= width:
        return [head + Text(", ") + tail]
    return [head, Text("  ") + tail]


def _range_label(low: int, high: int) -> str:
    """Bucket [low, high) of whole numbers, written inclusively."""
    return f"{low:,}" if high == low + 1 else f"{low:,}–{high - 1:,}"


def _short_number(value: int) -> str:
    """1,200 -> 1.2k, 150,000 -> 150k, 2,000,000 -> 2M: for the compact axis."""
    for limit, suffix in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if value >= limit:
            text = f"{value / limit:.1f}".removesuffix(".0")
            return text + suffix if len(text) <= 3 else f"{value // limit}{suffix}"
    return str(value)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _bar(count: int, most: int, width: int) -> str:
    eighths = 0 if most == 0 else round(count * width * 8 / most)
    if count and not eighths:
        eighths = 1  # a bucket with solutions never looks empty
    full, rest = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[rest] if rest else "")).ljust(width)


@dataclass(frozen=True)
class _Note:
    text: str
    style: str


def _shown_bars(histogram: Histogram, metric: str, player: int | None,
                marks: Sequence[Mark]) -> MetricHistogram:
    """The buckets drawn: the recorded solutions' widened to hold the player and the marks."""
    values = [m.value for m in marks if m.metric == metric]
    return histogram.spanning(metric, values if player is None else [*values, player])


def _notes(bars: MetricHistogram, metric: str, player: int | None,
           marks: Sequence[Mark]) -> dict[int | None, list[_Note]]:
    """Notes (the player, then marks best first) by bucket; None when there are no buckets."""
    placed: dict[int | None, list[_Note]] = {}
    if player is not None:
        placed.setdefault(bars.locate(player)[1], []).append(
            _Note(f"{PLAYER_NOTE} {player:,}", STYLE_PLAYER))
    for mark in sorted((m for m in marks if m.metric == metric), key=lambda m: m.value):
        placed.setdefault(bars.locate(mark.value)[1], []).append(
            _Note(f"{MARK_SIGN} {mark.value:,} {mark.label}", STYLE_MARK))
    return placed


def _title(histogram: Histogram, bars: MetricHistogram) -> Text:
    count = len(histogram)
    if not count:
        return Text(f"{bars.metric}: no recorded solutions yet", style=STYLE_TITLE)
    noun = "solution" if count == 1 else "solutions"
    scale = "log scale" if bars.scale is Scale.LOG else "linear scale"
    return Text(f"{bars.metric} ({scale}, {count} recorded {noun})", style=STYLE_TITLE)


def histogram_lines(histogram: Histogram, metric: str, *, player: int | None = None,
                    marks: Sequence[Mark] = (), width: int = 80) -> list[Text]:
    """The detailed view: one row per bucket, a note column for the player and the marks.

    The buckets span the player's score and the marks as well as the recorded
    solutions, so each of them is labelled on the row of its bucket.
    """
    bars = _shown_bars(histogram, metric, player, marks)
    notes = _notes(bars, metric, player, marks)
    labels = [_range_label(lo, hi) for lo, hi in itertools.pairwise(bars.edges)]
    label_width = max((len(label) for label in labels), default=0)
    count_width = max((len(str(c)) for c in bars.counts), default=1)
    bar_width = max(8, min(32, (width - label_width - count_width - 6) // 4))
    note_width = max(width - label_width - bar_width - count_width - 5, 10)
    most = max(bars.counts, default=0)

    lines = [_title(histogram, bars)]
    for note in notes.get(None, []):
        lines.append(Text("  " + _fit(note.text, width - 2), style=note.style))
    for i, (label, count) in enumerate(zip(labels, bars.counts, strict=True)):
        here = notes.get(i, [])
        mine = any(note.style == STYLE_PLAYER for note in here)
        line = Text(label.rjust(label_width) + " │", style=STYLE_AXIS)
        line.append(_bar(count, most, bar_width), style=STYLE_PLAYER if mine else STYLE_BAR)
        line.append(" " + str(count).rjust(count_width))
        for n, note in enumerate(here):
            if n:
                lines.append(line)
                line = Text(" " * label_width + " │", style=STYLE_AXIS)
                line.append(" " * (bar_width + 1 + count_width))
            line.append("  ")
            line.append(_fit(note.text, note_width), style=note.style)
        lines.append(line)
    if player is not None:
        lines.extend(standing_lines(histogram, metric, player, width))
    return lines


def histogram_columns(histogram: Histogram, metric: str, *, player: int | None = None,
                      marks: Sequence[Mark] = (), height: int = 6) -> list[Text]:
    """A compact column chart, one character per bucket, about `height` + 4 lines tall.

    Under the columns: "▲" below the player's bucket and "◆" below buckets
    holding a mark, then the first and last edges. As in `histogram_lines`,
    the buckets span the player's score and the marks.
    """
    bars = _shown_bars(histogram, metric, player, marks)
    count = len(bars.counts)
    most = max(bars.counts, default=0)
    title = Text(metric + (" (log)" if bars.scale is Scale.LOG and count else ""),
                 style=STYLE_TITLE)
    if not count:
        lines = [title, Text("no recorded solutions", style=STYLE_AXIS)]
        if player is not None:
            lines.append(Text(f"you {player:,}", style=STYLE_PLAYER))
        return lines
    player_bucket = bars.locate(player)[1] if player is not None else None
    mark_buckets = {bars.locate(m.value)[1] for m in marks if m.metric == metric}
    lines = [title]
    for level in range(height, 0, -1):
        line = Text(" ")
        for i, n in enumerate(bars.counts):
            eighths = 0 if most == 0 else round(n * height * 8 / most)
            if n and not eighths:
                eighths = 1
            cell = _LEVELS[max(0, min(8, eighths - (level - 1) * 8))]
            line.append(cell, style=STYLE_PLAYER if i == player_bucket else STYLE_BAR)
        lines.append(line)
    marker = Text(" ")
    for i in range(count):
        if i == player_bucket:
            marker.append("▲", style=STYLE_PLAYER)
        elif i in mark_buckets:
            marker.append(MARK_SIGN, style=STYLE_MARK)
        else:
            marker.append(" ")
    lines.append(marker)
    low, high = _short_number(bars.edges[0]), _short_number(bars.edges[-1])
    gap = max(count + 2 - len(low) - len(high), 1)
    lines.append(Text(low + " " * gap + high, style=STYLE_AXIS))
    if player is not None:
        standing = histogram.standing(metric, player)
        text = f"you {player:,}"
        if standing.percent_better is not None:
            text += f" · beats {math.floor(standing.percent_better):d}%"
        lines.append(Text(text, style=STYLE_PLAYER))
    return lines


class _Axis:
    """Maps values of one metric onto `cells` character positions, log or linear."""

    def __init__(self, values: Sequence[int], cells: int):
        self.low, self.high = min(values), max(values)
        self.log = bucket_edges(values)[0] is Scale.LOG
        self.cells = cells

    def _scaled(self, value: int) -> float:
        return math.log(value) if self.log else float(value)

    def cell(self, value: int) -> int:
        span = self._scaled(self.high) - self._scaled(self.low)
        if span == 0:
            return self.cells // 2
        fraction = (self._scaled(value) - self._scaled(self.low)) / span
        return min(self.cells - 1, max(0, round(fraction * (self.cells - 1))))


def pareto_lines(histogram: Histogram, *, player: Point | None = None, x: str = "cycles",
                 y: str = "instructions", width: int = 60, height: int = 14) -> list[Text]:
    """A scatter of `x` (across) by `y` (up): lower-left is better.

    Solutions no other solution beats on both metrics (the Pareto front) are
    "●"; dominated ones are "·"; the player's solution is "★" (it replaces its
    recorded twin, if any). Where several fall in one cell the most notable is
    drawn: the player, then the front.
    """
    points = [p for p in histogram.points if player is None or p.hash != player.hash]
    if player is not None:
        points.append(player)
    title = Text(f"Pareto view: {x} by {y} (lower-left is better)", style=STYLE_TITLE)
    if not points:
        return [title, Text("no recorded solutions yet", style=STYLE_AXIS)]
    front = pareto_front(points, (x, y))
    height = min(height, max(3, 3 * len({p.scores[y] for p in points})))  # no acres of blank
    x_axis = _Axis([p.scores[x] for p in points], width)
    y_axis = _Axis([p.scores[y] for p in points], height)
    grid: dict[tuple[int, int], tuple[int, str, str]] = {}
    for point in points:
        if player is not None and point.hash == player.hash:
            rank, sign, style = 3, PLAYER_POINT, STYLE_PLAYER
        elif point.hash in front:
            rank, sign, style = 2, FRONT_POINT, STYLE_FRONT
        else:
            rank, sign, style = 1, DOMINATED_POINT, STYLE_DOMINATED
        cell = (height - 1 - y_axis.cell(point.scores[y]), x_axis.cell(point.scores[x]))
        if cell not in grid or grid[cell][0] < rank:
            grid[cell] = (rank, sign, style)

    row_labels = {height - 1 - y_axis.cell(value): f"{value:,}"
                  for value in (y_axis.low, y_axis.high)}
    gutter = max(len(label) for label in row_labels.values())
    lines = [title, Text(y + (" (log)" if y_axis.log else ""), style=STYLE_AXIS)]
    for row in range(height):
        label = row_labels.get(row, "")
        line = Text(label.rjust(gutter) + " ┤" if label else " " * gutter + " │",
                    style=STYLE_AXIS)
        for column in range(width):
            rank_sign_style = grid.get((row, column))
            if rank_sign_style is None:
                line.append(" ")
            else:
                line.append(rank_sign_style[1], style=rank_sign_style[2])
        lines.append(line.rstrip() or line)
    lines.append(Text(" " * gutter + " └" + "─" * width, style=STYLE_AXIS))
    left, right = f"{x_axis.low:,}", f"{x_axis.high:,}" if x_axis.high != x_axis.low else ""
    x_name = x + (" (log)" if x_axis.log else "")
    middle = max(width - len(left) - len(right), 2)
    axis = left + x_name.center(middle) if len(x_name) + 2 <= middle else left + " " * middle
    lines.append(Text(" " * (gutter + 2) + axis + right, style=STYLE_AXIS))
    legend = Text(" " * (gutter + 2))
    legend.append(f"{FRONT_POINT} on the front", style=STYLE_FRONT)
    legend.append(f"   {DOMINATED_POINT} dominated", style=STYLE_DOMINATED)
    if player is not None:
        mine = "on the front" if player.hash in front else "dominated"
        legend.append(f"   {PLAYER_POINT} you ({mine})", style=STYLE_PLAYER)
    lines.append(legend)
    return lines


SOURCE_NOUNS = {"solutions": "shipped solution", "corpus": "corpus program"}


def source_text(source: Mapping[str, int]) -> str:
    """'built from 24 programs: 3 shipped solutions, 21 corpus programs'."""
    def counted(count: int, noun: str) -> str:
        return f"{count:,} {noun}{'' if count == 1 else 's'}"

    parts = ", ".join(counted(count, SOURCE_NOUNS[name]) for name, count in source.items())
    return f"built from {counted(sum(source.values()), 'program')}: {parts}"


def report_lines(histogram: Histogram, *, player: Point | None = None,
                 marks: Sequence[Mark] = (), width: int = 80) -> list[Text]:
    """What it is built from, every metric's detailed histogram, then the Pareto view:
    what `vliw hist` prints."""
    lines: list[Text] = []
    if histogram.source is not None:
        lines += [Text(source_text(histogram.source)), Text("")]
    for metric in histogram.metrics:
        value = player.scores.get(metric) if player is not None else None
        lines.extend(histogram_lines(histogram, metric, player=value, marks=marks, width=width))
        lines.append(Text(""))
    if {"cycles", "instructions"} <= set(histogram.metrics):
        lines.extend(pareto_lines(histogram, player=player, width=max(width - 20, 20)))
    return lines
