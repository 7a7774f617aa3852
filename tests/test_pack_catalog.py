"""The catalog: packs and puzzles by id, added packs, broken packs, reloading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_pack import BASE

from game.catalog import Catalog, CatalogError, split_puzzle_id
from game.cli import main
from game.pack import PackError


def write_pack(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_puzzles_are_found_by_pack_and_puzzle_id(tmp_path: Path) -> None:
    write_pack(tmp_path, "demo", BASE)
    catalog = Catalog(tmp_path)
    entry = catalog.puzzle("demo/sevens")
    assert (entry.id, entry.index, entry.puzzle.title) == ("demo/sevens", 1, "Sevens")
    assert entry.path == tmp_path / "demo.toml"
    assert [e.id for e in catalog.entries()] == ["demo/walk", "demo/sevens"]


@pytest.mark.parametrize(("puzzle_id", "message"), [
    ("demo/seven", "pack 'demo' has no puzzle 'seven'; did you mean demo/sevens?"),
    ("dmeo/walk", "no pack 'dmeo'; did you mean demo?"),
    ("demo", "puzzle ids look like PACK/PUZZLE"),
    ("demo/walk/x", "puzzle ids look like PACK/PUZZLE"),
])
def test_unknown_ids_get_suggestions(tmp_path: Path, puzzle_id: str, message: str) -> None:
    write_pack(tmp_path, "demo", BASE)
    with pytest.raises(CatalogError) as caught:
        Catalog(tmp_path).puzzle(puzzle_id)
    assert str(caught.value).startswith(message)


def test_a_broken_pack_does_not_hide_the_others(tmp_path: Path) -> None:
    write_pack(tmp_path, "demo", BASE)
    write_pack(tmp_path, "broken", BASE.replace('id = "demo"', "id = 3"))
    write_pack(tmp_path, "misnamed", BASE)
    catalog = Catalog(tmp_path)
    packs, errors = catalog.load_all()
    assert [p.id for p in packs] == ["demo"]
    assert sorted(type(e).__name__ for e in errors) == ["CatalogError", "PackError"]
    with pytest.raises(PackError, match=r"broken.toml:2: pack.id: input should be a valid"):
        catalog.pack("broken")
    with pytest.raises(CatalogError, match=r"the pack's id is 'demo', but shipped packs must"
                                           r" be named after their id \(misnamed.toml\)"):
        catalog.pack("misnamed")


def test_an_added_pack_joins_or_replaces_the_shipped_ones(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    write_pack(shipped, "demo", BASE)
    elsewhere = write_pack(tmp_path, "my-copy", BASE.replace('title = "Sevens"',
                                                             'title = "Sevens, edited"'))
    other = write_pack(tmp_path, "other", BASE.replace('id = "demo"', 'id = "other"'))
    catalog = Catalog(shipped, extra_packs=[elsewhere, other])
    assert catalog.puzzle("demo/sevens").puzzle.title == "Sevens, edited"
    assert catalog.puzzle("demo/sevens").path == elsewhere
    assert catalog.puzzle("other/walk").path == other


def test_an_edited_pack_is_reloaded(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "demo", BASE)
    catalog = Catalog(tmp_path)
    assert catalog.puzzle("demo/sevens").puzzle.title == "Sevens"
    path.write_text(BASE.replace('title = "Sevens"', 'title = "Eights"'), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert catalog.puzzle("demo/sevens").puzzle.title == "Eights"


def test_split_puzzle_id() -> None:
    assert split_puzzle_id("takehome/tree-kernel") == ("takehome", "tree-kernel")


def test_puzzle_list_names_every_puzzle(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    extra = write_pack(tmp_path, "extra", BASE.replace('id = "demo"', 'id = "extra"'))
    assert main(["puzzle", "list", "--pack", str(extra)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  takehome/tree-kernel  The tree kernel: 256 walkers, 16 rounds, a tree of height 10" \
        in out
    assert out[-3:] == ["extra: Demo pack", "  extra/walk  A small walk", "  extra/sevens  Sevens"]
    assert main(["puzzle", "list", "--pack", str(tmp_path / "nope.toml")]) == 2
    assert capsys.readouterr().err == f"vliw puzzle: {tmp_path / 'nope.toml'}: no such pack file\n"


def test_packs_are_browsed_in_their_declared_order(tmp_path: Path) -> None:
    write_pack(tmp_path, "demo", BASE)
    later = BASE.replace('id = "demo"', 'id = "alpha"', 1)
    assert later != BASE
    write_pack(tmp_path, "alpha", later.replace("[pack]\n", "[pack]\norder = 200\n", 1))
    write_pack(tmp_path, "beta", BASE.replace('id = "demo"', 'id = "beta"', 1))
    packs, errors = Catalog(tmp_path).load_all()
    assert not errors
    assert [pack.id for pack in packs] == ["beta", "demo", "alpha"]


def test_the_tutorial_comes_first_among_shipped_packs() -> None:
    packs, _ = Catalog().load_all()
    assert packs[0].id == "tutorial"
