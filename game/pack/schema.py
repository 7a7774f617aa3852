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

# Without `from __future__ import annotations`: the fields' annotations are the format's
# types as objects, which the pack cache (game.pack.cache) reads back at every check;
# evaluating them from strings cost each command 2 ms.
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from game.pack.rule import Rule, validator
from machine.config import DEFAULT_MAX_CYCLES, DEFAULT_SLOT_LIMITS, MachineConfig
from machine.isa import BY_MNEMONIC, WORD_MASK, Engine
from machine.text import shown_token

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

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
Word = Annotated[int, Rule(ge=0, le=WORD_MASK)]
Seed = Annotated[int, Rule(ge=0, lt=2**64)]
Identifier = Annotated[str, Rule(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""Pack and puzzle ids: they name files and folders, so nothing but a-z, 0-9 and '-'."""
PuzzleRef = Annotated[str, Rule(pattern=r"^([a-z0-9][a-z0-9-]*/)?[a-z0-9][a-z0-9-]*$",
                                 max_length=129)]
"""A puzzle of the same pack by id, or of another as pack/puzzle."""
RegionName = Annotated[str, Rule(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
Title = Annotated[str, Rule(min_length=1, max_length=200)]
Text = Annotated[str, Rule(max_length=MAX_TEXT_CHARS)]


def _known_mnemonic(name: str) -> str:
    if name not in BY_MNEMONIC:
        from difflib import get_close_matches

        close = get_close_matches(name, BY_MNEMONIC, n=3)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ValueError(f"unknown operation {name!r}{hint}")
    return name


Mnemonic = Annotated[str, Rule(after=_known_mnemonic)]


def _known_builtin(name: str) -> str:
    # Asked when a pack is read, not imported with the schema: the references build on
    # the schema's models (game.inputs), and the schema only needs their names.
    from game.references import BUILTINS

    if name not in BUILTINS:
        raise ValueError(f"unknown built-in reference {shown_token(name)!r}; known:"
                         f" {', '.join(BUILTINS)}")
    return name


BuiltinName = Annotated[str, Rule(after=_known_builtin)]


class Strict:
    """The base of every table of the format: a frozen dataclass that pydantic validates
    when a pack is read (`game.pack.loader`) and that needs no pydantic to use.

    Unknown keys are refused, and every value is strict about its type (``vlen = "8"`` or
    ``8.0`` is an error, not 8). A table itself comes as a dict: only that is not strict."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid", "strict": True}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any,
                                     handler: "GetCoreSchemaHandler") -> "CoreSchema":
        schema = handler(source)
        if schema.get("type") == "dataclass":
            schema["strict"] = False  # type: ignore[typeddict-unknown-key]
        return schema


@dataclass(frozen=True, kw_only=True)
class MachineSpec(Strict):
    """The puzzle's machine; every knob left out keeps the take-home's value."""

    slot_limits: Annotated[dict[EngineName, Annotated[int, Rule(ge=0, le=1024)]], Rule(
        description="Slots per bundle for the engines named; the others keep their default."
    )] = field(default_factory=dict)
    vlen: Annotated[int, Rule(ge=1, le=64)] = 8
    scratch_size: Annotated[int, Rule(ge=1, le=MAX_SCRATCH_WORDS)] = 1536
    n_cores: Annotated[int, Rule(ge=1, le=16)] = 1
    allowed_ops: Annotated[list[Mnemonic] | None, Rule(
        description="Mnemonics of the only operations allowed (debug ops always are).")] = None
    forbidden_ops: Annotated[list[Mnemonic] | None, Rule(
        description="Mnemonics of operations this machine refuses.")] = None

    def __post_init__(self) -> None:
        if self.allowed_ops is not None and self.forbidden_ops is not None:
            raise ValueError("give allowed_ops or forbidden_ops, not both")

    def config(self, max_cycles: int = DEFAULT_MAX_CYCLES) -> MachineConfig:
        limits = {**DEFAULT_SLOT_LIMITS, **{Engine(k): v for k, v in self.slot_limits.items()}}
        allowed: frozenset[str] | None = None
        if self.allowed_ops is not None:
            allowed = frozenset(self.allowed_ops)
        elif self.forbidden_ops is not None:
            allowed = frozenset(BY_MNEMONIC) - frozenset(self.forbidden_ops)
        return MachineConfig(slot_limits=limits, vlen=self.vlen, scratch_size=self.scratch_size,
                             n_cores=self.n_cores, allowed_ops=allowed, max_cycles=max_cycles)


@dataclass(frozen=True, kw_only=True)
class WordsRegion(Strict):
    """Constant words."""

    kind: Literal["words"]
    name: RegionName
    values: Annotated[list[Word], Rule(min_length=1, max_length=MAX_MEMORY_WORDS)]

    @property
    def length(self) -> int:
        return len(self.values)


@dataclass(frozen=True, kw_only=True)
class ZerosRegion(Strict):
    """`count` words, all 0."""

    kind: Literal["zeros"]
    name: RegionName
    count: Annotated[int, Rule(ge=1, le=MAX_MEMORY_WORDS)]

    @property
    def length(self) -> int:
        return self.count


@dataclass(frozen=True, kw_only=True)
class RandomRegion(Strict):
    """`count` words, each `randint(min, max)` (both included) from the seed's generator."""

    kind: Literal["random"]
    name: RegionName
    count: Annotated[int, Rule(ge=1, le=MAX_MEMORY_WORDS)]
    min: Word = 0
    max: Word = WORD_MASK

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")

    @property
    def length(self) -> int:
        return self.count


@dataclass(frozen=True, kw_only=True)
class AddressRegion(Strict):
    """One word: the address of region `of`."""

    kind: Literal["address"]
    name: RegionName
    of: RegionName

    @property
    def length(self) -> int:
        return 1


@dataclass(frozen=True, kw_only=True)
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
    Rule(discriminator="kind"),
]


FILLS = ("zeros", "min", "max", "equal", "sorted", "reversed", "duplicates", "extremes")
"""Named generators of a test case: what they make of a random region's words, drawn
from the case's seed (`game.inputs.fill_words`): all 0, all the region's min, all its max,
all the first word drawn, the words sorted up, sorted down, only three distinct words,
and max and min alternating."""

Fill = Literal["zeros", "min", "max", "equal", "sorted", "reversed", "duplicates", "extremes"]
CaseName = Annotated[str, Rule(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.,=<>+-]*$", max_length=64)]


@dataclass(frozen=True, kw_only=True)
class TestCase(Strict):
    """A fixed test, run on every validation beside the seeds: an input at a boundary the
    puzzle's statement implies (0, 2^32-1, ties, duplicates, sorted input, ...).

    Its image is `seed`'s, with some random regions replaced: given word by word in
    `words`, or made by a generator named in `fill`."""

    __test__ = False  # not a pytest test class, whatever its name

    name: CaseName
    seed: Seed = 0
    words: Annotated[dict[RegionName, list[Word]], Rule(
        description="Exact words for random regions (all of them).")] = field(default_factory=dict)
    fill: Annotated[dict[RegionName, Fill], Rule(
        description=f"A named generator per random region: {FILLS}.")] = field(
        default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Reference(Strict):
    """Where the expected final memory comes from: exactly one of the three keys."""

    builtin: Annotated[BuiltinName | None, Rule(
        description="A reference implemented in game/.")] = None
    program: Annotated[Annotated[str, Rule(max_length=MAX_PROGRAM_CHARS)] | None, Rule(
        description="A .vasm program run on the puzzle's machine.")] = None
    expected: Annotated[dict[RegionName, list[Word]] | None, Rule(
        description="The words each checked region must hold, whatever the seed.")] = None

    def __post_init__(self) -> None:
        given = [k for k in ("builtin", "program", "expected") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of builtin, program or expected"
                             + (f", not {' and '.join(given)}" if given else ""))


@dataclass(frozen=True, kw_only=True)
class Mark(Strict):
    """A named reference point on a metric's histogram."""

    metric: Metric
    value: Annotated[int, Rule(ge=0)]
    label: Title


@dataclass(frozen=True, kw_only=True)
class Puzzle(Strict):
    """One puzzle: its machine, memory, tests, reference and scoring."""

    id: Identifier
    title: Title
    description: Text = ""
    machine: MachineSpec = field(default_factory=MachineSpec)
    memory: Annotated[list[Region], Rule(min_length=1, max_length=1000)]
    check: Annotated[list[RegionName], Rule(
        min_length=1, description="Regions of the final memory compared with the reference's.")]
    reference: Reference
    scored_seeds: Annotated[list[Seed], Rule(min_length=1, max_length=MAX_SEEDS)]
    robustness_seeds: Annotated[int, Rule(ge=0, le=MAX_SEEDS)] = 8
    cycle_limit: Annotated[Annotated[int, Rule(ge=1, le=MAX_CYCLE_LIMIT)] | None, Rule(
        description=("Cycles a test may take; by default scaled to the reference"
                     " (game.limits.default_cycle_limit)."))] = None
    cases: Annotated[list[TestCase], Rule(
        max_length=MAX_CASES, description="Fixed test cases, run on every validation.")] = field(
        default_factory=list)
    metrics: Annotated[list[Metric], Rule(
        min_length=1, max_length=3,
        description="Scores shown, in order; the first is the puzzle's primary metric.")] = field(
        default_factory=lambda: list(METRICS))
    marks: list[Mark] = field(default_factory=list)
    best: Annotated[dict[Metric, Annotated[int, Rule(ge=0)]], Rule(
        description="Best known score per metric.")] = field(default_factory=dict)
    targets: Annotated[dict[Metric, Annotated[int, Rule(ge=0)]], Rule(
        description=("Per-metric challenges shown in the statement and marked when the"
                     " player's best reaches them."))] = field(default_factory=dict)
    requires: Annotated[list[PuzzleRef], Rule(
        max_length=MAX_PUZZLES, description=(
            "Puzzles to solve before this one opens: ids in this pack, or pack/puzzle; none:"
            " it opens in play order."))] = field(default_factory=list)

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


@dataclass(frozen=True, kw_only=True)
class PackInfo(Strict):
    """The pack's own table: its id, title and who wrote it."""

    id: Identifier
    title: Title
    description: Text = ""
    author: Annotated[str, Rule(max_length=200)] = ""
    order: Annotated[int, Rule(ge=0, le=10_000, description=(
        "Where the pack stands among packs when browsing: lower first, ties by id."))] = 100


def _toml_key(name: str) -> str:
    """A pack's puzzles are `[[puzzle]]` tables in the file, `.puzzles` in Python."""
    return "puzzle" if name == "puzzles" else name


@dataclass(frozen=True, kw_only=True)
class Pack(Strict):
    """A whole pack file: its `[pack]` table and its puzzles in play order."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {
        **Strict.__pydantic_config__, "alias_generator": _toml_key, "validate_by_name": True}

    pack: PackInfo
    puzzles: Annotated[list[Puzzle], Rule(
        min_length=1, max_length=MAX_PUZZLES, description="The puzzles in play order.")]

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
    schema = validator(Pack).json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "vliw puzzle pack"
    return schema
