"""After a pass: the scores against the player's previous best, the marks, the histograms.

With a board configured (`board_url` in the settings, or VLIW_BOARD_URL) its
histogram is fetched in a worker and drawn under the offline one, and a key
submits the file just run. The board never holds the screen up: its requests
run off the UI thread with short time limits, and a board that cannot be
reached is one quiet line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState

from game.tui.widgets.board_view import BoardView, answer_text, board_lines
from game.tui.widgets.footer import GameFooter
from game.tui.widgets.run_report import scores_line, tests_line

if TYPE_CHECKING:
    from game.board.client import Answer
    from game.catalog import PuzzleEntry
    from game.histogram import Histogram, Point
    from game.scoring import Report
    from game.store import Recorded
    from machine.program import Program

FETCH_TIMEOUT = 5.0
"""Seconds to wait for the board's histogram before saying it cannot be reached."""
SUBMIT_TIMEOUT = 45.0
"""Seconds to wait for a verdict: the board validates first (its own limit is 30 s)."""


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
        Binding("b", "submit_board", "Submit to board", id="submit-board",
                tooltip="Send this program to the shared board, which scores it itself"),
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
        self.board_url: str | None = None
        self.board_histogram: Histogram | None = None

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
            self.board_url = self._configured_board()
            if self.board_url is not None:
                yield BoardView(self.board_url, id="board")
        yield GameFooter()

    def on_mount(self) -> None:
        self.title = self.puzzle.title
        self.sub_title = "results"
        self._draw_histograms()
        if self.board_url is not None:
            self.fetch_board(self.board_url)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "bottleneck":
            return self.program is not None
        if action == "submit_board":
            if self.board_url is None or self._solution_path() is None:
                return False
            return None if self._submitting() else True
        return True

    def _configured_board(self) -> str | None:
        from game.tui.app import VliwApp

        app = self.app
        return app.context.settings.board() if isinstance(app, VliwApp) else None

    def _solution_path(self) -> Path | None:
        """The file that was run, where the player's solutions are kept."""
        from game.tui.app import VliwApp

        app = self.app
        if not isinstance(app, VliwApp):
            return None
        return app.context.solutions.path(self.entry.id, self.solution)

    def _submitting(self) -> bool:
        return any(worker.group == "board-submit" and worker.is_running
                   for worker in self.workers)

    @work(thread=True, exclusive=True, group="board-fetch", exit_on_error=False)
    def fetch_board(self, url: str) -> Histogram:
        from game.board.client import fetch_histogram

        return fetch_histogram(url, self.entry.id, timeout=FETCH_TIMEOUT)

    def action_submit_board(self) -> None:
        path = self._solution_path()
        if self.board_url is None or path is None or self._submitting():
            return
        self.query_one(BoardView).show(note=Text(f"submitting {self.solution}…", style="dim"))
        self.submit_board(self.board_url, path)
        self.refresh_bindings()

    @work(thread=True, group="board-submit", exit_on_error=False)
    def submit_board(self, url: str, path: Path) -> Answer:
        from game.board.client import BoardError, submit

        try:
            program = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise BoardError(f"{path}: cannot be read: {error}") from None
        return submit(url, self.entry.id, program, timeout=SUBMIT_TIMEOUT)

    @on(Worker.StateChanged)
    def board_answered(self, event: Worker.StateChanged) -> None:
        """A board request ended: draw what came back, or say in one line why nothing did."""
        worker = event.worker
        if worker.group not in ("board-fetch", "board-submit") or event.state not in (
                WorkerState.SUCCESS, WorkerState.ERROR):
            return
        view = self.query_one(BoardView)
        if worker.group == "board-submit":
            self.refresh_bindings()
        if event.state is WorkerState.ERROR:
            view.show(note=Text(f"board: {worker.error}", style="dim"))
        elif worker.group == "board-fetch":
            self.board_histogram = worker.result
            self._draw_board()
        else:
            view.show(note=answer_text(worker.result))
            if worker.result.data.get("new") is True and self.board_url is not None:
                self.fetch_board(self.board_url)

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
        self._draw_board()

    def _player_point(self) -> Point | None:
        from game.histogram import Point

        if self.recorded is None:
            return None
        return Point(self.recorded.run.content_hash, self.report.scores.as_dict())

    def _width(self) -> int:
        return max(40, self.size.width - 6)

    def _draw_board(self) -> None:
        if self.board_url is None or self.board_histogram is None:
            return
        self.query_one(BoardView).show(board_lines(
            self.board_url, self.board_histogram, player=self._player_point(),
            marks=self.puzzle.marks, width=self._width()))

    def _draw_histograms(self) -> None:
        from game.histogram import HistogramError
        from game.histogram_build import puzzle_histogram
        from game.histogram_text import report_lines

        box = self.query_one("#histograms", Static)
        try:
            histogram = puzzle_histogram(self.entry)
        except HistogramError as error:
            box.update(Text(f"the histogram cannot be read: {error}", style="red"))
            return
        box.update(Group(*report_lines(histogram, player=self._player_point(),
                                       marks=self.puzzle.marks, width=self._width())))
