"""`lint_pack`: everything the loader checks, plus running each puzzle's reference.

A reference that fails its own puzzle makes the pack unusable: a built-in
that cannot read the puzzle's layout, an embedded program that faults or
hits the cycle limit on a fixed case or a scored seed. Running references costs a
simulation, so loading a pack does not do it; linting does. Every issue is
located like the loader's (``file:line: dotted.key: message``).
"""

from __future__ import annotations

from pathlib import Path

from game.inputs import test_inputs, test_plan
from game.pack.loader import dotted_key, parse_pack
from game.pack.locate import Locator
from game.pack.schema import Pack
from game.pack.text import PackError, PackIssue, read_pack_text
from game.paths import PUZZLES_DIR
from game.references import ReferenceFailure, expected_memories


def lint_pack(path: str | Path) -> list[PackIssue]:
    """Every issue of a pack file; empty when it is ready to ship."""
    path = Path(path)
    where = str(path)
    try:
        text = read_pack_text(path)
        pack = parse_pack(text, where)
    except PackError as error:
        return error.issues
    locator = Locator(text)
    issues = []
    if path.resolve().parent == PUZZLES_DIR.resolve() and path.stem != pack.id:
        at = ("pack", "id")
        issues.append(PackIssue(where, locator.line(at), dotted_key(at),
                                f"a shipped pack's file must be named {pack.id}.toml"))
    for p, puzzle in enumerate(pack.puzzles):
        at = ("puzzle", p, "reference")
        inputs = test_inputs(puzzle, test_plan(puzzle, ()))
        try:
            finals = expected_memories(puzzle, inputs)
        except ReferenceFailure as failure:
            issues.append(PackIssue(where, locator.line(at), dotted_key(at), str(failure)))
            continue
        if any(len(final) != len(memory) for final, memory in zip(finals, inputs, strict=True)):
            issues.append(PackIssue(where, locator.line(at), dotted_key(at),
                                    "the reference changes the size of memory"))
    return issues


def pack_warnings(pack: Pack, text: str, where: str) -> list[PackIssue]:
    """What a pack may ship with but should not: a puzzle without fixed test cases is
    tested on random inputs only, which rarely hit its boundaries."""
    locator = Locator(text)
    return [PackIssue(where, locator.line(("puzzle", p, "id")), dotted_key(("puzzle", p)),
                      "warning: no fixed test cases ([[puzzle.cases]]); random seeds rarely"
                      " hit a puzzle's boundaries (0, the largest word, ties, duplicates)")
            for p, puzzle in enumerate(pack.puzzles) if not puzzle.cases]
