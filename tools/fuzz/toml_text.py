"""TOML text for a mutated document: any table, any value, written back as a file a reader
takes apart (tables as headers, everything below them inline)."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from tools.fuzz.values import all_digits

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_text(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else string_text(key)


def string_text(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but for DEL, which TOML refuses raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        with all_digits():
            return str(value)
    if isinstance(value, float):
        return {float("inf"): "inf", float("-inf"): "-inf"}.get(value, repr(value)) \
            if value == value else "nan"
    if isinstance(value, str):
        return string_text(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(inline(item) for item in value) + "]"
    pairs = ", ".join(f"{key_text(str(k))} = {inline(v)}" for k, v in value.items())
    return "{ " + pairs + " }" if pairs else "{}"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def dump(document: Any) -> str:
    """The document as TOML: plain keys first, then `[table]` and `[[array]]` sections (a
    mutation may have replaced the whole document by a value: then one key holds it)."""
    if not isinstance(document, dict):
        return f"value = {inline(document)}\n"
    lines = [f"{key_text(k)} = {inline(v)}" for k, v in document.items()
             if not isinstance(v, dict) and not _is_table_array(v)]
    for key, value in document.items():
        sections = [value] if isinstance(value, dict) else value if _is_table_array(value) else []
        header = f"[{key_text(key)}]" if isinstance(value, dict) else f"[[{key_text(key)}]]"
        for table in sections:
            lines += ["", header]
            lines += [f"{key_text(str(k))} = {inline(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
