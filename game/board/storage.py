"""What a board keeps: the distinct solutions of each puzzle and every accepted submission.

The service talks to a `Storage`; `SqliteStorage` is the one shipped. Only scores the
service measured itself reach it, so it holds no claim to check. A solution is keyed by
(puzzle, content hash): a second submission of the same program, however it is
formatted or named, adds a row to `submissions` but none to `solutions`, so it is not
counted twice. Rows carry the scoring rule they were measured under; rows of an older
rule are left out of histograms until the program is submitted again.

Another database plugs in by implementing the same six methods: a PostgreSQL storage
would hold the two tables below (with `INSERT ... ON CONFLICT (puzzle, hash) DO
NOTHING` in `record`, in one transaction) behind a connection pool, and be passed to
`game.board.app.create_app` in place of `SqliteStorage`; nothing else changes, and
several service processes on several machines can then share it.

SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout, and
every change is one transaction. Commits are synced to disk at checkpoints, not one by
one (`synchronous = NORMAL`): a crash of the service loses nothing and a power cut
corrupts nothing, though it may lose the last submissions; syncing each commit would
cost 3 ms a submission here. Methods are called from worker threads
(`asyncio.to_thread`), so one connection is shared behind a lock.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from game.histogram import Point
from game.pack import METRICS
from game.scoring import SCORE_RULE

SCHEMA_VERSION = 1
BUSY_TIMEOUT = 10.0
"""Seconds to wait for another process's lock on the database before giving up."""
MAX_NAME_CHARS = 40
"""A player's name as stored: cut to this many characters."""

_METRIC_COLUMNS = "".join(f"    {m} INTEGER NOT NULL CHECK ({m} >= 0),\n" for m in METRICS)
_SCHEMA = (
    "CREATE TABLE solutions (\n"
    "    puzzle     TEXT    NOT NULL,\n"
    "    hash       TEXT    NOT NULL,\n"
    "    rule       INTEGER NOT NULL,\n"
    f"{_METRIC_COLUMNS}"
    "    program    TEXT    NOT NULL,\n"
    "    first_name TEXT,\n"
    "    first_at   REAL    NOT NULL,\n"
    "    PRIMARY KEY (puzzle, hash)\n"
    ");\n"
    "CREATE TABLE submissions (\n"
    "    id     INTEGER PRIMARY KEY,\n"
    "    puzzle TEXT    NOT NULL,\n"
    "    hash   TEXT    NOT NULL,\n"
    "    name   TEXT,\n"
    "    at     REAL    NOT NULL\n"
    ");\n"
    "CREATE INDEX submissions_by_puzzle ON submissions (puzzle, hash);\n"
)


class StorageError(Exception):
    """The database cannot be opened or used: a one-line message naming it."""


@dataclass(frozen=True)
class Recorded:
    """What recording an accepted submission did."""

    point: Point
    """The solution as stored (its first measure under the current rule)."""
    new: bool
    """False when the same program was already counted for the puzzle."""
    solutions: int
    """Distinct solutions of the puzzle now."""


class Storage(Protocol):
    """Where a board keeps its solutions; every method is one transaction."""

    def record(self, puzzle: str, point: Point, name: str | None) -> Recorded:
        """Keep an accepted submission; its point must carry its program."""
        ...

    def points(self, puzzle: str) -> list[Point]:
        """The distinct solutions of a puzzle under the current rule, without programs."""
        ...

    def counts(self) -> dict[str, int]:
        """Distinct solutions per puzzle that has any."""
        ...

    def program(self, puzzle: str, digest: str) -> str | None:
        """The canonical form of a stored solution, or None."""
        ...

    def submissions(self, puzzle: str) -> int:
        """Accepted submissions of a puzzle, duplicates included."""
        ...

    def close(self) -> None: ...


class SqliteStorage:
    """`Storage` in one SQLite file."""

    def __init__(self, path: Path, rule: int = SCORE_RULE):
        self.path = path
        self.rule = rule
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                       check_same_thread=False)
            self._prepare()
        except sqlite3.Error as error:
            raise StorageError(f"{path}: cannot open the board's database: {error}") from None

    def _prepare(self) -> None:
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                for statement in _SCHEMA.split(";\n")[:-1]:  # executescript would commit
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version != SCHEMA_VERSION:
                raise StorageError(f"{self.path}: a board database of schema version "
                                   f"{version}; this program reads version {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _run(self, sql: str, parameters: tuple[object, ...] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: {error}") from None

    def record(self, puzzle: str, point: Point, name: str | None) -> Recorded:
        if point.program is None:
            raise ValueError("a board keeps the program of every solution it counts")
        name = None if name is None else name[:MAX_NAME_CHARS]
        scores = [point.scores[m] for m in METRICS]
        now = time.time()
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    stored = self._db.execute(
                        "SELECT rule FROM solutions WHERE puzzle = ? AND hash = ?",
                        (puzzle, point.hash)).fetchone()
                    new = stored is None or stored[0] != self.rule
                    if new:
                        self._db.execute(
                            f"INSERT OR REPLACE INTO solutions (puzzle, hash, rule, "
                            f"{', '.join(METRICS)}, program, first_name, first_at) "
                            f"VALUES (?, ?, ?, {', '.join('?' * len(METRICS))}, ?, ?, ?)",
                            (puzzle, point.hash, self.rule, *scores, point.program, name, now))
                    self._db.execute("INSERT INTO submissions (puzzle, hash, name, at) "
                                     "VALUES (?, ?, ?, ?)", (puzzle, point.hash, name, now))
                    row = self._db.execute(
                        f"SELECT {', '.join(METRICS)} FROM solutions WHERE puzzle = ? AND "
                        "hash = ?", (puzzle, point.hash)).fetchone()
                    count = self._db.execute(
                        "SELECT COUNT(*) FROM solutions WHERE puzzle = ? AND rule = ?",
                        (puzzle, self.rule)).fetchone()[0]
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: {error}") from None
        return Recorded(Point(point.hash, dict(zip(METRICS, row, strict=True))), new, count)

    def points(self, puzzle: str) -> list[Point]:
        rows = self._run(f"SELECT hash, {', '.join(METRICS)} FROM solutions "
                         "WHERE puzzle = ? AND rule = ? ORDER BY hash", (puzzle, self.rule))
        return [Point(row[0], dict(zip(METRICS, row[1:], strict=True))) for row in rows]

    def counts(self) -> dict[str, int]:
        rows = self._run("SELECT puzzle, COUNT(*) FROM solutions WHERE rule = ? "
                         "GROUP BY puzzle ORDER BY puzzle", (self.rule,))
        return dict(rows)

    def program(self, puzzle: str, digest: str) -> str | None:
        rows = self._run("SELECT program FROM solutions WHERE puzzle = ? AND hash = ? "
                         "AND rule = ?", (puzzle, digest, self.rule))
        return rows[0][0] if rows else None

    def submissions(self, puzzle: str) -> int:
        rows = self._run("SELECT COUNT(*) FROM submissions WHERE puzzle = ?", (puzzle,))
        return int(rows[0][0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

