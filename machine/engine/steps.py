"""The numpy side: a batch of seeds as arrays, and plans bound to them as calls.

A batch holds seeds that share a pc (so they run the same bundles): scratch as
one row per word, one column per seed (`uint32`, so arithmetic wraps modulo
2^32 by itself), and memory flattened address-major, word `a` of the seed in
column `k` at `a * seeds + k`. That layout makes every load and store of all
seeds one fancy index, and makes an address past the end of memory, for any
seed, an index past the end of the array: numpy's IndexError is the bounds
check.

Binding turns a block's templates into `(function, arguments)` pairs whose
arguments are views of the batch's arrays, so running a block is nothing but
`for function, arguments in steps: function(*arguments)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from machine.engine import plan as p

Step = tuple[Callable[..., Any], tuple[Any, ...]]
Decision = tuple[bool, "int | np.ndarray | None"]


class BundleFault(Exception):
    """Some seed of the batch faults in the bundle being run (the runner knows which)."""


_UFUNCS: dict[str, np.ufunc] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "//": np.floor_divide,
    "^": np.bitwise_xor, "&": np.bitwise_and, "|": np.bitwise_or,
    "<<": np.left_shift, ">>": np.right_shift, "%": np.remainder,
    "<": np.less, "==": np.equal,
}
"""On uint32 these are the spec's words: + - * wrap, shifts by 32 or more give 0,
// and % are unsigned (divisors are checked first). < and == give booleans."""
_COMPARISONS = frozenset({"<", "=="})
SUPPORTED_BINARY = frozenset(_UFUNCS) | {"cdiv"}


class Batch:
    """Seeds that run in lock-step: their arrays, and blocks bound to them."""

    def __init__(self, seeds: list[int | None], scratch: np.ndarray, memory: np.ndarray,
                 vlen: int, pc: int, cycle: int, traces: list[np.ndarray]):
        self.seeds = seeds
        """The seed (index into the caller's memories) of each column; None for a column
        whose seed left the batch (it then mirrors a live column, see `retire`)."""
        self.size = len(seeds)
        self.scratch = scratch
        self.memory = memory
        self.vlen = vlen
        self.pc = pc
        self.cycle = cycle
        self.traces = traces
        """Each trace_write of the batch: the written word of every column."""
        self.fallthrough = pc
        """The pc after the running block, where its last bundle falls through to."""
        self.decision: Decision = (False, None)
        self.rows = list(scratch)
        self._views: dict[tuple[int, int], np.ndarray] = {}
        self._buffers: dict[tuple[bool, int, int], tuple[np.ndarray, ...]] = {}
        self._temps: dict[tuple[bool, str], np.ndarray] = {}
        self._bound_plans: dict[int, list[Step]] = {}
        self._bound_blocks: dict[int, list[list[Step]]] = {}
        self.scale = np.int64(self.size)
        self.lanes = np.arange(self.size, dtype=np.int64)
        self.vector_lanes = (np.arange(vlen, dtype=np.int64)[:, None] * self.size
                             + self.lanes[None, :])

    @property
    def memory_size(self) -> int:
        return len(self.memory) // self.size

    @property
    def live(self) -> list[int]:
        return [column for column, seed in enumerate(self.seeds) if seed is not None]

    def view(self, address: int, length: int) -> np.ndarray:
        """Rows address .. address+length-1 (a vector operand, or a shadow)."""
        key = (address, length)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self.scratch[address:address + length]
        return view

    def operand(self, address: int, vector: bool) -> np.ndarray:
        return self.view(address, self.vlen) if vector else self.rows[address]

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

    def words(self, address: int, vector: bool, count: int) -> np.ndarray:
        """`count` scalar words from address (one row, or rows), or a vector."""
        if vector:
            return self.view(address, self.vlen)
        return self.view(address, count) if count > 1 else self.rows[address]

    def temp(self, vector: bool, name: str, dtype: type = np.uint32) -> np.ndarray:
        """A scratch array for intermediate results, shared by every step (a step
        never leaves anything in one for the next)."""
        key = (vector, name)
        found = self._temps.get(key)
        if found is None:
            shape = (self.vlen, self.size) if vector else (self.size,)
            found = self._temps[key] = np.zeros(shape, dtype=dtype)
        return found

    def column_memory(self, column: int) -> list[int]:
        return self.memory.reshape(-1, self.size)[:, column].tolist()

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
        return Batch([self.seeds[c] for c in columns], self.scratch[:, columns].copy(),
                     np.ascontiguousarray(memory).reshape(-1), self.vlen, pc, self.cycle,
                     [words[columns] for words in self.traces])

    def steps(self, block: p.Block) -> list[list[Step]]:
        """The block bound to this batch: the steps of each of its bundles. Bundles
        with one plan (identical bundles) share one list of steps."""
        found = self._bound_blocks.get(block.start)
        if found is None:
            bound = self._bound_plans
            found = []
            for plan in block.plans:
                steps = bound.get(id(plan))
                if steps is None:
                    steps = bound[id(plan)] = [step for template in plan.templates
                                               for step in _bind(self, template)]
                found.append(steps)
            self._bound_blocks[block.start] = found
        return found


def _gather(address: np.ndarray, scale: np.int64, lanes: np.ndarray,
            base: np.ndarray, index: np.ndarray, memory: np.ndarray,
            words: np.ndarray) -> None:
    np.multiply(address, scale, base)
    np.add(base, lanes, index)
    try:
        words[...] = memory[index]
    except IndexError:
        raise BundleFault from None


def _nonzero(words: np.ndarray) -> None:
    if np.count_nonzero(words) != words.size:
        raise BundleFault


def _cdiv(a: np.ndarray, b: np.ndarray, d: np.ndarray, quotient: np.ndarray,
          remainder: np.ndarray) -> None:
    # ceil(a / b) = a // b + (a % b != 0) for b >= 1; it never exceeds a.
    np.floor_divide(a, b, quotient)
    np.remainder(a, b, remainder)
    np.not_equal(remainder, 0, out=remainder, casting="unsafe")
    np.add(quotient, remainder, d)


def _select(d: np.ndarray, c: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    d[...] = np.where(c, a, b)


def _trace(traces: list[np.ndarray], words: np.ndarray) -> None:
    traces.append(words.copy())


def _decide(batch: Batch,
            controls: tuple[tuple[str, np.ndarray | None, int | None], ...]) -> None:
    """The next pc of every column: one int when they agree, else an array."""
    stop = False
    following: int | np.ndarray = batch.fallthrough
    for kind, words, target in controls:
        if kind == p.HALT:
            stop = True
        elif kind == p.JUMP:
            assert target is not None
            following = target
        elif kind == p.COND_JUMP:
            assert words is not None and target is not None
            taken = np.count_nonzero(words)
            if not taken:
                continue
            if target < 0:
                raise BundleFault
            following = target if taken == words.size else np.where(words != 0, target,
                                                                      following)
        else:
            assert words is not None
            following = int(words[0]) if (words == words[0]).all() else words.astype(np.int64)
    batch.decision = (stop, following)


def _bind(batch: Batch, template: p.Template) -> list[Step]:
    tag = template[0]
    if tag == p.BINARY:
        _, name, vector, d, a, b = template
        args = (batch.operand(a, vector), batch.operand(b, vector), batch.operand(d, vector))
        if name in _COMPARISONS:
            flags = batch.temp(vector, "flags", np.bool_)
            return [(_UFUNCS[name], (*args[:2], flags)), (np.copyto, (args[2], flags))]
        if name == "cdiv":
            return [(_cdiv, (*args, batch.temp(vector, "quotient"),
                             batch.temp(vector, "remainder")))]
        return [(_UFUNCS[name], args)]
    if tag == p.COMMIT:
        _, vector, d, count, buffer = template
        return [(batch.words(d, vector, count).__setitem__,
                 (Ellipsis, batch.buffer(vector, count, buffer)[2]))]
    if tag in (p.GATHER, p.PROBE):  # a probe is a gather whose words go unused
        _, vector, address, count, buffer = template
        base, index, words = batch.buffer(vector, count, buffer)
        lanes = batch.vector_lanes if vector else batch.lanes
        return [(_gather, (batch.words(address, False, count), batch.scale, lanes, base,
                           index, batch.memory, words))]
    if tag == p.STORE:
        _, vector, value, buffer = template
        return [(batch.memory.__setitem__,
                 (batch.buffer(vector, 1, buffer)[1], batch.operand(value, vector)))]
    if tag == p.CONST:
        _, d, word = template
        return [(batch.rows[d].fill, (word,))]
    if tag == p.ADD_IMM:
        _, d, a, word = template
        return [(np.add, (batch.rows[a], np.uint32(word), batch.rows[d]))]
    if tag == p.NONZERO:
        _, vector, b = template
        return [(_nonzero, (batch.operand(b, vector),))]
    if tag == p.SHADOW:
        _, source, shadow, length = template
        return [(np.copyto, (batch.view(shadow, length), batch.view(source, length)))]
    if tag == p.BROADCAST:
        _, d, a = template
        return [(np.copyto, (batch.view(d, batch.vlen), batch.rows[a]))]
    if tag == p.MULTIPLY_ADD:
        _, d, a, b, c = template
        product = batch.temp(True, "product")
        return [(np.multiply, (batch.view(a, batch.vlen), batch.view(b, batch.vlen), product)),
                (np.add, (product, batch.view(c, batch.vlen), batch.view(d, batch.vlen)))]
    if tag == p.SELECT:
        _, vector, d, c, a, b = template
        return [(_select, tuple(batch.operand(x, vector) for x in (d, c, a, b)))]
    if tag == p.TRACE:
        return [(_trace, (batch.traces, batch.rows[template[1]]))]
    if tag == p.DECIDE:
        controls = tuple((kind, None if words is None else batch.rows[words], target)
                         for kind, words, target in template[1])  # type: ignore[union-attr]
        return [(_decide, (batch, controls))]
    raise AssertionError(f"unknown template {tag}")
