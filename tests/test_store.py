"""The score store: one row per distinct solution, bests per metric, safe on disk."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from game.scoring import SCORE_RULE
from game.store import SCHEMA_VERSION, UNVERIFIED, ScoreStore, StoreError, default_path

PUZZLE = "takehome/tree-kernel"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def digest(n: int) -> str:
    return f"{n:064x}"


def scores(cycles: int, instructions: int, scratch: int) -> dict[str, int]:
    return {"cycles": cycles, "instructions": instructions, "scratch": scratch}


@pytest.fixture
def store(tmp_path: Path):
    with ScoreStore.open(tmp_path / "scores.sqlite3") as opened:
        yield opened


def row_count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM runs").fetchone()[0]


def test_the_default_database_is_in_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VLIW_HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / "scores.sqlite3"
    with ScoreStore.open() as opened:
        opened.record(PUZZLE, "a", digest(1), scores(100, 10, 5))
    assert (tmp_path / "home" / "scores.sqlite3").is_file()


def test_a_run_is_recorded_with_everything_the_issue_lists(store: ScoreStore) -> None:
    recorded = store.record(PUZZLE, "fast", digest(1), scores(1790, 900, 410), when=T0)
    run = recorded.run
    assert (run.puzzle, run.solution, run.content_hash) == (PUZZLE, "fast", digest(1))
    assert run.scores == scores(1790, 900, 410)
    assert run.first_run == run.last_run == T0 and run.run_count == 1
    assert recorded.new_content and recorded.previous_best == {}
    assert all(recorded.improved(m) for m in ("cycles", "instructions", "scratch"))
    assert store.runs(PUZZLE) == [run]


def test_the_same_content_again_updates_its_row_instead_of_adding_one(store: ScoreStore) -> None:
    store.record(PUZZLE, "first name", digest(1), scores(1790, 900, 410), when=T0)
    later = T0 + timedelta(hours=1)
    again = store.record(PUZZLE, "renamed", digest(1), scores(1790, 900, 410), when=later)
    assert not again.new_content
    assert (again.run.solution, again.run.first_run, again.run.last_run, again.run.run_count) == \
        ("renamed", T0, later, 2)
    assert not again.improved("cycles")
    assert row_count(store.path) == 1
    store.record("other/puzzle", "x", digest(1), scores(5, 5, 5))
    assert row_count(store.path) == 2  # uniqueness is per puzzle


def test_best_per_metric_may_come_from_different_solutions(store: ScoreStore) -> None:
    store.record(PUZZLE, "fast", digest(1), scores(1500, 5000, 900), when=T0)
    store.record(PUZZLE, "small", digest(2), scores(9000, 300, 100), when=T0)
    store.record("other/puzzle", "x", digest(3), scores(1, 1, 1), when=T0)
    best = store.best(PUZZLE)
    assert (best["cycles"].value, best["cycles"].solution) == (1500, "fast")
    assert (best["instructions"].value, best["instructions"].solution) == (300, "small")
    assert (best["scratch"].value, best["scratch"].content_hash) == (100, digest(2))
    assert store.best("nobody/ran-this") == {}
    assert store.puzzles() == ["other/puzzle", PUZZLE]


def test_a_tie_keeps_the_earlier_solution_as_best(store: ScoreStore) -> None:
    store.record(PUZZLE, "earlier", digest(9), scores(100, 10, 10), when=T0)
    tie = store.record(PUZZLE, "later", digest(1), scores(100, 10, 10), when=T0 + timedelta(1))
    assert not tie.improved("cycles")
    assert tie.best["cycles"].solution == "earlier"


def test_recording_reports_the_previous_best_and_what_improved(store: ScoreStore) -> None:
    store.record(PUZZLE, "a", digest(1), scores(2000, 500, 100), when=T0)
    better = store.record(PUZZLE, "b", digest(2), scores(1800, 600, 100), when=T0)
    assert better.previous_best["cycles"].value == 2000
    assert better.improved("cycles")
    assert not better.improved("instructions") and not better.improved("scratch")
    assert better.best["cycles"].solution == "b" and better.best["instructions"].solution == "a"


def test_the_store_as_a_histogram_of_the_players_distinct_solutions(store: ScoreStore) -> None:
    store.record(PUZZLE, "a", digest(1), scores(2000, 500, 100))
    store.record(PUZZLE, "a again", digest(1), scores(2000, 500, 100))
    store.record(PUZZLE, "b", digest(2), scores(1800, 600, 100))
    histogram = store.histogram(PUZZLE)
    assert len(histogram) == 2 and histogram.bars["cycles"].total == 2


def test_records_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    with ScoreStore.open(path) as first:
        first.record(PUZZLE, "a", digest(1), scores(100, 10, 5), when=T0)
    with ScoreStore.open(path) as second:
        assert [r.solution for r in second.runs()] == ["a"]
        assert second.best(PUZZLE)["cycles"].value == 100


def test_the_schema_is_versioned_and_the_journal_is_wal(store: ScoreStore) -> None:
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_record_changes_nothing(store: ScoreStore) -> None:
    store.record(PUZZLE, "a", digest(1), scores(100, 10, 5), when=T0)
    with pytest.raises(StoreError, match="cannot record"):
        store.record(PUZZLE, "a", digest(1), scores(-1, 10, 5))  # violates CHECK mid-transaction
    with pytest.raises(StoreError, match="needs a scratch score"):
        store.record(PUZZLE, "b", digest(2), {"cycles": 1, "instructions": 1})
    [run] = store.runs()
    assert (run.scores["cycles"], run.run_count) == (100, 1)
    store.record(PUZZLE, "b", digest(2), scores(50, 10, 5))  # the connection is still usable
    assert row_count(store.path) == 2


def test_two_connections_share_one_database(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    with ScoreStore.open(path) as one, ScoreStore.open(path) as two:
        one.record(PUZZLE, "a", digest(1), scores(100, 10, 5))
        two.record(PUZZLE, "a", digest(1), scores(100, 10, 5))
        assert one.runs()[0].run_count == 2


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version of vliw"):
        ScoreStore.open(path)


def test_a_foreign_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(StoreError, match="not a score database"):
        ScoreStore.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    path.write_bytes(b"this is not SQLite, just some text that happens to be here" * 20)
    with pytest.raises(StoreError, match=r"scores\.sqlite3: not a usable score database"):
        ScoreStore.open(path)


def test_an_unwritable_place_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot open the score database"):
        ScoreStore.open(blocker / "scores.sqlite3")


# --- the scoring rule of each row ---------------------------------------------------------------

VERSION_1 = """CREATE TABLE runs (
    puzzle TEXT NOT NULL, content_hash TEXT NOT NULL, solution TEXT NOT NULL,
    cycles INTEGER NOT NULL CHECK (cycles >= 0),
    instructions INTEGER NOT NULL CHECK (instructions >= 0),
    scratch INTEGER NOT NULL CHECK (scratch >= 0),
    first_run TEXT NOT NULL, last_run TEXT NOT NULL, run_count INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (puzzle, content_hash))"""


def a_version_1_store(path: Path) -> None:
    """A database as the first version of the store left it, with two runs."""
    with sqlite3.connect(path) as db:
        db.execute(VERSION_1)
        for n, cycles in ((1, 155), (2, 1790)):
            db.execute("INSERT INTO runs VALUES (?, ?, ?, ?, 10, 5, ?, ?, 1)",
                       (PUZZLE, digest(n), f"old {n}", cycles, T0.isoformat(), T0.isoformat()))
        db.execute("PRAGMA user_version = 1")
    db.close()


def test_a_version_1_store_is_migrated_and_its_rows_are_rule_1(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    a_version_1_store(path)
    with ScoreStore.open(path) as store:
        runs = store.runs(PUZZLE)
    assert SCHEMA_VERSION == 2
    assert sorted((run.solution, run.rule, run.verified) for run in runs) == [
        ("old 1", 1, False), ("old 2", 1, False)]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_runs_of_an_older_rule_are_listed_as_unverified_and_never_best(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    a_version_1_store(path)
    with ScoreStore.open(path) as store:
        assert store.rule == SCORE_RULE > 1
        assert store.best(PUZZLE) == {}
        assert len(store.histogram(PUZZLE)) == 0
        assert {run.status for run in store.runs(PUZZLE)} == {UNVERIFIED}
        assert UNVERIFIED == "unverified (older scoring rule)"
        recorded = store.record(PUZZLE, "new", digest(3), scores(2000, 20, 6), when=T0)
        assert recorded.previous_best == {}
        assert store.best(PUZZLE)["cycles"].value == 2000
        assert [p.hash for p in store.histogram(PUZZLE).points] == [digest(3)]


def test_recording_old_content_again_moves_its_row_to_the_current_rule(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    a_version_1_store(path)
    with ScoreStore.open(path) as store:
        store.record(PUZZLE, "old 2 again", digest(2), scores(1800, 10, 5), when=T0)
        [again] = [run for run in store.runs(PUZZLE) if run.content_hash == digest(2)]
        assert (again.rule, again.verified, again.status) == (SCORE_RULE, True, "")
        assert again.scores["cycles"] == 1800 and again.run_count == 2
        assert store.best(PUZZLE)["cycles"].solution == "old 2 again"


def test_a_store_of_an_older_rule_does_not_trust_the_current_rules_rows(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    with ScoreStore.open(path) as store:
        store.record(PUZZLE, "current", digest(1), scores(100, 1, 1), when=T0)
    with ScoreStore(path, rule=1) as older:
        older.record(PUZZLE, "older", digest(2), scores(200, 1, 1), when=T0)
        assert older.best(PUZZLE)["cycles"].solution == "older"
    with ScoreStore.open(path) as store:
        assert store.best(PUZZLE)["cycles"].solution == "current"
        assert {run.solution: run.rule for run in store.runs(PUZZLE)} == {
            "current": SCORE_RULE, "older": 1}


def test_a_name_with_bytes_that_are_not_utf8_is_recorded_escaped(store: ScoreStore) -> None:
    name = b"fast\xff".decode("utf-8", "surrogateescape")
    recorded = store.record(PUZZLE, name, digest(1), scores(100, 1, 1), when=T0)
    assert recorded.run.solution == "fast\\xff"


def test_vliw_hist_lists_runs_of_an_older_rule_as_unverified(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.cli import main

    monkeypatch.setenv("VLIW_HOME", str(tmp_path))
    path = default_path()
    a_version_1_store(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE runs SET puzzle = 'minimal/digits'")
    db.close()
    assert main(["hist", "minimal/digits", "--width", "60"]) == 0
    out = capsys.readouterr().out
    assert "your best" not in out
    assert "old 1: cycles 155, instructions 10, scratch 5, unverified (older scoring rule)" in out
    assert main(["hist", "minimal/digits", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["best"] == {}
    assert sorted(run["solution"] for run in shown["unverified"]) == ["old 1", "old 2"]
