"""Every binding id of the game, for checking a player's keymap and listing it in the manual."""

from __future__ import annotations

from textual.binding import Binding


def all_bindings() -> list[Binding]:
    """The bindings of the app, its screens and its own widgets, in that order."""
    from game.tui.app import VliwApp
    from game.tui.screens.browser import BrowserScreen
    from game.tui.screens.debugger import DebuggerScreen
    from game.tui.screens.dialogs import ConfirmDialog, NameDialog
    from game.tui.screens.manual import ManualScreen
    from game.tui.screens.puzzle import PuzzleScreen
    from game.tui.screens.results import ResultsScreen
    from game.tui.screens.sandbox import SandboxScreen
    from game.tui.widgets.code_view import CodeView

    owners = (VliwApp, BrowserScreen, PuzzleScreen, DebuggerScreen, ResultsScreen,
              SandboxScreen, ManualScreen, NameDialog, ConfirmDialog, CodeView)
    return [binding for owner in owners for binding in owner.BINDINGS
            if isinstance(binding, Binding)]


def binding_ids() -> frozenset[str]:
    return frozenset(binding.id for binding in all_bindings() if binding.id)
