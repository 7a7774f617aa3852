"""Assembling the editor's text as the player types: the real assembler, then the machine.

The editor shows exactly what `vliw check` would refuse: the text goes through
`machine.loader.parse_program` (the loader `vliw check` uses) and then
`machine.program.validate` against the puzzle's machine (the check
`game.scoring` starts with). This module knows nothing of Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from machine.config import MachineConfig
from machine.program import Problem, Program, ProgramError, validate


@dataclass(frozen=True)
class Assembly:
    """The outcome of assembling one text: a program that may run, or its problems."""

    program: Program | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and self.program is not None

    def marks(self) -> tuple[tuple[int, int], ...]:
        """(line, column) of each located problem, for the editor."""
        return tuple((p.line, p.column or 1) for p in self.problems if p.line is not None)

    def summary(self, vlen: int) -> str:
        """One line: the first problem, or what the program costs so far."""
        if self.problems:
            first = self.problems[0]
            where = f"line {first.line}:{first.column or 1}: " if first.line is not None else ""
            more = len(self.problems) - 1
            return f"✗ {where}{first.message}" + (f"  (+{more} more)" if more else "")
        assert self.program is not None
        program = self.program
        return (f"✓ {counted(len(program), 'bundle')}"
                f" · {counted(program.instruction_count(), 'instruction')}"
                f" · {counted(len(program.scratch_footprint(vlen)), 'scratch word')}")


def counted(count: int, noun: str) -> str:
    """'1 bundle', '2 bundles', '1,024 bundles'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def assemble(text: str, path: str | None, config: MachineConfig) -> Assembly:
    from machine.loader import parse_program

    try:
        program = parse_program(text, path)
    except ProgramError as error:
        return Assembly(None, tuple(error.problems))
    return Assembly(program, tuple(validate(program, config)))
