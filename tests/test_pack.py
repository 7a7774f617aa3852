"""Pack files: the schema, the loader's located errors, lint, and the CLI around them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main
from game.limits import EXPECTED_CYCLE_LIMIT
from game.pack import MAX_MEMORY_WORDS, MAX_PACK_BYTES, PackError, load_pack, parse_pack
from game.pack.lint import lint_pack
from game.paths import PUZZLES_DIR
from machine.isa import BY_MNEMONIC, Engine

BASE = '''\
[pack]
id = "demo"
title = "Demo pack"

[[puzzle]]
id = "walk"
title = "A small walk"
scored_seeds = [1, 2]
cycle_limit = 5000
check = ["values"]
reference = { builtin = "tree-kernel" }
memory = [
  { name = "rounds", kind = "words", values = [2] },
  { name = "n_nodes", kind = "length", of = "forest" },
  { name = "batch_size", kind = "length", of = "values" },
  { name = "height", kind = "words", values = [1] },
  { name = "forest_p", kind = "address", of = "forest" },
  { name = "indices_p", kind = "address", of = "indices" },
  { name = "values_p", kind = "address", of = "values" },
  { name = "forest", kind = "random", count = 3, max = 1023 },
  { name = "indices", kind = "zeros", count = 2 },
  { name = "values", kind = "random", count = 2 },
]

[puzzle.machine]
slot_limits = { alu = 1, valu = 0 }
scratch_size = 64
forbidden_ops = ["mul", "multiply_add"]

[[puzzle]]
id = "sevens"
title = "Sevens"
metrics = ["instructions", "cycles"]
scored_seeds = [5]
check = ["out"]
reference = { expected = { out = [7, 7] } }

[[puzzle.memory]]
name = "noise"
kind = "random"
count = 2

[[puzzle.memory]]
name = "out"
kind = "zeros"
count = 2

[[puzzle.marks]]
metric = "instructions"
value = 4
label = "two consts and two stores"
'''


def test_the_base_pack_loads_with_its_machine_and_layout() -> None:
    pack = parse_pack(BASE, "demo.toml")
    assert pack.id == "demo"
    assert [p.id for p in pack.puzzles] == ["walk", "sevens"]
    walk, sevens = pack.puzzles
    config = walk.machine_config()
    assert config.slot_limits[Engine.ALU] == 1
    assert config.slot_limits[Engine.VALU] == 0
    assert config.slot_limits[Engine.LOAD] == 2  # not named: the take-home's default
    assert config.scratch_size == 64 and config.max_cycles == 5000
    assert config.allowed_ops == frozenset(BY_MNEMONIC) - {"mul", "multiply_add"}
    assert sevens.machine_config().allowed_ops is None
    assert sevens.primary_metric == "instructions"
    assert sevens.robustness_seeds == 8 and sevens.cycle_limit is None
    # no limit in the pack: expected outputs have no program to scale one to
    assert sevens.machine_config().max_cycles == EXPECTED_CYCLE_LIMIT
    assert sevens.marks[0].label == "two consts and two stores"


def test_the_shipped_packs_lint_clean() -> None:
    packs = sorted(PUZZLES_DIR.glob("*.toml"))
    assert packs
    for path in packs:
        assert lint_pack(path) == [], path


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def line_of(text: str, fragment: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


# (case, replace this, with this, line holding this text, dotted key, message fragment)
BAD_PACKS = [
    ("toml syntax", 'title = "Sevens"', 'title = "Sevens', 'title = "Sevens', "toml",
     "illegal character '\\n' (column 16)"),
    ("unknown key", 'cycle_limit = 5000', 'cycle_limit = 5000\ncolour = "red"', "colour",
     "puzzle[0].colour", "unknown key"),
    ("unknown key in an inline table", 'kind = "zeros", count = 2 }',
     'kind = "zeros", count = 2, fill = 1 }', "fill = 1", "puzzle[0].memory[8].fill",
     "unknown key"),
    ("wrong type", "cycle_limit = 5000", 'cycle_limit = "lots"', "cycle_limit",
     "puzzle[0].cycle_limit", "valid integer, not a string"),
    ("wrong type in a table", "scratch_size = 64", "scratch_size = 64.0", "scratch_size",
     "puzzle[0].machine.scratch_size", "valid integer, not a float"),
    ("missing key", 'title = "Sevens"\n', "", '[[puzzle]]\nid = "sevens"', "puzzle[1].title",
     "required key is missing"),
    ("pointer to a missing region", 'of = "indices"', 'of = "indexes"', 'of = "indexes"',
     "puzzle[0].memory[5].of", "no region named 'indexes'"),
    ("check of a missing region", 'check = ["out"]', 'check = ["outt"]', 'check = ["outt"]',
     "puzzle[1].check[0]", "no region named 'outt'"),
    ("a region beyond the size limit", "count = 2\n\n[[puzzle.marks]]",
     f"count = {MAX_MEMORY_WORDS + 1}\n\n[[puzzle.marks]]", f"count = {MAX_MEMORY_WORDS + 1}",
     "puzzle[1].memory[1].count", f"less than or equal to {MAX_MEMORY_WORDS}"),
    ("a layout beyond the size limit", 'name = "noise"\nkind = "random"\ncount = 2',
     f'name = "noise"\nkind = "random"\ncount = {MAX_MEMORY_WORDS}', "[[puzzle.memory]]",
     "puzzle[1].memory", f"the memory image has {MAX_MEMORY_WORDS + 2} words"),
    ("unknown operation", '"mul", "multiply_add"', '"mul",\n  "multiply_ad"', "multiply_ad",
     "puzzle[0].machine.forbidden_ops[1]", "unknown operation 'multiply_ad'"),
    ("unknown engine", "valu = 0 }", "vlau = 0 }", "vlau", "puzzle[0].machine.slot_limits.vlau",
     "'alu', 'valu'"),
    ("both op lists", 'forbidden_ops = ["mul", "multiply_add"]',
     'forbidden_ops = ["mul"]\nallowed_ops = ["add"]', "[puzzle.machine]", "puzzle[0].machine",
     "not both"),
    ("duplicate puzzle id", 'id = "sevens"', 'id = "walk"', 'id = "walk"\ntitle = "Sevens"',
     "puzzle[1].id", "used twice"),
    ("duplicate region", 'name = "noise"', 'name = "out"', 'name = "out"\nkind = "zeros"',
     "puzzle[1].memory[1].name", "used twice"),
    ("two references", 'reference = { builtin = "tree-kernel" }',
     'reference = { builtin = "tree-kernel", expected = { values = [1, 2] } }', "reference =",
     "puzzle[0].reference", "exactly one of builtin, program or expected"),
    ("a built-in that does not exist", '{ builtin = "tree-kernel" }', '{ builtin = "os.system" }',
     "os.system", "puzzle[0].reference.builtin", "unknown built-in reference 'os.system'"),
    ("expected words of the wrong length", "out = [7, 7]", "out = [7]", "out = [7]",
     "puzzle[1].reference.expected.out", "has 2 words, not 1"),
    ("a word out of range", "out = [7, 7]", "out = [7, 4294967296]", "out = [7, 4294967296]",
     "puzzle[1].reference.expected.out[1]", "less than or equal to 4294967295"),
    ("a mark on a metric not scored", 'metric = "instructions"', 'metric = "scratch"',
     'metric = "scratch"', "puzzle[1].marks[0].metric", "not one of this puzzle's metrics"),
    ("an id that is not a file name", 'id = "demo"', 'id = "../demo"', 'id = "../demo"',
     "pack.id", "string should match pattern"),
    ("a region without a kind", 'name = "noise"\nkind = "random"\n', 'name = "noise"\n',
     '[[puzzle.memory]]\nname = "noise"', "puzzle[1].memory[0].kind", "required key is missing"),
    ("a region of an unknown kind", 'kind = "random"\ncount = 2', 'kind = "randm"\ncount = 2',
     'kind = "randm"', "puzzle[1].memory[0].kind",
     "unknown value 'randm'; expected one of 'words', 'zeros', 'random', 'address', 'length'"),
    ("random bounds upside down", "count = 3, max = 1023", "count = 3, min = 9, max = 8",
     "min = 9", "puzzle[0].memory[7]", "min (9) is above max (8)"),
]


def mutate(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


@pytest.mark.parametrize(("case", "old", "new", "at", "key", "message"), BAD_PACKS,
                         ids=[c[0] for c in BAD_PACKS])
def test_a_bad_pack_is_one_located_error(case: str, old: str, new: str, at: str, key: str,
                                         message: str) -> None:
    text = mutate(old, new)
    with pytest.raises(PackError) as caught:
        parse_pack(text, "bad.toml")
    assert len(caught.value.issues) == 1, caught.value.issues
    issue = caught.value.issues[0]
    expected_line = text[:text.index(at)].count("\n") + 1
    assert (issue.path, issue.line, issue.key) == ("bad.toml", expected_line, key)
    assert message in issue.message
    assert str(issue) == f"bad.toml:{expected_line}: {key}: {issue.message}"


@pytest.mark.parametrize(("case", "old", "new", "at", "key", "message"), BAD_PACKS[:8],
                         ids=[c[0] for c in BAD_PACKS[:8]])
def test_pack_lint_prints_one_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture,
                                               case: str, old: str, new: str, at: str, key: str,
                                               message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(mutate(old, new), encoding="utf-8")
    assert main(["pack", "lint", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+: {re.escape(key)}: .*{re.escape(message)}.*",
                        err[0]), err[0]


def test_a_reference_that_fails_its_own_puzzle_fails_lint(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    """The builtin tree kernel on a tree whose height does not match its size."""
    text = mutate('values = [1] }', 'values = [2] }')
    parse_pack(text, "ok-to-load.toml")  # loading does not run references; linting does
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["pack", "lint", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{path}:{line_of(text, 'reference =')}: puzzle[0].reference: tree-kernel:"
                   " n_nodes (word 1) is 3, but a tree of height 2 (word 3) has 7 nodes"]


def test_lint_reports_every_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = tmp_path / "good.toml"
    good.write_text(BASE, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(mutate("cycle_limit = 5000", "cycle_limit = 0"), encoding="utf-8")
    assert main(["pack", "lint", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == f"{good}: ok\n"
    line = line_of(BASE, "cycle_limit")
    assert captured.err.startswith(f"{bad}:{line}: puzzle[0].cycle_limit: input should be greater")
    assert main(["pack", "lint", str(good)]) == 0


def test_file_level_problems_are_located_at_line_1(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:  # sparse: the loader must refuse it unread
        handle.truncate(MAX_PACK_BYTES + 1)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b'[pack]\nid = "\xff"\n')
    messages = {}
    for path in (big, binary, tmp_path / "missing.toml"):
        with pytest.raises(PackError) as caught:
            load_pack(path)
        messages[path.name] = str(caught.value)
    assert messages["big.toml"] == (f"{big}:1: file is {MAX_PACK_BYTES + 1} bytes; packs are"
                                    f" limited to {MAX_PACK_BYTES} bytes")
    assert messages["binary.toml"] == f"{binary}:2: not UTF-8 text"
    assert messages["missing.toml"].startswith(f"{tmp_path / 'missing.toml'}:1: cannot read")


def test_many_errors_are_all_reported_in_line_order() -> None:
    text = mutate("cycle_limit = 5000", "cycle_limit = -1\nspeed = 3")
    text = text.replace('title = "Sevens"', "title = 7")
    with pytest.raises(PackError) as caught:
        parse_pack(text, "bad.toml")
    assert [(i.line, i.key) for i in caught.value.issues] == [
        (line_of(text, "cycle_limit"), "puzzle[0].cycle_limit"),
        (line_of(text, "speed"), "puzzle[0].speed"),
        (line_of(text, "title = 7"), "puzzle[1].title")]
    assert str(caught.value).endswith("(and 2 more)")


def test_pack_schema_is_json_schema_that_forbids_unknown_keys(
        capsys: pytest.CaptureFixture) -> None:
    assert main(["pack", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"pack", "puzzle"}
    puzzle = schema["$defs"]["Puzzle"]
    assert puzzle["additionalProperties"] is False
    assert {"id", "title", "memory", "check", "reference", "scored_seeds", "cycle_limit",
            "metrics", "marks", "best", "machine"} <= set(puzzle["properties"])


toml_lines = st.sampled_from([*lines_of(BASE), "", "x = 1", "[puzzle.extra]", "[[puzzle]]",
                              "count = -3", 'kind = "words"', "]", "{", '"""'])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(toml_lines, max_size=40))
def test_any_text_loads_or_raises_pack_error_only(lines: list[str]) -> None:
    """Shuffled pieces of a real pack: a Pack or located PackErrors, never anything else."""
    try:
        parse_pack("\n".join(lines), "fuzz.toml")
    except PackError as error:
        for issue in error.issues:
            assert issue.path == "fuzz.toml" and 1 <= issue.line <= max(len(lines), 1)


PROGRAM_PACK = '''\
[pack]
id = "progs"
title = "Programs"

[[puzzle]]
id = "double"
title = "Double"
scored_seeds = [1, 2]
check = ["out"]
memory = [
  { name = "in", kind = "random", count = 1, max = 1000 },
  { name = "out", kind = "zeros", count = 1 },
]

[puzzle.machine]
forbidden_ops = ["mul"]

[puzzle.reference]
program = """
const 0, 0
load 1, 0
add 1, 1, 1
const 2, 1
store 2, 1
"""
'''


@pytest.mark.parametrize(("old", "new", "message"), [
    ("add 1, 1, 1", "ad 1, 1, 1", "column 1: unknown operation 'ad'"),
    ("add 1, 1, 1", "mul 1, 1, 1", "column 1: operation 'mul' is not allowed on this machine"),
    ("load 1, 0", "load 1, 0 || load 2, 0 || load 3, 0",
     "3 load slots in one bundle; this machine allows 2"),
])
def test_an_embedded_program_is_checked_at_its_line_in_the_pack(old: str, new: str,
                                                                 message: str) -> None:
    text = PROGRAM_PACK.replace(old, new)
    with pytest.raises(PackError) as caught:
        parse_pack(text, "p.toml")
    [issue] = caught.value.issues
    assert (issue.line, issue.key) == (line_of(text, new), "puzzle[0].reference.program")
    assert message in issue.message


def test_a_reference_program_that_faults_fails_lint(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "p.toml"
    path.write_text(PROGRAM_PACK, encoding="utf-8")
    assert main(["pack", "lint", str(path)]) == 0
    text = PROGRAM_PACK.replace("const 2, 1", "const 2, 9")
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["pack", "lint", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}:{line_of(text, '[puzzle.reference]')}: puzzle[0].reference: the reference"
        " program faults: fault at cycle 4, core 0, pc 4, store slot 0: memory address 9 is"
        " outside memory (size 2)\n")
