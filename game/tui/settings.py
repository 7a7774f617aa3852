"""What the game remembers of the player's choices, and the keys they rebound.

Both live in the data folder beside the solutions: `tui.json` (the statement
panel shown or hidden, every puzzle unlocked or not, the address of a shared
board as `"board_url": "http://host:port"`; the environment variable
VLIW_BOARD_URL, when set, wins over it) and `keymap.toml`, which maps binding
ids to keys, as in

    # keymap.toml: binding id = "key[,key...]"
    run = "f9"
    statement = "ctrl+t"

The ids are those of the game's bindings (the manual lists them; `vliw play`
names an unknown one). A damaged file never stops the game: defaults are used
and the problem is shown. This module knows nothing of Textual.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from game.paths import atomic_write_text

SETTINGS_NAME = "tui.json"
KEYMAP_NAME = "keymap.toml"
MAX_FILE_BYTES = 64 * 1024
BOARD_URL_VARIABLE = "VLIW_BOARD_URL"


@dataclass
class Settings:
    statement: bool = True
    """The puzzle's statement beside the editor."""
    unlock_all: bool = False
    """Every puzzle open, whatever is solved."""
    board_url: str | None = None
    """A shared board's address: the results show its histogram and offer to submit."""

    @classmethod
    def load(cls, home: Path) -> tuple[Settings, str | None]:
        """The saved settings (defaults if none), and what was wrong with the file if anything."""
        path = home / SETTINGS_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8")[:MAX_FILE_BYTES])
        except FileNotFoundError:
            return cls(), None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return cls(), f"{path}: not read, defaults used: {error}"
        if not isinstance(raw, dict):
            return cls(), f"{path}: not read, defaults used: not a JSON object"
        known = {field.name for field in fields(cls)}
        values = {key: value for key, value in raw.items()
                  if key in known and _fits(key, value)}
        return cls(**values), None

    def board(self) -> str | None:
        """The board to use: VLIW_BOARD_URL if set and not empty, else the saved one."""
        return os.environ.get(BOARD_URL_VARIABLE, "").strip() or self.board_url or None

    def save(self, home: Path) -> str | None:
        """Write the settings; what went wrong, if anything."""
        try:
            atomic_write_text(home / SETTINGS_NAME, json.dumps(asdict(self), indent=2) + "\n")
        except OSError as error:
            return f"{home / SETTINGS_NAME}: cannot save the settings: {error}"
        return None


def _fits(name: str, value: object) -> bool:
    """A value of the saved setting's kind (a wrong kind is dropped: its default stays)."""
    if name == "board_url":
        return value is None or isinstance(value, str)
    return isinstance(value, bool)


def load_keymap(home: Path, known_ids: frozenset[str]) -> tuple[dict[str, str], list[str]]:
    """(binding id -> keys, problems) from the player's keymap file; ({}, []) if there is none."""
    path = home / KEYMAP_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")[:MAX_FILE_BYTES])
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, [f"{path}: not read, default keys used: {error}"]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in raw.items():
        if binding_id not in known_ids:
            problems.append(f"{path}: {binding_id!r} is not a binding id (ids:"
                            f" {', '.join(sorted(known_ids))})")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"{path}: {binding_id!r} needs keys as a string, like \"f9\"")
        else:
            keymap[binding_id] = keys.replace(" ", "")
    return keymap, problems
