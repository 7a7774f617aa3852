"""Corpus of the machines pack: each puzzle's task written many ways on its odd machine.

Every generator below builds one approach with `machine.builder.Builder` and varies
the choices that approach really has: how many vectors (or words) a loop trip
handles, up to a straight line; which formula does the arithmetic; whether the
lanes of a sum are halved or added one by one; scalar lanes or whole vectors; and
whether the list scheduler packs the slots into bundles or leaves one slot per
bundle. Each program text starts with the `# corpus:` line that names its
generator and parameters; `python -m tools.corpus` scores it and adds the header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from game.catalog import Catalog
from machine.builder import Builder
from machine.config import MachineConfig
from machine.vasm import format_program

Generated = tuple[str, str, str]
Recipe = Iterator[tuple[str, str, Builder]]
"""(file stem, description, builder) of each program one generator makes; both the
packed and the one-slot-per-bundle form of each are written unless told otherwise."""

PACK = "machines"


@cache
def _machine(puzzle: str) -> MachineConfig:
    return Catalog().puzzle(f"{PACK}/{puzzle}").puzzle.machine_config()


def _builder(puzzle: str) -> Builder:
    return Builder(_machine(puzzle))


def _text(builder: Builder, pack: bool, corpus: str) -> str:
    form = "packed" if pack else "one slot per bundle"
    return f"# corpus: {corpus}, {form}\n" + format_program(builder.program(pack=pack))


def _both(puzzle: str, recipes: Recipe, serial: bool = True) -> list[Generated]:
    """Each recipe packed, and (with `serial`) one slot per bundle as well."""
    out = []
    for name, corpus, builder in recipes:
        out.append((f"{PACK}/{puzzle}", name, _text(builder, True, corpus)))
        if serial:
            out.append((f"{PACK}/{puzzle}", f"{name}-serial", _text(builder, False, corpus)))
    return out


def _lanes(s: int, into: int | None, add: Callable[[int, int, int], None]) -> int:
    """Add up the eight lanes of s; returns where the total is (lane 0 of a vector, or a
    scalar). Without `into`: three halvings of s in place, reading up to 4 words past s.
    With it: seven adds of one lane each into `into`, which must not overlap s."""
    if into is None:
        for half in (4, 2, 1):
            add(s, s, s + half)
        return s
    add(into, s, s + 1)
    for lane in range(2, 8):
        add(into, into, s + lane)
    return into


def _next_trip(b: Builder, pointers: tuple[int, ...], step: int, left: int, one: int,
               label: str = "loop") -> None:
    """The end of a counted loop trip: step the pointers, count down, jump back."""
    for pointer in pointers:
        b.add(pointer, pointer, step)
    b.sub(left, left, one)
    b.cond_jump(left, label)


# --- 1. no-alu: add up 64 words with no scalar unit ------------------------------------


def _no_alu() -> list[Generated]:
    def vectors(unroll: int, chain: bool) -> Recipe:
        """`unroll` vectors a trip, each with its own sum and its own pointer (lane 0 of a
        vector, stepped by the valu); 8 is a straight line."""
        b = _builder("no-alu")
        p = [b.vector(f"p{j}") for j in range(unroll)]
        x = [b.vector(f"x{j}") for j in range(unroll)]
        s = [b.vector(f"s{j}") for j in range(unroll)]
        b.vector("past")
        if unroll < 8:
            step = b.vector("step")
            b.const(step, 8 * unroll)
        for j in range(unroll):
            b.const(p[j], 64 + 8 * j if unroll < 8 else 8 * j)
        if unroll < 8:
            b.label("loop")
        for j in range(unroll):
            if unroll < 8:
                b.vsub(p[j], p[j], step)
            b.vload(x[j], p[j])
            b.vadd(s[j], s[j], x[j])
        if unroll < 8:
            b.cond_jump(p[0], "loop")
        width = unroll
        while width > 1:
            width //= 2
            for j in range(width):
                b.vadd(s[j], s[j], s[j + width])
        total = _lanes(s[0], b.vector("t") if chain else None, b.vadd)
        b.const(p[0], 64)
        b.store(p[0], total)
        lanes = "lane chain" if chain else "halvings"
        shape = "straight line" if unroll == 8 else f"loop of {unroll} vectors a trip"
        yield (f"vector-unroll-{unroll}{'-chain' if chain else ''}",
               f"vector sum, {shape}, {lanes}", b)

    def flow_pointer(unroll: int) -> Recipe:
        """One pointer stepped by add_imm, the other addresses of a trip made from it by
        add_imm too: the flow slot does all the address arithmetic."""
        b = _builder("no-alu")
        p = b.scalar("p")
        a = [p] + [b.scalar(f"a{j}") for j in range(1, unroll)]
        x = [b.vector(f"x{j}") for j in range(unroll)]
        s = b.vector("s")
        b.vector("past")
        b.const(p, 64)
        b.label("loop")
        b.add_imm(p, p, -8 * unroll)
        for j in range(1, unroll):
            b.add_imm(a[j], p, 8 * j)
        for j in range(unroll):
            b.vload(x[j], a[j])
            b.vadd(s, s, x[j])
        b.cond_jump(p, "loop")
        _lanes(s, None, b.vadd)
        b.const(p, 64)
        b.store(p, s)
        yield f"flow-pointer-unroll-{unroll}", f"add_imm pointers, {unroll} vectors a trip", b

    def words(unroll: int) -> Recipe:
        """One word at a time into lane 0, `unroll` words a trip."""
        b = _builder("no-alu")
        p = [b.vector(f"p{j}") for j in range(unroll)]
        x = [b.vector(f"x{j}") for j in range(unroll)]
        s = b.vector("s")
        step = b.vector("step")
        b.const(step, unroll)
        for j in range(unroll):
            b.const(p[j], 64 + j)
        b.label("loop")
        for j in range(unroll):
            b.vsub(p[j], p[j], step)
            b.load(x[j], p[j])
            b.vadd(s, s, x[j])
        b.cond_jump(p[0], "loop")
        b.const(p[0], 64)
        b.store(p[0], s)
        yield f"words-unroll-{unroll}", f"one word at a time, {unroll} a trip", b

    out = []
    for unroll in (1, 2, 4, 8):
        for chain in (False, True):
            out += _both("no-alu", vectors(unroll, chain))
    for unroll in (1, 2, 4):
        out += _both("no-alu", flow_pointer(unroll))
    for unroll in (1, 4, 8):
        out += _both("no-alu", words(unroll))
    return out


# --- 2. no-flow: |a - b| in a straight line, scored by instructions ---------------------

_DISTANCE: dict[str, tuple[tuple[str, ...], ...]] = {
    # (op, destination, operands...) over a, b, the temporaries l, t, u, the zero vector z
    # and m2, a vector of -2; the distance ends in a.
    "mask": (("vlt", "l", "a", "b"), ("vsub", "a", "a", "b"), ("vsub", "l", "z", "l"),
             ("vxor", "a", "a", "l"), ("vsub", "a", "a", "l")),
    "shift": (("vlt", "l", "a", "b"), ("vsub", "a", "a", "b"), ("vshl", "l", "l", "l"),
              ("vmul", "l", "l", "a"), ("vsub", "a", "a", "l")),
    "blend": (("vlt", "l", "a", "b"), ("vsub", "t", "b", "a"), ("vsub", "a", "a", "b"),
              ("vsub", "t", "t", "a"), ("multiply_add", "a", "l", "t", "a")),
    "sign": (("vlt", "l", "a", "b"), ("vsub", "a", "a", "b"), ("vmul", "t", "a", "m2"),
             ("multiply_add", "a", "l", "t", "a")),
    "max-min": (("vlt", "l", "a", "b"), ("vsub", "l", "z", "l"), ("vxor", "t", "a", "b"),
                ("vand", "t", "t", "l"), ("vxor", "u", "a", "t"), ("vxor", "b", "b", "t"),
                ("vsub", "a", "u", "b")),
}


def _no_flow() -> list[Generated]:
    def program(recipe: str, derived: bool, separate: bool, scalar_chunks: int) -> Recipe:
        """Four vectors of pairs; the first `scalar_chunks` of them computed lane by lane
        on the alu (the mask recipe), the others with `recipe` on whole vectors.
        Addresses: a const each, or two consts and alu sums of them (`derived`)."""
        b = _builder("no-flow")
        zero = b.vector("z")  # never written: address 0 and the zero vector
        regs = {"z": zero}
        if recipe == "sign":
            regs["m2"] = b.vector_constant(-2, "m2")
        address = {0: zero}
        if derived:
            for n in (8, 32):
                address[n] = b.scalar(f"a{n}")
                b.const(address[n], n)
        for n in range(8, 96, 8):
            if n in address:
                continue
            address[n] = b.scalar(f"a{n}")
            if derived:
                x = next(x for x in sorted(address) if x and n - x in address)
                b.add(address[n], address[x], address[n - x])
            else:
                b.const(address[n], n)
        for chunk in range(4):
            tag = str(chunk) if separate else ""
            if separate or chunk == 0:
                for name in ("a", "b", "l", "t", "u"):
                    regs[name] = b.vector(name + tag)
            b.vload(regs["a"], address[8 * chunk])
            b.vload(regs["b"], address[32 + 8 * chunk])
            if chunk < scalar_chunks:
                a, bb, less, t = (regs[n] for n in "ablt")
                for i in range(8):
                    b.lt(less + i, a + i, bb + i)
                    b.sub(t + i, a + i, bb + i)
                    b.sub(less + i, zero, less + i)
                    b.xor(t + i, t + i, less + i)
                    b.sub(a + i, t + i, less + i)
            else:
                for op, *operands in _DISTANCE[recipe]:
                    b.emit(op, *(regs[o] for o in operands))
            b.vstore(address[64 + 8 * chunk], regs["a"])
        where = "alu sums of two consts" if derived else "a const each"
        lanes = f", {scalar_chunks} of 4 vectors lane by lane on the alu" if scalar_chunks else ""
        yield (f"{recipe}-{'derived' if derived else 'consts'}"
               f"-{'separate' if separate else 'shared'}"
               f"{f'-alu-{scalar_chunks}' if scalar_chunks else ''}",
               f"{recipe} recipe, addresses {where}, "
               f"{'a vector set per pair' if separate else 'one vector set'}{lanes}", b)

    out = []
    for recipe in _DISTANCE:
        for derived in (False, True):
            for separate in (False, True):
                out += _both("no-flow", program(recipe, derived, separate, 0), serial=not derived)
    for chunks in (1, 2, 3, 4):
        out += _both("no-flow", program("mask", True, True, chunks), serial=False)
    return out


# --- 3. four-lanes: y_k = M x_k with vlen 4 -------------------------------------------


def _four_lanes() -> list[Generated]:
    def program(unroll: int, formula: str) -> Recipe:
        """`unroll` vectors x_k a trip (16: a straight line); y = sum of col_j * x[j] as one
        multiply_add chain, two chains joined by a vadd, or four vmuls and three vadds."""
        b = _builder("four-lanes")
        zero = b.scalar("zero")  # never written: address 0
        cols = [b.vector(f"col{j}") for j in range(4)]
        p, q = b.scalar("p"), b.scalar("q")
        looped = unroll < 16
        if looped:
            left = b.scalar("left")
            b.const(left, 16 // unroll)
        offsets = {4 * i: b.constant(4 * i) for i in range(1, max(unroll, 4))}
        b.vload(cols[0], zero)
        for j in range(1, 4):
            b.vload(cols[j], offsets[4 * j] if 4 * j in offsets else b.constant(4 * j))
        b.const(p, 16)
        b.const(q, 80)
        if looped:
            b.label("loop")
        stores = []
        for k in range(unroll):  # loads first: the scheduler orders every load after a store
            x, y, z = b.vector(f"x{k}"), b.vector(f"y{k}"), b.vector(f"z{k}")
            t = [b.vector(f"t{k}_{j}") for j in range(4)]
            at, to = (p, q) if k == 0 else (b.scalar(f"p{k}"), b.scalar(f"q{k}"))
            if k:
                b.add(at, p, offsets[4 * k])
                b.add(to, q, offsets[4 * k])
            b.vload(x, at)
            stores.append((x, y, z, t, to))
        for x, y, z, t, _ in stores:
            for j in range(4):
                b.vbroadcast(t[j], x + j)
            if formula == "chain":
                b.vmul(y, cols[0], t[0])
                for j in range(1, 4):
                    b.multiply_add(y, cols[j], t[j], y)
            elif formula == "pairs":
                b.vmul(y, cols[0], t[0])
                b.vmul(z, cols[2], t[2])
                b.multiply_add(y, cols[1], t[1], y)
                b.multiply_add(z, cols[3], t[3], z)
                b.vadd(y, y, z)
            else:
                for j in range(4):
                    b.vmul(t[j], cols[j], t[j])
                b.vadd(y, t[0], t[1])
                b.vadd(z, t[2], t[3])
                b.vadd(y, y, z)
        for _, y, _, _, to in stores:
            b.vstore(to, y)
        if looped:
            step = offsets[4 * unroll] if 4 * unroll in offsets else b.constant(4 * unroll)
            _next_trip(b, (p, q), step, left, b.constant(1))
        shape = "straight line" if not looped else f"loop of {unroll} vectors a trip"
        yield f"{formula}-unroll-{unroll}", f"{formula} formula, {shape}", b

    out = []
    for unroll in (1, 2, 4, 16):
        for formula in ("chain", "pairs", "products"):
            out += _both("four-lanes", program(unroll, formula))
    return out


# --- 4. one-load: sums of three neighbours through one load port ----------------------


def _addresses(b: Builder, wanted: list[int], from_consts: bool) -> dict[int, int]:
    """Scratch words holding the addresses `wanted` (0 is a never-written word): a const
    each, or consts of 1 and 8 and alu sums of two addresses made before (the load port
    then makes only two)."""
    made = {0: b.scalar("zero")}

    def make(n: int) -> int:
        if n not in made:
            if not from_consts and n not in (1, 8):
                parts = [x for x in made if x and n - x in made]
                if not parts:
                    make(n - 8 if n > 8 else n - 1)
                    parts = [x for x in made if x and n - x in made]
                x = max(parts)
            word = b.scalar(f"a{n}")
            if from_consts or n in (1, 8):
                b.const(word, n)
            else:
                b.add(word, made[x], made[n - x])
            made[n] = word
        return made[n]

    if not from_consts:
        make(1)
        make(8)
    for n in sorted(set(wanted)):
        make(n % 8 if not from_consts else n)
        make(n)
    return made


def _one_load() -> list[Generated]:
    def three(unroll: int) -> Recipe:
        """Each group of eight sums loads its three vectors, at p, p + 1 and p + 2;
        `unroll` groups a trip (8: a straight line)."""
        b = _builder("one-load")
        looped = unroll < 8
        offsets = sorted({8 * k + j for k in range(unroll) for j in range(3)} | {66, 8 * unroll})
        a = _addresses(b, [n for n in offsets if n <= 8 * unroll + 2 or n == 66], False)
        p, q = b.scalar("p"), b.scalar("q")
        b.add(q, a[0], a[66])
        if looped:
            left = b.scalar("left")
            b.add(left, a[0], a[8 // unroll] if 8 // unroll in a else b.constant(8 // unroll))
            b.label("loop")
        groups = []
        for k in range(unroll):
            v = [b.vector(f"v{k}_{j}") for j in range(3)]
            for j in range(3):
                at = a[8 * k + j]
                if looped:
                    at = b.scalar(f"p{k}_{j}")
                    b.add(at, p, a[8 * k + j])
                b.vload(v[j], at)
            groups.append(v)
        for v in groups:
            b.vadd(v[0], v[0], v[1])
            b.vadd(v[0], v[0], v[2])
        for k, v in enumerate(groups):
            to = q
            if k:
                to = b.scalar(f"q{k}")
                b.add(to, q, a[8 * k])
            b.vstore(to, v[0])
        if looped:
            _next_trip(b, (p, q), a[8 * unroll], left, a[1])
        shape = "straight line" if not looped else f"loop of {unroll} groups a trip"
        yield f"three-loads-unroll-{unroll}", f"three vloads per eight sums, {shape}", b

    def copy(from_consts: bool, pairs: bool) -> Recipe:
        """Nine vloads copy x into scratch; the sums are vadds of vectors of the copy,
        a + b + c, or first the pair sums x[i] + x[i+1], then each plus x[i+2]."""
        b = _builder("one-load")
        a = _addresses(b, [*range(8, 72, 8), *range(66, 130, 8)], from_consts)
        x = b.array("x", 72)
        pair = b.array("pair", 72) if pairs else None
        out = [b.vector(f"s{k}") for k in range(8)]
        for k in range(9):
            b.vload(x + 8 * k, a[8 * k])
        for k in range(8):
            if pair is not None:
                b.vadd(pair + 8 * k, x + 8 * k, x + 8 * k + 1)
                b.vadd(out[k], pair + 8 * k, x + 8 * k + 2)
            else:
                b.vadd(out[k], x + 8 * k, x + 8 * k + 1)
                b.vadd(out[k], out[k], x + 8 * k + 2)
            b.vstore(a[66 + 8 * k], out[k])
        where = "a const each" if from_consts else "alu sums of one const"
        yield (f"copy-{'consts' if from_consts else 'alu'}{'-pairs' if pairs else ''}",
               f"scratch copy, addresses {where}{', pair sums' if pairs else ''}", b)

    def scalar(vector_stores: bool) -> Recipe:
        """A scratch copy, then each sum made by two scalar adds on the alu; the sums are
        stored a vector or a word at a time."""
        b = _builder("one-load")
        a = _addresses(b, list(range(8, 72, 8)) + (list(range(66, 130, 8)) if vector_stores
                                                      else [66]), False)
        x = b.array("x", 72)
        out = b.array("s", 64)
        for k in range(9):
            b.vload(x + 8 * k, a[8 * k])
        if not vector_stores:
            at = b.scalar("at")
            b.add(at, a[66], a[0])
        for i in range(64):
            b.add(out + i, x + i, x + i + 1)
            b.add(out + i, out + i, x + i + 2)
            if vector_stores and i % 8 == 7:
                b.vstore(a[66 + i - 7], out + i - 7)
            elif not vector_stores:
                b.store(at, out + i)
                b.add_imm(at, at, 1)
        stores = "a vector" if vector_stores else "a word"
        yield (f"scalar-{'vstore' if vector_stores else 'store'}",
               f"scratch copy, scalar adds, stored {stores} at a time", b)

    def window(unroll: int) -> Recipe:
        """A loop that loads each word once: a window of unroll + 1 vectors; each trip
        loads the next `unroll`, sums, and slides the last one to the front."""
        b = _builder("one-load")
        a = _addresses(b, [8 * k for k in range(1, unroll + 1)] + [66], False)
        p, q, left = b.scalar("p"), b.scalar("q"), b.scalar("left")
        zero = b.vector("zerov")  # never written
        w = b.array("w", 8 * (unroll + 1))
        t = [b.vector(f"t{k}") for k in range(unroll)]
        one = b.constant(1)
        b.vload(w, a[0])
        b.add(p, a[8], a[0])
        b.add(q, a[66], a[0])
        b.const(left, 8 // unroll)
        b.label("loop")
        for k in range(unroll):
            at = p if k == 0 else b.scalar(f"p{k}")
            if k:
                b.add(at, p, a[8 * k])
            b.vload(w + 8 * (k + 1), at)
        for k in range(unroll):
            b.vadd(t[k], w + 8 * k, w + 8 * k + 1)
            b.vadd(t[k], t[k], w + 8 * k + 2)
        b.vadd(w, w + 8 * unroll, zero)
        for k in range(unroll):
            to = q if k == 0 else b.scalar(f"q{k}")
            if k:
                b.add(to, q, a[8 * k])
            b.vstore(to, t[k])
        _next_trip(b, (p, q), a[8 * unroll], left, one)
        yield f"window-unroll-{unroll}", f"sliding window, {unroll} vectors a trip", b

    out = []
    for unroll in (1, 2, 4, 8):
        out += _both("one-load", three(unroll))
    for from_consts in (False, True):
        for pairs in (False, True):
            out += _both("one-load", copy(from_consts, pairs))
    for vector_stores in (False, True):
        out += _both("one-load", scalar(vector_stores))
    for unroll in (1, 2, 4):
        out += _both("one-load", window(unroll))
    return out


# --- 5. forty-words: a polynomial with 40 scratch words ---------------------------------


def _horner_pointers(b: Builder, trips: int) -> tuple[int, int, int, int, int]:
    """p at x, q at y, the step 8 and, for a loop of `trips` (0: none), its counter and
    1; the loop's label is placed last."""
    p, q, eight = b.scalar("p"), b.scalar("q"), b.scalar("eight")
    b.const(p, 8)
    b.const(q, 72)
    b.const(eight, 8)
    if not trips:
        return p, q, eight, -1, -1
    left, one = b.scalar("left"), b.scalar("one")
    b.const(left, trips)
    b.const(one, 1)
    b.label("loop")
    return p, q, eight, left, one


def _advance(b: Builder, pointers: tuple[int, int], step: int, left: int, one: int,
             last: bool) -> None:
    """After one vector of a trip: step the pointers, and after the trip's last vector
    count down and jump back (in a loop: `left` >= 0) or nothing (a straight line)."""
    if not last:
        for pointer in pointers:
            b.add(pointer, pointer, step)
    elif left >= 0:
        _next_trip(b, pointers, step, left, one)


def _forty_words() -> list[Generated]:
    def vectors(unroll: int, fused: bool, from_memory: bool) -> Recipe:
        """Horner on a vector of x at a time, `unroll` vectors a trip (8: a straight line),
        each step a multiply_add or a vmul and a vadd; each coefficient broadcast from a
        vector of all eight, or loaded from memory into t and broadcast in place."""
        b = _builder("forty-words")
        zero = b.scalar("zero")  # never written: address 0
        x, acc, t = b.vector("x"), b.vector("acc"), b.vector("t")
        c = None if from_memory else b.vector("c")
        k = b.scalar("k") if from_memory else None
        looped = unroll < 8
        if c is not None:
            b.vload(c, zero)
        p, q, eight, left, one = _horner_pointers(b, 8 // unroll if looped else 0)

        def coefficient(into: int, j: int) -> None:
            if k is None:
                b.vbroadcast(into, c + j)
            else:
                b.const(k, j)
                b.load(into, k)
                b.vbroadcast(into, into)

        for repeat in range(unroll):
            b.vload(x, p)
            coefficient(acc, 7)
            for j in range(6, -1, -1):
                coefficient(t, j)
                if fused:
                    b.multiply_add(acc, acc, x, t)
                else:
                    b.vmul(acc, acc, x)
                    b.vadd(acc, acc, t)
            b.vstore(q, acc)
            _advance(b, (p, q), eight, left, one, last=repeat == unroll - 1)
        shape = "straight line" if not looped else f"loop of {unroll} vectors a trip"
        step = "multiply_add" if fused else "vmul and vadd"
        source = "loaded from memory" if from_memory else "from a vector"
        yield (f"vector-{'fma' if fused else 'mul-add'}{'-memory' if from_memory else ''}"
               f"-unroll-{unroll}", f"vector Horner, {step}, coefficients {source}, {shape}", b)

    def lanes(looped: bool) -> Recipe:
        """A vector of x loaded at a time, Horner on each of its lanes with the alu."""
        b = _builder("forty-words")
        zero = b.scalar("zero")  # never written: address 0
        c, x, y = b.vector("c"), b.vector("x"), b.vector("y")
        b.vload(c, zero)
        p, q, eight, left, one = _horner_pointers(b, 8 if looped else 0)
        repeats = 1 if looped else 8
        for repeat in range(repeats):
            b.vload(x, p)
            for lane in range(8):
                b.mul(y + lane, c + 7, x + lane)
                for j in range(6, -1, -1):
                    b.add(y + lane, y + lane, c + j)
                    if j:
                        b.mul(y + lane, y + lane, x + lane)
            b.vstore(q, y)
            _advance(b, (p, q), eight, left, one, last=repeat == repeats - 1)
        yield (f"lanes-{'loop' if looped else 'straight'}",
               f"alu Horner on the lanes of each vector, {'loop' if looped else 'straight line'}",
               b)

    def words(unroll: int) -> Recipe:
        """One word of x at a time, `unroll` words a trip, Horner on the alu."""
        b = _builder("forty-words")
        zero = b.scalar("zero")  # never written: address 0
        c = b.vector("c")
        x = [b.scalar(f"x{j}") for j in range(unroll)]
        y = [b.scalar(f"y{j}") for j in range(unroll)]
        p, q, step, left, one = (b.scalar(n) for n in ("p", "q", "step", "left", "one"))
        b.vload(c, zero)
        b.const(p, 8)
        b.const(q, 72)
        b.const(step, unroll)
        b.const(left, 64 // unroll)
        b.const(one, 1)
        at = [p] + [b.scalar(f"p{j}") for j in range(1, unroll)]
        b.label("loop")
        for j in range(unroll):
            if j:
                b.add_imm(at[j], p, j)
            b.load(x[j], at[j])
        for j in range(unroll):
            b.mul(y[j], c + 7, x[j])
            for k in range(6, -1, -1):
                b.add(y[j], y[j], c + k)
                if k:
                    b.mul(y[j], y[j], x[j])
        for j in range(unroll):
            if j:
                b.add_imm(at[j], q, j)
            b.store(at[j] if j else q, y[j])
        _next_trip(b, (p, q), step, left, one)
        yield f"words-unroll-{unroll}", f"alu Horner a word at a time, {unroll} a trip", b

    out = []
    for unroll in (1, 2, 4, 8):
        for fused in (True, False):
            out += _both("forty-words", vectors(unroll, fused, False))
        out += _both("forty-words", vectors(unroll, True, True))
    for looped in (True, False):
        out += _both("forty-words", lanes(looped))
    for unroll in (1, 2, 4):
        out += _both("forty-words", words(unroll))
    return out


# --- 6. four-cores: one total from four cores -----------------------------------------


def _vector_sum(b: Builder, base: int, vectors: int, unroll: int, tag: str = "") -> int:
    """Add up `vectors` vectors from the address in `base` (stepped), `unroll` a trip
    (all of them: a straight line), into one vector; returns it."""
    looped = unroll < vectors
    x = [b.vector(f"x{tag}{j}") for j in range(unroll)]
    s = [b.vector(f"s{tag}{j}") for j in range(unroll)]
    at = [base] + [b.scalar(f"p{tag}{j}") for j in range(1, unroll)]
    step = b.constant(8 * unroll) if looped else None
    if looped:
        left = b.scalar(f"left{tag}")
        b.const(left, vectors // unroll)
        one = b.constant(1)
        b.label(f"loop{tag}")
    for j in range(1, unroll):
        b.add(at[j], base, b.constant(8 * j))
    for j in range(unroll):
        b.vload(x[j], at[j])
    for j in range(unroll):
        b.vadd(s[j], s[j], x[j])
    if looped:
        _next_trip(b, (base,), step, left, one, f"loop{tag}")
    width = unroll
    while width > 1:
        width //= 2
        for j in range(width):
            b.vadd(s[j], s[j], s[j + width])
    return s[0]


def _four_cores() -> list[Generated]:
    def split(unroll: int, alu_lanes: bool, vector_join: bool) -> Recipe:
        """Core i adds words 128i.. with a loop of `unroll` vectors a trip (16: a straight
        line), adds its lanes (halvings, or the alu one lane at a time) and stores the
        partial at 513 + i; in lockstep core 0 then adds the four partials, loaded one at
        a time or as one vector."""
        b = _builder("four-cores")
        ident, base = b.scalar("id"), b.scalar("base")
        b.coreid(ident)
        b.mul(base, ident, b.constant(128))
        at = b.scalar("at")
        b.add(at, ident, b.constant(513))
        total_at = b.constant(512)
        s = _vector_sum(b, base, 16, unroll)
        b.vector("past")
        total = _lanes(s, b.scalar("total") if alu_lanes else None, b.add if alu_lanes else b.vadd)
        b.store(at, total)
        b.cond_jump(ident, "done")
        if vector_join:
            parts = b.vector("parts")
            b.vload(parts, at)
            b.vadd(parts, parts, parts + 2)
            b.vadd(parts, parts, parts + 1)
            b.store(total_at, parts)
        else:
            part = b.scalar("part")
            for k in range(1, 4):
                b.load(part, b.constant(513 + k))
                b.add(total, total, part)
            b.store(total_at, total)
        b.label("done")
        lanes = "alu lane adds" if alu_lanes else "halvings"
        join = "vector" if vector_join else "scalar loads"
        yield (f"split-unroll-{unroll}{'-alu' if alu_lanes else ''}"
               f"{'-vjoin' if vector_join else ''}",
               f"128 words a core, {unroll} vectors a trip, {lanes}, partials joined by {join}",
               b)

    def alone(unroll: int, everyone: bool) -> Recipe:
        """One core adds all 512 words, `unroll` vectors a trip; the others stop at once,
        or (`everyone`) all four do the same work and store the same total."""
        b = _builder("four-cores")
        base = b.scalar("base")
        if not everyone:
            ident = b.scalar("id")
            b.coreid(ident)
            b.cond_jump(ident, "done")
        s = _vector_sum(b, base, 64, unroll)
        b.vector("past")
        _lanes(s, None, b.vadd)
        b.store(b.constant(512), s)
        if not everyone:
            b.label("done")
        who = "every core alike" if everyone else "core 0 alone"
        yield (f"{'every' if everyone else 'one'}-core-unroll-{unroll}",
               f"{who}, {unroll} vectors a trip", b)

    out = []
    for unroll in (1, 2, 4, 16):
        for alu_lanes in (False, True):
            out += _both("four-cores", split(unroll, alu_lanes, False))
    out += _both("four-cores", split(4, False, True))
    for unroll in (1, 4):
        for everyone in (False, True):
            out += _both("four-cores", alone(unroll, everyone))
    return out


# --- 7. no-multiply: population counts --------------------------------------------------

_POPCOUNT: tuple[tuple[str, str, str, str], ...] = (
    # (op, destination, operand, operand) over x, t and the constants s1.. and m1..
    ("shr", "t", "x", "s1"), ("and", "t", "t", "m1"), ("sub", "x", "x", "t"),
    ("shr", "t", "x", "s2"), ("and", "t", "t", "m2"), ("and", "x", "x", "m2"),
    ("add", "x", "x", "t"), ("shr", "t", "x", "s4"), ("add", "x", "x", "t"),
    ("and", "x", "x", "m4"), ("shr", "t", "x", "s8"), ("add", "x", "x", "t"),
    ("shr", "t", "x", "s16"), ("add", "x", "x", "t"), ("and", "x", "x", "m6"),
)
"""Counting in parallel inside a word: 2-bit, 4-bit and 8-bit fields, then the bytes."""

_POPCOUNT_CONSTANTS = {"s1": 1, "s2": 2, "s4": 4, "s8": 8, "s16": 16, "m1": 0x55555555,
                       "m2": 0x33333333, "m4": 0x0F0F0F0F, "m6": 63}


def _no_multiply() -> list[Generated]:
    def swar(unroll: int, vector: bool) -> Recipe:
        """The field-counting steps on `unroll` words (or vectors of eight) a trip; a
        straight line when that covers all 64 words."""
        b = _builder("no-multiply")
        width = 8 if vector else 1
        per = 64 // width
        looped = unroll < per
        k = {n: (b.vector_constant(v, n) if vector else b.constant(v, n))
             for n, v in _POPCOUNT_CONSTANTS.items()}
        p, q = b.scalar("p"), b.scalar("q")
        b.const(q, 64)
        step = b.constant(width * unroll) if looped else -1
        if looped:
            left = b.scalar("left")
            b.const(left, per // unroll)
            b.label("loop")
        regs = [{"x": b.vector(f"x{j}") if vector else b.scalar(f"x{j}"),
                 "t": b.vector(f"t{j}") if vector else b.scalar(f"t{j}")} for j in range(unroll)]
        at = [p] + [b.scalar(f"p{j}") for j in range(1, unroll)]
        for j in range(1, unroll):
            b.add(at[j], p, b.constant(width * j))
        for j in range(unroll):
            b.emit("vload" if vector else "load", regs[j]["x"], at[j])
        for op, *operands in _POPCOUNT:
            for j in range(unroll):
                b.emit(f"v{op}" if vector else op, *((regs[j] | k)[o] for o in operands))
        for j in range(unroll):
            if j:
                b.add(at[j], q, b.constant(width * j))
            b.emit("vstore" if vector else "store", at[j] if j else q, regs[j]["x"])
        if looped:
            _next_trip(b, (p, q), step, left, k["s1"] if not vector else b.constant(1))
        what = "vectors" if vector else "words"
        shape = "straight line" if not looped else f"loop of {unroll} {what} a trip"
        yield (f"{'vector' if vector else 'scalar'}-unroll-{unroll}",
               f"field counting on {what}, {shape}", b)

    def bits(unroll: int) -> Recipe:
        """A vector of eight words at a time, one bit of each a step: 32 steps of
        and, add and shift, `unroll` of them a trip."""
        b = _builder("no-multiply")
        one = b.vector_constant(1, "one")
        x, bit, count = b.vector("x"), b.vector("bit"), b.vector("count")
        p, q, left, steps = (b.scalar(n) for n in ("p", "q", "left", "steps"))
        eight, unit = b.constant(8), b.constant(1)
        b.const(q, 64)
        b.const(left, 8)
        b.label("word")
        b.vload(x, p)
        b.vbroadcast(count, b.constant(0))
        b.const(steps, 32 // unroll)
        b.label("bits")
        for _ in range(unroll):
            b.vand(bit, x, one)
            b.vadd(count, count, bit)
            b.vshr(x, x, one)
        b.sub(steps, steps, unit)
        b.cond_jump(steps, "bits")
        b.vstore(q, count)
        _next_trip(b, (p, q), eight, left, unit, "word")
        yield f"bits-unroll-{unroll}", f"one bit of eight words a step, {unroll} steps a trip", b

    out = []
    for unroll in (1, 2, 4, 8):
        out += _both("no-multiply", swar(unroll, True))
    for unroll in (1, 2, 4, 8, 64):
        out += _both("no-multiply", swar(unroll, False), serial=unroll < 64)
    for unroll in (1, 4, 8):
        out += _both("no-multiply", bits(unroll))
    return out


# --- 8. interpreter: an accumulator machine run by dispatch --------------------------------

_OPS = ("add", "sub", "xor", "and", "or", "mul", "neg")
"""The accumulator machine's ops 1 to 7 (0 is STOP)."""


def _apply(b: Builder, op: int, acc: int, arg: int, zero: int) -> None:
    """acc = acc <op> arg, for op 1 to 7."""
    name = _OPS[op - 1]
    if name == "neg":
        b.sub(acc, zero, acc)
    else:
        b.emit(name, acc, acc, arg)


def _interpreter() -> list[Generated]:
    def prologue(b: Builder, counted: bool = True) -> dict[str, int]:
        r = {n: b.scalar(n) for n in ("zero", "one", "pc", "pa", "left", "acc", "op", "arg")}
        b.load(r["acc"], r["zero"])
        b.const(r["one"], 1)
        b.const(r["pc"], 1)
        b.const(r["pa"], 25)
        if counted:
            b.const(r["left"], 24)
        return r

    def fetch(b: Builder, r: dict[str, int]) -> None:
        b.label("fetch")
        b.load(r["op"], r["pc"])
        b.load(r["arg"], r["pa"])
        b.add(r["pc"], r["pc"], r["one"])
        b.add(r["pa"], r["pa"], r["one"])
        b.sub(r["left"], r["left"], r["one"])

    def finish(b: Builder, r: dict[str, int]) -> None:
        b.label("next")
        b.cond_jump(r["left"], "fetch")
        b.label("done")
        b.store(b.constant(49), r["acc"])

    def chain(order: tuple[int, ...], flags_first: bool) -> Recipe:
        """Compare the op with each value of `order` in turn (STOP first) and jump to the
        first match; the op left out is the fall-through. The compares are made all
        together before the jumps, or each just before its jump."""
        b = _builder("interpreter")
        r = prologue(b)
        ks = {k: b.constant(k) for k in order[1:]}
        flags = {k: b.scalar(f"is{k}") for k in order}
        fetch(b, r)
        last = next(k for k in range(8) if k not in order)
        for k in order if flags_first else ():
            b.eq(flags[k], r["op"], ks.get(k, r["zero"]))
        for k in order:
            if not flags_first:
                b.eq(flags[k], r["op"], ks.get(k, r["zero"]))
            b.cond_jump(flags[k], "done" if k == 0 else f"op{k}")
        for k in (last, *order[1:]):
            if k != last:
                b.label(f"op{k}")
            _apply(b, k, r["acc"], r["arg"], r["zero"])
            b.jump("next")
        finish(b, r)
        when = "all compares first" if flags_first else "each compare before its jump"
        yield (f"chain-{'-'.join(map(str, order[1:]))}{'-flags' if flags_first else ''}",
               f"compare chain in the order {', '.join(map(str, order))}, {when}", b)

    def tree() -> Recipe:
        """Three bits of the op, a tree of three cond_jumps to its handler."""
        b = _builder("interpreter")
        r = prologue(b)
        bit = {m: b.scalar(f"b{m}") for m in (1, 2, 4)}
        masks = {m: b.constant(m) if m > 1 else r["one"] for m in (1, 2, 4)}
        fetch(b, r)
        for m in (4, 2, 1):
            b.and_(bit[m], r["op"], masks[m])
        b.cond_jump(bit[4], "n1")
        b.cond_jump(bit[2], "n01")
        b.cond_jump(bit[1], "op1")
        b.jump("done")
        for node, ops in (("n01", (2, 3)), ("n1", None), ("n10", (4, 5)), ("n11", (6, 7))):
            b.label(node)
            if ops is None:
                b.cond_jump(bit[2], "n11")
                b.jump("n10")
                continue
            b.cond_jump(bit[1], f"op{ops[1]}")
            for k in ops:
                if k == ops[1]:
                    b.label(f"op{k}")
                _apply(b, k, r["acc"], r["arg"], r["zero"])
                b.jump("next")
        b.label("op1")
        _apply(b, 1, r["acc"], r["arg"], r["zero"])
        finish(b, r)
        yield "tree", "a tree of three jumps on the bits of the op", b

    def goto(style: str) -> Recipe:
        """Computed goto: the handler of op k is the bundle `stop` + k. `counted`: a counter
        turns the op into STOP after 24 (by mul, or by `and` with a mask); `sentinel`: a 0
        written after the last op stops the run; `merged`: likewise, and each handler
        fetches the next op itself."""
        b = _builder("interpreter")
        counted = style.startswith("counted")
        r = prologue(b, counted)
        h, t = b.scalar("h"), b.scalar("t")
        result = b.constant(49)
        b.const(h, "stop")
        if not counted:
            at = b.constant(25)
            b.load(r["op"], r["pc"])
            b.load(r["arg"], r["pa"])
            b.store(at, r["zero"])
            b.add(r["pc"], r["pc"], r["one"])
            b.add(r["pa"], r["pa"], r["one"])
            b.jump("dispatch")
        b.label("fetch")
        if style != "merged":
            if counted:
                live = b.scalar("live")
                b.lt(live, r["zero"], r["left"])
            b.load(r["op"], r["pc"])
            b.load(r["arg"], r["pa"])
            b.add(r["pc"], r["pc"], r["one"])
            b.add(r["pa"], r["pa"], r["one"])
            if counted:
                b.sub(r["left"], r["left"], r["one"])
                if style == "counted-mask":
                    b.sub(live, r["zero"], live)
                    b.and_(r["op"], r["op"], live)
                else:
                    b.mul(r["op"], r["op"], live)
        b.label("dispatch")
        b.add(t, r["op"], h)
        b.jump_indirect(t)
        b.label("stop")
        with b.bundle():
            b.store(result, r["acc"])
            b.halt()
        for k in range(1, 8):
            with b.bundle():
                _apply(b, k, r["acc"], r["arg"], r["zero"])
                if style == "merged":
                    b.load(r["op"], r["pc"])
                    b.load(r["arg"], r["pa"])
                    b.add(r["pc"], r["pc"], r["one"])
                    b.add(r["pa"], r["pa"], r["one"])
                b.jump("dispatch" if style == "merged" else "fetch")
        yield f"goto-{style}", f"computed goto, {style.replace('-', ' ')}", b

    out = []
    for order in ((0, 1, 2, 3, 4, 5, 6), (0, 7, 6, 5, 4, 3, 2), (0, 4, 5, 6, 7, 1, 2)):
        for flags_first in (False, True):
            out += _both("interpreter", chain(order, flags_first))
    out += _both("interpreter", tree())
    for style in ("counted", "counted-mask", "sentinel", "merged"):
        out += _both("interpreter", goto(style))
    return out


# --- 9. strlen: where the first 0 is --------------------------------------------------------


def _strlen() -> list[Generated]:
    def scan(b: Builder, p: int, one: int) -> None:
        """From the block at p that holds the first 0: find it a word at a time, store."""
        c = b.scalar("c")
        b.label("found")
        b.label("scan")
        b.load(c, p)
        b.add(p, p, one)
        b.cond_jump(c, "scan")
        b.sub(p, p, one)
        b.store(b.constant(264), p)

    def words(unroll: int) -> Recipe:
        """`unroll` words a test: a load and an eq each, the flags or-ed into one."""
        b = _builder("strlen")
        zero, p = b.scalar("zero"), b.scalar("p")  # zero: never written
        one, step = b.constant(1), b.constant(unroll)
        c = [b.scalar(f"w{j}") for j in range(unroll)]
        at = [p] + [b.scalar(f"p{j}") for j in range(1, unroll)]
        b.label("loop")
        for j in range(1, unroll):
            b.add(at[j], p, b.constant(j))
        for j in range(unroll):
            b.load(c[j], at[j])
        for j in range(unroll):
            b.eq(c[j], c[j], zero)
        width = unroll
        while width > 1:
            width //= 2
            for j in range(width):
                b.or_(c[j], c[j], c[j + width])
        b.cond_jump(c[0], "found")
        b.add(p, p, step)
        b.jump("loop")
        scan(b, p, one)
        yield f"words-{unroll}", f"{unroll} words a test, scalar", b

    def vectors(blocks: int, fold: str, exit_on_none: bool = False) -> Recipe:
        """`blocks` vectors of eight words a test: veq with a zero vector, the flags
        folded into one word (vor halvings, or alu ors in a chain or a tree), and a
        jump out on a hit (or back while there is none)."""
        b = _builder("strlen")
        zerov, p = b.vector("zerov"), b.scalar("p")  # zerov: never written
        one, step = b.constant(1), b.constant(8 * blocks)
        v = [b.vector(f"v{j}") for j in range(blocks)]
        b.vector("past")
        hit = b.scalar("hit")
        at = [p] + [b.scalar(f"p{j}") for j in range(1, blocks)]
        b.label("loop")
        for j in range(1, blocks):
            b.add(at[j], p, b.constant(8 * j))
        for j in range(blocks):
            b.vload(v[j], at[j])
        for j in range(blocks):
            b.veq(v[j], v[j], zerov)
        for j in range(1, blocks):
            b.vor(v[0], v[0], v[j])
        z = v[0]
        if fold == "vor":
            for half in (4, 2, 1):
                b.vor(z, z, z + half)
            flag = z
        elif fold == "alu-chain":
            b.or_(hit, z, z + 1)
            for lane in range(2, 8):
                b.or_(hit, hit, z + lane)
            flag = hit
        else:
            for half in (4, 2, 1):
                for lane in range(half):
                    b.or_(z + lane, z + lane, z + lane + half)
            flag = z
        if exit_on_none:
            b.eq(hit, flag, zerov)
            b.add(p, p, step)
            b.cond_jump(hit, "loop")
            b.sub(p, p, step)
        else:
            b.cond_jump(flag, "found")
            b.add(p, p, step)
            b.jump("loop")
        scan(b, p, one)
        how = "loop while none" if exit_on_none else "jump out on a hit"
        yield (f"vectors-{blocks}-{fold}{'-while-none' if exit_on_none else ''}",
               f"{8 * blocks} words a test, {fold} fold, {how}", b)

    out = []
    for unroll in (1, 2, 4, 8):
        out += _both("strlen", words(unroll))
    for blocks in (1, 2):
        for fold in ("vor", "alu-chain", "alu-tree"):
            out += _both("strlen", vectors(blocks, fold))
    for fold in ("vor", "alu-tree"):
        out += _both("strlen", vectors(1, fold, True))
    return out


# --- 10. scatter: deliver words to their destinations, in order --------------------------


def _scatter() -> list[Generated]:
    def program(unroll: int, width: int, paired: bool) -> Recipe:
        """`unroll` loads of `width` destinations and words a trip (a straight line when
        that is all 64), then their stores in order: placed by the scheduler, which puts
        one store in a bundle, or written two a bundle (`paired`)."""
        b = _builder("scatter")
        pd, px = b.scalar("pd"), b.scalar("px")
        per = 64 // width
        looped = unroll < per
        step = b.constant(width * unroll) if looped else -1
        b.const(pd, 64)
        b.const(px, 128)
        if looped:
            left = b.scalar("left")
            b.const(left, per // unroll)
            b.label("loop")
        pairs = []
        for j in range(unroll):
            d, x = ((b.array(f"d{j}", width), b.array(f"x{j}", width)) if width > 1
                    else (b.scalar(f"d{j}"), b.scalar(f"x{j}")))
            ad, ax = (pd, px) if j == 0 else (b.scalar(f"pd{j}"), b.scalar(f"px{j}"))
            if j:
                offset = b.constant(width * j)
                b.add(ad, pd, offset)
                b.add(ax, px, offset)
            b.emit("vload" if width > 1 else "load", d, ad)
            b.emit("vload" if width > 1 else "load", x, ax)
            pairs += [(d + i, x + i) for i in range(width)]
        if looped:
            b.add(pd, pd, step)
            b.add(px, px, step)
            b.sub(left, left, b.constant(1))
        for i in range(0, len(pairs), 2 if paired else 1):
            if paired:
                with b.bundle():
                    for d, x in pairs[i:i + 2]:
                        b.store(d, x)
            else:
                b.store(*pairs[i])
        if looped:
            b.cond_jump(left, "loop")
        what = "vectors" if width > 1 else "words"
        shape = "straight line" if not looped else f"loop of {unroll} {what} a trip"
        stores = "two stores a bundle" if paired else "stores placed by the scheduler"
        yield (f"{what}-unroll-{unroll}{'-paired' if paired else ''}",
               f"{what} loaded, {shape}, {stores}", b)

    out = []
    for unroll in (1, 2, 4, 8):
        out += _both("scatter", program(unroll, 1, False))
        for paired in (False, True):
            out += _both("scatter", program(unroll, 8, paired))
    return out


GENERATORS: tuple[Callable[[], list[Generated]], ...] = (
    _no_alu, _no_flow, _four_lanes, _one_load, _forty_words, _four_cores, _no_multiply,
    _interpreter, _strlen, _scatter)


def generate() -> list[Generated]:
    """Every program of the pack's corpus, in a fixed order."""
    return [program for generator in GENERATORS for program in generator()]
