"""Compiling bundles into steps over a batch's arrays, honouring "all reads, then all
writes".

The reference simulator buffers every write of a bundle. The engine writes in
place instead, which is what makes it fast, and orders the work of a bundle in
three phases so that in-place writing changes nothing:

1. checks: everything that reads memory, may fault or decides the next pc.
   These read the state from before the bundle and write none of it (loaded
   words land in buffers, store addresses in index buffers), so a fault found
   here leaves every seed exactly as it was before the bundle.
2. compute: every other slot, in slot order, in place, so that of two slots
   writing one word the later wins, as the spec says. A slot that reads a word
   an earlier slot of the same bundle wrote reads a shadow copy instead (rows
   past the end of scratch), taken in phase 1.
3. stores: memory writes in slot order (their values shadowed if phase 2
   overwrote them), after every load of the bundle has read memory.

Adjacent scalar loads of consecutive words into consecutive words (a vector's
lanes gathered one `load_offset` at a time) become one gather and one commit,
and a bundle's last load gathers straight into scratch, as the last step of
phase 1, when no slot of the bundle could tell the difference. Likewise a strip,
consecutive slots of one plain operation whose operands all advance by their
width (a vector's lanes computed one alu slot at a time, adjacent vectors),
becomes one ufunc call over all its rows.

At a few seeds a step costs its Python and numpy call overheads, not its
arithmetic, so fewer steps is what makes the engine fast there; a bundle's
steps are compiled once per distinct bundle object, and once per distinct
content when a sample of the program shows that bundles repeat.

Each slot's steps come from its operation's batched form (machine.engine.forms,
registered by op table entry); what the table says of every operation alike
(whether it redirects the pc, which operand it divides by) is read from the
table here. Steps are built from validated integers only; no program text is
ever executed. (Copies are `view[...] = words`, which numpy
dispatches faster than np.copyto.)
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

import numpy as np

from machine.engine.forms import FORMS, Compile, Form
from machine.engine.steps import Batch, Control, Step, branch, decide, nonzero
from machine.isa import OPS, Engine, OpSpec
from machine.program import Bundle, Program

REPEAT_SAMPLE = 128
"""Bundles looked at to judge whether a program repeats its bundles."""
GATHER_STEPS = 4
"""Steps of one gather (see BundleCompiler.gather)."""
FLAT_BLOCK = 64
"""Blocks of at most this many bundles run as one flat list of steps (`Compiler.flat`);
longer ones (an unrolled kernel is one block of thousands) are not worth a second copy."""


_DEBUG, _VALU = Engine.DEBUG, Engine.VALU


class Unsupported(Exception):
    """An operation the engine has no batched form of: run on the reference instead."""


class Batched(NamedTuple):
    """An operation as the engine compiles it: its form's parts (one of ufunc, gather and
    steps is set, see `Form`), and the op table's facts the engine reads for every
    operation alike."""

    ufunc: np.ufunc | None
    gather: Callable[[tuple[int, ...]], tuple[int, int]] | None
    steps: Compile | None
    divisor: int | None
    """The operand checked for zero words before the slot runs (it divides)."""
    relative: bool
    """Its steps depend on its pc (a relative jump)."""

    @classmethod
    def of(cls, spec: OpSpec, form: Form) -> Batched:
        return cls(form.ufunc, form.gather, form.steps, spec.divisor, spec.relative is not None)


@dataclass(frozen=True)
class Operations:
    """The op table as this run of the engine reads it, by engine and take-home name
    (made from the table for each program, so that every operation in it counts)."""

    batched: dict[Engine, dict[str, Batched]]
    redirecting: dict[Engine, frozenset[str]]
    """Operations after which the next pc may not be pc + 1 (`Control.redirects`)."""
    unbatched: dict[Engine, frozenset[str]]
    """Operations without a batched form (none, while the engine keeps up with the table):
    only then does a program's every slot need looking at."""
    most_reads: int
    """Scratch operands one slot reads, at most (3: multiply_add and select): each may
    need a shadow copy."""

    @classmethod
    def of_table(cls) -> Operations:
        batched: dict[Engine, dict[str, Batched]] = {}
        redirecting: dict[Engine, frozenset[str]] = {}
        unbatched: dict[Engine, frozenset[str]] = {}
        most_reads = 0
        for engine, specs in OPS.by_engine.items():
            if engine is _DEBUG:
                continue
            batched[engine] = {name: Batched.of(spec, FORMS[spec])
                               for name, spec in specs.items() if spec in FORMS}
            if names := frozenset(name for name, spec in specs.items()
                                  if spec.control.redirects):
                redirecting[engine] = names
            if names := frozenset(specs.keys() - batched[engine].keys()):
                unbatched[engine] = names
            most_reads = max([most_reads, *(
                sum(not written for _, _, written in spec.shape.scratch)
                for spec in specs.values())])
        return cls(batched, redirecting, unbatched, most_reads)


@dataclass(frozen=True)
class Shape:
    """What the engine needs to know of a whole program before running it."""

    bundles: tuple[Bundle, ...]
    counted: tuple[bool, ...]
    """Whether each bundle costs a cycle."""
    ends_block: tuple[bool, ...]
    """Whether each bundle has a control slot (the next pc may not be pc + 1)."""
    shadow_rows: int
    """Rows past the scratch that bundles may need for shadow copies, at most."""
    repeats: bool
    """Whether equal bundles recur (so that compiled bundles are worth looking up)."""
    operations: Operations
    blocks: dict[int, Block] = field(default_factory=dict, compare=False)
    """The straight-line blocks met so far, by first pc: they depend on the program alone,
    and a shape serves every run of it (the program keeps it, `Program.memo`)."""


def shape_of(program: Program, vlen: int) -> Shape:
    """The shape of a valid program; Unsupported if it uses an operation without a
    batched form."""
    operations = Operations.of_table()
    redirecting, unbatched = operations.redirecting, operations.unbatched
    # While the table's redirecting operations are all of one engine (flow), one identity
    # test per engine finds them: this loop sees every bundle of the program.
    alone, alone_names = next(iter(redirecting.items())) if len(redirecting) == 1 else (None, None)
    # Worked out once per distinct bundle object, then spread over the program by index:
    # a take-home export repeats 50,000 objects over 197,000 bundles.
    costs_of: list[bool] = []
    control_of: list[bool] = []
    widest = 0
    for bundle, _ in program.bundle_uses:
        costs = control = False
        slots_here = 0
        for engine, slots in bundle.groups:
            if engine is _DEBUG:
                continue
            costs = True
            slots_here += len(slots)
            if engine is alone:
                control = control or any(slot.name in alone_names for slot in slots)
            elif alone is None and engine in redirecting:
                names = redirecting[engine]
                control = control or any(slot.name in names for slot in slots)
            if unbatched and (names := unbatched.get(engine)) is not None:
                for slot in slots:
                    if slot.name in names:
                        raise Unsupported(f"{engine} operation {slot.name!r}")
        costs_of.append(costs)
        control_of.append(control)
        if slots_here > widest:
            widest = slots_here
    order = program.bundle_order
    return Shape(program.bundles, tuple(map(costs_of.__getitem__, order)),
                 tuple(map(control_of.__getitem__, order)),
                 widest * operations.most_reads * vlen, _repeats(program.bundles), operations)


BundleKey = tuple[object, ...]


def bundle_key(bundle: Bundle) -> BundleKey:
    """Equal for bundles with equal slots; plain tuples hash and compare far faster than
    Bundles do. The key is flat, each engine (by identity) followed by the names and
    operands of its slots, since a tuple per slot costs more to build than the lookup
    saves on an unrolled kernel. It reads back one way only (an engine is an int, a name
    a str, operands a tuple), so equal keys mean equal slots."""
    key: list[object] = []
    for engine, slots in bundle.groups:
        if engine is not _DEBUG:
            key.append(id(engine))
            for slot in slots:
                key.append(slot.name)
                key.append(slot.args)
    return tuple(key)


def _repeats(bundles: tuple[Bundle, ...]) -> bool:
    """Whether a sample of bundles spread over the whole program has many equal ones
    (the take-home's scalar starter: its first few hundred bundles are all different,
    then it repeats a few dozen kinds 150,000 times; a packed kernel never repeats)."""
    sample = bundles[::max(1, len(bundles) // REPEAT_SAMPLE)]
    return len(set(map(bundle_key, sample))) < 0.75 * len(sample)


@dataclass(frozen=True)
class Block:
    """A straight run of bundles from `start`, ending after the first bundle with a
    control slot, or at the end of the program."""

    start: int
    end: int
    """The pc after the block: where it falls through to."""
    counted_before: tuple[int, ...]
    """counted_before[p]: counted bundles before position p (length size + 1)."""
    has_control: bool

    @property
    def size(self) -> int:
        return self.end - self.start

    def position_after(self, first: int, cycles: int) -> int:
        """The position of the counted bundle that starts `cycles` cycles after position
        `first` does (where a cycle limit strikes), or `size` if the block ends first."""
        # counted_before steps up by one just after each counted bundle.
        return bisect_left(self.counted_before, self.counted_before[first] + cycles + 1) - 1


Flat = tuple[Block, list[Step] | None, list[int] | None]
"""A block, its steps in one list, and the position of each step's bundle in the block."""


def make_block(shape: Shape, start: int) -> Block:
    # Both at C speed: an unrolled take-home kernel is one block of 200,000 bundles.
    try:
        end = shape.ends_block.index(True, start) + 1
    except ValueError:
        end = len(shape.bundles)
    counted = tuple(accumulate(shape.counted[start:end], initial=0))  # ints, not bools
    return Block(start, end, counted, end > start and shape.ends_block[end - 1])


_NO_STEPS: list[Step] = []
"""The steps of a bundle that costs no cycle (empty, or of debug slots alone), one list
for them all (never changed, as no bundle's steps are: repeated bundles share theirs): a
program of ten million such bundles made as many empty lists, 0.6 GB."""


class Compiler:
    """Compiles bundles into steps over one batch's arrays. Bundles with the same
    slots share their steps: programs repeat themselves a lot (the take-home's scalar
    starter is 150,000 single-slot bundles of under a thousand kinds; unrolled
    kernels repeat their rounds)."""

    def __init__(self, batch: Batch, shape: Shape, scratch_size: int):
        self.batch = batch
        self.shape = shape
        self.scratch_size = scratch_size
        self.length = len(shape.bundles)
        self._bundles: dict[BundleKey, list[Step]] = {}
        self._blocks: dict[int, list[list[Step]]] = {}
        self.flats: dict[int, Flat] = {}
        """Each block's `flat` steps, by its first pc."""
        self._by_object: dict[int, list[Step]] = {}

    def flat(self, block: Block) -> Flat:
        """The steps of a short block in one list, and the position in the block of each
        step's bundle (None for a block longer than FLAT_BLOCK): a loop runs its blocks
        millions of times, and one flat pass over their steps costs less Python than a pass
        per bundle."""
        found = self.flats.get(block.start)
        if found is None:
            if block.size > FLAT_BLOCK:
                found = (block, None, None)
            else:
                bundles = self.block(block)
                found = (block, [step for steps in bundles for step in steps],
                         [position for position, steps in enumerate(bundles) for _ in steps])
            self.flats[block.start] = found
        return found

    def block(self, block: Block) -> list[list[Step]]:
        """The steps of each bundle of the block."""
        found = self._blocks.get(block.start)
        if found is None:
            start, end = block.start, block.end
            shape = self.shape
            # The parser shares the Bundle of a repeated line: the same object, the same
            # steps, looked up here rather than in a call of _bundle for each (a take-home
            # kernel repeats 800 objects 150,000 times).
            known = self._by_object.get
            found = self._blocks[start] = []
            add = found.append
            for pc, bundle, costs in zip(range(start, end), shape.bundles[start:end],
                                         shape.counted[start:end], strict=True):
                if not costs:
                    add(_NO_STEPS)
                    continue
                steps = known(id(bundle))
                add(steps if steps is not None else self._bundle(bundle, pc))
        return found

    def _bundle(self, bundle: Bundle, pc: int) -> list[Step]:
        """The steps of a bundle object not met before (`block` looks those up)."""
        key = None
        if self.shape.repeats:  # equal bundles that are different objects
            key = bundle_key(bundle)
            steps = self._bundles.get(key)
            if steps is not None:
                self._by_object[id(bundle)] = steps
                return steps
        compiler = BundleCompiler(self, pc)
        steps = compiler.compile(bundle)
        # A relative jump's target depends on its pc: such bundles are not shared.
        if not compiler.relative:
            self._by_object[id(bundle)] = steps
            if key is not None:
                self._bundles[key] = steps
        return steps


class BundleCompiler:
    """One bundle's three phases, with the words phase 2 has written so far: what a
    form (machine.engine.forms) adds its steps to."""

    def __init__(self, compiler: Compiler, pc: int):
        batch = compiler.batch
        self.operations = compiler.shape.operations.batched
        self.batch = batch
        self.rows = batch.rows
        self.vectors = batch.vectors
        self.vlen = batch.vlen
        self.lanes = (1 << batch.vlen) - 1
        self.pc = pc
        self.length = compiler.length
        self.checks: list[Step | None] = []
        self.compute: list[Step | None] = []
        self.stores: list[tuple[int, int, np.ndarray]] = []
        """Each store's value operand, its width and its probe's memory indices."""
        self.controls: list[Control] = []
        self.relative = False
        """Whether the bundle has a relative jump (its steps depend on its pc)."""
        self.written = 0
        """Bit i set: phase 2 has written scratch word i."""
        self.read_words = 0
        """Bit i set: phase 2 or 3 reads scratch word i."""
        self.shadow = compiler.scratch_size
        self.buffers = [0, 0]
        self.loads: list[int] | None = None
        """The run of scalar loads the previous slot belonged to: [index of its gather in
        checks, of its commit in compute, first address, first destination, count, words
        written before it]."""
        self.last_load: tuple[int, int, int, int, np.ndarray] | None = None
        """The latest load (a run of scalar loads, or a vload): index of its gather in
        checks and of its commit in compute, the words it writes and those written
        before it, and where it lands."""

    def span(self, address: int, width: int) -> np.ndarray:
        """The rows of `width` words from address (a 1-D row for one word)."""
        if width == 1:
            return self.rows[address]
        if width == self.vlen:
            return self.vectors[address]
        return self.batch.view(address, width)

    def read(self, address: int, width: int) -> np.ndarray:
        """The words phase 2 reads: a shadow copy if an earlier slot wrote them."""
        mask = ((1 << width) - 1) << address
        self.read_words |= mask
        if self.written & mask:
            copy = self.span(self.shadow, width)
            self.checks.append((copy.__setitem__, (Ellipsis, self.span(address, width))))
            self.shadow += width
            return copy
        return self.span(address, width)

    def write(self, address: int, width: int) -> np.ndarray:
        self.written |= ((1 << width) - 1) << address
        return self.span(address, width)

    def buffer(self, vector: bool, count: int = 1) -> tuple[np.ndarray, ...]:
        index = self.buffers[vector]
        self.buffers[vector] += 1
        return self.batch.buffer(vector, count, index)

    def target(self, target: int) -> int:
        """Every target at or past the end stops the core alike; only the sign of a
        negative one matters (it faults, and the reference reports it)."""
        return min(target, self.length) if target >= 0 else -1

    def gather(self, address: np.ndarray, lanes: np.ndarray, buffers: tuple[np.ndarray, ...],
               into: np.ndarray | None = None) -> list[Step]:
        """GATHER_STEPS steps that load words of every column, memory[address * seeds +
        lanes] (into `into`, or the buffer's words). An address past the end of any
        column's memory is an index past the end of the whole array: numpy's IndexError,
        which the runner takes for a fault, is the bounds check. Until the last step
        lands the words (numpy buffers a `take` that may raise), nothing of the batch
        changes. (Widening the address by a plain copy first makes the multiply one of
        like types, which costs less than the copy saves.)"""
        batch = self.batch
        base, index, words = buffers
        return [(base.__setitem__, (Ellipsis, address)),
                (np.multiply, (base, batch.scale, base)),
                (np.add, (base, lanes, index)),
                (batch.memory.take, (index, None, words if into is None else into))]

    def end_loads(self) -> None:
        """Turn the run of scalar loads that just ended into a gather and a commit."""
        assert self.loads is not None
        gather_at, commit_at, first, into, count, before = self.loads
        self.loads = None
        batch = self.batch
        buffers = self.buffer(False, count)
        address = batch.view(first, count) if count > 1 else self.rows[first]
        self.checks[gather_at:gather_at + GATHER_STEPS] = self.gather(
            address, batch.lane_rows(count), buffers)
        target = batch.view(into, count) if count > 1 else self.rows[into]
        self.compute[commit_at] = (target.__setitem__, (Ellipsis, buffers[2]))
        self.last_load = (gather_at, commit_at, ((1 << count) - 1) << into, before, target)

    def scalar_load(self, d: int, a: int) -> None:
        run = self.loads
        if run is not None and a == run[2] + run[4] and d == run[3] + run[4]:
            run[4] += 1
        else:
            if run is not None:
                self.end_loads()
            self.loads = [len(self.checks), len(self.compute), a, d, 1, self.written]
            self.checks += [None] * GATHER_STEPS  # the gather, made by end_loads
            self.compute.append(None)
        self.written |= 1 << d

    def compile(self, bundle: Bundle) -> list[Step]:
        vlen = self.vlen
        # A strip: consecutive slots of one plain operation whose operands all advance
        # by their width (a vector's lanes written one alu slot at a time, or adjacent
        # vectors), run as one ufunc call over all their rows. Its reads happen before
        # its writes (numpy buffers overlapping operands), as the spec wants.
        strip: tuple[np.ufunc, int, int, int] | None = None
        width_so_far = 0
        for engine, slots in bundle.groups:
            if engine is _DEBUG:
                continue
            width = vlen if engine is _VALU else 1
            operations = self.operations[engine]
            for slot in slots:
                op, args = operations[slot.name], slot.args
                ufunc = op.ufunc
                if ufunc is not None:
                    d, a, b = args
                    if strip is not None:
                        if (ufunc is strip[0] and d == strip[1] + width_so_far
                                and a == strip[2] + width_so_far
                                and b == strip[3] + width_so_far):
                            width_so_far += width
                            continue
                        self.plain(strip, width_so_far)
                    elif self.loads is not None:
                        self.end_loads()
                    strip, width_so_far = (ufunc, d, a, b), width
                    continue
                if strip is not None:
                    self.plain(strip, width_so_far)
                    strip = None
                if op.gather is not None:
                    self.scalar_load(*op.gather(args))
                    continue
                if self.loads is not None:
                    self.end_loads()
                if op.divisor is not None:
                    self.checks.append((nonzero, (self.span(args[op.divisor], width),)))
                if op.relative:
                    self.relative = True
                assert op.steps is not None
                op.steps(self, width, args)
        if strip is not None:
            self.plain(strip, width_so_far)
        if self.loads is not None:
            self.end_loads()
        # Store values are read last (their shadow copies join phase 1 as they are made).
        stores = [(self.batch.memory.__setitem__, (index, self.read(value, width)))
                  for value, width, index in self.stores]
        self.land_last_load()
        steps: list[Step] = []
        if self.controls:
            steps.append(self.decision())
        steps += [step for step in self.checks if step is not None]
        steps += [step for step in self.compute if step is not None]
        return steps + stores

    def decision(self) -> Step:
        """The step that decides the next pc: the general `decide`, or a cheaper one for
        the common cases, a lone cond_jump and jumps known before the run."""
        controls = self.controls
        if len(controls) == 1 and controls[0][0] == "cond_jump":
            _, words, target = controls[0]
            return (branch, (self.batch, words, target))
        if all(kind in ("halt", "jump") for kind, _, _ in controls):
            stop = any(kind == "halt" for kind, _, _ in controls)
            jumps = [target for kind, _, target in controls if kind == "jump"]
            if jumps or stop:  # a halt alone stops: where it would go does not matter
                assert all(target is not None and target >= 0 for target in jumps)
                return (setattr, (self.batch, "decision", (stop, jumps[-1] if jumps else 0)))
        return (decide, (self.batch, tuple(self.controls)))

    def plain(self, strip: tuple[np.ufunc, int, int, int], width: int) -> None:
        """d = a OP b over `width` words."""
        ufunc, d, a, b = strip
        ones = (1 << width) - 1
        reads = ones << a | ones << b
        if self.written & reads:
            a_words, b_words = self.read(a, width), self.read(b, width)
        else:  # the common case, inline
            self.read_words |= reads
            a_words, b_words = self.span(a, width), self.span(b, width)
        self.written |= ones << d
        self.compute.append((ufunc, (a_words, b_words, self.span(d, width))))

    def land_last_load(self) -> None:
        """Let the bundle's last load gather straight into scratch, as the very last
        step of phase 1 (nothing after it can fault), when no slot of the bundle reads
        what it loads nor wrote it before it (so landing early changes nothing)."""
        if self.last_load is None:
            return
        gather_at, commit_at, words, before, target = self.last_load
        if words & (self.read_words | before):
            return
        steps = self.checks[gather_at:gather_at + GATHER_STEPS]
        self.checks[gather_at:gather_at + GATHER_STEPS] = [None] * GATHER_STEPS
        function, (index, axis, _) = steps[-1]  # type: ignore[misc]
        self.checks += [*steps[:-1], (function, (index, axis, target))]  # type: ignore[list-item]
        self.compute[commit_at] = None

    def vector_load(self, d: int, a: int) -> None:
        """vlen words from memory at s[a] into the vector at d."""
        buffers = self.buffer(True)
        self.last_load = (len(self.checks), len(self.compute), self.lanes << d, self.written,
                          self.vectors[d])
        self.checks += self.gather(self.rows[a], self.batch.vector_lanes, buffers)
        self.compute.append((self.write(d, self.vlen).__setitem__, (Ellipsis, buffers[2])))

    def store(self, a: int, b: int, vector: bool) -> None:
        """A word or a vector from scratch at b into memory at s[a]: probed in phase 1,
        written in phase 3."""
        batch = self.batch
        buffers = self.buffer(vector)
        lanes = batch.vector_lanes if vector else batch.lanes
        # A probe: a gather whose words go unused, so that a bad address faults here.
        self.checks += self.gather(self.rows[a], lanes, buffers)
        self.stores.append((b, self.vlen if vector else 1, buffers[1]))
