"""What the scheduled kernels share: constants, lane-wise operations, the hash, and the
emission of scheduled graphs into a program.

A kernel states its work as one or more dataflow graphs (`scheduler.Graph`), each
scheduled on its own and emitted in order: a later graph starts when the one before
has finished. Constants get their scratch word from the builder the first time any
graph asks for them (a `const`, and a `vbroadcast` for vectors) and are read as
ready-made words by every later graph.
"""

from __future__ import annotations

from machine.builder import Builder
from machine.config import MachineConfig
from machine.isa import WORD_MASK, lookup
from machine.program import Program
from tools.kernels.scheduler import Graph, Op, Slot, Value, prioritise, schedule
from tools.kernels.tree import TreeSize, hash_stages

CHAIN_WEIGHT = 5
"""Cycles of urgency a chain of walkers yields to the chain before it (see `prioritise`)."""

START_RESERVE = 12
"""Free registers a vector of walkers needs before it may start."""

Slots = list[Slot]
"""One bundle's slots, as the scheduler makes them."""


def vector_groups(size: TreeSize, vlen: int) -> int:
    """Vectors of walkers; the walkers must fill them."""
    if size.batch % vlen:
        raise ValueError(f"{size.puzzle}: {size.batch} walkers do not fill vectors of {vlen}")
    return size.batch // vlen


class GraphKernel:
    """Builds graphs of vector operations; `chain` and `step` tag each operation so that
    `prioritise` can order the chains."""

    def __init__(self, size: TreeSize, builder: Builder) -> None:
        self.size = size
        self.b = builder
        self.vlen = builder.config.vlen
        self.graphs: list[Graph] = []
        self.starts: set[int] = set()
        """Operations that begin a chain: they wait for START_RESERVE free registers."""
        self.chain = -1
        self.step = 0
        self._addresses: dict[tuple[int, int], int] = {}
        self._pinned: dict[tuple[int, int], Value] = {}
        self.chain_weight: float = CHAIN_WEIGHT
        self.start_reserve = START_RESERVE
        self.fuse = True
        """Hash stages `(a + c) + (a << s)` are one multiply_add."""
        self.schedule_config: MachineConfig | None = None
        """Slot limits to schedule within, at most the machine's (None: the machine's)."""
        self.new_graph()

    @property
    def graph(self) -> Graph:
        return self.graphs[-1]

    def new_graph(self) -> None:
        self.graphs.append(Graph(self.vlen))
        self._pinned = {}

    def op(self, kind: str, name: str, dst: Value | None, *srcs: Value,
           imm: tuple[int, ...] = ()) -> Op:
        self.step += 1
        return self.graph.op(kind, name, dst, srcs, imm, (self.chain, self.step))

    def pinned(self, name: str, width: int) -> Value:
        """A value with its own named scratch, for the whole program."""
        address = self.b.scalar(name) if width == 1 else self.b.vector(name)
        return self.graph.value(name, width, address)

    def scalar(self, value: int) -> Value:
        return self._constant(value, 1)

    def vector(self, value: int) -> Value:
        return self._constant(value, self.vlen)

    def _constant(self, value: int, width: int) -> Value:
        word = value & WORD_MASK
        key = (word, width)
        if key in self._pinned:
            return self._pinned[key]
        name = f"c{word}" if word < 0x10000 else f"c{word:#x}"
        name = name if width == 1 else f"v{name}"
        if key in self._addresses:  # made by an earlier graph: ready from the start
            pinned = self.graph.value(name, width, self._addresses[key])
        elif width == 1:
            pinned = self.pinned(name, 1)
            self.op("load", "const", pinned, imm=(word,))
        else:
            source = self.scalar(word)
            pinned = self.pinned(name, width)
            self.op("valu", "vbroadcast", pinned, source)
        assert pinned.address is not None
        self._addresses[key] = pinned.address
        self._pinned[key] = pinned
        return pinned

    def temp(self, name: str) -> Value:
        return self.graph.value(name, self.vlen)

    def bin(self, name: str, a: Value, b: Value) -> Value:
        """A lane-wise operation, on the valu or spread over the alu."""
        out = self.temp(name)
        self.op("bin", name, out, a, b)
        return out

    def madd(self, a: Value, b: Value, c: Value) -> Value:
        out = self.temp("madd")
        self.op("valu", "multiply_add", out, a, b, c)
        return out

    def hash(self, value: Value, fold_last: bool = False) -> Value:
        """The six stages; stages `(a + c) + (a << s)` are one multiply_add. With
        `fold_last`, the last stage leaves out its xor with a constant (the caller
        makes up for it)."""
        stages = list(hash_stages())
        for number, stage in enumerate(stages):
            multiplier = stage.multiplier
            if multiplier is not None and self.fuse:
                value = self.madd(value, self.vector(multiplier), self.vector(stage.c1))
                continue
            right = self.bin(stage.op3, value, self.vector(stage.shift))
            if fold_last and number == len(stages) - 1:
                value = self.bin(stage.op2, value, right)
            else:
                value = self.bin(stage.op2, self.bin(stage.op1, value, self.vector(stage.c1)),
                                 right)
        return value

    def scheduled(self) -> list[list[Slots]]:
        """Every graph's bundles, each scheduled on its own over the scratch left after
        the pinned values; a caller may emit them with labels and jumps between."""
        config = self.b.config
        first = self.b.scratch_used
        count = (config.scratch_size - first) // config.vlen
        registers = [first + i * config.vlen for i in range(count)]

        def admit(op: Op, free: int) -> bool:
            return id(op) not in self.starts or free >= self.start_reserve

        peak = 0
        scheduled = []
        for graph in self.graphs:
            prioritise(graph, self.chain_weight, {})
            result = schedule(graph, self.schedule_config or config, registers, admit)
            peak = max(peak, result.registers)
            scheduled.append(result.bundles)
        for index in range(peak):
            self.b.vector(f"r{index}")
        return scheduled

    def emit(self, bundles: list[Slots]) -> None:
        for bundle in bundles:
            with self.b.bundle():
                self.emit_slots(bundle)

    def emit_slots(self, bundle: Slots) -> None:
        """The slots into the builder's open bundle."""
        for engine, name, args in bundle:
            spec = lookup(engine, name)
            assert spec is not None
            self.b.emit(spec.mnemonic, *args)

    def program(self) -> Program:
        """Every graph scheduled in turn, one after the other."""
        for bundles in self.scheduled():
            self.emit(bundles)
        return self.b.program()
