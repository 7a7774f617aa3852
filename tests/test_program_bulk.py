"""Validation and the scratch score in bulk against the careful, slot-by-slot pass.

`validate` first tries to prove a program valid by checking every operand at once
(machine.program._valid_in_bulk) and only then looks slot by slot. The bulk pass may
say "look closer" as often as it likes, but it must never accept a program the careful
pass refuses: random programs (hypothesis draws a seed; `random_program(Random(seed))`
rebuilds a failing case) with every kind of wrong operand, arity, engine and count.
Likewise `Program.scratch_footprint`, which gathers most operands in bulk, must name
exactly the words the op table's `scratch_footprint` names, slot by slot.
"""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from machine.config import TAKEHOME, MachineConfig
from machine.isa import OPS, Engine, Kind
from machine.loader import load_program
from machine.program import (
    IMMEDIATE_LIMIT,
    Bundle,
    Program,
    Slot,
    _located_problems,
    _valid_in_bulk,
    validate,
)

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
ODD_VALUES: list[Any] = [-1, -(2**63) - 1, IMMEDIATE_LIMIT, True, False, 1.0, 2.5, "3", None]


def random_machine(rng: Random) -> MachineConfig:
    allowed = None
    if rng.random() < 0.3:
        allowed = frozenset(op.mnemonic for op in OPS if rng.random() < 0.7)
    return MachineConfig(vlen=rng.choice([1, 2, 8]), scratch_size=rng.randint(4, 64),
                         slot_limits={engine: rng.randint(1, 4) for engine in Engine
                                      if engine is not Engine.DEBUG},
                         allowed_ops=allowed)


def random_operand(rng: Random, kind: Kind, size: int) -> Any:
    if rng.random() < 0.04:
        return rng.choice(ODD_VALUES)
    if kind.is_scratch:
        # Mostly inside the scratch, often at its very end, where vectors stop fitting.
        return rng.choice([rng.randrange(size), size - 1, size - 2, size - 8, size, size + 3])
    if kind is Kind.ANY:
        return rng.choice([0, [1, 2], "text"])
    return rng.choice([0, 1, 5, -3, size, rng.randrange(-size, 2 * size)])


def random_slot(rng: Random, engine: Engine, size: int) -> Slot:
    ops = [op for op in OPS if op.engine is engine]
    if rng.random() < 0.02:
        return Slot(engine, "no_such_op", (1, 2))
    op = rng.choice(ops)
    args = tuple(random_operand(rng, kind, size) for kind in op.operands)
    if rng.random() < 0.03:
        args = args[:-1] if args and rng.random() < 0.5 else (*args, 0)
    slot_engine = engine if rng.random() > 0.02 else rng.choice(list(Engine))
    return Slot(slot_engine, op.name, args)


def random_program(rng: Random, size: int) -> Program:
    bundles = []
    for _ in range(rng.randint(0, 6)):
        engines = rng.sample(list(Engine), rng.randint(0, 3))
        if engines and rng.random() < 0.03:
            engines.append(engines[0])  # an engine twice
        bundles.append(Bundle(tuple(
            (engine, tuple(random_slot(rng, engine, size) for _ in range(rng.randint(0, 5))))
            for engine in engines)))
    if bundles and rng.random() < 0.3:
        bundles += bundles[:2]  # repeated bundle objects, as the parser makes them
    return Program(tuple(bundles))


@settings(max_examples=1500, deadline=None)
@given(st.integers(0, 2**32))
def test_bulk_validation_never_accepts_what_the_careful_pass_refuses(seed: int) -> None:
    rng = Random(seed)
    config = random_machine(rng)
    program = random_program(rng, config.scratch_size)
    careful = _located_problems(program, config)
    if _valid_in_bulk(program, config):
        assert careful == [], f"seed {seed}"
    assert validate(program, config) == careful


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 2**32))
def test_valid_programs_of_plain_addresses_pass_in_bulk(seed: int) -> None:
    """The bulk pass is worth having only if it says yes to ordinary valid programs."""
    rng = Random(seed)
    config = TAKEHOME
    plain = [op for op in OPS if all(kind.is_scratch for kind in op.operands)]
    bundles = []
    for _ in range(rng.randint(1, 6)):
        op = rng.choice(plain)
        args = tuple(rng.randrange(config.scratch_size - config.vlen) for _ in op.operands)
        bundles.append(Bundle(((op.engine, (Slot(op.engine, op.name, args),)),)))
    program = Program(tuple(bundles))
    assert _located_problems(program, config) == []
    assert _valid_in_bulk(program, config)


def footprint_slot_by_slot(program: Program, vlen: int) -> set[int]:
    return {address for bundle in program.bundles for slot in bundle.slots
            if not slot.is_debug and slot.spec is not None
            for address, _ in slot.spec.scratch_footprint(slot.args, vlen)}


@settings(max_examples=1000, deadline=None)
@given(st.integers(0, 2**32))
def test_the_scratch_score_names_every_word_slot_by_slot(seed: int) -> None:
    rng = Random(seed)
    config = random_machine(rng)
    program = random_program(rng, config.scratch_size)
    if _located_problems(program, config):
        return  # scores are taken of valid programs only
    assert program.scratch_footprint(config.vlen) == footprint_slot_by_slot(program, config.vlen)


def test_shipped_solutions_pass_in_bulk_with_their_slot_by_slot_scores() -> None:
    paths = sorted(path for path in SOLUTIONS.rglob("*") if path.suffix in (".vasm", ".json"))
    assert len(paths) >= 10
    for path in paths:
        program = load_program(path)
        assert _valid_in_bulk(program, TAKEHOME), path
        assert _located_problems(program, TAKEHOME) == [], path
        assert program.scratch_footprint(8) == footprint_slot_by_slot(program, 8), path
