"""What the debugger is handed: a puzzle's tests (fixed cases, then scored seeds) or the
sandbox's one memory, without a pack."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tui_kit import PUZZLE, SOLUTION, make_context

from game.catalog import Catalog
from game.debug_target import DebugTarget, ShownRegion
from game.inputs import generate_memory
from game.pack.schema import TestCase
from game.sandbox import debug_target, parse_machine, parse_memory
from machine.loader import parse_program


def test_a_puzzles_target_has_its_cases_then_its_scored_seeds(tmp_path: Path) -> None:
    context = make_context(tmp_path)
    puzzle = Catalog(context.packs_dir, extra_packs=context.extra_packs).puzzle(PUZZLE).puzzle
    puzzle = replace(puzzle, cases=[TestCase(name="zero", words={"a": [0]})])
    program = parse_program(SOLUTION, "s.vasm")
    target = DebugTarget.of_puzzle(puzzle, program)
    assert target.tests == ("case 'zero'", "scored seed 1", "scored seed 2")
    assert target.image(0)[0] == 0
    assert target.image(2) == generate_memory(puzzle, 2)
    assert target.regions[2] == ShownRegion("out", 2, 1, checked=True)
    assert target.config == puzzle.machine_config() and target.program is program


def test_the_sandboxs_target_is_its_memory() -> None:
    program = parse_program("halt\n", None)
    regions = parse_memory("a: 1 2\nempty:\nb: 3\n")
    target = debug_target(program, regions, parse_machine("vlen = 4\n"))
    assert target.tests == ("your memory",)
    assert target.image(0) == [1, 2, 3]
    assert [r.name for r in target.regions] == ["a", "b"]
    assert target.config.vlen == 4
