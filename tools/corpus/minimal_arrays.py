"""Corpus of the minimal-arrays pack: instruction counts set by how far loops are unrolled.

Every puzzle walks an array word by word. Each generator writes the walk with
`k` words per trip of its loop (all of them: straight-line code, no loop at
all), ends a trip either by a counter of trips left or by a test on the
pointer itself, and is packed into bundles or one slot per bundle; each puzzle
has two algorithms besides (branchy or branchless, a sentinel or a bound, and
so on). The machines have 8 scratch words, so every program names its words
by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from machine.builder import Builder
from tools.corpus.common import Generated, builder_text, machine_of

Body = Callable[[int], None]
"""Writes the work for one word; given its place in the trip (for unique labels)."""
Test = Callable[[], int]
"""Writes the end-of-trip test; returns the word that is nonzero while trips remain."""
TESTS = ("count", "test")


def _start(puzzle: str, names: str) -> tuple[Builder, list[int]]:
    b = Builder(machine_of(f"minimal-arrays/{puzzle}"))
    return b, [b.scalar(name) for name in names.split()]


def _loop(b: Builder, label: str, words: int, k: int, body: Body, left: int | None,
          test: Test | None) -> None:
    """`words` bodies, `k` per trip; the trip ends by counting `left` down, or by `test`."""
    trips = words // k
    if trips > 1 and left is not None:
        b.const(left, trips)
    if trips > 1:
        b.label(label)
    for j in range(k):
        body(j)
    if trips > 1 and left is not None:
        b.add_imm(left, left, -1)
        b.cond_jump(left, label)
    elif trips > 1 and test is not None:
        b.cond_jump(test(), label)


def _done(puzzle: str, name: str, b: Builder, pack: bool, corpus: str) -> Generated:
    return (f"minimal-arrays/{puzzle}", name + ("" if pack else "-serial"),
            builder_text(b, pack, corpus))


def _store_pair(b: Builder, at: int, first: int, second: int) -> None:
    """The two answers, at the address the pointer ends on (just past the words) and the next."""
    b.store(at, first)
    b.add_imm(at, at, 1)
    b.store(at, second)


def _how(k: int, words: int, ends: str) -> str:
    return "straight line" if k == words else f"{k} per trip, trips ended by {ends}"


def reverse(mirror: bool, k: int, ends: str, pack: bool) -> Generated:
    """Two pointers, one up the words and one down the copy (ended by the pointers crossing),
    or one index and its mirror 31 - i (ended by comparing the index with 16)."""
    b, (p, q, x, left, last, more) = _start("reverse", "p q x left last more")
    b.const(last if mirror else q, 31)
    if mirror and ends == "test":
        b.const(left, 16)

    def body(j: int) -> None:
        b.load(x, p)
        if mirror:
            b.sub(q, last, p)
        b.store(q, x)
        b.add_imm(p, p, 1)
        if not mirror:
            b.add_imm(q, q, -1)

    def test() -> int:
        b.lt(more, p, left if mirror else q)
        return more

    _loop(b, "copy", 16, k, body, left if ends == "count" else None, test)
    way = "index and its mirror" if mirror else "two pointers"
    return _done("reverse", f"{'mirror' if mirror else 'pointers'}-{k}-{ends}", b, pack,
                 f"{way}, {_how(k, 16, ends)}")


def runner_up(branchless: bool, k: int, ends: str, pack: bool) -> Generated:
    """The best two so far, by selects (the loser of max(first, x) competes for second) or
    by branches; the pointer ends at 16, the podium's address."""
    b, (p, x, first, second, loser, beats, left, end) = _start(
        "runner-up", "p x first second loser beats left end")
    if ends == "test":
        b.const(end, 16)

    def body(j: int) -> None:
        b.load(x, p)
        b.add_imm(p, p, 1)
        b.lt(beats, first, x)
        if branchless:
            b.select(loser, beats, first, x)
            b.select(first, beats, x, first)
            b.lt(beats, second, loser)
            b.select(second, beats, loser, second)
            return
        b.cond_jump(beats, f"first{j}")
        b.lt(beats, second, x)
        b.select(second, beats, x, second)
        b.jump(f"next{j}")
        b.label(f"first{j}")
        b.add_imm(second, first, 0)
        b.add_imm(first, x, 0)
        b.label(f"next{j}")

    def test() -> int:
        b.lt(loser if branchless else left, p, end)
        return loser if branchless else left

    _loop(b, "look", 16, k, body, left if ends == "count" else None, test)
    _store_pair(b, p, first, second)
    way = "selects" if branchless else "branches"
    return _done("runner-up", f"{'select' if branchless else 'branch'}-{k}-{ends}", b, pack,
                 f"best two by {way}, {_how(k, 16, ends)}")


def find(sentinel: bool, k: int, keys: int, pack: bool) -> Generated:
    """Each key's scan stops at a copy of the key put at address 32 (a sentinel), or at the
    bound 32, tested once a trip; `k` words per trip of the scan, `keys` keys per trip of the
    key loop."""
    b, (kp, key, i, x, t, left, end) = _start("find", "kp key i x t left end")
    b.const(kp, 32)
    if not sentinel:
        b.const(end, 32)

    def one_key(c: int) -> None:
        b.load(key, kp)
        if sentinel:
            b.const(t, 32)
            b.store(t, key)
        b.const(i, -1 if sentinel else 0)
        b.label(f"scan{c}")
        for _ in range(k):
            if sentinel:
                b.add_imm(i, i, 1)
            b.load(x, i)
            b.eq(x, x, key)
            b.cond_jump(x, f"found{c}")
            if not sentinel:
                b.add_imm(i, i, 1)
        if sentinel:
            b.jump(f"scan{c}")
        else:
            b.lt(x, i, end)
            b.cond_jump(x, f"scan{c}")
        b.label(f"found{c}")
        b.add_imm(t, kp, 4)
        b.store(t, i)
        b.add_imm(kp, kp, 1)

    _loop(b, "next_key", 4, keys, one_key, left, None)
    way = "a sentinel at 32" if sentinel else "the bound 32"
    return _done("find", f"{'sentinel' if sentinel else 'bound'}-{k}-keys-{keys}", b, pack,
                 f"scan to {way}, {k} words per trip, {keys} keys per trip")


def histogram(indexed: bool, k: int, ends: str, pack: bool) -> Generated:
    """One pass in which each word is the address of its own counter, from the last word
    down; or a pass over all the words for each value 0..7."""
    b, (p, x, count, stop, more, left, value) = _start(
        "histogram", "p x count stop more left value")
    if indexed:
        b.const(p, 39)
        if ends == "test":
            b.const(stop, 7)

        def tally(j: int) -> None:
            b.load(x, p)
            b.load(count, x)
            b.add_imm(count, count, 1)
            b.store(x, count)
            b.add_imm(p, p, -1)

        def down() -> int:
            b.sub(more, p, stop)
            return more

        _loop(b, "tally", 32, k, tally, left if ends == "count" else None, down)
        return _done("histogram", f"indexed-{k}-{ends}", b, pack,
                     f"each word addresses its counter, {_how(k, 32, ends)}")
    b.const(stop, 40)
    b.label("each_value")
    b.const(p, 8)
    b.const(count, 0)

    def scan(j: int) -> None:
        b.load(x, p)
        b.eq(more, x, value)
        b.add(count, count, more)
        b.add_imm(p, p, 1)

    def up() -> int:
        b.lt(more, p, stop)
        return more

    _loop(b, "scan", 32, k, scan, left if ends == "count" else None, up)
    b.store(value, count)
    b.add_imm(value, value, 1)
    b.const(more, 8)
    b.lt(more, value, more)
    b.cond_jump(more, "each_value")
    return _done("histogram", f"per-value-{k}-{ends}", b, pack,
                 f"a pass per value, {_how(k, 32, ends)}")


def filter_odd(branchless: bool, k: int, ends: str, pack: bool) -> Generated:
    """Store every word at the next free place and move the place on by the word's low bit
    (one store of 0 cleans up after the last word), or store only the odd words."""
    b, (p, q, x, odd, one, left, end, zero) = _start("filter", "p q x odd one left end zero")
    b.const(p, 32)
    b.const(one, 1)
    if ends == "test":
        b.const(end, 64)

    def body(j: int) -> None:
        b.load(x, p)
        b.add_imm(p, p, 1)
        if branchless:
            b.store(q, x)
            b.and_(odd, x, one)
            b.add(q, q, odd)
            return
        b.and_(odd, x, one)
        b.cond_jump(odd, f"keep{j}")
        b.jump(f"next{j}")
        b.label(f"keep{j}")
        b.store(q, x)
        b.add_imm(q, q, 1)
        b.label(f"next{j}")

    def test() -> int:
        b.sub(odd, end, p)
        return odd

    _loop(b, "look", 32, k, body, left if ends == "count" else None, test)
    if branchless:
        b.store(q, zero)
    way = "store always, step by the low bit" if branchless else "store the odd words"
    return _done("filter", f"{'branchless' if branchless else 'branch'}-{k}-{ends}", b, pack,
                 f"{way}, {_how(k, 32, ends)}")


def sort(down: bool, k: int, m: int, pack: bool) -> Generated:
    """Fifteen full passes, each carrying the smallest word down to address 0 or the largest
    up to 15 and leaving the other of each pair behind; `k` steps per trip of a pass, `m`
    passes per trip of the pass loop."""
    b, (passes, i, j, carried, x, other, f, end) = _start(
        "sort", "passes i j carried x other f end")
    if not down:
        b.const(end, 15)

    def one_pass(c: int) -> None:
        b.const(i, 15 if down else 0)
        b.load(carried, i)
        if k < 15:
            b.label(f"step{c}")
        for _ in range(k):
            b.add_imm(j, i, -1 if down else 1)
            b.load(x, j)
            b.lt(f, x, carried)
            b.select(other, f, carried if down else x, x if down else carried)
            b.select(carried, f, x if down else carried, carried if down else x)
            b.store(i, other)
            b.add_imm(i, j, 0)
        if k < 15 and down:
            b.cond_jump(j, f"step{c}")
        elif k < 15:
            b.sub(f, end, j)
            b.cond_jump(f, f"step{c}")
        b.store(end, carried)

    _loop(b, "pass", 15, m, one_pass, passes, None)
    way = "smallest carried down" if down else "largest carried up"
    return _done("sort", f"{'down' if down else 'up'}-{k}-passes-{m}", b, pack,
                 f"{way}, {k} steps per trip, {m} passes per trip")


def brackets(fall_through: bool, k: int, ends: str, pack: bool) -> Generated:
    """Count the brackets still open, each `)` with none open a stray: by three branches
    that jump past each other, or into one chain of increments at different points."""
    b, (p, x, open_, stray, f, end, left) = _start("brackets", "p x open stray f end left")
    if ends == "test":
        b.const(end, 32)

    def body(j: int) -> None:
        b.load(x, p)
        b.add_imm(p, p, 1)
        b.cond_jump(x, f"opening{j}")
        b.cond_jump(open_, f"closing{j}")
        b.add_imm(stray, stray, 1)
        if fall_through:
            b.add_imm(open_, open_, 1)
        else:
            b.jump(f"next{j}")
        b.label(f"closing{j}")
        b.add_imm(open_, open_, -2 if fall_through else -1)
        if not fall_through:
            b.jump(f"next{j}")
        b.label(f"opening{j}")
        b.add_imm(open_, open_, 1)
        if not fall_through:
            b.label(f"next{j}")

    def test() -> int:
        b.lt(f, p, end)
        return f

    _loop(b, "look", 32, k, body, left if ends == "count" else None, test)
    _store_pair(b, p, stray, open_)
    way = "a chain of increments" if fall_through else "three branches"
    return _done("brackets", f"{'chain' if fall_through else 'branch'}-{k}-{ends}", b, pack,
                 f"{way}, {_how(k, 32, ends)}")


def _walks(write: Callable[[bool, int, str, bool], Generated], sizes: tuple[int, ...],
           words: int) -> list[Generated]:
    """Both algorithms, every unroll, both trip ends (one straight line), packed or not."""
    return [write(algorithm, k, ends, pack)
            for algorithm, k, ends, pack in product((False, True), sizes, TESTS, (True, False))
            if k < words or ends == TESTS[0]]


def generate() -> list[Generated]:
    programs = _walks(reverse, (1, 2, 4, 8, 16), 16)
    programs += _walks(runner_up, (1, 2, 4, 8, 16), 16)
    programs += _walks(histogram, (1, 2, 4, 8, 32), 32)
    programs += _walks(filter_odd, (1, 2, 4, 8, 32), 32)
    programs += _walks(brackets, (1, 2, 4, 8, 32), 32)
    programs += [find(sentinel, k, keys, pack) for sentinel, k, keys, pack
                 in product((True, False), (1, 2, 4, 8), (1, 4), (True, False))]
    programs += [sort(down, k, m, pack) for down, k, m, pack
                 in product((True, False), (1, 3, 5, 15), (1, 3), (True, False))]
    return programs
