"""`rng.randint(low, high)` called `count` times, at numpy speed, with the same results.

A puzzle's input is drawn with `randint`, region by region, as the take-home draws
its own; the full-size tree kernel takes 2,303 draws a seed, and drawing them was a
quarter of `vliw check --seeds 64`. CPython draws `randint` from the 32-bit words of
its generator, one word a try: the try is the word's top k bits (k the bit length of
the range's width), kept when it is below the width, passed over otherwise. Here many
words are taken at once by one `getrandbits(32 * m)`, which takes them in the order m
single calls would, and they are kept or passed over in bulk; no round takes more
words than the draws still missing, so the generator ends where `randint` leaves it.

Whether this interpreter draws that way is checked once, against `randint` itself
(`bulk_agrees`); where it does not, `randint` is called.
"""

from __future__ import annotations

import random
from functools import cache


def draw_ints(rng: random.Random, low: int, high: int, count: int) -> list[int]:
    """`[rng.randint(low, high) for _ in range(count)]`, leaving `rng` in the same state."""
    width = high - low + 1
    if count <= 0 or not 1 <= width <= 2**32 - 1 or not bulk_agrees():
        return [rng.randint(low, high) for _ in range(count)]
    return _bulk(rng, low, width, count)


def _bulk(rng: random.Random, low: int, width: int, count: int) -> list[int]:
    import numpy as np

    shift = 32 - width.bit_length()
    kept = []
    need = count
    while need:
        words = np.frombuffer(rng.getrandbits(32 * need).to_bytes(4 * need, "little"),
                              dtype="<u4")
        tries = words >> np.uint32(shift)
        good = tries[tries < width]
        kept.append(good)
        need -= len(good)
    drawn = np.concatenate(kept).astype(np.int64)
    drawn += low
    return drawn.tolist()  # type: ignore[no-any-return]


_CHECKS = ((0, 2**30 - 1), (0, 2046), (5, 5), (0, 2**32 - 2), (7, 1000), (2**31, 2**32 - 1))
"""(low, high) ranges the bulk draw is held against: the tree kernel's, one word, a width
of one, the widest it takes, and others."""


@cache
def bulk_agrees() -> bool:
    """Whether the bulk draw gives what `randint` gives on this interpreter, and leaves the
    generator in the same state."""
    for seed in (0, 1, 123):
        for low, high in _CHECKS:
            single, many = random.Random(seed), random.Random(seed)
            expected = [single.randint(low, high) for _ in range(64)]
            if _bulk(many, low, high - low + 1, 64) != expected:
                return False
            if single.getrandbits(32) != many.getrandbits(32):
                return False
    return True
