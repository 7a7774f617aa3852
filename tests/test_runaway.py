"""Programs that never end: the engine stops them at the cycle limit exactly as the
reference does, whether the seeds stay together or drift apart (a loop whose trip count
depends on the input), and `vliw run` bounds the limit it accepts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from random import Random

import pytest

from game.cli.machine_args import MOST_CYCLES
from machine.config import TAKEHOME, MachineConfig
from machine.engine import run_deciding, run_many
from machine.engine.run import Runner
from machine.isa import Engine
from machine.simulator import run_program
from machine.vasm import parse

ROOT = Path(__file__).resolve().parent.parent

RUNAWAY = ROOT / "tests/runaway"
STEADY = (RUNAWAY / "steady.vasm").read_text()
DRIFT = (RUNAWAY / "drift.vasm").read_text()
"""Two loops that never end (benchmarks/bench_runaway.py times them): the same for every
input, and one whose inner trip count (1..8) is an input word, so seeds drift apart."""

FAULTS = """\
# Divides by an input word inside a long block, in a loop: a seed whose word is 0 faults
# in the middle of the block, at a cycle that depends on its other words; the rest run on.
.scalar p
.scalar a
.scalar x
.scalar q
.scalar r
.scalar wrap
    const wrap, 15
loop:
    and a, p, wrap
    load x, a
    add_imm p, p, 1
    add_imm q, q, 3
    div r, q, x
    add_imm r, r, 1
    mod r, q, x
    store a, r
    cond_jump x, loop
    jump loop
"""


def images(count: int, seed: int, zeros: float = 0.0) -> list[list[int]]:
    rng = Random(seed)
    return [[0 if rng.random() < zeros else rng.randrange(2**32) for _ in range(16)]
            for _ in range(count)]


@pytest.mark.parametrize("seeds", [1, 9, 65])
@pytest.mark.parametrize("limit", [1, 2, 97, 1000, 4321])
@pytest.mark.parametrize("source", [STEADY, DRIFT, FAULTS], ids=["steady", "drift", "faults"])
def test_a_runaway_loop_stops_at_the_limit_exactly_as_on_the_reference(
        source: str, seeds: int, limit: int) -> None:
    program = parse(source)
    config = MachineConfig(max_cycles=limit)
    memories = images(seeds, limit * seeds, zeros=0.1 if source is FAULTS else 0.0)
    expected = [run_program(program, memory, config) for memory in memories]
    assert run_many(program, memories, config) == expected
    assert all(result.fault is not None for result in expected)


def test_drifting_seeds_really_drift() -> None:
    """The differential above covers diverged pcs: the seeds stop at different pcs."""
    program = parse(DRIFT)
    results = run_many(program, images(65, 1), MachineConfig(max_cycles=4321))
    assert len({result.fault.pc for result in results if result.fault is not None}) > 1


@pytest.mark.parametrize("cores", [1, 2])
@pytest.mark.parametrize("decisive", [0, 1, 9, 65, 70])
@pytest.mark.parametrize("source", [STEADY, DRIFT, FAULTS, "halt\n"],
                         ids=["steady", "drift", "faults", "halt"])
def test_decisive_seeds_run_as_on_the_reference_and_a_runaway_among_them_ends_the_rest(
        source: str, decisive: int, cores: int) -> None:
    """A validation's fixed tests decide: their results are always the reference's; the
    others' too unless a fixed test ran away, when theirs may be missing (None)."""
    program = parse(source)
    config = MachineConfig(max_cycles=997, n_cores=cores)
    memories = images(65, decisive + cores, zeros=0.1 if source is FAULTS else 0.0)
    expected = [run_program(program, memory, config) for memory in memories]
    results = run_deciding(program, memories, config, decisive)
    assert results[:decisive] == expected[:decisive]
    if any(result.ran_away for result in expected[:decisive]):
        assert all(got in (None, want) for got, want in zip(results, expected, strict=True))
    else:
        assert results == expected


def test_after_a_decisive_runaway_no_batch_of_other_seeds_is_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Drifting seeds go their own ways; the batches holding only seeds that do not decide
    wait, and are dropped once a deciding seed has run away: a runaway validation costs
    its fixed tests' runs, not one more for every robustness seed."""
    advanced: list[list[int]] = []
    advance = Runner._advance

    def recorded(self: Runner, batch):  # type: ignore[no-untyped-def]
        advanced.append([seed for seed in batch.seeds if seed is not None])
        return advance(self, batch)

    monkeypatch.setattr(Runner, "_advance", recorded)
    results = run_deciding(parse(DRIFT), images(65, 3), MachineConfig(max_cycles=4321), 9)
    assert all(result is not None and result.ran_away for result in results[:9])
    assert None in results[9:]
    assert len(advanced) > 9  # the seeds drifted apart
    assert all(min(seeds) < 9 for seeds in advanced)


INDIRECT = """\
# A loop whose back edge is a jump_indirect through an input-dependent word (a fuzzed
# program's shape: `vliw run` spent 38 s on its 10,000,000 cycles, 23 s now).
.scalar a
.scalar t
.scalar mask
    const mask, 3
    load t, a
    and t, t, mask
    jump_indirect t
"""


@pytest.mark.parametrize("seeds", [1, 9])
def test_a_loop_closed_by_jump_indirect_runs_away_as_on_the_reference(seeds: int) -> None:
    program = parse(INDIRECT)
    config = MachineConfig(max_cycles=997)
    memories = [[0] * 16, *images(seeds - 1, 5)]  # to pc 0, 1, 2 or 3: all loop for ever
    expected = [run_program(program, memory, config) for memory in memories]
    assert run_many(program, memories, config) == expected
    assert expected[0].ran_away


def test_halts_and_jumps_known_before_the_run() -> None:
    """Bundles whose only controls are jumps and halts decide without looking at data."""
    program = parse(".scalar n\n.scalar one\nconst one, 1\ntop:\nadd n, n, one\n"
                    "sub n, n, one || jump 5\nhalt\njump top\nhalt || jump top\n")
    config = replace(TAKEHOME, slot_limits={**TAKEHOME.slot_limits, Engine.FLOW: 2})
    memories = images(3, 5)
    assert run_many(program, memories, config) == [run_program(program, memory, config)
                                                   for memory in memories]


def test_vliw_run_refuses_a_cycle_limit_past_its_maximum(tmp_path: Path) -> None:
    """Before: any limit was taken, and a loop that never ends ran for hours."""
    (tmp_path / "p.vasm").write_text(STEADY)
    (tmp_path / "m.json").write_text(json.dumps([0]))
    done = subprocess.run(
        [sys.executable, "-m", "game", "run", str(tmp_path / "p.vasm"), "--memory",
         str(tmp_path / "m.json"), "--max-cycles", str(10 * MOST_CYCLES)],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr == f"vliw run: --max-cycles must be at most {MOST_CYCLES:,}\n"
