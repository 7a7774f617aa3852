"""How a line of `.vasm` looks: colours by token, and the marks a line may carry.

The editor and the debugger's listing both draw `.vasm` lines; they share
this one function and one set of component classes (styled in vliw.tcss
under the `asm` class both widgets carry), so they can never colour the same
text differently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from game.tui.highlight import Token, line_spans
from machine.isa import Engine

MARKS = ("error", "breakpoint", "pc", "fault")
ASM_COMPONENTS: frozenset[str] = frozenset(
    {f"asm--{kind.name.lower()}" for kinds in (Token, Engine) for kind in kinds}
    | {f"asm--{mark}" for mark in MARKS})
_WORD_END = re.compile(r"[^\s,|#]*")


@dataclass(frozen=True)
class LineMarks:
    """What is marked on which (1-based) line, beyond the colours of the text itself."""

    labels: frozenset[str] = frozenset()
    """Names defined as labels: jump targets naming them are coloured as labels."""
    errors: tuple[tuple[int, int], ...] = ()
    """(line, column) of each problem the assembler reported."""
    breakpoints: frozenset[int] = frozenset()
    pc_lines: frozenset[int] = frozenset()
    """Lines of the bundle that runs next."""
    fault_at: tuple[int, int] | None = None
    """(line, column) of the slot that faulted."""


def decorate(line: Text, number: int, marks: LineMarks,
             style_of: Callable[[str], Style]) -> None:
    """Colour one line of text in place; `style_of` maps a component name to a style."""
    plain = line.plain
    if number in marks.breakpoints:
        line.stylize(style_of("asm--breakpoint"))
    if number in marks.pc_lines:
        line.stylize(style_of("asm--pc"))
    for span in line_spans(plain, marks.labels):
        line.stylize(style_of(f"asm--{span.token.name.lower()}"), span.start, span.end)
    for error_line, column in marks.errors:
        if error_line == number:
            _mark_word(line, column, style_of("asm--error"))
    if marks.fault_at is not None and marks.fault_at[0] == number:
        _mark_word(line, marks.fault_at[1], style_of("asm--fault"))


def _mark_word(line: Text, column: int, style: Style) -> None:
    start = max(0, min(column - 1, len(line.plain)))
    match = _WORD_END.match(line.plain, start)
    end = match.end() if match and match.end() > start else start + 1
    line.stylize(style, start, end)
