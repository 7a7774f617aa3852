"""Puzzle packs: the TOML format (`schema`), its loader with located errors (`loader`).

Public API:

- `load_pack(path) -> Pack`, `parse_pack(text, path) -> Pack`; both raise
  `PackError`, whose `.issues` are `PackIssue`s printed as
  ``file:line: dotted.key: message``.
- `Pack` (`.id`, `.pack` metadata, `.puzzles` in play order, `.puzzle(id)`),
  `Puzzle` (`.machine_config()`, `.memory` regions, `.check`, `.reference`,
  `.scored_seeds`, `.robustness_seeds`, `.cycle_limit`, `.metrics`,
  `.primary_metric`, `.marks`, `.best`), `Mark`.
- `json_schema()`: the format as JSON Schema.

Memory images come from `game.inputs`, expected outputs from
`game.references`, scores from `game.scoring`; packs are found by id with
`game.catalog`.
"""

from typing import TYPE_CHECKING, Any

from game.pack.schema import MAX_MEMORY_WORDS, METRICS, Mark, Pack, Puzzle, json_schema
from game.pack.text import MAX_PACK_BYTES, PackError, PackIssue

if TYPE_CHECKING:
    from game.pack.loader import load_pack, parse_pack

__all__ = [
    "MAX_MEMORY_WORDS",
    "MAX_PACK_BYTES",
    "METRICS",
    "Mark",
    "Pack",
    "PackError",
    "PackIssue",
    "Puzzle",
    "json_schema",
    "load_pack",
    "parse_pack",
]


def __getattr__(name: str) -> Any:
    """`load_pack` and `parse_pack`, from the loader, imported when first asked for: a pack
    read back from the cache (`game.pack.cache`) needs neither it nor the TOML and pydantic
    it imports."""
    if name in ("load_pack", "parse_pack"):
        from game.pack import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
