"""Structural edits of a parsed document (a pack's TOML, a histogram's or a program's JSON):
a key dropped or added, a value of another type, a number pushed to an edge, a table nested
hundreds deep, a list repeated."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from typing import Any

from tools.fuzz.values import all_digits, any_value, mutate_int, nested, odd_key, odd_text

Place = tuple[Any, Any]
"""A container and a key (or index) in it."""


def places(document: Any) -> list[Place]:
    """Every (container, key) below `document`, the document's own keys included."""
    found: list[Place] = []
    stack = [document]
    while stack:
        node = stack.pop()
        children = node.items() if isinstance(node, dict) else \
            enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            found.append((node, key))
            stack.append(child)
    return found


def _edit(rng: random.Random, node: Any, key: Any, new_value: Callable[[], Any]) -> None:
    value = node[key]
    roll = rng.randrange(9)
    if roll == 0 and isinstance(node, dict):
        del node[key]
    elif roll == 0 and len(node) > 1:
        node.pop(key)
    elif roll == 1 and isinstance(value, int) and not isinstance(value, bool):
        node[key] = mutate_int(rng, value)
    elif roll == 2:
        node[key] = nested(rng, value if rng.random() < 0.5 else 1)
    elif roll == 3 and isinstance(value, list) and value:
        node[key] = value * rng.choice((2, 50, 3000))
    elif roll == 4 and isinstance(value, str):
        node[key] = rng.choice((value * rng.choice((2, 300)), odd_text(rng),
                                value[:rng.randrange(len(value) + 1)]))
    elif roll == 5 and isinstance(node, dict):
        node[odd_key(rng)] = any_value(rng)
    elif roll == 6 and isinstance(value, list):
        value.append(copy.deepcopy(rng.choice(value)) if value else any_value(rng))
    else:
        node[key] = new_value()


def mutate_document(rng: random.Random, document: Any,
                    new_value: Callable[[], Any] | None = None) -> Any:
    """A deep copy of `document` after one to a few edits at random places."""
    document = copy.deepcopy(document)
    make = new_value or (lambda: any_value(rng))
    for _ in range(rng.choice((1, 1, 2, 4))):
        where = places(document)
        if not where:
            return make()
        node, key = rng.choice(where)
        _edit(rng, node, key, make)
    return document


def json_text(value: Any) -> str:
    """JSON text of `value`, integers of any length included (NaN and infinities as Python
    writes them, which strict readers refuse)."""
    with all_digits():
        return json.dumps(value, ensure_ascii=False)
