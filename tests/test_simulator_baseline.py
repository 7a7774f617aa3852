"""The first conformance check of the machine (spec/tree-kernel.md, last section): the
take-home's scalar starter program takes exactly 147734 cycles on the full-size input of
seed 123 and computes the kernel, here checked against a plain-Python reference."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from machine.loader import load_program
from machine.program import Program
from machine.simulator import run_program
from machine.vasm import format_program

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "solutions/takehome/tree-kernel/baseline.vasm"
GENERATOR = ROOT / "tools/make_takehome_baseline.py"

HEIGHT, ROUNDS, BATCH = 10, 16, 256
N_NODES = 2 ** (HEIGHT + 1) - 1


def full_size_memory(seed: int) -> list[int]:
    rng = random.Random(seed)
    nodes = [rng.randint(0, 2**30 - 1) for _ in range(N_NODES)]
    values = [rng.randint(0, 2**30 - 1) for _ in range(BATCH)]
    forest_p = 7
    indices_p = forest_p + N_NODES
    values_p = indices_p + BATCH
    return [ROUNDS, N_NODES, BATCH, HEIGHT, forest_p, indices_p, values_p,
            *nodes, *[0] * BATCH, *values]


def _hash(a: int) -> int:
    m = 0xFFFF_FFFF
    a = ((a + 0x7ED55D16) + (a << 12)) & m
    a = ((a ^ 0xC761C23C) ^ (a >> 19)) & m
    a = ((a + 0x165667B1) + (a << 5)) & m
    a = ((a + 0xD3A2646C) ^ (a << 9)) & m
    a = ((a + 0xFD7046C5) + (a << 3)) & m
    a = ((a ^ 0xB55A4F09) ^ (a >> 16)) & m
    return a


def reference(memory: list[int]) -> tuple[list[int], list[int]]:
    """Final (indices, values) of every walker, straight from spec/tree-kernel.md."""
    nodes = memory[7:7 + N_NODES]
    indices, values = [], []
    for value in memory[7 + N_NODES + BATCH:]:
        idx = 0
        for _ in range(ROUNDS):
            value = _hash(value ^ nodes[idx])
            idx = 2 * idx + (1 if value % 2 == 0 else 2)
            if idx >= N_NODES:
                idx = 0
        indices.append(idx)
        values.append(value)
    return indices, values


def test_the_scalar_baseline_takes_147734_cycles_and_computes_the_kernel() -> None:
    memory = full_size_memory(123)
    assert len(memory) == 2566
    program = load_program(BASELINE)
    assert program.metadata["puzzle"] == "takehome/tree-kernel"
    assert program.metadata["name"] == "baseline"
    result = run_program(program, memory)
    assert result.fault is None
    assert result.cycles == 147734
    indices, values = reference(memory)
    values_p = 7 + N_NODES + BATCH
    assert result.memory[values_p:] == values
    assert result.memory[7 + N_NODES:values_p] == indices
    assert result.memory[:7 + N_NODES] == memory[:7 + N_NODES]


@pytest.fixture(scope="module")
def generated() -> Program:
    """The program the generator script makes (loaded from its file, as it is not a module)."""
    spec = importlib.util.spec_from_file_location("make_takehome_baseline", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.baseline_program()


def test_the_shipped_baseline_is_what_the_generator_writes(generated: Program) -> None:
    assert BASELINE.read_text(encoding="utf-8") == format_program(generated)


def test_the_baseline_has_the_starter_s_shape(generated: Program) -> None:
    assert len(generated) == 147734
    assert all(len(bundle.slots) == 1 for bundle in generated.bundles)
    names = [bundle.slots[0].name for bundle in generated.bundles]
    assert names[:14] == ["const", "load"] * 7
    assert names[14:17] == ["const"] * 3
    assert names[17] == "pause"
    assert names[18:277] == ["const"] * 259
    assert names[-1] == "pause"
    assert len(names[277:-1]) == ROUNDS * BATCH * 36
    assert generated.metadata["cycles"] == "147734"
