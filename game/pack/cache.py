"""Packs validated once: a pack file that passed `parse_pack` is kept, as JSON, in the
user's cache folder, and read back from there while neither its text nor the game's code
changes.

Reading a pack the full way costs the TOML parser, pydantic's import and the building of
its validators: about a quarter of a second, paid by every `vliw check` before it runs
anything. Read back from here, the same pack costs a few milliseconds and no pydantic.

The entry's name is a SHA-256 of the pack's text and of the game's source
(`game.paths.code_version`), so an edited pack, or a game whose format or checks changed,
is validated again. A pack that fails is never cached: its errors are found again, with
their lines. An entry that cannot be read or does not fit the format is passed over (and
replaced); a cache that cannot be written costs only time. What is read back is built by
the format's own dataclasses, whose checks (`__post_init__`) run again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from contextlib import suppress
from dataclasses import asdict, fields, is_dataclass
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from game.pack.loader import parse_pack, read_pack_text
from game.pack.schema import Pack
from game.paths import atomic_write_text, cache_home, code_version

FORMAT = 1
"""Of the entries; a new one when their layout changes."""


def cached_pack(path: str | Path) -> Pack:
    """The pack in this file, validated now or when it last changed (see the module)."""
    path = Path(path)
    text = read_pack_text(path)
    entry = _entry_path(text)
    pack = _read_entry(entry)
    if pack is None:
        pack = parse_pack(text, str(path))
        _write_entry(entry, pack)
    return pack


def _entry_path(text: str) -> Path:
    digest = hashlib.sha256(f"vliw pack cache {FORMAT}\n{sys.version}\n".encode())
    digest.update(code_version().encode("ascii") + b"\n")
    digest.update(text.encode("utf-8"))
    return cache_home() / "packs" / f"{digest.hexdigest()}.json"


def _read_entry(entry: Path) -> Pack | None:
    try:
        return built(Pack, json.loads(entry.read_bytes()))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def _write_entry(entry: Path, pack: Pack) -> None:
    with suppress(OSError):  # a cache that cannot be written costs only time
        atomic_write_text(entry, json.dumps(asdict(pack), separators=(",", ":")))


def built(kind: Any, value: Any) -> Any:
    """`value` (as `asdict` and JSON left it) made again into `kind`: tables are made by
    their dataclass, arrays and maps item by item, a union of tables by its `kind` key;
    anything else is kept as it is. A value that does not fit raises TypeError, ValueError
    or KeyError."""
    if is_dataclass(kind):
        if not isinstance(value, dict):
            raise TypeError(f"{kind.__name__} from {type(value).__name__}")
        hints = _hints(kind)
        return kind(**{name: built(hints[name], item) for name, item in value.items()})
    origin = get_origin(kind)
    if origin is list:
        (item_kind,) = get_args(kind)
        return [built(item_kind, item) for item in value]
    if origin is dict:
        _, item_kind = get_args(kind)
        return {key: built(item_kind, item) for key, item in value.items()}
    if origin in (Union, UnionType):
        if value is None:
            return None
        options = [option for option in get_args(kind) if option is not NoneType]
        tables = {_tag(option): option for option in options if is_dataclass(option)}
        return built(tables[value["kind"]] if tables else options[0], value)
    return value


@cache
def _hints(table: type) -> dict[str, Any]:
    """A table's field types, evaluated once (the format's annotations are strings)."""
    hints = get_type_hints(table)
    return {field.name: hints[field.name] for field in fields(table)}


def _tag(table: type) -> str:
    """The one value of a table's `kind` field (`Literal["words"]` -> "words")."""
    (tag,) = get_args(_hints(table)["kind"])
    return tag
