"""Authoring packs: `vliw pack new` makes a pack `vliw pack test` passes; what makes it fail."""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path

import pytest

from game.authoring import (
    STARTER_PUZZLE,
    AuthoringError,
    new_pack,
    pack_test,
    solutions_root,
)
from game.cli import main
from game.paths import PUZZLES_DIR, SOLUTIONS_DIR


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def starter(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    """A pack made by `vliw pack new fizz`, in a folder of its own."""
    code, out, _ = run(capsys, "pack", "new", "fizz", "--dir", str(tmp_path))
    assert code == 0
    path = tmp_path / "fizz.toml"
    assert f"wrote {path}" in out
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the starter pack ------------------------------------------------------------------------

def test_a_new_pack_passes_pack_test_unchanged(starter: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "pack", "test", str(starter))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["puzzle", "reference", "solutions", "best", "cycles", "best",
                                "instructions", "best", "scratch"]
    assert lines[1].split() == ["fizz/sum", "ok", "1", "of", "1", "6", "11", "14"]
    assert lines[-1] == f"{starter}: PASS: 1 of 1 puzzles hold"


def test_a_new_pack_is_commented_and_lints_clean(starter: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    text = starter.read_text(encoding="utf-8")
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 20
    assert "docs/authoring.md" in text
    data = tomllib.loads(text)
    puzzle = data["puzzle"][0]
    assert data["pack"]["id"] == "fizz" and puzzle["id"] == STARTER_PUZZLE
    assert "program" in puzzle["reference"]
    assert run(capsys, "pack", "lint", str(starter))[0] == 0


def test_the_new_solution_is_checked_by_vliw_check_with_the_pack_from_anywhere(
        starter: Path, capsys: pytest.CaptureFixture) -> None:
    solution = starter.parent / "solutions" / "fizz" / STARTER_PUZZLE / "vectorised.vasm"
    code, out, _ = run(capsys, "check", "--pack", str(starter), str(solution))
    assert code == 0 and out.startswith("fizz/sum: PASS  cycles 6")
    code, out, _ = run(capsys, "check", "--pack", str(starter), str(starter.parent / "solutions"))
    assert code == 0 and "1 of 1 solutions pass" in out


def test_the_reference_takes_the_cycles_its_mark_says(starter: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    puzzle = tomllib.loads(starter.read_text(encoding="utf-8"))["puzzle"][0]
    reference = starter.parent / "reference.vasm"
    reference.write_text(puzzle["reference"]["program"], encoding="utf-8")
    code, out, _ = run(capsys, "check", "--pack", str(starter), "--puzzle", "fizz/sum",
                       str(reference))
    assert code == 0
    assert f"cycles {puzzle['marks'][0]['value']} " in out


def test_pack_new_never_overwrites(starter: Path, capsys: pytest.CaptureFixture) -> None:
    before = starter.read_text(encoding="utf-8")
    code, out, err = run(capsys, "pack", "new", "fizz", "--dir", str(starter.parent))
    assert (code, out) == (2, "")
    assert err == f"vliw pack: {starter} already exists; choose another name or folder\n"
    assert starter.read_text(encoding="utf-8") == before


def test_pack_new_refuses_an_existing_solution_before_writing_anything(tmp_path: Path) -> None:
    solution = tmp_path / "solutions" / "fizz" / STARTER_PUZZLE / "vectorised.vasm"
    solution.parent.mkdir(parents=True)
    solution.write_text("mine", encoding="utf-8")
    with pytest.raises(AuthoringError, match="already exists"):
        new_pack("fizz", tmp_path)
    assert not (tmp_path / "fizz.toml").exists()
    assert solution.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(("name", "title", "message"), [
    ("Fizz", None, "'Fizz' cannot be a pack id"),
    ("../up", None, "'../up' cannot be a pack id"),
    ("-x", None, "'-x' cannot be a pack id"),
    ("fizz", "", "'' cannot be a title"),
    ("fizz", "t" * 201, "cannot be a title"),
])
def test_pack_new_refuses_bad_ids_and_titles(tmp_path: Path, name: str, title: str | None,
                                             message: str) -> None:
    with pytest.raises(AuthoringError, match=message):
        new_pack(name, tmp_path, title)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("title", ['Say "hi"', "back\\slash", "tab\there", "été ✓", "del\x7fete",
                                   "'''", '"""'])
def test_any_title_is_written_exactly(tmp_path: Path, title: str) -> None:
    made = new_pack("fizz", tmp_path, title)
    assert tomllib.loads(made.pack.read_text(encoding="utf-8"))["pack"]["title"] == title


# --- what makes a pack fail ------------------------------------------------------------------

def test_a_reference_that_faults_fails_and_names_the_puzzle(
        starter: Path, capsys: pytest.CaptureFixture) -> None:
    edit(starter, "    const one, 1\n", "    const one, 1000\n")
    code, out, err = run(capsys, "pack", "test", str(starter))
    assert code == 1
    assert out.splitlines()[1].split()[:2] == ["fizz/sum", "FAIL"]
    assert "FAIL: 0 of 1 puzzles hold" in out
    assert err.startswith(f"fizz/sum: reference: {starter}:")
    assert "memory address 1000 is outside memory" in err
    assert "fizz/sum: " in err.splitlines()[1] and "not validated" in err.splitlines()[1]


def test_a_reference_that_computes_something_else_fails_the_solutions_and_names_the_puzzle(
        starter: Path, capsys: pytest.CaptureFixture) -> None:
    edit(starter, "    add total, total, word\n", "    xor total, total, word\n")
    code, out, err = run(capsys, "pack", "test", str(starter))
    assert code == 1
    assert out.splitlines()[1].split() == ["fizz/sum", "ok", "0", "of", "1", "-", "-", "-"]
    assert err.startswith("fizz/sum: ")
    assert "vectorised.vasm: case 'the largest numbers': word 9" in err


def test_a_reference_that_does_nothing_fails_because_the_empty_program_would_pass(
        starter: Path, capsys: pytest.CaptureFixture) -> None:
    edit(starter, "    store address, total\n", "    nop\n")
    code, _, err = run(capsys, "pack", "test", str(starter))
    assert code == 1
    assert ("fizz/sum: reference: an empty program would pass: on all 14 tests tried the"
            " reference leaves the checked regions (total) as they were") in err


DIVIDE = '''\
[pack]
id = "divide"
title = "Divide"

[[puzzle]]
id = "quotient"
title = "Quotient"
scored_seeds = [SCORED]
check = ["out"]
memory = [
  { name = "a", kind = "random", count = 1 },
  { name = "b", kind = "random", count = 1, max = 3 },
  { name = "out", kind = "zeros", count = 1 },
]
reference.program = """
.scalar p
.scalar a
.scalar b
load a, p
const p, 1
load b, p
div a, a, b
const p, 2
store p, a
"""
'''


def divisor(seed: int) -> int:
    rng = random.Random(seed)
    rng.randint(0, 2**32 - 1)
    return rng.randint(0, 3)


def test_a_reference_that_fails_only_on_a_random_seed_names_the_seed(tmp_path: Path) -> None:
    scored = next(seed for seed in range(100) if divisor(seed) != 0)
    zero = next(seed for seed in range(100) if divisor(seed) == 0)
    fine = next(seed for seed in range(100, 200) if divisor(seed) != 0)
    path = tmp_path / "divide.toml"
    path.write_text(DIVIDE.replace("SCORED", str(scored)), encoding="utf-8")
    assert pack_test(path, random_seeds=0).passed
    result = pack_test(path, seed_source=lambda count: [fine, zero][:count])
    assert not result.passed
    assert result.random_seeds == (fine, zero)
    [problem] = result.problems()
    assert problem.startswith(f"divide/quotient: reference: on random seed {zero}: the"
                              " reference program faults")
    assert problem.endswith("division by zero")


def test_a_solution_with_a_wrong_claim_fails(starter: Path, capsys: pytest.CaptureFixture) -> None:
    solution = starter.parent / "solutions" / "fizz" / STARTER_PUZZLE / "vectorised.vasm"
    edit(solution, "# cycles: 6\n", "# cycles: 5\n")
    code, _, err = run(capsys, "pack", "test", str(starter))
    assert code == 1
    assert err == (f"fizz/sum: {solution}: the header claims cycles 5, but it measures 6\n")


def test_solutions_outside_the_puzzles_folders_fail(starter: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    folder = starter.parent / "solutions" / "fizz"
    text = (folder / STARTER_PUZZLE / "vectorised.vasm").read_text(encoding="utf-8")
    (folder / "sun").mkdir()
    (folder / "sun" / "a.vasm").write_text(text, encoding="utf-8")
    (folder / "loose.vasm").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "pack", "test", str(starter))
    assert code == 1
    assert out.splitlines()[-1] == (f"{starter}: FAIL: 1 of 1 puzzles hold;"
                                    " 2 stray solution files")
    assert err.splitlines() == [
        f"{folder / 'loose.vasm'}: not in a puzzle's folder: solutions go in"
        f" {folder}/<puzzle id>/",
        f"{folder / 'sun' / 'a.vasm'}: pack 'fizz' has no puzzle 'sun' (its puzzles: sum)",
    ]


def test_a_pack_that_does_not_load_exits_2_with_located_issues(
        starter: Path, capsys: pytest.CaptureFixture) -> None:
    edit(starter, "value = 44", "value = -44")
    code, out, err = run(capsys, "pack", "test", str(starter))
    line = starter.read_text(encoding="utf-8").splitlines().index("value = -44") + 1
    assert (code, out) == (2, "")
    assert err == (f"{starter}:{line}: puzzle[0].marks[0].value: input should be greater than"
                   " or equal to 0\n")


def test_without_solutions_the_pack_passes_with_a_note(starter: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    solution = starter.parent / "solutions" / "fizz" / STARTER_PUZZLE / "vectorised.vasm"
    solution.unlink()
    code, out, _ = run(capsys, "pack", "test", str(starter))
    assert code == 0
    assert "note: fizz/sum: no solutions yet" in out
    for folder in (solution.parent, solution.parent.parent, solution.parent.parent.parent):
        folder.rmdir()
    code, out, _ = run(capsys, "pack", "test", str(starter))
    assert code == 0
    assert (f"note: no solutions folder; solutions go in {starter.parent / 'solutions' / 'fizz'}"
            "/<puzzle id>/") in out


def test_a_solution_better_than_the_packs_best_is_noted(starter: Path,
                                                        capsys: pytest.CaptureFixture) -> None:
    edit(starter, "# best = { cycles = 6 }", "best = { cycles = 7 }")
    code, out, _ = run(capsys, "pack", "test", str(starter))
    assert code == 0
    assert "note: fizz/sum: a solution scores 6 cycles, better than the pack's best (7)" in out


# --- histograms --------------------------------------------------------------------------------

def test_a_shipped_histogram_is_checked(starter: Path, capsys: pytest.CaptureFixture) -> None:
    folder = starter.parent
    histogram = folder / "histograms" / "fizz" / f"{STARTER_PUZZLE}.json"
    code, _, _ = run(capsys, "hist", "build", str(folder / "solutions" / "fizz" / STARTER_PUZZLE),
                     "--puzzle", "fizz/sum", "--pack", str(starter), "-o", str(histogram))
    assert code == 0
    code, out, _ = run(capsys, "pack", "test", str(starter))
    assert code == 0 and "note" not in out

    data = json.loads(histogram.read_text(encoding="utf-8"))
    data["points"] = []
    for bars in data["metrics"].values():
        bars["edges"], bars["counts"] = [], []
    histogram.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run(capsys, "pack", "test", str(starter))
    assert code == 0
    assert f"note: fizz/sum: 1 passing solution(s) are not on the histogram {histogram}" in out

    histogram.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "pack", "test", str(starter))
    assert code == 1 and err.startswith(f"fizz/sum: histogram: {histogram}")


# --- the JSON contract, options, where solutions live -------------------------------------------

def test_pack_test_json(starter: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "pack", "test", str(starter), "--json", "--seeds", "3")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["pack"], report["passed"], report["issues"], report["stray"]) == (
        "fizz", True, [], [])
    assert len(report["random_seeds"]) == 3
    [puzzle] = report["puzzles"]
    assert puzzle["puzzle"] == "fizz/sum" and puzzle["reference_ok"] is True
    assert puzzle["best"] == {"cycles": 6, "instructions": 11, "scratch": 14}
    assert [s["passed"] for s in puzzle["solutions"]] == [True]


@pytest.mark.parametrize("seeds", ["-1", "65"])
def test_pack_test_refuses_bad_seed_counts(starter: Path, capsys: pytest.CaptureFixture,
                                           seeds: str) -> None:
    code, out, err = run(capsys, "pack", "test", str(starter), "--seeds", seeds)
    assert (code, out) == (2, "")
    assert err == f"vliw pack: --seeds must be between 0 and 64, not {seeds}\n"


def test_pack_test_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    missing = tmp_path / "nope.toml"
    assert run(capsys, "pack", "test", str(missing)) == (
        2, "", f"vliw pack: {missing}: no such pack file\n")


def test_shipped_packs_keep_their_solutions_in_the_projects_solutions_folder(
        tmp_path: Path) -> None:
    assert solutions_root(PUZZLES_DIR / "tutorial.toml") == SOLUTIONS_DIR
    assert solutions_root(tmp_path / "mine.toml") == tmp_path / "solutions"
    result = pack_test(PUZZLES_DIR / "tutorial.toml", random_seeds=2)
    assert result.passed, result.problems()
    assert result.solutions_folder == SOLUTIONS_DIR / "tutorial"
    assert all(puzzle.solutions for puzzle in result.puzzles)


# --- packs are data, from anywhere ----------------------------------------------------------------

def test_nothing_in_a_pack_runs_as_code(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sentinel = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(sentinel)!r}).touch()"
    pack = new_pack("safe", tmp_path, title=payload).pack
    edit(pack, 'author = ""', f"author = {json.dumps(payload)}")
    code, out, _ = run(capsys, "puzzle", "list", "--pack", str(pack))
    assert code == 0 and f"safe: {payload}" in out
    assert run(capsys, "pack", "test", str(pack))[0] == 0
    edit(pack, "[puzzle.reference]\n", f"[puzzle.reference]\nbuiltin = {json.dumps(payload)}\n")
    code, out, err = run(capsys, "pack", "test", str(pack))
    assert (code, out) == (2, "")
    assert err.startswith(f"{pack}:") and "unknown built-in reference" in err
    solution = tmp_path / "solutions" / "safe" / STARTER_PUZZLE / "vectorised.vasm"
    code, _, err = run(capsys, "check", "--pack", str(pack), str(solution))
    assert code == 2 and err.count("\n") == 1 and "unknown built-in reference" in err
    assert not sentinel.exists()
