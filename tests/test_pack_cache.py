"""Packs read back from the cache: the same pack as the full reading, or the full reading.

The cache (`game.pack.cache`) lets `vliw check` skip the TOML parser and pydantic. A
pack read back must equal the pack validated from the file; an edited pack, a broken
one, a damaged or foreign entry, and a cache that cannot be written must each end as
the full reading ends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pack_fuzz import mutated_packs, write_toml

import game.pack.cache as pack_cache
import game.pack.loader
from game.pack import PackError, load_pack, parse_pack
from game.pack.cache import cached_pack
from game.paths import PUZZLES_DIR

SHIPPED = sorted(PUZZLES_DIR.glob("*.toml"))


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VLIW_CACHE", str(folder))
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "packs").glob("*.json"))


def no_full_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, path: str = "<pack>") -> None:
        raise AssertionError(f"{path} was read the full way")

    monkeypatch.setattr(game.pack.loader, "parse_pack", refuse)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_a_shipped_pack_read_back_is_the_pack_validated(path: Path, own_cache: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    validated = load_pack(path)
    assert cached_pack(path) == validated
    assert len(entries(own_cache)) == 1
    no_full_reading(monkeypatch)
    again = cached_pack(path)
    assert again == validated
    assert [p.machine_config() for p in again.puzzles] == \
        [p.machine_config() for p in validated.puzzles]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_pack_that_loads_reads_back_equal(data: st.DataObject) -> None:
    text, _ = write_toml(data.draw(mutated_packs()))
    try:
        validated = parse_pack(text)
    except PackError:
        return
    assert pack_cache.built(type(validated), pack_cache.asdict(validated)) == validated


def test_an_edited_pack_is_read_again(tmp_path: Path, own_cache: Path) -> None:
    path = tmp_path / "tutorial.toml"
    text = (PUZZLES_DIR / "tutorial.toml").read_text()
    path.write_text(text)
    cached_pack(path)
    path.write_text(text.replace('title = "', 'title = "Edited: ', 1))
    assert cached_pack(path).pack.title.startswith("Edited: ")
    path.write_text(text.replace("[[puzzle]]", "[[puzzle]]\nvlen = 3", 1))
    with pytest.raises(PackError, match="unknown key"):
        cached_pack(path)
    assert len(entries(own_cache)) == 2  # the broken text left no entry


def test_a_new_version_of_the_game_reads_the_pack_again(
        own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = PUZZLES_DIR / "minimal.toml"
    cached_pack(path)
    monkeypatch.setattr(pack_cache, "code_version", lambda: "another version")
    cached_pack(path)
    assert len(entries(own_cache)) == 2


@pytest.mark.parametrize("damage", [b"", b"{", b"[]", b"null", b'{"pack": 3}',
                                    b'{"pack": {"id": "x"}, "puzzles": []}', b"\xff\xfe",
                                    b'{"unknown": 1}', b"[" * 100_000])
def test_a_damaged_entry_is_passed_over_and_replaced(damage: bytes, own_cache: Path) -> None:
    path = PUZZLES_DIR / "vectors.toml"
    validated = cached_pack(path)
    [entry] = entries(own_cache)
    entry.write_bytes(damage)
    assert cached_pack(path) == validated
    assert entry.read_bytes() != damage


def test_a_cache_that_cannot_be_written_costs_only_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("VLIW_CACHE", str(blocker))
    path = PUZZLES_DIR / "takehome.toml"
    assert cached_pack(path) == load_pack(path)
