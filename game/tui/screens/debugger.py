"""The debugger: step through one test of a puzzle, cycle by cycle, and back.

The listing is the solution's text in the same editor widget, read-only, with
the bundle about to run highlighted and breakpoints marked. Beside it: the
cycle counter, slot use per engine over recent steps, scratch by declared
names and memory by the puzzle's regions, each with the words the last step
wrote marked. Long runs (to a breakpoint, to the end) go to a thread worker
and can be interrupted. Closing the screen hands the breakpoints back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from game.tui.debug_session import DebugSession, Stop
from game.tui.widgets.asm_editor import AsmEditor
from game.tui.widgets.slot_usage import SlotUsage
from game.tui.widgets.word_grid import Block, WordGrid, blocks_covering, runs_of
from machine.isa import Engine
from machine.simulator import CoreStatus

if TYPE_CHECKING:
    from game.catalog import PuzzleEntry
    from machine.program import Program

STATE_NAMES = {CoreStatus.RUNNING: "ready", CoreStatus.PAUSED: "paused",
               CoreStatus.STOPPED: "stopped"}
LIVE_REFRESH = 0.1
"""Seconds between updates of the cycle counter during a long run."""


def line_map(program: Program) -> tuple[dict[int, int], list[frozenset[int]]]:
    """(line -> bundle index for every line holding a bundle or slot, lines of each bundle)."""
    source = program.source
    to_pc: dict[int, int] = {}
    lines_of: list[frozenset[int]] = []
    if source is None:
        return to_pc, [frozenset() for _ in program.bundles]
    for pc, first in enumerate(source.bundle_lines):
        lines = {first, *(line for line, _ in source.slot_positions[pc])}
        lines_of.append(frozenset(lines))
        for line in lines:
            to_pc.setdefault(line, pc)
    return to_pc, lines_of


def scratch_blocks(program: Program, vlen: int) -> list[Block]:
    """Declared names first (in address order), then any other scratch the program names."""
    named = [Block(symbol.name, symbol.address, symbol.length) for symbol in program.symbols]
    covered = {addr for block in named for addr in range(block.start, block.start + block.length)}
    others = runs_of(program.scratch_footprint(vlen) - covered, width=vlen)
    return sorted(named + others, key=lambda block: block.start)


class DebuggerScreen(Screen[frozenset[int]]):
    """Dismissed with the breakpoint lines, so the puzzle screen keeps them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "step", "Step"),
        Binding("b", "step_back", "Back"),
        Binding("c", "run('breakpoint')", "Continue"),
        Binding("e", "run('end')", "To end"),
        Binding("r", "reset", "Reset"),
        Binding("space,f9", "toggle_breakpoint", "Breakpoint"),
        Binding("m", "toggle_view", "Scratch/Memory"),
        Binding("x", "toggle_hex", "Hex"),
        Binding("t", "next_test", "Test"),
        Binding("k", "next_core", "Core"),
        Binding("escape", "close", "Close"),
    ]

    core: reactive[int] = reactive(0)
    running: reactive[bool] = reactive(False)

    def __init__(self, entry: PuzzleEntry, program: Program, text: str,
                 breakpoints: frozenset[int] = frozenset()):
        super().__init__()
        self.entry = entry
        self.puzzle = entry.puzzle
        self.config = self.puzzle.machine_config()
        self.program = program
        self.text = text
        self.breakpoints = breakpoints
        self.seed_index = 0
        self._line_to_pc, self._bundle_lines = line_map(program)
        self._live: Timer | None = None
        self._stop_asked = False
        self.session = self._new_session()

    def _new_session(self) -> DebugSession:
        from game.inputs import generate_memory

        seed = self.puzzle.scored_seeds[self.seed_index]
        return DebugSession(self.program, generate_memory(self.puzzle, seed), self.config)

    # --- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="debugger"):
            with Vertical(id="code-pane"):
                yield AsmEditor(self.text, read_only=True, id="listing")
            with Vertical(id="machine-pane"):
                yield Static(id="machine-status")
                yield Static(id="fault")
                yield SlotUsage()
                with TabbedContent(id="views"):
                    with TabPane("Scratch", id="scratch-tab"):
                        yield WordGrid(id="scratch")
                    with TabPane("Memory", id="memory-tab"):
                        yield WordGrid(id="memory")
        yield Footer()

    def on_mount(self) -> None:
        from game.inputs import layout
        from game.tui.highlight import defined_labels

        self.title = self.puzzle.title
        self.sub_title = "debugger"
        listing = self.query_one("#listing", AsmEditor)
        listing.labels = defined_labels(self.text)
        listing.breakpoints = self.breakpoints
        self._scratch_blocks = scratch_blocks(self.program, self.config.vlen)
        regions = [Block(r.name + ("✓" if r.checked else ""), r.start, r.length)
                   for r in layout(self.puzzle)]
        self._memory_blocks = blocks_covering(regions, len(self.session.memory))
        self._show_state()
        listing.focus()

    # --- drawing the state -----------------------------------------------------------------

    def _show_state(self) -> None:
        session = self.session
        core = self.core
        last = session.last
        scratch_written = last.scratch_writes[core] if last is not None else {}
        memory_written = last.memory_writes if last is not None else {}
        self.query_one("#scratch", WordGrid).show(self._scratch_blocks, session.scratch(core),
                                                  scratch_written)
        self.query_one("#memory", WordGrid).show(self._memory_blocks, session.memory,
                                                 memory_written)
        limits = {engine: self.config.slot_limit(engine) or 0 for engine in Engine
                  if engine is not Engine.DEBUG}
        usage = self.query_one(SlotUsage)
        usage.show(session.recent_usage(usage.columns()), limits)
        listing = self.query_one("#listing", AsmEditor)
        pc = session.pc(core)
        finished = session.finished
        listing.pc_lines = (self._bundle_lines[pc] if not finished
                            and 0 <= pc < len(self._bundle_lines) else frozenset())
        self._show_status()
        self._show_fault()

    def _show_status(self) -> None:
        session = self.session
        seed = self.puzzle.scored_seeds[self.seed_index]
        status = Text()
        status.append(f"cycle {session.cycle:,}", style="bold")
        status.append(f" · step {session.steps:,} · pc {session.pc(self.core)}")
        if self.running:
            state = "running…"
        elif session.fault is not None:
            state = "faulted"
        else:
            state = STATE_NAMES[session.status(self.core)]
        status.append(f" · {state}", style="bold" if self.running else "")
        status.append(f"\nseed {seed} (test {self.seed_index + 1} of"
                      f" {len(self.puzzle.scored_seeds)})", style="dim")
        if self.config.n_cores > 1:
            status.append(f" · core {self.core} of {self.config.n_cores}", style="dim")
        self.query_one("#machine-status", Static).update(status)

    def _show_fault(self) -> None:
        fault = self.session.fault
        box = self.query_one("#fault", Static)
        box.set_class(fault is not None, "-shown")
        listing = self.query_one("#listing", AsmEditor)
        if fault is None:
            listing.fault_at = None
            return
        box.update(Text(str(fault)))
        source = self.program.source
        listing.fault_at = source.position(fault.pc, fault.slot) if source else None
        if listing.fault_at is not None:
            listing.scroll_to_line(listing.fault_at[0])

    # --- stepping -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"step", "step_back", "run", "reset", "next_test", "toggle_hex",
                      "toggle_breakpoint"} and self.running:
            return None
        if action == "next_core":
            return self.config.n_cores > 1
        if action == "next_test":
            return len(self.puzzle.scored_seeds) > 1
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
        self.seed_index = (self.seed_index + 1) % len(self.puzzle.scored_seeds)
        self.session = self._new_session()
        self._show_state()

    def action_next_core(self) -> None:
        self.core = (self.core + 1) % self.config.n_cores

    def watch_core(self) -> None:
        if self.is_mounted:
            self._show_state()

    def action_toggle_view(self) -> None:
        views = self.query_one("#views", TabbedContent)
        views.active = "memory-tab" if views.active == "scratch-tab" else "scratch-tab"

    def action_toggle_hex(self) -> None:
        for grid in self.query(WordGrid):
            grid.hex_mode = not grid.hex_mode

    def action_toggle_breakpoint(self) -> None:
        listing = self.query_one("#listing", AsmEditor)
        line = listing.cursor_location[0] + 1
        bundle_line = self._bundle_line_at_or_after(line)
        if bundle_line is None:
            self.notify("no bundle on or after this line", timeout=2)
            return
        self.breakpoints = self.breakpoints ^ {bundle_line}
        listing.breakpoints = self.breakpoints

    def _bundle_line_at_or_after(self, line: int) -> int | None:
        if line in self._line_to_pc:
            return line
        later = [candidate for candidate in self._line_to_pc if candidate > line]
        return min(later) if later else None

    def breakpoint_pcs(self) -> frozenset[int]:
        return frozenset(self._line_to_pc[line] for line in self.breakpoints
                         if line in self._line_to_pc)

    # --- long runs -----------------------------------------------------------------------------

    def action_run(self, until: str) -> None:
        if self.session.finished:
            self.notify("the program has stopped; r resets it", timeout=2)
            return
        breakpoints = self.breakpoint_pcs() if until == "breakpoint" else frozenset()
        self.running = True
        self._stop_asked = False
        self._live = self.set_interval(LIVE_REFRESH, self._show_status)
        self.run_session(breakpoints)

    @work(thread=True, exclusive=True, group="debug-run")
    def run_session(self, breakpoints: frozenset[int]) -> Stop:
        # Stopping is asked through a flag, not by cancelling the worker: the worker then
        # ends only when the thread has let go of the session.
        return self.session.run_until(breakpoints, should_stop=lambda: self._stop_asked)

    @on(Worker.StateChanged)
    def run_ended(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "debug-run" or event.state not in (WorkerState.SUCCESS,
                                                                     WorkerState.ERROR):
            return
        if self._live is not None:
            self._live.stop()
            self._live = None
        self.running = False
        if event.state is WorkerState.SUCCESS:
            stop: Stop = event.worker.result
            if stop is Stop.BREAKPOINT:
                self.notify(f"breakpoint at cycle {self.session.cycle:,}", timeout=2)
            elif stop is Stop.CANCELLED:
                self.notify(f"interrupted at cycle {self.session.cycle:,}", timeout=2)
            elif stop is Stop.PAUSE:
                self.notify(f"pause at cycle {self.session.cycle:,}", timeout=2)
        elif event.state is WorkerState.ERROR:
            self.notify(f"internal error: {event.worker.error}", severity="error")
        self._show_state()

    def watch_running(self) -> None:
        self.refresh_bindings()

    def action_close(self) -> None:
        if self.running:
            self._stop_asked = True
            return
        self.dismiss(self.breakpoints)
