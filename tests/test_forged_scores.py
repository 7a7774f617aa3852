"""A program that recognises its inputs scores what it takes on inputs it has never seen.

Each forged program here compares input words with those of the puzzle's scored
seeds and, when they match, writes answers computed in advance; otherwise it
runs an honest slow path. Under the first scoring rule the scored seeds alone
set the cycles, so these programs scored their fast path. Under rule 2 the
score is the worst over every test, robustness seeds derived from the program
included, so they score their slow path.
"""

from __future__ import annotations

import json

from game.catalog import Catalog
from game.inputs import generate_memory
from game.paths import SOLUTIONS_DIR
from game.references import expected_memories
from game.scoring import score_program
from machine.loader import load_program, parse_program
from machine.takehome_json import program_to_json

SCRATCH_BASE = 1100
"""Scratch the forged tree kernel uses: above everything the starter program touches."""


def forged_tree_kernel() -> str:
    """The take-home's starter, behind a check of one forest word against seed 123's."""
    entry = Catalog().puzzle("takehome/tree-kernel")
    seed = entry.puzzle.scored_seeds[0]
    memory = generate_memory(entry.puzzle, seed)
    answers = expected_memories(entry.puzzle, [memory])[0]
    values_p, batch = memory[6], memory[2]
    address, word, want, same = range(SCRATCH_BASE, SCRATCH_BASE + 4)
    answer = SCRATCH_BASE + 8
    prefix = [
        {"load": [["const", address, memory[4]], ["const", want, memory[memory[4]]]]},
        {"load": [["load", word, address]]},
        {"alu": [["==", same, word, want]]},
        {"flow": [["cond_jump", same, 0]]},  # target set below
    ]
    slow = program_to_json(load_program(SOLUTIONS_DIR / "takehome/tree-kernel/baseline.vasm"))
    fast: list[dict] = [{"load": [["const", answer + i, answers[values_p + i]],
                                  ["const", answer + i + 1, answers[values_p + i + 1]]]}
                        for i in range(0, batch, 2)]
    for i in range(0, batch, 8):
        fast.append({"load": [["const", address, values_p + i]]})
        fast.append({"store": [["vstore", address, answer + i]]})
    program = [*prefix, *slow, {"flow": [["halt"]]}, *fast]
    prefix[3]["flow"][0][2] = len(prefix) + len(slow) + 1
    return json.dumps(program)


def forged_digits() -> str:
    """minimal/digits: the shipped countdown loop, behind checks of x against each scored
    seed's; a match stores that seed's ten digits, one a cycle."""
    entry = Catalog().puzzle("minimal/digits")
    seeds = entry.puzzle.scored_seeds
    lines = [".scalar p", ".scalar x", ".scalar ten", ".scalar digit", ".scalar want",
             "    load x, p"]
    for n, seed in enumerate(seeds):
        lines += [f"    const want, {generate_memory(entry.puzzle, seed)[0]}",
                  "    eq digit, x, want", f"    cond_jump digit, fast{n}"]
    lines += ["    const ten, 10", "    add_imm p, p, 11", "next:",
              "    mod digit, x, ten || add_imm p, p, -1",
              "    div x, x, ten || store p, digit || cond_jump p, next", "    halt"]
    for n, seed in enumerate(seeds):
        digits = expected_memories(entry.puzzle, [generate_memory(entry.puzzle, seed)])[0]
        lines += [f"fast{n}:", f"    const digit, {digits[1]} || add_imm p, p, 1"]
        lines += [f"    store p, digit || const digit, {digits[address + 1]} || add_imm p, p, 1"
                  for address in range(1, 10)]
        lines += ["    store p, digit", "    halt"]
    return "\n".join(lines) + "\n"


def test_a_tree_kernel_that_recognises_the_scored_seed_scores_its_slow_path() -> None:
    entry = Catalog().puzzle("takehome/tree-kernel")
    report = score_program(entry.puzzle, parse_program(forged_tree_kernel(), "forged.json"),
                           puzzle_id=entry.id)
    assert report.passed, report.failures()
    [scored] = [t for t in report.tests if t.kind == "scored"]
    robust = [t for t in report.tests if t.kind == "robustness"]
    assert scored.cycles < 300  # it did recognise the scored seed and race through it
    assert min(t.cycles for t in robust) > 147_734  # every unseen input took the slow path
    assert report.scores.cycles == max(t.cycles for t in report.tests) > 147_734


def test_a_minimal_puzzle_that_recognises_the_scored_seeds_scores_its_slow_path() -> None:
    entry = Catalog().puzzle("minimal/digits")
    honest = score_program(entry.puzzle, load_program(SOLUTIONS_DIR / "minimal/digits/"
                                                      "countdown.vasm"), puzzle_id=entry.id)
    report = score_program(entry.puzzle, parse_program(forged_digits(), "forged.vasm"),
                           puzzle_id=entry.id)
    assert report.passed, report.failures()
    scored = [t.cycles for t in report.tests if t.kind == "scored"]
    unseen = [t.cycles for t in report.tests if t.kind == "robustness"]
    assert max(scored) < min(unseen)  # fast on the scored seeds, slow elsewhere
    assert report.scores.cycles == max(t.cycles for t in report.tests)
    assert report.scores.cycles > honest.scores.cycles  # never better than honest work


def test_the_same_program_always_gets_the_same_score_and_seeds() -> None:
    entry = Catalog().puzzle("minimal/digits")
    program = parse_program(forged_digits(), "forged.vasm")
    first = score_program(entry.puzzle, program, puzzle_id=entry.id)
    again = score_program(entry.puzzle, parse_program(forged_digits(), "other.vasm"),
                          puzzle_id=entry.id)
    assert first.robustness_seeds == again.robustness_seeds
    assert first.to_json() == again.to_json()
    assert first.official and first.rule == 2


def test_another_program_meets_other_seeds() -> None:
    entry = Catalog().puzzle("minimal/digits")
    one = score_program(entry.puzzle, parse_program(forged_digits(), "a.vasm"),
                        puzzle_id=entry.id)
    other = score_program(entry.puzzle, load_program(SOLUTIONS_DIR / "minimal/digits/"
                                                     "countdown.vasm"), puzzle_id=entry.id)
    assert set(one.robustness_seeds).isdisjoint(other.robustness_seeds)


def test_more_seeds_keep_the_default_ones_and_are_not_official() -> None:
    entry = Catalog().puzzle("minimal/digits")
    program = load_program(SOLUTIONS_DIR / "minimal/digits/countdown.vasm")
    default = score_program(entry.puzzle, program, puzzle_id=entry.id)
    more = score_program(entry.puzzle, program, puzzle_id=entry.id, robustness=20)
    assert more.robustness_seeds[:8] == default.robustness_seeds
    assert len(more.robustness_seeds) == 20 and not more.official
    given = score_program(entry.puzzle, program, puzzle_id=entry.id, robustness=[5, 6])
    assert given.robustness_seeds == [5, 6] and not given.official
