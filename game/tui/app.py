"""The game in the terminal: `vliw play`.

Screens, one module each under `game.tui.screens`: the browser (packs and
puzzles), a puzzle (solutions, editor, run), the debugger, the results and
the manual. The app only routes between them; what they share is the
`GameContext` (packs, the player's solutions and scores). Every binding has an
id, and `keymap.toml` in the data folder rebinds them (`game.tui.settings`).
"""

from __future__ import annotations

import asyncio
import gc
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from game.tui.commands import PuzzleCommands
from game.tui.context import GameContext
from game.tui.layout import HORIZONTAL_BREAKPOINTS
from game.tui.screens.browser import BrowserScreen
from game.tui.threads import run_workers_in_job_contexts

YOUNG_COLLECTION_EVERY = 20_000
"""Objects made between two collections of the youngest generation (Python's default is
700). Opening a screen makes tens of thousands of widgets, styles and drawn lines that live
as long as it: collected every 700, they were traversed again and again on their way to the
oldest generation, which then filled up and set off a full collection (60 to 90 ms) in
every second or third puzzle opened."""


class VliwApp(App[None]):
    """Browse puzzles, write solutions, run and debug them, see the scores."""

    TITLE = "vliw"
    SUB_TITLE = "a puzzle game on a VLIW SIMD machine"
    CSS_PATH = "vliw.tcss"
    COMMANDS = App.COMMANDS | {PuzzleCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "manual", "Manual", id="manual",
                tooltip="Help: every operation, and this machine's limits"),
        Binding("f5", "sandbox", "Sandbox", id="sandbox", priority=True,
                tooltip="Any machine, your own memory, no checks"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = HORIZONTAL_BREAKPOINTS

    def __init__(self, context: GameContext | None = None):
        super().__init__()
        self.context = context or GameContext()
        self._thresholds = gc.get_threshold()

    def on_load(self) -> None:
        gc.set_threshold(YOUNG_COLLECTION_EVERY, *self._thresholds[1:])
        run_workers_in_job_contexts(asyncio.get_running_loop())

    def on_unmount(self) -> None:
        gc.set_threshold(*self._thresholds)  # as they were, for whatever runs after the game

    def on_mount(self) -> None:
        self.push_screen(BrowserScreen(self.context))
        self.call_after_refresh(self.apply_keymap)

    @work(thread=True, group="keymap")
    def apply_keymap(self) -> None:
        """The player's keymap file, read after the first frame, off the path to it."""
        from game.tui.settings import KEYMAP_NAME, load_keymap

        if not (self.context.home / KEYMAP_NAME).exists():
            return  # nothing to check against every binding id, which imports every screen
        from game.tui.keys import binding_ids

        keymap, problems = load_keymap(self.context.home, binding_ids())
        self.call_from_thread(self._use_keymap, keymap, problems)

    def _use_keymap(self, keymap: dict[str, str], problems: list[str]) -> None:
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title="Keymap", severity="warning", timeout=10)

    def open_puzzle(self, puzzle_id: str) -> None:
        """Open a puzzle's editor over the browser, in place of any puzzle shown before."""
        from game.tui.screens.puzzle import PuzzleScreen

        needs = self.context.locked.get(puzzle_id)
        if needs:
            self.notify(f"{puzzle_id} is locked: solve {', '.join(needs)} first, or unlock"
                        " every puzzle with u in the list of puzzles", severity="warning")
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, BrowserScreen):
            self.pop_screen()
        self.push_screen(PuzzleScreen(self.context, puzzle_id))

    def action_manual(self) -> None:
        from game.tui.screens.manual import ManualScreen

        if isinstance(self.screen, ManualScreen):
            return
        self.push_screen(ManualScreen(getattr(self.screen, "puzzle", None)))

    def action_sandbox(self) -> None:
        """The sandbox, from the puzzle on screen if there is one."""
        from game.tui.screens.sandbox import SandboxScreen

        if not isinstance(self.screen, SandboxScreen):
            self.push_screen(SandboxScreen(self.context.home, getattr(self.screen, "puzzle", None)))
