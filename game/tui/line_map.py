"""Which lines of a solution hold which bundle, worked out when asked.

The debugger marks the lines of the bundle about to run and turns a breakpoint's
line into a bundle index. A program may hold 150,000 bundles and the player looks
at a few, so nothing here walks the whole program: bundles begin on increasing
lines (one bundle per line, its `||` continuation lines before the next one), and
a line's bundle is found by bisection.
"""

from __future__ import annotations

from bisect import bisect_right

from machine.program import Program


class LineMap:
    def __init__(self, program: Program):
        source = program.source
        self._starts = source.bundle_lines if source is not None else ()
        self._slots = source.slot_positions if source is not None else ()

    def lines_of(self, pc: int) -> frozenset[int]:
        """The lines bundle `pc` is written on (none for a program without its text)."""
        if not 0 <= pc < len(self._starts):
            return frozenset()
        return frozenset({self._starts[pc], *(line for line, _ in self._slots[pc])})

    def pc_of(self, line: int) -> int | None:
        """The bundle written on `line`, if any."""
        pc = bisect_right(self._starts, line) - 1
        return pc if pc >= 0 and line in self.lines_of(pc) else None

    def bundle_line_from(self, line: int) -> int | None:
        """`line` if a bundle is written on it, else the next line that holds one."""
        pc = bisect_right(self._starts, line) - 1
        later = [n for n in self.lines_of(pc) if n >= line]
        if later:
            return min(later)
        return self._starts[pc + 1] if pc + 1 < len(self._starts) else None
