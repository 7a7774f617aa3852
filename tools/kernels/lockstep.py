"""The lockstep kernel: every round gathers every walker's node, all walkers in step.

Walkers may start anywhere in the tree. Their indices and values stay in scratch
from the first round to the last (one vload of each per vector of walkers, one
vstore at the end). Each round, for each vector: the nodes' addresses (one add),
a gather (one `load_offset` per lane), the hash (stages `(a + c) + (a << s)` as one
`multiply_add`), the step down `idx = 2*idx + 1 + (val & 1)` and the wrap to the
root (`idx * (idx < n_nodes)`), computed the spec's way, so it holds for any input.
The last round leaves out the step when the indices are not checked.

Rounds do not overlap: each round is a graph of its own, scheduled once the round
before has finished, so the load engine, which gathers at 2 words a cycle, idles
while the round's last hashes finish. Within a round the scheduler interleaves
the vectors.
"""

from __future__ import annotations

from machine.builder import Builder
from machine.config import TAKEHOME, MachineConfig
from machine.program import Program
from tools.kernels.graph_kernel import GraphKernel, vector_groups
from tools.kernels.scheduler import Value
from tools.kernels.tree import TreeSize


class _LockstepKernel(GraphKernel):
    def __init__(self, size: TreeSize, builder: Builder) -> None:
        super().__init__(size, builder)
        self.outputs: dict[int, Value] = {}
        """By a round's input value: the value the round leaves in the same scratch."""

    def build(self) -> None:
        size, vlen = self.size, self.vlen
        groups = vector_groups(size, vlen)
        indices = [self._load(f"idx{g}", size.indices + g * vlen) for g in range(groups)]
        values = [self._load(f"val{g}", size.values + g * vlen) for g in range(groups)]
        for round_ in range(size.rounds):
            last = round_ == size.rounds - 1
            if round_:
                self.new_graph()
                indices = [self.graph.value(v.name, vlen, v.address) for v in indices]
                values = [self.graph.value(v.name, vlen, v.address) for v in values]
            for group in range(groups):
                self.chain, self.step = group, 0
                self._round(indices[group], values[group], step=size.checks_indices or not last)
        self._store(indices, values)

    def _store(self, indices: list[Value], values: list[Value]) -> None:
        size, vlen = self.size, self.vlen
        for group in range(len(values)):
            self.chain = group
            self.op("store", "vstore", None, self.scalar(size.values + group * vlen),
                    self._output(values[group]))
            if size.checks_indices:
                self.op("store", "vstore", None, self.scalar(size.indices + group * vlen),
                        self._output(indices[group]))

    def _load(self, name: str, address: int) -> Value:
        pinned = self.pinned(name, self.vlen)
        self.op("load", "vload", pinned, self.scalar(address))
        return pinned

    def _output(self, value: Value) -> Value:
        return self.outputs[id(value)]

    def _round(self, index: Value, value: Value, step: bool) -> None:
        """One round of one vector: its new value and index go to their own scratch."""
        address = self.temp("address")
        self.starts.add(id(self.op("bin", "+", address, index, self.vector(self.size.forest))))
        node = self.temp("node")
        self.op("gather", "load_offset", node, address)
        hashed = self.hash(self.bin("^", value, node))
        self._into(value, hashed)
        if step:
            low = self.bin("&", hashed, self.vector(1))
            child = self.bin("+", self.madd(index, self.vector(2), low), self.vector(1))
            inside = self.bin("<", child, self.vector(self.size.n_nodes))
            self._into(index, self.bin("*", child, inside))

    def _into(self, home: Value, result: Value) -> None:
        """Make `result` be written in `home`'s scratch (its last operation's output)."""
        assert home.address is not None and result.address is None
        result.address = home.address
        result.name = home.name
        self.outputs[id(home)] = result


def lockstep_program(size: TreeSize, config: MachineConfig = TAKEHOME) -> Program:
    kernel = _LockstepKernel(size, Builder(config))
    kernel.build()
    return kernel.program()
