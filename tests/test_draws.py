"""Inputs drawn in bulk: the same words as `randint` one at a time, and the generator left
where `randint` leaves it (the regions after a random one are drawn from it)."""

from __future__ import annotations

import random

import pytest

import game.draws
from game.draws import bulk_agrees, draw_ints


def test_this_interpreter_draws_as_the_bulk_draw_expects() -> None:
    # If not, inputs are still right (randint is called), but the fast way is lost.
    assert bulk_agrees()


@pytest.mark.parametrize("seed", range(200))
def test_bulk_draws_are_randint_draws(seed: int) -> None:
    rng = random.Random(seed)
    low = rng.choice([0, 0, 1, 5, 2**31, rng.randrange(2**32)])
    high = rng.choice([low, low + 1, low + 2046, 2**30 - 1 + low, 2**32 - 1, 2**32, 2**40])
    count = rng.choice([0, 1, 2, 7, 300, 2047])
    single, many = random.Random(seed + 1), random.Random(seed + 1)
    assert draw_ints(many, low, high, count) == [single.randint(low, high)
                                                 for _ in range(count)]
    assert many.random() == single.random()


@pytest.mark.parametrize("ahead", [1, 5, 300])
def test_a_first_take_too_short_goes_on_in_rounds(ahead: int) -> None:
    # 300 draws of a width of 2^30 + 1 keep about half the words: 1, 5 and 300 fall short.
    single, many = random.Random(ahead), random.Random(ahead)
    drawn = game.draws._bulk(many, 7, 2**30 + 1, 300, ahead)
    assert drawn.tolist() == [single.randint(7, 2**30 + 7) for _ in range(300)]
    assert many.getrandbits(32) == single.getrandbits(32)


def test_without_the_bulk_draw_randint_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(game.draws, "bulk_agrees", lambda: False)
    calls = []

    class Counted(random.Random):
        def randint(self, a: int, b: int) -> int:
            calls.append((a, b))
            return super().randint(a, b)

    reference = random.Random(3)
    assert draw_ints(Counted(3), 0, 9, 4) == [reference.randint(0, 9) for _ in range(4)]
    assert calls == [(0, 9)] * 4
