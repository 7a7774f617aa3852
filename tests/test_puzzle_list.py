"""`vliw puzzle list --json`: the catalogue as tools read it, one object per puzzle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from game.catalog import Catalog
from game.cli import main

KEYS = {"id", "pack", "title", "metrics", "machine", "cases"}
MACHINE_KEYS = {"slot_limits", "vlen", "scratch_size", "n_cores", "allowed_ops"}

CONSTRAINED = '''\
[pack]
id = "tight"
title = "Tight"
order = 5

[[puzzle]]
id = "double"
title = "Double it"
metrics = ["instructions", "cycles"]
scored_seeds = [1]
check = ["out"]
memory = [
  { name = "x", kind = "random", count = 1, max = 100 },
  { name = "out", kind = "zeros", count = 1 },
]
reference.program = """
.scalar a
.scalar b
const a, 0
load b, a
add b, b, b
const a, 1
store a, b
"""
cases = [{ name = "zero", words = { x = [0] } }, { name = "top", fill = { x = "max" } }]

[puzzle.machine]
slot_limits = { alu = 1, valu = 0 }
vlen = 4
scratch_size = 16
n_cores = 2
forbidden_ops = ["mul", "multiply_add"]

[[puzzle]]
id = "few"
title = "Few ops"
scored_seeds = [1]
check = ["out"]
memory = [{ name = "out", kind = "zeros", count = 1 }]
reference = { expected = { out = [0] } }

[puzzle.machine]
allowed_ops = ["store", "const", "add"]
'''


def listing(capsys: pytest.CaptureFixture, *args: str) -> list[dict[str, Any]]:
    assert main(["puzzle", "list", "--json", *args]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    result = json.loads(out)
    assert isinstance(result, list)
    return result


def test_every_shipped_puzzle_is_listed_once_in_browsing_order(
        capsys: pytest.CaptureFixture) -> None:
    puzzles = listing(capsys)
    catalog = Catalog()
    packs, errors = catalog.load_all()
    assert errors == []
    assert [p["id"] for p in puzzles] == [f"{pack.id}/{puzzle.id}" for pack in packs
                                         for puzzle in pack.puzzles]
    orders = [catalog.pack(p["pack"]).pack.order for p in puzzles]
    assert orders == sorted(orders)
    assert puzzles[-1]["id"] == "takehome/tree-kernel"  # the final exam comes last
    for puzzle in puzzles:
        assert set(puzzle) == KEYS and set(puzzle["machine"]) == MACHINE_KEYS
        assert puzzle["id"] == f"{puzzle['pack']}/{puzzle['id'].split('/')[1]}"


def test_the_takehome_machine_and_cases_are_reported(capsys: pytest.CaptureFixture) -> None:
    by_id = {p["id"]: p for p in listing(capsys)}
    kernel = by_id["takehome/tree-kernel"]
    assert kernel["metrics"] == ["cycles", "instructions", "scratch"]
    assert kernel["machine"] == {
        "slot_limits": {"alu": 12, "valu": 6, "load": 2, "store": 2, "flow": 1},
        "vlen": 8, "scratch_size": 1536, "n_cores": 1, "allowed_ops": None}
    assert kernel["cases"] == 7
    assert by_id["takehome/tree-gather"]["cases"] == 11


def test_a_constrained_machine_is_reported_as_it_runs(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    pack = tmp_path / "tight.toml"
    pack.write_text(CONSTRAINED, encoding="utf-8")
    by_id = {p["id"]: p for p in listing(capsys, "--pack", str(pack))}
    double, few = by_id["tight/double"], by_id["tight/few"]
    assert (double["pack"], double["title"], double["metrics"], double["cases"]) == (
        "tight", "Double it", ["instructions", "cycles"], 2)
    machine = double["machine"]
    assert machine["slot_limits"] == {"alu": 1, "valu": 0, "load": 2, "store": 2, "flow": 1}
    assert (machine["vlen"], machine["scratch_size"], machine["n_cores"]) == (4, 16, 2)
    allowed = machine["allowed_ops"]
    assert allowed == sorted(allowed) and "add" in allowed
    assert not {"mul", "multiply_add", "comment", "compare"} & set(allowed)  # debug ops always run
    assert few["machine"]["allowed_ops"] == ["add", "const", "store"]
    assert few["cases"] == 0
    assert list(by_id).index("tight/double") < list(by_id).index("tutorial/add-two")  # order 5


def test_without_json_the_listing_stays_text(capsys: pytest.CaptureFixture) -> None:
    assert main(["puzzle", "list"]) == 0
    out = capsys.readouterr().out
    assert "  takehome/tree-kernel  " in out and not out.lstrip().startswith("[")
