"""Resolving the names of a `.vasm` program: scratch names to addresses, labels to bundles."""

from __future__ import annotations

from typing import Any

from machine.program import Symbol
from machine.text import quoted_token as shown
from machine.text import shown_token as cut
from machine.vasm.syntax import nearest, or_list


class Name:
    """A scratch operand written as a name: `name` (index None) or `name[index]`.

    Compared by identity, which is cheap: the reader makes one per distinct operand text,
    and the second pass resolves each one once."""

    __slots__ = ("index", "name")

    def __init__(self, name: str, index: int | None):
        self.name = name
        self.index = index


class Label:
    """A jump target written as a label; compared by identity, as `Name`."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class Unresolved(Exception):
    """A name that does not resolve; the message says why."""


class Resolver(dict[Any, Any]):
    """Each operand as the machine reads it: a `Name` as its address, a `Label` as its bundle
    index, anything else as itself. Worked out once per distinct operand, as a kernel names
    the same few registers over and over; one that does not resolve raises Unresolved."""

    def __init__(self, symbols: tuple[Symbol, ...], labels: dict[str, int]):
        super().__init__()
        self.symbols = {symbol.name: symbol for symbol in symbols}
        self.labels = labels

    def __missing__(self, operand: Any) -> Any:
        if type(operand) is Name:
            value = self._scratch(operand)
        elif type(operand) is Label:
            value = self._target(operand.name)
        else:
            value = operand
        self[operand] = value
        return value

    def _target(self, name: str) -> int:
        if name in self.labels:
            return self.labels[name]
        if name in self.symbols:
            raise Unresolved(f"{shown(name)} is a scratch name, not a label")
        raise Unresolved(f"unknown label {shown(name)}" + _suggest(name, self.labels))

    def _scratch(self, operand: Name) -> int:
        name, index = operand.name, operand.index
        symbol = self.symbols.get(name)
        if symbol is None:
            if name in self.labels:
                raise Unresolved(f"{shown(name)} is a label, not a scratch name")
            raise Unresolved(f"undeclared name {shown(name)}" + _suggest(name, self.symbols))
        if index is None:
            return symbol.address
        if index >= symbol.length:
            raise Unresolved(f"{cut(name)}[{index}] is outside {cut(name)}, which has "
                             f"{symbol.length} word{'s' * (symbol.length > 1)}")
        return symbol.address + index


def _suggest(name: str, known: dict[str, Any]) -> str:
    close = nearest(name, known)
    return f"; did you mean {or_list(close)}?" if close else ""
