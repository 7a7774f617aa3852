"""The take-home pack's corpus: many scheduled tree kernels per puzzle, each a real choice.

Every program is a `GraphKernel` (tools/kernels/graph_kernel.py) of one of two shapes,
both loops where the work repeats, so that each file stays small:

- "rounds": every walker's index and value stay in scratch; the loop body is `span`
  rounds of every vector of walkers, scheduled as one graph (lockstep in a loop).
- "walkers": the loop body takes `span` vectors of walkers through every round, from
  memory back to memory; a pointer moves on by `span` vectors each time. Walkers that
  start at the root are on a known level each round, so the top `levels` levels may be
  picked from scratch (by `vselect` on the flow engine or `multiply_add` on the valu)
  instead of gathered, and the wrap to the root may be known in advance.

The other choices: the hash with or without `multiply_add`, the wrap as a multiply or
a `vselect`, the scheduler's chain weight and start reserve, and the valu slots the
schedule may use (lane-wise work it cannot place there goes to the alu).

Nothing here may make a full-size tree kernel faster than `FLOOR` cycles: the
generator refuses one (`check_floor`).

    python -m tools.corpus.takehome [--check]   # write corpus/takehome, or compare
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from game.catalog import Catalog
from game.paths import PROJECT_ROOT
from game.scoring import score_program
from machine.builder import Builder
from machine.config import TAKEHOME, MachineConfig
from machine.identity import content_hash
from machine.isa import Engine
from machine.program import Program
from machine.vasm import format_program, parse
from tools.corpus.common import CORPUS_LINE
from tools.kernels.graph_kernel import GraphKernel, Slots, vector_groups
from tools.kernels.scheduler import Value
from tools.kernels.tree import TreeSize, hash_stages, tree_puzzles

FULL_SIZE = "takehome/tree-kernel"
FLOOR = 2164
"""No corpus program of the full-size tree kernel may take fewer cycles."""

MAX_BYTES = 100_000
"""A larger program is not written."""

PER_PUZZLE = 24
"""Programs kept per puzzle, at most."""

CORPUS_DIR = PROJECT_ROOT / "corpus" / "takehome"
SOLUTIONS_DIR = PROJECT_ROOT / "solutions" / "takehome"


class FloorError(AssertionError):
    """A generator made a full-size tree kernel faster than FLOOR cycles."""


def check_floor(puzzle: str, cycles: int) -> None:
    if puzzle == FULL_SIZE and cycles < FLOOR:
        raise FloorError(f"{puzzle}: a corpus kernel of {cycles} cycles is below {FLOOR}")


@dataclass(frozen=True)
class Plan:
    """The choices that make one kernel."""

    mode: str
    """'rounds' or 'walkers' (see the module docstring)."""
    span: int
    """Rounds (rounds mode) or vectors of walkers (walkers mode) per pass of the body."""
    levels: int = 0
    pick: str = "flow"
    """How a level held in scratch is picked: 'flow' (vselect) or 'valu' (multiply_add)."""
    wrap: str = "mul"
    """'mul' (child * (child < n)), 'flow' (vselect) or 'known' (from the level)."""
    fuse: bool = True
    weight: int = 5
    reserve: int = 12
    valu: int = 6

    @property
    def name(self) -> str:
        levels = f"-top{self.levels}{self.pick}" if self.levels else ""
        return (f"{self.mode}{self.span}{levels}-wrap{self.wrap}-"
                f"{'madd' if self.fuse else 'plain'}-w{self.weight}-r{self.reserve}"
                f"-valu{self.valu}")


class _CorpusKernel(GraphKernel):
    def __init__(self, size: TreeSize, plan: Plan, builder: Builder) -> None:
        super().__init__(size, builder)
        self.plan = plan
        self.chain_weight, self.start_reserve, self.fuse = plan.weight, plan.reserve, plan.fuse
        limits = dict(builder.config.slot_limits)
        limits[Engine.VALU] = plan.valu
        self.schedule_config = dataclasses.replace(builder.config, slot_limits=limits)
        self.groups = vector_groups(size, self.vlen)
        self.passes = (size.rounds if plan.mode == "rounds" else self.groups) // plan.span
        self.nodes: dict[int, Value] = {}
        self.counter: Value | None = None

    # --- the two shapes --------------------------------------------------------------

    def build(self) -> list[list[Slots]]:
        """Setup, body (run `passes` times) and teardown, scheduled."""
        self._constants()
        if self.passes > 1:
            self.counter = self.pinned("passes_left", 1)
            self.op("load", "const", self.counter, imm=(self.passes,))
        if self.plan.mode == "rounds":
            self._rounds()
        else:
            self._walkers()
        return self.scheduled()

    def _rounds(self) -> None:
        size, vlen = self.size, self.vlen
        homes = [(self._load(f"idx{g}", size.indices + g * vlen),
                  self._load(f"val{g}", size.values + g * vlen)) for g in range(self.groups)]
        self.new_graph()
        last = self.passes == 1
        for group, (idx_home, val_home) in enumerate(homes):
            self.chain, self.step = group, 0
            index = self.graph.value(idx_home.name, vlen, idx_home.address)
            value = self.graph.value(val_home.name, vlen, val_home.address)
            for round_ in range(self.plan.span):
                final = last and round_ == self.plan.span - 1
                index, value = self._round(index, value, None,
                                           step=size.checks_indices or not final)
            self._into(val_home, value)
            if index.producer is not None:
                self._into(idx_home, index)
        self._count_down()
        self.new_graph()
        for group, (idx_home, val_home) in enumerate(homes):
            self.chain = group
            self._store(size.values + group * vlen, val_home)
            if size.checks_indices:
                self._store(size.indices + group * vlen, idx_home)

    def _walkers(self) -> None:
        size, vlen = self.size, self.vlen
        pointers = [self._pointer("values_p", size.values)]
        if not size.starts_at_root or size.checks_indices:
            pointers.append(self._pointer("indices_p", size.indices))
        self.new_graph()
        current = [self.graph.value(p.name, 1, p.address) for p in pointers]
        step = self.scalar(vlen)
        for group in range(self.plan.span):
            self.chain, self.step = group, 0
            addresses = []
            for pointer in current:
                address = self.graph.value(f"{pointer.name}{group}", 1)
                self.op("alu", "+", address, pointer, self.scalar(0) if not group else step)
                addresses.append(address)
            current = addresses
            self._walk(*addresses)
        for home, address in zip(pointers, current, strict=True):
            moved = self.graph.value(home.name, 1, home.address)
            self.op("alu", "+", moved, address, step)
        self._count_down()

    def _walk(self, values_at: Value, indices_at: Value | None = None) -> None:
        """One vector of walkers through every round, from memory back to memory."""
        size = self.size
        value = self.temp("values")
        self.starts.add(id(self.op("load", "vload", value, values_at)))
        if size.starts_at_root:
            index = self.vector(0)
        else:
            assert indices_at is not None
            index = self.temp("indices")
            self.op("load", "vload", index, indices_at)
        for round_ in range(size.rounds):
            level = round_ % (size.height + 1) if size.starts_at_root else None
            final = round_ == size.rounds - 1
            index, value = self._round(index, value, level,
                                       step=size.checks_indices or not final)
        self.op("store", "vstore", None, values_at, value)
        if size.checks_indices and indices_at is not None:
            self.op("store", "vstore", None, indices_at, index)

    # --- one round of one vector -----------------------------------------------------

    def _round(self, index: Value, value: Value, level: int | None,
               step: bool) -> tuple[Value, Value]:
        if level is not None and level < self.plan.levels:
            node = self._pick(index, level)
        else:
            address = self.temp("address")
            self.op("bin", "+", address, index, self.vector(self.size.forest))
            node = self.temp("node")
            self.op("gather", "load_offset", node, address)
        value = self.hash(self.bin("^", value, node))
        if not step:
            return index, value
        if level == self.size.height and self.plan.wrap == "known":
            return self.vector(0), value
        low = self.bin("&", value, self.vector(1))
        child = self.bin("+", self.madd(index, self.vector(2), low), self.vector(1))
        if level is not None and self.plan.wrap == "known":
            return child, value
        inside = self.bin("<", child, self.vector(self.size.n_nodes))
        if self.plan.wrap == "flow":
            return self._choose(inside, child, self.vector(0), "flow"), value
        return self.bin("*", child, inside), value

    def _pick(self, index: Value, level: int) -> Value:
        """The node of `level` each lane stands on, from the level's nodes in scratch."""
        first = 2**level - 1
        candidates = [self._node(first + k) for k in range(2**level)]
        if level == 0:
            return candidates[0]
        offset = self.bin("-", index, self.vector(first))
        for bit in range(level):
            shifted = self.bin(">>", offset, self.vector(bit)) if bit else offset
            odd = self.bin("&", shifted, self.vector(1))
            candidates = [self._choose(odd, high, low, self.plan.pick)
                          for low, high in zip(candidates[::2], candidates[1::2], strict=True)]
        return candidates[0]

    def _choose(self, cond: Value, if_set: Value, if_clear: Value, how: str) -> Value:
        if how == "flow":
            out = self.temp("select")
            self.op("flow", "vselect", out, cond, if_set, if_clear)
            return out
        return self.madd(cond, self.bin("-", if_set, if_clear), if_clear)

    # --- scratch, constants and the loop ---------------------------------------------

    def _constants(self) -> None:
        """Ask for the body's constants in the setup, so the body does not make them."""
        for word in (0, 1, 2, self.size.forest, self.size.n_nodes,
                     *range(max(self.plan.levels - 1, 0)),
                     *(2**level - 1 for level in range(1, self.plan.levels))):
            self.vector(word)
        for stage in hash_stages():
            self.vector(stage.c1)
            fused = self.fuse and stage.multiplier is not None
            self.vector(stage.multiplier if fused and stage.multiplier else stage.shift)
        self.scalar(0)
        self.scalar(self.vlen)
        self.scalar(1)
        for index in range(2**self.plan.levels - 1):
            self._node(index)

    def _node(self, index: int) -> Value:
        if index not in self.nodes:
            word = self.pinned(f"node{index}", 1)
            self.op("load", "load", word, self.scalar(self.size.forest + index))
            vector = self.pinned(f"node{index}_v", self.vlen)
            self.op("valu", "vbroadcast", vector, word)
            self.nodes[index] = vector
        return self.graph.value(self.nodes[index].name, self.vlen, self.nodes[index].address)

    def _load(self, name: str, address: int) -> Value:
        pinned = self.pinned(name, self.vlen)
        self.op("load", "vload", pinned, self.scalar(address))
        return pinned

    def _store(self, address: int, home: Value) -> None:
        value = self.graph.value(home.name, self.vlen, home.address)
        self.op("store", "vstore", None, self.scalar(address), value)

    def _pointer(self, name: str, address: int) -> Value:
        pointer = self.pinned(name, 1)
        self.op("load", "const", pointer, imm=(address,))
        return pointer

    def _into(self, home: Value, result: Value) -> None:
        """Make `result` be written in `home`'s scratch (its last operation's output)."""
        assert home.address is not None and result.address is None
        result.address, result.name = home.address, home.name

    def _count_down(self) -> None:
        if self.counter is not None:
            left = self.graph.value(self.counter.name, 1, self.counter.address)
            self.op("alu", "-", self.graph.value(left.name, 1, left.address), left,
                    self.scalar(1))

    def program(self) -> Program:
        setup, body, *teardown = self.build()
        self.emit(setup)
        if self.counter is None:
            self.emit(body)
        else:
            self.b.label("body")
            counter = self.counter.address
            decrement = next(i for i, bundle in enumerate(body) for slot in bundle
                             if slot[:2] == (Engine.ALU, "-") and slot[2][0] == counter)
            joins = decrement < len(body) - 1 and all(e != Engine.FLOW for e, _, _ in body[-1])
            self.emit(body[:-1] if joins else body)
            with self.b.bundle():
                if joins:
                    self.emit_slots(body[-1])
                self.b.cond_jump(counter, "body")
        for bundles in teardown:
            self.emit(bundles)
        return self.b.program()


# --- which kernels, and the files ---------------------------------------------------------


def plans(size: TreeSize) -> list[Plan]:
    """Candidates in the order they are tried: every shape first, then one choice changed
    at a time, so that the first few dozen already differ in kind."""
    groups = size.batch // TAKEHOME.vlen
    shapes = [Plan("rounds", span) for span in _divisors(size.rounds)
              if span * groups <= 64]
    shapes += [Plan("walkers", span) for span in _divisors(groups)
               if span * size.rounds <= 100 and span < groups]
    if size.starts_at_root and size.puzzle != FULL_SIZE:
        top = min(size.height + 1, 3)
        walkers = [p for p in shapes if p.mode == "walkers"] or [Plan("walkers", groups)]
        for levels in range(1, top + 1):
            for pick in ("flow", "valu"):
                shapes.append(dataclasses.replace(walkers[len(walkers) // 2], levels=levels,
                                                  pick=pick, wrap="known"))
    changes = [{"fuse": False}, {"wrap": "flow"}, {"valu": 3}, {"weight": 0},
               {"reserve": 4}, {"weight": 20}, {"valu": 4}, {"reserve": 24},
               {"wrap": "known"}, {"wrap": "mul"}]
    out = list(shapes)
    for change in changes:
        out += [dataclasses.replace(shape, **change) for shape in shapes]
    return [plan for plan in dict.fromkeys(out) if plan.wrap != "known" or
            (plan.mode == "walkers" and size.starts_at_root)]


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def kernel_program(size: TreeSize, plan: Plan, config: MachineConfig = TAKEHOME) -> Program:
    return _CorpusKernel(size, plan, Builder(config)).program()


@dataclass
class Tally:
    """What happened to the candidates of one puzzle."""

    kept: int = 0
    failed: int = 0
    too_big: int = 0
    repeated: int = 0


def puzzle_corpus(size: TreeSize, catalog: Catalog,
                  tally: Tally | None = None) -> Iterator[tuple[str, str]]:
    """(name, text) of up to PER_PUZZLE validated programs, none a shipped solution."""
    tally = tally or Tally()
    puzzle = catalog.puzzle(size.puzzle).puzzle
    seen = {content_hash(parse(path.read_text("utf-8"), str(path)))
            for path in sorted((SOLUTIONS_DIR / size.name).glob("*.vasm"))}
    for plan in plans(size):
        if tally.kept == PER_PUZZLE:
            return
        program = kernel_program(size, plan)
        identity = content_hash(program)
        if identity in seen:
            tally.repeated += 1
            continue
        seen.add(identity)
        program = program.with_header(puzzle=size.puzzle, name=plan.name)
        report = score_program(puzzle, program, puzzle_id=size.puzzle)
        if not report.passed:
            tally.failed += 1
            continue
        check_floor(size.puzzle, report.scores.cycles)
        scores = {metric: str(score) for metric, score in report.scores.as_dict().items()}
        text = format_program(program.with_header(**scores, corpus=f"tools.corpus.takehome"
                                                  f" {plan}"))
        if len(text.encode("utf-8")) >= MAX_BYTES:
            tally.too_big += 1
            continue
        tally.kept += 1
        yield plan.name, text


def generate() -> list[tuple[str, str, str]]:
    """(puzzle id, name, text) of every corpus program of the pack, each text from its
    ``# corpus:`` line on: `python -m tools.corpus` writes the measured header above it."""
    catalog = Catalog()
    return [(size.puzzle, name, text[text.index(CORPUS_LINE):])
            for size in tree_puzzles(catalog) for name, text in puzzle_corpus(size, catalog)]
