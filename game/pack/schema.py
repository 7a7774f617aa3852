"""The puzzle pack format: pydantic models of a pack's TOML.

A pack is one TOML file: a ``[pack]`` table, then its puzzles in play order
as an array of tables ``[[puzzle]]``. Every model forbids unknown keys and
is strict about types (``vlen = "8"`` is an error, not 8). A sketch::

    [pack]
    id = "takehome"                 # the file is puzzles/<id>.toml
    title = "The take-home"

    [[puzzle]]
    id = "tree-kernel"              # the puzzle's id is "takehome/tree-kernel"
    title = "Tree traversal"
    description = "Markdown: the inputs, where they lie, what must be there at the end."
    metrics = ["cycles", "instructions", "scratch"]   # the first is the primary one
    scored_seeds = [123]            # fixed: the score is the worst over these
    robustness_seeds = 8            # fresh random seeds at every validation
    cycle_limit = 1_000_000
    check = ["values"]              # regions compared at the end
    best = { cycles = 1363 }        # best known score per metric (optional)

    [puzzle.machine]                # knobs of docs/machine.md; defaults: the take-home
    slot_limits = { alu = 1 }       # engines not named keep their default limit
    scratch_size = 64
    forbidden_ops = ["mul", "multiply_add"]     # or allowed_ops = [...]; mnemonics

    [[puzzle.memory]]               # regions in layout order, from address 0
    name = "rounds"
    kind = "words"                  # constant words
    values = [16]
    [[puzzle.memory]]
    name = "forest_p"
    kind = "address"                # one word: the address of another region
    of = "forest"                   # (kind = "length": its length in words)
    [[puzzle.memory]]
    name = "forest"
    kind = "random"                 # count words, each randint(min, max)
    count = 2047
    max = 0x3FFFFFFF
    [[puzzle.memory]]
    name = "values"
    kind = "zeros"
    count = 256

    [puzzle.reference]              # exactly one of:
    builtin = "tree-kernel"         #   a reference in game/references.py
    # program = '''...'''           #   a .vasm program run on the puzzle's machine
    # expected = { values = [...] } #   the words of checked regions, for every seed

    [[puzzle.marks]]                # named reference points on the histograms
    metric = "cycles"
    value = 147734
    label = "the scalar starter program"

Random words are drawn from ``random.Random(seed)`` in layout order. Limits
(`MAX_MEMORY_WORDS` etc.) keep any pack cheap to load and run; the loader
(`game.pack.loader`) adds the checks that span several keys (names that must
exist, unique ids, sizes).
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from machine.config import DEFAULT_MAX_CYCLES, DEFAULT_SLOT_LIMITS, MachineConfig
from machine.isa import BY_MNEMONIC, WORD_MASK, Engine
from machine.text import shown_token

MAX_PUZZLES = 100
"""Puzzles in one pack."""
MAX_MEMORY_WORDS = 1 << 20
"""Words of one puzzle's memory image (the full tree kernel needs 2566)."""
MAX_SCRATCH_WORDS = 1 << 16
MAX_SEEDS = 64
"""Scored seeds of a puzzle, and robustness seeds of one validation."""
MAX_CYCLE_LIMIT = DEFAULT_MAX_CYCLES
MAX_CASES = 64
"""Fixed test cases of a puzzle."""
MAX_TEST_WORDS = 1 << 22
"""Memory words of all of one validation's tests together (memory size x tests): 16 MB as
uint32 images, so that no pack, however small its file, makes a validation large."""
MAX_TEXT_CHARS = 20_000
"""Characters of a description."""
MAX_PROGRAM_CHARS = 200_000
"""Characters of an embedded reference program."""

METRICS = ("cycles", "instructions", "scratch")

Metric = Literal["cycles", "instructions", "scratch"]
EngineName = Literal["alu", "valu", "load", "store", "flow"]
Word = Annotated[int, Field(ge=0, le=WORD_MASK)]
Seed = Annotated[int, Field(ge=0, lt=2**64)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""Pack and puzzle ids: they name files and folders, so nothing but a-z, 0-9 and '-'."""
PuzzleRef = Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9-]*/)?[a-z0-9][a-z0-9-]*$",
                                  max_length=129)]
"""A puzzle of the same pack by id, or of another as pack/puzzle."""
RegionName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


def _known_mnemonic(name: str) -> str:
    if name not in BY_MNEMONIC:
        from difflib import get_close_matches

        close = get_close_matches(name, BY_MNEMONIC, n=3)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ValueError(f"unknown operation {name!r}{hint}")
    return name


Mnemonic = Annotated[str, AfterValidator(_known_mnemonic)]
def _known_builtin(name: str) -> str:
    # Asked when a pack is read, not imported with the schema: the references build on
    # the schema's models (game.inputs), and the schema only needs their names.
    from game.references import BUILTINS

    if name not in BUILTINS:
        raise ValueError(f"unknown built-in reference {shown_token(name)!r}; known:"
                         f" {', '.join(BUILTINS)}")
    return name


BuiltinName = Annotated[str, AfterValidator(_known_builtin)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class MachineSpec(Strict):
    """The puzzle's machine; every knob left out keeps the take-home's value."""

    slot_limits: dict[EngineName, Annotated[int, Field(ge=0, le=1024)]] = Field(
        default_factory=dict,
        description="Slots per bundle for the engines named; the others keep their default.")
    vlen: Annotated[int, Field(ge=1, le=64)] = 8
    scratch_size: Annotated[int, Field(ge=1, le=MAX_SCRATCH_WORDS)] = 1536
    n_cores: Annotated[int, Field(ge=1, le=16)] = 1
    allowed_ops: list[Mnemonic] | None = Field(
        None, description="Mnemonics of the only operations allowed (debug ops always are).")
    forbidden_ops: list[Mnemonic] | None = Field(
        None, description="Mnemonics of operations this machine refuses.")

    @model_validator(mode="after")
    def _one_op_list(self) -> MachineSpec:
        if self.allowed_ops is not None and self.forbidden_ops is not None:
            raise ValueError("give allowed_ops or forbidden_ops, not both")
        return self

    def config(self, max_cycles: int = DEFAULT_MAX_CYCLES) -> MachineConfig:
        limits = {**DEFAULT_SLOT_LIMITS, **{Engine(k): v for k, v in self.slot_limits.items()}}
        allowed: frozenset[str] | None = None
        if self.allowed_ops is not None:
            allowed = frozenset(self.allowed_ops)
        elif self.forbidden_ops is not None:
            allowed = frozenset(BY_MNEMONIC) - frozenset(self.forbidden_ops)
        return MachineConfig(slot_limits=limits, vlen=self.vlen, scratch_size=self.scratch_size,
                             n_cores=self.n_cores, allowed_ops=allowed, max_cycles=max_cycles)


class WordsRegion(Strict):
    """Constant words."""

    kind: Literal["words"]
    name: RegionName
    values: Annotated[list[Word], Field(min_length=1, max_length=MAX_MEMORY_WORDS)]

    @property
    def length(self) -> int:
        return len(self.values)


class ZerosRegion(Strict):
    """`count` words, all 0."""

    kind: Literal["zeros"]
    name: RegionName
    count: Annotated[int, Field(ge=1, le=MAX_MEMORY_WORDS)]

    @property
    def length(self) -> int:
        return self.count


class RandomRegion(Strict):
    """`count` words, each `randint(min, max)` (both included) from the seed's generator."""

    kind: Literal["random"]
    name: RegionName
    count: Annotated[int, Field(ge=1, le=MAX_MEMORY_WORDS)]
    min: Word = 0
    max: Word = WORD_MASK

    @model_validator(mode="after")
    def _ordered(self) -> RandomRegion:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self

    @property
    def length(self) -> int:
        return self.count


class AddressRegion(Strict):
    """One word: the address of region `of`."""

    kind: Literal["address"]
    name: RegionName
    of: RegionName

    @property
    def length(self) -> int:
        return 1


class LengthRegion(Strict):
    """One word: the length in words of region `of`."""

    kind: Literal["length"]
    name: RegionName
    of: RegionName

    @property
    def length(self) -> int:
        return 1


Region = Annotated[
    WordsRegion | ZerosRegion | RandomRegion | AddressRegion | LengthRegion,
    Field(discriminator="kind"),
]


FILLS = ("zeros", "min", "max", "equal", "sorted", "reversed", "duplicates", "extremes")
"""Named generators of a test case: what they make of a random region's words, drawn
from the case's seed (`game.inputs.fill_words`): all 0, all the region's min, all its max,
all the first word drawn, the words sorted up, sorted down, only three distinct words,
and max and min alternating."""

Fill = Literal["zeros", "min", "max", "equal", "sorted", "reversed", "duplicates", "extremes"]
CaseName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.,=<>+-]*$", max_length=64)]


class TestCase(Strict):
    """A fixed test, run on every validation beside the seeds: an input at a boundary the
    puzzle's statement implies (0, 2^32-1, ties, duplicates, sorted input, ...).

    Its image is `seed`'s, with some random regions replaced: given word by word in
    `words`, or made by a generator named in `fill`."""

    __test__ = False  # not a pytest test class, whatever its name

    name: CaseName
    seed: Seed = 0
    words: dict[RegionName, list[Word]] = Field(
        default_factory=dict, description="Exact words for random regions (all of them).")
    fill: dict[RegionName, Fill] = Field(
        default_factory=dict, description=f"A named generator per random region: {FILLS}.")


class Reference(Strict):
    """Where the expected final memory comes from: exactly one of the three keys."""

    builtin: BuiltinName | None = Field(None, description="A reference implemented in game/.")
    program: Annotated[str, Field(max_length=MAX_PROGRAM_CHARS)] | None = Field(
        None, description="A .vasm program run on the puzzle's machine.")
    expected: dict[RegionName, list[Word]] | None = Field(
        None, description="The words each checked region must hold, whatever the seed.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Reference:
        given = [k for k in ("builtin", "program", "expected") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of builtin, program or expected"
                             + (f", not {' and '.join(given)}" if given else ""))
        return self


class Mark(Strict):
    """A named reference point on a metric's histogram."""

    metric: Metric
    value: Annotated[int, Field(ge=0)]
    label: Title


class Puzzle(Strict):
    id: Identifier
    title: Title
    description: Text = ""
    machine: MachineSpec = Field(default_factory=MachineSpec)
    memory: Annotated[list[Region], Field(min_length=1, max_length=1000)]
    check: Annotated[list[RegionName], Field(min_length=1)] = Field(
        description="Regions of the final memory compared with the reference's.")
    reference: Reference
    scored_seeds: Annotated[list[Seed], Field(min_length=1, max_length=MAX_SEEDS)]
    robustness_seeds: Annotated[int, Field(ge=0, le=MAX_SEEDS)] = 8
    cycle_limit: Annotated[int, Field(ge=1, le=MAX_CYCLE_LIMIT)] | None = Field(
        None, description=("Cycles a test may take; by default scaled to the reference"
                           " (game.limits.default_cycle_limit)."))
    cases: Annotated[list[TestCase], Field(max_length=MAX_CASES)] = Field(
        default_factory=list, description="Fixed test cases, run on every validation.")
    metrics: Annotated[list[Metric], Field(min_length=1, max_length=3)] = Field(
        default_factory=lambda: list(METRICS),
        description="Scores shown, in order; the first is the puzzle's primary metric.")
    marks: list[Mark] = Field(default_factory=list)
    best: dict[Metric, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="Best known score per metric.")
    targets: dict[Metric, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description=("Per-metric challenges shown in the statement and"
                                           " marked when the player's best reaches them."))
    requires: Annotated[list[PuzzleRef], Field(max_length=MAX_PUZZLES)] = Field(
        default_factory=list, description=("Puzzles to solve before this one opens: ids in this"
                                           " pack, or pack/puzzle; none: it opens in play order."))

    @cached_property
    def derived_cycle_limit(self) -> int:
        """The cycle limit scaled to the reference (game.limits), worked out once."""
        from game.limits import default_cycle_limit

        return default_cycle_limit(self)

    @property
    def primary_metric(self) -> str:
        return self.metrics[0]

    def machine_config(self, cycle_limit: int | None = None) -> MachineConfig:
        """The machine solutions run on, with the puzzle's cycle limit (or the one given)."""
        if cycle_limit is None:
            from game.limits import cycle_limit_of

            cycle_limit = cycle_limit_of(self)
        return self.machine.config(cycle_limit)

    def region(self, name: str) -> WordsRegion | ZerosRegion | RandomRegion | AddressRegion \
            | LengthRegion:
        for region in self.memory:
            if region.name == name:
                return region
        raise KeyError(name)


class PackInfo(Strict):
    id: Identifier
    title: Title
    description: Text = ""
    author: Annotated[str, Field(max_length=200)] = ""
    order: Annotated[int, Field(ge=0, le=10_000, description=(
        "Where the pack stands among packs when browsing: lower first, ties by id."))] = 100


class Pack(Strict):
    pack: PackInfo
    puzzles: Annotated[list[Puzzle], Field(min_length=1, max_length=MAX_PUZZLES)] = Field(
        alias="puzzle", description="The puzzles in play order.")

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    @property
    def id(self) -> str:
        return self.pack.id

    def puzzle(self, puzzle_id: str) -> Puzzle:
        for puzzle in self.puzzles:
            if puzzle.id == puzzle_id:
                return puzzle
        raise KeyError(puzzle_id)


def json_schema() -> dict[str, object]:
    """The pack format as JSON Schema (for editors' completion and checking of TOML)."""
    schema = Pack.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "vliw puzzle pack"
    return schema
