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
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, fields, is_dataclass
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from game.pack.schema import Pack
from game.pack.text import read_pack_text
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
        from game.pack.loader import parse_pack  # TOML and pydantic: only on a miss

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
    return _builder(kind)(value)


@cache
def _builder(kind: Any) -> Callable[[Any], Any]:
    """The function that builds a `kind` from its JSON value, made once a type: the type is
    taken apart once, not again at every value of a pack (a third of reading one back)."""
    if is_dataclass(kind):
        parts = {name: _builder(hint) for name, hint in _hints(kind).items()}

        def table(value: Any) -> Any:
            if not isinstance(value, dict):
                raise TypeError(f"{kind.__name__} from {type(value).__name__}")
            return kind(**{name: parts[name](item) for name, item in value.items()})
        return table
    origin = get_origin(kind)
    if origin is list:
        each = _builder(get_args(kind)[0])
        return lambda value: [each(item) for item in value]
    if origin is dict:
        each = _builder(get_args(kind)[1])
        return lambda value: {key: each(item) for key, item in value.items()}
    if origin in (Union, UnionType):
        options = [option for option in get_args(kind) if option is not NoneType]
        tables = {_tag(option): _builder(option) for option in options if is_dataclass(option)}
        only = _builder(options[0])

        def union(value: Any) -> Any:
            if value is None:
                return None
            return tables[value["kind"]](value) if tables else only(value)
        return union
    return _kept


def _kept(value: Any) -> Any:
    return value


@cache
def _hints(table: type) -> dict[str, Any]:
    """A table's field types, without the rules `Annotated` adds to them."""
    hints = get_type_hints(table)
    return {field.name: hints[field.name] for field in fields(table)}


def _tag(table: type) -> str:
    """The one value of a table's `kind` field (`Literal["words"]` -> "words")."""
    (tag,) = get_args(_hints(table)["kind"])
    return tag
