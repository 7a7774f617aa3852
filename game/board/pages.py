"""The board's HTML for people who open its address: plain pages rendered on the server.

Every piece of text that comes from a pack or from storage goes through `html.escape`;
the pages carry no script. A puzzle's histograms are the text `vliw hist` prints, in a
<pre> block.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from game.catalog import PuzzleEntry
from game.histogram import Histogram
from game.histogram_text import plain, report_lines

WIDTH = 100
"""Characters of the text histograms."""

_STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
          "pre{font-family:monospace;line-height:1.15}td,th{padding:.1em .8em;text-align:left}"
          "td.n{text-align:right}")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def puzzle_link(entry: PuzzleEntry) -> str:
    return f"/puzzles/{quote(entry.pack.id)}/{quote(entry.puzzle.id)}"


def index_page(puzzles: Sequence[tuple[PuzzleEntry, int]]) -> str:
    """Every puzzle with its count of distinct solutions, linked to its histograms."""
    rows = "\n".join(
        f'<tr><td><a href="{escape(puzzle_link(entry))}">{escape(entry.id)}</a></td>'
        f"<td>{escape(entry.puzzle.title)}</td><td class=n>{count:,}</td></tr>"
        for entry, count in puzzles)
    body = ("<h1>vliw leaderboard</h1>\n<p>Every solution counted here was run by this "
            "board on fresh inputs; a program counts once however often it is sent. Submit "
            "with <code>vliw board submit FILE --puzzle PACK/PUZZLE --url URL</code>.</p>\n"
            "<table><tr><th>puzzle</th><th>title</th><th>solutions</th></tr>\n"
            f"{rows}\n</table>")
    return _page("vliw leaderboard", body)


def puzzle_page(entry: PuzzleEntry, histogram: Histogram) -> str:
    """A puzzle's histograms and Pareto view as `vliw hist` draws them."""
    if len(histogram):
        text = plain(report_lines(histogram, marks=entry.puzzle.marks, width=WIDTH))
        shown = f"<pre>{escape(text)}</pre>"
    else:
        shown = "<p>No solution has been submitted yet.</p>"
    api = f"/api/puzzles/{quote(entry.pack.id)}/{quote(entry.puzzle.id)}"
    body = (f'<p><a href="/">all puzzles</a></p>\n<h1>{escape(entry.id)}: '
            f"{escape(entry.puzzle.title)}</h1>\n<p>{len(histogram):,} distinct "
            f"solutions. As JSON: <a href=\"{escape(api)}/histogram\">histogram</a>, "
            f'<a href="{escape(api)}/pareto">Pareto front</a>.</p>\n{shown}')
    return _page(f"{entry.id} - vliw leaderboard", body)
