"""Corpus of the minimal pack: instruction counts set by how far loops are unrolled.

Most puzzles do the same thing to eight words: load one, run a loop over its
bits, store the result. `per_word` writes that shape with the bit loop
unrolled `inner` times and the loop over the words unrolled `outer` times
(fully unrolled loops lose their counter and jump), packed into bundles or
one slot per bundle; each puzzle gives the loop's body, and some an other
algorithm besides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product

from machine.builder import Builder
from tools.corpus.common import Generated, builder_text, machine_of

Regs = dict[str, int]
Emit = Callable[[Builder, Regs], None]


@dataclass(frozen=True)
class BitLoop:
    """One puzzle's per-word work: `init`, then `steps` times `step`."""

    puzzle: str
    names: tuple[str, ...]
    """Scratch words besides k (the word index) and the loop counter."""
    load: Emit
    init: Emit
    step: Emit
    steps: int
    result: str
    out: int
    """Memory address of word 0's result."""
    tmp: str
    """A word free for an address once the result is made."""
    cond: str | None = None
    """A word that becomes 0 exactly after the last step, so the loop needs no counter."""
    consts: dict[str, int] = field(default_factory=dict)


def per_word(loop: BitLoop, inner: int, outer: int, pack: bool) -> Generated:
    b = Builder(machine_of(f"minimal/{loop.puzzle}"))
    r = {name: b.scalar(name) for name in ("k", *loop.names)}
    counted = inner < loop.steps and loop.cond is None
    if counted:
        r["left"] = b.scalar("left")
    for name, value in loop.consts.items():
        b.const(r[name], value)
    for first in range(0, 8, outer):
        if outer < 8 and first == 0:
            b.label("again")
        elif outer < 8:
            break
        for j in range(outer):
            at = first + j
            loop.load(b, r)
            loop.init(b, r)
            if counted:
                b.const(r["left"], loop.steps // inner)
            if inner < loop.steps:
                b.label(f"bits{at}")
            for _ in range(inner):
                loop.step(b, r)
            if counted:
                b.add_imm(r["left"], r["left"], -1)
            if inner < loop.steps:
                b.cond_jump(r["left"] if counted else r[loop.cond], f"bits{at}")
            b.add_imm(r[loop.tmp], r["k"], loop.out)
            b.store(r[loop.tmp], r[loop.result])
            if outer < 8 or at < 7:
                b.add_imm(r["k"], r["k"], 1)
        if outer < 8:
            b.add_imm(r[loop.tmp], r["k"], -8)
            b.cond_jump(r[loop.tmp], "again")
    corpus = f"bit loop unrolled {inner}x, word loop unrolled {outer}x"
    return (f"minimal/{loop.puzzle}", f"unroll-{inner}x{outer}{'' if pack else '-serial'}",
            builder_text(b, pack, corpus))


def _load_word(b: Builder, r: Regs) -> None:
    b.load(r["word"], r["k"])


def _zero(*names: str) -> Emit:
    def init(b: Builder, r: Regs) -> None:
        for name in names:
            b.const(r[name], 0)
    return init


def _popcount_step(b: Builder, r: Regs) -> None:
    b.and_(r["bit"], r["word"], r["one"])
    b.add(r["count"], r["count"], r["bit"])
    b.shr(r["word"], r["word"], r["one"])


def _reverse_step(b: Builder, r: Regs) -> None:
    b.shl(r["result"], r["result"], r["one"])
    b.and_(r["bit"], r["word"], r["one"])
    b.or_(r["result"], r["result"], r["bit"])
    b.shr(r["word"], r["word"], r["one"])


def _gray_init(b: Builder, r: Regs) -> None:
    b.const(r["n"], 0)
    b.const(r["above"], 0)
    b.const(r["mask"], 0x80000000)


def _gray_step(b: Builder, r: Regs) -> None:
    b.and_(r["t"], r["word"], r["mask"])
    b.xor(r["above"], r["above"], r["t"])
    b.or_(r["n"], r["n"], r["above"])
    b.shr(r["above"], r["above"], r["one"])
    b.shr(r["mask"], r["mask"], r["one"])


def _mod3_init(b: Builder, r: Regs) -> None:
    b.const(r["rem"], 0)
    b.const(r["mask"], 0x80000000)


def _mod3_step(b: Builder, r: Regs) -> None:
    b.and_(r["bit"], r["word"], r["mask"])
    b.eq(r["bit"], r["bit"], r["mask"])
    b.add(r["rem"], r["rem"], r["rem"])
    b.add(r["rem"], r["rem"], r["bit"])
    b.lt(r["t"], r["rem"], r["three"])
    b.sub(r["bit"], r["rem"], r["three"])
    b.select(r["rem"], r["t"], r["rem"], r["bit"])
    b.const(r["t"], 1)
    b.shr(r["mask"], r["mask"], r["t"])


def _multiply_load(b: Builder, r: Regs) -> None:
    b.load(r["a"], r["k"])
    b.add_imm(r["tmp"], r["k"], 8)
    b.load(r["b"], r["tmp"])


def _multiply_step(b: Builder, r: Regs) -> None:
    b.and_(r["bit"], r["b"], r["one"])
    b.add(r["sum"], r["product"], r["a"])
    b.select(r["product"], r["bit"], r["sum"], r["product"])
    b.shl(r["a"], r["a"], r["one"])
    b.shr(r["b"], r["b"], r["one"])


def _isqrt_init(b: Builder, r: Regs) -> None:
    b.const(r["root"], 0)
    b.const(r["bit"], 32768)


def _isqrt_step(b: Builder, r: Regs) -> None:
    b.or_(r["trial"], r["root"], r["bit"])
    b.mul(r["square"], r["trial"], r["trial"])
    b.lt(r["big"], r["word"], r["square"])
    b.select(r["root"], r["big"], r["root"], r["trial"])
    b.shr(r["bit"], r["bit"], r["one"])


LOOPS = (
    BitLoop("popcount", ("word", "count", "bit", "one", "tmp"), _load_word, _zero("count"),
            _popcount_step, 32, "count", 8, "tmp", consts={"one": 1}),
    BitLoop("reverse-bits", ("word", "result", "bit", "one", "tmp"), _load_word,
            _zero("result"), _reverse_step, 32, "result", 8, "tmp", consts={"one": 1}),
    BitLoop("gray", ("word", "n", "mask", "above", "one", "t"), _load_word, _gray_init,
            _gray_step, 32, "n", 8, "t", cond="mask", consts={"one": 1}),
    BitLoop("mod3", ("word", "rem", "mask", "bit", "three", "t"), _load_word, _mod3_init,
            _mod3_step, 32, "rem", 8, "t", cond="mask", consts={"three": 3}),
    BitLoop("multiply", ("a", "b", "product", "bit", "sum", "one", "tmp"), _multiply_load,
            _zero("product"), _multiply_step, 16, "product", 16, "tmp", consts={"one": 1}),
    BitLoop("isqrt", ("word", "root", "bit", "trial", "square", "big", "one"), _load_word,
            _isqrt_init, _isqrt_step, 16, "root", 8, "trial", cond="bit", consts={"one": 1}),
)
INNER = (1, 2, 4, 8, 32)
OUTER = (1, 2, 8)


def digits(unroll: int, from_top: bool, counted: bool, pack: bool) -> Generated:
    """From the ones up (`mod` and `div` by ten) or from the top (by a power of ten that is
    divided by ten each step and ends the loop at 0), `unroll` digits per trip."""
    b = Builder(machine_of("minimal/digits"))
    x, p, ten, digit = (b.scalar(name) for name in ("x", "p", "ten", "digit"))
    left = b.scalar("left") if counted and unroll < 10 else None
    power = b.scalar("power") if from_top else None
    b.load(x, p)
    b.const(ten, 10)
    b.const(p, 1 if from_top else 10)
    if power is not None:
        b.const(power, 10**9)
    if left is not None:
        b.const(left, 10 // unroll)
    if unroll < 10:
        b.label("next")
    for _ in range(unroll):
        if power is not None:
            b.div(digit, x, power)
            b.mod(x, x, power)
            b.store(p, digit)
            b.add_imm(p, p, 1)
            b.div(power, power, ten)
        else:
            b.mod(digit, x, ten)
            b.store(p, digit)
            b.div(x, x, ten)
            b.add_imm(p, p, -1)
    if left is not None:
        b.add_imm(left, left, -1)
    if unroll < 10:
        b.cond_jump(left if left is not None else power if power is not None else p, "next")
    way = "from the top" if from_top else "from the ones"
    name = f"{'top' if from_top else 'ones'}-{unroll}{'-counted' if left else ''}"
    return ("minimal/digits", name + ("" if pack else "-serial"),
            builder_text(b, pack, f"digits {way}, {unroll} per trip"
                         + (", with a counter" if left else "")))


def gcd(ping_pong: int, outer: int, pack: bool) -> Generated:
    """Euclid with a copy per step (`ping_pong` 0), or with a and b taking turns as the
    divisor, `ping_pong` steps written out per trip; `outer` pairs per trip of the pair loop."""
    b = Builder(machine_of("minimal/gcd"))
    p, q, a, bb, t, left = (b.scalar(name) for name in ("p", "q", "a", "b", "t", "left"))
    b.const(q, 16)
    if outer < 8:
        b.const(left, 8 // outer)
        b.label("pair")
    for j in range(outer):
        b.load(a, p)
        b.add_imm(p, p, 1)
        b.load(bb, p)
        b.add_imm(p, p, 1)
        if ping_pong == 0:
            b.label(f"euclid{j}")
            b.mod(t, a, bb)
            b.add_imm(a, bb, 0)
            b.add_imm(bb, t, 0)
            b.cond_jump(bb, f"euclid{j}")
            b.store(q, a)
        for step in range(ping_pong):
            x, y = (a, bb) if step % 2 == 0 else (bb, a)
            b.label(f"turn{j}_{step}")
            b.mod(x, x, y)
            b.cond_jump(x, f"turn{j}_{(step + 1) % ping_pong}")
            b.store(q, y)
            if step < ping_pong - 1:
                b.jump(f"done{j}")
        if ping_pong:
            b.label(f"done{j}")
        if outer < 8 or j < 7:
            b.add_imm(q, q, 1)
    if outer < 8:
        b.add_imm(left, left, -1)
        b.cond_jump(left, "pair")
    way = f"a and b take turns, {ping_pong} steps written out" if ping_pong else "copy per step"
    return ("minimal/gcd", f"turns-{ping_pong}-pairs-{outer}" + ("" if pack else "-serial"),
            builder_text(b, pack, f"Euclid, {way}, {outer} pairs per trip"))


def generate() -> list[Generated]:
    programs = []
    for unroll, from_top, counted, pack in product((1, 2, 5, 10), (False, True), (False, True),
                                                   (True, False)):
        if not (counted and (unroll == 10 or from_top)):
            programs.append(digits(unroll, from_top, counted, pack))
    for ping_pong, outer, pack in product((0, 2, 4), (1, 2, 4, 8), (True, False)):
        programs.append(gcd(ping_pong, outer, pack))
    for loop in LOOPS:
        for inner, outer, pack in product(INNER, OUTER, (True, False)):
            inner = min(inner, loop.steps)
            programs.append(per_word(loop, inner, outer, pack))
    return programs
