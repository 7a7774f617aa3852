"""The debugger's line map, found by bisection, against the whole mapping worked out line by
line: the lines of each bundle, the bundle of each line, and where a breakpoint snaps to."""

from __future__ import annotations

from random import Random

import pytest

from game.tui.line_map import LineMap
from machine.program import Program
from machine.vasm import parse


def random_source(rng: Random) -> str:
    """Bundles of one to three slots, some continued on `||` lines with comments and blank
    lines in between, labels and full-line comments around them."""
    lines: list[str] = []
    for _ in range(rng.randint(0, 12)):
        if rng.random() < 0.2:
            lines.append(f"here{len(lines)}:")
        if rng.random() < 0.2:
            lines.append("# a note")
        lines.append(f"const {rng.randrange(8)}, {rng.randrange(100)}")
        for _ in range(rng.randint(0, 2)):
            lines.extend([""] * rng.randint(0, 1))
            lines.append(f"|| add {rng.randrange(8)}, 0, 1" if rng.random() < 0.5
                         else f"  || const {8 + rng.randrange(8)}, 2  # more")
    lines.extend(["", "# the end"][:rng.randint(0, 2)])
    return "\n".join(lines) + "\n"


def whole_map(program: Program) -> tuple[dict[int, int], list[frozenset[int]]]:
    source = program.source
    assert source is not None
    lines_of = [frozenset({first, *(line for line, _ in source.slot_positions[pc])})
                for pc, first in enumerate(source.bundle_lines)]
    to_pc: dict[int, int] = {}
    for pc, lines in enumerate(lines_of):
        for line in lines:
            to_pc.setdefault(line, pc)
    return to_pc, lines_of


@pytest.mark.parametrize("seed", range(300))
def test_the_line_map_agrees_with_the_whole_mapping(seed: int) -> None:
    text = random_source(Random(seed))
    program = parse(text)
    to_pc, lines_of = whole_map(program)
    lines = LineMap(program)
    last = text.count("\n") + 2
    for pc, expected in enumerate(lines_of):
        assert lines.lines_of(pc) == expected
    assert lines.lines_of(len(lines_of)) == frozenset() and lines.lines_of(-1) == frozenset()
    for line in range(0, last + 1):
        assert lines.pc_of(line) == to_pc.get(line), (line, text)
        snapped = line if line in to_pc else min((n for n in to_pc if n > line), default=None)
        assert lines.bundle_line_from(line) == snapped, (line, text)


def test_a_program_without_its_text_has_no_lines() -> None:
    lines = LineMap(Program(parse("const 0, 1\n").bundles))
    assert lines.lines_of(0) == frozenset()
    assert lines.pc_of(1) is None and lines.bundle_line_from(1) is None
