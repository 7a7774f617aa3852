"""Terminal rendering: the player's bucket, labelled marks, percentiles, the Pareto view."""

from __future__ import annotations

import pytest
from rich.text import Text

from game.histogram import Histogram, Point
from game.histogram_text import (
    DOMINATED_POINT,
    FRONT_POINT,
    PLAYER_POINT,
    STYLE_DOMINATED,
    STYLE_FRONT,
    STYLE_PLAYER,
    histogram_columns,
    histogram_lines,
    pareto_lines,
    percent_text,
    plain,
    report_lines,
)
from game.pack import METRICS, Mark


def digest(n: int) -> str:
    return f"{n:064x}"


def point(n: int, cycles: int, instructions: int, scratch: int = 50) -> Point:
    return Point(digest(n), {"cycles": cycles, "instructions": instructions, "scratch": scratch})


# cycles 1400..2164: linear buckets of 50 starting at 1400
HISTOGRAM = Histogram.build("takehome/tree-kernel", METRICS, [
    point(1, 1400, 900), point(2, 1480, 700), point(3, 1790, 400), point(4, 2164, 800),
    point(5, 1420, 950),
])
MARKS = [Mark(metric="cycles", value=1790, label="Claude Opus 4.5, casual session"),
         Mark(metric="cycles", value=1363, label="Claude Opus 4.5 in an improved harness")]


def row_starting(lines: list[Text], label: str) -> Text:
    [line] = [line for line in lines if line.plain.lstrip().startswith(label + " │")]
    return line


def eighths(row: str) -> int:
    """The length of a row's bar in eighths of a character."""
    bar = row.split("│")[1].rstrip(" 0123456789")
    partial = " ▏▎▍▌▋▊▉".find(bar[-1]) if bar and bar[-1] != "█" else 0
    return 8 * bar.count("█") + max(partial, 0)


def styles_of(line: Text, needle: str) -> set[str]:
    start = line.plain.index(needle)
    return {str(span.style) for span in line.spans if span.start <= start < span.end}


def test_the_players_bucket_is_marked_and_styled() -> None:
    lines = histogram_lines(HISTOGRAM, "cycles", player=1460, marks=MARKS)
    row = row_starting(lines, "1,450–1,499")
    assert row.plain.rstrip().endswith("◀ you 1,460")
    assert STYLE_PLAYER in styles_of(row, "█")
    other = row_starting(lines, "1,400–1,449")
    assert "you" not in other.plain and STYLE_PLAYER not in styles_of(other, "█")
    assert plain(lines).count("◀ you") == 1


def test_counts_and_bars_follow_the_histogram() -> None:
    lines = histogram_lines(HISTOGRAM, "cycles")
    assert lines[0].plain == "cycles (linear scale, 5 recorded solutions)"
    full = row_starting(lines, "1,400–1,449").plain
    half = row_starting(lines, "1,450–1,499").plain
    empty = row_starting(lines, "1,500–1,549").plain
    assert full.rstrip().endswith(" 2") and half.rstrip().endswith(" 1")
    assert empty.rstrip().endswith(" 0") and "█" not in empty
    assert eighths(full) == 2 * eighths(half)


def test_marks_are_labelled_on_their_bucket_even_beyond_every_solution() -> None:
    lines = histogram_lines(HISTOGRAM, "cycles", marks=MARKS, width=100)
    row = row_starting(lines, "1,750–1,799")
    assert "◆ 1,790 Claude Opus 4.5, casual session" in row.plain
    first = lines[1].plain  # the buckets widen to hold the mark below every solution
    assert first.startswith("1,350–1,399 │") and first.split("│")[1].split()[0] == "0"
    assert "◆ 1,363 Claude Opus 4.5 in an improved harness" in first


def test_a_new_best_and_a_new_worst_beyond_every_solution() -> None:
    best = histogram_lines(HISTOGRAM, "cycles", player=1000)
    assert best[1].plain.split() == ["1,000–1,049", "│", "0", "◀", "you", "1,000"]
    assert best[-1].plain == ("you: 1,000 cycles, better than 100% of recorded solutions"
                              " (5 of 5) — a new best")
    worst = histogram_lines(HISTOGRAM, "cycles", player=9999)
    assert worst[-2].plain.split() == ["9,500–9,999", "│", "0", "◀", "you", "9,999"]
    assert worst[-1].plain == ("you: 9,999 cycles, beats none of 5 recorded solutions yet"
                               " — a new worst")


def test_an_empty_histogram_says_so_and_still_shows_the_player_and_marks() -> None:
    empty = Histogram.empty("takehome/tree-kernel")
    text = plain(histogram_lines(empty, "cycles", player=1500, marks=MARKS))
    assert "cycles: no recorded solutions yet" in text
    assert "◀ you 1,500" in text and "◆ 1,363" in text
    assert "no recorded solutions to compare with yet" in text
    assert "no recorded solutions" in plain(histogram_columns(empty, "cycles", player=1500))
    assert "no recorded solutions yet" in plain(pareto_lines(empty))


@pytest.mark.parametrize(("value", "expected"), [
    (1460, "better than 60% of recorded solutions (3 of 5)"),
    (1400, "better than 80% of recorded solutions (4 of 5, tied with 1)"),
    (1300, "better than 100% of recorded solutions (5 of 5)"),
    (2164, "beats none of 5 recorded solutions yet, tied with 1"),
    (2165, "beats none of 5 recorded solutions yet"),
])
def test_percent_text(value: int, expected: str) -> None:
    assert percent_text(HISTOGRAM.standing("cycles", value)) == expected


def test_percentages_are_never_rounded_up() -> None:
    many = Histogram.build("p/q", METRICS, [point(i, 100 + 2 * i, 5) for i in range(300)])
    assert percent_text(many.standing("cycles", 103)) == \
        "better than 99.3% of recorded solutions (298 of 300)"
    assert percent_text(many.standing("cycles", 697)) == \
        "better than 0.3% of recorded solutions (1 of 300)"
    one = Histogram.build("p/q", METRICS, [point(1, 10, 5)])
    assert percent_text(one.standing("cycles", 10)) == \
        "beats none of 1 recorded solution yet, tied with 1"
    assert percent_text(one.standing("cycles", 5)).endswith("of recorded solution (1 of 1)")


def test_lines_fit_the_width() -> None:
    long_marks = [Mark(metric="cycles", value=1790, label="a very long label " * 10)]
    for width in (60, 80, 120):
        lines = report_lines(HISTOGRAM, player=point(9, 1460, 600), marks=long_marks,
                             width=width)
        assert max(len(line.plain) for line in lines) <= width


def test_the_compact_columns_mark_the_player_below_its_bucket() -> None:
    lines = histogram_columns(HISTOGRAM, "cycles", player=1460, height=4)
    assert len(lines) == 1 + 4 + 3
    bucket = HISTOGRAM.bars["cycles"].locate(1460)[1]
    marker_row = lines[5].plain
    assert marker_row.index("▲") == 1 + bucket
    tallest = [line.plain[1] for line in lines[1:5]]
    assert tallest == ["█"] * 4  # the fullest bucket fills the height
    assert lines[6].plain.startswith("1.4k") and lines[-1].plain == "you 1,460 · beats 60%"


def test_the_pareto_view_draws_dominated_solutions_differently() -> None:
    # front: (1400, 900) is beaten on neither metric; (1790, 400) and (1480, 700) neither;
    # (2164, 800) is dominated by (1790, 400); (1420, 950) by (1400, 900).
    lines = pareto_lines(HISTOGRAM, width=40, height=10)
    text = plain(lines)
    assert text.count(FRONT_POINT) == 3 + 1  # three points and the legend
    assert text.count(DOMINATED_POINT) == 2 + 1
    for line in lines:
        for index, char in enumerate(line.plain):
            if char == FRONT_POINT and "front" not in line.plain:
                assert STYLE_FRONT in styles_of(line, line.plain[index:])
            if char == DOMINATED_POINT and "dominated" not in line.plain:
                assert STYLE_DOMINATED in styles_of(line, line.plain[index:])


def test_the_pareto_view_puts_best_solutions_lower_left() -> None:
    lines = pareto_lines(HISTOGRAM, width=40, height=10)
    grid = [line.plain for line in lines[2:12]]
    fewest_instructions = grid[-1]  # (1790, 400)
    most_instructions = grid[0]     # (1420, 950)
    assert FRONT_POINT in fewest_instructions and DOMINATED_POINT in most_instructions
    fastest_column = min(row.index(FRONT_POINT) for row in grid if FRONT_POINT in row)
    assert any(row.find(FRONT_POINT) == fastest_column for row in grid[:3])  # (1400, 900)


def test_the_player_replaces_its_recorded_twin_and_is_told_where_it_stands() -> None:
    dominated_twin = point(4, 2164, 800)
    text = plain(pareto_lines(HISTOGRAM, player=dominated_twin))
    assert text.count(PLAYER_POINT) == 2  # the point and the legend
    assert text.count(DOMINATED_POINT) == 1 + 1  # only (1420, 950) is left, and the legend
    assert "★ you (dominated)" in text
    newcomer = point(99, 1000, 100)
    assert "★ you (on the front)" in plain(pareto_lines(HISTOGRAM, player=newcomer))


def test_the_report_shows_every_metric_then_the_pareto_view() -> None:
    text = plain(report_lines(HISTOGRAM, player=point(9, 1460, 600), marks=MARKS))
    heads = [text.index(f"{m} (") for m in METRICS]
    assert heads == sorted(heads)
    assert text.index("Pareto view") > heads[-1]
    assert text.count("◀ you") == 3
