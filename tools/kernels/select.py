"""The select kernel: every node a walker visits is picked from scratch, never gathered.

It is for trees small enough, or runs short enough, that the walkers only visit
the top levels (at most `MAX_LEVELS` of them, 31 nodes): walkers start at the root
and each round goes one level down, wrapping to the root after the bottom, so round
r reads only level r mod (height + 1). The nodes come in with a few vloads and are
broadcast once; each lane's node is picked with a tree of `vselect`s on the bits
of the walker's past values, on the flow engine. A tree whose walkers reach deeper
levels is refused: such a kernel needs gathers.

- Hash stages of the form `(a + c) + (a << s)` are one `multiply_add`; the last
  stage's xor with a constant moves into the next round's node vectors, so the
  bits that pick the next nodes are inverted.
- Values stay in scratch from the first round to the last: one vload and one
  vstore per vector of walkers; indices are never stored (they are not checked).

Each vector of walkers is one chain of operations; the scheduler (`scheduler.py`)
interleaves the chains so that the valu, the alu and the flow engine overlap.
"""

from __future__ import annotations

from machine.builder import Builder
from machine.config import TAKEHOME, MachineConfig
from machine.program import Program
from tools.kernels.graph_kernel import GraphKernel, vector_groups
from tools.kernels.scheduler import Value
from tools.kernels.tree import TreeSize, hash_stages

MAX_LEVELS = 5
"""Tree levels the kernel holds in scratch, at most."""


def visited_levels(size: TreeSize) -> int:
    """How many levels, from the root down, walkers that start at the root visit."""
    return min(size.rounds, size.height + 1)


class _SelectKernel(GraphKernel):
    def __init__(self, size: TreeSize, builder: Builder) -> None:
        super().__init__(size, builder)
        self.node_blocks: dict[int, Value] = {}
        self.node_vectors: dict[tuple[int, bool], Value] = {}
        last = list(hash_stages())[-1]
        self.fold = last.c1 if (last.op1, last.op2) == ("^", "^") else None
        """The last stage's constant, if it may move from the hash to the next node."""

    def build(self) -> None:
        groups = vector_groups(self.size, self.vlen)
        addresses = self.b.array("value_addresses", groups)
        base = self.scalar(self.size.values)
        step = self.scalar(self.vlen)
        previous = None
        for group in range(groups):
            self.chain, self.step = group, 0
            address = self.graph.value(f"value_addresses[{group}]", 1, addresses + group)
            if previous is None:
                self.op("alu", "+", address, base, self.scalar(0))
            else:
                self.op("alu", "+", address, previous, step)
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
                    raise ValueError(f"{self.size.puzzle}: the top nodes cannot be read in"
                                     " whole vectors")
                name = f"nodes{block * self.vlen}_{block * self.vlen + self.vlen - 1}"
                pinned = self.pinned(name, self.vlen)
                self.op("load", "vload", pinned, self.scalar(first))
                self.node_blocks[block] = pinned
            word = self.graph.view(self.node_blocks[block], lane)
            if folded:
                assert self.fold is not None
                word_folded = self.pinned(f"node{index}_folded", 1)
                self.op("alu", "^", word_folded, word, self.scalar(self.fold))
                word = word_folded
            vector = self.pinned(f"node{index}_folded_v" if folded else f"node{index}_v",
                                 self.vlen)
            self.op("valu", "vbroadcast", vector, word)
            self.node_vectors[key] = vector
        return self.node_vectors[key]

    def _walk(self, address: Value) -> None:
        """One vector of walkers through every round, then its values back to memory."""
        size = self.size
        value = self.temp("values")
        self.starts.add(id(self.op("load", "vload", value, address)))
        bits: list[Value] = []
        carried = False
        for round_ in range(size.rounds):
            level = round_ % (size.height + 1)
            node = self._select(level, bits, carried)
            last = round_ == size.rounds - 1
            carried = self.fold is not None and not last
            value = self.hash(self.bin("^", value, node), carried)
            if last or level == size.height:
                bits = []
            else:
                bits.append(self.bin("&", value, self.vector(1)))
        self.op("store", "vstore", None, address, value)

    def _select(self, level: int, bits: list[Value], carried: bool) -> Value:
        """The node of `level` each lane stands on, picked by the bits of past rounds."""
        first = 2**level - 1
        candidates = [self._node(index, carried) for index in range(first, first + 2**level)]
        inverted = self.fold is not None
        for bit in reversed(bits[:level]):
            candidates = [self.vselect(bit, *(pair if inverted else pair[::-1]))
                          for pair in zip(candidates[::2], candidates[1::2], strict=True)]
        return candidates[0]

    def vselect(self, cond: Value, if_set: Value, if_clear: Value) -> Value:
        out = self.temp("select")
        self.op("flow", "vselect", out, cond, if_set, if_clear)
        return out


def select_program(size: TreeSize, config: MachineConfig = TAKEHOME) -> Program:
    """The select kernel for a puzzle whose walkers start at the root and visit at most
    MAX_LEVELS levels; ValueError for any other."""
    if not size.starts_at_root:
        raise ValueError(f"{size.puzzle}: the walkers do not all start at the root")
    levels = visited_levels(size)
    if levels > MAX_LEVELS:
        raise ValueError(f"{size.puzzle}: walkers visit {levels} levels of the tree; this"
                         f" kernel picks nodes from scratch for at most {MAX_LEVELS}")
    kernel = _SelectKernel(size, Builder(config))
    kernel.build()
    return kernel.program()
