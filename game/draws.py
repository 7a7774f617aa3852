"""`rng.randint(low, high)` called again and again, at numpy speed, with the same results.

A puzzle's input is drawn with `randint`, region by region from one generator, as the
take-home draws its own; the full-size tree kernel takes 2,303 draws a seed, and drawing
them was a quarter of `vliw check --seeds 64`. CPython draws `randint` from the 32-bit
words of its generator, one word a try: the try is the word's top k bits (k the bit
length of the range's width), kept when it is below the width, passed over otherwise.
Here many words are taken at once by one `getrandbits(32 * m)`, which takes them in the
order m single calls would, and they are kept or passed over in bulk. Words a region
leaves unused serve the next one, so an image of several regions takes its words in one
or two calls, and the generator is only put back where `randint` would leave it when
something else is to draw from it (`Draws.settle`).

Whether this interpreter draws that way is checked once, against `randint` itself
(`bulk_agrees`); where it does not, `randint` is called.
"""

from __future__ import annotations

import random
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class Draws:
    """The `randint` draws of one generator, call after call. Its words are taken ahead of
    the draws: until `settle` is called, the generator is further on than `randint` would
    have left it."""

    def __init__(self, rng: random.Random) -> None:
        import numpy as np

        self._rng = rng
        self._words: NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        self._used = 0
        """Words of `_words` the draws so far have used."""
        self._state_before: tuple[Any, ...] | None = None
        """The generator as it was before `_words` were taken."""

    def randints(self, low: int, high: int, count: int) -> NDArray[np.int64]:
        """`[rng.randint(low, high) for _ in range(count)]` as an int64 array, which a memory
        image takes without making an int object of each word."""
        import numpy as np

        width = high - low + 1
        if count <= 0 or not 1 <= width <= 2**32 - 1 or not bulk_agrees():
            self.settle()
            return np.array([self._rng.randint(low, high) for _ in range(count)],
                            dtype=np.int64)
        return self._bulk(low, width, count)

    def _bulk(self, low: int, width: int, count: int) -> NDArray[np.int64]:
        """The draws of `randints`, `count` > 0 of them below a `width` of 32 bits at most,
        taken from the words in bulk."""
        import numpy as np

        bits = width.bit_length()
        shift = np.uint32(32 - bits)
        parts = []
        while True:
            tries = self._words[self._used:] >> shift
            kept = np.flatnonzero(tries < width)
            if len(kept) >= count:
                parts.append(tries[kept[:count]])
                self._used += int(kept[count - 1]) + 1
                break
            parts.append(tries[kept])
            count -= len(kept)
            self._take(words_ahead(count, width))
        drawn = (parts[0] if len(parts) == 1 else np.concatenate(parts)).astype(np.int64)
        drawn += low
        return drawn

    def settle(self) -> None:
        """Put the generator where the draws so far would have left it, one `randint` at a
        time: back to where the words were taken, then on by the words used."""
        import numpy as np

        if self._used < len(self._words):
            assert self._state_before is not None
            self._rng.setstate(self._state_before)
            if self._used:
                self._rng.getrandbits(32 * self._used)
        self._words = np.zeros(0, dtype=np.uint32)
        self._used = 0

    def _take(self, count: int) -> None:
        """The next `count` words of the generator, once the ones taken before are used."""
        self._state_before = self._rng.getstate()
        self._words = _words(self._rng, count)
        self._used = 0


def words_ahead(count: int, width: int) -> int:
    """The words to take for `count` draws below `width`: 9/8 of the tries they take on
    average, and 64 more."""
    return count * (1 << width.bit_length()) // width * 9 // 8 + 64


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
    """Whether the bulk draw gives what `randint` gives on this interpreter, one range after
    another, and settles the generator where `randint` leaves it."""
    for seed in (0, 1, 123):
        single, many = random.Random(seed), random.Random(seed)
        draws = Draws(many)
        for low, high in _CHECKS:
            expected = [single.randint(low, high) for _ in range(64)]
            if draws._bulk(low, high - low + 1, 64).tolist() != expected:
                return False
        draws.settle()
        if single.getrandbits(32) != many.getrandbits(32):
            return False
    return True
