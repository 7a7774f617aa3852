"""Bundles of plain lines built straight from their text, once every name is known.

A kernel is mostly plain lines (`op a, b, c || op d, e, f`), which the careful
reading (a scanner over every character, then each operand resolved on its
own) reads at several microseconds a slot. `PlainBundles` takes such lines
apart with string methods and turns each operand into its value with one dict
lookup: each distinct operand text, surrounding spaces included, is read and
resolved once. It answers only where its reading is the careful one's: a
bundle with anything else (a debug op, a `nop`, a tab after a mnemonic, an
unknown name, any problem at all) is declined (None), and the parser reads it
the careful way, which also words every problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from machine.isa import OPS, Engine
from machine.program import Bundle, Slot
from machine.vasm.names import Resolver, Unresolved
from machine.vasm.slots import IMMEDIATE, QUICK_KINDS, SCRATCH, SPACE, TARGET, quick_operand
from machine.vasm.syntax import comment_text

Row = tuple[int, str]
"""A line of a bundle, not read yet: (line number, text)."""
Positions = tuple[tuple[int, int], ...]
"""(line, column) of each slot of a bundle, in `Bundle.slots` order."""

_get = dict.__getitem__


class _Values(dict[str, Any]):
    """The value of each operand text of one kind; an operand without a plain value is
    missing (KeyError), which makes the bundle's reading fall back to the careful one."""

    def __init__(self, kind: str, resolve: Callable[[str], int] | None):
        super().__init__()
        self.kind = kind
        self.resolve = resolve

    def __missing__(self, text: str) -> Any:
        token = text.strip(SPACE)
        if token != text:  # the same token with other spaces around it is worked out once
            value = self[token]
        else:
            value = quick_operand(self.kind, token)
            if value is None:
                raise KeyError(text)
            if type(value) is str:
                assert self.resolve is not None  # immediates are numbers only
                try:
                    value = self.resolve(value)
                except Unresolved:
                    raise KeyError(text) from None
        self[text] = value
        return value


_PLAIN_OPS = {op.mnemonic: (op.engine, op.name, kinds)
              for op in OPS if (kinds := QUICK_KINDS[op.mnemonic])}
"""The operations the plain reader reads, by mnemonic: engine, take-home name, operand kinds.
Operations without operands are left to the careful reader, as they are rare."""


class _Operations(dict[str, tuple[Engine, str, tuple[_Values, ...]]]):
    """By mnemonic: engine, take-home name, and where each operand's value is looked up;
    filled as mnemonics are met, as a small program meets few of them."""

    def __init__(self, values: dict[str, _Values]):
        super().__init__()
        self.values = values

    def __missing__(self, mnemonic: str) -> tuple[Engine, str, tuple[_Values, ...]]:
        engine, name, kinds = _PLAIN_OPS[mnemonic]  # KeyError: not a plain operation
        found = self[mnemonic] = (engine, name, tuple(self.values[kind] for kind in kinds))
        return found


class PlainBundles:
    """Builds bundles from plain lines; one per parse, as names resolve per program."""

    def __init__(self, resolver: Resolver):
        self.ops = _Operations({SCRATCH: _Values(SCRATCH, resolver.scratch),
                                TARGET: _Values(TARGET, resolver.target),
                                IMMEDIATE: _Values(IMMEDIATE, None)})

    def build(self, rows: list[Row]) -> tuple[Bundle, Positions] | None:
        """The bundle of a line and its continuation lines, or None to read it carefully."""
        ops = self.ops
        groups: defaultdict[Engine, list[Slot]] = defaultdict(list)
        places: defaultdict[Engine, list[tuple[int, int]]] = defaultdict(list)
        comments = []
        try:
            for index, (number, text) in enumerate(rows):
                code, hashmark, comment = text.partition("#")
                if hashmark:
                    comments.append(comment_text(comment))
                pieces = code.split("||")
                offset = 0
                if index:  # a continuation line: only spaces before its '||'
                    offset = len(pieces[0]) + 2
                    del pieces[0]
                for piece in pieces:
                    body = piece.lstrip(SPACE)
                    column = offset + len(piece) - len(body) + 1
                    offset += len(piece) + 2
                    mnemonic, _, operands = body.partition(" ")
                    engine, name, kinds = ops[mnemonic]
                    tokens = operands.split(",")
                    # Most operations have three or four operands: unpacked, they are read
                    # at a third of the cost of a map.
                    if len(kinds) == 3:
                        (a, b, c), (kind_a, kind_b, kind_c) = tokens, kinds
                        args = (kind_a[a], kind_b[b], kind_c[c])
                    elif len(kinds) == 4:
                        (a, b, c, d), (kind_a, kind_b, kind_c, kind_d) = tokens, kinds
                        args = (kind_a[a], kind_b[b], kind_c[c], kind_d[d])
                    elif len(tokens) == len(kinds):
                        args = tuple(map(_get, kinds, tokens))
                    else:
                        return None
                    groups[engine].append(Slot(engine, name, args))
                    places[engine].append((number, column))
        except (KeyError, ValueError):  # ValueError: another count of operands
            return None
        bundle = Bundle(tuple([(engine, tuple(slots)) for engine, slots in groups.items()]),
                        "; ".join(comments) if comments else None)
        return bundle, tuple([place for engine_places in places.values()
                              for place in engine_places])
