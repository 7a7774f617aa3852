"""Score histograms: every bar counts real, validated, distinct solutions.

A `Histogram` belongs to one puzzle. Its source of truth is a set of
`Point`s, one per distinct solution (its content hash and its scores); the
buckets of each metric are derived from the points, so counts can never
disagree with the solutions they claim to count, and merging two histograms
is the union of their points (a solution present in both counts once).

Buckets. Bucket i of a metric holds the scores `edges[i] <= s < edges[i+1]`.
Edges lie on fixed grids, so histograms built anywhere line up:
- linear: multiples of a width of 1, 2 or 5 times a power of ten, the
  smallest that needs at most `MAX_BUCKETS` buckets;
- logarithmic, when the range is wide (the largest score at least
  `LOG_RATIO` times the smallest, as for the tree kernel's 1,000 to 150,000
  cycles): the values 10, 12, 15, 20, 25, 30, 40, 50, 60, 80 of each decade
  (or 10, 20, 50, or only the powers of ten, whichever first needs at most
  `MAX_BUCKETS` buckets).

Identity. Two files hold the same program when `content_hash` of their parsed
programs agree: the SHA-256 of the program's canonical form (`canonical_form`:
the take-home JSON form, compact, engines in their meaningful order, debug
slots removed). Comments, names, labels, declarations, the header and the
text layout are not part of that form, and debug slots never change a run, so
reformatting or renaming a solution, or adding comments or assertions, does
not make a copy look distinct. The order of engines within a bundle is part
of it: it decides which write wins when two slots write the same word.

Trust. A point's scores are claims until the program is run again:
`vliw hist merge` (`game.histogram_build.merge_checked`) re-validates every
point from the program it carries, or from the shipped solution with its
hash, and keeps only what it measured. Reading checks only the file's shape.

JSON format, version 2 (what `to_json` writes and `from_json` reads; read with
a pydantic model that forbids unknown keys and wrong types; the counts and
edges are checked against the points)::

    {
      "format": "vliw-histogram",
      "version": 2,
      "score_rule": 2,                   # game.scoring.SCORE_RULE the scores were measured by
      "puzzle": "takehome/tree-kernel",
      "source": {"solutions": 9, "corpus": 21},   # optional: what a shipped file is built from
      "metrics": {                       # in the puzzle's order, primary first
        "cycles": {"scale": "log", "edges": [1000, 1200, ...], "counts": [0, 2, ...]},
        ...
      },
      "points": [                        # sorted by hash
        {"hash": "<64 hex digits>", "cycles": 1790, "instructions": 812, "scratch": 410,
         "program": "[{\"load\":[[\"const\",0,0]]},...]"},
        ...
      ]
    }

`source` (optional) says how many of the points come from each folder a
shipped histogram is built from: the shipped solutions
(solutions/<pack>/<puzzle>/) and the offline corpus (corpus/<pack>/<puzzle>/,
programs written by `tools.corpus`); its counts add up to the points.

`program` (optional) is the point's canonical form as a string: a take-home
JSON program whose SHA-256 is the hash. `vliw hist build` and `merge` write
it, so that whoever merges the file can run the program again; the shipped
histograms (puzzles/histograms/) leave it out, since their programs are the
shipped solutions (solutions/<pack>/<puzzle>/), found by hash.

Version 1 (no `score_rule`, no `program`: scores measured by rule 1) is still
read, for showing; its points carry no program, so merge cannot re-validate
them unless they are shipped solutions.

Limits: a file holds at most `MAX_POINTS` points and `MAX_HISTOGRAM_BYTES`
bytes, a point's program at most `MAX_PROGRAM_CHARS` characters, a score at
most `MAX_SCORE`. `to_text` refuses to write what `from_json` would refuse
to read. An empty histogram has no points and, for every metric, empty
`edges` and `counts`. Scores are whole numbers, lower is better.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from game.pack import METRICS
from game.pack.schema import Metric
from game.scoring import SCORE_RULE
from machine.files import FileTooLarge, InputFileError, read_capped
from machine.identity import canonical_form as canonical_form  # histograms are keyed by it
from machine.identity import content_hash as content_hash
from machine.identity import form_hash as form_hash
from machine.program import Program

FORMAT_NAME = "vliw-histogram"
FORMAT_VERSION = 2
Version = Literal[1, 2]
"""The versions read; version 1 carried neither programs nor the score rule."""
READ_VERSIONS: tuple[int, ...] = get_args(Version)

MAX_BUCKETS = 24
LOG_RATIO = 10
"""Use logarithmic buckets when the largest score is at least this many times the smallest."""
LOG_GRIDS: tuple[tuple[int, ...], ...] = (
    (10, 12, 15, 20, 25, 30, 40, 50, 60, 80),
    (10, 20, 50),
    (10,),
)
"""Per-decade steps of the logarithmic grids, finest first (scaled by 10^k / 10)."""
Source = Literal["solutions", "corpus"]
SOURCES: tuple[str, ...] = get_args(Source)
"""The folders a shipped histogram is built from, in the order their programs count."""
MAX_HISTOGRAM_BYTES = 16 * 1024 * 1024
"""Histogram files larger than this are refused before being read."""
MAX_POINTS = 1000
"""Points in one file: merge runs each point's program again, so this bounds its time."""
MAX_PROGRAM_CHARS = 4 * 1024 * 1024
"""Characters of one point's program (the tree kernel's unrolled scalar program has 3.7
million in its canonical form)."""
MAX_SCORE = 10**9
"""Largest score read: cycle limits stop at 10^7, and no program or scratch comes near."""

_HASH_PATTERN = re.compile(r"[0-9a-f]{64}")
_PUZZLE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9-]{0,63}")


class HistogramError(ValueError):
    """A histogram that cannot be read, written or merged: a one-line message."""


class Scale(StrEnum):
    LINEAR = "linear"
    LOG = "log"


class Position(StrEnum):
    """Where a score lies relative to the buckets."""

    INSIDE = "inside"
    BELOW = "below"
    """Below the first edge: lower than every bucket (a new best when points exist)."""
    ABOVE = "above"
    """At or above the last edge: beyond every bucket (a new worst)."""
    EMPTY = "empty"
    """The histogram has no buckets at all."""


@dataclass(frozen=True)
class Point:
    """One distinct solution: its content hash, its score per metric and maybe its program."""

    hash: str
    scores: Mapping[str, int]
    program: str | None = field(default=None, compare=False, repr=False)
    """Its canonical form, so that others can run it again; None when not carried."""

    @classmethod
    def measured(cls, program: Program, scores: Mapping[str, int]) -> Point:
        """The point of a validated program, carrying its canonical form."""
        form = canonical_form(program)
        return cls(form_hash(form), scores, form)

    def without_program(self) -> Point:
        return Point(self.hash, self.scores)

    def dominates(self, other: Point, metrics: Sequence[str]) -> bool:
        """No worse in every metric and better in at least one (lower is better)."""
        mine = [self.scores[m] for m in metrics]
        theirs = [other.scores[m] for m in metrics]
        return all(a <= b for a, b in zip(mine, theirs, strict=True)) and mine != theirs


def _grid(steps: Sequence[int], decade: int) -> Iterator[int]:
    """The increasing values of a logarithmic grid from `decade` up, forever."""
    previous = 0
    while True:
        for step in steps:
            value = step * decade // 10
            if value > previous:
                yield value
                previous = value
        decade *= 10


def log_edges(lo: int, hi: int, steps: Sequence[int]) -> list[int]:
    """Grid values from the largest one <= lo to the smallest one > hi (1 <= lo <= hi)."""
    edges: list[int] = []
    for value in _grid(steps, 10 ** (len(str(lo)) - 1)):
        if value <= lo:
            edges = [value]
        else:
            edges.append(value)
            if value > hi:
                return edges
    raise AssertionError("unreachable: the grid is unbounded")


def linear_edges(lo: int, hi: int) -> list[int]:
    """Multiples of the smallest 1-2-5 width giving at most MAX_BUCKETS buckets."""
    width = 1
    while True:
        for factor in (1, 2, 5):
            step = width * factor
            start = lo - lo % step
            stop = hi - hi % step + step
            if (stop - start) // step <= MAX_BUCKETS:
                return list(range(start, stop + 1, step))
        width *= 10


def bucket_edges(values: Iterable[int]) -> tuple[Scale, list[int]]:
    """The scale and edges for a set of scores; no edges when there are no scores."""
    scores = list(values)
    if not scores:
        return Scale.LINEAR, []
    lo, hi = min(scores), max(scores)
    if lo >= 1 and hi >= LOG_RATIO * lo:
        for steps in LOG_GRIDS:
            edges = log_edges(lo, hi, steps)
            if len(edges) - 1 <= MAX_BUCKETS:
                return Scale.LOG, edges
        return Scale.LOG, edges
    return Scale.LINEAR, linear_edges(lo, hi)


@dataclass(frozen=True)
class Standing:
    """Where one score stands among the recorded solutions of a metric."""

    value: int
    position: Position
    bucket: int | None
    better_than: int
    """How many recorded solutions score strictly worse (higher)."""
    ties: int
    total: int

    @property
    def percent_better(self) -> float | None:
        """Share of recorded solutions this score beats, in percent; None when there are none."""
        return None if self.total == 0 else 100.0 * self.better_than / self.total

    @property
    def is_new_best(self) -> bool:
        return self.total > 0 and self.better_than == self.total

    @property
    def is_new_worst(self) -> bool:
        return self.total > 0 and self.better_than == 0 and self.ties == 0


@dataclass(frozen=True)
class MetricHistogram:
    """The buckets of one metric: `counts[i]` scores lie in `[edges[i], edges[i+1])`."""

    metric: str
    scale: Scale
    edges: tuple[int, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def locate(self, value: int) -> tuple[Position, int | None]:
        """The position of a score and, when inside, its bucket index."""
        if not self.edges:
            return Position.EMPTY, None
        if value < self.edges[0]:
            return Position.BELOW, None
        if value >= self.edges[-1]:
            return Position.ABOVE, None
        low, high = 0, len(self.edges) - 1  # invariant: edges[low] <= value < edges[high]
        while high - low > 1:
            middle = (low + high) // 2
            if self.edges[middle] <= value:
                low = middle
            else:
                high = middle
        return Position.INSIDE, low


@dataclass(frozen=True)
class Histogram:
    """The recorded solutions of one puzzle and their buckets per metric."""

    puzzle: str
    metrics: tuple[str, ...]
    points: tuple[Point, ...]
    """Sorted by hash; hashes are unique."""
    bars: Mapping[str, MetricHistogram] = field(compare=False)
    score_rule: int = SCORE_RULE
    """The scoring rule its scores were measured by (game.scoring.SCORE_RULE)."""
    source: Mapping[str, int] | None = field(default=None, compare=False)
    """Points per folder it was built from (SOURCES), for a shipped histogram; else None."""

    @classmethod
    def build(cls, puzzle: str, metrics: Sequence[str], points: Iterable[Point],
              score_rule: int = SCORE_RULE,
              source: Mapping[str, int] | None = None) -> Histogram:
        """A histogram over distinct points; a hash seen twice must carry the same scores."""
        metrics = tuple(metrics)
        if not metrics or len(set(metrics)) != len(metrics):
            raise HistogramError(f"metrics must be distinct and not empty: {list(metrics)}")
        by_hash: dict[str, Point] = {}
        for point in points:
            missing = [m for m in metrics if m not in point.scores]
            if missing:
                raise HistogramError(f"solution {point.hash[:12]} has no {missing[0]} score")
            kept = Point(point.hash, {m: point.scores[m] for m in metrics}, point.program)
            earlier = by_hash.setdefault(point.hash, kept)
            if earlier.scores != kept.scores:
                metric = next(m for m in metrics if earlier.scores[m] != kept.scores[m])
                raise HistogramError(
                    f"solution {point.hash[:12]} is recorded with {metric} "
                    f"{earlier.scores[metric]} and {kept.scores[metric]}")
        ordered = tuple(sorted(by_hash.values(), key=lambda p: p.hash))
        bars = {m: _bars_for(m, [p.scores[m] for p in ordered]) for m in metrics}
        if source is not None and sum(source.values()) != len(ordered):
            raise HistogramError(f"the source counts {sum(source.values())} programs, "
                                 f"but there are {len(ordered)} points")
        return cls(puzzle, metrics, ordered, bars, score_rule,
                   None if source is None else dict(source))

    @classmethod
    def empty(cls, puzzle: str, metrics: Sequence[str] = METRICS) -> Histogram:
        return cls.build(puzzle, metrics, ())

    def __len__(self) -> int:
        return len(self.points)

    def standing(self, metric: str, value: int) -> Standing:
        """Where `value` stands: its bucket and how many recorded solutions it beats."""
        position, bucket = self.bars[metric].locate(value)
        scores = [p.scores[metric] for p in self.points]
        return Standing(
            value=value,
            position=position,
            bucket=bucket,
            better_than=sum(1 for s in scores if s > value),
            ties=sum(1 for s in scores if s == value),
            total=len(scores),
        )

    def spanning(self, metric: str, values: Iterable[int]) -> MetricHistogram:
        """The metric's buckets widened to span `values` too (marks, the player's score).

        For display: every value shown then sits on a bucket, while the counts
        still count only the recorded solutions. With no solutions there are
        no buckets to widen.
        """
        scores = [p.scores[metric] for p in self.points]
        return _bars_for(metric, scores, values) if scores else self.bars[metric]

    def merge(self, other: Histogram) -> Histogram:
        """The union of two histograms of the same puzzle and metrics."""
        if other.puzzle != self.puzzle:
            raise HistogramError(
                f"cannot merge histograms of different puzzles: {self.puzzle} and {other.puzzle}")
        if other.metrics != self.metrics:
            raise HistogramError(
                f"cannot merge histograms with different metrics: "
                f"{', '.join(self.metrics)} and {', '.join(other.metrics)}")
        if other.score_rule != self.score_rule:
            raise HistogramError(f"cannot merge scores of score rules {self.score_rule} and "
                                 f"{other.score_rule}")
        return Histogram.build(self.puzzle, self.metrics, self.points + other.points,
                               self.score_rule)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "score_rule": self.score_rule,
            "puzzle": self.puzzle,
            **({} if self.source is None else {"source": dict(self.source)}),
            "metrics": {
                m: {"scale": bar.scale.value, "edges": list(bar.edges), "counts": list(bar.counts)}
                for m, bar in self.bars.items()
            },
            "points": [{"hash": p.hash, **p.scores,
                        **({} if p.program is None else {"program": p.program})}
                       for p in self.points],
        }

    def to_text(self) -> str:
        """The JSON text of a file: stable, one metric or point per line, so diffs stay short.

        HistogramError if the file would break a limit that reading enforces.
        """
        if len(self.points) > MAX_POINTS:
            raise HistogramError(f"{len(self.points)} solutions are more than the {MAX_POINTS} "
                                 "a histogram file may hold")
        for point in self.points:
            if point.program is not None and len(point.program) > MAX_PROGRAM_CHARS:
                raise HistogramError(
                    f"solution {point.hash[:12]}: its program has {len(point.program):,} "
                    f"characters, over the {MAX_PROGRAM_CHARS:,} a histogram point may carry")
        data = self.to_json()

        def block(items: list[str]) -> str:
            return "".join(f"\n    {item}{',' * (i < len(items) - 1)}"
                           for i, item in enumerate(items)) + "\n  "

        metrics = [f"{json.dumps(m)}: {json.dumps(bar)}" for m, bar in data["metrics"].items()]
        points = [json.dumps(point) for point in data["points"]]
        head = "".join(f"  {json.dumps(key)}: {json.dumps(data[key])},\n"
                       for key in ("format", "version", "score_rule", "puzzle", "source")
                       if key in data)
        text = (f"{{\n{head}"
                f'  "metrics": {{{block(metrics)}}},\n'
                f'  "points": [{block(points) if points else ""}]\n}}\n')
        if len(text) > MAX_HISTOGRAM_BYTES:  # the text is ASCII: one byte a character
            raise HistogramError(f"the file would have {len(text):,} bytes, over the "
                                 f"{MAX_HISTOGRAM_BYTES:,} a histogram file may have")
        return text


def _bars_for(metric: str, scores: Sequence[int], span: Iterable[int] = ()) -> MetricHistogram:
    scale, edges = bucket_edges([*scores, *span])
    counts = [0] * max(len(edges) - 1, 0)
    bars = MetricHistogram(metric, scale, tuple(edges), ())
    for score in scores:
        _, bucket = bars.locate(score)
        assert bucket is not None  # edges are built to hold every score
        counts[bucket] += 1
    return MetricHistogram(metric, scale, tuple(edges), tuple(counts))


def pareto_front(points: Sequence[Point], metrics: Sequence[str]) -> set[str]:
    """Hashes of the points no other point dominates in `metrics`."""
    ordered = sorted(points, key=lambda p: tuple(p.scores[m] for m in metrics))
    front: list[Point] = []
    for point in ordered:  # a dominator sorts before what it dominates
        if not any(kept.dominates(point, metrics) for kept in front):
            front.append(point)
    return {p.hash for p in front}


# --- reading -----------------------------------------------------------------------------------

def _hash_text(value: str) -> str:
    if not _HASH_PATTERN.fullmatch(value):
        raise ValueError("expected 64 lowercase hex digits")
    return value


def _puzzle_id(value: str) -> str:
    if not _PUZZLE_PATTERN.fullmatch(value):
        raise ValueError(f"expected a puzzle id PACK/PUZZLE (a-z, 0-9 and '-'), "
                         f"not {_describe(value)}")
    return value


Count = Annotated[int, Field(ge=0, le=MAX_POINTS)]
Score = Annotated[int, Field(ge=0, le=MAX_SCORE)]
Edge = Annotated[int, Field(ge=0, le=10 * MAX_SCORE)]
"""Edges reach past the largest score by one grid step: at most ten times it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Bars(_Strict):
    scale: Literal["linear", "log"]
    edges: Annotated[list[Edge], Field(max_length=MAX_BUCKETS + 1)]
    counts: Annotated[list[Count], Field(max_length=MAX_BUCKETS)]


class _Point(_Strict):
    """A point's metrics are optional here: which ones it needs is the file's `metrics`."""

    hash: Annotated[str, AfterValidator(_hash_text)]
    cycles: Score | None = None
    instructions: Score | None = None
    scratch: Score | None = None
    program: Annotated[str, Field(min_length=1, max_length=MAX_PROGRAM_CHARS)] | None = None


class _File(_Strict):
    format: Literal["vliw-histogram"]
    version: Version
    score_rule: Annotated[int, Field(ge=1, le=SCORE_RULE)] | None = None
    puzzle: Annotated[str, AfterValidator(_puzzle_id)]
    source: dict[Source, Count] | None = None
    metrics: Annotated[dict[Metric, _Bars], Field(min_length=1)]
    points: Annotated[list[_Point], Field(max_length=MAX_POINTS)]


def _where(loc: Sequence[str | int]) -> str:
    """A pydantic location as a key path: points[3].hash; the whole file is 'top level'."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return text.removeprefix(".") or "top level"


def _problem(detail: Any) -> str:
    """One pydantic error as 'key path: what is wrong'."""
    loc, kind, ctx = tuple(detail["loc"]), detail["type"], detail.get("ctx", {})
    if kind == "extra_forbidden":
        return f"{_where(loc[:-1])}: unknown key {loc[-1]!r}"
    if kind == "missing":
        return f"{_where(loc[:-1])}: missing key {loc[-1]!r}"
    if loc and loc[-1] == "[key]":
        return f"{_where(loc[:-2])}: unknown key {loc[-2]!r}"
    value = _describe(detail.get("input"))
    if loc == ("version",) and kind == "literal_error":
        message = (f"this program reads versions {' and '.join(map(str, READ_VERSIONS))}, "
                   f"not {value}")
    elif kind == "literal_error":
        message = f"expected {ctx['expected']}, not {value}"
    elif kind in ("int_type", "greater_than_equal"):
        message = f"expected a whole number >= 0, not {value}"
    elif kind == "less_than_equal":
        message = f"expected at most {ctx['le']}, not {value}"
    elif kind in ("too_long", "string_too_long"):
        what = "items" if kind == "too_long" else "characters"
        message = f"more than the {ctx['max_length']:,} {what} allowed"
    elif kind in ("too_short", "string_too_short"):
        message = "must not be empty"
    elif kind in _TYPE_NAMES:
        message = f"expected {_TYPE_NAMES[kind]}, not {value}"
    else:
        message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{_where(loc)}: {message}"


_TYPE_NAMES = {"string_type": "a string", "list_type": "a list", "dict_type": "an object",
               "model_type": "an object", "model_attributes_type": "an object"}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 10**40:
        return "a number of more than 40 digits"
    if isinstance(value, int | float | str):
        text = json.dumps(value)
        return text if len(text) <= 40 else text[:37] + "..."
    return "an object" if isinstance(value, dict) else "a list"


def from_json(data: Any, source: str = "<histogram>") -> Histogram:
    """A histogram from decoded JSON, checked: its counts must be those of its points."""
    try:
        top = _File.model_validate(data)
    except ValidationError as error:
        raise HistogramError(f"{source}: {_problem(error.errors(include_url=False)[0])}") \
            from None

    def fail(where: str, message: str) -> HistogramError:
        return HistogramError(f"{source}: {where}: {message}")

    if top.version == 1 and top.score_rule is not None:
        raise fail("top level", "unknown key 'score_rule' (version 1 has none)")
    if top.version > 1 and top.score_rule is None:
        raise fail("top level", f"missing key 'score_rule' (version {top.version} needs it)")
    metrics = tuple(top.metrics)
    points = []
    seen: set[str] = set()
    for i, entry in enumerate(top.points):
        where = f"points[{i}]"
        scores = {m: getattr(entry, m) for m in METRICS}
        extra = [m for m in METRICS if m not in metrics and scores[m] is not None]
        if extra:
            raise fail(where, f"unknown key {extra[0]!r} (not among the file's metrics)")
        missing = [m for m in metrics if scores[m] is None]
        if missing:
            raise fail(where, f"missing key {missing[0]!r}")
        if entry.program is not None and top.version == 1:
            raise fail(f"{where}.program", "version 1 points carry no program")
        if entry.hash in seen:
            raise fail(f"{where}.hash", f"solution {entry.hash[:12]} is listed twice")
        seen.add(entry.hash)
        points.append(Point(entry.hash, {m: scores[m] for m in metrics}, entry.program))
    if top.source is not None and sum(top.source.values()) != len(points):
        raise fail("source", f"counts {sum(top.source.values())} programs, but the file has "
                   f"{len(points)} points")
    histogram = Histogram.build(top.puzzle, metrics, points, top.score_rule or 1, top.source)
    for metric, bars in top.metrics.items():
        _check_bars(fail, f"metrics.{metric}", bars, [p.scores[metric] for p in points])
    return histogram


def _check_bars(fail: Callable[[str, str], HistogramError], where: str, bars: _Bars,
                scores: list[int]) -> None:
    """The stored buckets must be well formed and count exactly the points."""
    edges, counts = bars.edges, bars.counts
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise fail(f"{where}.edges", "edges must increase strictly")
    if len(edges) == 1:
        raise fail(f"{where}.edges", "one edge makes no bucket; use [] for none")
    if len(counts) != max(len(edges) - 1, 0):
        raise fail(f"{where}.counts",
                   f"{len(edges)} edges need {max(len(edges) - 1, 0)} counts, not {len(counts)}")
    stored = MetricHistogram("", Scale(bars.scale), tuple(edges), tuple(counts))
    actual = [0] * len(counts)
    for score in scores:
        position, bucket = stored.locate(score)
        if bucket is None:
            raise fail(f"{where}.edges", f"score {score} of a point lies {position.value} "
                       "every bucket")
        actual[bucket] += 1
    if actual != counts:
        index = next(i for i, (a, b) in enumerate(zip(actual, counts, strict=True)) if a != b)
        raise fail(f"{where}.counts[{index}]",
                   f"says {counts[index]} but the points put {actual[index]} in bucket "
                   f"[{edges[index]}, {edges[index + 1]})")


def read_histogram(path: Path) -> Histogram:
    """Load a histogram file; every problem is a HistogramError naming the file."""
    try:
        raw = read_capped(path, MAX_HISTOGRAM_BYTES, "histogram")
    except FileTooLarge as error:
        raise HistogramError(f"{path}: {error.size_text} bytes is over the limit of "
                             f"{MAX_HISTOGRAM_BYTES} bytes for a histogram file") from None
    except InputFileError as error:
        raise HistogramError(f"{path}: cannot read: {error.detail}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HistogramError(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise HistogramError(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") \
            from None
    except ValueError:  # an integer of more digits than Python converts
        raise HistogramError(f"{path}: invalid JSON: a number with too many digits") from None
    except RecursionError:
        raise HistogramError(f"{path}: invalid JSON: nested too deeply") from None
    return from_json(data, str(path))
