"""The player's own solutions: several named `.vasm` files per puzzle in the data folder.

Layout: ``<data home>/solutions/<pack>/<puzzle>/<name>.vasm``, the same shape as the
shipped ``solutions/`` folder, so ``vliw check <data home>/solutions`` validates
everything a player wrote without any export step.

Every write goes through `game.paths.atomic_write_text`: a crash or a kill during
a save leaves the previous file whole, never half of one. Names are checked
before they become paths, so no name (``..``, ``a/b``) can reach outside the
puzzle's folder. This module knows nothing of Textual; the game's screens call it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from game.paths import atomic_write_text, data_home
from machine.files import InputFileError, read_capped
from machine.loader import MAX_PROGRAM_BYTES
from machine.text import shown_path

SUFFIX = ".vasm"
MAX_NAME_LENGTH = 64
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.+-]*")
_ID_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
DEFAULT_NAME = "solution"


class SolutionError(ValueError):
    """A one-line reason why a solution cannot be created, renamed or read."""


def check_name(name: str) -> str:
    """The name itself if it may name a solution file; otherwise SolutionError."""
    if not name or name != name.strip():
        raise SolutionError(f"a solution name must not be empty or start or end with a space:"
                            f" {name!r}")
    if len(name) > MAX_NAME_LENGTH:
        raise SolutionError(f"a solution name has at most {MAX_NAME_LENGTH} characters")
    if not _NAME.fullmatch(name) or name.endswith("."):
        raise SolutionError(f"a solution name uses letters, digits, spaces and _ . + -"
                            f" (starting with a letter or digit): {name!r}")
    return name


def _puzzle_parts(puzzle_id: str) -> tuple[str, str]:
    parts = puzzle_id.split("/")
    if len(parts) != 2 or not all(_ID_PART.fullmatch(part) for part in parts):
        raise SolutionError(f"not a puzzle id of the form pack/puzzle: {puzzle_id!r}")
    return parts[0], parts[1]


@dataclass(frozen=True)
class PlayerSolutions:
    """The solutions folder of one data home."""

    root: Path

    @classmethod
    def in_home(cls, home: Path | None = None) -> PlayerSolutions:
        """The solutions of `home`, or of the player's data folder (`VLIW_HOME`)."""
        return cls((home if home is not None else data_home()) / "solutions")

    def folder(self, puzzle_id: str) -> Path:
        pack, puzzle = _puzzle_parts(puzzle_id)
        return self.root / pack / puzzle

    def path(self, puzzle_id: str, name: str) -> Path:
        return self.folder(puzzle_id) / f"{check_name(name)}{SUFFIX}"

    def names(self, puzzle_id: str) -> list[str]:
        """The puzzle's solution names, case-insensitively sorted."""
        folder = self.folder(puzzle_id)
        if not folder.is_dir():
            return []
        found = [entry.name[: -len(SUFFIX)] for entry in os.scandir(folder)
                 if entry.is_file() and entry.name.endswith(SUFFIX)
                 and _NAME.fullmatch(entry.name[: -len(SUFFIX)])]
        return sorted(found, key=lambda name: (name.casefold(), name))

    def most_recent(self, puzzle_id: str) -> str | None:
        """The solution saved last: the one to reopen when the player returns."""
        names = self.names(puzzle_id)
        if not names:
            return None
        return max(names, key=lambda name: self.path(puzzle_id, name).stat().st_mtime_ns)

    def exists(self, puzzle_id: str, name: str) -> bool:
        return self.path(puzzle_id, name).is_file()

    def read(self, puzzle_id: str, name: str) -> str:
        """The solution's text; a FIFO or a huge file put in its place is refused, unread."""
        path = self.path(puzzle_id, name)
        if not os.path.lexists(path):
            raise SolutionError(f"no solution named {name!r} for {puzzle_id}")
        try:
            return read_capped(path, MAX_PROGRAM_BYTES, "program").decode("utf-8")
        except InputFileError as error:
            raise SolutionError(f"{shown_path(path)}: cannot read: {error.detail}") from None
        except UnicodeDecodeError as error:
            raise SolutionError(f"{shown_path(path)}: cannot read: {error}") from None

    def save(self, puzzle_id: str, name: str, text: str) -> Path:
        """Write the text atomically (also the autosave): the old file or the new, never a mix."""
        path = self.path(puzzle_id, name)
        atomic_write_text(path, text)
        return path

    def free_name(self, puzzle_id: str, base: str = DEFAULT_NAME) -> str:
        """`base`, or `base 2`, `base 3`... whichever is not taken yet."""
        taken = {name.casefold() for name in self.names(puzzle_id)}
        stem = base[: MAX_NAME_LENGTH - 6].rstrip(" ._+-") or DEFAULT_NAME
        if stem.casefold() not in taken:
            return stem
        number = 2
        while f"{stem} {number}".casefold() in taken:
            number += 1
        return f"{stem} {number}"

    def new(self, puzzle_id: str, text: str = "", name: str | None = None) -> str:
        """Create a solution holding `text`; returns its name (a free one when none is given)."""
        name = check_name(name) if name is not None else self.free_name(puzzle_id)
        self._refuse_taken(puzzle_id, name)
        self.save(puzzle_id, name, text)
        return name

    def copy(self, puzzle_id: str, name: str, new_name: str | None = None) -> str:
        """Copy a solution under `new_name` (default: `<name> copy`, numbered if taken)."""
        text = self.read(puzzle_id, name)
        if new_name is None:
            new_name = self.free_name(puzzle_id, f"{name} copy")
        return self.new(puzzle_id, text, new_name)

    def rename(self, puzzle_id: str, name: str, new_name: str) -> None:
        source = self.path(puzzle_id, name)
        target = self.path(puzzle_id, new_name)
        if not source.is_file():
            raise SolutionError(f"no solution named {name!r} for {puzzle_id}")
        if new_name == name:
            return
        if new_name.casefold() != name.casefold():
            self._refuse_taken(puzzle_id, new_name)
        # os.replace is atomic on one filesystem: the solution exists under exactly one name.
        os.replace(source, target)

    def delete(self, puzzle_id: str, name: str) -> None:
        path = self.path(puzzle_id, name)
        try:
            path.unlink()
        except FileNotFoundError:
            raise SolutionError(f"no solution named {name!r} for {puzzle_id}") from None

    def _refuse_taken(self, puzzle_id: str, name: str) -> None:
        taken = {existing.casefold() for existing in self.names(puzzle_id)}
        if name.casefold() in taken:
            raise SolutionError(f"a solution named {name!r} already exists for {puzzle_id}")
