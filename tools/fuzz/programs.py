"""Programs a player could write: random ones from the operation table, and shipped ones
edited a token, a line or a header claim at a time, in `.vasm` and in the take-home's JSON."""

from __future__ import annotations

import random
import re
from typing import Any

from machine.isa import OPS, Engine, Kind, OpSpec
from tools.fuzz.documents import json_text, mutate_document
from tools.fuzz.values import EDGE_INTS, all_digits, any_value, edge_int, nested, odd_text

MNEMONICS = tuple(op.mnemonic for op in OPS)
ENGINES = tuple(engine.value for engine in Engine)
DIRECTIVES = (".scalar", ".vector", ".array", ".const", ".", ".scalarx")
HEADER_KEYS = ("puzzle", "name", "cycles", "instructions", "scratch", "seeds", "")

_TOKEN = re.compile(r"\|\||[^\s,|]+|[\s,|]+")
_NAME = re.compile(r"^\s*\.(?:scalar|vector|array)\s+([A-Za-z_]\w*)", re.M)
_LABEL = re.compile(r"^\s*([A-Za-z_]\w*):", re.M)


def number_text(rng: random.Random) -> str:
    value = edge_int(rng)
    with all_digits():
        return rng.choice((str(value), hex(value), str(value).replace("9", "٩"))) \
            if rng.random() < 0.2 else str(value)


def _operand(rng: random.Random, kind: Kind, names: list[str], labels: list[str]) -> str:
    roll = rng.random()
    if roll < 0.05:
        return odd_text(rng)
    if kind is Kind.IMMEDIATE or (roll < 0.2 and kind is not Kind.ANY):
        return number_text(rng)
    if kind is Kind.TARGET:
        return rng.choice(labels) if labels and roll < 0.8 else number_text(rng)
    if kind is Kind.ANY:
        return json_text(any_value(rng)) if roll < 0.7 else json_text(nested(rng, 1))
    name = rng.choice(names) if names else "x"
    if kind in (Kind.SCALAR_IN, Kind.SCALAR_OUT) and roll < 0.3:
        return f"{name}[{rng.choice((0, 1, 7, 8, 2**32, 10**30))}]"
    return name if roll < 0.9 else str(rng.randrange(0, 1600))


def random_line(rng: random.Random, names: list[str], labels: list[str]) -> str:
    op: OpSpec = rng.choice(OPS)
    operands = [_operand(rng, kind, names, labels) for kind in op.operands]
    if rng.random() < 0.05:
        operands = operands[:-1] if operands else [number_text(rng)]
    return f"    {op.mnemonic} " + ", ".join(operands)


def random_vasm(rng: random.Random, puzzle: str) -> str:
    """A program of random operations on a few declared names, with labels to jump to."""
    names = [f"s{i}" for i in range(rng.randrange(1, 6))]
    vectors = [f"v{i}" for i in range(rng.randrange(0, 3))]
    labels = [f"l{i}" for i in range(rng.randrange(0, 4))]
    lines = [f"# puzzle: {puzzle}"] if rng.random() < 0.9 else []
    lines += [f".scalar {n}" for n in names] + [f".vector {v}" for v in vectors]
    body = [random_line(rng, names + vectors, labels) for _ in range(rng.randrange(1, 30))]
    for label in labels:
        body.insert(rng.randrange(len(body) + 1), f"{label}:")
    return "\n".join(lines + body) + "\n"


def _edit_token(rng: random.Random, line: str, names: list[str], labels: list[str]) -> str:
    parts = _TOKEN.findall(line)
    words = [i for i, part in enumerate(parts) if not part.isspace() and part not in (",", "||")]
    if not words:
        return line
    at = rng.choice(words)
    with all_digits():
        parts[at] = _replacement(rng, parts[at], names, labels)
    return "".join(parts)


def _replacement(rng: random.Random, token: str, names: list[str], labels: list[str]) -> str:
    return rng.choice((
        lambda: rng.choice(MNEMONICS), lambda: rng.choice(ENGINES + DIRECTIVES),
        lambda: number_text(rng), lambda: odd_text(rng),
        lambda: rng.choice(names) if names else "x",
        lambda: f"{rng.choice(names) if names else 'x'}[{edge_int(rng)}]",
        lambda: rng.choice(labels) + ":" if labels else "l:",
        lambda: "", lambda: token * 2, lambda: json_text(any_value(rng)),
    ))()


def _header_line(rng: random.Random, puzzles: list[str]) -> str:
    key = rng.choice(HEADER_KEYS)
    value = rng.choice((rng.choice(puzzles), number_text(rng), odd_text(rng), "-1", "²",
                        "1.5", "0"))
    return f"# {key}: {value}"


def mutate_vasm(rng: random.Random, text: str, puzzles: list[str]) -> str:
    """`text` after one to a few edits of tokens, lines or header claims."""
    lines = text.split("\n")
    names = _NAME.findall(text)
    labels = _LABEL.findall(text)
    for _ in range(rng.choice((1, 1, 2, 3, 6))):
        at = rng.randrange(len(lines))
        roll = rng.randrange(9)
        if roll <= 2:
            lines[at] = _edit_token(rng, lines[at], names, labels)
        elif roll == 3:
            del lines[at:at + rng.choice((1, 1, 5))]
            lines = lines or [""]
        elif roll == 4:
            lines[at:at] = [lines[at]] * rng.choice((1, 2, 300, 20_000))
        elif roll == 5:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif roll == 6:
            lines.insert(at, random_line(rng, names, labels))
        elif roll == 7:
            lines.insert(rng.choice((0, at)), _header_line(rng, puzzles))
        else:
            size = rng.choice((1, 8, 1600, 2**20, 2**32, 10**30))
            lines.insert(at, rng.choice((f".array big{at} {size}", f".vector w{at}",
                                         f".scalar {rng.choice(names or ['x'])}",
                                         lines[at] + " || " + random_line(rng, names, labels))))
    return "\n".join(lines)


# --- the take-home's JSON form --------------------------------------------------------------


def _debug_slot(rng: random.Random) -> list[Any]:
    """A debug slot of any form the take-home writes, with operands of any JSON type."""
    key: Any = rng.choice((
        lambda: ["round", rng.randrange(16), rng.randrange(256), "idx"],
        lambda: ["round", edge_int(rng), "hash_stage", 0, "val"],
        lambda: [[0, 1], {"a": None}], lambda: any_value(rng, 3), lambda: nested(rng, 0),
        lambda: [["round", i, "val"] for i in range(8)],
    ))()
    name = rng.choice(("compare", "vcompare", "comment", "compare", "frob"))
    if name == "comment":
        return [name, rng.choice((odd_text(rng), key))]
    slot = [name, rng.choice((rng.randrange(64), edge_int(rng), "x")), key]
    return slot[:rng.choice((1, 2, 3, 3, 3))] + ([key] if rng.random() < 0.1 else [])


def random_bundles(rng: random.Random) -> list[Any]:
    """A take-home program: bundles {engine: [[op, operand, ...]]} of random slots."""
    bundles = []
    for _ in range(rng.randrange(1, 20)):
        bundle: dict[str, Any] = {}
        for _ in range(rng.randrange(0, 4)):
            op: OpSpec = rng.choice(OPS)
            operands = [edge_int(rng) if rng.random() < 0.1 else rng.randrange(0, 64)
                        for _ in op.operands]
            slot = _debug_slot(rng) if op.engine is Engine.DEBUG else [op.name, *operands]
            bundle.setdefault(op.engine.value, []).append(slot)
        bundles.append(bundle)
    return bundles


def mutate_bundles(rng: random.Random, bundles: list[Any]) -> Any:
    """Edited bundles: a debug slot added anywhere, an engine renamed, or any structural edit;
    sometimes the take-home's other shape, a list of (engine, slot) pairs."""
    roll = rng.random()
    if roll < 0.3 and bundles:
        edited = list(bundles)
        at = rng.randrange(len(edited))
        bundle = dict(edited[at]) if isinstance(edited[at], dict) else {}
        bundle.setdefault("debug", []).append(_debug_slot(rng))
        edited[at] = bundle
        return edited
    if roll < 0.4:
        return [[engine, slot] for bundle in bundles if isinstance(bundle, dict)
                for engine, slots in bundle.items() for slot in slots]
    if roll < 0.45:
        return [{rng.choice((*ENGINES, "Alu", "", "vector")): [[rng.choice(MNEMONICS)]]}]
    return mutate_document(rng, bundles, lambda: rng.choice(
        (any_value(rng), rng.choice(EDGE_INTS), _debug_slot(rng))))
