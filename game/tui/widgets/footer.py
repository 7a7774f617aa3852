"""The footer of every screen: how to quit and how to get help come first, always.

Textual's Footer lists the keys of the focused widget, then the screen's, then
the app's, and cuts what does not fit; on a narrow terminal the app's keys
(quit, the manual) were the ones cut. This footer puts them first.

Textual's Footer also builds all its keys again whenever the screen's bindings
may have changed: on every focus change, every `refresh_bindings`. That is
20 to 30 ms a time with a screen's dozen keys; opening the debugger set it off
six times, where its keys change once (enabled when the session is ready).
This one builds them again only when what it would show differs from what it
shows, and makes each key as it will be shown: Textual's keys start compact and
are made wide once mounted, which styled each of them three times; the two
extra times were a third of the styling the debugger's screen costs when it opens.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST_ACTIONS = ("quit", "manual")
"""Actions of the app's bindings shown before any other key."""


class GameFooter(Footer):
    _shown: tuple[object, ...] | None = None
    """What the keys were built from (`_keys_to_show`) at the last compose."""

    def _keys_to_show(self) -> tuple[object, ...] | None:
        """What Footer.compose reads: each shown binding and the command palette's, whether
        it is enabled, its tooltip (None until the screen's bindings are ready, when it
        shows no key). Not which widget a binding comes from: focus moving from one widget
        to another with no shown keys of its own changes nothing shown."""
        if not self._bindings_ready:
            return None
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (*((binding, enabled, tooltip) for _, binding, enabled, tooltip
                  in active.values() if binding.show),
                palette[1:] if palette is not None else None)

    def compose(self) -> ComposeResult:
        self._shown = self._keys_to_show()
        widgets = list(super().compose())
        for widget in widgets:
            if isinstance(widget, FooterKey):
                # A key starts compact without the class that says so; mounted, it gets the
                # class, then (bound to ours, as every key but the palette's is) loses it
                # again: each change styles it again. Made as it will be, it is styled once.
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
        first = [w for action in FIRST_ACTIONS for w in widgets
                 if isinstance(w, FooterKey) and w.action == action]
        yield from first
        yield from (w for w in widgets if w not in first)
        self.styles.grid_size_columns = len(widgets)

    async def recompose(self) -> None:
        if self.is_attached and self._keys_to_show() != self._shown:
            await super().recompose()
