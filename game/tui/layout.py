"""The two widths the screens are laid out for, and the class naming the current one.

Textual gives a screen its width class (`-narrow`, `-wide`) on its first resize,
after its first frame: every widget is then styled and laid out again and the
screen drawn once more. A screen that takes the class when it is made skips that.
"""

from __future__ import annotations

from textual.app import App

WIDE_FROM = 110
"""Columns from which the screens use the wide layout."""
HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] = [(0, "-narrow"), (WIDE_FROM, "-wide")]


def width_class(app: App[object]) -> str:
    """The class Textual would give a screen at the app's current width."""
    return "-wide" if app.size.width >= WIDE_FROM else "-narrow"
