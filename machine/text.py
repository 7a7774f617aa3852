"""Text taken from input, made fit for a one-line message.

Input may be hostile or broken: a single 1 MB token would bury the message that
quotes it, a control character could rewrite the terminal, and a file name may hold
bytes that are not UTF-8 (Python keeps them as lone surrogates, which a UTF-8 stream
refuses with UnicodeEncodeError). Every message that quotes a token or a path from
input goes through `shown_token` or `shown_path`.
"""

from __future__ import annotations

import os

TOKEN_SHOWN = 40
"""Characters of a quoted token kept before it is cut (the rest is counted)."""
PATH_SHOWN = 240
"""Characters of a path kept before it is cut: real paths fit, a hostile one is bounded."""

_SURROGATE_BYTES = range(0xDC80, 0xDD00)
"""Where `surrogateescape` puts a byte 0x80-0xff that is not UTF-8."""


def shown_token(token: str, keep: int = TOKEN_SHOWN) -> str:
    """A token as a message quotes it: cut to `keep` characters plus its length, escaped.

    Cutting comes first, so the cost is bounded by `keep`, never by the token.
    """
    if len(token) > keep:
        token = f"{token[:keep]}... ({len(token):,} characters)"
    return printable(token)


def described(value: object) -> str:
    """Any value as a message shows it: its repr, cut like `shown_token`; a value nested
    too deeply for repr is named as such."""
    try:
        return shown_token(repr(value))
    except RecursionError:
        return "a value nested too deeply to show"


def quoted_token(token: str, keep: int = TOKEN_SHOWN) -> str:
    """A token quoted as Python quotes strings, cut like `shown_token`: ``'abc...' (N
    characters)`` for a long one, so the quote marks show where the text stops."""
    if len(token) <= keep:
        return printable(repr(token))
    return f"{printable(repr(token[:keep] + '...'))} ({len(token):,} characters)"


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as a message names it: undecodable bytes and control characters escaped."""
    return shown_token(os.fspath(path), PATH_SHOWN)


def printable(text: str) -> str:
    """`text` with what a terminal cannot show as backslash escapes.

    A byte of a file name that is not UTF-8 comes back as ``\\xff``, the byte it was;
    other unprintable characters as Python writes them (``\\n``, ``\\x1b``, ``\\u200b``).
    """
    if text.isprintable():
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if char.isprintable():
        return char
    if ord(char) in _SURROGATE_BYTES:
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")
