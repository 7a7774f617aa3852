"""The sandbox screen: any machine, hand-edited memory, no checking, for experiments.

The program is edited on the left, assembled as you type against the
sandbox's machine; the machine and the memory texts (read by `game.sandbox`)
are tabs on the right. Ctrl+R runs the program headless (pausing off) in a
worker that can be interrupted, and shows the cycles, any fault, the trace,
the final memory with every changed word marked and core 0's scratch. Ctrl+G
opens the debugger on the same machine and memory. Nothing is compared with
anything. The three texts are kept in the data folder (``<home>/sandbox/``),
a moment after each change, so F5 opens the sandbox as it was left, even after
the game was closed; the first time, it holds a small example. Opened over a
puzzle (F5 on the browser, a puzzle or the debugger), Ctrl+O replaces the
machine and the memory with that puzzle's machine and the input of its first
scored seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static, TabbedContent, TabPane, TextArea
from textual.worker import Worker, WorkerState, get_current_worker

from game.paths import atomic_write_text
from game.sandbox import (
    DEFAULT_MEMORY,
    DEFAULT_PROGRAM,
    MemoryRegion,
    SandboxError,
    SandboxFiles,
    SandboxMachine,
    debug_target,
    flatten,
    machine_text,
    parse_machine,
    parse_memory,
    puzzle_memory_text,
)
from game.tui.assembly import Assembly, assemble, counted
from game.tui.widgets.asm_editor import AsmEditor
from game.tui.widgets.footer import GameFooter
from game.tui.widgets.word_grid import Block, WordGrid, blocks_covering
from machine.config import MachineConfig
from machine.simulator import Simulator

if TYPE_CHECKING:
    from game.pack import Puzzle
    from machine.program import Program
    from machine.results import RunResult

T = TypeVar("T")

ASSEMBLE_AFTER = 0.3
"""Seconds of quiet typing before the texts are read again."""
CANCEL_CHECK_STEPS = 4096


# --- the screen ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Outcome:
    result: RunResult
    initial: list[int]
    scratch: list[int]
    interrupted: bool


class SandboxScreen(Screen[None]):
    """Program on the left; machine, memory and the last run's result on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run", "Run", id="run", priority=True,
                tooltip="Run to the end; nothing checked"),
        Binding("ctrl+g", "debug", "Debug", id="debug", priority=True,
                tooltip="Step through the run"),
        Binding("ctrl+o", "from_puzzle", "From puzzle", id="from-puzzle",
                tooltip="The machine and a test input of the puzzle the sandbox was opened over"),
        Binding("escape", "close", "Close", id="close", priority=True),
    ]

    def __init__(self, home: Path, puzzle: Puzzle | None = None):
        super().__init__()
        self.files = SandboxFiles.in_home(home)
        self.origin = puzzle
        """The puzzle it was opened over, if any. (Not `puzzle`: the manual would show
        that puzzle's machine, while the sandbox runs its own.)"""
        self._timer: Timer | None = None
        self.machine: SandboxMachine | None = None
        self.regions: list[MemoryRegion] | None = None
        self.assembly: Assembly | None = None
        self.breakpoints: frozenset[int] = frozenset()

    def _saved(self, path: Path, default: Callable[[], str]) -> str:
        """The text kept from the last session, else `default()`."""
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return default()

    def compose(self) -> ComposeResult:
        machine = self._saved(self.files.machine, machine_text)
        memory = self._saved(self.files.memory, lambda: DEFAULT_MEMORY)
        yield Header()
        with Horizontal(id="sandbox"):
            with Vertical(id="sandbox-program-pane"):
                yield AsmEditor(self._saved(self.files.program, lambda: DEFAULT_PROGRAM),
                                id="sandbox-program")
                yield Static(id="sandbox-problems")
            with TabbedContent(id="sandbox-tabs"):
                with TabPane("Machine", id="machine-tab"):
                    yield TextArea(machine, id="sandbox-machine", soft_wrap=False)
                    yield Static(id="machine-problems", classes="text-problems")
                with TabPane("Memory", id="memory-tab"):
                    yield TextArea(memory, id="sandbox-memory", soft_wrap=False)
                    yield Static(id="memory-problems", classes="text-problems")
                with TabPane("Result", id="result-tab"):
                    yield Static("Ctrl+R runs the program.", id="sandbox-status")
                    yield Static("Memory", classes="grid-title")
                    yield WordGrid(id="sandbox-memory-grid")
                    yield Static("Scratch of core 0", classes="grid-title")
                    yield WordGrid(id="sandbox-scratch-grid")
        yield GameFooter()

    def on_mount(self) -> None:
        self.title = "Sandbox"
        self.sub_title = "any machine, your own memory, nothing checked"
        self.editor.focus()
        self.read_texts()

    @property
    def editor(self) -> AsmEditor:
        return self.query_one("#sandbox-program", AsmEditor)

    def text(self, which: str) -> str:
        return self.query_one(f"#sandbox-{which}", TextArea).text

    # --- reading the texts ---------------------------------------------------------------

    @on(TextArea.Changed)
    def text_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(ASSEMBLE_AFTER, self.read_texts)

    def read_texts(self) -> None:
        """Save the texts; read the machine and the memory; assemble the program for them."""
        self._timer = None
        self.save()
        self.machine = self._read("machine", parse_machine)
        self.regions = self._read("memory", parse_memory)
        if self.machine is None:
            self.assembly = None
            self._show_problems(Text("fix the machine first (Machine tab)"), ok=False)
            return
        self.assembly = assemble(self.editor.text, None, self.machine.config)
        self.editor.mark(errors=self.assembly.marks())
        summary = self.assembly.summary(self.machine.config.vlen)
        self._show_problems(Text(summary), ok=self.assembly.ok)

    def _read(self, which: str, parse: Callable[[str], T]) -> T | None:
        box = self.query_one(f"#{which}-problems", Static)
        try:
            value = parse(self.text(which))
        except SandboxError as error:
            box.update(Text(f"✗ {error}"))
            box.set_class(True, "-error")
            return None
        box.update("")
        box.set_class(False, "-error")
        return value

    def _show_problems(self, text: Text, *, ok: bool) -> None:
        box = self.query_one("#sandbox-problems", Static)
        box.update(text)
        box.set_class(not ok, "-error")
        box.set_class(ok, "-ok")

    def _ready(self) -> tuple[Program, SandboxMachine, list[MemoryRegion]] | None:
        """Everything a run needs, or None after saying what is wrong."""
        if self._timer is not None:
            self._timer.stop()
        self.read_texts()
        if self.machine is None or self.regions is None:
            tab = "machine-tab" if self.machine is None else "memory-tab"
            self.query_one("#sandbox-tabs", TabbedContent).active = tab
            self.notify("fix the problem in this tab first", severity="warning")
            return None
        if self.assembly is None or not self.assembly.ok or self.assembly.program is None:
            self.notify("fix the program's problems first", severity="warning")
            return None
        return self.assembly.program, self.machine, self.regions

    # --- running ---------------------------------------------------------------------------

    def action_run(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        program, machine, regions = ready
        self.query_one("#sandbox-status", Static).update("running…")
        self.query_one("#sandbox-tabs", TabbedContent).active = "result-tab"
        self.run_program(program, machine.config, flatten(regions))

    @work(thread=True, exclusive=True, group="sandbox-run")
    def run_program(self, program: Program, config: MachineConfig,
                    memory: list[int]) -> _Outcome:
        worker = get_current_worker()
        simulator = Simulator(program, memory, config)
        steps = 0
        while simulator.step() is not None:
            steps += 1
            if steps % CANCEL_CHECK_STEPS == 0 and worker.is_cancelled:
                break
        return _Outcome(simulator.result(), memory, list(simulator.cores[0].scratch),
                        worker.is_cancelled)

    @on(Worker.StateChanged)
    def run_finished(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "sandbox-run" or event.state not in (WorkerState.SUCCESS,
                                                                       WorkerState.ERROR):
            return
        status = self.query_one("#sandbox-status", Static)
        if event.state is WorkerState.ERROR:
            status.update(Text(f"internal error: {event.worker.error}", style="bold red"))
            return
        self.show_outcome(event.worker.result)

    def show_outcome(self, outcome: _Outcome) -> None:
        from game.tui.screens.debugger import scratch_blocks

        result = outcome.result
        status = Text()
        if outcome.interrupted:
            status.append(f"interrupted at cycle {result.cycles:,}", style="bold")
        elif result.fault is not None:
            status.append(str(result.fault), style="bold red")
        else:
            status.append(f"ran to the end in {result.cycles:,} cycles", style="bold")
        changed = {address for address, (before, after)
                   in enumerate(zip(outcome.initial, result.memory, strict=True))
                   if before != after}
        status.append(f"\n{counted(len(changed), 'memory word')} changed (marked)")
        for core, trace in enumerate(result.traces):
            if trace:
                shown = " ".join(map(str, trace[:16])) + (" …" if len(trace) > 16 else "")
                status.append(f"\ntrace of core {core}: {shown}")
        self.query_one("#sandbox-status", Static).update(status)
        if result.fault is not None and self.assembly and self.assembly.program:
            source = self.assembly.program.source
            at = source.position(result.fault.pc, result.fault.slot) if source else None
            self.editor.mark(fault_at=at)
        else:
            self.editor.mark(fault_at=None)
        regions = self.regions or []
        blocks = [Block(r.name, r.start, len(r.words)) for r in regions]
        self.query_one("#sandbox-memory-grid", WordGrid).show(
            blocks_covering(blocks, len(result.memory)), result.memory, changed)
        program = self.assembly.program if self.assembly else None
        vlen = self.machine.config.vlen if self.machine else 8
        scratch = scratch_blocks(program, vlen) if program is not None else []
        self.query_one("#sandbox-scratch-grid", WordGrid).show(scratch, outcome.scratch)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "from_puzzle":
            return self.origin is not None
        return True

    def action_from_puzzle(self) -> None:
        """Replace the machine and the memory with the puzzle's (the program stays)."""
        assert self.origin is not None
        self.query_one("#sandbox-machine", TextArea).load_text(machine_text(self.origin))
        self.query_one("#sandbox-memory", TextArea).load_text(puzzle_memory_text(self.origin))
        self.notify(f"the machine and the input of seed {self.origin.scored_seeds[0]}"
                    f" of {self.origin.title}", timeout=3)

    # --- debugging, saving, leaving --------------------------------------------------------------

    def action_debug(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        program, machine, regions = ready
        if not any(region.words for region in regions):
            self.notify("the debugger needs at least one word of memory", severity="warning")
            return
        from game.tui.screens.debugger import DebuggerScreen

        screen = DebuggerScreen(debug_target(program, regions, machine), self.editor.text,
                                self.breakpoints)

        def keep_breakpoints(lines: frozenset[int] | None) -> None:
            if lines is not None:
                self.breakpoints = lines
                self.editor.mark(breakpoints=lines)

        self.app.push_screen(screen, keep_breakpoints)

    def save(self) -> None:
        """Keep the three texts in the data folder."""
        texts = {self.files.program: self.editor.text,
                 self.files.machine: self.text("machine"),
                 self.files.memory: self.text("memory")}
        try:
            for path, text in texts.items():
                atomic_write_text(path, text)
        except OSError as error:
            self.notify(f"the sandbox cannot be saved: {error}", severity="warning")

    def action_close(self) -> None:
        self.workers.cancel_group(self, "sandbox-run")
        if self._timer is not None:
            self._timer.stop()
            self.save()
        self.dismiss()
