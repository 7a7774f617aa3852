"""Histograms take no points on trust: merge runs every point again, reading is strict.

A histogram file is shared between players, so everything in it is a claim:
merge keeps a point only with the scores its program measures now, and a
malformed file is one line and exit 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from game.catalog import Catalog
from game.histogram import (
    MAX_POINTS,
    MAX_PROGRAM_CHARS,
    METRICS,
    Histogram,
    HistogramError,
    Point,
    form_hash,
    read_histogram,
)
from game.histogram_build import build_histogram, histogram_path
from tests import test_cli_hist as cli
from tests.test_cli_hist import BY_ADDING, WRONG, build, run

TREE_KERNEL = "takehome/tree-kernel"
FORGED = {"cycles": 1, "instructions": 1, "scratch": 1}
pack = cli.pack
"""The pack of testpack/double, a fixture of the command line tests."""


def digest(n: int) -> str:
    return f"{n:064x}"


def compact(bundles: list) -> str:
    return json.dumps(bundles, separators=(",", ":"))


def write(path: Path, histogram: Histogram) -> Path:
    path.write_text(histogram.to_text())
    return path


def shipped_tree_kernel() -> Path:
    return histogram_path(Catalog().puzzle(TREE_KERNEL))


def merge(capsys, *paths: Path, output: Path, extra: tuple[str, ...] = ()) \
        -> tuple[int, str, str]:
    return run(capsys, "hist", "merge", *map(str, paths), "-o", str(output), *extra)


# --- merge runs every point again ---------------------------------------------------------------

def test_a_forged_point_without_a_program_is_dropped(capsys, tmp_path):
    forged = write(tmp_path / "forged.json",
                   Histogram.build(TREE_KERNEL, METRICS, [Point(digest(1), FORGED)]))
    output = tmp_path / "merged.json"
    code, out, err = merge(capsys, forged, shipped_tree_kernel(), output=output)
    assert code == 1
    merged = read_histogram(output)
    assert digest(1) not in {p.hash for p in merged.points}
    assert min(p.scores["cycles"] for p in merged.points) > 1
    shipped = len(read_histogram(shipped_tree_kernel()))
    lines = err.strip().splitlines()
    assert lines[0] == (f"merge: {shipped + 1} points read: {shipped} accepted, 0 re-scored,"
                        " 1 dropped (1 without a program)")
    assert lines[1] == (f"dropped {forged} points[0]: carries no program and is no shipped"
                        " solution")
    assert len(lines) == 2
    assert f"{len(merged)} distinct solutions of {TREE_KERNEL}" in out


def test_a_forged_point_with_a_do_nothing_program_is_dropped(capsys, tmp_path):
    halt = compact([{"flow": [["halt"]]}])
    forged = write(tmp_path / "forged.json", Histogram.build(
        TREE_KERNEL, METRICS, [Point(form_hash(halt), FORGED, halt)]))
    output = tmp_path / "merged.json"
    code, _, err = merge(capsys, forged, shipped_tree_kernel(), output=output)
    assert code == 1 and "1 dropped (1 failing)" in err
    assert f"dropped {forged} points[0]: program: case 'every value 0'" in err
    assert form_hash(halt) not in {p.hash for p in read_histogram(output).points}


def built(capsys, pack: Path, folder: Path, bundles: list, output: Path) -> Histogram:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "solution.json").write_text(json.dumps(bundles))
    code, _, _ = build(capsys, pack, folder, output)
    assert code == 0
    return read_histogram(output)


def test_build_writes_points_that_carry_their_program(capsys, pack, tmp_path):
    histogram = built(capsys, pack, tmp_path / "mine", BY_ADDING, tmp_path / "a.json")
    [point] = histogram.points
    assert point.program == compact(BY_ADDING)
    assert form_hash(point.program) == point.hash
    assert json.loads((tmp_path / "a.json").read_text())["points"][0]["program"] == point.program


def test_claimed_scores_are_replaced_by_the_measured_ones(capsys, pack, tmp_path):
    honest = built(capsys, pack, tmp_path / "mine", BY_ADDING, tmp_path / "a.json")
    [point] = honest.points
    lying = write(tmp_path / "b.json", Histogram.build(
        "testpack/double", METRICS, [Point(digest(7), FORGED, point.program)]))
    output = tmp_path / "c.json"
    code, out, err = merge(capsys, lying, tmp_path / "a.json", output=output,
                           extra=("--pack", str(pack)))
    assert code == 0
    assert err.strip() == "merge: 2 points read: 1 accepted, 1 re-scored, 0 dropped"
    [merged] = read_histogram(output).points
    assert (merged.hash, dict(merged.scores)) == (point.hash, dict(point.scores))
    assert dict(point.scores) == {"cycles": 4, "instructions": 5, "scratch": 4}
    assert merged.program == point.program  # the merged file can be merged again
    assert "1 distinct solutions of testpack/double (1 listed in more than one file)" in out


def test_a_point_whose_program_is_wrong_is_dropped(capsys, pack, tmp_path):
    built(capsys, pack, tmp_path / "mine", BY_ADDING, tmp_path / "a.json")
    wrong = compact(WRONG)
    bad = write(tmp_path / "b.json", Histogram.build(
        "testpack/double", METRICS, [Point(form_hash(wrong), FORGED, wrong),
                                     Point(digest(3), FORGED, "[{")]))
    output = tmp_path / "c.json"
    code, _, err = merge(capsys, tmp_path / "a.json", bad, output=output,
                         extra=("--pack", str(pack)))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == "merge: 3 points read: 1 accepted, 0 re-scored, 2 dropped (2 failing)"
    assert lines[1].startswith(f"dropped {bad} points[")
    assert lines[1].endswith("(and 1 more)") and len(lines) == 2
    assert len(read_histogram(output)) == 1


def test_an_old_file_is_read_and_only_its_shipped_solutions_survive_a_merge(capsys, tmp_path):
    shipped = read_histogram(shipped_tree_kernel())
    old = json.loads(Histogram.build(TREE_KERNEL, METRICS, [
        *shipped.points, Point(digest(1), FORGED)]).to_text())
    old.pop("score_rule", None)
    old["version"] = 1
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    other = write(tmp_path / "empty.json", Histogram.empty(TREE_KERNEL))
    output = tmp_path / "merged.json"
    code, _, err = merge(capsys, path, other, output=output)
    assert code == 1
    assert read_histogram(path).score_rule == 1  # still shown with `vliw hist --histogram`
    assert f"{len(shipped)} accepted, 0 re-scored, 1 dropped (1 without a program)" in err
    assert "(its file was written under score rule 1)" in err
    merged = read_histogram(output)
    assert merged.points == shipped.points and merged.score_rule == 2


def test_a_version_1_file_with_a_program_is_refused(tmp_path):
    data = json.loads(Histogram.build("p/q", METRICS, [
        Point(digest(1), FORGED, "[]")]).to_text())
    data["version"] = 1
    del data["score_rule"]
    path = tmp_path / "h.json"
    path.write_text(json.dumps(data))
    with pytest.raises(HistogramError, match=r"points\[0\].program: version 1 points carry"):
        read_histogram(path)


def test_the_shipped_histograms_carry_hashes_not_programs():
    data = json.loads(shipped_tree_kernel().read_text())
    assert data["version"] == 2 and data["score_rule"] == 2
    assert data["points"] and all("program" not in p for p in data["points"])


# --- reading is strict and bounded --------------------------------------------------------------

def valid() -> dict:
    return json.loads(Histogram.build(TREE_KERNEL, METRICS, [
        Point(digest(1), {"cycles": 1500, "instructions": 900, "scratch": 400})]).to_text())


def changed(key_path: tuple, value) -> str:
    data = valid()
    node = data
    for key in key_path[:-1]:
        node = node[key]
    node[key_path[-1]] = value
    return json.dumps(data)


def case(name: str, text: str, message: str):
    return pytest.param(text, message, id=name)


TOO_MANY = [{"hash": digest(i), **FORGED} for i in range(MAX_POINTS + 1)]


@pytest.mark.parametrize(("text", "message"), [
    case("scale-a-list", changed(("metrics", "cycles", "scale"), ["log"]),
         "metrics.cycles.scale: expected 'linear' or 'log', not a list"),
    case("huge-score", changed(("points", 0, "cycles"), 10**50),
         "points[0].cycles: expected at most 1000000000, not a number of more than 40 digits"),
    case("5000-digits", changed(("points", 0, "cycles"), 1500).replace("1500,", "9" * 5000 + ","),
         "invalid JSON: a number with too many digits"),
    case("huge-count", changed(("metrics", "cycles", "counts"), [2**70]),
         "metrics.cycles.counts[0]: expected at most 1000, not 1180591620717411303424"),
    case("bad-puzzle-id", changed(("puzzle",), "../../etc/passwd"),
         "puzzle: expected a puzzle id PACK/PUZZLE (a-z, 0-9 and '-'), not \"../../etc/passwd\""),
    case("program-not-a-string", changed(("points", 0, "program"), 7),
         "points[0].program: expected a string, not 7"),
    case("future-score-rule", changed(("score_rule",), 9),
         "score_rule: expected at most 2, not 9"),
    case("too-many-points", changed(("points",), TOO_MANY),
         "points: more than the 1,000 items allowed"),
    case("program-too-long", changed(("points", 0, "program"), "x" * (MAX_PROGRAM_CHARS + 1)),
         "points[0].program: more than the 4,194,304 characters allowed"),
])
def test_a_malformed_file_is_one_line_and_exit_2(capsys, tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    good = write(tmp_path / "good.json", Histogram.empty(TREE_KERNEL))
    for argv in (("hist", TREE_KERNEL, "--histogram", str(path)),
                 ("hist", "merge", str(good), str(path), "-o", str(tmp_path / "out.json"))):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "")
        assert err.strip() == f"vliw hist: {path}: {message}"
    assert not (tmp_path / "out.json").exists()


def test_a_histogram_of_an_unknown_puzzle_is_refused_by_merge(capsys, tmp_path):
    files = [write(tmp_path / f"{n}.json", Histogram.build("nopack/nopuzzle", METRICS, []))
             for n in "ab"]
    code, out, err = merge(capsys, *files, output=tmp_path / "c.json")
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
    assert err.startswith(f"vliw hist: {files[0]}: puzzle nopack/nopuzzle:")
    assert "nopack" in err.split("nopuzzle:", 1)[1]


def test_a_histogram_of_other_metrics_is_refused_by_merge(capsys, tmp_path):
    narrow = write(tmp_path / "a.json", Histogram.build(TREE_KERNEL, ("cycles",), []))
    code, _, err = merge(capsys, narrow, shipped_tree_kernel(), output=tmp_path / "c.json")
    assert code == 2 and err.strip() == (
        f"vliw hist: {narrow}: its metrics are cycles, but {TREE_KERNEL} has cycles,"
        " instructions, scratch")


def test_nothing_unreadable_back_is_written():
    many = Histogram.build("p/q", METRICS, [Point(digest(i), FORGED)
                                            for i in range(MAX_POINTS + 1)])
    with pytest.raises(HistogramError, match="1001 solutions are more than the 1000"):
        many.to_text()
    long = Histogram.build("p/q", METRICS, [Point(digest(1), FORGED,
                                                  "[" + " " * MAX_PROGRAM_CHARS + "]")])
    with pytest.raises(HistogramError, match="over the 4,194,304 a histogram point may carry"):
        long.to_text()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(capsys, tmp_path):
    fifo = tmp_path / "h.json"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "hist", TREE_KERNEL, "--histogram", str(fifo))
    assert (code, err.strip()) == (2, f"vliw hist: {fifo}: not a regular file")
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: outcome.append(catch(read_histogram, fifo)),
                              daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # blocked opening the FIFO: give it a writer so it ends
        with fifo.open("w"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert str(outcome[0]) == f"{fifo}: cannot read: is a named pipe (FIFO), not a regular file"


def catch(function, *args) -> BaseException:
    try:
        function(*args)
    except BaseException as error:
        return error
    return AssertionError("no error")


def test_build_does_not_count_a_program_too_long_to_carry(tmp_path):
    entry = Catalog().puzzle(TREE_KERNEL)
    huge = "[" + " " * MAX_PROGRAM_CHARS + "]"
    result = build_histogram(entry, [tmp_path / "long.vasm"],
                             measure=lambda _entry, _path: Point(digest(1), FORGED, huge))
    assert not result.counted
    assert result.skipped[0].reason.endswith(
        "over the 4,194,304 a histogram point may carry")


def test_scores_of_different_score_rules_are_not_merged():
    old = Histogram.build("p/q", METRICS, [Point(digest(1), FORGED)], score_rule=1)
    with pytest.raises(HistogramError, match="cannot merge scores of score rules 2 and 1"):
        Histogram.build("p/q", METRICS, []).merge(old)
