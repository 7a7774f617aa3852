"""After a pass: the scores against the player's previous best, the marks, the histograms."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from game.tui.widgets.footer import GameFooter
from game.tui.widgets.run_report import scores_line, tests_line

if TYPE_CHECKING:
    from game.catalog import PuzzleEntry
    from game.scoring import Report
    from game.store import Recorded
    from machine.program import Program


def comparison_text(report: Report, recorded: Recorded | None, metrics: list[str]) -> Text:
    """Each metric against the best before this run: new best, equal, or how far off."""
    text = Text()
    before = recorded.previous_best if recorded is not None else {}
    for metric in metrics:
        value = report.scores.get(metric)
        text.append(f"{metric:>12}  ", style="dim")
        text.append(f"{value:>10,}", style="bold")
        best = before.get(metric)
        if best is None:
            text.append("   first pass", style="bold green")
        elif value < best.value:
            text.append(f"   new best (was {best.value:,}, by {best.solution})", style="bold green")
        elif value == best.value:
            text.append(f"   equals your best ({best.solution})")
        else:
            text.append(f"   your best is {best.value:,} ({best.solution})", style="yellow")
        text.append("\n")
    return text


def marks_text(entry: PuzzleEntry, report: Report) -> Text:
    """The puzzle's named marks, each with where this run stands against it."""
    marks = sorted(entry.puzzle.marks, key=lambda mark: (mark.metric, mark.value))
    text = Text()
    if not marks:
        return text
    text.append("Marks\n", style="bold")
    for mark in marks:
        mine = report.scores.get(mark.metric)
        sign = "✓" if mine <= mark.value else " "
        text.append(f" {sign} {mark.value:>10,} {mark.metric:<12} ",
                    style="green" if mine <= mark.value else "")
        text.append(f"{mark.label}\n")
    return text


class ResultsScreen(Screen[None]):
    """Shown after a passing run; escape returns to the editor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "app.pop_screen", "Back to the editor", id="back"),
        Binding("w", "bottleneck", "What limits it", id="bottleneck",
                tooltip="Per engine: slots used, the floor they force; the dependency chain"),
    ]

    def __init__(self, entry: PuzzleEntry, solution: str, report: Report,
                 recorded: Recorded | None, program: Program | None = None):
        super().__init__()
        self.program = program
        self.entry = entry
        self.puzzle = entry.puzzle
        self.solution = solution
        self.report = report
        self.recorded = recorded

    def compose(self) -> ComposeResult:
        metrics = list(self.puzzle.metrics)
        yield Header()
        with VerticalScroll(id="results"):
            verdict = Text(f"✓ PASSED  {self.solution}", style="bold green")
            yield Static(verdict, classes="verdict -passed")
            yield Static(Group(scores_line(self.report, metrics), tests_line(self.report)))
            yield Static(comparison_text(self.report, self.recorded, metrics))
            yield Static(marks_text(self.entry, self.report))
            yield Static(id="histograms")
        yield GameFooter()

    def on_mount(self) -> None:
        self.title = self.puzzle.title
        self.sub_title = "results"
        self._draw_histograms()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "bottleneck" or self.program is not None

    def action_bottleneck(self) -> None:
        from game.inputs import generate_memory
        from game.tui.screens.bottleneck import BottleneckScreen

        assert self.program is not None
        puzzle = self.puzzle
        self.app.push_screen(BottleneckScreen(
            f"{puzzle.title}: {self.solution}", self.program, puzzle.machine_config(),
            lambda: generate_memory(puzzle, puzzle.scored_seeds[0])))

    def on_resize(self) -> None:
        self._draw_histograms()

    def _draw_histograms(self) -> None:
        from game.histogram import HistogramError, Point
        from game.histogram_build import puzzle_histogram
        from game.histogram_text import report_lines

        box = self.query_one("#histograms", Static)
        try:
            histogram = puzzle_histogram(self.entry)
        except HistogramError as error:
            box.update(Text(f"the histogram cannot be read: {error}", style="red"))
            return
        point = None
        if self.recorded is not None:
            point = Point(self.recorded.run.content_hash, self.report.scores.as_dict())
        width = max(40, self.size.width - 6)
        box.update(Group(*report_lines(histogram, player=point, marks=self.puzzle.marks,
                                       width=width)))
