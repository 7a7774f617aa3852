"""Corpus of the vectors pack: scalar or vector, unroll factors, loops or straight
lines, tree or chain reductions, vselect or masks, packed or one slot per bundle.

Every generator builds with `machine.builder.Builder` and writes each program
both list-scheduled and one slot per bundle (`builder_text`), except where the
serial form could not finish within the puzzle's cycle limit.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from machine.builder import Builder
from tools.corpus.common import Generated, builder_text, machine_of
from tools.corpus.elementwise import Map, Temp, elementwise, shapes
from tools.corpus.tutorial import _emit, _hash, _no_setup

PACKINGS = (True, False)
Combine = Callable[[Builder, bool, int, int, int, Callable[[str], int]], None]
"""(builder, vector?, destination, left, right, temporaries by name): one step of a
reduction."""


def _name(*parts: str) -> str:
    """A file stem of the choices made, the empty ones left out."""
    return "-".join(part for part in parts if part)


def _result(puzzle: str, b: Builder, pack: bool, text: str, *parts: str) -> Generated:
    """The generated program, named by the choices made (`parts`) and its packing."""
    return puzzle, _name(*parts, "" if pack else "serial"), builder_text(b, pack, text)


PRODUCTS = {True: ("multiply_add", "fused"), False: ("vmul and vadd", "mul-add")}
"""How products are added up: (said in the corpus line, said in the name)."""


def _offset(b: Builder, base: int, offset: int, name: str) -> int:
    """A scalar holding base + offset (base itself for offset 0)."""
    if not offset:
        return base
    word = b.scalar(name)
    b.add(word, base, b.constant(offset))
    return word


def _make(b: Builder, vector: bool, name: str) -> int:
    return b.vector(name) if vector else b.scalar(name)


def _add(b: Builder, vector: bool, d: int, x: int, y: int, temp: Callable[[str], int]) -> None:
    _emit(b, vector, "add", d, x, y)


def _max_select(b: Builder, vector: bool, d: int, x: int, y: int,
                temp: Callable[[str], int]) -> None:
    flag = temp("f")
    _emit(b, vector, "lt", flag, x, y)
    _emit(b, vector, "select", d, flag, y, x)


def _max_masks(b: Builder, vector: bool, d: int, x: int, y: int,
               temp: Callable[[str], int]) -> None:
    """max without the flow engine: mask = 0 - (x < y); x ^ ((x ^ y) & mask)."""
    flag, diff = temp("f"), temp("g")
    _emit(b, vector, "lt", flag, x, y)
    _emit(b, vector, "sub", flag, temp("zero"), flag)
    _emit(b, vector, "xor", diff, x, y)
    _emit(b, vector, "and", diff, diff, flag)
    _emit(b, vector, "xor", d, x, diff)


def _reduce(b: Builder, vector: bool, words: list[int], combine: Combine, tree: bool,
            temp_for: Callable[[str], int]) -> int:
    """Combine `words` into one, as a balanced tree or a chain; returns where it ends."""
    level = 0
    while len(words) > 1:
        if tree:
            pairs = [(words[i], words[i + 1]) for i in range(0, len(words) - 1, 2)]
            rest = words[len(pairs) * 2:]
            for n, (x, y) in enumerate(pairs):
                combine(b, vector, x, x, y, lambda t, n=n, at=level: temp_for(f"{t}{at}_{n}"))
            words = [x for x, _ in pairs] + rest
        else:
            combine(b, vector, words[0], words[0], words[1], lambda t: temp_for(f"{t}c"))
            words = [words[0], *words[2:]]
        level += 1
    return words[0]


def reduction(puzzle: str, combine: Combine, how: str, width: int, per_trip: int,
              tree: bool, flow_pointer: bool, pack: bool) -> Generated:
    """64 words at 0 reduced into the word at 64: `per_trip` accumulators of `width`."""
    b = Builder(machine_of(puzzle))
    vector = width > 1
    temps: dict[str, int] = {}

    def temp(name: str, vector: bool = vector) -> int:
        key = f"{name}{'v' if vector else 's'}"
        if key not in temps:
            temps[key] = _make(b, vector, key)
        return temps[key]

    accs = [_make(b, vector, f"acc{j}") for j in range(per_trip)]
    trips = 64 // (width * per_trip)
    load = b.vload if vector else b.load
    if trips > 1:
        pointer, left = b.scalar("p"), b.scalar("left")
        b.const(left, trips)
        one, step = b.constant(1), b.constant(width * per_trip)
        offsets = {j: b.constant(j * width) for j in range(1, per_trip)}
        temp("zero")
        b.label("trip")
        for j, acc in enumerate(accs):
            address = pointer
            if j:
                address = b.scalar(f"a{j}")
                b.add(address, pointer, offsets[j])
            x = _make(b, vector, f"x{j}")
            load(x, address)
            combine(b, vector, acc, acc, x, lambda t, j=j: temp(f"{t}{j}"))
        if flow_pointer:
            b.add_imm(pointer, pointer, width * per_trip)
        else:
            b.add(pointer, pointer, step)
        b.sub(left, left, one)
        b.cond_jump(left, "trip")
    else:
        temp("zero")
        for j, acc in enumerate(accs):
            load(acc, b.constant(j * width))
    result = _reduce(b, vector, accs, combine, tree, temp)
    if vector:
        result = _reduce(b, False, list(range(result, result + width)), combine, tree,
                         lambda t: temp(t, False))
    b.store(b.constant(64), result)
    kind = "vectors" if vector else "words"
    text = (f"{per_trip} {kind} per trip of {trips}, {how}, "
            f"{'tree' if tree else 'chain'} reductions"
            + (", pointer by add_imm" if flow_pointer else ""))
    name = _name("vector" if vector else "scalar", f"{per_trip}-per-trip", how.split()[0],
                 "tree" if tree else "chain", "flow-pointer" if flow_pointer else "",
                 "" if pack else "serial")
    return puzzle, name, builder_text(b, pack, text)


def reductions(puzzle: str, combines: dict[str, Combine]) -> list[Generated]:
    found = []
    for (how, combine), (width, unrolls) in product(combines.items(),
                                                    ((1, (1, 4)), (8, (1, 2, 4, 8)))):
        for per_trip, tree, pack in product(unrolls, (True, False), PACKINGS):
            looped = 64 // (width * per_trip) > 1
            for flow in (False, True) if looped and width > 1 else (False,):
                found.append(reduction(puzzle, combine, how, width, per_trip, tree, flow, pack))
    return found


def _lane_sum(b: Builder, h: int, vector: int, shifted: bool) -> None:
    """Lane 0 of h gets the sum of the eight lanes of `vector`, by three vadds of shifted
    reads (the other lanes read past it and are left wrong) or a chain of seven."""
    if shifted:
        b.vadd(h, vector, vector + 4)
        b.vadd(h, h, h + 2)
        b.vadd(h, h, h + 1)
        return
    b.vadd(h, vector, vector + 1)
    for lane in range(2, 8):
        b.vadd(h, h, vector + lane)


def dot(per_trip: int, fused: bool, tree: bool, pack: bool) -> Generated:
    """a . b with no alu: `per_trip` accumulators, multiply_add or vmul and vadd, the
    lanes added by three shifted vadds or a chain of seven."""
    b = Builder(machine_of("vectors/dot"))
    trips = 8 // per_trip
    accs = [b.vector(f"acc{j}") for j in range(per_trip)]
    if trips > 1:
        pa, pb, left = b.scalar("pa"), b.scalar("pb"), b.scalar("left")
        b.const(pb, 64)
        b.const(left, trips)
        b.label("trip")
    for j, acc in enumerate(accs):
        x, y = b.vector(f"x{j}"), b.vector(f"y{j}")
        if trips > 1:
            xa, ya = pa, pb
            if j:
                xa, ya = b.scalar(f"xa{j}"), b.scalar(f"ya{j}")
                b.add_imm(xa, pa, 8 * j)
                b.add_imm(ya, pb, 8 * j)
        else:
            xa, ya = b.constant(8 * j), b.constant(64 + 8 * j)
        b.vload(x, xa)
        b.vload(y, ya)
        if fused:
            b.multiply_add(acc, x, y, acc)
        else:
            b.vmul(x, x, y)
            b.vadd(acc, acc, x)
    if trips > 1:
        b.add_imm(pa, pa, 8 * per_trip)
        b.add_imm(pb, pb, 8 * per_trip)
        b.add_imm(left, left, -1)
        b.cond_jump(left, "trip")
    total = _reduce(b, True, accs, _add, True, lambda t: 0)
    h = b.vector("h")
    _lane_sum(b, h, total, tree)
    b.store(b.constant(128), h)
    text = (f"{per_trip} vector pairs per trip of {trips}, {PRODUCTS[fused][0]}, "
            f"lanes by {'three shifted vadds' if tree else 'a chain of seven vadds'}")
    return _result("vectors/dot", b, pack, text, f"{per_trip}-per-trip", PRODUCTS[fused][1],
                   "shifted" if tree else "chain")


def _scan_vector(b: Builder, j: int, source: int, shifts: bool) -> int:
    """The running totals of the 8 words at `source`; returns the vector holding them.
    Every array has 8 words of zeros below the vector, so reading at an offset shifts."""
    if not shifts:
        for lane in range(1, 8):
            b.add(source + lane, source + lane, source + lane - 1)
        return source
    for step in (1, 2, 4):
        padded = b.array(f"s{step}_{j}", 16)
        b.vadd(padded + 8, source, source - step)
        source = padded + 8
    return source


def prefix_vectors(per_trip: int, shifts: bool, pack: bool) -> Generated:
    """Each vector totalled on its own, then the broadcast last total before it added."""
    b = Builder(machine_of("vectors/prefix-sum"))
    trips = 4 // per_trip
    last = b.vector("last")
    carry = b.vector("carry")
    if trips > 1:
        p, q, left = b.scalar("p"), b.scalar("q"), b.scalar("left")
        b.const(q, 32)
        b.const(left, trips)
        step = b.constant(8 * per_trip)
        one = b.constant(1)
        b.label("trip")
    for j in range(per_trip):
        z = b.array(f"z{j}", 16) + 8
        if trips > 1:
            xa, qa = p, q
            if j:
                xa, qa = b.scalar(f"xa{j}"), b.scalar(f"qa{j}")
                b.add(xa, p, b.constant(8 * j))
                b.add(qa, q, b.constant(8 * j))
        else:
            xa, qa = b.constant(8 * j), b.constant(32 + 8 * j)
        b.vload(z, xa)
        scanned = _scan_vector(b, j, z, shifts)
        b.vbroadcast(carry, last + 7)
        b.vadd(last, scanned, carry)
        b.vstore(qa, last)
    if trips > 1:
        b.add(p, p, step)
        b.add(q, q, step)
        b.sub(left, left, one)
        b.cond_jump(left, "trip")
    text = (f"{per_trip} vectors per trip of {trips}, each totalled by "
            f"{'shifted vadds' if shifts else 'an alu chain'}, then the carry broadcast")
    name = _name("vector", f"{per_trip}-per-trip", "shifts" if shifts else "alu-chain",
                 "" if pack else "serial")
    return "vectors/prefix-sum", name, builder_text(b, pack, text)


def prefix_words(per_trip: int, pack: bool) -> Generated:
    b = Builder(machine_of("vectors/prefix-sum"))
    p, total, left = b.scalar("p"), b.scalar("total"), b.scalar("left")
    b.const(left, 32 // per_trip)
    step, one, to = b.constant(per_trip), b.constant(1), b.constant(32)
    b.label("trip")
    for j in range(per_trip):
        x, s = b.scalar(f"x{j}"), b.scalar(f"s{j}")
        a = _offset(b, p, j, f"a{j}")
        b.load(x, a)
        b.add(total, total, x)
        b.add(s, a, to)
        b.store(s, total)
    b.add(p, p, step)
    b.sub(left, left, one)
    b.cond_jump(left, "trip")
    return ("vectors/prefix-sum", f"scalar-{per_trip}-per-trip{'' if pack else '-serial'}",
            builder_text(b, pack, f"{per_trip} words per trip of {32 // per_trip}"))


def prefix_doubling(arrays: int, pack: bool) -> Generated:
    """Five doubling steps over all 32 words, ping-ponging between `arrays` padded
    arrays of 48 words."""
    b = Builder(machine_of("vectors/prefix-sum"))
    w = [b.array(f"w{i}", 48) + 16 for i in range(arrays)]
    for v in range(4):
        b.vload(w[0] + 8 * v, b.constant(8 * v))
    for s in range(5):
        source, dest = w[s % arrays], w[(s + 1) % arrays]
        for v in range(4):
            b.vadd(dest + 8 * v, source + 8 * v, source + 8 * v - (1 << s))
    for v in range(4):
        b.vstore(b.constant(32 + 8 * v), w[5 % arrays] + 8 * v)
    return ("vectors/prefix-sum", f"doubling-{arrays}-arrays{'' if pack else '-serial'}",
            builder_text(b, pack, f"five doubling steps over {arrays} padded arrays"))


def _hash_rounds(b: Builder, vector: bool, variant: str, c: dict[str, int], ins: list[int],
                 out: int, temp: Temp) -> None:
    for round_ in range(4):
        _hash(b, vector, variant, c, ins, out if round_ == 3 else ins[0], temp)


def _table(b: Builder, vector: bool) -> dict[str, int]:
    """The four words of the table, and for the arithmetic the differences it adds."""
    words = [b.scalar(f"t{i}") for i in range(4)]
    for i, word in enumerate(words):
        b.load(word, b.constant(i))
    context = {f"t{i}": word for i, word in enumerate(words)}
    if not vector:
        return context
    d1, d2, d3 = b.scalar("d1"), b.scalar("d2"), b.scalar("d3")
    b.sub(d1, words[1], words[0])
    b.sub(d2, words[2], words[0])
    b.sub(d3, words[3], words[2])
    b.sub(d3, d3, d1)
    for name, word in (*context.items(), ("d1", d1), ("d2", d2), ("d3", d3)):
        context["v" + name] = b.vector("v" + name)
        b.vbroadcast(context["v" + name], word)
    context["one"] = b.vector_constant(1)
    return context


def _lookup(b: Builder, vector: bool, variant: str, c: dict[str, int], ins: list[int],
            out: int, temp: Temp) -> None:
    """A gather (the index is the word's address), arithmetic on the index's bits, or a
    choice by vselect."""
    index = ins[0]
    if not vector or variant == "gather":
        for lane in range(8 if vector else 1):
            b.load_offset(out, index, lane) if vector else b.load(out, index)
        return
    low, high = temp("low"), temp("high")
    b.vand(low, index, c["one"])
    b.vshr(high, index, c["one"])
    if variant == "vselect":
        pick = temp("pick")
        b.vselect(pick, low, c["vt1"], c["vt0"])
        b.vselect(out, low, c["vt3"], c["vt2"])
        b.vselect(out, high, out, pick)
        return
    both = temp("both")
    b.vmul(both, low, high)
    b.multiply_add(out, low, c["vd1"], c["vt0"])
    b.multiply_add(out, high, c["vd2"], out)
    b.multiply_add(out, both, c["vd3"], out)


def matmul(per_trip: int, fused: bool, shared: bool, pack: bool) -> Generated:
    """Row i of c as the rows of b scaled by broadcast words of a (from scratch in
    straight-line code, loaded word by word in a loop), `per_trip` rows a trip;
    `shared`: one broadcast vector per row of c instead of one per product."""
    b = Builder(machine_of("vectors/matmul"))
    b_rows = b.array("b", 64)
    for r in range(8):
        b.vload(b_rows + 8 * r, b.constant(64 + 8 * r))
    trips = 8 // per_trip
    if trips > 1:
        row, to, left = b.scalar("row"), b.scalar("to"), b.scalar("left")
        b.const(to, 128)
        b.const(left, trips)
        step = b.constant(8 * per_trip)
        offsets = [b.constant(k) for k in range(1, 8 * per_trip)]
        b.label("trip")
    else:
        a_rows = b.array("a", 64)
        for r in range(8):
            b.vload(a_rows + 8 * r, b.constant(8 * r))
    for j in range(per_trip):
        acc = b.vector(f"acc{j}")
        spreads = [b.vector(f"s{j}")] * 8 if shared else [b.vector(f"s{j}_{k}")
                                                          for k in range(8)]
        for k, spread in enumerate(spreads):
            if trips > 1:
                word, where = b.scalar(f"w{j}_{k}"), row
                if 8 * j + k:
                    where = b.scalar(f"p{j}_{k}")
                    b.add(where, row, offsets[8 * j + k - 1])
                b.load(word, where)
                b.vbroadcast(spread, word)
            else:
                b.vbroadcast(spread, a_rows + 8 * j + k)
            if k == 0:
                b.vmul(acc, spread, b_rows)
            elif fused:
                b.multiply_add(acc, spread, b_rows + 8 * k, acc)
            else:
                b.vmul(spread, spread, b_rows + 8 * k)
                b.vadd(acc, acc, spread)
        if trips > 1:
            where = to
            if j:
                where = b.scalar(f"to{j}")
                b.add(where, to, b.constant(8 * j))
            b.vstore(where, acc)
        else:
            b.vstore(b.constant(128 + 8 * j), acc)
    if trips > 1:
        b.add(row, row, step)
        b.add(to, to, step)
        b.sub(left, left, b.constant(1))
        b.cond_jump(left, "trip")
    text = (f"{per_trip} rows of c per trip of {trips}, {PRODUCTS[fused][0]}, "
            f"{'one broadcast vector per row' if shared else 'a broadcast vector per product'}")
    return _result("vectors/matmul", b, pack, text, f"{per_trip}-rows-per-trip",
                   PRODUCTS[fused][1], "shared" if shared else "")


def _odd_even_transposition() -> list[tuple[int, int]]:
    return [(i, i + 1) for p in range(8) for i in range(p % 2, 7, 2)]


def _bubble() -> list[tuple[int, int]]:
    return [(j, j + 1) for i in range(7) for j in range(7 - i)]


def _bitonic() -> list[tuple[int, int]]:
    """Bitonic merges; a pair (top, bottom) puts the smaller in `top`."""
    pairs = []
    k = 2
    while k <= 8:
        j = k // 2
        while j:
            for i in range(8):
                other = i ^ j
                if other > i:
                    pairs.append((i, other) if i & k == 0 else (other, i))
            j //= 2
        k *= 2
    return pairs


BATCHER = [(0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (1, 2), (5, 6),
           (0, 4), (1, 5), (2, 6), (3, 7), (2, 4), (3, 5), (1, 2), (3, 4), (5, 6)]
NETWORKS = {"transposition": _odd_even_transposition(), "bubble": _bubble(),
            "bitonic": _bitonic(), "batcher": BATCHER}


def sort_columns(network: str, exchange: str, pack: bool) -> Generated:
    """A sorting network on the eight rows, every compare-exchange writing fresh vectors:
    two vselects, valu masks, or one vselect and the larger as a ^ b ^ smaller."""
    b = Builder(machine_of("vectors/sort-columns"))
    rows = [b.vector(f"r{r}") for r in range(8)]
    zero = b.vector("zero")
    for r, row in enumerate(rows):
        b.vload(row, b.constant(8 * r))
    for n, (top, bottom) in enumerate(NETWORKS[network]):
        x, y = rows[top], rows[bottom]
        flag, low, high = b.vector(f"f{n}"), b.vector(f"lo{n}"), b.vector(f"hi{n}")
        b.vlt(flag, y, x)
        if exchange == "masks":
            diff = b.vector(f"d{n}")
            b.vsub(flag, zero, flag)
            b.vxor(diff, x, y)
            b.vand(diff, diff, flag)
            b.vxor(low, x, diff)
            b.vxor(high, y, diff)
        else:
            b.vselect(low, flag, y, x)
            if exchange == "vselect":
                b.vselect(high, flag, x, y)
            else:
                b.vxor(high, x, y)
                b.vxor(high, high, low)
        rows[top], rows[bottom] = low, high
    for r, row in enumerate(rows):
        b.vstore(b.constant(64 + 8 * r), row)
    return ("vectors/sort-columns", f"{network}-{exchange}{'' if pack else '-serial'}",
            builder_text(b, pack, f"the {network} network, {len(NETWORKS[network])} "
                                  f"compare-exchanges by {exchange}"))


def transpose_alu(pack: bool) -> Generated:
    b = Builder(machine_of("vectors/transpose"))
    m, out, zero = b.array("m", 64), b.array("t", 64), b.scalar("zero")
    for r in range(8):
        b.vload(m + 8 * r, b.constant(8 * r))
    for c, r in product(range(8), range(8)):
        b.add(out + 8 * c + r, m + 8 * r + c, zero)
    for c in range(8):
        b.vstore(b.constant(64 + 8 * c), out + 8 * c)
    return ("vectors/transpose", f"alu-copies{'' if pack else '-serial'}",
            builder_text(b, pack, "rows loaded, 64 alu copies, rows stored"))


def transpose_rows(per_trip: int, vector: bool, pack: bool) -> Generated:
    """`per_trip` rows a trip, each read as a vector (or word by word) and stored down a
    column, word by word."""
    b = Builder(machine_of("vectors/transpose"))
    p, q, left = b.scalar("p"), b.scalar("q"), b.scalar("left")
    b.const(q, 64)
    b.const(left, 8 // per_trip)
    step, one = b.constant(8 * per_trip), b.constant(1)
    offsets = {k: b.constant(k) for k in range(1, 8 * per_trip)}
    steps = {k: b.constant(k) for k in range(1, per_trip + 1)}
    down = {c: b.constant(8 * c) for c in range(1, 8)}
    b.label("trip")
    for j in range(per_trip):
        row = b.vector(f"row{j}")
        start, column = p, q
        if j:
            start, column = b.scalar(f"p{j}"), b.scalar(f"q{j}")
            b.add(start, p, offsets[8 * j])
            b.add(column, q, steps[j])
        if vector:
            b.vload(row, start)
        for c in range(8):
            source = start
            if c:
                source = b.scalar(f"s{j}_{c}")
                b.add(source, start, offsets[c])
            if not vector:
                b.load(row + c, source)
            where = column
            if c:
                where = b.scalar(f"d{j}_{c}")
                b.add(where, column, down[c])
            b.store(where, row + c)
    b.add(p, p, step)
    b.add(q, q, steps[per_trip])
    b.sub(left, left, one)
    b.cond_jump(left, "trip")
    kind = "vloads" if vector else "loads"
    return ("vectors/transpose",
            f"rows-{per_trip}-per-trip-{kind}{'' if pack else '-serial'}",
            builder_text(b, pack, f"{per_trip} rows per trip by {kind}, stored down columns"))


def transpose_gather(per_trip: int, pack: bool) -> Generated:
    """A column gathered by eight load_offsets from a vector of its addresses."""
    b = Builder(machine_of("vectors/transpose"))
    base = b.vector("base")
    for r in range(8):
        b.const(base + r, 8 * r)
    trips = 8 // per_trip
    column, to, left = b.scalar("column"), b.scalar("to"), b.scalar("left")
    b.const(to, 64)
    b.const(left, trips)
    one, step = b.constant(1), b.constant(per_trip)
    spread = b.vector("spread")
    b.label("trip")
    for j in range(per_trip):
        where, got = b.vector(f"a{j}"), b.vector(f"col{j}")
        b.vbroadcast(spread, _offset(b, column, j, f"to{j}"))
        b.vadd(where, base, spread)
        for lane in range(8):
            b.load_offset(got, where, lane)
        target = to
        if j:
            target = b.scalar(f"t{j}")
            b.add(target, to, b.constant(8 * j))
        b.vstore(target, got)
    b.add(column, column, step)
    b.add(to, to, b.constant(8 * per_trip))
    b.sub(left, left, one)
    b.cond_jump(left, "trip")
    return ("vectors/transpose", f"gather-{per_trip}-per-trip{'' if pack else '-serial'}",
            builder_text(b, pack, f"{per_trip} columns gathered per trip of {trips}"))


def histogram(buffers: int, temps: int, shifted: bool, pack: bool) -> Generated:
    """Bin by bin: veq of every vector with the broadcast bin, added up in a vector, its
    lanes summed; `buffers` input vectors held (8: loaded once, else reloaded per bin)."""
    b = Builder(machine_of("vectors/histogram"))
    held = [b.vector(f"v{i}") for i in range(buffers)]
    flags = [b.vector(f"f{i}") for i in range(temps)]
    acc, h, spread, bin_ = b.vector("acc"), b.vector("h"), b.vector("bin"), b.scalar("b")
    if buffers == 8:
        for v, vector in enumerate(held):
            b.vload(vector, b.constant(8 * v))
    for value in range(8):
        b.const(bin_, value)
        b.vbroadcast(spread, bin_)
        for v in range(8):
            vector = held[v % buffers]
            if buffers < 8:
                b.vload(vector, b.constant(8 * v))
            if v == 0:
                b.veq(acc, vector, spread)
                continue
            flag = flags[v % temps]
            b.veq(flag, vector, spread)
            b.vadd(acc, acc, flag)
        _lane_sum(b, h, acc, shifted)
        b.store(b.constant(64 + value), h)
    text = (f"{buffers} input vectors held, {temps} comparison vectors, lanes summed by "
            f"{'shifted vadds' if shifted else 'a chain of vadds'}")
    return ("vectors/histogram",
            f"bins-{buffers}-held-{temps}-flags-{'shifted' if shifted else 'chain'}"
            + ("" if pack else "-serial"), builder_text(b, pack, text))


def generate() -> list[Generated]:
    return [
        *reductions("vectors/sum", {"add": _add}),
        *reductions("vectors/max", {"select max": _max_select, "masks max": _max_masks}),
        *(dot(*choice) for choice in product((1, 2, 4, 8), (True, False), (True, False),
                                             PACKINGS)),
        *(prefix_vectors(*choice) for choice in product((1, 2, 4), (True, False), PACKINGS)),
        *(prefix_words(*choice) for choice in product((1, 2, 4, 8), PACKINGS)),
        *(prefix_doubling(*choice) for choice in product((2, 3, 6), PACKINGS)),
        *(matmul(*choice) for choice in product((1, 2, 4, 8), (True, False), (True, False),
                                                PACKINGS)),
        *(sort_columns(*choice) for choice in product(NETWORKS, ("vselect", "masks", "mixed"),
                                                      PACKINGS)),
        *(transpose_alu(pack) for pack in PACKINGS),
        *(transpose_rows(*choice) for choice in product((1, 2, 4), (True, False), PACKINGS)),
        *(transpose_gather(*choice) for choice in product((1, 2, 4), PACKINGS)),
        *(histogram(*choice) for choice in product((1, 2, 4, 8), (1, 2, 3), (True, False),
                                                   PACKINGS)),
        *(elementwise(Map("vectors/hash-rounds", 64, (0,), 64, _no_setup, _hash_rounds), shape)
          for shape in shapes(64, (1, 2), (1, 2, 4, 8), ("", "fused"))),
        *(elementwise(Map("vectors/lookup", 64, (4,), 68, _table, _lookup), shape)
          for shape in shapes(64, (1, 2, 4), (1, 2, 8), ("gather", "arithmetic", "vselect"))),
    ]
