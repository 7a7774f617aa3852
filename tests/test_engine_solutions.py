"""Every shipped solution runs identically on the engine and on the reference simulator.

Each file under solutions/<pack>/<puzzle>/ runs on its puzzle's machine over the
puzzle's inputs for its first scored seed and one more seed; the engine's results
(final memory, cycles, fault, traces) must equal the reference's, field for field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.catalog import Catalog
from game.inputs import generate_memory
from machine.engine import run_many
from machine.loader import load_program
from machine.simulator import run_program

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted(path for path in (ROOT / "solutions").rglob("*")
                   if path.suffix in (".vasm", ".json"))
EXTRA_SEED = 20240917


def test_there_are_shipped_solutions() -> None:
    assert len(SOLUTIONS) >= 10


@pytest.mark.parametrize("path", SOLUTIONS,
                         ids=lambda path: str(path.relative_to(ROOT / "solutions")))
def test_a_shipped_solution_runs_identically_on_engine_and_reference(path: Path) -> None:
    pack, puzzle = path.parent.parent.name, path.parent.name
    entry = Catalog().puzzle(f"{pack}/{puzzle}")
    config = entry.puzzle.machine_config()
    memories = [generate_memory(entry.puzzle, seed)
                for seed in (entry.puzzle.scored_seeds[0], EXTRA_SEED)]
    program = load_program(path)
    assert run_many(program, memories, config) == [run_program(program, memory, config)
                                                  for memory in memories]
