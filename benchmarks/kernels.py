"""Tree-kernel programs and inputs for the engine benchmark (spec/tree-kernel.md).

Built directly as Program objects, so the benchmark needs neither the assembler
nor shipped solution files: the take-home's scalar starter (147734 cycles at
full size), a packed vector kernel, and the same vector kernel as a loop over
rounds closed by a cond_jump back-edge.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from machine.config import TAKEHOME
from machine.isa import Engine
from machine.program import Bundle, Program, Slot

HASH_STAGES = (
    ("+", 0x7ED55D16, "+", "<<", 12),
    ("^", 0xC761C23C, "^", ">>", 19),
    ("+", 0x165667B1, "+", "<<", 5),
    ("+", 0xD3A2646C, "^", "<<", 9),
    ("+", 0xFD7046C5, "+", "<<", 3),
    ("^", 0xB55A4F09, "^", ">>", 16),
)
HEADER = ("rounds", "n_nodes", "batch_size", "forest_height", "forest_values_p",
          "inp_indices_p", "inp_values_p")


@dataclass(frozen=True)
class Size:
    height: int = 10
    rounds: int = 16
    batch: int = 256

    @property
    def n_nodes(self) -> int:
        return 2 ** (self.height + 1) - 1


FULL = Size()


def tree_memory(seed: int, size: Size = FULL) -> list[int]:
    """The puzzle's memory image for a seed: node values first, then walker values."""
    rng = random.Random(seed)
    nodes = [rng.randint(0, 2**30 - 1) for _ in range(size.n_nodes)]
    values = [rng.randint(0, 2**30 - 1) for _ in range(size.batch)]
    forest = 7
    indices = forest + size.n_nodes
    return [size.rounds, size.n_nodes, size.batch, size.height, forest, indices,
            indices + size.batch, *nodes, *[0] * size.batch, *values]


def expected_values(memory: list[int], size: Size = FULL) -> list[int]:
    """The values region after the kernel, computed in plain Python."""
    mask = 0xFFFF_FFFF
    nodes = memory[7:7 + size.n_nodes]
    start = 7 + size.n_nodes + size.batch
    out = []
    for value in memory[start:start + size.batch]:
        idx = 0
        for _ in range(size.rounds):
            value ^= nodes[idx]
            for op1, c1, op2, op3, shift in HASH_STAGES:
                left = (value + c1) if op1 == "+" else (value ^ c1)
                right = (value << shift) if op3 == "<<" else (value >> shift)
                value = ((left & mask) + (right & mask)) if op2 == "+" else (left ^ right)
                value &= mask
            idx = 2 * idx + (1 if value % 2 == 0 else 2)
            if idx >= size.n_nodes:
                idx = 0
        out.append(value)
    return out


def _slot(engine: str, name: str, *args: object) -> Slot:
    return Slot(Engine(engine), name, tuple(args))


def scalar_baseline(size: Size = FULL) -> Program:
    """The take-home's starter kernel: one slot per bundle, fully unrolled."""
    bundles: list[Bundle] = []
    scratch: dict[str, int] = {}
    consts: dict[int, int] = {}
    top = 0

    def alloc(name: str | None = None) -> int:
        nonlocal top
        top += 1
        if name:
            scratch[name] = top - 1
        return top - 1

    def emit(engine: str, name: str, *args: object) -> None:
        bundles.append(Bundle.of(_slot(engine, name, *args)))

    def const(value: int) -> int:
        if value not in consts:
            consts[value] = alloc()
            emit("load", "const", consts[value], value)
        return consts[value]

    tmp1, tmp2, tmp3 = alloc(), alloc(), alloc()
    for name in HEADER:
        alloc(name)
    for i, name in enumerate(HEADER):
        emit("load", "const", tmp1, i)
        emit("load", "load", scratch[name], tmp1)
    zero, one, two = const(0), const(1), const(2)
    emit("flow", "pause")
    emit("debug", "comment", "Starting loop")
    idx, val, node, addr = alloc(), alloc(), alloc(), alloc()
    body: list[tuple[object, ...]] = []
    for rnd in range(size.rounds):
        for i in range(size.batch):
            i_const = const(i)
            body += [
                ("alu", "+", addr, scratch["inp_indices_p"], i_const),
                ("load", "load", idx, addr),
                ("debug", "compare", idx, [rnd, i, "idx"]),
                ("alu", "+", addr, scratch["inp_values_p"], i_const),
                ("load", "load", val, addr),
                ("alu", "+", addr, scratch["forest_values_p"], idx),
                ("load", "load", node, addr),
                ("alu", "^", val, val, node),
            ]
            for op1, c1, op2, op3, shift in HASH_STAGES:
                body += [("alu", op1, tmp1, val, const(c1)),
                         ("alu", op3, tmp2, val, const(shift)),
                         ("alu", op2, val, tmp1, tmp2)]
            body += [
                ("alu", "%", tmp1, val, two),
                ("alu", "==", tmp1, tmp1, zero),
                ("flow", "select", tmp3, tmp1, one, two),
                ("alu", "*", idx, idx, two),
                ("alu", "+", idx, idx, tmp3),
                ("alu", "<", tmp1, idx, scratch["n_nodes"]),
                ("flow", "select", idx, tmp1, idx, zero),
                ("alu", "+", addr, scratch["inp_indices_p"], i_const),
                ("store", "store", addr, idx),
                ("alu", "+", addr, scratch["inp_values_p"], i_const),
                ("store", "store", addr, val),
            ]
    for engine, name, *args in body:
        emit(str(engine), str(name), *args)
    emit("flow", "pause")
    return Program(tuple(bundles))


_VALU = {"+": "vadd", "^": "vxor", "<<": "vshl", ">>": "vshr"}


def vector_kernel(size: Size = FULL, *, loop: bool = False, temps: int = 8) -> Program:
    """A vector kernel, packed by the builder's scheduler: values and indices stay in
    scratch for every round, node values are gathered lane by lane, stages of the form
    (a + C) + (a << S) are one multiply_add. With `loop`, one round is the body of a
    loop closed by a cond_jump on a counter read from the header."""
    from machine.builder import Builder

    vlen = TAKEHOME.vlen
    groups = size.batch // vlen
    b = Builder()
    header = {name: b.scalar(name) for name in HEADER}
    pointers = [b.scalar(f"pointer{i}") for i in range(4)]
    for i, name in enumerate(HEADER):
        b.const(pointers[0], i)
        b.load(header[name], pointers[0])
    idx = b.array("idx", size.batch)
    val = b.array("val", size.batch)
    for g in range(groups):
        pointer = pointers[g % len(pointers)]
        offset = b.constant(g * vlen)
        b.add(pointer, header["inp_indices_p"], offset)
        b.vload(idx + g * vlen, pointer)
        b.add(pointer, header["inp_values_p"], offset)
        b.vload(val + g * vlen, pointer)
    forest, nodes = b.vector("forest"), b.vector("nodes")
    b.vbroadcast(forest, header["forest_values_p"])
    b.vbroadcast(nodes, header["n_nodes"])
    one, two = b.vector_constant(1), b.vector_constant(2)
    stages = []
    for op1, c1, op2, op3, shift in HASH_STAGES:
        if (op1, op2, op3) == ("+", "+", "<<"):
            stages.append((b.vector_constant(1 + 2**shift), b.vector_constant(c1), None))
        else:
            stages.append((b.vector_constant(c1), b.vector_constant(shift),
                           (_VALU[op1], _VALU[op3], _VALU[op2])))
    pool = [tuple(b.vector(f"t{i}_{j}") for j in range(4)) for i in range(temps)]
    counter = b.scalar("counter")
    if loop:
        b.add(counter, header["rounds"], b.constant(0))
        b.label("round")
    for _ in range(1 if loop else size.rounds):
        for g in range(groups):
            i, v = idx + g * vlen, val + g * vlen
            address, node, t1, t2 = pool[g % temps]
            b.vadd(address, i, forest)
            for lane in range(vlen):
                b.load_offset(node, address, lane)
            b.vxor(v, v, node)
            for first, second, ops in stages:
                if ops is None:
                    b.multiply_add(v, v, first, second)
                else:
                    b.emit(ops[0], t1, v, first)
                    b.emit(ops[1], t2, v, second)
                    b.emit(ops[2], v, t1, t2)
            b.vand(t1, v, one)
            b.vadd(t1, t1, one)
            b.multiply_add(i, i, two, t1)
            b.vlt(t1, i, nodes)
            b.vmul(i, i, t1)
    if loop:
        b.sub(counter, counter, b.constant(1))
        b.cond_jump(counter, "round")
    for g in range(groups):
        pointer = pointers[g % len(pointers)]
        offset = b.constant(g * vlen)
        b.add(pointer, header["inp_indices_p"], offset)
        b.vstore(pointer, idx + g * vlen)
        b.add(pointer, header["inp_values_p"], offset)
        b.vstore(pointer, val + g * vlen)
    return b.program()
