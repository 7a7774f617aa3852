"""Scoring: correctness on scored and fresh robustness seeds, the three scores, claims."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from test_pack import PROGRAM_PACK

from game.catalog import Catalog
from game.cli import main
from game.histogram import Point, content_hash
from game.histogram_build import validate_solution
from game.inputs import generate_memory
from game.pack import Puzzle, parse_pack
from game.references import HASH_STAGES, expected_memories, tree_hash
from game.scoring import ClaimError, score_program, score_solution_file
from machine.isa import Engine
from machine.loader import load_program
from machine.program import Bundle, Program, ProgramError, Slot
from machine.simulator import run_program

HEADER_WORDS = 7


class StarterBuilder:
    """The take-home's scalar starter program as tree-kernel.md describes it: one slot per
    bundle; the 7 header loads, constants made on first use, the walker-round body."""

    def __init__(self) -> None:
        self.bundles: list[Bundle] = []
        self.next_free = 0
        self.consts: dict[int, int] = {}

    def alloc(self) -> int:
        self.next_free += 1
        return self.next_free - 1

    def emit(self, engine: Engine, name: str, *args: int) -> None:
        self.bundles.append(Bundle.of(Slot(engine, name, args)))

    def const(self, value: int) -> int:
        if value not in self.consts:
            self.consts[value] = self.alloc()
            self.emit(Engine.LOAD, "const", self.consts[value], value)
        return self.consts[value]

    def build(self, rounds: int, batch: int) -> Program:
        tmp1, tmp2, tmp3 = self.alloc(), self.alloc(), self.alloc()
        header = [self.alloc() for _ in range(HEADER_WORDS)]
        for i, word in enumerate(header):
            self.emit(Engine.LOAD, "const", tmp1, i)
            self.emit(Engine.LOAD, "load", word, tmp1)
        _, n_nodes, _, _, forest_p, indices_p, values_p = header
        zero, one, two = self.const(0), self.const(1), self.const(2)
        self.emit(Engine.FLOW, "pause")
        idx, val, node, addr = (self.alloc() for _ in range(4))
        body: list[tuple[Engine, str, tuple[int, ...]]] = []
        alu, load, store, flow = Engine.ALU, Engine.LOAD, Engine.STORE, Engine.FLOW
        for _ in range(rounds):
            for i in range(batch):
                walker = self.const(i)
                body += [(alu, "+", (addr, indices_p, walker)), (load, "load", (idx, addr)),
                         (alu, "+", (addr, values_p, walker)), (load, "load", (val, addr)),
                         (alu, "+", (addr, forest_p, idx)), (load, "load", (node, addr)),
                         (alu, "^", (val, val, node))]
                for op1, c1, op2, op3, shift in HASH_STAGES:
                    body += [(alu, op1, (tmp1, val, self.const(c1))),
                             (alu, op3, (tmp2, val, self.const(shift))),
                             (alu, op2, (val, tmp1, tmp2))]
                body += [(alu, "%", (tmp1, val, two)), (alu, "==", (tmp1, tmp1, zero)),
                         (flow, "select", (tmp3, tmp1, one, two)),
                         (alu, "*", (idx, idx, two)), (alu, "+", (idx, idx, tmp3)),
                         (alu, "<", (tmp1, idx, n_nodes)),
                         (flow, "select", (idx, tmp1, idx, zero)),
                         (alu, "+", (addr, indices_p, walker)), (store, "store", (addr, idx)),
                         (alu, "+", (addr, values_p, walker)), (store, "store", (addr, val))]
        for engine, name, args in body:
            self.emit(engine, name, *args)
        self.emit(Engine.FLOW, "pause")
        return Program(tuple(self.bundles))


def starter_program(rounds: int, batch: int) -> Program:
    return StarterBuilder().build(rounds, batch)


def straight_line(*slots: tuple[Engine, str, tuple[int, ...]]) -> Program:
    return Program(tuple(Bundle.of(Slot(engine, name, args)) for engine, name, args in slots))


def takehome(puzzle_id: str) -> Puzzle:
    return Catalog().puzzle(f"takehome/{puzzle_id}").puzzle


def seeds_only(puzzle: Puzzle) -> Puzzle:
    """The puzzle without its fixed cases: its first test is then scored seed 1."""
    return replace(puzzle, cases=[])


TINY = (4, 8)


def test_tree_hash_matches_the_spec_table_on_known_words() -> None:
    """Stage by stage from tree-kernel.md, written out independently of HASH_STAGES."""
    def by_hand(a: int) -> int:
        m = 0xFFFFFFFF
        a = ((a + 0x7ED55D16) + (a << 12)) & m
        a = (a ^ 0xC761C23C) ^ (a >> 19)
        a = ((a + 0x165667B1) + (a << 5)) & m
        a = ((a + 0xD3A2646C) & m) ^ ((a << 9) & m)
        a = ((a + 0xFD7046C5) + (a << 3)) & m
        return (a ^ 0xB55A4F09) ^ (a >> 16)
    for word in (0, 1, 0x3FFFFFFF, 0xFFFFFFFF, 123456789):
        assert tree_hash(word) == by_hand(word)


def test_the_starter_program_is_correct_and_its_scores_are_exact() -> None:
    puzzle = takehome("tree-tiny")
    report = score_program(puzzle, starter_program(*TINY), puzzle_id="takehome/tree-tiny")
    assert report.passed
    assert [t.kind for t in report.tests] == ["case"] * 7 + ["scored"] * 3 + ["robustness"] * 8
    assert len(set(report.robustness_seeds)) == 8
    # 14 header bundles, consts for 0..7, shifts 12 19 9 16 and the six C1, two pauses,
    # 4 rounds * 8 walkers * 36 bundles
    assert report.scores.cycles == 14 + 8 + 4 + 6 + 2 + 4 * 8 * 36
    assert report.scores.instructions == report.scores.cycles
    assert report.scores.scratch == 3 + 7 + 4 + 18


@pytest.mark.parametrize(("puzzle_id", "rounds", "batch"), [
    ("tree-tiny", 4, 8), ("tree-small", 5, 16), ("tree-medium", 6, 32)])
def test_warm_up_starter_marks_are_measured(puzzle_id: str, rounds: int, batch: int) -> None:
    puzzle = takehome(puzzle_id)
    report = score_program(puzzle, starter_program(rounds, batch), robustness=1)
    assert report.passed
    starter = [m for m in puzzle.marks if m.label.startswith("scalar starter")]
    assert [m.value for m in starter] == [report.scores.cycles]


def test_a_wrong_solution_names_test_address_expected_and_actual() -> None:
    """The starter with one hash constant off by one: every value is wrong."""
    program = starter_program(*TINY)
    bundles = list(program.bundles)
    for b, bundle in enumerate(bundles):
        slot = bundle.slots[0]
        if slot.name == "const" and slot.args[1] == 0xB55A4F09:
            bundles[b] = Bundle.of(Slot(Engine.LOAD, "const", (slot.args[0], 0xB55A4F08)))
    puzzle = seeds_only(takehome("tree-tiny"))
    report = score_program(puzzle, Program(tuple(bundles)), robustness=[77])
    assert not report.passed
    first = report.tests[0]
    expected = expected_memories(puzzle, [generate_memory(puzzle, 1)])[0]
    actual = run_program(Program(tuple(bundles)), generate_memory(puzzle, 1),
                         puzzle.machine_config()).memory
    assert first.wrong_words == 8
    assert first.summary() == (f"scored seed 1: word 22 (values[0]) should be {expected[22]},"
                               f" not {actual[22]} (and 7 more wrong words)")
    assert report.robustness_seeds == [77]
    assert report.failures()[0] == first.summary()
    assert len(report.failures()) == 4
    assert report.to_json()["tests"][0]["mismatches"][0] == {
        "address": 22, "region": "values", "offset": 0, "expected": expected[22],
        "actual": actual[22]}


def answers_only(puzzle: Puzzle, seed: int) -> Program:
    """Stores one seed's answers without computing anything."""
    expected = expected_memories(puzzle, [generate_memory(puzzle, seed)])[0]
    slots: list[tuple[Engine, str, tuple[int, ...]]] = []
    for address in range(22, 30):
        slots += [(Engine.LOAD, "const", (0, address)),
                  (Engine.LOAD, "const", (1, expected[address])),
                  (Engine.STORE, "store", (0, 1))]
    return straight_line(*slots)


def test_writing_only_the_scored_answers_fails_the_robustness_seeds() -> None:
    puzzle = replace(takehome("tree-tiny"), scored_seeds=[1])
    report = score_program(puzzle, answers_only(puzzle, 1))
    assert [t.passed for t in report.tests if t.kind == "scored"] == [True]
    robust = [t for t in report.tests if t.kind == "robustness"]
    assert len(robust) == 8 and not any(t.passed for t in robust)
    assert not report.passed


def test_claims_in_the_header_are_compared_with_the_measured_scores() -> None:
    program = starter_program(*TINY)
    puzzle = takehome("tree-tiny")
    measured = score_program(puzzle, program, robustness=0).scores
    right = program.with_header(cycles=str(measured.cycles), scratch=str(measured.scratch))
    report = score_program(puzzle, right, robustness=0)
    assert report.passed and report.claims == {"cycles": measured.cycles,
                                               "scratch": measured.scratch}
    wrong = program.with_header(cycles="1000")
    report = score_program(puzzle, wrong, robustness=0)
    assert report.tests_passed and not report.passed
    assert report.failures() == [f"the header claims cycles 1000, but it measures"
                                 f" {measured.cycles}"]
    with pytest.raises(ClaimError, match="the header claims instructions 'many'"):
        score_program(puzzle, program.with_header(instructions="many"), robustness=0)


def test_a_fault_and_the_cycle_limit_fail_the_test_with_their_reason() -> None:
    puzzle = seeds_only(takehome("tree-tiny"))
    crash = straight_line((Engine.LOAD, "const", (0, 1000)), (Engine.STORE, "store", (0, 0)))
    report = score_program(puzzle, crash, robustness=0)
    assert not report.passed
    assert report.tests[0].summary() == ("scored seed 1: fault at cycle 1, core 0, pc 1, store"
                                         " slot 0: memory address 1000 is outside memory (size 30)")
    loop = Program((Bundle.of(Slot(Engine.FLOW, "jump", (0,))),))
    limited = replace(puzzle, cycle_limit=50)
    report = score_program(limited, loop, robustness=0)
    assert report.tests[0].fault is not None
    assert report.tests[0].fault.reason == "cycle limit of 50 reached"
    assert report.scores.cycles == 50


SMALL_MACHINE = '''\
[pack]
id = "m"
title = "M"
[[puzzle]]
id = "no-mul"
title = "No multiplication"
scored_seeds = [1]
check = ["out"]
reference = { expected = { out = [6] } }
memory = [ { name = "out", kind = "zeros", count = 1 } ]
[puzzle.machine]
scratch_size = 8
slot_limits = { load = 1 }
forbidden_ops = ["mul"]
'''


def test_a_program_that_does_not_fit_the_puzzles_machine_is_refused() -> None:
    puzzle = parse_pack(SMALL_MACHINE).puzzles[0]
    multiply = straight_line((Engine.LOAD, "const", (1, 2)), (Engine.LOAD, "const", (2, 3)),
                             (Engine.ALU, "*", (3, 1, 2)), (Engine.LOAD, "const", (0, 0)),
                             (Engine.STORE, "store", (0, 3)))
    with pytest.raises(ProgramError, match="operation 'mul' is not allowed on this machine"):
        score_program(puzzle, multiply)
    two_loads = Program((Bundle.of(Slot(Engine.LOAD, "const", (1, 2)),
                                   Slot(Engine.LOAD, "const", (2, 3))),))
    with pytest.raises(ProgramError, match="2 load slots in one bundle; this machine allows 1"):
        score_program(puzzle, two_loads)
    beyond = straight_line((Engine.LOAD, "const", (8, 2)))
    with pytest.raises(ProgramError, match=r"scratch address 8 is outside the scratch \(0..7\)"):
        score_program(puzzle, beyond)
    adding = straight_line((Engine.LOAD, "const", (1, 3)), (Engine.ALU, "+", (3, 1, 1)),
                           (Engine.LOAD, "const", (0, 0)), (Engine.STORE, "store", (0, 3)))
    report = score_program(puzzle, adding)
    assert report.passed
    assert (report.scores.cycles, report.scores.instructions, report.scores.scratch) == (4, 4, 3)


def test_a_reference_program_defines_the_expected_outputs() -> None:
    puzzle = parse_pack(PROGRAM_PACK).puzzles[0]
    doubled = straight_line((Engine.LOAD, "const", (5, 0)), (Engine.LOAD, "load", (6, 5)),
                            (Engine.LOAD, "const", (7, 2)), (Engine.ALU, "//", (6, 6, 7)),
                            (Engine.ALU, "<<", (6, 6, 7)), (Engine.LOAD, "const", (7, 1)),
                            (Engine.STORE, "store", (7, 6)))
    report = score_program(puzzle, doubled, robustness=20)
    odd = [t for t in report.tests if generate_memory(puzzle, t.seed)[0] % 2]
    assert odd and all(not t.passed for t in odd)  # (x // 2) << 2 is 2x only for even x
    assert all(t.passed for t in report.tests if t not in odd)
    times_two = straight_line((Engine.LOAD, "const", (5, 0)), (Engine.LOAD, "load", (6, 5)),
                              (Engine.LOAD, "const", (7, 1)), (Engine.ALU, "<<", (6, 6, 7)),
                              (Engine.STORE, "store", (7, 6)))
    assert score_program(puzzle, times_two).passed


LANES_PACK = '''\
[pack]
id = "lanes"
title = "Lanes"
[[puzzle]]
id = "copy4"
title = "Copy four words"
scored_seeds = [1, 2]
check = ["out"]
memory = [
  { name = "in", kind = "random", count = 4, max = 1000 },
  { name = "out", kind = "zeros", count = 4 },
]
[puzzle.machine]
vlen = 4
scratch_size = 8
[puzzle.reference]
program = """
const 0, 0
vload 1, 0
const 0, 4
vstore 0, 1
"""
'''

VECTOR_COPY = '''\
# puzzle: lanes/copy4
# cycles: 4
# scratch: 5
.vector v
.scalar p
    const p, 0
    vload v, p
    const p, 4
    vstore p, v
'''


def test_a_solution_file_is_read_for_its_puzzles_vlen_by_check_hist_and_the_tui(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """On a vlen-4 machine with 8 scratch words, `.vector v` is words 0..3 and `p` word 4;
    read with the default vlen of 8, `p` would be word 8, past the scratch."""
    pack = tmp_path / "lanes.toml"
    pack.write_text(LANES_PACK, encoding="utf-8")
    solution = tmp_path / "copy.vasm"
    solution.write_text(VECTOR_COPY, encoding="utf-8")
    entry = Catalog(extra_packs=[pack]).puzzle("lanes/copy4")
    with pytest.raises(ProgramError, match="outside the scratch"):
        score_program(entry.puzzle, load_program(solution))

    assert main(["check", str(solution), "--pack", str(pack)]) == 0
    assert capsys.readouterr().out.startswith(
        "lanes/copy4: PASS  cycles 4  instructions 4  scratch 5\n")
    program, report = score_solution_file(entry, solution)  # the TUI's Run
    assert report.passed
    assert report.scores.as_dict() == {"cycles": 4, "instructions": 4, "scratch": 5}
    assert [(s.name, s.address, s.length) for s in program.symbols] == [("v", 0, 4),
                                                                         ("p", 4, 1)]
    reused, _ = score_solution_file(entry, solution, program=load_program(solution))
    assert reused.symbols == program.symbols
    assert validate_solution(entry, solution) == Point(content_hash(program),
                                                       report.scores.as_dict())
