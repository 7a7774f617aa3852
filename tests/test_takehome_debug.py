"""Take-home programs with their debug slots: accepted unchanged, run as the take-home runs them.

The programs are made here in the shapes the take-home's own kernels have (one
slot per bundle, `("debug", ("compare", addr, (round, i, "idx")))` after the
steps, comments, and debug entries of forms its machine never looks at), and
run both by the take-home's `Machine` (from ../shared/takehome, as its
submission test runs it: debug off, pauses off) and by this project: same
memory, same cycles, and the JSON form comes back exactly.
"""

from __future__ import annotations

import importlib
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from machine.config import TAKEHOME
from machine.engine import run_many
from machine.simulator import run_program
from machine.takehome_json import program_from_json, program_from_json_text, program_to_json

TAKEHOME_DIR = Path(__file__).resolve().parents[2] / "shared" / "takehome"

DEBUG_FORMS: list[Any] = [
    ["comment", "Starting loop"], ["comment"], ["comment", "a", "b"],
    ["compare", 3, [0, 1, "idx"]], ["compare"], ["compare", 3, [0, 1, "idx"], "extra"],
    ["vcompare", 8, [[0, 0, "val"]] * 8], ["vcompare", 8],
    ["marker"], ["print", 5], ["breakpoint"], "a bare string", 7, [], [1, 2], {"k": [1]}, None,
]
"""Debug entries the take-home's machine accepts: it never reads a debug slot."""


def takehome_shaped(rng: random.Random, size: int) -> list[dict[str, Any]]:
    """A straight-line scalar program over `size` words of memory, one slot per bundle,
    with debug entries sprinkled as the take-home's kernels have them."""
    program: list[dict[str, Any]] = []
    for address in range(8):
        program.append({"load": [["const", address, rng.randrange(size)]]})
        program.append({"load": [["load", 8 + address, address]]})
    for step in range(40):
        op = rng.choice(["+", "-", "*", "^", "&", "|", "<<", ">>", "%", "<", "=="])
        d, a, b = rng.randrange(8, 16), rng.randrange(8, 16), rng.randrange(8, 16)
        if op == "%":
            program.append({"alu": [["|", 17, b, 16]]})  # s[16] = 1 below: never 0
            b = 17
        program.append({"alu": [[op, d, a, b]]})
        if rng.random() < 0.5:
            program.append({"debug": [["compare", d, [step // 8, step % 8, "val"]]]})
        if rng.random() < 0.3:
            program.append({"debug": [rng.choice(DEBUG_FORMS)]})
    program.insert(0, {"load": [["const", 16, 1]]})
    program.append({"debug": rng.choice(["note", 5, {"k": 1}, None])})
    for address in range(8):
        program.append({"store": [["store", address, 8 + address]]})
    program.append({"flow": [["pause"]]})
    return program


@pytest.fixture(scope="module")
def takehome_machine() -> Any:
    if not (TAKEHOME_DIR / "problem.py").is_file():
        pytest.skip(f"the take-home's problem.py is not at {TAKEHOME_DIR}")
    sys.path.insert(0, str(TAKEHOME_DIR))
    try:
        return importlib.import_module("problem")
    finally:
        sys.path.remove(str(TAKEHOME_DIR))


def run_takehome(problem: Any, program: list[dict[str, Any]], memory: list[int]
                 ) -> tuple[list[int], int]:
    machine = problem.Machine(list(memory), program, problem.DebugInfo(scratch_map={}))
    machine.enable_pause = False
    machine.enable_debug = False
    machine.run()
    return machine.mem, machine.cycle


@pytest.mark.parametrize("seed", range(40))
def test_every_takehome_shaped_program_runs_as_the_takehome_runs_it(
        takehome_machine: Any, seed: int) -> None:
    rng = random.Random(seed)
    size = 64
    memory = [rng.randrange(2**32) for _ in range(size)]
    raw = takehome_shaped(rng, size)
    want_memory, want_cycles = run_takehome(takehome_machine, raw, memory)
    text = json.dumps(raw)
    program = program_from_json_text(text, "kernel.json")
    assert program_to_json(program) == json.loads(text)
    reference = run_program(program, memory, TAKEHOME)
    [engine] = run_many(program, [memory], TAKEHOME)
    for result in (reference, engine):
        assert result.fault is None
        assert (result.memory, result.cycles) == (want_memory, want_cycles)


def test_the_python_form_with_tuples_is_accepted_as_the_json_form() -> None:
    raw = [{"debug": [("compare", 3, (0, 1, "idx"))]}, {"alu": [("+", 0, 1, 2)]},
           {"debug": [("comment",)]}]
    program = program_from_json(raw)
    assert program_to_json(program) == [{"debug": [["compare", 3, [0, 1, "idx"]]]},
                                        {"alu": [["+", 0, 1, 2]]}, {"debug": [["comment"]]}]
    assert run_program(program, [0], TAKEHOME).cycles == 1


@pytest.mark.parametrize("form", DEBUG_FORMS, ids=repr)
def test_vliw_check_accepts_every_debug_form(
        tmp_path: Path, capsys: pytest.CaptureFixture, form: Any) -> None:
    path = tmp_path / "kernel.json"
    path.write_text(json.dumps([{"debug": [form]}, {"flow": [["halt"]]}]), encoding="utf-8")
    code = main(["check", str(path), "--puzzle", "minimal/digits", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1  # it runs (and writes no digits): not refused as unreadable
    assert report["instructions"] == 1 and report["cycles"] == 1
