"""A pack file's text, and how a pack is refused: every issue located at the line a pack
author edits.

Apart from the loader (`game.pack.loader`) so that a pack read back from the cache
(`game.pack.cache`), as every `vliw check` after the first reads it, imports neither the
loader nor the TOML and pydantic behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from machine.files import FileTooLarge, InputFileError, read_capped

MAX_PACK_BYTES = 1 << 20
"""Pack files above 1 MiB are refused unread."""


@dataclass(frozen=True)
class PackIssue:
    """One problem of a pack file, at the line a pack author edits."""

    path: str
    line: int
    key: str
    """Dotted key such as ``puzzle[2].machine.vlen``; empty for file-level problems."""
    message: str

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.path}:{self.line}:{key} {self.message}"


class PackError(Exception):
    """A pack that cannot be used: every issue found, each located."""

    def __init__(self, issues: Sequence[PackIssue]):
        self.issues = list(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        more = len(self.issues) - 1
        return str(self.issues[0]) + (f" (and {more} more)" if more > 0 else "")


def read_pack_text(path: Path) -> str:
    """The file's text, or PackError for a file too big, not a regular file, unreadable or
    not UTF-8 (`machine.files.read_capped`: a FIFO or a device is refused, never read)."""
    where = str(path)
    try:
        data = read_capped(path, MAX_PACK_BYTES, "pack")
    except FileTooLarge as error:
        raise PackError([PackIssue(where, 1, "", f"file is {error.size_text} bytes; packs are"
                                                 f" limited to {MAX_PACK_BYTES} bytes")]) from None
    except InputFileError as error:
        raise PackError([PackIssue(where, 1, "", f"cannot read: {error.detail}")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise PackError([PackIssue(where, line, "", "not UTF-8 text")]) from None
