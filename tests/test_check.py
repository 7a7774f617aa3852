"""`vliw check` through the real CLI: exit codes, messages, JSON, folders, shipped solutions."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_scoring import answers_only, starter_program

from game.catalog import Catalog
from game.cli import main
from game.paths import SOLUTIONS_DIR
from game.scoring import CLAIM_KEYS
from machine.loader import load_program
from machine.program import Program
from machine.takehome_json import program_to_json_text
from machine.vasm import format_program

TINY = "takehome/tree-tiny"
TINY_CYCLES = 1186
TINY_CASES = 7
"""tree-tiny's fixed cases: zeros, maxima, equal, duplicated and alternating words."""


def starter(**header: str) -> Program:
    return starter_program(4, 8).with_header(**header)


def write(path: Path, program: Program) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(program_to_json_text(program), encoding="utf-8")
    else:
        path.write_text(format_program(program), encoding="utf-8")
    return path


def check(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, dict]:
    code, out, err = check(capsys, *args, "--json")
    assert err == ""
    return code, json.loads(out)


def test_a_correct_solution_passes_with_exit_0_and_the_json_contract(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path / "s.vasm", starter(puzzle=TINY, cycles=str(TINY_CYCLES)))
    code, report = check_json(capsys, str(path))
    assert code == 0
    assert {"puzzle", "passed", "cycles", "instructions", "scratch", "tests"} <= set(report)
    assert (report["puzzle"], report["passed"], report["cycles"]) == (TINY, True, TINY_CYCLES)
    assert report["instructions"] == TINY_CYCLES and report["scratch"] == 32
    assert [t["kind"] for t in report["tests"]] == \
        ["case"] * TINY_CASES + ["scored"] * 3 + ["robustness"] * 8
    for test in report["tests"]:
        assert {"seed", "passed", "cycles", "fault", "mismatches"} <= set(test)
        assert test["passed"] and test["fault"] is None and test["mismatches"] == []
    code, out, _ = check(capsys, str(path))
    assert code == 0
    assert out.splitlines()[0] == (f"{TINY}: PASS  cycles {TINY_CYCLES}  instructions"
                                   f" {TINY_CYCLES}  scratch 32")
    assert re.search(r"robustness: 8 of 8 correct \(seeds( \d+){8}\)", out)


def test_the_puzzle_comes_from_the_option_the_header_or_the_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bare = write(tmp_path / "anywhere" / "s.vasm", starter())
    code, _, err = check(capsys, str(bare))
    assert code == 2
    assert err == (f"vliw check: {bare}: which puzzle? give --puzzle PACK/PUZZLE, a '# puzzle:'"
                   " header, or put the file in a folder PACK/PUZZLE/\n")
    assert check_json(capsys, str(bare), "--puzzle", TINY)[1]["passed"]
    in_folder = write(tmp_path / "takehome" / "tree-tiny" / "s.vasm", starter())
    assert check_json(capsys, str(in_folder))[1]["puzzle"] == TINY
    code, report = check_json(capsys, str(in_folder), "--puzzle", "takehome/tree-small")
    assert (code, report["puzzle"], report["passed"]) == (1, "takehome/tree-small", False)


def test_a_takehome_json_kernel_scores_the_same(tmp_path: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path / "takehome" / "tree-tiny" / "kernel.json", starter())
    code, report = check_json(capsys, str(path))
    assert (code, report["cycles"], report["instructions"]) == (0, TINY_CYCLES, TINY_CYCLES)


def test_a_wrong_solution_fails_with_exit_1_naming_test_address_and_values(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    text = format_program(starter(puzzle=TINY)).replace("const 27, 0xB55A4F09",
                                                        "const 27, 0xB55A4F08")
    path = tmp_path / "wrong.vasm"
    path.write_text(text, encoding="utf-8")
    code, out, _ = check(capsys, str(path), "--seeds", "1")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{TINY}: FAIL  cycles {TINY_CYCLES}")
    assert re.fullmatch(r"  case 'every value 0': word 22 \(values\[0\]\) should be \d+,"
                        r" not \d+ \(and 7 more wrong words\)", lines[1])
    assert re.fullmatch(r"  scored seed 1: word 22 \(values\[0\]\) should be \d+, not \d+"
                        r" \(and 7 more wrong words\)", lines[1 + TINY_CASES])
    assert "robustness: 0 of 1 correct" in out


def test_hard_coded_answers_fail_the_robustness_seeds(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    puzzle = Catalog().puzzle(TINY).puzzle
    path = write(tmp_path / "cheat.vasm", answers_only(puzzle, 1))
    code, report = check_json(capsys, str(path), "--puzzle", TINY, "--robustness-seed", "4",
                              "--robustness-seed", "5")
    assert code == 1
    assert [(t["seed"], t["kind"], t["passed"]) for t in report["tests"]] == [
        *[(0, "case", False)] * TINY_CASES,
        (1, "scored", True), (2, "scored", False), (3, "scored", False),
        (4, "robustness", False), (5, "robustness", False)]
    assert report["robustness_seeds"] == [4, 5]


def test_a_wrong_claim_fails_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path / "s.vasm", starter(puzzle=TINY, cycles="1000", scratch="32"))
    code, out, _ = check(capsys, str(path), "--seeds", "0")
    assert code == 1
    assert f"  the header claims cycles 1000, but it measures {TINY_CYCLES}" in out.splitlines()
    code, report = check_json(capsys, str(path), "--seeds", "0")
    assert report["claim_mismatches"] == [
        {"metric": "cycles", "claimed": 1000, "measured": TINY_CYCLES}]
    assert [t["passed"] for t in report["tests"]] == [True] * (TINY_CASES + 3)
    assert not report["passed"]


CONSTRAINED = '''\
[pack]
id = "tight"
title = "Tight"
[[puzzle]]
id = "seven"
title = "Write 7"
scored_seeds = [1]
check = ["out"]
reference = { expected = { out = [7] } }
memory = [ { name = "out", kind = "zeros", count = 1 } ]
[puzzle.machine]
allowed_ops = ["const", "store", "add"]
'''


def test_invalid_input_is_one_line_and_exit_2(tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    pack = tmp_path / "tight.toml"
    pack.write_text(CONSTRAINED, encoding="utf-8")
    multiply = tmp_path / "mul.vasm"
    multiply.write_text("const 0, 7\nconst 1, 1\nmul 2, 0, 1\nconst 3, 0\nstore 3, 0\n",
                        encoding="utf-8")
    garbage = tmp_path / "garbage.vasm"
    garbage.write_text("frobnicate 1, 2\n", encoding="utf-8")
    bad_claim = write(tmp_path / "claim.vasm", starter(puzzle=TINY, cycles="fast"))
    broken_pack = tmp_path / "broken.toml"
    broken_pack.write_text(CONSTRAINED.replace('title = "Write 7"', 'title = 7'),
                           encoding="utf-8")
    cases = {
        "forbidden op": ([str(multiply), "--pack", str(pack), "--puzzle", "tight/seven"],
                         rf"{re.escape(str(multiply))}:3:1: operation 'mul' is not allowed"),
        "unparsable": ([str(garbage), "--puzzle", TINY],
                       rf"{re.escape(str(garbage))}:1:1: unknown operation 'frobnicate'"),
        "unknown puzzle": ([str(multiply), "--puzzle", "takehome/nope"],
                           r"pack 'takehome' has no puzzle 'nope'"),
        "bad claim": ([str(bad_claim)],
                      rf"{re.escape(str(bad_claim))}: the header claims cycles 'fast'"),
        "broken pack": ([str(multiply), "--pack", str(broken_pack)],
                        rf"{re.escape(str(broken_pack))}:6: puzzle\[0\]\.title: input should be"
                        " a valid string"),
        "missing file": ([str(tmp_path / "nope.vasm"), "--puzzle", TINY],
                         rf"{re.escape(str(tmp_path / 'nope.vasm'))}: no such file"),
    }
    for case, (args, pattern) in cases.items():
        code, out, err = check(capsys, *args)
        assert code == 2, case
        assert out == "" and err.count("\n") == 1, (case, err)
        assert re.match(rf"vliw check: {pattern}", err), (case, err)
    allowed = tmp_path / "seven.vasm"
    allowed.write_text("const 0, 7\nconst 1, 0\nstore 1, 0\n", encoding="utf-8")
    assert check(capsys, str(allowed), "--pack", str(pack), "--puzzle", "tight/seven")[0] == 0


def test_nothing_in_a_solution_or_pack_is_executed(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    marker = tmp_path / "executed"
    payload = f"__import__('os').system('touch {marker}')"
    solution = tmp_path / "evil.vasm"
    solution.write_text(f"# puzzle: {TINY}\n{payload}\n", encoding="utf-8")
    pack = tmp_path / "evil.toml"
    pack.write_text(CONSTRAINED.replace('{ expected = { out = [7] } }',
                                        f'{{ builtin = "{payload}" }}'), encoding="utf-8")
    assert check(capsys, str(solution))[0] == 2
    assert check(capsys, str(solution), "--pack", str(pack))[0] == 2
    assert main(["pack", "lint", str(pack)]) == 2
    assert not marker.exists()


def test_a_folder_is_checked_as_a_table(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "solutions"
    write(folder / "takehome" / "tree-tiny" / "a.vasm", starter())
    write(folder / "takehome" / "tree-tiny" / "b.json", starter())
    code, out, err = check(capsys, str(folder), "--seeds", "1")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "solution                   puzzle              result  cycles  instructions  scratch",
        "takehome/tree-tiny/a.vasm  takehome/tree-tiny  pass      1186          1186       32",
        "takehome/tree-tiny/b.json  takehome/tree-tiny  pass      1186          1186       32",
        "2 of 2 solutions pass"]
    write(folder / "takehome" / "tree-small" / "c.vasm", starter())
    code, out, err = check(capsys, str(folder), "--seeds", "1")
    assert code == 1 and "2 of 3 solutions pass" in out
    assert err.startswith("takehome/tree-small/c.vasm: case 'every value 0': word 38 (values[0])")
    assert "takehome/tree-small/c.vasm: scored seed 1: word 38 (values[0])" in err
    (folder / "takehome" / "tree-tiny" / "d.vasm").write_text("nonsense here\n", "utf-8")
    code, report = check_json(capsys, str(folder), "--seeds", "1")
    assert code == 2 and not report["passed"]
    assert [(s["path"], s["passed"]) for s in report["solutions"]] == [
        ("takehome/tree-small/c.vasm", False), ("takehome/tree-tiny/a.vasm", True),
        ("takehome/tree-tiny/b.json", True), ("takehome/tree-tiny/d.vasm", False)]
    assert "unknown operation 'nonsense'" in report["solutions"][3]["error"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check(capsys, str(empty))[0] == 2


# --- every shipped solution ----------------------------------------------------

SHIPPED = sorted(p for p in SOLUTIONS_DIR.rglob("*") if p.suffix in (".vasm", ".json"))


@functools.cache
def shipped_report(path: Path) -> tuple[int, dict]:
    """`vliw check --json` of a shipped solution, run once per test session."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(path), "--json"])
    assert err.getvalue() == ""
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SOLUTIONS_DIR)))
def test_every_shipped_solution_passes_with_the_scores_it_claims(path: Path) -> None:
    if path.suffix == ".vasm":
        claims = load_program(path).metadata
        missing = [key for key in ("puzzle", "name", *CLAIM_KEYS) if key not in claims]
        assert not missing, f"{path} does not state {missing} in its header"
    code, report = shipped_report(path)
    assert code == 0, [t for t in report["tests"] if not t["passed"]] or report
    assert path.parent.relative_to(SOLUTIONS_DIR).as_posix() == report["puzzle"]


def test_the_takehome_puzzles_ship_a_baseline_and_a_vectorised_solution() -> None:
    for puzzle in Catalog().pack("takehome").puzzles:
        folder = SOLUTIONS_DIR / "takehome" / puzzle.id
        names = {p.stem for p in folder.glob("*.vasm")}
        assert "baseline" in names, folder
        assert len(names) >= 2, f"{folder}: a vectorised solution beside the baseline"


def test_the_full_size_baseline_scores_147734_cycles() -> None:
    code, report = shipped_report(SOLUTIONS_DIR / "takehome" / "tree-kernel" / "baseline.vasm")
    assert (code, report["cycles"]) == (0, 147734)


def test_the_full_size_puzzle_ships_a_packed_kernel_under_5000_cycles() -> None:
    folder = SOLUTIONS_DIR / "takehome" / "tree-kernel"
    cycles = [shipped_report(p)[1]["cycles"] for p in sorted(folder.glob("*.vasm"))]
    assert cycles and min(cycles) < 5000


def test_no_shipped_solution_beats_a_puzzles_best_known_score() -> None:
    """A pack's `best` is the best known: a better shipped solution means it is stale."""
    for entry in Catalog().entries():
        folder = SOLUTIONS_DIR / entry.pack.id / entry.puzzle.id
        for metric, best in entry.puzzle.best.items():
            shipped = [shipped_report(p)[1][metric] for p in sorted(folder.glob("*.vasm"))]
            assert all(score >= best for score in shipped), (entry.id, metric, shipped)


@pytest.mark.parametrize(("claimed", "code"), [(TINY_CYCLES, 0), (TINY_CYCLES - 1, 1)])
def test_the_installed_script_exits_with_checks_code_and_prints_everything(
        tmp_path: Path, claimed: int, code: int) -> None:
    """`vliw` runs game.cli.entry, which freezes objects out of the collection at exit: the
    exit code and the whole report must come through a real process exactly as main gives them."""
    path = write(tmp_path / "s.vasm", starter(puzzle=TINY, cycles=str(claimed)))
    done = subprocess.run([sys.executable, "-c", "from game.cli import entry; entry()",
                           "check", str(path), "--json"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == code, done.stderr
    report = json.loads(done.stdout)
    assert (report["puzzle"], report["cycles"]) == (TINY, TINY_CYCLES)
