"""The packed tree kernel: every walker's whole journey as one dataflow graph, list-scheduled.

Facts of the machine and of the kernel it uses (spec/tree-kernel.md):

- Walkers start at the root and each round goes one level down, wrapping to the
  root after the bottom, so round r reads only level r mod (height + 1). The top
  `select_levels` levels (15 nodes for 4; one more for some vectors after the
  wrap) are read once into scratch and picked per lane with `vselect` on the bits
  of the walker's past few values: no gather, and the flow engine that does it is
  otherwise idle. Deeper levels are gathered, one load per lane: the load engine
  is the bottleneck.
- The walker keeps `d = idx + 3` rather than its index: `d' = d*2 + (val | ~1)`
  is one `multiply_add` after one `or`, since `val | ~1` is `(val & 1) - 2`, and the
  node's address is `d + forest - 3`. No wrap test is needed: where a walker falls
  off the bottom is known in advance, and there it restarts from the root.
- Hash stages of the form `(a + c) + (a << s)` are one `multiply_add`; before a
  round that picks its node from scratch, the last stage's xor with a constant
  moves into that round's node vectors.
- Values stay in scratch from the first round to the last: one vload and one
  vstore per vector of 8 walkers; indices are never stored (they are not checked).

Each vector of walkers is one chain of operations; the scheduler (`scheduler.py`)
interleaves the chains so that the valu, the alu (taking lane-wise work when the
valu is full), the load engine's gathers and the flow engine's selects overlap.
"""

from __future__ import annotations

from machine.builder import Builder
from machine.config import TAKEHOME, MachineConfig
from machine.isa import WORD_MASK, lookup
from machine.program import Program
from tools.kernels.scheduler import Graph, Op, Value, prioritise, schedule
from tools.kernels.tree import TreeSize, hash_stages

SELECT_LEVELS = 4
"""Tree levels read from scratch with vselect instead of gathered, at most."""

DEEPER_SHARE = 7 / 16
"""The share of vectors, the first ones, that pick one level more from scratch after
their first wrap to the root: it moves work from the load engine, the bottleneck, to
the flow engine, which is idle by then for the vectors that run ahead."""

CHAIN_WEIGHT = 5
"""Cycles of urgency a chain of walkers yields to the chain before it (see `prioritise`)."""

START_RESERVE = 12
"""Free registers a vector of walkers needs before it may start."""


class _Kernel:
    """Builds the graph; pinned values (constants) get their scratch from the builder."""

    def __init__(self, size: TreeSize, builder: Builder, select_levels: int) -> None:
        self.size = size
        self.b = builder
        self.vlen = builder.config.vlen
        self.graph = Graph(self.vlen)
        self.levels = min(select_levels, size.height + 1)
        self.node_blocks: dict[int, Value] = {}
        self.node_vectors: dict[tuple[int, bool], Value] = {}
        self.chain = -1
        self.step = 0
        self.scalars: dict[int, Value] = {}
        self.vectors: dict[int, Value] = {}
        self.starts: set[int] = set()
        last = list(hash_stages())[-1]
        self.fold = last.c1 if (last.op1, last.op2) == ("^", "^") else None
        """The last stage's constant, if it may move from the hash to the next node."""

    # --- building blocks ------------------------------------------------------------

    def _op(self, kind: str, name: str, dst: Value | None, *srcs: Value,
            imm: tuple[int, ...] = ()) -> Op:
        self.step += 1
        return self.graph.op(kind, name, dst, srcs, imm, (self.chain, self.step))

    def scalar(self, value: int) -> Value:
        word = value & WORD_MASK
        if word not in self.scalars:
            name = f"c{word}" if word < 0x10000 else f"c{word:#x}"
            pinned = self.graph.value(name, 1, self.b.scalar(name))
            self._op("load", "const", pinned, imm=(word,))
            self.scalars[word] = pinned
        return self.scalars[word]

    def vector(self, value: int) -> Value:
        word = value & WORD_MASK
        if word not in self.vectors:
            source = self.scalar(word)
            name = f"v{source.name}"
            pinned = self.graph.value(name, self.vlen, self.b.vector(name))
            self._op("valu", "vbroadcast", pinned, source)
            self.vectors[word] = pinned
        return self.vectors[word]

    def temp(self, name: str) -> Value:
        return self.graph.value(name, self.vlen)

    def bin(self, name: str, a: Value, b: Value) -> Value:
        out = self.temp(name)
        self._op("bin", name, out, a, b)
        return out

    def madd(self, a: Value, b: Value, c: Value) -> Value:
        out = self.temp("madd")
        self._op("valu", "multiply_add", out, a, b, c)
        return out

    def vselect(self, cond: Value, if_set: Value, if_clear: Value) -> Value:
        out = self.temp("select")
        self._op("flow", "vselect", out, cond, if_set, if_clear)
        return out

    # --- the kernel -----------------------------------------------------------------

    def build(self) -> None:
        size, vlen = self.size, self.vlen
        groups = size.batch // vlen
        self.addresses = self.b.array("value_addresses", groups)
        base = self.scalar(size.values)
        step = self.scalar(vlen)
        previous = None
        for group in range(groups):
            self.chain, self.step = group, 0
            address = self.graph.value(f"value_addresses[{group}]", 1, self.addresses + group)
            if previous is None:
                self._op("alu", "+", address, base, self.scalar(0))
            else:
                self._op("alu", "+", address, previous, step)
            previous = address
            self._walk(address)

    def _node(self, index: int, folded: bool) -> Value:
        """A vector of node `index`'s value (xored with the last hash stage's constant
        when `folded`), made when first asked for; the nodes come in with vloads."""
        key = (index, folded)
        if key not in self.node_vectors:
            block, lane = divmod(index, self.vlen)
            if block not in self.node_blocks:
                first = self.size.forest + block * self.vlen
                if first + self.vlen > self.size.memory_words:
                    raise ValueError("the top nodes cannot be read in whole vectors")
                name = f"nodes{block * self.vlen}_{block * self.vlen + self.vlen - 1}"
                pinned = self.graph.value(name, self.vlen, self.b.vector(name))
                self._op("load", "vload", pinned, self.scalar(first))
                self.node_blocks[block] = pinned
            word = self.graph.view(self.node_blocks[block], lane)
            if folded:
                assert self.fold is not None
                name = f"node{index}_folded"
                word_folded = self.graph.value(name, 1, self.b.scalar(name))
                self._op("alu", "^", word_folded, word, self.scalar(self.fold))
                word = word_folded
            self.node_vectors[key] = self._broadcast(
                f"node{index}_folded_v" if folded else f"node{index}_v", word)
        return self.node_vectors[key]

    def _broadcast(self, name: str, word: Value) -> Value:
        pinned = self.graph.value(name, self.vlen, self.b.vector(name))
        self._op("valu", "vbroadcast", pinned, word)
        return pinned

    def _walk(self, address: Value) -> None:
        """One vector of walkers through every round, then its values back to memory.

        When the next round picks its node from scratch, this round's hash leaves out
        its last xor with a constant and the next round's nodes carry it instead
        (`folded`): a valu operation saved. The value's low bit is then inverted, so
        the bits such rounds keep are inverted too."""
        size = self.size
        value = self.temp("values")
        self.starts.add(id(self._op("load", "vload", value, address)))
        bits: list[Value] = []
        d: Value | None = None
        carried = False
        for round_ in range(size.rounds):
            level = round_ % (size.height + 1)
            levels = self.select_levels(round_)
            if level < levels:
                node = self._select(level, bits, carried)
            else:
                assert not carried
                d = d if d is not None else self.vector(3)
                node = self.temp("node")
                self._op("gather", "load_offset", node,
                         self.bin("+", d, self.vector(size.forest - 3)))
            last = round_ == size.rounds - 1
            next_level = (round_ + 1) % (size.height + 1)
            carried = (self.fold is not None and not last
                       and next_level < self.select_levels(round_ + 1))
            value = self._hash(self.bin("^", value, node), carried)
            if last or level == size.height:
                bits, d = [], None
            elif level + 1 < levels:
                bits.append(self.bin("&", value, self.vector(1)))
            elif level + 1 == levels:
                d = self._first_d(bits, self.bin("&", value, self.vector(1)), levels)
                bits = []
            else:
                assert d is not None
                d = self.madd(d, self.vector(2), self.bin("|", value, self.vector(~1)))
        self._op("store", "vstore", None, address, value)

    def select_levels(self, round_: int) -> int:
        """Levels picked from scratch in the pass down the tree that `round_` is part of."""
        deeper = self.chain < DEEPER_SHARE * self.size.batch // self.vlen
        if round_ // (self.size.height + 1) > 0 and deeper:
            return min(self.levels + 1, self.size.height + 1)
        return self.levels

    def _select(self, level: int, bits: list[Value], carried: bool) -> Value:
        """The node of `level` each lane stands on, picked by the bits of past rounds."""
        first = 2**level - 1
        candidates = [self._node(index, carried) for index in range(first, first + 2**level)]
        inverted = self.fold is not None
        for bit in reversed(bits[:level]):
            candidates = [self.vselect(bit, *(pair if inverted else pair[::-1]))
                          for pair in zip(candidates[::2], candidates[1::2], strict=True)]
        return candidates[0]

    def _first_d(self, bits: list[Value], last: Value, levels: int) -> Value:
        """d = idx + 3 at the first gathered level, from the bits of the levels above:
        idx = 2**levels - 1 + (the bits read as a binary number, oldest first). The
        bits but the last are inverted when the hash's last constant is folded."""
        top = 2**levels + 2
        if not bits:
            return self.bin("+", last, self.vector(top))
        total = bits[0]
        for bit in bits[1:]:
            total = self.madd(total, self.vector(2), bit)
        if self.fold is not None:  # inverted bits b' = 1 - b: sum b = 2**levels - 2 - sum b'
            total = self.madd(total, self.vector(-2), last)
            return self.bin("+", total, self.vector(top + 2**levels - 2))
        return self.bin("+", self.madd(total, self.vector(2), last), self.vector(top))

    def _hash(self, value: Value, fold_last: bool) -> Value:
        stages = list(hash_stages())
        for number, stage in enumerate(stages):
            multiplier = stage.multiplier
            if multiplier is not None:
                value = self.madd(value, self.vector(multiplier), self.vector(stage.c1))
                continue
            right = self.bin(stage.op3, value, self.vector(stage.shift))
            if fold_last and number == len(stages) - 1:
                value = self.bin(stage.op2, value, right)
            else:
                value = self.bin(stage.op2, self.bin(stage.op1, value, self.vector(stage.c1)),
                                 right)
        return value


def packed_program(size: TreeSize, config: MachineConfig = TAKEHOME,
                   select_levels: int | None = None) -> Program:
    """The packed kernel for a puzzle's size. Without `select_levels`, each choice up to
    SELECT_LEVELS is tried and the fastest kept: small trees favour fewer (their
    walkers wrap sooner, and the deeper levels' picks would crowd the flow engine)."""
    if size.batch % config.vlen:
        raise ValueError(f"{size.puzzle}: {size.batch} walkers do not fill vectors of"
                         f" {config.vlen}")
    if select_levels is not None:
        return _packed(size, config, select_levels)
    choices = (_packed(size, config, levels) for levels in range(1, SELECT_LEVELS + 1))
    return min(choices, key=len)  # straight-line code: one cycle per bundle


def _packed(size: TreeSize, config: MachineConfig, select_levels: int) -> Program:
    builder = Builder(config)
    kernel = _Kernel(size, builder, select_levels)
    kernel.build()
    first = builder.scratch_used
    count = (config.scratch_size - first) // config.vlen
    registers = [first + i * config.vlen for i in range(count)]
    starts = kernel.starts

    def admit(op: Op, free: int) -> bool:
        return id(op) not in starts or free >= START_RESERVE

    prioritise(kernel.graph, CHAIN_WEIGHT, {})
    result = schedule(kernel.graph, config, registers, admit)
    for index in range(result.registers):
        builder.vector(f"r{index}")
    for bundle in result.bundles:
        with builder.bundle():
            for engine, name, args in bundle:
                spec = lookup(engine, name)
                assert spec is not None
                builder.emit(spec.mnemonic, *args)
    return builder.program()

