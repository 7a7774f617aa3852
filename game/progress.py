"""Something to climb: which puzzles are open, from what the player has solved.

Within a pack, puzzles open in play order: the first `OPEN_AHEAD` unsolved
ones are open at any time, so a player stuck on one can try the next. A
puzzle that declares prerequisites (`requires`: ids of puzzles, of its own
pack or `pack/puzzle`) opens when all of them are solved instead. The
player may unlock everything (a setting). Nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.catalog import PuzzleEntry

OPEN_AHEAD = 2
"""Unsolved puzzles of a pack open at once when the pack declares no prerequisites."""


def requirements(entry: PuzzleEntry) -> list[str] | None:
    """Full ids of the puzzles an entry requires, or None when it declares none."""
    declared = entry.puzzle.requires
    if not declared:
        return None
    return [name if "/" in name else f"{entry.pack.id}/{name}" for name in declared]


def locked(entries: Sequence[PuzzleEntry], solved: Collection[str],
           unlock_all: bool = False) -> dict[str, list[str]]:
    """Locked puzzle id -> the puzzles to solve first; {} when everything is open."""
    if unlock_all:
        return {}
    closed: dict[str, list[str]] = {}
    unsolved_before: dict[str, list[str]] = {}
    for entry in entries:
        earlier = unsolved_before.setdefault(entry.pack.id, [])
        needed = requirements(entry)
        if needed is not None:
            missing = [name for name in needed if name not in solved]
        else:
            missing = earlier[:len(earlier) - OPEN_AHEAD + 1] if len(earlier) >= OPEN_AHEAD \
                else []
        if missing:
            closed[entry.id] = missing
        if entry.id not in solved:
            earlier.append(entry.id)
    return closed
