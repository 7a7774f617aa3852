"""Two plain vector kernels, written with the builder and packed by its scheduler.

- `vector_program`: the first step past the scalar starter. Eight walkers per
  vector: each round, each vector loads its indices and values (vload), gathers
  its eight nodes (load_offset, one per lane), hashes on the valu and stores both
  back. The stores and loads of consecutive vectors keep it mostly in order.
- `loop_program`: every index and value stays in scratch; the body is one round
  over all vectors, run `rounds` times (read from the header) by a `cond_jump`
  back-edge, so the program is short and the scheduler overlaps the vectors.

Both compute the index the spec's way, wrap test included, so they hold for any
input of their puzzle's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from machine.builder import Builder
from machine.config import TAKEHOME, MachineConfig
from machine.program import Program
from tools.kernels.tree import MNEMONICS, TreeSize, hash_stages


@dataclass(frozen=True)
class _Constants:
    one: int
    two: int
    forest: int
    n_nodes: int
    stages: tuple[tuple[str, int, str, str, int], ...]
    """(op1 mnemonic, c1 vector, op2 mnemonic, op3 mnemonic, shift vector) per stage."""


def _constants(b: Builder, size: TreeSize) -> _Constants:
    stages = tuple(("v" + MNEMONICS[s.op1], b.vector_constant(s.c1), "v" + MNEMONICS[s.op2],
                    "v" + MNEMONICS[s.op3], b.vector_constant(s.shift))
                   for s in hash_stages())
    return _Constants(b.vector_constant(1), b.vector_constant(2),
                      b.vector_constant(size.forest), b.vector_constant(size.n_nodes), stages)


def _round_step(b: Builder, k: _Constants, idx: int, val: int, node: int, tmp: int) -> None:
    """One round for one vector of walkers: gather, hash, step down, wrap."""
    b.vadd(tmp, idx, k.forest)
    for lane in range(b.config.vlen):
        b.load_offset(node, tmp, lane)
    b.vxor(val, val, node)
    for op1, c1, op2, op3, shift in k.stages:
        b.emit(op1, node, val, c1)
        b.emit(op3, tmp, val, shift)
        b.emit(op2, val, node, tmp)
    b.vand(tmp, val, k.one)
    b.vadd(tmp, tmp, k.one)  # 1 if the value is even, else 2
    b.multiply_add(idx, idx, k.two, tmp)
    b.vlt(tmp, idx, k.n_nodes)
    b.vmul(idx, idx, tmp)  # fell off the bottom: back to the root


def _groups(size: TreeSize, config: MachineConfig) -> int:
    if size.batch % config.vlen:
        raise ValueError(f"{size.puzzle}: {size.batch} walkers do not fill vectors of"
                         f" {config.vlen}")
    return size.batch // config.vlen


def vector_program(size: TreeSize, config: MachineConfig = TAKEHOME) -> Program:
    b = Builder(config)
    vlen = config.vlen
    groups = _groups(size, config)
    idx, val = b.vector("idx"), b.vector("val")
    node, tmp = b.vector("node"), b.vector("tmp")
    k = _constants(b, size)
    where = [(b.constant(size.indices + g * vlen), b.constant(size.values + g * vlen))
             for g in range(groups)]
    for round_ in range(size.rounds):
        for group, (indices, values) in enumerate(where):
            b.note(f"round {round_}, walkers {group * vlen}..{group * vlen + vlen - 1}")
            b.vload(idx, indices)
            b.vload(val, values)
            _round_step(b, k, idx, val, node, tmp)
            b.vstore(indices, idx)
            b.vstore(values, val)
    return b.program()


def loop_program(size: TreeSize, config: MachineConfig = TAKEHOME) -> Program:
    b = Builder(config)
    vlen = config.vlen
    groups = _groups(size, config)
    idx = [b.vector(f"idx{g}") for g in range(groups)]
    val = [b.vector(f"val{g}") for g in range(groups)]
    node = [b.vector(f"node{g}") for g in range(groups)]
    tmp = [b.vector(f"tmp{g}") for g in range(groups)]
    k = _constants(b, size)
    rounds_left = b.scalar("rounds_left")
    b.load(rounds_left, b.constant(0))  # the header's first word: the number of rounds
    one = b.constant(1)
    where = [(b.constant(size.indices + g * vlen), b.constant(size.values + g * vlen))
             for g in range(groups)]
    for group, (indices, values) in enumerate(where):
        b.vload(idx[group], indices)
        b.vload(val[group], values)
    b.label("round")
    for group in range(groups):
        _round_step(b, k, idx[group], val[group], node[group], tmp[group])
    b.sub(rounds_left, rounds_left, one)
    b.cond_jump(rounds_left, "round")
    for group, (indices, values) in enumerate(where):
        b.vstore(indices, idx[group])
        b.vstore(values, val[group])
    return b.program()
