"""Pausing the cyclic garbage collector around a large parse or run loses nothing.

The objects made while it is paused leave the youngest generation (so that the
next young collection does not traverse a whole kernel), yet garbage cycles
made meanwhile are still found by a full collection, and the collector ends as
it was found, in every nesting.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from machine import collector
from machine.collector import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_is_off_in_the_block_and_on_after(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_what_the_block_made_leaves_the_youngest_generation(
        collector_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "_kept", False)  # as in a process that kept nothing aside
    with collector_paused():
        kept = [[index] for index in range(50_000)]
        assert gc.get_count()[0] >= 50_000
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert all(id(item) in oldest for item in kept[::997])


def test_a_cycle_made_in_the_block_is_still_collected(collector_on: None) -> None:
    with collector_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        watch = weakref.ref(first)
    del first, second
    assert watch() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert watch() is None


def test_an_error_in_the_block_still_turns_the_collector_on(collector_on: None) -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a fault")
    assert gc.isenabled()
