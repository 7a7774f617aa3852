"""`rng.randint(low, high)` called `count` times, at numpy speed, with the same results.

A puzzle's input is drawn with `randint`, region by region, as the take-home draws
its own; the full-size tree kernel takes 2,303 draws a seed, and drawing them was a
quarter of `vliw check --seeds 64`. CPython draws `randint` from the 32-bit words of
its generator, one word a try: the try is the word's top k bits (k the bit length of
the range's width), kept when it is below the width, passed over otherwise. Here many
words are taken at once by one `getrandbits(32 * m)`, which takes them in the order m
single calls would, and they are kept or passed over in bulk. The first take is a little
more than the tries will likely need (one call, where rounds of as many words as draws
still missing took eleven for the tree kernel's forest); the generator is then set back
and moved on by exactly the words used, so it ends where `randint` leaves it.

Whether this interpreter draws that way is checked once, against `randint` itself
(`bulk_agrees`); where it does not, `randint` is called.
"""

from __future__ import annotations

import random
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


def draw_ints(rng: random.Random, low: int, high: int, count: int) -> list[int]:
    """`[rng.randint(low, high) for _ in range(count)]`, leaving `rng` in the same state."""
    return draw_words(rng, low, high, count).tolist()  # type: ignore[no-any-return]


def draw_words(rng: random.Random, low: int, high: int, count: int) -> NDArray[np.int64]:
    """The draws of `draw_ints` as an int64 array, which a memory image takes without
    making an int object of each word."""
    import numpy as np

    width = high - low + 1
    if count <= 0 or not 1 <= width <= 2**32 - 1 or not bulk_agrees():
        return np.array([rng.randint(low, high) for _ in range(count)], dtype=np.int64)
    return _bulk(rng, low, width, count)


def _bulk(rng: random.Random, low: int, width: int, count: int,
          ahead: int | None = None) -> NDArray[np.int64]:
    """`ahead` words drawn at once (by default 9/8 of the tries `count` draws take on
    average, and 64 more), then the generator moved from where it was by exactly the words
    used; when they are not enough, rounds of as many words as draws still missing."""
    import numpy as np

    bits = width.bit_length()
    shift = np.uint32(32 - bits)
    state = rng.getstate()
    if ahead is None:
        ahead = count * (1 << bits) // width * 9 // 8 + 64
    tries = _words(rng, ahead) >> shift
    kept = np.flatnonzero(tries < width)
    if len(kept) >= count:
        rng.setstate(state)
        rng.getrandbits(32 * (int(kept[count - 1]) + 1))
        drawn = tries[kept[:count]].astype(np.int64)
    else:
        parts = [tries[kept]]
        need = count - len(kept)
        while need:
            tries = _words(rng, need) >> shift
            parts.append(tries[tries < width])
            need -= len(parts[-1])
        drawn = np.concatenate(parts).astype(np.int64)
    drawn += low
    return drawn


def _words(rng: random.Random, count: int) -> NDArray[np.uint32]:
    """The next `count` 32-bit words of the generator, in the order `getrandbits(32)`
    returns them one at a time."""
    import numpy as np

    return np.frombuffer(rng.getrandbits(32 * count).to_bytes(4 * count, "little"),
                         dtype="<u4")


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
            if _bulk(many, low, high - low + 1, 64).tolist() != expected:
                return False
            if single.getrandbits(32) != many.getrandbits(32):
                return False
    return True
