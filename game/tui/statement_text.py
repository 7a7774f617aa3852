"""A puzzle's statement as Markdown: what the player reads beside the code.

Everything needed to write a solution without leaving the editor: the task,
where each region of memory is, the machine, the operations it refuses, how
solutions are scored, the targets (marks, and per-metric targets a pack may
declare as `targets`) with the player's best against them, and the fixed
cases by name. This module knows nothing of Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from game.tui.manual_text import limits_markdown

if TYPE_CHECKING:
    from game.pack import Puzzle


def puzzle_targets(puzzle: Puzzle) -> dict[str, int]:
    """Per-metric targets of a puzzle (pack key `targets`, metric -> value)."""
    return dict(puzzle.targets)


def _met(best: int | None, value: int) -> str:
    return "✓" if best is not None and best <= value else "·"


def statement_markdown(puzzle: Puzzle, best: Mapping[str, int] | None = None) -> str:
    """The statement; `best` (metric -> the player's best) marks the targets met."""
    from game.inputs import layout

    best = best or {}
    parts = [f"# {puzzle.title}", "", puzzle.description.strip() or "*(no description)*", "",
             "## Memory", "", "| region | address | words | |", "|---|---|---|---|"]
    for region in layout(puzzle):
        parts.append(f"| `{region.name}` | {region.start} | {region.length:,} |"
                     f" {'checked' if region.checked else region.kind} |")
    parts += ["", "## Machine", "", limits_markdown(puzzle.machine_config(), puzzle.cycle_limit),
              "", "## Scores", ""]
    for index, metric in enumerate(puzzle.metrics):
        mine = best.get(metric)
        standing = f"your best **{mine:,}**" if mine is not None else "not solved yet"
        primary = " (primary)" if index == 0 else ""
        parts.append(f"- `{metric}`{primary}: {standing}")
    parts.append("- lower is better; `cycles` is the worst over every test")
    targets = puzzle_targets(puzzle)
    marks = sorted(puzzle.marks, key=lambda mark: (mark.metric, mark.value))
    if targets or marks:
        parts += ["", "## Targets", ""]
        for metric, value in targets.items():
            parts.append(f"- {_met(best.get(metric), value)} **{value:,}** {metric}")
        for mark in marks:
            parts.append(f"- {_met(best.get(mark.metric), mark.value)} {mark.value:,}"
                         f" {mark.metric}: {mark.label}")
    parts += ["", "## Tests", ""]
    if puzzle.cases:
        parts.append("Fixed cases: " + ", ".join(f"`{case.name}`" for case in puzzle.cases))
    seeds = " ".join(map(str, puzzle.scored_seeds))
    parts.append(f"\nScored seeds: {seeds}; and {puzzle.robustness_seeds} seeds derived from"
                 " your program.")
    return "\n".join(parts) + "\n"
