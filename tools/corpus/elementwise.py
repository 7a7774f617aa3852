"""Word-by-word puzzles: the same work on every word of an array, in many shapes.

`elementwise` writes a program that goes over `n` words `width` at a time
(1: scalar slots, 8: vector slots), `per_trip` chunks per trip of a loop (a
single trip is straight-line code), advancing the loop's pointers with the alu
or with the flow engine's `add_imm`, packed into bundles or one slot per
bundle. A puzzle gives what happens to one chunk (`Op`) and what is made once
before the loop (`Setup`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from machine.builder import Builder
from tools.corpus.common import Generated, builder_text, machine_of

Temp = Callable[[str], int]
"""A scratch word (or vector, in vector code) of the chunk being written, by name."""
Setup = Callable[[Builder, bool], dict[str, int]]
Op = Callable[[Builder, bool, str, dict[str, int], list[int], int, Temp], None]
"""(builder, vector?, the shape's variant, what setup made, the chunk's inputs, its output,
its temporaries)."""


@dataclass(frozen=True)
class Map:
    puzzle: str
    n: int
    sources: tuple[int, ...]
    """Memory address of the first word of each input array."""
    dest: int
    setup: Setup
    op: Op


@dataclass(frozen=True)
class Shape:
    width: int
    per_trip: int
    flow_pointers: bool = False
    pack: bool = True
    variant: str = ""
    """A puzzle's own choice of algorithm, passed to its op."""

    @property
    def name(self) -> str:
        kind = "vector" if self.width > 1 else "scalar"
        parts = [kind, f"{self.per_trip}-per-trip", self.variant,
                 "flow-pointers" if self.flow_pointers else "", "" if self.pack else "serial"]
        return "-".join(p for p in parts if p)


def elementwise(job: Map, shape: Shape) -> Generated:
    b = Builder(machine_of(job.puzzle))
    vector = shape.width > 1
    context = job.setup(b, vector)
    chunk = shape.width * shape.per_trip
    trips = job.n // chunk
    bases = tuple(dict.fromkeys((*job.sources, job.dest)))
    if trips > 1:
        pointers = {base: b.scalar(f"p{base}") for base in bases}
        for base, pointer in pointers.items():
            b.const(pointer, base)
        left = b.scalar("left")
        b.const(left, trips)
        one, step = b.constant(1), b.constant(chunk)
        offsets = {j: b.constant(j * shape.width) for j in range(1, shape.per_trip)}
        b.label("trip")
    for j in range(shape.per_trip):
        def make(kind: str, j: int = j) -> int:
            return b.vector(f"{kind}_{j}") if vector else b.scalar(f"{kind}_{j}")

        def address(base: int, j: int = j) -> int:
            if trips == 1:
                return b.constant(base + j * shape.width)
            if j == 0:
                return pointers[base]
            word = b.scalar(f"a{base}_{j}")
            b.add(word, pointers[base], offsets[j])
            return word

        addresses = {base: address(base) for base in bases}
        ins = [make(f"in{i}") for i in range(len(job.sources))]
        for word, base in zip(ins, job.sources, strict=True):
            (b.vload if vector else b.load)(word, addresses[base])
        out = make("out")
        temps: dict[str, int] = {}

        def temp(name: str, temps: dict[str, int] = temps) -> int:
            if name not in temps:
                temps[name] = make(name)
            return temps[name]

        job.op(b, vector, shape.variant, context, ins, out, temp)
        (b.vstore if vector else b.store)(addresses[job.dest], out)
    if trips > 1:
        for pointer in pointers.values():
            if shape.flow_pointers:
                b.add_imm(pointer, pointer, chunk)
            else:
                b.add(pointer, pointer, step)
        b.sub(left, left, one)
        b.cond_jump(left, "trip")
    how = (f"{'vectors' if vector else 'one word at a time'}, {shape.per_trip} per trip "
           f"of {trips}" + (f", {shape.variant}" if shape.variant else "")
           + (", pointers by add_imm" if shape.flow_pointers else ""))
    return job.puzzle, shape.name, builder_text(b, shape.pack, how)


def shapes(n: int, scalar: tuple[int, ...], vector: tuple[int, ...],
           variants: tuple[str, ...] = ("",)) -> list[Shape]:
    """Every unroll factor given, each packed and not; loops also with flow pointers."""
    found = []
    for width, unrolls in ((1, scalar), (8, vector)):
        for per_trip in unrolls:
            looped = n // (width * per_trip) > 1
            for variant in variants:
                for flow in (False, True) if looped else (False,):
                    for pack in (True, False):
                        found.append(Shape(width, per_trip, flow, pack, variant))
    return found
