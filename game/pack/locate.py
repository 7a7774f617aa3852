"""Lines of the keys of a TOML text, so that schema errors can name a line.

`tomllib` parses TOML but forgets where things were. `key_lines(text)` scans
a text that tomllib has already accepted and maps every key path to the line
that defines it: table headers, ``[[array.of.tables]]`` elements (path ends
in the element's index), ``key = value`` lines (dotted keys give every
prefix), keys of inline tables and elements of inline arrays. A path is a
tuple of keys (str) and array indices (int), the shape of pydantic's error
locations, e.g. ``("puzzle", 2, "machine", "vlen")``.

`Locator.line(path)` answers with the line of the longest known prefix of a
path, so a missing key is reported at the line of its enclosing table.
`Locator.string_start(path)` is the line where a string value's text begins
(after the newline that TOML trims from a multi-line string), so that errors
inside an embedded program map to lines of the pack file.
"""

from __future__ import annotations

import bisect
import tomllib
from collections.abc import Sequence
from functools import cached_property

KeyPath = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}#\n\r")


class Locator:
    """Where each key path of a (syntactically valid) TOML text is defined.

    The text is scanned on the first question: a pack that loads without a problem
    (nearly every load, and every `vliw check`) never asks one."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def _scanned(self) -> _Scanner:
        scanner = _Scanner(self.text)
        scanner.scan()
        return scanner

    @property
    def lines(self) -> dict[KeyPath, int]:
        return self._scanned.lines

    @property
    def string_starts(self) -> dict[KeyPath, int]:
        return self._scanned.string_starts

    def line(self, path: Sequence[str | int]) -> int:
        """Line of `path`, or of its longest known prefix; 1 for the document itself."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1

    def string_start(self, path: Sequence[str | int]) -> int | None:
        return self.string_starts.get(tuple(path))


class _Scanner:
    """A lenient single pass over TOML text already known to be valid.

    It never raises and always advances, so even if it misreads an exotic
    construct the worst outcome is a less precise line, never a hang.
    """

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.lines: dict[KeyPath, int] = {}
        self.string_starts: dict[KeyPath, int] = {}
        self.array_lengths: dict[KeyPath, int] = {}
        self.table: KeyPath = ()

    # -- positions ---------------------------------------------------------

    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def peek(self, offset: int = 0) -> str:
        at = self.pos + offset
        return self.text[at] if at < len(self.text) else ""

    def startswith(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def record(self, path: KeyPath, pos: int) -> None:
        self.lines.setdefault(path, self.line_at(pos))

    # -- whitespace and comments ------------------------------------------

    def skip_blank(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.pos += 1
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    # -- the document -------------------------------------------------------

    def scan(self) -> None:
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            start = self.pos
            if self.startswith("[["):
                self.pos += 2
                self.array_header(self.keys(), start)
                self.skip_to("]]")
            elif self.peek() == "[":
                self.pos += 1
                self.table = self.resolve(self.keys())
                self.record(self.table, start)
                self.skip_to("]")
            else:
                keys = self.keys()
                if not keys:
                    self.pos = start + 1  # not a key: never stall
                    continue
                self.key_value(self.table, keys, start)

    def resolve(self, keys: Sequence[str]) -> KeyPath:
        """A header's keys as a path: arrays of tables step into their last element."""
        path: KeyPath = ()
        for key in keys:
            path += (key,)
            count = self.array_lengths.get(path)
            if count:
                path += (count - 1,)
        return path

    def array_header(self, keys: list[str], start: int) -> None:
        if not keys:
            return
        array = (*self.resolve(keys[:-1]), keys[-1])
        index = self.array_lengths.get(array, 0)
        self.array_lengths[array] = index + 1
        self.record(array, start)
        self.table = (*array, index)
        self.record(self.table, start)

    def skip_to(self, closing: str) -> None:
        end = self.text.find(closing, self.pos)
        self.pos = len(self.text) if end < 0 else end + len(closing)

    # -- keys ---------------------------------------------------------------

    def keys(self) -> list[str]:
        """A dotted key; stops before `=` or `]` (not consumed)."""
        keys: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            key = self.key()
            if key is None:
                return keys
            keys.append(key)
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return keys
            self.pos += 1

    def key(self) -> str | None:
        ch = self.peek()
        if ch in ('"', "'"):
            start = self.pos
            self.string()
            raw = self.text[start:self.pos]
            try:
                return str(tomllib.loads(f"k = {raw}")["k"])
            except tomllib.TOMLDecodeError:
                return raw.strip(ch)
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _BARE_KEY:
            self.pos += 1
        return self.text[start:self.pos] if self.pos > start else None

    def key_value(self, base: KeyPath, keys: list[str], start: int) -> None:
        path = base
        for key in keys:
            path += (key,)
            self.record(path, start)
        self.skip_blank(newlines=False)
        if self.peek() == "=":
            self.pos += 1
        self.skip_blank(newlines=False)
        self.value(path)

    # -- values -------------------------------------------------------------

    def value(self, path: KeyPath) -> None:
        ch = self.peek()
        if ch in ('"', "'"):
            self.string(path)
        elif ch == "[":
            self.array(path)
        elif ch == "{":
            self.inline_table(path)
        else:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in _SCALAR_END:
                self.pos += 1
            if self.pos == start and self.pos < len(self.text):
                self.pos += 1

    def string(self, path: KeyPath | None = None) -> None:
        quote = self.peek()
        if self.startswith(quote * 3):
            self.pos += 3
            if self.startswith("\r\n"):
                content = self.pos + 2
            elif self.peek() == "\n":
                content = self.pos + 1
            else:
                content = self.pos
            self.pos = self.closing(quote * 3, escapes=quote == '"')
            while self.peek() == quote:  # up to two quotes may end the content
                self.pos += 1
        else:
            self.pos += 1
            content = self.pos
            self.pos = self.closing(quote, escapes=quote == '"')
        if path is not None:
            self.string_starts.setdefault(path, self.line_at(content))

    def closing(self, delimiter: str, escapes: bool) -> int:
        """Position just after the delimiter that ends a string starting at self.pos."""
        at = self.pos
        while at < len(self.text):
            if escapes and self.text[at] == "\\":
                at += 2
            elif self.text.startswith(delimiter, at):
                return at + len(delimiter)
            else:
                at += 1
        return len(self.text)

    def array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while self.pos < len(self.text):
            self.skip_blank(newlines=True)
            if self.peek() in ("]", ""):
                self.pos += 1
                return
            before = self.pos
            self.record((*path, index), self.pos)
            self.value((*path, index))
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.pos += 1
                index += 1
            if self.pos == before:
                self.pos += 1

    def inline_table(self, path: KeyPath) -> None:
        self.pos += 1
        while self.pos < len(self.text):
            self.skip_blank(newlines=True)
            if self.peek() in ("}", ""):
                self.pos += 1
                return
            before = self.pos
            keys = self.keys()
            if keys:
                self.key_value(path, keys, before)
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            if self.pos == before:
                self.pos += 1
