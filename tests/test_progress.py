"""Which puzzles are open: play order, declared prerequisites, unlock all."""

from __future__ import annotations

from dataclasses import dataclass, field

from game.progress import locked


@dataclass
class FakePuzzle:
    requires: list[str] = field(default_factory=list)


@dataclass
class FakePack:
    id: str


@dataclass
class Entry:
    pack: FakePack
    name: str
    puzzle: FakePuzzle = field(default_factory=FakePuzzle)

    @property
    def id(self) -> str:
        return f"{self.pack.id}/{self.name}"


def pack(pack_id: str, *names: str) -> list[Entry]:
    return [Entry(FakePack(pack_id), name) for name in names]


def test_two_unsolved_puzzles_of_each_pack_are_open() -> None:
    entries = pack("p", "a", "b", "c", "d") + pack("q", "x", "y", "z")
    assert locked(entries, set()) == {"p/c": ["p/a"], "p/d": ["p/a", "p/b"], "q/z": ["q/x"]}
    assert locked(entries, {"p/a"}) == {"p/d": ["p/b"], "q/z": ["q/x"]}
    assert locked(entries, {"p/b"}) == {"p/d": ["p/a"], "q/z": ["q/x"]}
    assert locked(entries, {"p/a", "p/b", "q/x"}) == {}
    assert locked(entries, set(), unlock_all=True) == {}


def test_declared_prerequisites_replace_play_order() -> None:
    entries = pack("p", "a", "b", "c")
    entries[2].puzzle.requires = ["b", "q/x"]
    assert locked(entries, set()) == {"p/c": ["p/b", "q/x"]}
    assert locked(entries, {"p/b", "q/x"}) == {}
