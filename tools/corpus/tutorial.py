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


def _answer(b: Builder, op: str, variant: str, out: int, x: int, y: int) -> None:
    """`op` of x and y directly, or by an identity of other operations: x - y as
    x + (0 - y), x ^ y as (x | y) - (x & y), x + y as (x ^ y) + ((x & y) << 1)."""
    if op == "sub" and variant in ("sub", "both"):
        b.sub(out, b.constant(0), y)
        b.add(out, x, out)
    elif op == "xor" and variant in ("xor", "both"):
        both = b.scalar("both")
        b.and_(both, x, y)
        b.or_(out, x, y)
        b.sub(out, out, both)
    elif op == "add" and variant == "carry":
        carry = b.scalar("carry")
        b.and_(carry, x, y)
        b.shl(carry, carry, b.constant(1))
        b.xor(out, x, y)
        b.add(out, out, carry)
    else:
        b.emit(op, out, x, y)


def _named(mode: str, variant: str, pack: bool) -> str:
    return (f"address-{mode.replace('_', '-')}{f'-{variant}' if variant != 'direct' else ''}"
            f"{'' if pack else '-serial'}")


def _made(variant: str) -> str:
    return "" if variant == "direct" else f", {variant} by an identity"


FOUR_VARIANTS = ("direct", "sub", "xor", "both")


def four_answers(mode: str, variant: str, pack: bool) -> Generated:
    b = Builder(machine_of("tutorial/four-answers"))
    where = Addresses(b, mode)
    x, y = b.scalar("x"), b.scalar("y")
    b.load(x, where.next())
    b.load(y, where.next())
    for op in ("add", "sub", "xor", "mul"):
        answer = b.scalar(op)
        _answer(b, op, variant, answer, x, y)
        b.store(where.next(), answer)
    return ("tutorial/four-answers", _named(mode, variant, pack),
            builder_text(b, pack, f"addresses by {mode}{_made(variant)}"))


ADD_VARIANTS = ("direct", "carry", "sub", "vector")


def add_two(mode: str, variant: str, pack: bool) -> Generated:
    """a + b by `add`, by xor and the carry, as a - (0 - b), or in lane 0 of a vector add."""
    b = Builder(machine_of("tutorial/add-two"))
    where = Addresses(b, mode)
    x, y, total = b.scalar("a"), b.scalar("b"), b.scalar("sum")
    b.load(x, where.next())
    b.load(y, where.next())
    if variant == "vector":
        vx, vy, vs = b.vector("va"), b.vector("vb"), b.vector("vsum")
        b.vbroadcast(vx, x)
        b.vbroadcast(vy, y)
        b.vadd(vs, vx, vy)
        total = vs
    elif variant == "sub":
        b.sub(total, b.constant(0), y)
        b.sub(total, x, total)
    else:
        _answer(b, "add", variant, total, x, y)
    b.store(where.next(), total)
    return ("tutorial/add-two", _named(mode, variant, pack),
            builder_text(b, pack, f"addresses by {mode}{_made(variant)}"))


def fibonacci(style: str, k: int, pack: bool) -> Generated:
    """Steps through a temporary (copies by the flow engine's `add_imm` or an alu `add` of 0)
    or leapfrog pairs (a += b, b += a: two steps, no copy); `k` of them per trip, for
    n >> log2(steps per trip) trips, then the n mod (steps per trip) steps left one by one."""
    b = Builder(machine_of("tutorial/fibonacci"))
    n, a, bb, t, zero = (b.scalar(name) for name in ("n", "a", "b", "t", "zero"))
    b.load(n, zero)
    b.load(a, b.constant(1))
    b.load(bb, b.constant(2))
    per = k * (2 if style == "leapfrog" else 1)
    shift = per.bit_length() - 1
    rest = b.scalar("rest") if per > 1 else None
    if rest is not None:
        b.and_(rest, n, b.constant(per - 1))
        b.shr(n, n, b.constant(shift))

    def step(copy: str) -> None:
        b.add(t, a, bb)
        if copy == "flow":
            b.add_imm(a, bb, 0)
            b.add_imm(bb, t, 0)
        else:
            b.add(a, bb, zero)
            b.add(bb, t, zero)

    b.label("trip")
    for _ in range(k):
        if style == "leapfrog":
            b.add(a, a, bb)
            b.add(bb, bb, a)
        else:
            step(style)
    b.add_imm(n, n, -1)
    b.cond_jump(n, "trip")
    if rest is not None:
        b.cond_jump(rest, "one")
        b.jump("done")
        b.label("one")
        step("flow")
        b.add_imm(rest, rest, -1)
        b.cond_jump(rest, "one")
        b.label("done")
    b.store(b.constant(3), a)
    way = "leapfrog pairs" if style == "leapfrog" else f"a temporary, copies by {style}"
    return ("tutorial/fibonacci", f"{style}-{k}{'' if pack else '-serial'}",
            builder_text(b, pack, f"{way}, {k} per trip"))


def _new_index(b: Builder, vector: bool, update: str, index: int, value: int, t: int) -> None:
    """index = 2 * index + 1 + (value & 1), then 0 if it is 7 or more: by a multiply by
    the test, or a select."""
    one, seven = _word(b, vector, 1), _word(b, vector, 7)
    _emit(b, vector, "and", t, value, one)
    _emit(b, vector, "add", t, t, one)
    _emit(b, vector, "add", index, index, index)
    _emit(b, vector, "add", index, index, t)
    _emit(b, vector, "lt", t, index, seven)
    if update == "mul":
        _emit(b, vector, "mul", index, index, t)
    else:
        b.emit("vselect" if vector else "select", index, t, index, _word(b, vector, 0))


def tree_step(walkers: int, variant: str, update: str, pack: bool) -> Generated:
    """`walkers` walkers per trip one word at a time (0: all eight as one vector, the node
    numbers gathered lane by lane), the plain or fused hash, the new index by `update`."""
    b = Builder(machine_of("tutorial/tree-step"))
    vector = walkers == 0
    seven = b.constant(7)
    if vector:
        index, value, node, address = (b.vector(name)
                                       for name in ("index", "value", "node", "address"))
        b.vload(index, b.constant(14))
        b.vload(value, b.constant(22))
        b.vadd(address, index, _word(b, True, 7))
        for lane in range(8):
            b.load(node + lane, address + lane)
        b.vxor(value, value, node)
        temps = {name: b.vector(name) for name in ("t1", "t2")}
        _hash(b, True, variant, {}, [value], value, temps.__getitem__)
        _new_index(b, True, update, index, value, temps["t1"])
        b.vstore(b.constant(14), index)
        b.vstore(b.constant(22), value)
        kind = "all eight as one vector"
    else:
        looped = walkers < 8
        if looped:
            at, left = b.scalar("at"), b.scalar("left")
            b.const(left, 8 // walkers)
            b.label("trip")
        for j in range(walkers):
            words = {name: b.scalar(f"{name}{j}")
                     for name in ("index", "value", "node", "t1", "t2", "ia", "va")}
            if looped:
                b.add_imm(words["ia"], at, 14 + j)
                b.add_imm(words["va"], at, 22 + j)
            ia = words["ia"] if looped else b.constant(14 + j)
            va = words["va"] if looped else b.constant(22 + j)
            b.load(words["index"], ia)
            b.load(words["value"], va)
            b.add(words["node"], words["index"], seven)
            b.load(words["node"], words["node"])
            b.xor(words["value"], words["value"], words["node"])
            _hash(b, False, variant, {}, [words["value"]], words["value"], words.__getitem__)
            _new_index(b, False, update, words["index"], words["value"], words["t1"])
            b.store(ia, words["index"])
            b.store(va, words["value"])
        if looped:
            b.add_imm(at, at, walkers)
            b.add_imm(left, left, -1)
            b.cond_jump(left, "trip")
        kind = f"one word at a time, {walkers} walkers per trip"
    hashed = "fused" if variant else "plain"
    name = f"{'vector' if vector else f'scalar-{walkers}'}-{hashed}-{update}"
    return ("tutorial/tree-step", name + ("" if pack else "-serial"),
            builder_text(b, pack, f"{kind}, {hashed} hash, new index by {update}"))


def generate() -> list[Generated]:
    programs = [elementwise(job, shape) for job, found in MAPS for shape in found]
    for mode, pack in product(ADDRESSING, (True, False)):
        programs += [four_answers(mode, variant, pack) for variant in FOUR_VARIANTS]
        programs += [add_two(mode, variant, pack) for variant in ADD_VARIANTS]
    for style, k, pack in product(("flow", "alu", "leapfrog"), (1, 2, 4, 8, 16), (True, False)):
        programs.append(fibonacci(style, k, pack))
    for walkers, variant, update, pack in product((0, 1, 2, 4, 8), ("", "fused"),
                                                  ("mul", "select"), (True, False)):
        programs.append(tree_step(walkers, variant, update, pack))
    return programs
