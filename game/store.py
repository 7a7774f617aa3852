"""The player's score history: a SQLite database of every validated run.

One row per distinct solution of a puzzle: UNIQUE(puzzle, content_hash), so
running the same program again (even reformatted or renamed, see
`game.histogram.content_hash`) updates its row instead of adding one. A row
keeps the name the solution had at its latest run, its latest scores, when it
was first and last validated, and how many validated runs it has had. Only
passing runs are recorded: a failing run has no score worth keeping.

The database lives at `<data_home>/scores.sqlite3` (`default_path`). It runs in
WAL mode and every change is one transaction, so a crash or a kill leaves the
previous state or the new one. Its schema is versioned with
`PRAGMA user_version`; a database written by a newer version is refused, not
guessed at.

    with ScoreStore.open() as store:
        store.record("takehome/tree-kernel", "fast", digest, {"cycles": 1790, ...})
        store.best("takehome/tree-kernel")["cycles"].value
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from game.histogram import Histogram, Point
from game.pack import METRICS
from game.paths import data_home

SCHEMA_VERSION = 1
DATABASE_NAME = "scores.sqlite3"

_METRIC_COLUMNS = "".join(f"    {m} INTEGER NOT NULL CHECK ({m} >= 0),\n" for m in METRICS)
_SCHEMA = (
    "CREATE TABLE runs (\n"
    "    puzzle       TEXT    NOT NULL,\n"
    "    content_hash TEXT    NOT NULL,\n"
    "    solution     TEXT    NOT NULL,\n"
    f"{_METRIC_COLUMNS}"
    "    first_run    TEXT    NOT NULL,\n"
    "    last_run     TEXT    NOT NULL,\n"
    "    run_count    INTEGER NOT NULL DEFAULT 1,\n"
    "    PRIMARY KEY (puzzle, content_hash)\n"
    ")"
)
"""Version 1. One column per metric; times are ISO 8601 in UTC."""


class StoreError(Exception):
    """The score database cannot be opened or used: a one-line message."""


def default_path() -> Path:
    return data_home() / DATABASE_NAME


@dataclass(frozen=True)
class Run:
    """One distinct solution of a puzzle as recorded."""

    puzzle: str
    content_hash: str
    solution: str
    scores: Mapping[str, int]
    first_run: datetime
    last_run: datetime
    run_count: int


@dataclass(frozen=True)
class Best:
    """The best score of one metric on one puzzle, and the solution that made it."""

    metric: str
    value: int
    solution: str
    content_hash: str


@dataclass(frozen=True)
class Recorded:
    """What recording a run changed: whether it was new, and the bests before and after."""

    run: Run
    new_content: bool
    previous_best: Mapping[str, Best]
    best: Mapping[str, Best]

    def improved(self, metric: str) -> bool:
        """True when this run set a strictly better score than any earlier run."""
        before = self.previous_best.get(metric)
        return before is None or self.run.scores[metric] < before.value


def _timestamp(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def _run_from_row(row: sqlite3.Row) -> Run:
    return Run(
        puzzle=row["puzzle"],
        content_hash=row["content_hash"],
        solution=row["solution"],
        scores={metric: row[metric] for metric in METRICS},
        first_run=datetime.fromisoformat(row["first_run"]),
        last_run=datetime.fromisoformat(row["last_run"]),
        run_count=row["run_count"],
    )


class ScoreStore:
    """A connection to the score database; use it as a context manager to close it."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"{path}: cannot open the score database: {error}") from None
        self._db.row_factory = sqlite3.Row
        try:
            self._prepare()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StoreError(f"{path}: not a usable score database: {error}") from None

    @classmethod
    def open(cls, path: Path | None = None) -> ScoreStore:
        """The database at `path`, by default the one in the player's data folder."""
        return cls(path or default_path())

    def __enter__(self) -> ScoreStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _prepare(self) -> None:
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("BEGIN IMMEDIATE")  # two processes opening a new file at once
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise StoreError(f"{self.path}: a SQLite database that is not a score "
                                     "database (it has tables but no schema version)")
                self._db.execute(_SCHEMA)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: written by a newer version of vliw (schema "
                                 f"{version}; this one knows {SCHEMA_VERSION})")
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._db.close()
            raise

    def record(self, puzzle: str, solution: str, content_hash: str, scores: Mapping[str, int],
               when: datetime | None = None) -> Recorded:
        """Record one passing run; the same content again updates its row (name, scores, time)."""
        missing = [m for m in METRICS if m not in scores]
        if missing:
            raise StoreError(f"a run of {puzzle} needs a {missing[0]} score")
        moment = _timestamp(when)
        values = {m: int(scores[m]) for m in METRICS}
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                previous = self._best(puzzle)
                known = self._db.execute(
                    "SELECT 1 FROM runs WHERE puzzle = ? AND content_hash = ?",
                    (puzzle, content_hash)).fetchone() is not None
                self._db.execute(
                    f"""INSERT INTO runs (puzzle, content_hash, solution, {", ".join(METRICS)},
                                          first_run, last_run)
                        VALUES (?, ?, ?, {", ".join("?" for _ in METRICS)}, ?, ?)
                        ON CONFLICT (puzzle, content_hash) DO UPDATE SET
                            solution = excluded.solution,
                            {", ".join(f"{m} = excluded.{m}" for m in METRICS)},
                            last_run = excluded.last_run,
                            run_count = run_count + 1""",
                    (puzzle, content_hash, solution, *values.values(), moment, moment))
                row = self._db.execute(
                    "SELECT * FROM runs WHERE puzzle = ? AND content_hash = ?",
                    (puzzle, content_hash)).fetchone()
                best = self._best(puzzle)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot record the run: {error}") from None
        return Recorded(_run_from_row(row), not known, previous, best)

    def best(self, puzzle: str) -> dict[str, Best]:
        """The best score per metric on a puzzle (ties go to the earliest run); {} if none."""
        try:
            return self._best(puzzle)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the best scores: {error}") from None

    def _best(self, puzzle: str) -> dict[str, Best]:
        bests: dict[str, Best] = {}
        for metric in METRICS:
            row = self._db.execute(
                f"""SELECT solution, content_hash, {metric} AS value FROM runs
                    WHERE puzzle = ? ORDER BY {metric}, first_run, content_hash LIMIT 1""",
                (puzzle,)).fetchone()
            if row is not None:
                bests[metric] = Best(metric, row["value"], row["solution"], row["content_hash"])
        return bests

    def runs(self, puzzle: str | None = None) -> list[Run]:
        """Recorded runs, newest first; of one puzzle or of all."""
        query = "SELECT * FROM runs" + (" WHERE puzzle = ?" if puzzle else "")
        query += " ORDER BY last_run DESC, puzzle, content_hash"
        try:
            rows = self._db.execute(query, (puzzle,) if puzzle else ()).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the runs: {error}") from None
        return [_run_from_row(row) for row in rows]

    def puzzles(self) -> list[str]:
        """Every puzzle with at least one recorded run, sorted."""
        try:
            rows = self._db.execute("SELECT DISTINCT puzzle FROM runs ORDER BY puzzle").fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the puzzles: {error}") from None
        return [row[0] for row in rows]

    def histogram(self, puzzle: str, metrics: tuple[str, ...] = METRICS) -> Histogram:
        """The player's own distinct solutions of a puzzle as a histogram (to share or merge)."""
        return Histogram.build(puzzle, metrics, (Point(run.content_hash, run.scores)
                                                 for run in self.runs(puzzle)))
