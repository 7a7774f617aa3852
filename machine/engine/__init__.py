"""A fast engine that runs one program over many memory images at once.

Validating a solution means running it on many inputs; the reference
simulator (machine.simulator) stays the judge, and this engine returns, for
every image, exactly the RunResult the reference would. It batches seeds with
numpy: seeds that share a pc form a batch whose scratch and memory are arrays
with one column per seed, so one pass over the program serves them all
(machine.engine.steps). Bundles are compiled into in-place steps that keep the
spec's "all reads, then all writes" (machine.engine.compile). Seeds whose
pcs diverge at a data-dependent jump split into separate batches; a seed that
may fault is settled by the reference simulator (machine.engine.run).

Nothing from a program is executed as Python: steps are numpy functions chosen
by this package, applied to views picked by validated integers.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import replace
from typing import cast

import numpy as np

from machine.collector import collector_paused
from machine.config import TAKEHOME, MachineConfig
from machine.engine.compile import Unsupported, shape_of
from machine.engine.run import Runner
from machine.engine.steps import Batch
from machine.program import Program, check
from machine.results import RunResult, as_words, check_memory

BATCH_LIMIT = 256
"""Seeds per batch at most: beyond this a batch costs memory and gains nothing."""
BATCH_WORDS = 2**24
"""Memory words per batch at most (64 MB), for puzzles with large memories."""


def run_many(program: Program, memories: Sequence[Sequence[int]],
             config: MachineConfig = TAKEHOME) -> list[RunResult]:
    """Run a program headless (pausing disabled) on each memory image; the result for
    each equals `machine.simulator.run_program(program, memory, config)`.

    Images given as one-dimensional uint32 arrays (`game.inputs` makes them) are taken
    as they are, and their results' memories are uint32 arrays too: a validation's images
    hold hundreds of thousands of words, and making an int object of each, on the way in
    and again to compare the results, cost more than the run of a packed kernel.

    Raises ProgramError for a program that cannot run on the machine and ValueError
    for an image that is not a list of words, as the reference does. Machines with
    several cores run on the reference simulator.
    """
    return cast(list[RunResult], run_deciding(program, memories, config, 0))


def run_deciding(program: Program, memories: Sequence[Sequence[int]], config: MachineConfig,
                 decisive: int) -> list[RunResult | None]:
    """`run_many`, where a runaway among the first `decisive` images decides the rest: they
    run first, and when one of them reaches the cycle limit, the runs of the images after
    them are not finished (their results are None, or the result of a run that ended while
    it went along with theirs). A validation runs its fixed tests and its robustness seeds
    in one call (one pass of the engine over the program serves them all), yet a program
    that runs away on a fixed test does not run away on every robustness seed too."""
    with collector_paused():  # compiling makes many small objects, all kept, none in cycles
        if memories and all(_is_word_array(memory) for memory in memories):
            return [result if result is None or isinstance(result.memory, np.ndarray)
                    else replace(result, memory=np.array(result.memory, dtype=np.uint32))
                    for result in _run_many(program, list(memories), config, decisive)]
        return _run_many(program, _images(memories), config, decisive)


def _is_word_array(memory: Sequence[int]) -> bool:
    return isinstance(memory, np.ndarray) and memory.ndim == 1 and memory.dtype == np.uint32


def _run_many(program: Program, images: list[Sequence[int]], config: MachineConfig,
              decisive: int) -> list[RunResult | None]:
    """`run_deciding` of images that are lists of ints or uint32 arrays (all one or the
    other); a seed the reference settles has a list."""
    check(program, config)
    decisive = min(decisive, len(images))
    if config.n_cores != 1:
        return _on_reference(program, images, config, decisive)
    shapes = program.memo.setdefault("engine shapes", {})
    try:
        shape = shapes.get(config.vlen)
        if shape is None:
            shape = shapes[config.vlen] = shape_of(program, config.vlen)
    except Unsupported:
        return _on_reference(program, images, config, decisive)
    scratch_rows = config.scratch_size + shape.shadow_rows
    by_size: dict[int, list[int]] = {}
    for seed, image in enumerate(images):
        by_size.setdefault(len(image), []).append(seed)
    batches = []
    for size, seeds in by_size.items():
        per_batch = max(1, min(BATCH_LIMIT, BATCH_WORDS // max(1, size)))
        for first in range(0, len(seeds), per_batch):
            chunk = seeds[first:first + per_batch]
            try:
                flat = _memory([images[seed] for seed in chunk], size)
            except OverflowError:  # a word outside 0..2^32-1: the reference names the first
                for image in images:
                    check_memory(image)
                raise
            batches.append(Batch(list(chunk), np.zeros((scratch_rows, len(chunk)), np.uint32),
                                 flat, config.vlen, 0, 0, [],
                                 [images[seed] for seed in chunk], flat.copy()))
    results = Runner(program, shape, config).run(batches, decisive)
    return [results.get(seed) for seed in range(len(images))]


def _on_reference(program: Program, images: list[Sequence[int]], config: MachineConfig,
                  decisive: int) -> list[RunResult | None]:
    from machine.simulator import run_program  # programs the engine does not take

    first = [run_program(program, image, config) for image in images[:decisive]]
    if any(result.ran_away for result in first):
        return [*first, *[None] * (len(images) - len(first))]
    return [*first, *(run_program(program, image, config) for image in images[decisive:])]


def _memory(images: list[Sequence[int]], size: int) -> np.ndarray:
    """Images of `size` words in a batch's memory layout (address-major, see Batch). Lists
    of ints go through a C array of 32-bit words, which converts them at nearly twice
    numpy's speed and likewise refuses, with OverflowError, any int outside 0..2^32-1."""
    if isinstance(images[0], np.ndarray):
        return np.stack(images, axis=1).reshape(-1)  # type: ignore[arg-type]
    words = array(_WORD_CODE)
    for image in images:
        words.extend(image)
    by_image = np.frombuffer(words, dtype=np.uint32).reshape(len(images), size)
    return np.ascontiguousarray(by_image.T).reshape(-1)


_WORD_CODE = next(code for code in "IL" if array(code).itemsize == 4)
"""The array type code of an unsigned 32-bit word on this platform."""


def _images(memories: Sequence[Sequence[int]]) -> list[list[int]]:
    """Copies of the images, refused exactly as the reference refuses them. The types of
    all words are checked here at once by C-level builtins (a word-by-word check costs more
    than a run); their range is checked as numpy converts them to uint32, which refuses
    any int outside it."""
    images = [as_words(memory) for memory in memories]
    types: set[type] = set()
    for words in images:
        types.update(map(type, words))
    if types <= {int}:
        return images
    return [check_memory(words) for words in images]


__all__ = ["run_deciding", "run_many"]
