"""Running batches to the end: blocks of steps, splits where pcs diverge, and every
fault settled by the reference simulator.

The engine only ever *detects* that some seed may fault in a bundle; what the
fault is (and whether there is one) is asked of the reference simulator,
started from that seed's exact state before the bundle. So every Fault the
engine returns is one the reference produced, and a seed the engine doubts
finishes its run on the reference.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

import numpy as np

from machine.config import MachineConfig
from machine.engine.compile import Block, Compiler, Shape, make_block
from machine.engine.steps import Batch, BundleFault
from machine.program import Program
from machine.results import CoreStatus, RunResult

if TYPE_CHECKING:
    from machine.simulator import Simulator


class Referee:
    """The reference simulator, set to one seed's state on demand (created once, on
    first need, since building it re-validates the whole program)."""

    def __init__(self, program: Program, config: MachineConfig):
        self.program = program
        self.config = config
        self._simulator: Simulator | None = None

    def _load(self, batch: Batch, column: int, pc: int) -> Simulator:
        memory = batch.column_memory(column)
        if self._simulator is None:
            from machine.simulator import Simulator  # only when a seed may fault

            self._simulator = Simulator(self.program, memory, self.config)
        simulator = self._simulator
        simulator.memory = memory
        simulator.cycle = batch.cycle
        simulator.fault = None
        core = simulator.cores[0]
        core.scratch = batch.column_scratch(column, self.config.scratch_size)
        core.pc = pc
        core.status = CoreStatus.RUNNING
        core.trace = batch.column_trace(column)
        return simulator

    def step(self, batch: Batch, column: int, pc: int) -> RunResult | None:
        """The seed's result if its bundle at pc faults; None if it does not."""
        simulator = self._load(batch, column, pc)
        simulator.step()
        return simulator.result() if simulator.fault is not None else None

    def finish(self, batch: Batch, column: int, pc: int) -> RunResult:
        """The rest of the seed's run, on the reference."""
        return self._load(batch, column, pc).run()


class Runner:
    """Runs batches block by block until every seed has its result."""

    def __init__(self, program: Program, shape: Shape, config: MachineConfig):
        self.shape = shape
        self.config = config
        self.referee = Referee(program, config)
        self.blocks = shape.blocks
        self.results: dict[int, RunResult] = {}

    def run(self, batches: list[Batch], decisive: int = 0) -> dict[int, RunResult]:
        """Every seed's result; see `machine.engine.run_deciding` for `decisive`: batches
        holding one of the seeds below it go first, and once those seeds have finished,
        if one ran away, the seeds still unfinished are left out."""
        pending = list(batches)
        while pending:
            if decisive:
                holding = [index for index, batch in enumerate(pending)
                           if any(seed is not None and seed < decisive for seed in batch.seeds)]
                if not holding:
                    if any(self.results[seed].ran_away for seed in range(decisive)):
                        return self.results
                    decisive = 0
            batch = pending.pop(holding[-1] if decisive else -1)
            pending.extend(self._advance(batch))
            # The batch is done (its seeds finished, or moved to new batches): let its
            # steps go now, without waiting for the cyclic collector (steps name it).
            batch.compiler = None
        return self.results

    def _block(self, pc: int) -> Block:
        block = self.blocks.get(pc)
        if block is None:
            block = self.blocks[pc] = make_block(self.shape, pc)
        return block

    def _advance(self, batch: Batch) -> list[Batch]:
        """Run a batch until it stops (returns []) or its pcs diverge (returns the parts).

        A short block that the cycle limit cannot strike in runs as one flat list of steps
        (`Compiler.flat`: the loop of a program that never ends runs here millions of times,
        so this loop is kept lean); others, and a block where a seed may fault, go through
        _run_block."""
        length = len(self.shape.bundles)
        limit = self.config.max_cycles
        if batch.compiler is None:
            batch.compiler = Compiler(batch, self.shape, self.config.scratch_size)
        compiler = batch.compiler
        flats = compiler.flats
        while True:
            if batch.pc >= length:
                self._finish(batch)
                return []
            flat = flats.get(batch.pc) or compiler.flat(self._block(batch.pc))
            block, steps, positions = flat
            counted = block.counted_before
            if steps is not None and batch.cycle + counted[-1] <= limit:
                batch.fallthrough = block.end
                index = 0
                try:
                    for index, (function, arguments) in enumerate(steps):  # noqa: B007
                        function(*arguments)
                except (BundleFault, IndexError):  # see _run_block
                    position = positions[index]
                    batch.cycle += counted[position]
                    if not (self._settle(batch, block.start + position)
                            and self._run_block(batch, block, position)):
                        return []
                else:
                    batch.cycle += counted[-1]
            elif not self._run_block(batch, block, 0):
                return []
            if not block.has_control:
                batch.pc = block.end
                continue
            stop, following = batch.decision
            if stop:
                self._finish(batch)
                return []
            if isinstance(following, int):
                batch.pc = following
                continue
            live = np.array(batch.live)
            targets = following[live]
            return [batch.split(live[targets == target], int(target))
                    for target in np.unique(targets)]

    def _run_block(self, batch: Batch, block: Block, first: int) -> bool:
        """Run the block's bundles from position `first`; False when no seed of the batch
        is left running."""
        counted = block.counted_before
        batch.fallthrough = block.end
        while True:
            end = block.position_after(first, self.config.max_cycles - batch.cycle)
            bundles = batch.compiler.block(block)
            position = first
            try:
                # `position` outlives the loop: it names the bundle that faulted.
                for position, steps in enumerate(islice(bundles, first, end), first):  # noqa: B007
                    for function, arguments in steps:
                        function(*arguments)
            except (BundleFault, IndexError):  # IndexError: a gather out of memory
                batch.cycle += counted[position] - counted[first]
                first = position
                if not self._settle(batch, block.start + position):
                    return False
                continue
            batch.cycle += counted[end] - counted[first]
            if end == block.size:
                return True
            # The cycle limit strikes at this bundle: the reference says so for every seed.
            first = end
            if not self._settle(batch, block.start + end):
                return False

    def _settle(self, batch: Batch, pc: int) -> bool:
        """Ask the reference about every live seed's bundle at pc; the seeds that fault
        leave the batch. False when none is left."""
        faulted = []
        for column in batch.live:
            result = self.referee.step(batch, column, pc)
            if result is not None:
                self.results[batch.seeds[column]] = result  # type: ignore[index]
                faulted.append(column)
        if not faulted:
            # The reference sees no fault where the engine saw one: trust it to the end.
            for column in batch.live:
                self.results[batch.seeds[column]] = self.referee.finish(  # type: ignore[index]
                    batch, column, pc)
            return False
        batch.retire(faulted)
        return bool(batch.live)

    def _finish(self, batch: Batch) -> None:
        memories = batch.memories()
        for column in batch.live:
            self.results[batch.seeds[column]] = RunResult(  # type: ignore[index]
                batch.cycle, memories[column], None, False,
                (tuple(batch.column_trace(column)),))
