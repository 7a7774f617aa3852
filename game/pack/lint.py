"""`lint_pack`: everything the loader checks, plus running each puzzle's reference.

A reference that fails its own puzzle makes the pack unusable: a built-in
that cannot read the puzzle's layout, an embedded program that faults or
hits the cycle limit on a scored seed. Running references costs a
simulation, so loading a pack does not do it; linting does. Every issue is
located like the loader's (``file:line: dotted.key: message``).
"""

from __future__ import annotations

from pathlib import Path

from game.inputs import generate_memory
from game.pack.loader import PackError, PackIssue, dotted_key, parse_pack, read_pack_text
from game.pack.locate import Locator
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
        inputs = [generate_memory(puzzle, seed) for seed in puzzle.scored_seeds]
        try:
            finals = expected_memories(puzzle, inputs)
        except ReferenceFailure as failure:
            issues.append(PackIssue(where, locator.line(at), dotted_key(at), str(failure)))
            continue
        if any(len(final) != len(memory) for final, memory in zip(finals, inputs, strict=True)):
            issues.append(PackIssue(where, locator.line(at), dotted_key(at),
                                    "the reference changes the size of memory"))
    return issues
