"""Finding packs and puzzles by id.

A puzzle's id is ``<pack id>/<puzzle id>``, e.g. ``takehome/tree-kernel``.
Shipped packs live in `game.paths.PUZZLES_DIR` as ``<pack id>.toml`` (the
file's name must match the pack's id); more pack files from anywhere can be
added (``--pack FILE``), and an added pack with the id of a shipped one
replaces it, so an author can try an edited copy. Packs are loaded on first
use and cached by path, size and modification time, so a lookup touches only
the pack it needs and a broken pack does not hide the others. Importing this
module imports no pack format (pydantic): that comes with the first pack read.

    catalog = Catalog()                       # shipped packs
    catalog = Catalog(extra_packs=[path])     # plus a pack file from anywhere
    entry = catalog.puzzle("takehome/tree-kernel")
    entry.id, entry.pack, entry.puzzle, entry.path
    packs, errors = catalog.load_all()        # for browsing: every pack that loads
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from game.paths import PUZZLES_DIR
from machine.text import shown_token

if TYPE_CHECKING:
    from game.pack import Pack, PackError, Puzzle

PACK_SUFFIX = ".toml"


class CatalogError(Exception):
    """An id that names no pack or puzzle (the message suggests close ones)."""


@dataclass(frozen=True)
class PuzzleEntry:
    """A puzzle as the catalog found it: with its pack and the file it came from."""

    pack: Pack
    puzzle: Puzzle
    path: Path
    """The pack's file."""

    @property
    def id(self) -> str:
        return f"{self.pack.id}/{self.puzzle.id}"

    @property
    def index(self) -> int:
        """Position in the pack's play order."""
        return self.pack.puzzles.index(self.puzzle)


def split_puzzle_id(puzzle_id: str) -> tuple[str, str]:
    pack_id, slash, name = puzzle_id.partition("/")
    if not slash or not pack_id or not name or "/" in name:
        raise CatalogError(f"puzzle ids look like PACK/PUZZLE (e.g. takehome/tree-kernel),"
                           f" not '{shown_token(puzzle_id)}'")
    return pack_id, name


_cache: dict[Path, tuple[tuple[int, int], Pack]] = {}


def _load_cached(path: Path, expected_id: str | None) -> Pack:
    path = path.resolve()
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, -1)
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        pack = cached[1]
    else:
        from game.pack.cache import cached_pack

        pack = cached_pack(path)
        _cache[path] = (stamp, pack)
    if expected_id is not None and pack.id != expected_id:
        raise CatalogError(f"{path}: the pack's id is {pack.id!r}, but shipped packs must be"
                           f" named after their id ({expected_id}{PACK_SUFFIX})")
    return pack


class Catalog:
    def __init__(self, directory: Path = PUZZLES_DIR, extra_packs: Sequence[Path] = ()):
        self.directory = directory
        self.extra: dict[str, Path] = {}
        for path in extra_packs:
            self.extra[_load_cached(Path(path), None).id] = Path(path)

    def pack_paths(self) -> dict[str, Path]:
        """Pack id -> file, shipped packs by name then added packs."""
        paths = {p.stem: p for p in sorted(self.directory.glob(f"*{PACK_SUFFIX}"))}
        paths.update(self.extra)
        return paths

    def pack(self, pack_id: str) -> Pack:
        """The pack with this id; PackError if its file is broken."""
        paths = self.pack_paths()
        if pack_id not in paths:
            raise CatalogError(f"no pack '{shown_token(pack_id)}'" + _suggest(pack_id, paths))
        expected = None if pack_id in self.extra else pack_id
        return _load_cached(paths[pack_id], expected)

    def puzzle(self, puzzle_id: str) -> PuzzleEntry:
        pack_id, name = split_puzzle_id(puzzle_id)
        pack = self.pack(pack_id)
        try:
            puzzle = pack.puzzle(name)
        except KeyError:
            ids = [p.id for p in pack.puzzles]
            raise CatalogError(f"pack '{shown_token(pack_id)}' has no puzzle '{shown_token(name)}'"
                               + _suggest(name, ids, prefix=f"{pack_id}/")) from None
        return PuzzleEntry(pack, puzzle, self.pack_paths()[pack_id])

    def load_all(self) -> tuple[list[Pack], list[PackError | CatalogError]]:
        """Every pack that loads, in browsing order (`order`, then id), and the errors
        of those that do not."""
        from game.pack import PackError

        packs: list[Pack] = []
        errors: list[PackError | CatalogError] = []
        for pack_id in self.pack_paths():
            try:
                packs.append(self.pack(pack_id))
            except (PackError, CatalogError) as error:
                errors.append(error)
        packs.sort(key=lambda pack: (pack.pack.order, pack.id))
        return packs, errors

    def entries(self) -> Iterator[PuzzleEntry]:
        """Every puzzle of every pack that loads, in pack then play order."""
        paths = self.pack_paths()
        for pack in self.load_all()[0]:
            for puzzle in pack.puzzles:
                yield PuzzleEntry(pack, puzzle, paths[pack.id])


def _suggest(name: str, known: Sequence[str] | dict[str, Path], prefix: str = "") -> str:
    from difflib import get_close_matches

    names = list(known)
    close = get_close_matches(name, names, n=3, cutoff=0.5)
    if close:
        return "; did you mean " + " or ".join(prefix + c for c in close) + "?"
    return f"; known: {', '.join(prefix + n for n in names)}" if names else ""
