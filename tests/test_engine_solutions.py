"""Every shipped solution runs identically on the engine and on the reference simulator.

Each file under solutions/<pack>/<puzzle>/ runs on its puzzle's machine over the
puzzle's inputs for its first scored seed and one more seed; the engine's results
(final memory, cycles, fault, traces) must equal the reference's, field for field, with
the images given as lists of ints and as the uint32 arrays scoring gives it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
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
    expected = [run_program(program, memory, config) for memory in memories]
    assert run_many(program, memories, config) == expected
    arrays = run_many(program, [np.array(memory, dtype=np.uint32) for memory in memories],
                      config)
    assert [replace(result, memory=result.memory.tolist()) for result in arrays] == expected
