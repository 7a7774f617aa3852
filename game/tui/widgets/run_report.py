"""What a run of the validator says, as Rich text: the verdict, the failing test, the scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from game.scoring import Report, TestResult


def scores_line(report: Report, metrics: list[str] | tuple[str, ...]) -> Text:
    text = Text()
    for index, metric in enumerate(metrics):
        if index:
            text.append(" · ", style="dim")
        text.append(f"{report.scores.get(metric):,}", style="bold")
        text.append(f" {metric}")
    return text


def tests_line(report: Report) -> Text:
    text = Text(" · ".join(f"{kind} tests: {correct} of {run} correct"
                           for kind, correct, run in report.tally()))
    if report.robustness_seeds:
        text.append(f" (robustness seeds {' '.join(map(str, report.robustness_seeds))},"
                    " derived from the program)")
    return text


def _mismatch_table(test: TestResult) -> Text:
    text = Text()
    width = max(len(f"{m.region}[{m.offset}]") for m in test.mismatches)
    text.append(f"  {'address':>8}  {'word':<{width}}  {'expected':>10}  {'actual':>10}\n",
                style="dim")
    for mismatch in test.mismatches:
        where = f"{mismatch.region}[{mismatch.offset}]"
        text.append(f"  {mismatch.address:>8}  {where:<{width}}  ")
        text.append(f"{mismatch.expected:>10}", style="green")
        text.append("  ")
        text.append(f"{mismatch.actual:>10}", style="bold red")
        text.append("\n")
    rest = test.wrong_words - len(test.mismatches)
    if rest > 0:
        text.append(f"  … and {rest} more wrong word{'s' * (rest > 1)}\n", style="dim")
    return text


def failure_text(report: Report) -> Text:
    """The verdict of a failed run: the first failing test in detail, then the rest in brief."""
    failed = [test for test in report.tests if not test.passed]
    text = Text("✗ FAILED", style="bold red")
    text.append(f"  {len(failed)} of {len(report.tests)} tests wrong · ")
    text.append_text(scores_line(report, ("cycles", "instructions", "scratch")))
    text.append("\n")
    if failed:
        first = failed[0]
        if first.fault is not None:
            text.append(f"{first.name}: ", style="bold")
            text.append(f"{first.fault}\n", style="red")
        else:
            text.append(f"{first.name}: expected against actual\n", style="bold")
            text.append_text(_mismatch_table(first))
        for test in failed[1:3]:
            text.append(f"{test.summary()}\n", style="dim")
        if len(failed) > 3:
            text.append(f"… and {len(failed) - 3} more failing tests\n", style="dim")
    for mismatch in report.claim_mismatches:
        text.append(f"{mismatch}\n", style="red")
    text.append_text(tests_line(report))
    return text
