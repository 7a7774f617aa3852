"""Corpus of the tutorial pack: scalar or vector, unrolled or looped, packed or serial.

The word-by-word puzzles come from `tools.corpus.elementwise`; the others
are small enough to write out, each in a few genuinely different ways.
"""

from __future__ import annotations

from itertools import product

from game.references import HASH_STAGES
from machine.builder import Builder
from tools.corpus.common import Generated, builder_text, machine_of
from tools.corpus.elementwise import Map, Temp, elementwise, shapes

Context = dict[str, int]

OPS = {"+": "add", "^": "xor", "<<": "shl", ">>": "shr"}
"""The machine's operation for each operator of the hash's stages."""


def _word(b: Builder, vector: bool, value: int) -> int:
    """A constant as a scalar, or spread over a vector."""
    if not vector:
        return b.constant(value)
    return b.vector_constant(value)


def _emit(b: Builder, vector: bool, op: str, *args: int) -> None:
    b.emit(("v" + op) if vector else op, *args)


def _no_setup(b: Builder, vector: bool) -> Context:
    return {}


def _add(b: Builder, vector: bool, variant: str, c: Context, ins: list[int], out: int,
         temp: Temp) -> None:
    _emit(b, vector, "add", out, ins[0], ins[1])


def _scale_setup(b: Builder, vector: bool) -> Context:
    m, k = b.scalar("m"), b.scalar("k")
    b.load(m, b.constant(0))
    b.load(k, b.constant(1))
    if not vector:
        return {"m": m, "k": k}
    vm, vk = b.vector("vm"), b.vector("vk")
    b.vbroadcast(vm, m)
    b.vbroadcast(vk, k)
    return {"m": vm, "k": vk}


def _scale(b: Builder, vector: bool, variant: str, c: Context, ins: list[int], out: int,
           temp: Temp) -> None:
    if vector and variant != "mul-add":
        b.multiply_add(out, ins[0], c["m"], c["k"])
        return
    product_ = temp("t")
    _emit(b, vector, "mul", product_, ins[0], c["m"])
    _emit(b, vector, "add", out, product_, c["k"])


def _ceiling_setup(b: Builder, vector: bool) -> Context:
    top = b.scalar("ceiling")
    b.load(top, b.constant(0))
    if not vector:
        return {"top": top}
    spread = b.vector("top")
    b.vbroadcast(spread, top)
    return {"top": spread}


def _ceiling(b: Builder, vector: bool, variant: str, c: Context, ins: list[int], out: int,
             temp: Temp) -> None:
    if variant == "arithmetic":
        # out = x + over * (ceiling - x), with over = ceiling < x: no select at all.
        over, gap = temp("over"), temp("gap")
        _emit(b, vector, "lt", over, c["top"], ins[0])
        _emit(b, vector, "sub", gap, c["top"], ins[0])
        if vector:
            b.multiply_add(out, over, gap, ins[0])
        else:
            b.mul(gap, gap, over)
            b.add(out, ins[0], gap)
        return
    below = temp("below")
    _emit(b, vector, "lt", below, ins[0], c["top"])
    b.emit("vselect" if vector else "select", out, below, ins[0], c["top"])


def _hash(b: Builder, vector: bool, variant: str, c: Context, ins: list[int], out: int,
          temp: Temp) -> None:
    value = ins[0]
    for index, stage in enumerate(HASH_STAGES):
        op1, constant, op2, op3, shift = stage
        op1, op2, op3 = OPS[op1], OPS[op2], OPS[op3]
        target = out if index == len(HASH_STAGES) - 1 else value
        if variant == "fused" and op1 == op2 == "add":
            factor = _word(b, vector, 1 + (1 << shift))
            if vector:
                b.multiply_add(target, value, factor, _word(b, vector, constant))
            else:
                b.mul(temp("t1"), value, factor)
                b.add(target, temp("t1"), _word(b, vector, constant))
            continue
        _emit(b, vector, op1, temp("t1"), value, _word(b, vector, constant))
        _emit(b, vector, op3, temp("t2"), value, _word(b, vector, shift))
        _emit(b, vector, op2, target, temp("t1"), temp("t2"))


MAPS = (
    (Map("tutorial/vector-add", 32, (0, 32), 64, _no_setup, _add),
     shapes(32, (1, 4, 32), (1, 2, 4))),
    (Map("tutorial/scale", 32, (2,), 34, _scale_setup, _scale),
     shapes(32, (1, 8), (1, 2, 4)) + shapes(32, (), (4,), ("mul-add",))),
    (Map("tutorial/ceiling", 256, (1,), 1, _ceiling_setup, _ceiling),
     shapes(256, (1, 4), (1, 4, 32), ("", "arithmetic"))),
    (Map("tutorial/hash", 8, (0,), 0, _no_setup, _hash),
     shapes(8, (1, 2, 8), (1,), ("", "fused"))),
)


class Addresses:
    """Memory addresses 0, 1, 2...: each by its own `const`, or one pointer stepped by the
    flow engine's `add_imm` or by an alu `add` of 1."""

    def __init__(self, b: Builder, mode: str) -> None:
        self.b, self.mode, self.at = b, mode, 0
        self.pointer = b.scalar("p") if mode != "const" else None

    def next(self) -> int:
        b, at = self.b, self.at
        self.at += 1
        if self.pointer is None:
            return b.constant(at)
        if at > 0 and self.mode == "add_imm":
            b.add_imm(self.pointer, self.pointer, 1)
        elif at > 0:
            b.add(self.pointer, self.pointer, b.constant(1))
        return self.pointer


ADDRESSING = ("const", "add_imm", "add")


def four_answers(mode: str, pack: bool) -> Generated:
    b = Builder(machine_of("tutorial/four-answers"))
    where = Addresses(b, mode)
    x, y = b.scalar("x"), b.scalar("y")
    b.load(x, where.next())
    b.load(y, where.next())
    for op in ("add", "sub", "xor", "mul"):
        answer = b.scalar(op)
        b.emit(op, answer, x, y)
        b.store(where.next(), answer)
    name = f"address-{mode.replace('_', '-')}{'' if pack else '-serial'}"
    return ("tutorial/four-answers", name,
            builder_text(b, pack, f"addresses by {mode}"))


def add_two(mode: str, pack: bool) -> Generated:
    b = Builder(machine_of("tutorial/add-two"))
    where = Addresses(b, mode)
    x, y, total = b.scalar("a"), b.scalar("b"), b.scalar("sum")
    b.load(x, where.next())
    b.load(y, where.next())
    b.add(total, x, y)
    b.store(where.next(), total)
    name = f"address-{mode.replace('_', '-')}{'' if pack else '-serial'}"
    return ("tutorial/add-two", name,
            builder_text(b, pack, f"addresses by {mode}"))


def generate() -> list[Generated]:
    programs = [elementwise(job, shape) for job, found in MAPS for shape in found]
    for mode, pack in product(ADDRESSING, (True, False)):
        programs.append(four_answers(mode, pack))
        programs.append(add_two(mode, pack))
    return programs
