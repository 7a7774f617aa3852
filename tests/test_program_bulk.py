"""Validation and the scratch score in bulk against the careful, slot-by-slot pass.

`validate` first tries to prove a program valid by checking every operand at once
(machine.program._valid_in_bulk) and only then looks slot by slot. The bulk pass may
say "look closer" as often as it likes, but it must never accept a program the careful
pass refuses: random programs (hypothesis draws a seed; `rng = Random(seed)`, then
`random_program(rng, random_machine(rng))` rebuilds a failing case), clean ones with a
single wrong slot among them and others with every kind of wrong operand, arity, engine
and count. (About half of them are valid, and the bulk pass accepts nearly all of those.)
Likewise `Program.scratch_footprint`, which gathers most operands in bulk, must name
exactly the words the op table's `scratch_footprint` names, slot by slot.
"""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

import pytest
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


def clean_operand(rng: Random, kind: Kind, config: MachineConfig) -> Any:
    if kind.is_scratch:
        return rng.randrange(max(1, config.scratch_size - config.vlen + 1))
    if kind is Kind.ANY:
        return rng.choice([0, [1, 2], "text"])
    return rng.randrange(3)  # an immediate, an offset or a target: small and harmless


def wild_operand(rng: Random, kind: Kind, size: int) -> Any:
    if rng.random() < 0.2:
        return rng.choice(ODD_VALUES)
    if kind.is_scratch:
        # Often at the very end of the scratch, where vectors stop fitting.
        return rng.choice([rng.randrange(size), size - 1, size - 2, size - 8, size, size + 3])
    if kind is Kind.ANY:
        return rng.choice([0, [1, 2], "text"])
    return rng.choice([0, 1, 5, -3, size, rng.randrange(-size, 2 * size)])


def wild_slot(rng: Random, engine: Engine, size: int) -> Slot:
    """A slot that is likely wrong in one way or another."""
    ops = [op for op in OPS if op.engine is engine]
    if rng.random() < 0.05:
        return Slot(engine, "no_such_op", (1, 2))
    op = rng.choice(ops)
    args = tuple(wild_operand(rng, kind, size) for kind in op.operands)
    if op.offset_operand is not None and rng.random() < 0.3:
        # Wild operands that an offset brings back into the scratch, or not quite.
        base = rng.choice([2**62, 2**63, 2**63 + 1, 2**64, 2**64 + 7])
        args = tuple(-base + rng.choice([0, 1, -1]) if i == op.offset_operand
                     else base + rng.randrange(size) for i in range(op.arity))
    if rng.random() < 0.1:
        args = args[:-1] if args and rng.random() < 0.5 else (*args, 0)
    slot_engine = engine if rng.random() > 0.1 else rng.choice(list(Engine))
    return Slot(slot_engine, op.name, args)


def random_program(rng: Random, config: MachineConfig) -> Program:
    """Clean slots (valid on the machine but for its limits and allowed operations), and
    wild ones: many, one, or none, so that a single wrong slot in an otherwise valid
    program comes up often (it alone decides whether the program is valid)."""
    wildness = rng.choice([0.0, 0.0, 0.05, 0.3])
    bundles = []
    for _ in range(rng.randint(0, 6)):
        engines = rng.sample(list(Engine), rng.randint(0, 3))
        if engines and rng.random() < 0.03:
            engines.append(engines[0])  # an engine twice
        groups = []
        for engine in engines:
            count = rng.randint(0, (config.slot_limit(engine) or 3) + (rng.random() < 0.05))
            ops = [op for op in OPS if op.engine is engine]
            groups.append((engine, tuple(
                wild_slot(rng, engine, config.scratch_size) if rng.random() < wildness
                else Slot(engine, (op := rng.choice(ops)).name,
                          tuple(clean_operand(rng, kind, config) for kind in op.operands))
                for _ in range(count))))
        bundles.append(Bundle(tuple(groups)))
    if bundles and rng.random() < 0.3:
        bundles += bundles[:2]  # repeated bundle objects, as the parser makes them
    if bundles and wildness == 0.0 and rng.random() < 0.7:
        # One wild slot in a clean program, in place of one of its slots or added.
        at = rng.randrange(len(bundles))
        engine = rng.choice([e for e in Engine if e is not Engine.DEBUG])
        others = tuple((e, slots) for e, slots in bundles[at].groups if e is not engine)
        bundles[at] = Bundle((*others, (engine, (wild_slot(rng, engine, config.scratch_size),))))
    return Program(tuple(bundles))


@settings(max_examples=1500, deadline=None)
@given(st.integers(0, 2**32))
def test_bulk_validation_never_accepts_what_the_careful_pass_refuses(seed: int) -> None:
    rng = Random(seed)
    config = random_machine(rng)
    program = random_program(rng, config)
    careful = _located_problems(program, config)
    if _valid_in_bulk(program, config):
        assert careful == [], f"seed {seed}"
    assert validate(program, config) == careful


@pytest.mark.parametrize("args", [
    (2**63 + 10, 2**63 + 10, -(2**63) - 5),  # the offset below the immediates' range
    (2**64 + 3, 0, -(2**64)),                 # an operand past any immediate, a huge offset
    (5, -1, 1),                                # a negative operand, its displaced word inside
])
def test_an_offset_that_brings_a_wild_operand_back_into_the_scratch_is_looked_at_closer(
        args: tuple[int, int, int]) -> None:
    program = Program((Bundle(((Engine.LOAD, (Slot(Engine.LOAD, "load_offset", args),)),)),))
    assert _located_problems(program, TAKEHOME) != []
    assert not _valid_in_bulk(program, TAKEHOME)


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
    program = random_program(rng, config)
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
