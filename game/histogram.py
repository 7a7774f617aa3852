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
programs agree: the SHA-256 of the program's take-home JSON form (the
bundles alone, engines in their meaningful order) with debug slots removed.
Comments, names, labels, declarations, the header and the text layout are
not part of that form, and debug slots never change a run, so reformatting or
renaming a solution, or adding comments or assertions, does not make a copy
look distinct. The order of engines within a bundle is part of it: it decides
which write wins when two slots write the same word.

JSON format, version 1 (what `to_json` writes and `from_json` reads; unknown
keys are rejected, and the counts and edges are checked against the points)::

    {
      "format": "vliw-histogram",
      "version": 1,
      "puzzle": "takehome/tree-kernel",
      "metrics": {                       # in the puzzle's order, primary first
        "cycles": {"scale": "log", "edges": [1000, 1200, ...], "counts": [0, 2, ...]},
        ...
      },
      "points": [                        # sorted by hash
        {"hash": "<64 hex digits>", "cycles": 1790, "instructions": 812, "scratch": 410},
        ...
      ]
    }

An empty histogram has no points and, for every metric, empty `edges` and
`counts`. Scores are whole numbers, lower is better.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from game.pack import METRICS
from machine.files import FileTooLarge, InputFileError, read_capped
from machine.isa import Engine
from machine.program import Program
from machine.takehome_json import program_to_json

FORMAT_NAME = "vliw-histogram"
FORMAT_VERSION = 1

MAX_BUCKETS = 24
LOG_RATIO = 10
"""Use logarithmic buckets when the largest score is at least this many times the smallest."""
LOG_GRIDS: tuple[tuple[int, ...], ...] = (
    (10, 12, 15, 20, 25, 30, 40, 50, 60, 80),
    (10, 20, 50),
    (10,),
)
"""Per-decade steps of the logarithmic grids, finest first (scaled by 10^k / 10)."""
MAX_HISTOGRAM_BYTES = 16 * 1024 * 1024
"""Histogram files larger than this are refused before being read."""

_HASH_PATTERN = re.compile(r"[0-9a-f]{64}")


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


def content_hash(program: Program) -> str:
    """The identity of a program's behaviour-relevant content (see the module docstring)."""
    bundles = program_to_json(program)
    canonical = [{engine: slots for engine, slots in bundle.items() if engine != Engine.DEBUG}
                 for bundle in bundles]
    text = json.dumps(canonical, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Point:
    """One distinct solution: its content hash and its score per metric."""

    hash: str
    scores: Mapping[str, int]

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

    @classmethod
    def build(cls, puzzle: str, metrics: Sequence[str], points: Iterable[Point]) -> Histogram:
        """A histogram over distinct points; a hash seen twice must carry the same scores."""
        metrics = tuple(metrics)
        if not metrics or len(set(metrics)) != len(metrics):
            raise HistogramError(f"metrics must be distinct and not empty: {list(metrics)}")
        by_hash: dict[str, Point] = {}
        for point in points:
            missing = [m for m in metrics if m not in point.scores]
            if missing:
                raise HistogramError(f"solution {point.hash[:12]} has no {missing[0]} score")
            kept = Point(point.hash, {m: point.scores[m] for m in metrics})
            earlier = by_hash.setdefault(point.hash, kept)
            if earlier.scores != kept.scores:
                metric = next(m for m in metrics if earlier.scores[m] != kept.scores[m])
                raise HistogramError(
                    f"solution {point.hash[:12]} is recorded with {metric} "
                    f"{earlier.scores[metric]} and {kept.scores[metric]}")
        ordered = tuple(sorted(by_hash.values(), key=lambda p: p.hash))
        bars = {m: _bars_for(m, [p.scores[m] for p in ordered]) for m in metrics}
        return cls(puzzle, metrics, ordered, bars)

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
        return Histogram.build(self.puzzle, self.metrics, self.points + other.points)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "puzzle": self.puzzle,
            "metrics": {
                m: {"scale": bar.scale.value, "edges": list(bar.edges), "counts": list(bar.counts)}
                for m, bar in self.bars.items()
            },
            "points": [{"hash": p.hash, **p.scores} for p in self.points],
        }

    def to_text(self) -> str:
        """The JSON text of a file: stable, one metric or point per line, so diffs stay short."""
        data = self.to_json()

        def block(items: list[str]) -> str:
            return "".join(f"\n    {item}{',' * (i < len(items) - 1)}"
                           for i, item in enumerate(items)) + "\n  "

        metrics = [f"{json.dumps(m)}: {json.dumps(bar)}" for m, bar in data["metrics"].items()]
        points = [json.dumps(point) for point in data["points"]]
        head = "".join(f"  {json.dumps(key)}: {json.dumps(data[key])},\n"
                       for key in ("format", "version", "puzzle"))
        return (f"{{\n{head}"
                f'  "metrics": {{{block(metrics)}}},\n'
                f'  "points": [{block(points) if points else ""}]\n}}\n')


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

class _Reader:
    """Checks the shape of decoded JSON and names the key path of anything wrong."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str) -> HistogramError:
        return HistogramError(f"{self.source}: {where}: {message}")

    def object(self, value: Any, where: str, required: Sequence[str],
               optional: Sequence[str] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, not {_describe(value)}")
        unknown = [k for k in value if k not in required and k not in optional]
        if unknown:
            raise self.fail(where, f"unknown key {unknown[0]!r}")
        missing = [k for k in required if k not in value]
        if missing:
            raise self.fail(where, f"missing key {missing[0]!r}")
        return value

    def list(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, not {_describe(value)}")
        return value

    def count(self, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(where, f"expected a whole number >= 0, not {_describe(value)}")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(where, f"expected a non-empty string, not {_describe(value)}")
        return value


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        text = json.dumps(value)
        return text if len(text) <= 40 else text[:37] + "..."
    return "an object" if isinstance(value, dict) else "a list"


def from_json(data: Any, source: str = "<histogram>") -> Histogram:
    """A histogram from decoded JSON, checked: its counts must be those of its points."""
    read = _Reader(source)
    top = read.object(data, "top level", ("format", "version", "puzzle", "metrics", "points"))
    if top["format"] != FORMAT_NAME:
        raise read.fail("format", f"expected {FORMAT_NAME!r}, not {_describe(top['format'])}")
    version = read.count(top["version"], "version")
    if version != FORMAT_VERSION:
        raise read.fail("version", f"this program reads version {FORMAT_VERSION}, not {version}")
    puzzle = read.text(top["puzzle"], "puzzle")
    metrics_data = read.object(top["metrics"], "metrics", (), METRICS)
    metrics = tuple(metrics_data)
    if not metrics:
        raise read.fail("metrics", "no metric")
    points = []
    for i, item in enumerate(read.list(top["points"], "points")):
        where = f"points[{i}]"
        entry = read.object(item, where, ("hash", *metrics))
        digest = entry["hash"]
        if not isinstance(digest, str) or not _HASH_PATTERN.fullmatch(digest):
            raise read.fail(f"{where}.hash", "expected 64 lowercase hex digits")
        points.append(Point(digest, {m: read.count(entry[m], f"{where}.{m}") for m in metrics}))
    seen: set[str] = set()
    for i, point in enumerate(points):
        if point.hash in seen:
            raise read.fail(f"points[{i}].hash", f"solution {point.hash[:12]} is listed twice")
        seen.add(point.hash)
    histogram = Histogram.build(puzzle, metrics, points)
    for metric in metrics:
        where = f"metrics.{metric}"
        entry = read.object(metrics_data[metric], where, ("scale", "edges", "counts"))
        _check_bars(read, where, entry, [p.scores[metric] for p in points])
    return histogram


def _check_bars(read: _Reader, where: str, entry: dict[str, Any], scores: list[int]) -> None:
    """The stored buckets must be well formed and count exactly the points."""
    if entry["scale"] not in {s.value for s in Scale}:
        raise read.fail(f"{where}.scale",
                        f"expected 'linear' or 'log', not {_describe(entry['scale'])}")
    edges = [read.count(v, f"{where}.edges[{i}]")
             for i, v in enumerate(read.list(entry["edges"], f"{where}.edges"))]
    counts = [read.count(v, f"{where}.counts[{i}]")
              for i, v in enumerate(read.list(entry["counts"], f"{where}.counts"))]
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise read.fail(f"{where}.edges", "edges must increase strictly")
    if len(edges) == 1:
        raise read.fail(f"{where}.edges", "one edge makes no bucket; use [] for none")
    if len(counts) != max(len(edges) - 1, 0):
        raise read.fail(f"{where}.counts",
                        f"{len(edges)} edges need {max(len(edges) - 1, 0)} counts, "
                        f"not {len(counts)}")
    stored = MetricHistogram("", Scale(entry["scale"]), tuple(edges), tuple(counts))
    actual = [0] * len(counts)
    for score in scores:
        position, bucket = stored.locate(score)
        if bucket is None:
            raise read.fail(f"{where}.edges", f"score {score} of a point lies {position.value} "
                            "every bucket")
        actual[bucket] += 1
    if actual != counts:
        index = next(i for i, (a, b) in enumerate(zip(actual, counts, strict=True)) if a != b)
        raise read.fail(f"{where}.counts[{index}]",
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
    except RecursionError:
        raise HistogramError(f"{path}: invalid JSON: nested too deeply") from None
    return from_json(data, str(path))
