"""The TOML key scanner that gives schema errors their line numbers."""

from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from game.pack.locate import Locator

TEXT = '''\
# a comment
title = "x"   # trailing
[pack]
id = "p"
"quoted key" = 1
[[puzzle]]
id = "a"
numbers = [
  1,
  2,  # two
  3,
]
inline = { alu = 1, valu = { deep = 2 } }
text = """
line one
line two "quoted" ""
"""
after = 'literal ] [ { #'
[puzzle.machine]
vlen = 8
[[puzzle.memory]]
name = "m0"
[[puzzle.memory]]
name = "m1"
[[puzzle]]
id = "b"
[[puzzle.memory]]
name = "n0"
dotted.key.here = true
memory2 = [
  { name = "r0", kind = "words" },
  { name = "r1", kind = "zeros" },
]
'''


def test_the_sample_is_valid_toml() -> None:
    tomllib.loads(TEXT)


def test_keys_tables_and_arrays_of_tables_have_their_lines() -> None:
    locator = Locator(TEXT)
    expected = {
        ("title",): 2,
        ("pack",): 3,
        ("pack", "id"): 4,
        ("pack", "quoted key"): 5,
        ("puzzle", 0): 6,
        ("puzzle", 0, "id"): 7,
        ("puzzle", 0, "numbers"): 8,
        ("puzzle", 0, "numbers", 0): 9,
        ("puzzle", 0, "numbers", 2): 11,
        ("puzzle", 0, "inline", "valu", "deep"): 13,
        ("puzzle", 0, "text"): 14,
        ("puzzle", 0, "after"): 18,
        ("puzzle", 0, "machine"): 19,
        ("puzzle", 0, "machine", "vlen"): 20,
        ("puzzle", 0, "memory", 0, "name"): 22,
        ("puzzle", 0, "memory", 1): 23,
        ("puzzle", 0, "memory", 1, "name"): 24,
        ("puzzle", 1, "id"): 26,
        ("puzzle", 1, "memory", 0, "name"): 28,
        ("puzzle", 1, "memory", 0, "dotted", "key", "here"): 29,
        ("puzzle", 1, "memory", 0, "memory2", 1, "kind"): 32,
    }
    assert {path: locator.line(path) for path in expected} == expected


def test_unknown_paths_fall_back_to_the_nearest_enclosing_line() -> None:
    locator = Locator(TEXT)
    assert locator.line(("puzzle", 0, "machine", "scratch_size")) == 19
    assert locator.line(("puzzle", 1, "memory", 0, "count")) == 27
    assert locator.line(("nothing",)) == 1


def test_multi_line_strings_start_after_the_trimmed_newline() -> None:
    locator = Locator(TEXT)
    assert locator.string_start(("puzzle", 0, "text")) == 15
    assert locator.string_start(("puzzle", 0, "after")) == 18


keys = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(keys, st.lists(keys, min_size=1, max_size=4, unique=True)),
                min_size=1, max_size=5))
def test_every_key_of_generated_arrays_of_tables_is_found(
        tables: list[tuple[str, list[str]]]) -> None:
    """Whatever the shape, each key maps to the line that wrote it."""
    lines: list[str] = []
    where: dict[tuple[str | int, ...], int] = {}
    counts: dict[str, int] = {}
    for table, names in tables:
        lines.append(f"[[t.{table}]]")
        index = counts.get(table, 0)
        counts[table] = index + 1
        for name in names:
            lines.append(f'{name} = "v"  # c')
            where[("t", table, index, name)] = len(lines)
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)
    locator = Locator(text)
    assert {path: locator.line(path) for path in where} == where


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_the_scanner_never_fails_or_hangs_on_any_text(text: str) -> None:
    Locator(text).line(("a", 0, "b"))
