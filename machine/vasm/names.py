"""Resolving the names of a `.vasm` program: scratch names to addresses, labels to bundles.

Both bundle readers (the careful one in `parser` and the plain one in `plain`)
resolve through one `Resolver`, so that a name means the same to both and its
problem reads the same.
"""

from __future__ import annotations

from typing import Any

from machine.program import Symbol
from machine.vasm.slots import REF_RE, or_list
from machine.vasm.syntax import nearest, parse_int


class Unresolved(Exception):
    """A name that does not resolve; the message says why."""


class Resolver:
    """Names to addresses and labels to bundle indices, each name worked out once."""

    def __init__(self, symbols: tuple[Symbol, ...], labels: dict[str, int]):
        self.symbols = {symbol.name: symbol for symbol in symbols}
        self.labels = labels
        self.addresses: dict[str, int | str] = {}

    def target(self, name: str) -> int:
        if name in self.labels:
            return self.labels[name]
        if name in self.symbols:
            raise Unresolved(f"{name!r} is a scratch name, not a label")
        raise Unresolved(f"unknown label {name!r}" + _suggest(name, self.labels))

    def scratch(self, text: str) -> int:
        address = self.addresses.get(text)
        if address is None:
            address = self.addresses[text] = self._scratch(text)
        if isinstance(address, str):
            raise Unresolved(address)
        return address

    def _scratch(self, text: str) -> int | str:
        """The address `name` or `name[index]` denotes, or why it denotes none."""
        ref = REF_RE.fullmatch(text)
        assert ref is not None  # the slot readers only keep names of this form
        name = ref.group(1)
        symbol = self.symbols.get(name)
        if symbol is None:
            if name in self.labels:
                return f"{name!r} is a label, not a scratch name"
            return f"undeclared name {name!r}" + _suggest(name, self.symbols)
        if ref.group(2) is None:
            return symbol.address
        index = parse_int(ref.group(2).strip())
        assert index is not None
        if index >= symbol.length:
            return (f"{name}[{index}] is outside {name}, which has {symbol.length} "
                    f"word{'s' * (symbol.length > 1)}")
        return symbol.address + index


def _suggest(name: str, known: dict[str, Any]) -> str:
    close = nearest(name, known)
    return f"; did you mean {or_list(close)}?" if close else ""
