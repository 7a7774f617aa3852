"""`vliw hist`: build, merge, show, record and rebuild, through the real command line."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from game.catalog import Catalog
from game.cli import hist_commands, main
from game.histogram import Histogram, from_json, read_histogram
from game.histogram_build import histogram_path, rebuild_shipped, write_rebuilt
from game.store import ScoreStore

PACK = """
[pack]
id = "testpack"
title = "Histogram tests"

[[puzzle]]
id = "double"
title = "Double a number"
scored_seeds = [1]
robustness_seeds = 1
check = ["out"]
memory = [
  { name = "x", kind = "words", values = [21] },
  { name = "out", kind = "zeros", count = 1 },
]
reference = { expected = { out = [42] } }

[[puzzle.marks]]
metric = "cycles"
value = 3
label = "the fastest anyone has done it"

[[puzzle]]
id = "other"
title = "Another puzzle"
scored_seeds = [1]
robustness_seeds = 0
check = ["out"]
memory = [{ name = "out", kind = "zeros", count = 1 }]
reference = { expected = { out = [0] } }
"""

# x lives at address 0, out at address 1.
BY_ADDING = [  # 4 cycles, 5 instructions, scratch 0..3
    {"load": [["const", 0, 0]]},
    {"load": [["load", 1, 0]]},
    {"alu": [["+", 2, 1, 1]], "load": [["const", 3, 1]]},
    {"store": [["store", 3, 2]]},
]
BY_MULTIPLYING = [  # 5 cycles, 6 instructions, scratch 0..4
    {"load": [["const", 0, 0], ["const", 4, 2]]},
    {"load": [["load", 1, 0]]},
    {"alu": [["*", 2, 1, 4]], "load": [["const", 3, 1]]},
    {"flow": []},
    {"store": [["store", 3, 2]]},
]
ADDING_RENAMED = """# puzzle: testpack/double
# name: adding, with names and comments

.scalar x_address
.scalar x
.scalar doubled
.scalar out_address

start:
    const x_address, 0      # x is the first word of memory
    load x, x_address
    add doubled, x, x || const out_address, 1
    store out_address, doubled
"""
"""BY_ADDING in .vasm: with names, comments and a label."""
WRONG = [  # stores x itself
    {"load": [["const", 0, 0], ["const", 3, 1]]},
    {"load": [["load", 1, 0]]},
    {"store": [["store", 3, 1]]},
]


def write_json(path: Path, bundles: list, indent: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(bundles, indent=indent))
    return path


@pytest.fixture
def pack(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("VLIW_HOME", str(tmp_path / "home"))
    path = tmp_path / "packs" / "testpack.toml"
    path.parent.mkdir()
    path.write_text(PACK)
    return path


@pytest.fixture
def solutions(tmp_path: Path) -> Path:
    """A broken file, a wrong solution, two copies of one solution, and another solution."""
    folder = tmp_path / "solutions"
    write_json(folder / "adding.json", BY_ADDING)
    (folder / "copies").mkdir()
    (folder / "copies" / "adding-renamed.vasm").write_text(ADDING_RENAMED)
    write_json(folder / "multiplying.json", BY_MULTIPLYING)
    write_json(folder / "wrong.json", WRONG)
    (folder / "broken.json").write_text('[{"load": [["const", 0, 0]]')
    (folder / "notes.txt").write_text("not a solution")
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def build(capsys, pack: Path, folder: Path, output: Path) -> tuple[int, str, str]:
    return run(capsys, "hist", "build", str(folder), "--puzzle", "testpack/double",
               "-o", str(output), "--pack", str(pack))


def test_build_counts_only_the_valid_distinct_solutions(capsys, pack, solutions, tmp_path):
    output = tmp_path / "double.json"
    code, out, err = build(capsys, pack, solutions, output)
    assert code == 0
    assert out.strip() == (f"{output}: 2 distinct solutions of testpack/double"
                           " (2 not counted, 1 duplicates)")
    err_lines = err.strip().splitlines()
    assert len(err_lines) == 3
    assert any("broken.json" in line and line.startswith("not counted:") for line in err_lines)
    assert any("wrong.json" in line and "should be 42, not 21" in line for line in err_lines)
    assert (f"counted once: {Path('copies/adding-renamed.vasm')} is the same program as"
            " adding.json") in err_lines
    histogram = read_histogram(output)
    assert histogram.puzzle == "testpack/double"
    assert sorted(p.scores["instructions"] for p in histogram.points) == [5, 6]
    data = json.loads(output.read_text())
    assert sum(data["metrics"]["cycles"]["counts"]) == 2
    assert all({"edges", "counts"} <= set(bars) for bars in data["metrics"].values())


def test_a_solution_of_another_puzzle_is_not_counted(capsys, pack, tmp_path):
    folder = tmp_path / "mixed"
    write_json(folder / "adding.json", BY_ADDING)
    (folder / "elsewhere.vasm").write_text("# puzzle: testpack/other\n")
    code, _, err = build(capsys, pack, folder, tmp_path / "h.json")
    assert code == 0 and len(read_histogram(tmp_path / "h.json")) == 1
    assert "names puzzle testpack/other, not testpack/double" in err


def test_merge_counts_a_shared_solution_once(capsys, pack, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_json(first / "adding.json", BY_ADDING)
    write_json(second / "adding-again.json", BY_ADDING, indent=2)
    write_json(second / "multiplying.json", BY_MULTIPLYING)
    build(capsys, pack, first, tmp_path / "a.json")
    build(capsys, pack, second, tmp_path / "b.json")
    code, out, _ = run(capsys, "hist", "merge", str(tmp_path / "a.json"),
                       str(tmp_path / "b.json"), "-o", str(tmp_path / "c.json"),
                       "--pack", str(pack))  # merge runs each point again: it needs the puzzle
    assert code == 0
    assert "2 distinct solutions of testpack/double (1 listed in more than one file)" in out
    merged = read_histogram(tmp_path / "c.json")
    assert len(merged) == 2 and merged.bars["cycles"].total == 2


def test_merging_histograms_of_different_puzzles_is_refused(capsys, pack, tmp_path):
    write_json(tmp_path / "a" / "adding.json", BY_ADDING)
    build(capsys, pack, tmp_path / "a", tmp_path / "a.json")
    other = json.loads((tmp_path / "a.json").read_text())
    other["puzzle"] = "testpack/other"
    (tmp_path / "b.json").write_text(json.dumps(other))
    code, _, err = run(capsys, "hist", "merge", str(tmp_path / "a.json"), str(tmp_path / "b.json"),
                       "-o", str(tmp_path / "c.json"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "different puzzles" in err and not (tmp_path / "c.json").exists()


def shipped_histogram(capsys, pack: Path, solutions: Path) -> Path:
    """Build the pack's own histogram beside it, as the shipped ones are."""
    entry = Catalog(extra_packs=[pack]).puzzle("testpack/double")
    path = histogram_path(entry)
    assert path == pack.parent / "histograms" / "testpack" / "double.json"
    build(capsys, pack, solutions, path)
    return path


def test_show_draws_the_histograms_marks_and_pareto_view(capsys, pack, solutions, tmp_path):
    shipped_histogram(capsys, pack, solutions)
    code, out, _ = run(capsys, "hist", "testpack/double", "--pack", str(pack), "--width", "80")
    assert code == 0
    assert out.startswith("testpack/double: Double a number\n")
    assert "cycles (linear scale, 2 recorded solutions)" in out
    assert "◆ 3 the fastest anyone has done it" in out
    assert "Pareto view: cycles by instructions" in out
    assert "◀ you" not in out and "your best" not in out
    assert not (tmp_path / "home").exists()  # only looking creates no data folder


def test_show_places_validates_and_records_a_solution(capsys, pack, solutions, tmp_path):
    shipped_histogram(capsys, pack, solutions)
    mine = write_json(tmp_path / "mine" / "fast.json", BY_ADDING, indent=1)
    argv = ("hist", "testpack/double", "--pack", str(pack), "--solution", str(mine))
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert out.count("◀ you") == 3
    assert "you: 5 instructions, better than 50% of recorded solutions (1 of 2, tied with 1)" \
        in out
    assert "your best: cycles 4 (fast), instructions 5 (fast), scratch 4 (fast)" in out
    run(capsys, *argv)
    with ScoreStore.open() as store:
        [recorded] = store.runs("testpack/double")
    assert (recorded.solution, recorded.run_count) == ("fast", 2)


def test_show_json_gives_standings_marks_and_the_pareto_front(capsys, pack, solutions, tmp_path):
    shipped_histogram(capsys, pack, solutions)
    mine = write_json(tmp_path / "mine.json", BY_MULTIPLYING)
    code, out, _ = run(capsys, "hist", "testpack/double", "--pack", str(pack),
                       "--solution", str(mine), "--json", "--no-record")
    assert code == 0
    data = json.loads(out)
    assert data["puzzle"] == "testpack/double" and data["solutions"] == 2
    player = data["metrics"]["instructions"]["player"]
    assert (player["value"], player["better_than"], player["ties"], player["total"]) == \
        (6, 0, 1, 2)
    assert data["metrics"]["cycles"]["marks"][0]["label"] == "the fastest anyone has done it"
    assert data["metrics"]["cycles"]["marks"][0]["position"] == "below"
    assert data["pareto"]["x"] == "cycles" and len(data["pareto"]["front"]) == 1
    assert data["player"]["hash"] not in data["pareto"]["front"]  # dominated by adding
    assert data["best"] == {}  # --no-record
    with ScoreStore.open() as store:
        assert store.runs() == []


def test_a_failing_solution_is_neither_placed_nor_recorded(capsys, pack, solutions, tmp_path):
    wrong = write_json(tmp_path / "wrong.json", WRONG)
    code, out, err = run(capsys, "hist", "testpack/double", "--pack", str(pack),
                         "--solution", str(wrong))
    assert code == 1 and out == ""
    assert err.startswith("vliw hist: not placed on the histograms:") and "should be 42" in err
    with ScoreStore.open() as store:
        assert store.runs() == []


def test_a_puzzle_without_histogram_shows_empty_histograms(capsys, pack):
    code, out, _ = run(capsys, "hist", "testpack/other", "--pack", str(pack))
    assert code == 0 and "cycles: no recorded solutions yet" in out


@pytest.mark.parametrize(("argv", "message"), [
    (("hist", "testpack/nope"), "has no puzzle 'nope'"),
    (("hist", "testpack/double", "--check"), "--check does not go with a puzzle"),
    (("hist", "merge", "a.json", "b.json"), "merge needs -o FILE.json"),
    (("hist", "merge", "a.json", "-o", "c.json"), "merge takes two or more histogram files"),
    (("hist", "build", "nowhere", "--puzzle", "testpack/double", "-o", "x.json"),
     "nowhere: no such folder"),
    (("hist", "build", ".", "-o", "x.json"), "build needs --puzzle"),
    (("hist", "rebuild", "extra"), "rebuild takes no paths"),
    (("hist", "testpack/double", "--width", "5"), "--width must be between"),
    (("hist", "testpack/double", "--solution", "missing.vasm"), "missing.vasm: no such file"),
    (("hist", "testpack/double", "--histogram", "missing.json"), "missing.json: no such file"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, pack, argv, message):
    extra = () if argv[1] in ("merge", "rebuild") else ("--pack", str(pack))
    code, out, err = run(capsys, *argv, *extra)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_tampered_shared_histogram_is_refused(capsys, pack, solutions, tmp_path):
    path = shipped_histogram(capsys, pack, solutions)
    data = json.loads(path.read_text())
    data["metrics"]["cycles"]["counts"][0] += 5
    shared = tmp_path / "shared.json"
    shared.write_text(json.dumps(data))
    code, _, err = run(capsys, "hist", "testpack/double", "--pack", str(pack),
                       "--histogram", str(shared))
    assert code == 2 and "metrics.cycles.counts[0]: says 6 but the points put 1" in err


def test_rebuild_finds_stale_and_orphaned_histograms_and_fixes_them(pack, solutions, tmp_path):
    catalog = Catalog(directory=pack.parent)
    shipped = tmp_path / "shipped"
    for name in ("adding.json", "multiplying.json"):
        write_json(shipped / "testpack" / "double" / name,
                   json.loads((solutions / name).read_text()))
    orphan = pack.parent / "histograms" / "testpack" / "gone.json"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("{}")

    results = rebuild_shipped(catalog, shipped)
    by_path = {r.path.name: r for r in results}
    assert set(by_path) == {"double.json", "other.json", "gone.json"}
    assert all(r.stale for r in results)
    assert len(read_histogram_text(by_path["double.json"].text)) == 2
    assert len(read_histogram_text(by_path["other.json"].text)) == 0

    write_rebuilt(results)
    assert not orphan.exists()
    assert not any(r.stale for r in rebuild_shipped(catalog, shipped))

    write_json(shipped / "testpack" / "double" / "copy.json", BY_ADDING, indent=3)
    assert not any(r.stale for r in rebuild_shipped(catalog, shipped))  # a copy counts once
    (shipped / "testpack" / "double" / "multiplying.json").unlink()
    stale = [r.path.name for r in rebuild_shipped(catalog, shipped) if r.stale]
    assert stale == ["double.json"]


def read_histogram_text(text: str | None) -> Histogram:
    assert text is not None
    return from_json(json.loads(text))


def test_rebuild_check_exits_1_when_stale_and_rebuild_makes_it_fresh(capsys, pack, solutions,
                                                                      tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    write_json(shipped / "testpack" / "double" / "adding.json", BY_ADDING)
    monkeypatch.setattr(hist_commands, "rebuild_shipped", functools.partial(
        rebuild_shipped, Catalog(directory=pack.parent), shipped))
    code, _, err = run(capsys, "hist", "rebuild", "--check")
    assert code == 1 and "double.json is stale" in err and "other.json is stale" in err
    assert not (pack.parent / "histograms").exists()  # --check writes nothing
    code, out, _ = run(capsys, "hist", "rebuild")
    assert code == 0 and "rebuilt" in out and (pack.parent / "histograms").is_dir()
    code, out, _ = run(capsys, "hist", "rebuild", "--check")
    assert code == 0 and out.strip() == "2 shipped histograms are up to date"
    write_json(shipped / "testpack" / "double" / "wrong.json", WRONG)
    code, _, err = run(capsys, "hist", "rebuild", "--check")
    assert code == 1 and "not counted:" in err and "wrong.json" in err
