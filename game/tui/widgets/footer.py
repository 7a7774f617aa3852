"""The footer of every screen: how to quit and how to get help come first, always.

Textual's Footer lists the keys of the focused widget, then the screen's, then
the app's, and cuts what does not fit; on a narrow terminal the app's keys
(quit, the manual) were the ones cut. This footer puts them first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST_ACTIONS = ("quit", "manual")
"""Actions of the app's bindings shown before any other key."""


class GameFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [w for action in FIRST_ACTIONS for w in widgets
                 if isinstance(w, FooterKey) and w.action == action]
        yield from first
        yield from (w for w in widgets if w not in first)
        self.styles.grid_size_columns = len(widgets)
