"""The player's score history: a SQLite database of every validated run.

One row per distinct solution of a puzzle: UNIQUE(puzzle, content_hash), so
running the same program again (even reformatted or renamed, see
`game.histogram.content_hash`) updates its row instead of adding one. A row
keeps the name the solution had at its latest run, its latest scores, when it
was first and last validated, and how many validated runs it has had. Only
passing runs are recorded: a failing run has no score worth keeping.

Every row records the scoring rule it was measured under (`game.scoring.SCORE_RULE`).
A row of an older rule is kept but not trusted: it is listed as `UNVERIFIED` and left
out of the bests and of the store's histogram, until the same program is recorded
again under the current rule (which updates the row).

The database lives at `<data_home>/scores.sqlite3` (`default_path`). It runs in
WAL mode and every change is one transaction, so a crash or a kill leaves the
previous state or the new one; several processes may open it at once, even while
the first of them is creating it (each waits up to `BUSY_TIMEOUT` for the others'
locks). Its schema is versioned with `PRAGMA user_version`: version 1 is migrated
(its rows get rule 1), a database written by a newer version is refused, not
guessed at.

    with ScoreStore.open() as store:
        store.record("takehome/tree-kernel", "fast", digest, {"cycles": 1790, ...})
        store.best("takehome/tree-kernel")["cycles"].value
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from game.histogram import Histogram, Point
from game.pack import METRICS
from game.paths import data_home
from game.scoring import SCORE_RULE
from machine.text import printable

SCHEMA_VERSION = 2
DATABASE_NAME = "scores.sqlite3"
BUSY_TIMEOUT = 10.0
"""Seconds a process waits for another one's lock (six first runs at once take well
under one) before the store gives up with "database is locked"."""
UNVERIFIED = "unverified (older scoring rule)"
"""How a run recorded under an older scoring rule is listed."""

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
_RULE_COLUMN = "rule INTEGER NOT NULL DEFAULT 1 CHECK (rule >= 1)"
"""Version 2 adds the scoring rule of each row; rows from version 1 were scored by rule 1."""


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
    rule: int
    """The scoring rule it was measured under."""
    verified: bool
    """Measured under the store's rule: counted in bests and histograms."""

    @property
    def status(self) -> str:
        """How a listing shows it: UNVERIFIED for a run of an older rule, else nothing."""
        return "" if self.verified else UNVERIFIED


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


def _run_from_row(row: sqlite3.Row, rule: int) -> Run:
    return Run(
        puzzle=row["puzzle"],
        content_hash=row["content_hash"],
        solution=row["solution"],
        scores={metric: row[metric] for metric in METRICS},
        first_run=datetime.fromisoformat(row["first_run"]),
        last_run=datetime.fromisoformat(row["last_run"]),
        run_count=row["run_count"],
        rule=row["rule"],
        verified=row["rule"] == rule,
    )


def _busy(error: sqlite3.OperationalError) -> bool:
    """Another connection holds a lock (the primary code, whatever the extended one)."""
    return error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class ScoreStore:
    """A connection to the score database; use it as a context manager to close it.

    `rule` is the scoring rule of the runs recorded through it and of the runs it
    trusts (the current one, unless a test plays an older version of the game).
    """

    def __init__(self, path: Path, rule: int = SCORE_RULE):
        self.path = path
        self.rule = rule
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"{path}: cannot open the score database: {error}") from None
        self._db.row_factory = sqlite3.Row
        try:
            self._prepare_patiently()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StoreError(f"{path}: not a usable score database: {error}") from None
        except BaseException:
            self._db.close()
            raise

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

    def _prepare_patiently(self) -> None:
        """`_prepare`, again after a short random pause while another process holds a lock.

        The busy timeout covers most waits, but SQLite answers "database is locked" at
        once where waiting could deadlock: switching a new file to WAL while another
        connection reads it, or upgrading a read to a write. Starting over is safe:
        `_prepare` changes nothing until its transaction commits.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self._prepare()
                return
            except sqlite3.OperationalError as error:
                if not _busy(error) or time.monotonic() > deadline:
                    raise
            time.sleep(random.uniform(0.005, 0.05))

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
                version = 1
            elif version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: written by a newer version of vliw (schema "
                                 f"{version}; this one knows {SCHEMA_VERSION})")
            if version == 1:
                self._db.execute(f"ALTER TABLE runs ADD COLUMN {_RULE_COLUMN}")
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def record(self, puzzle: str, solution: str, content_hash: str, scores: Mapping[str, int],
               when: datetime | None = None) -> Recorded:
        """Record one passing run under the store's rule; the same content again updates its
        row (name, scores, time, rule). The name is stored as `machine.text.printable`
        shows it: a file name's bytes that are not UTF-8 cannot be SQLite text."""
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
                                          first_run, last_run, rule)
                        VALUES (?, ?, ?, {", ".join("?" for _ in METRICS)}, ?, ?, ?)
                        ON CONFLICT (puzzle, content_hash) DO UPDATE SET
                            solution = excluded.solution,
                            {", ".join(f"{m} = excluded.{m}" for m in METRICS)},
                            last_run = excluded.last_run,
                            run_count = run_count + 1,
                            rule = excluded.rule""",
                    (puzzle, content_hash, printable(solution), *values.values(), moment, moment,
                     self.rule))
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
        return Recorded(_run_from_row(row, self.rule), not known, previous, best)

    def best(self, puzzle: str) -> dict[str, Best]:
        """The best score per metric on a puzzle among the runs of the store's rule (ties go
        to the earliest run); {} if none."""
        try:
            return self._best(puzzle)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the best scores: {error}") from None

    def _best(self, puzzle: str) -> dict[str, Best]:
        bests: dict[str, Best] = {}
        for metric in METRICS:
            row = self._db.execute(
                f"""SELECT solution, content_hash, {metric} AS value FROM runs
                    WHERE puzzle = ? AND rule = ?
                    ORDER BY {metric}, first_run, content_hash LIMIT 1""",
                (puzzle, self.rule)).fetchone()
            if row is not None:
                bests[metric] = Best(metric, row["value"], row["solution"], row["content_hash"])
        return bests

    def runs(self, puzzle: str | None = None) -> list[Run]:
        """Recorded runs, newest first; of one puzzle or of all; those of an older rule too,
        marked (`Run.verified`, `Run.status`)."""
        query = "SELECT * FROM runs" + (" WHERE puzzle = ?" if puzzle else "")
        query += " ORDER BY last_run DESC, puzzle, content_hash"
        try:
            rows = self._db.execute(query, (puzzle,) if puzzle else ()).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the runs: {error}") from None
        return [_run_from_row(row, self.rule) for row in rows]

    def puzzles(self) -> list[str]:
        """Every puzzle with at least one recorded run, sorted."""
        try:
            rows = self._db.execute("SELECT DISTINCT puzzle FROM runs ORDER BY puzzle").fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the puzzles: {error}") from None
        return [row[0] for row in rows]

    def histogram(self, puzzle: str, metrics: tuple[str, ...] = METRICS) -> Histogram:
        """The player's own distinct solutions of a puzzle as a histogram (to share or merge):
        only those measured under the store's rule."""
        return Histogram.build(puzzle, metrics, (Point(run.content_hash, run.scores)
                                                 for run in self.runs(puzzle) if run.verified))
