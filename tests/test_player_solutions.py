"""The player's named solutions: create, copy, rename, delete, atomic autosave."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.player_solutions import PlayerSolutions, SolutionError, check_name

PUZZLE = "takehome/tree-kernel"


@pytest.fixture
def store(tmp_path: Path) -> PlayerSolutions:
    return PlayerSolutions.in_home(tmp_path)


def test_files_live_under_the_data_home_in_pack_and_puzzle_folders(
        store: PlayerSolutions, tmp_path: Path) -> None:
    name = store.new(PUZZLE, "halt\n")
    assert name == "solution"
    path = tmp_path / "solutions" / "takehome" / "tree-kernel" / "solution.vasm"
    assert path.read_text() == "halt\n"
    assert store.read(PUZZLE, name) == "halt\n"


def test_vliw_home_chooses_the_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VLIW_HOME", str(tmp_path / "elsewhere"))
    PlayerSolutions.in_home().new(PUZZLE, "halt\n", "x")
    assert (tmp_path / "elsewhere" / "solutions" / "takehome" / "tree-kernel" / "x.vasm").exists()


def test_new_names_are_numbered_when_taken(store: PlayerSolutions) -> None:
    assert [store.new(PUZZLE) for _ in range(3)] == ["solution", "solution 2", "solution 3"]
    assert store.names(PUZZLE) == ["solution", "solution 2", "solution 3"]


def test_names_sort_case_insensitively_and_ignore_other_files(store: PlayerSolutions) -> None:
    for name in ("beta", "Alpha", "gamma"):
        store.new(PUZZLE, "", name)
    folder = store.folder(PUZZLE)
    (folder / "notes.txt").write_text("not a solution")
    (folder / ".beta.vasm.abc.tmp").write_text("a leftover temporary file")
    assert store.names(PUZZLE) == ["Alpha", "beta", "gamma"]


def test_an_unknown_puzzle_has_no_solutions(store: PlayerSolutions) -> None:
    assert store.names("pack/none") == []
    assert store.most_recent("pack/none") is None


def test_copy_keeps_the_text_under_a_new_name(store: PlayerSolutions) -> None:
    store.new(PUZZLE, "const 0, 1\n", "fast")
    assert store.copy(PUZZLE, "fast") == "fast copy"
    assert store.copy(PUZZLE, "fast") == "fast copy 2"
    assert store.copy(PUZZLE, "fast", "faster") == "faster"
    assert store.read(PUZZLE, "faster") == "const 0, 1\n"


def test_rename_moves_the_file(store: PlayerSolutions) -> None:
    store.new(PUZZLE, "halt\n", "old")
    store.rename(PUZZLE, "old", "new")
    assert store.names(PUZZLE) == ["new"]
    assert store.read(PUZZLE, "new") == "halt\n"


def test_rename_may_change_only_the_case(store: PlayerSolutions) -> None:
    store.new(PUZZLE, "halt\n", "loop")
    store.rename(PUZZLE, "loop", "Loop")
    assert store.names(PUZZLE) == ["Loop"]


def test_rename_refuses_a_taken_name_and_keeps_both(store: PlayerSolutions) -> None:
    store.new(PUZZLE, "one\n", "a")
    store.new(PUZZLE, "two\n", "b")
    with pytest.raises(SolutionError, match="already exists"):
        store.rename(PUZZLE, "a", "B")
    assert store.read(PUZZLE, "a") == "one\n"
    assert store.read(PUZZLE, "b") == "two\n"


def test_delete_removes_the_solution(store: PlayerSolutions) -> None:
    store.new(PUZZLE, "", "gone")
    store.delete(PUZZLE, "gone")
    assert store.names(PUZZLE) == []
    with pytest.raises(SolutionError, match="no solution named 'gone'"):
        store.delete(PUZZLE, "gone")
    with pytest.raises(SolutionError, match="no solution named 'gone'"):
        store.read(PUZZLE, "gone")


def test_most_recent_is_the_last_saved(store: PlayerSolutions) -> None:
    store.new(PUZZLE, "", "first")
    store.new(PUZZLE, "", "second")
    first = store.path(PUZZLE, "first")
    os.utime(first, ns=(first.stat().st_mtime_ns + 10**9, first.stat().st_mtime_ns + 10**9))
    assert store.most_recent(PUZZLE) == "first"


@pytest.mark.parametrize("name", ["", " lead", "trail ", "../escape", "a/b", "a\\b", ".hidden",
                                  "dot.", "x" * 65, "tab\there", "nul\0"])
def test_names_that_could_escape_or_confuse_are_refused(store: PlayerSolutions,
                                                         name: str) -> None:
    with pytest.raises(SolutionError):
        check_name(name)
    with pytest.raises(SolutionError):
        store.new(PUZZLE, "", name)
    assert not store.root.exists() or not any(store.root.rglob("*.vasm"))


@pytest.mark.parametrize("puzzle_id", ["takehome", "a/b/c", "../x", "a/..", "/abs"])
def test_puzzle_ids_must_be_pack_slash_puzzle(store: PlayerSolutions, puzzle_id: str) -> None:
    with pytest.raises(SolutionError, match="pack/puzzle"):
        store.new(puzzle_id, "")


def test_a_failed_save_leaves_the_previous_text_whole(store: PlayerSolutions,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    store.new(PUZZLE, "the old text\n", "kept")

    def crash(*args: object) -> None:
        raise OSError("disk vanished")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk vanished"):
        store.save(PUZZLE, "kept", "a new text that never lands\n")
    monkeypatch.undo()
    assert store.read(PUZZLE, "kept") == "the old text\n"
    assert [p.name for p in store.folder(PUZZLE).iterdir()] == ["kept.vasm"]


def test_undecodable_file_is_a_one_line_error(store: PlayerSolutions) -> None:
    store.new(PUZZLE, "", "bad")
    store.path(PUZZLE, "bad").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SolutionError, match="cannot read"):
        store.read(PUZZLE, "bad")
