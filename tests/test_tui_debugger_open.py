"""Opening the debugger on a long program: nothing that grows with the program's length
happens before its first frame, and what it shows is what it showed when it did."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from game.tui.highlight import _LABELS_RE, defined_labels
from machine.vasm.syntax import LABEL_RE


def labels_at_every_line_start(text: str) -> frozenset[str]:
    """The pattern tried at every line start of the text: what `defined_labels` must find."""
    return frozenset(name for found in _LABELS_RE.finditer(text)
                     for name in LABEL_RE.findall(found.group(1)))


@given(st.text(alphabet="ab_1.:# \t\x0b\n\r", max_size=60))
@example("a.b: halt\nok: halt\n  x: y: halt\n# c: d\ne: f: # g:")
@example(":\n:a:\nb :c\n")
def test_labels_found_from_the_colons_are_those_of_every_line_start(text: str) -> None:
    assert defined_labels(text) == labels_at_every_line_start(text)
