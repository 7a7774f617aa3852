"""Opening the catalog and finding a puzzle for a command, every failure a one-line CliError.

Shared by the commands that name a puzzle (check, hist, puzzle inputs, play).
Importing this loads no pack: `game.catalog` reads a pack file, and imports
the pack format, only when a puzzle of that pack is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from game.catalog import Catalog, CatalogError, PuzzleEntry
from game.cli.common import CliError


def open_catalog(extra_packs: Sequence[str]) -> Catalog:
    """The shipped packs and these pack files: only the added ones are read now."""
    if not extra_packs:
        return Catalog()
    from game.pack import PackError

    try:
        return Catalog(extra_packs=[_existing(p) for p in extra_packs])
    except (PackError, CatalogError) as error:
        raise CliError(str(error)) from None


def find_puzzle(catalog: Catalog, puzzle_id: str) -> PuzzleEntry:
    from game.pack import PackError

    try:
        return catalog.puzzle(puzzle_id)
    except (PackError, CatalogError) as error:
        raise CliError(str(error)) from None


def _existing(path: str) -> str:
    if not Path(path).is_file():
        raise CliError(f"{path}: no such pack file")
    return path
