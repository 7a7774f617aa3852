"""Inputs drawn in bulk: the same words as `randint` one at a time, region after region
from one generator, and the generator, once settled, where `randint` leaves it."""

from __future__ import annotations

import random

import pytest

import game.draws
from game.draws import Draws, bulk_agrees

LOWS = (0, 0, 1, 5, 2**31)
HIGHS_ABOVE = (0, 1, 2046, 2**30 - 1, 2**32 - 2, 2**32, 2**40)
"""A range's width less one: one word, tiny, the tree kernel's own, the widest the bulk
draw takes, and two too wide for it (drawn by `randint`)."""


def test_this_interpreter_draws_as_the_bulk_draw_expects() -> None:
    # If not, inputs are still right (randint is called), but the fast way is lost.
    assert bulk_agrees()


def regions(seed: int) -> list[tuple[int, int, int]]:
    """One to four (low, high, count) regions, as a puzzle's memory has them."""
    rng = random.Random(seed)
    return [(low, low + rng.choice(HIGHS_ABOVE), rng.choice([0, 1, 2, 7, 300, 2047]))
            for low in (rng.choice(LOWS) for _ in range(rng.randint(1, 4)))]


@pytest.mark.parametrize("seed", range(200))
def test_bulk_draws_are_randint_draws_region_after_region(seed: int) -> None:
    single, many = random.Random(seed + 1), random.Random(seed + 1)
    draws = Draws(many)
    for low, high, count in regions(seed):
        assert draws.randints(low, high, count).tolist() == [single.randint(low, high)
                                                             for _ in range(count)]
    draws.settle()
    assert many.random() == single.random()


@pytest.mark.parametrize("ahead", [1, 5, 300])
def test_takes_too_short_go_on_in_rounds(ahead: int, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    # 300 draws of a width of 2^30 + 1 keep about half the words: 1, 5 and 300 fall short.
    monkeypatch.setattr(game.draws, "words_ahead", lambda count, width: ahead)
    single, many = random.Random(ahead), random.Random(ahead)
    draws = Draws(many)
    for _ in range(3):
        assert draws.randints(7, 2**30 + 7, 300).tolist() == [single.randint(7, 2**30 + 7)
                                                               for _ in range(300)]
    draws.settle()
    assert many.getrandbits(32) == single.getrandbits(32)


def test_settling_twice_or_with_nothing_drawn_moves_nothing() -> None:
    single, many = random.Random(9), random.Random(9)
    draws = Draws(many)
    draws.settle()
    assert draws.randints(0, 99, 10).tolist() == [single.randint(0, 99) for _ in range(10)]
    draws.settle()
    draws.settle()
    assert many.getrandbits(32) == single.getrandbits(32)


def test_without_the_bulk_draw_randint_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(game.draws, "bulk_agrees", lambda: False)
    calls = []

    class Counted(random.Random):
        def randint(self, a: int, b: int) -> int:
            calls.append((a, b))
            return super().randint(a, b)

    reference = random.Random(3)
    assert Draws(Counted(3)).randints(0, 9, 4).tolist() == [reference.randint(0, 9)
                                                            for _ in range(4)]
    assert calls == [(0, 9)] * 4
