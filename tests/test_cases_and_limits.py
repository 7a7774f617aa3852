"""Fixed test cases in packs, cycle limits scaled to the reference, and the memory cap."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.cli import main
from game.inputs import case_memory, generate_memory
from game.limits import MIN_CYCLE_LIMIT, PROGRAM_FACTOR
from game.pack import PackError, parse_pack
from game.pack.schema import MAX_TEST_WORDS
from game.scoring import score_program
from machine.vasm import parse

REFERENCE = """
.scalar i
.scalar a
.scalar b
.scalar v
.scalar n
const n, 4
next:
add_imm n, n, -1
load v, n
add v, v, v
add_imm b, n, 4
store b, v
cond_jump n, next
"""

PACK = f'''
[pack]
id = "edge"
title = "Edge cases"

[[puzzle]]
id = "double"
title = "Double it"
scored_seeds = [1, 2]
robustness_seeds = 3
check = ["out"]
memory = [
  {{ name = "x", kind = "random", count = 4, max = 1000 }},
  {{ name = "out", kind = "zeros", count = 4 }},
]
reference.program = """{REFERENCE}"""

[[puzzle.cases]]
name = "zeros"
fill = {{ x = "zeros" }}

[[puzzle.cases]]
name = "given"
seed = 9
words = {{ x = [0, 1, 999, 1000] }}

[[puzzle.cases]]
name = "sorted"
seed = 4
fill = {{ x = "sorted" }}
'''

#: Right on every input but x[0] = 0: it writes 1 there.
WRONG_ON_ZERO = REFERENCE + """
.scalar one
const one, 1
const b, 4
load v, b
select v, v, v, one
store b, v
"""


def puzzle(text: str = PACK):
    return parse_pack(text, "edge.toml").puzzles[0]


def test_a_case_replaces_whole_regions_and_keeps_its_seeds_other_words() -> None:
    double = puzzle()
    zeros, given, ordered = double.cases
    assert case_memory(double, zeros).tolist()[:4] == [0, 0, 0, 0]
    assert case_memory(double, given).tolist() == [0, 1, 999, 1000, 0, 0, 0, 0]
    drawn = generate_memory(double, 4)[:4]
    assert case_memory(double, ordered).tolist()[:4] == sorted(drawn)


def test_cases_run_on_every_validation_and_catch_what_seeds_miss() -> None:
    double = puzzle()
    report = score_program(double, parse(WRONG_ON_ZERO), puzzle_id="edge/double")
    assert [t.kind for t in report.tests] == ["case"] * 3 + ["scored"] * 2 + ["robustness"] * 3
    failed = [t for t in report.tests if not t.passed]
    assert [t.name for t in failed] == ["case 'zeros'", "case 'given'"]
    assert not report.passed
    assert report.tally() == [("case", 1, 3), ("scored", 2, 2), ("robustness", 3, 3)]
    assert report.to_json()["tests"][0]["case"] == "zeros"


@pytest.mark.parametrize(("old", "new", "message"), [
    ('fill = { x = "zeros" }', 'fill = { y = "zeros" }', "no region named 'y'"),
    ('fill = { x = "zeros" }', 'fill = { out = "zeros" }', "cases set only random regions"),
    ("words = { x = [0, 1, 999, 1000] }", "words = { x = [0, 1] }", "has 4 words, not 2"),
    ("words = { x = [0, 1, 999, 1000] }", "words = { x = [0, 1, 2, 1001] }",
     "1001 is outside the range 0..1000 of region 'x'"),
    ('name = "sorted"', 'name = "zeros"', "case name 'zeros' is used twice"),
    ('fill = { x = "sorted" }', 'fill = { x = "shuffled" }', "input should be"),
    ('fill = { x = "sorted" }', "", "gives no words and no fill"),
    ('seed = 9\nwords = { x = [0, 1, 999, 1000] }',
     'words = { x = [0, 1, 999, 1000] }\nfill = { x = "max" }', "given both words and a fill"),
])
def test_a_bad_case_is_a_located_pack_error(old: str, new: str, message: str) -> None:
    assert old in PACK
    with pytest.raises(PackError) as caught:
        parse_pack(PACK.replace(old, new, 1), "edge.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("edge.toml:")


def test_zeros_are_refused_for_a_region_whose_inputs_start_above_zero() -> None:
    text = PACK.replace("count = 4, max = 1000", "count = 4, min = 1, max = 1000")
    text = text.replace("words = { x = [0, 1, 999, 1000] }", "words = { x = [1, 1, 999, 1000] }")
    with pytest.raises(PackError, match="zeros are not among its inputs"):
        parse_pack(text, "edge.toml")


def test_lint_warns_about_a_puzzle_without_cases_but_passes(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bare = PACK[:PACK.index("[[puzzle.cases]]")]
    path = tmp_path / "edge.toml"
    path.write_text(bare, encoding="utf-8")
    assert main(["pack", "lint", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: ok\n"
    assert "puzzle[0]: warning: no fixed test cases" in err
    path.write_text(PACK, encoding="utf-8")
    assert main(["pack", "lint", str(path)]) == 0
    assert capsys.readouterr().err == ""


def test_the_cycle_limit_is_scaled_to_the_reference_program() -> None:
    double = puzzle()
    assert double.cycle_limit is None
    assert double.machine_config().max_cycles == MIN_CYCLE_LIMIT  # 20 x a short reference
    slower = puzzle(PACK.replace("const n, 4", "const n, 4\n" + "add_imm i, i, 1\n" * 200))
    reference_cycles = 1 + 200 + 4 * 6
    assert slower.machine_config().max_cycles == PROGRAM_FACTOR * reference_cycles
    explicit = puzzle(PACK.replace('check = ["out"]', 'check = ["out"]\ncycle_limit = 77'))
    assert explicit.machine_config().max_cycles == 77


def test_a_runaway_loop_stops_at_the_scaled_limit_and_its_seeds_are_not_run() -> None:
    report = score_program(puzzle(), parse("loop:\njump loop\n"), puzzle_id="edge/double")
    assert not report.passed
    assert [t.kind for t in report.tests] == ["case"] * 3 + ["scored"] * 2
    assert all(t.fault is not None and t.cycles == MIN_CYCLE_LIMIT for t in report.tests)
    assert "cycle limit" in str(report.tests[0].fault)
    assert report.skipped == 3 and report.to_json()["skipped"] == 3


def test_a_program_that_only_runs_away_on_unseen_inputs_is_run_on_every_seed() -> None:
    """The robustness seeds are skipped only once a fixed test has hit the limit."""
    trap = REFERENCE + ("const i, 1000\nload v, n\nlt a, v, i\ncond_jump a, done\n"
                     "spin:\njump spin\ndone:\n")  # spins when x[0] is 1000
    report = score_program(puzzle(), parse(trap), puzzle_id="edge/double")
    assert report.skipped == 0
    assert [t.kind for t in report.tests][-3:] == ["robustness"] * 3


STRAIGHT = """
.scalar i
.scalar v
.scalar b
""" + "".join(f"const i, {k}\nload v, i\nadd v, v, v\nconst b, {k + 4}\nstore b, v\n"
              for k in range(4))


@pytest.mark.parametrize(("source", "right"), [
    (STRAIGHT, True), (STRAIGHT + "halt\nconst i, 9\n", True),
    (STRAIGHT.replace("add v", "add_imm v, v, 1\nadd v"), False), (REFERENCE, True)])
def test_every_test_of_a_validation_runs_in_one_pass_of_the_engine(
        monkeypatch: pytest.MonkeyPatch, source: str, right: bool) -> None:
    """The robustness seeds run beside the fixed tests (one pass of the engine over the
    program serves them all), straight-line code and loops alike."""
    import game.runs

    program = parse(source)
    runs: list[tuple[int, int]] = []
    real_run_tests = game.runs.run_tests

    def counted(run, inputs, config, fixed):  # type: ignore[no-untyped-def]
        runs.append((len(inputs), fixed))
        return real_run_tests(run, inputs, config, fixed)

    monkeypatch.setattr(game.runs, "run_tests", counted)
    report = score_program(puzzle(), program, puzzle_id="edge/double")
    assert runs == [(8, 5)]
    assert [t.kind for t in report.tests] == ["case"] * 3 + ["scored"] * 2 + ["robustness"] * 3
    assert report.skipped == 0
    assert report.passed is right


def test_a_huge_memory_times_its_tests_is_refused_when_the_pack_loads() -> None:
    huge = PACK.replace('{ name = "out", kind = "zeros", count = 4 }',
                        '{ name = "out", kind = "zeros", count = 1048000 }')
    with pytest.raises(PackError, match=f"limited to {MAX_TEST_WORDS}"):
        parse_pack(huge, "edge.toml")


def test_more_seeds_than_the_memory_cap_allows_is_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    big = PACK.replace('{ name = "out", kind = "zeros", count = 4 }',
                       '{ name = "out", kind = "zeros", count = 200000 }')
    pack = tmp_path / "edge.toml"
    pack.write_text(big, encoding="utf-8")
    solution = tmp_path / "s.vasm"
    solution.write_text("halt\n", encoding="utf-8")
    code = main(["check", str(solution), "--pack", str(pack), "--puzzle", "edge/double",
                 "--seeds", "64"])
    err = capsys.readouterr().err
    assert code == 2
    assert "exceed the limit of 4194304 words in one validation" in err
    assert len(err.splitlines()) == 1


def test_a_tiny_pack_asking_for_a_million_words_64_times_ends_fast_and_small(
        tmp_path: Path) -> None:
    """Once 5.6 GB and 51 s; now refused unread past its schema, in bounded memory."""
    pack = tmp_path / "big.toml"
    pack.write_text('[pack]\nid = "big"\ntitle = "Big"\n[[puzzle]]\nid = "p"\ntitle = "P"\n'
                    'scored_seeds = [1]\nrobustness_seeds = 64\ncheck = ["x"]\n'
                    'memory = [{ name = "x", kind = "random", count = 1048576 }]\n'
                    'reference = { expected = { x = [0] } }\n', encoding="utf-8")
    solution = tmp_path / "s.vasm"
    solution.write_text("halt\n", encoding="utf-8")

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    start = time.monotonic()
    command = [sys.executable, "-c", "from game.cli import entry; entry()", "check",
               str(solution), "--pack", str(pack), "--puzzle", "big/p", "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, preexec_fn=cap)
    assert done.returncode == 2, done.stderr
    assert time.monotonic() - start < 20
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("claim", ["²", "1" * 40, "١٢"])
def test_a_claim_that_is_not_an_ascii_number_is_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture, claim: str) -> None:
    path = tmp_path / "takehome" / "tree-tiny" / "s.vasm"
    path.parent.mkdir(parents=True)
    path.write_text(f"# cycles: {claim}\nhalt\n", encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "not a whole number" in err and len(err.splitlines()) == 1
    assert len(err) < 300


def test_puzzle_inputs_prints_a_list_of_words(capsys: pytest.CaptureFixture) -> None:
    assert main(["puzzle", "inputs", "minimal/digits", "--seed", "1", "--json"]) == 0
    image = json.loads(capsys.readouterr().out)
    assert all(type(word) is int for word in image)


def test_targets_and_prerequisites_are_checked_when_a_pack_loads() -> None:
    with_keys = PACK.replace('check = ["out"]', 'check = ["out"]\ntargets = { cycles = 30 }\n'
                             'requires = ["minimal/digits"]')
    double = puzzle(with_keys)
    assert double.targets == {"cycles": 30} and double.requires == ["minimal/digits"]
    for bad, message in [('requires = ["nowhere"]', "no puzzle 'nowhere' in this pack"),
                         ('requires = ["double"]', "a puzzle cannot require itself"),
                         ('metrics = ["cycles"]\ntargets = { scratch = 3 }',
                          "'scratch' is not one of this puzzle's metrics")]:
        with pytest.raises(PackError, match=message):
            parse_pack(PACK.replace('check = ["out"]', f'check = ["out"]\n{bad}'), "edge.toml")
