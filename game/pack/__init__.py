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

from game.pack.loader import MAX_PACK_BYTES, PackError, PackIssue, load_pack, parse_pack
from game.pack.schema import MAX_MEMORY_WORDS, METRICS, Mark, Pack, Puzzle, json_schema

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
