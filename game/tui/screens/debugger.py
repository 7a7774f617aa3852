"""The debugger: step through one test of a puzzle, cycle by cycle, and back.

The listing is the solution's text with the bundle about to run marked and
highlighted, and breakpoints in the gutter. Beside it: the cycle counter,
slot use per engine over recent steps, scratch by declared names and memory
by the puzzle's regions, each with the words the last step wrote marked.
Getting ready (checking and decoding a program of 150,000 bundles takes
seconds) and long runs (to a breakpoint, to the end) happen in thread
workers; a run can be interrupted. Closing the screen hands the breakpoints
back to the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from game.tui.debug_session import DebugSession, Stop
from game.tui.highlight import defined_labels
from game.tui.layout import width_class
from game.tui.line_map import LineMap
from game.tui.widgets.code_view import CodeView
from game.tui.widgets.footer import GameFooter
from game.tui.widgets.slot_usage import SlotUsage
from game.tui.widgets.word_grid import Block, WordGrid, blocks_covering, runs_of
from machine.isa import Engine
from machine.results import CoreStatus

if TYPE_CHECKING:
    from game.debug_target import DebugTarget
    from game.pack import Puzzle
    from machine.program import Program

STATE_NAMES = {CoreStatus.RUNNING: "ready", CoreStatus.PAUSED: "paused",
               CoreStatus.STOPPED: "stopped"}
LIVE_REFRESH = 0.1
"""Seconds between updates of the cycle counter during a long run."""
MACHINE_ACTIONS = frozenset({"step", "step_back", "run", "reset", "next_test", "next_core",
                             "toggle_breakpoint"})
"""Actions that touch the session: off while it is being prepared or run by a worker."""


def scratch_blocks(program: Program, vlen: int) -> list[Block]:
    """Declared names first (in address order), then any other scratch the program names."""
    named = [Block(symbol.name, symbol.address, symbol.length) for symbol in program.symbols]
    covered = {addr for block in named for addr in range(block.start, block.start + block.length)}
    others = runs_of(program.scratch_footprint(vlen) - covered, width=vlen)
    return sorted(named + others, key=lambda block: block.start)


@dataclass(frozen=True)
class _Prepared:
    session: DebugSession
    lines: LineMap
    scratch: list[Block]
    memory: list[Block]


class DebuggerScreen(Screen[frozenset[int]]):
    """Dismissed with the breakpoint lines, so the puzzle screen keeps them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "step", "Step", id="step"),
        Binding("b", "step_back", "Back", id="step-back"),
        Binding("c", "run('breakpoint')", "Continue", id="continue"),
        Binding("e", "run('end')", "End", id="run-to-end"),
        Binding("r", "reset", "Reset", id="reset"),
        Binding("space,f9", "toggle_breakpoint", "Break", id="breakpoint"),
        Binding("m", "toggle_view", "Memory", id="scratch-or-memory",
                tooltip="Show scratch or memory"),
        Binding("x", "toggle_hex", "Hex", id="hex"),
        Binding("t", "next_test", "Test", id="next-test"),
        Binding("k", "next_core", "Core", id="next-core"),
        Binding("w", "bottleneck", "What limits it", id="bottleneck",
                tooltip="Per engine: slots used, the floor they force; the dependency chain"),
        Binding("escape", "close", "Close", id="close"),
    ]

    core: reactive[int] = reactive(0, init=False)
    busy: reactive[bool] = reactive(True)
    """True while a worker holds the session (preparing it, or a long run)."""

    def __init__(self, target: DebugTarget, text: str,
                 breakpoints: frozenset[int] = frozenset(), puzzle: Puzzle | None = None):
        super().__init__(classes=width_class(self.app))
        self.target = target
        self.puzzle = puzzle
        """The puzzle being debugged, if any (the manual shows its machine)."""
        self.config = target.config
        self.program = target.program
        self.text = text
        self.breakpoints = breakpoints
        self.test_index = 0
        self._prepared: _Prepared | None = None
        self._preparing: Worker[_Prepared] | None = None
        self._live: Timer | None = None
        self._stop_asked = False

    @property
    def session(self) -> DebugSession:
        assert self._prepared is not None, "the session is being prepared"
        return self._prepared.session

    # --- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Begun before the widgets are made and mounted (about 0.1 s), not once they are:
        # the session is then most often ready when they are (see on_mount).
        self._preparing = self.prepare(self.test_index)
        yield Header()
        with Horizontal(id="debugger"):
            with Vertical(id="code-pane"):
                yield CodeView(self.text, id="listing")
            with Vertical(id="machine-pane"):
                yield Static("getting the machine ready…", id="machine-status")
                yield Static(id="fault")
                yield SlotUsage()
                with TabbedContent(id="views"):
                    with TabPane("Scratch", id="scratch-tab"):
                        yield WordGrid(id="scratch")
                    with TabPane("Memory", id="memory-tab"):
                        yield WordGrid(id="memory")
        yield GameFooter()

    def on_mount(self) -> None:
        self.title = self.target.title
        self.sub_title = "debugger"
        listing = self.query_one("#listing", CodeView)
        listing.mark(labels=defined_labels(self.text), breakpoints=self.breakpoints)
        listing.focus()
        preparing = self._preparing
        if preparing is not None and preparing.state is WorkerState.SUCCESS:
            # Taken now rather than when the worker's message comes: that one is queued
            # behind the screen's first drawing, which would then show it getting ready and
            # be drawn again at once.
            self._prepared = preparing.result
            self.busy = False
            self._show_state()

    @work(thread=True, exclusive=True, group="debug-prepare", exit_on_error=False)
    def prepare(self, test_index: int) -> _Prepared:
        memory = self.target.image(test_index)
        session = DebugSession(self.program, memory, self.config)
        regions = [Block(r.name + ("✓" if r.checked else ""), r.start, r.length)
                   for r in self.target.regions]
        return _Prepared(session, LineMap(self.program),
                         scratch_blocks(self.program, self.config.vlen),
                         blocks_covering(regions, len(memory)))

    # --- drawing the state -----------------------------------------------------------------

    def _show_state(self) -> None:
        prepared = self._prepared
        if prepared is None:
            return
        session = prepared.session
        core = self.core
        last = session.last
        scratch_written = last.scratch_writes[core] if last is not None else {}
        memory_written = last.memory_writes if last is not None else {}
        self.query_one("#scratch", WordGrid).show(prepared.scratch, session.scratch(core),
                                                  scratch_written)
        self.query_one("#memory", WordGrid).show(prepared.memory, session.memory,
                                                 memory_written)
        limits = {engine: self.config.slot_limit(engine) or 0 for engine in Engine
                  if engine is not Engine.DEBUG}
        usage = self.query_one(SlotUsage)
        usage.show(session.recent_usage(usage.columns()), limits)
        pc = session.pc(core)
        running_lines = prepared.lines.lines_of(pc) if not session.finished else frozenset()
        fault = session.fault
        source = self.program.source
        fault_at = source.position(fault.pc, fault.slot) if fault and source else None
        self.query_one("#listing", CodeView).mark(pc_lines=running_lines, fault_at=fault_at)
        box = self.query_one("#fault", Static)
        box.set_class(fault is not None, "-shown")
        box.update(Text(str(fault)) if fault else "")
        if fault_at is not None:
            self.query_one("#listing", CodeView).scroll_to_line(fault_at[0])
        self._show_status()

    def _show_status(self) -> None:
        if self._prepared is None:
            return
        session = self._prepared.session
        tests = self.target.tests
        if self.busy:
            state = "running…"
        elif session.fault is not None:
            state = "faulted"
        else:
            state = STATE_NAMES[session.status(self.core)]
        status = Text()
        status.append(f"cycle {session.cycle:,}", style="bold")
        status.append(f" · step {session.steps:,} · pc {session.pc(self.core)} · ")
        status.append(state, style="bold" if self.busy else "")
        status.append(f"\n{tests[self.test_index]} (test {self.test_index + 1} of"
                      f" {len(tests)})", style="dim")
        if self.config.n_cores > 1:
            status.append(f" · core {self.core} of {self.config.n_cores}", style="dim")
        self.query_one("#machine-status", Static).update(status)

    # --- stepping -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MACHINE_ACTIONS and self.busy:
            return None
        if action == "next_core":
            return self.config.n_cores > 1
        if action == "next_test":
            return len(self.target.tests) > 1
        return True

    def action_step(self) -> None:
        if self.session.step() is None and self.session.fault is None:
            self.notify("the program has stopped; r resets it", timeout=2)
        self._show_state()

    def action_step_back(self) -> None:
        if not self.session.step_back():
            self.notify("no earlier state in the history", timeout=2)
        self._show_state()

    def action_reset(self) -> None:
        self.session.reset()
        self._show_state()

    def action_next_test(self) -> None:
        self.test_index = (self.test_index + 1) % len(self.target.tests)
        self.busy = True
        self.prepare(self.test_index)

    def action_next_core(self) -> None:
        self.core = (self.core + 1) % self.config.n_cores

    def watch_core(self) -> None:
        self._show_state()

    def action_toggle_view(self) -> None:
        views = self.query_one("#views", TabbedContent)
        views.active = "memory-tab" if views.active == "scratch-tab" else "scratch-tab"

    def action_toggle_hex(self) -> None:
        for grid in self.query(WordGrid):
            grid.hex_mode = not grid.hex_mode

    def action_toggle_breakpoint(self) -> None:
        self.toggle_breakpoint(self.query_one("#listing", CodeView).cursor_line)

    @on(CodeView.GutterClicked, "#listing")
    def gutter_clicked(self, event: CodeView.GutterClicked) -> None:
        if not self.busy:
            self.toggle_breakpoint(event.line)

    def toggle_breakpoint(self, line: int) -> None:
        """Toggle a breakpoint on the bundle of `line`, or of the next line holding one."""
        assert self._prepared is not None
        bundle_line = self._prepared.lines.bundle_line_from(line)
        if bundle_line is None:
            self.notify("no bundle on or after this line", timeout=2)
            return
        self.breakpoints = self.breakpoints ^ {bundle_line}
        self.query_one("#listing", CodeView).mark(breakpoints=self.breakpoints)

    def breakpoint_pcs(self) -> frozenset[int]:
        assert self._prepared is not None
        lines = self._prepared.lines
        return frozenset(pc for line in self.breakpoints if (pc := lines.pc_of(line)) is not None)

    # --- long runs -----------------------------------------------------------------------------

    def action_run(self, until: str) -> None:
        if self.session.finished:
            self.notify("the program has stopped; r resets it", timeout=2)
            return
        breakpoints = self.breakpoint_pcs() if until == "breakpoint" else frozenset()
        self.busy = True
        self._stop_asked = False
        self._live = self.set_interval(LIVE_REFRESH, self._show_status)
        self.run_session(breakpoints)

    @work(thread=True, exclusive=True, group="debug-run", exit_on_error=False)
    def run_session(self, breakpoints: frozenset[int]) -> Stop:
        # Stopping is asked through a flag, not by cancelling the worker: the worker then
        # ends only when the thread has let go of the session.
        return self.session.run_until(breakpoints, should_stop=lambda: self._stop_asked)

    @on(Worker.StateChanged)
    def worker_done(self, event: Worker.StateChanged) -> None:
        group = event.worker.group
        if group not in ("debug-run", "debug-prepare") or event.state not in (
                WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if self._live is not None:
            self._live.stop()
            self._live = None
        if event.state is WorkerState.ERROR:
            self.notify(f"internal error: {event.worker.error}", severity="error")
        elif group == "debug-prepare":
            if event.worker.result is self._prepared:
                return  # taken when the screen was mounted
            self._prepared = event.worker.result
        else:
            self._report_stop(event.worker.result)
        self.busy = self._prepared is None
        self._show_state()

    def _report_stop(self, stop: Stop) -> None:
        cycle = f"at cycle {self.session.cycle:,}"
        messages = {Stop.BREAKPOINT: f"breakpoint {cycle}", Stop.PAUSE: f"pause {cycle}",
                    Stop.CANCELLED: f"interrupted {cycle}"}
        if stop in messages:
            self.notify(messages[stop], timeout=2)

    def action_bottleneck(self) -> None:
        from game.tui.screens.bottleneck import BottleneckScreen

        target, index = self.target, self.test_index
        self.app.push_screen(BottleneckScreen(target.title, self.program, self.config,
                                              lambda: target.image(index)))

    def watch_busy(self) -> None:
        self.refresh_bindings()

    def action_close(self) -> None:
        if self.busy and self._prepared is not None:
            self._stop_asked = True
            return
        self.dismiss(self.breakpoints)
