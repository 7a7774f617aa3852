"""Values and byte edits that break a reader's assumptions, for every kind of input.

Every function takes a `random.Random`, so a campaign replays from its seed and
hypothesis can drive the same code through `st.randoms()` (and shrink it).
"""

from __future__ import annotations

import contextlib
import datetime
import random
import sys
from collections.abc import Iterator
from typing import Any

EDGE_INTS: tuple[int, ...] = (
    0, 1, -1, 2, 3, 7, 8, 9, 16, 255, 256, 1023, 4096, 20_000, 65_535, 2**20, 2**24,
    2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53, 2**63 - 1, 2**63, 2**64, -(2**31), -(2**63),
)
"""Boundaries of words, sizes and the machine's limits."""

ODD_TEXT: tuple[str, ...] = (
    "", " ", "\t", "²", "٣", "𝟘", "Ⅻ", "é", "\u202e", "\u200b", "\ufeff", "🙂", "\x7f", "\\",
    "\"", "'", "#", "[", "]", "{", "}", "||", ",", ":", "=", "-", "--help", "/", "..",
    "../../../etc/passwd", "a/b", "%s%n", "{0}", "0x", "1e309", "nan", "-inf", "0b101",
    "1_000", "+5", "-0", "00", "\r", "\n", "\u2028",
)
"""Short strings that a tokenizer, a number parser or a path check may trip on."""


@contextlib.contextmanager
def all_digits() -> Iterator[None]:
    """Let this process write integers of any length (to make inputs, never to read them)."""
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def huge_int(rng: random.Random) -> int:
    """An integer of up to some thousands of digits (str() of more than 4300 digits fails)."""
    return rng.choice((1, -1)) * (10 ** rng.choice((19, 20, 40, 400, 4300, 4301, 5000)) - 1)


def edge_int(rng: random.Random) -> int:
    if rng.random() < 0.15:
        return huge_int(rng)
    value = rng.choice(EDGE_INTS)
    return value + rng.choice((0, 0, 0, -1, 1))


def long_text(rng: random.Random) -> str:
    return rng.choice(("x", "é", "9", "ab ", "\u00a0", "𝟘")) * rng.choice((300, 5_000, 200_000))


def odd_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return long_text(rng)
    if roll < 0.2:
        return "".join(chr(rng.choice((rng.randrange(32, 0x2FF), rng.randrange(0x3000, 0xD7FF),
                                       rng.randrange(0xE000, 0x10FFFF)))) for _ in range(8))
    return rng.choice(ODD_TEXT)


def scalar(rng: random.Random) -> Any:
    """A JSON- and TOML-able scalar of any type."""
    return rng.choice((
        lambda: edge_int(rng),
        lambda: rng.choice((0.0, -0.0, 0.5, 1e300, -2.5, 4294967295.0)),
        lambda: odd_text(rng),
        lambda: rng.choice((True, False)),
        lambda: rng.randrange(-10, 100),
    ))()


def any_value(rng: random.Random, depth: int = 2) -> Any:
    """A scalar, list or table, nested up to `depth` levels."""
    roll = rng.random()
    if depth <= 0 or roll < 0.6:
        return scalar(rng)
    if roll < 0.8:
        return [any_value(rng, depth - 1) for _ in range(rng.randrange(4))]
    return {odd_key(rng): any_value(rng, depth - 1) for _ in range(rng.randrange(3))}


def odd_key(rng: random.Random) -> str:
    return rng.choice(("x", "id", "count", "kind", "name", "", "é", "a b", "0", "puzzle",
                       "metrics", "program", "seed"))


def toml_scalar(rng: random.Random) -> Any:
    """A scalar only TOML has (dates and times), or one of `scalar`."""
    if rng.random() < 0.1:
        return rng.choice((datetime.date(1979, 5, 27), datetime.time(7, 32),
                           datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.UTC)))
    return scalar(rng)


def nested(rng: random.Random, leaf: Any) -> Any:
    """`leaf` inside lists or tables some hundreds deep (a recursive reader's stack)."""
    depth = rng.choice((5, 60, 300))
    as_table = rng.random() < 0.5
    for _ in range(depth):
        leaf = {"a": leaf} if as_table else [leaf]
    return leaf


def mutate_int(rng: random.Random, value: int) -> int:
    return rng.choice((
        lambda: -value, lambda: value + 1, lambda: value - 1, lambda: value * 2 ** 20,
        lambda: value * 10**6, lambda: edge_int(rng), lambda: 0,
    ))()


# --- bytes ------------------------------------------------------------------------------------

_SNIPPETS: tuple[bytes, ...] = (
    b"\0", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\t",
    b"\\u0000", b"\"\"\"", b"'''", b"[[", b"]]", b"{", b"}", b"=", b",", b"#", b"||",
    "²".encode(), "\u2028".encode(), b"9" * 5000, b"[" * 3000, b"{\"a\":" * 2000,
)


def _splice(rng: random.Random, data: bytes, donors: list[bytes]) -> bytes:
    donor = rng.choice(donors) if donors else data
    if not donor:
        return data
    start = rng.randrange(len(donor))
    piece = donor[start:start + rng.randrange(1, 200)]
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def mutate_bytes(rng: random.Random, data: bytes, donors: list[bytes] | None = None) -> bytes:
    """`data` after a few byte-level edits: flips, inserts, deletes, repeats and splices."""
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        size = len(data)
        at = rng.randrange(size + 1)
        roll = rng.randrange(8)
        if roll == 0 and size:
            at = min(at, size - 1)
            data = data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
        elif roll == 1:
            data = data[:at] + rng.choice(_SNIPPETS) + data[at:]
        elif roll == 2:
            data = data[:at] + data[at + rng.randrange(1, 64):]
        elif roll == 3:
            piece = data[at:at + rng.randrange(1, 80)]
            data = data[:at] + piece * rng.choice((2, 10, 1000)) + data[at:]
        elif roll == 4:
            data = data[:at]
        elif roll == 5:
            data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9))) \
                + data[at:]
        elif roll == 6:
            data = _splice(rng, data, donors or [])
        else:
            data = data[:at] + odd_text(rng).encode("utf-8", "surrogatepass") + data[at:]
    return data


def garbage(rng: random.Random) -> bytes:
    """Text or bytes that is no kind of input at all, or barely one."""
    return rng.choice((
        lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))),
        lambda: "".join(rng.choice("[]{}=\",.#:0123456789abc \n'") for _ in
                        range(rng.randrange(1, 300))).encode(),
        lambda: b"[" * rng.choice((10, 1000, 100_000)),
        lambda: b"a = " + b"[" * rng.choice((100, 1000, 20_000)),
        lambda: b"a = " + b"{b = " * rng.choice((100, 400, 2000)),
        lambda: b"\n" * rng.randrange(1, 100_000),
        lambda: b"",
        lambda: b" \t\n",
        lambda: b"\xef\xbb\xbf",
        lambda: b"9" * rng.choice((10, 4301, 100_000)),
        lambda: b"[" + b"0," * rng.choice((10, 100_000, 2_000_000)) + b"0]",
    ))()
