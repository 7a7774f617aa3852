"""Validating many solution files of one puzzle: each distinct one once, several at a time.

What validating a file gives depends only on the puzzle, the program's identity
(`machine.identity.content_hash`: its bundles decide its runs, its robustness
seeds and its static scores) and the header lines checked against it (the
claimed scores and the puzzle it names). Files that agree on those -- their
*share key* -- share one validation: the first is run, the others take its
point. Byte-identical files are recognised without being parsed. A failure is
not shared, since its message names its file: each such file is validated on
its own (failures are few).

`jobs` > 1 runs the validations in a process pool, a batch of files at a time
(`batch_size`), while the files are still being read; each outcome is reported as
soon as it is known. `Remembered` keeps the share keys that passed in earlier builds,
with their scores, for the same puzzle, pack file and code: such files are
not run again. It lives in the user's cache folder (`cache_home`), not the
data folder: deleting it costs only time.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from game.catalog import PuzzleEntry
from game.histogram import Point, canonical_form, content_hash
from game.paths import atomic_write_text, cache_home, code_version
from game.scoring import CLAIM_KEYS
from machine.files import InputFileError, read_capped
from machine.loader import MAX_PROGRAM_BYTES, parse_program
from machine.program import Program, ProgramError

Measure = Callable[[PuzzleEntry, Path], Point]
"""How a file becomes a point, or why it does not: the InvalidSolution's message."""
Outcome = Point | str
"""A file's point, or the one-line reason it is not counted."""
Progress = Callable[[Path], None]


class InvalidSolution(Exception):
    """Why one solution file does not count: a one-line reason."""


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


MAX_BATCH = 16
"""Files sent to a worker at once at most: one message each way per batch, not per file
(a thousand small solutions spent about 0.2 s of CPU on messages alone)."""


def batch_size(files: int, jobs: int) -> int:
    """Files per batch: enough for eight batches a worker, so that they share the work out
    evenly to the end, and one at a time without workers."""
    return 1 if jobs <= 1 else max(1, min(MAX_BATCH, files // (jobs * 8)))


def measure_all(entry: PuzzleEntry, files: Sequence[Path], measure: Measure, jobs: int = 1,
                progress: Progress | None = None,
                remembered: Remembered | None = None) -> list[Outcome]:
    """Each file's outcome, in the order of `files`; `progress` is called once per file
    when its outcome is known, as soon as it is (while the files are still being read).
    BuildError (a broken reference) ends it."""
    runner = _runner(entry, measure, jobs)
    try:
        build = _Build(entry, files, runner, batch_size(len(files), jobs), progress, remembered)
        outcomes = build.run()
    finally:
        runner.shutdown(cancel_futures=True)
    if remembered is not None:
        for key, index in build.heads.items():
            outcome = outcomes[index]
            if isinstance(outcome, Point):
                remembered.add(key, outcome)
    return outcomes


class _Build:
    """The files of one build on their way to an outcome: read in order, each share key's
    first file (its head) sent to the runner in batches, the others waiting for it."""

    def __init__(self, entry: PuzzleEntry, files: Sequence[Path], runner: Executor,
                 size: int, progress: Progress | None, remembered: Remembered | None):
        self.files = files
        self.runner = runner
        self.size = size
        self.progress = progress
        self.remembered = remembered
        self.keys = _ShareKeys(entry)
        self.known: dict[str, Point] = {}
        """Share keys that passed in an earlier build."""
        self.outcomes: dict[int, Outcome] = {}
        self.heads: dict[str, int] = {}
        """The file validated for each share key."""
        self.followers: dict[int, list[int]] = {}
        """By head still being validated, the files of its share key that wait for it."""
        self.batch: list[int] = []
        """Files to validate, not yet sent."""
        self.finished: queue.SimpleQueue[tuple[list[int], Future[list[Outcome]]]] = \
            queue.SimpleQueue()
        self.waiting = 0
        """Batches sent whose outcomes are not settled yet."""

    def run(self) -> list[Outcome]:
        for index, path in enumerate(self.files):
            self.place(index, path)
            while self.receive(block=False):
                pass
        self.send()
        while self.waiting:
            self.receive(block=True)
            self.send()
        return [self.outcomes[index] for index in range(len(self.files))]

    def place(self, index: int, path: Path) -> None:
        """The file after its head, with its earlier pass, or to validate."""
        key, program = self.keys.of(path)
        if key is not None and key in self.heads:
            self.follow(self.heads[key], index)
            return
        if key is not None and key not in self.known and self.remembered and program:
            point = self.remembered.get(key, program)
            if point is not None:
                self.known[key] = point
        if key is not None and key in self.known:
            self.settle(index, self.known[key])
            return
        if key is not None:
            self.heads[key] = index
            self.followers[index] = []
        self.start(index)

    def settle(self, index: int, outcome: Outcome) -> None:
        self.outcomes[index] = outcome
        if self.progress is not None:
            self.progress(self.files[index])

    def start(self, index: int) -> None:
        self.batch.append(index)
        if len(self.batch) >= self.size:
            self.send()

    def send(self) -> None:
        if self.batch:
            sent, self.batch = self.batch, []
            self.waiting += 1
            future = self.runner.submit(_measure_each, [self.files[index] for index in sent])
            future.add_done_callback(lambda done: self.finished.put((sent, done)))

    def follow(self, head: int, index: int) -> None:
        """A file of the head's share key: it waits for the head, takes its pass, or is
        validated itself after a failure (whose message names the head's file)."""
        if head in self.followers:
            self.followers[head].append(index)
        elif isinstance(self.outcomes[head], Point):
            self.settle(index, self.outcomes[head])
        else:
            self.start(index)

    def receive(self, block: bool) -> bool:
        """Settles one finished batch, and the files that waited for it; False when none
        has finished (without `block`)."""
        try:
            sent, future = self.finished.get(block=block)
        except queue.Empty:
            return False
        self.waiting -= 1
        for index, outcome in zip(sent, future.result(), strict=True):
            self.settle(index, outcome)
            for follower in self.followers.pop(index, []):
                self.follow(index, follower)
        return True


class _ShareKeys:
    """The share key of each file (None when it cannot be read or parsed: then it is
    validated alone, and says why it fails), and its program when it was parsed."""

    def __init__(self, entry: PuzzleEntry):
        self.vlen = entry.puzzle.machine.vlen
        self.by_bytes: dict[bytes, str] = {}

    def of(self, path: Path) -> tuple[str | None, Program | None]:
        try:
            data = read_capped(path, MAX_PROGRAM_BYTES, "program")
            digest = hashlib.sha256(data).digest()
            if digest in self.by_bytes:
                return self.by_bytes[digest], None
            program = parse_program(data.decode("utf-8-sig"), str(path), self.vlen)
        except (OSError, InputFileError, UnicodeDecodeError, ProgramError):
            return None, None
        header = {k: v for k, v in program.header if k in CLAIM_KEYS or k == "puzzle"}
        text = json.dumps([content_hash(program), sorted(header.items())])
        key = self.by_bytes[digest] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return key, program


# --- running: here, or in worker processes ------------------------------------------------------

_worker: tuple[PuzzleEntry, Measure] | None = None
"""The puzzle and the way to measure, in this process (set once per worker)."""


def _start(entry: PuzzleEntry, measure: Measure) -> None:
    global _worker
    _worker = (entry, measure)


def _measure_each(paths: list[Path]) -> list[Outcome]:
    assert _worker is not None
    entry, measure = _worker
    outcomes: list[Outcome] = []
    for path in paths:
        try:
            outcomes.append(measure(entry, path))
        except InvalidSolution as error:
            outcomes.append(str(error))
    return outcomes


class _Here(Executor):
    """Runs each call at once, in this process: one job needs no pool."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        future: Future[Outcome] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _runner(entry: PuzzleEntry, measure: Measure, jobs: int) -> Executor:
    _start(entry, measure)
    if jobs <= 1:
        return _Here()
    return ProcessPoolExecutor(max_workers=jobs, initializer=_start, initargs=(entry, measure))


# --- what earlier builds validated --------------------------------------------------------------

FORMAT = "vliw-validated"
MAX_REMEMBERED = 100_000
"""Share keys kept per puzzle; past this the record starts again."""


@dataclass
class Remembered:
    """The share keys that passed on one puzzle, its pack file and this code, with their
    points (without programs). Anything unexpected in its file (another key, a broken
    file, a wrong shape) and it is ignored."""

    path: Path
    key: str
    points: dict[str, Point] = field(default_factory=dict)
    added: bool = False

    @classmethod
    def open(cls, entry: PuzzleEntry, folder: Path | None = None) -> Remembered:
        folder = folder or cache_home() / "validated"
        path = folder / entry.pack.id / f"{entry.puzzle.id}.json"
        key = _record_key(entry)
        record = cls(path, key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT and data.get("key") == key:
                record.points = dict(_points(data["passed"], entry.puzzle.metrics))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            record.points = {}
        return record

    def get(self, key: str, program: Program) -> Point | None:
        point = self.points.get(key)
        if point is None or point.hash != content_hash(program):
            return None
        return Point(point.hash, point.scores, canonical_form(program))

    def add(self, key: str, point: Point) -> None:
        if key not in self.points:
            self.points[key] = point.without_program()
            self.added = True

    def save(self) -> None:
        """Write the record if it grew (a failure to write only costs time next build)."""
        if not self.added:
            return
        points = dict(list(self.points.items())[-MAX_REMEMBERED:])
        text = json.dumps({"format": FORMAT, "key": self.key, "passed": {
            key: {"hash": p.hash, "scores": dict(p.scores)} for key, p in points.items()}})
        try:
            atomic_write_text(self.path, text)
        except OSError as error:
            print(f"note: {self.path}: not written: {error.strerror or error}", file=sys.stderr)


def _points(passed: dict[str, dict[str, object]], metrics: Sequence[str]
            ) -> Iterator[tuple[str, Point]]:
    for key, value in passed.items():
        scores = value["scores"]
        if not (isinstance(value["hash"], str) and isinstance(scores, dict)
                and sorted(scores) == sorted(metrics)
                and all(type(v) is int for v in scores.values())):
            raise ValueError("not a record of points")
        yield key, Point(value["hash"], scores)


def _record_key(entry: PuzzleEntry) -> str:
    """The puzzle, its pack file's content and the code that validates: a change to any
    of them and every file is validated again."""
    digest = hashlib.sha256(f"{entry.id}\n{sys.version}\n".encode())
    digest.update(entry.path.read_bytes())
    digest.update(code_version().encode("ascii"))
    return digest.hexdigest()
