"""The program survey, gathered in bulk, against a plain slot-by-slot survey.

`Program.survey` takes a program apart by engine and by what it does with each operation
(machine.program._survey), so that no Python loop runs per slot. It must gather exactly
what looking at each slot in turn gathers: the same operands (as multisets: their order
means nothing to validation or the scratch score), the same slots left to be looked at one
by one, the same operations, widths and soundness. Random programs come from the bulk
validation's tests (every kind of wrong operand, arity, engine and count), some with their
groups' engines given as plain strings (equal to the engines, but not them), and the
shipped solutions.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from random import Random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_program_bulk import random_machine, random_program

from machine.isa import OPS, Engine
from machine.loader import load_program
from machine.program import Bundle, Program, Slot

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def survey_slot_by_slot(program: Program) -> dict[str, Any]:
    """What the survey must find, one slot at a time: each slot of an operation that names
    only addresses, with the operation's operand count, has its operands gathered (with
    an offset, only if it and the word operands are plain ints); every other slot but the
    debug engine's is left to be looked at alone."""
    words: list[Any] = []
    vectors: list[Any] = []
    displaced: list[Any] = []
    others: list[Slot] = []
    gathered = set()
    widest: dict[Any, int] = {}
    sound = True
    for bundle, _ in program.working_uses:
        engines = [engine for engine, _ in bundle.groups]
        if len(set(engines)) != len(engines):
            sound = False
        for engine, slots in bundle.groups:
            sound = sound and all(slot.engine is engine for slot in slots)
            if engine is Engine.DEBUG:
                continue
            if len(slots) > widest.get(engine, 0):
                widest[engine] = len(slots)
            for slot in slots:
                spec = OPS.by_engine.get(engine, {}).get(slot.name)
                shape = spec.shape if spec is not None else None
                if shape is None or not shape.addresses_only or len(slot.args) != shape.arity:
                    others.append(slot)
                    continue
                named = [slot.args[i] for i in shape.words]
                if shape.offset is not None:
                    offset = slot.args[shape.offset]
                    if any(type(value) is not int for value in (offset, *named)):
                        others.append(slot)
                        continue
                    displaced += named
                    named = [word + offset for word in named]
                words += named
                vectors += [slot.args[i] for i in shape.vectors]
                gathered.add(spec)
    return {"words": Counter(words), "vectors": Counter(vectors),
            "displaced": Counter(displaced), "others": Counter(map(id, others)),
            "gathered": gathered, "widest": widest, "sound": sound}


def bulk_survey(program: Program) -> dict[str, Any]:
    survey = program.survey
    operands = survey.operands
    return {"words": Counter(operands.words), "vectors": Counter(operands.vectors),
            "displaced": Counter(operands.displaced), "others": Counter(map(id, survey.others)),
            "gathered": set(survey.gathered_ops), "widest": survey.widest,
            "sound": survey.sound}


def with_plain_engines(rng: Random, program: Program) -> Program:
    """Some groups under their engine's plain string, which equals the engine but is not it."""
    return Program(tuple(
        Bundle(tuple((str(engine.value) if rng.random() < 0.3 else engine, slots)
                     for engine, slots in bundle.groups))
        for bundle in program.bundles))


@settings(max_examples=1500, deadline=None)
@given(st.integers(0, 2**32))
def test_the_bulk_survey_gathers_what_a_slot_by_slot_survey_gathers(seed: int) -> None:
    rng = Random(seed)
    program = random_program(rng, random_machine(rng))
    if rng.random() < 0.2:
        program = with_plain_engines(rng, program)
    assert bulk_survey(program) == survey_slot_by_slot(program), f"seed {seed}"


def test_many_slots_of_mixed_operations_and_shapes_in_one_engine() -> None:
    """Operations of every shape of the load engine, among wrong counts and wild offsets,
    so that one engine's slots are parted several ways at once."""
    rng = Random(7)
    specs = [spec for spec in OPS if spec.engine is Engine.LOAD]
    slots = []
    for _ in range(400):
        spec = rng.choice(specs)
        args = tuple(rng.choice([rng.randrange(64), True, 2**64, -3])
                     if rng.random() < 0.1 else rng.randrange(64) for _ in spec.operands)
        if rng.random() < 0.05:
            args = args[:-1]
        slots.append(Slot(Engine.LOAD, spec.name, args))
    program = Program(tuple(Bundle(((Engine.LOAD, tuple(slots[i:i + 3])),))
                            for i in range(0, len(slots), 3)))
    # Plain words, words displaced by an offset, a vector beside a word, an immediate.
    assert len({spec.shape.plain or spec.shape for spec in specs}) >= 4
    assert bulk_survey(program) == survey_slot_by_slot(program)


def test_the_shipped_solutions_are_surveyed_as_slot_by_slot() -> None:
    paths = sorted(path for path in SOLUTIONS.rglob("*") if path.suffix in (".vasm", ".json"))
    assert len(paths) >= 10
    for path in paths:
        program = load_program(path)
        assert bulk_survey(program) == survey_slot_by_slot(program), path
