"""The numpy side: a batch of seeds as arrays, and the functions steps call.

A batch holds seeds that share a pc (so they run the same bundles): scratch as
one row per word, one column per seed (`uint32`, so arithmetic wraps modulo
2^32 by itself), and memory flattened address-major, word `a` of the seed in
column `k` at `a * seeds + k`. That layout makes every load and store of all
seeds one fancy index, and makes an address past the end of memory, for any
seed, an index past the end of the array: numpy's IndexError is the bounds
check.

A step is a `(function, arguments)` pair whose arguments are views of a
batch's arrays (machine.engine.compile makes them), so running a block is
nothing but `for function, arguments in steps: function(*arguments)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Step = tuple[Callable[..., Any], tuple[Any, ...]]
Decision = tuple[bool, "int | np.ndarray"]
Control = tuple[str, "np.ndarray | None", "int | None"]
"""A control slot: ("halt", None, None), ("jump", None, target), ("cond_jump", condition,
target) (a negative target faults when taken) or ("jump_indirect", address, None)."""


class BundleFault(Exception):
    """Some seed of the batch faults in the bundle being run (the runner knows which)."""


class Views(dict[int, np.ndarray]):
    """Views of `length` rows of an array by first row, made when first asked for
    (a batch may touch a few of its thousands of rows)."""

    def __init__(self, array: np.ndarray, length: int | None):
        super().__init__()
        self.array = array
        self.length = length

    def __missing__(self, address: int) -> np.ndarray:
        view = self[address] = (self.array[address] if self.length is None
                                else self.array[address:address + self.length])
        return view


class Batch:
    """Seeds that run in lock-step: their arrays, and the views and buffers that steps
    over them use."""

    def __init__(self, seeds: list[int | None], scratch: np.ndarray, memory: np.ndarray,
                 vlen: int, pc: int, cycle: int, traces: list[np.ndarray],
                 images: list[Sequence[int]], initial: np.ndarray):
        self.seeds = seeds
        """The seed (index into the caller's memories) of each column; None for a column
        whose seed left the batch (it then mirrors a live column, see `retire`)."""
        self.size = len(seeds)
        self.scratch = scratch
        self.memory = memory
        self.images = images
        """Each column's memory image as the run began: lists of ints, or uint32 arrays
        (`run_many`); the final memories are of the same kind."""
        self.initial = initial
        """The same images in `memory`'s layout: what a finished memory is compared with."""
        self.vlen = vlen
        self.pc = pc
        self.cycle = cycle
        self.traces = traces
        """Each trace_write of the batch: the written word of every column."""
        self.fallthrough = pc
        """The pc after the running block, where its last bundle falls through to."""
        self.decision: Decision = (False, pc)
        self.rows = Views(scratch, None)
        """Each scratch word's row (one word of every column), by address."""
        self.vectors = Views(scratch, vlen)
        """Each vector's rows, by first address."""
        self._views: dict[tuple[int, int], np.ndarray] = {}
        self._buffers: dict[tuple[bool, int, int], tuple[np.ndarray, ...]] = {}
        self._lane_rows: dict[int, np.ndarray] = {}
        self._temps: dict[tuple[int, str], np.ndarray] = {}
        self.compiler: Any = None
        """The runner's compiled steps over this batch's arrays."""
        self.scale = np.int64(self.size)
        self.lanes = np.arange(self.size, dtype=np.int64)
        self.vector_lanes = (np.arange(vlen, dtype=np.int64)[:, None] * self.size
                             + self.lanes[None, :])

    @property
    def live(self) -> list[int]:
        return [column for column, seed in enumerate(self.seeds) if seed is not None]

    def lane_rows(self, count: int) -> np.ndarray:
        """Each column's index, in `count` rows (one, flat): a run of scalar loads' lanes."""
        if count == 1:
            return self.lanes
        found = self._lane_rows.get(count)
        if found is None:
            found = self._lane_rows[count] = np.tile(self.lanes, (count, 1))
        return found

    def view(self, address: int, length: int) -> np.ndarray:
        """Rows address .. address+length-1 (a run of scalar loads)."""
        key = (address, length)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self.scratch[address:address + length]
        return view

    def buffer(self, vector: bool, count: int, index: int) -> tuple[np.ndarray, ...]:
        """(base, index, words) arrays of a gather or store of a bundle: `count` scalar
        words, or one vector."""
        key = (vector, count, index)
        found = self._buffers.get(key)
        if found is None:
            rows = (count, self.size) if count > 1 else (self.size,)
            shape = (self.vlen, self.size) if vector else rows
            base = np.zeros(rows, dtype=np.int64)
            at = np.zeros(shape, dtype=np.int64) if vector else base
            found = self._buffers[key] = (base, at, np.zeros(shape, dtype=np.uint32))
        return found

    def temp(self, width: int, name: str, dtype: type = np.uint32) -> np.ndarray:
        """An array for intermediate results over `width` words, shared by every slot
        (a slot's steps never leave anything in one for the next slot)."""
        key = (width, name)
        found = self._temps.get(key)
        if found is None:
            shape = (width, self.size) if width > 1 else (self.size,)
            found = self._temps[key] = np.zeros(shape, dtype=dtype)
        return found

    def column_memory(self, column: int) -> list[int]:
        return self.memory.reshape(-1, self.size)[:, column].tolist()

    def memories(self) -> list[Sequence[int]]:
        """Every column's memory, of the images' kind. Making an int object of every word
        costs more than the run of an unrolled kernel at many seeds, and a run changes few
        words: each list image is copied and only the words that changed are made."""
        final = self.memory.reshape(-1, self.size)
        if self.images and isinstance(self.images[0], np.ndarray):
            return list(np.ascontiguousarray(final.T))
        rows = np.flatnonzero((final != self.initial.reshape(-1, self.size)).any(axis=1))
        if 4 * len(rows) > len(final):
            return final.T.tolist()  # type: ignore[no-any-return]
        addresses = rows.tolist()
        memories = []
        for image, words in zip(self.images, final[rows].T.tolist(), strict=True):
            memory = image.copy()
            for address, word in zip(addresses, words, strict=True):
                memory[address] = word
            memories.append(memory)
        return memories

    def column_scratch(self, column: int, scratch_size: int) -> list[int]:
        return self.scratch[:scratch_size, column].tolist()

    def column_trace(self, column: int) -> list[int]:
        return [int(words[column]) for words in self.traces]

    def retire(self, columns: list[int]) -> None:
        """The seeds of these columns are settled elsewhere. Every column without a seed
        copies a live one, so that it faults, jumps and stops exactly when that one
        does and never alone (a copy of a column retired earlier would)."""
        for column in columns:
            self.seeds[column] = None
        live = self.live
        if live:
            dead = [column for column, seed in enumerate(self.seeds) if seed is None]
            self.scratch[:, dead] = self.scratch[:, live[:1]]
            memory = self.memory.reshape(-1, self.size)
            memory[:, dead] = memory[:, live[:1]]

    def split(self, columns: np.ndarray, pc: int) -> Batch:
        """A new batch of some live columns of this one, at pc."""
        memory = self.memory.reshape(-1, self.size)[:, columns]
        initial = self.initial.reshape(-1, self.size)[:, columns]
        return Batch([self.seeds[c] for c in columns], self.scratch[:, columns].copy(),
                     np.ascontiguousarray(memory).reshape(-1), self.vlen, pc, self.cycle,
                     [words[columns] for words in self.traces],
                     [self.images[c] for c in columns], np.ascontiguousarray(initial).reshape(-1))


def nonzero(words: np.ndarray) -> None:
    if np.count_nonzero(words) != words.size:
        raise BundleFault


def cdiv(a: np.ndarray, b: np.ndarray, d: np.ndarray, quotient: np.ndarray,
         remainder: np.ndarray) -> None:
    # ceil(a / b) = a // b + (a % b != 0) for b >= 1; it never exceeds a.
    np.floor_divide(a, b, quotient)
    np.remainder(a, b, remainder)
    np.not_equal(remainder, 0, out=remainder, casting="unsafe")
    np.add(quotient, remainder, d)


def select(d: np.ndarray, c: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    d[...] = np.where(c, a, b)


def trace(traces: list[np.ndarray], words: np.ndarray) -> None:
    traces.append(words.copy())


def decide(batch: Batch, controls: tuple[Control, ...]) -> None:
    """The next pc of every column: one int when they agree, else an array."""
    stop = False
    following: int | np.ndarray = batch.fallthrough
    for kind, words, target in controls:
        if kind == "halt":
            stop = True
        elif kind == "jump":
            assert target is not None
            following = target
        elif kind == "cond_jump":
            assert words is not None and target is not None
            following = _branch(words, target, following)
        else:
            assert words is not None
            first = int(words[0])
            # One column needs no comparison (`vliw run`, a seed on its own after a split).
            following = (first if words.size == 1 or (words == first).all()
                         else words.astype(np.int64))
    batch.decision = (stop, following)


def branch(batch: Batch, words: np.ndarray, target: int) -> None:
    """`decide` for a bundle whose one control is a cond_jump (a loop's back edge): the
    loop of a program that never ends decides here millions of times."""
    batch.decision = (False, _branch(words, target, batch.fallthrough))


def _branch(words: np.ndarray, target: int, following: int | np.ndarray) -> int | np.ndarray:
    taken = np.count_nonzero(words)
    if not taken:
        return following
    if target < 0:
        raise BundleFault
    return target if taken == words.size else np.where(words != 0, target, following)
