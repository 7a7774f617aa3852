"""How deep the arrays and inline tables of a TOML text nest, found before parsing it.

`tomllib`, the schema and `game.pack.locate` all recurse once per level of nesting,
so a pack of inline tables nested a few hundred deep would end in RecursionError.
No pack needs more than a handful of levels; `too_deep(text, limit)` finds the
line where nesting first passes a limit with one linear pass that skips strings
and comments, so the parsers only ever see shallow text.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\"\"\"|'''|[\"'#\[\]{}\n]")
_BASIC_REST = re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_MULTILINE_BASIC_REST = re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.DOTALL)


def too_deep(text: str, limit: int) -> int | None:
    """The line where arrays and inline tables first nest more than `limit` deep, or None.

    Brackets of table headers count too (``[[puzzle]]`` is two levels for a moment),
    which only matters for limits below 2. Malformed text is scanned leniently: its
    syntax error is tomllib's to report.
    """
    depth = 0
    line = 1
    pos = 0
    while (found := _TOKEN.search(text, pos)) is not None:
        token = found.group()
        pos = found.end()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > limit:
                return line
        elif token in "]}":
            depth = max(depth - 1, 0)
        elif token == "#":
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
        else:
            end = _string_end(text, pos, token)
            line += text.count("\n", pos, end)
            pos = end
    return None


def _string_end(text: str, pos: int, opening: str) -> int:
    """Where a string whose opening quote ends at `pos` ends (the end of text if never)."""
    if opening == '"':
        rest = _BASIC_REST.match(text, pos)
        return rest.end() if rest else len(text)
    if opening == "'":
        end = text.find("'", pos)
        return len(text) if end < 0 else end + 1
    if opening == '"""':
        rest = _MULTILINE_BASIC_REST.match(text, pos)
        end = rest.end() if rest else len(text)
    else:
        found = text.find("'''", pos)
        end = len(text) if found < 0 else found + 3
    quote = opening[0]
    for _ in range(2):  # up to two quotes of the content may touch the closing ones
        if text.startswith(quote, end):
            end += 1
    return end
