"""What limits my score: the floors of a program's run, one key away in results and debugger.

Straight-line code is measured without running it (every bundle once); the
engines' floors come at once, the dependency chain a moment later. Code that
jumps is run once on the given memory, in a worker, to count what it executed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import get_current_worker

from game.tui.widgets.bottleneck_view import BottleneckView
from game.tui.widgets.footer import GameFooter
from machine.bottleneck import Bottleneck, analyse, critical_path, execute, is_straight_line
from machine.config import MachineConfig
from machine.program import Program


class BottleneckScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,w", "app.pop_screen", "Close", id="close"),
    ]

    def __init__(self, title: str, program: Program, config: MachineConfig,
                 memory: Callable[[], list[int]]):
        super().__init__()
        self.heading = title
        self.program = program
        self.config = config
        self.memory = memory
        """The input a run of code that jumps is measured on."""
        self.bottleneck: Bottleneck | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="bottleneck"):
            yield BottleneckView(Text("measuring…"), id="bottleneck-view")
        yield GameFooter()

    def on_mount(self) -> None:
        self.title = self.heading
        self.sub_title = "what limits the cycles"
        if is_straight_line(self.program):
            # The floors take tens of milliseconds even on the 147,734-cycle baseline: drawn
            # at once. In a worker thread they shared the interpreter with the screen's own
            # drawing and took ten times as long.
            self._show(analyse(self.program, self.config, with_path=False), True)
            # The chain is pure Python in a thread: begun after the floors are on screen,
            # not while they are being drawn.
            self.call_after_refresh(self.measure)
        else:
            self.measure()

    @work(thread=True, exclusive=True, group="bottleneck")
    def measure(self) -> None:
        worker = get_current_worker()
        quick = self.bottleneck
        if quick is not None:  # straight-line code, its floors drawn: the dependency chain
            path = critical_path(self.program, self.config)
            if not worker.is_cancelled:
                full = Bottleneck(quick.cycles, quick.engines, path)
                self.app.call_from_thread(self._show, full, False)
            return
        self.app.call_from_thread(self._say, "running the program once to count what it"
                                             " executes…")
        executed = execute(self.program, self.memory(), self.config,
                           should_stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, analyse(self.program, self.config, executed),
                                      False)

    def _view(self) -> BottleneckView | None:
        """The view, or None once the screen is closing: a worker's answer may arrive after
        the view is removed and before the screen itself is."""
        views = self.query(BottleneckView) if self.is_attached else ()
        return next(iter(views), None)

    def _say(self, text: str) -> None:
        if (view := self._view()) is not None:
            view.update(Text(text))

    def _show(self, bottleneck: Bottleneck, path_pending: bool) -> None:
        self.bottleneck = bottleneck
        if (view := self._view()) is not None:
            view.show(bottleneck, path_pending=path_pending)
