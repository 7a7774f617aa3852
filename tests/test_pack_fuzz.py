"""Fuzzed packs never yield anything but a Pack or located errors.

Three kinds of fuzz, from a starter pack (`vliw pack new`):

- structure: its parsed TOML with keys set to values of any TOML type,
  deleted or added, written back as TOML by a writer that remembers the line
  of every key. Each issue must name a key path that exists in the document
  (but for a missing last key) and the line where that path is written;
- text: its lines deleted, repeated, swapped, cut or spliced with stray
  characters; each issue must lie within the file and be one line;
- whole runs of `pack_test` (lint, references, solutions) on such texts:
  they return a result; they never raise.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.authoring import pack_test, starter_files
from game.pack import PackError, PackIssue, json_schema, parse_pack
from tools.fuzz.toml_text import inline as toml_value
from tools.fuzz.toml_text import key_text as toml_key

STARTER_TEXT = next(iter(starter_files("fuzz", Path("fuzz")).values()))
STARTER: dict[str, Any] = tomllib.loads(STARTER_TEXT)


# --- a TOML writer that knows where it put every key ------------------------------------------

Path_ = tuple[str | int, ...]
def _inline_paths(path: Path_, value: Any, line: int) -> Iterator[tuple[Path_, int]]:
    yield path, line
    children = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _inline_paths((*path, key), child, line)


def write_toml(data: dict[str, Any]) -> tuple[str, dict[Path_, int]]:
    """(TOML text, line of every key path): scalars first, then tables, arrays of tables."""
    lines: list[str] = []
    where: dict[Path_, int] = {(): 1}

    def body(table: dict[str, Any], prefix: Path_) -> None:
        for key, value in table.items():
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
            where.update(_inline_paths((*prefix, key), value, len(lines)))

    def is_tables(value: Any) -> bool:
        return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)

    body({k: v for k, v in data.items() if not isinstance(v, dict) and not is_tables(v)}, ())
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{toml_key(key)}]")
            where[(key,)] = len(lines)
            body(value, (key,))
        elif is_tables(value):
            for index, table in enumerate(value):
                lines.append(f"[[{toml_key(key)}]]")
                where.setdefault((key,), len(lines))
                where[(key, index)] = len(lines)
                body(table, (key, index))
    return "\n".join(lines) + "\n", where


# --- values and edits ----------------------------------------------------------------------------

def _schema_words() -> list[str]:
    """Every property name and enum or const value of the pack format."""
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            words.update(k for k in node.get("properties", {}))
            words.update(v for v in node.get("enum", []) if isinstance(v, str))
            if isinstance(node.get("const"), str):
                words.add(node["const"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(json_schema())
    return sorted(words)


WORDS = [*_schema_words(), "n", "numbers", "total", "add", "mul", "tree-kernel", "x"]
keys = st.sampled_from(WORDS) | st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True)
"""Bare keys: a dotted key path such as `pack.x` is ambiguous for keys holding dots or brackets."""
scalars = st.one_of(
    st.sampled_from([-1, 0, 1, 8, 2**32 - 1, 2**32, 2**63 - 1, -(2**63), 10**7, 10**7 + 1]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.dates(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=12)


def containers(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict | list):
        yield path
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in children:
            yield from containers(child, (*path, key))


def at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def mutate(data: dict[str, Any], draw: st.DrawFn) -> None:
    target = at(data, draw(st.sampled_from(list(containers(data)))))
    if isinstance(target, dict):
        existing = list(target)
        key = draw(st.sampled_from(existing) | keys) if existing else draw(keys)
        if key in target and draw(st.booleans()):
            del target[key]
        else:
            target[key] = draw(values)
    elif target and draw(st.booleans()):
        index = draw(st.integers(0, len(target) - 1))
        if draw(st.booleans()):
            del target[index]
        else:
            target[index] = draw(values)
    else:
        target.append(draw(values))


@st.composite
def mutated_packs(draw: st.DrawFn) -> dict[str, Any]:
    data = json.loads(json.dumps(STARTER))  # a deep copy (the starter has no dates)
    for _ in range(draw(st.integers(1, 4))):
        mutate(data, draw)
    return data


# --- what a located error is ---------------------------------------------------------------------

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def key_path(key: str) -> Path_:
    """"puzzle[0].machine.vlen" -> ("puzzle", 0, "machine", "vlen")."""
    return tuple(name if name else int(index) for name, index in _PART.findall(key))


def exists(data: Any, path: Path_) -> bool:
    try:
        at(data, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def assert_located(issue: PackIssue, data: dict[str, Any], where: dict[Path_, int],
                   path: str) -> None:
    assert issue.path == path
    assert issue.message and "\n" not in issue.message
    if not issue.key:  # the file as a whole, or "N more issues" (at the last one's line)
        assert 1 <= issue.line <= max(where.values())
        return
    parts = key_path(issue.key)
    assert exists(data, parts[:-1]), f"{issue} names no place in the document"
    if not exists(data, parts):
        assert issue.message == "required key is missing", str(issue)
    deepest = max((parts[:n] for n in range(len(parts) + 1) if parts[:n] in where), key=len)
    assert issue.line == where[deepest], f"{issue}: expected line {where[deepest]}"


# --- the tests -----------------------------------------------------------------------------

def test_the_writer_writes_the_toml_it_means() -> None:
    text, where = write_toml(STARTER)
    assert tomllib.loads(text) == STARTER
    assert parse_pack(text, "w.toml").puzzles[0].id == "sum"
    assert where[("puzzle", 0, "memory", 1, "count")] == where[("puzzle", 0, "memory")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_structural_fuzz_yields_a_pack_or_errors_at_their_keys(data: st.DataObject) -> None:
    document = data.draw(mutated_packs())
    text, where = write_toml(document)
    assert tomllib.loads(text) == document
    try:
        parse_pack(text, "fuzz.toml")
    except PackError as error:
        assert error.issues
        for issue in error.issues:
            assert_located(issue, document, where, "fuzz.toml")


LINE_NOISE = st.sampled_from(['"', "'", '"""', "[", "]", "[[", "{", "}", "=", ",", "#", ".",
                              "\\", "\n", "\t", "0x", "-", "_", "inf", "\x00", "\x7f", "é"])


@st.composite
def mangled_texts(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "swap", "splice", "cut"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "splice":
            line = lines[index]
            cut = draw(st.integers(0, len(line)))
            noise = draw(LINE_NOISE | st.text(max_size=4))
            lines[index] = line[:cut] + noise + line[cut:]
        else:
            lines = lines[:index + 1]
    return "".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mangled_text_yields_a_pack_or_errors_within_the_file(data: st.DataObject) -> None:
    text = data.draw(mangled_texts(STARTER_TEXT))
    try:
        parse_pack(text, "fuzz.toml")
    except PackError as error:
        count = len(text.splitlines()) or 1
        for issue in error.issues:
            assert issue.path == "fuzz.toml"
            assert 1 <= issue.line <= count and issue.message and "\n" not in issue.message


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_pack_test_of_a_mangled_pack_returns_located_problems(
        tmp_path: Path, data: st.DataObject) -> None:
    text = data.draw(mangled_texts(STARTER_TEXT))
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    result = pack_test(path, random_seeds=1)
    if not result.loaded:
        assert result.issues and not result.passed
        for issue in result.issues:
            assert issue.path == str(path) and 1 <= issue.line <= max(len(text.splitlines()), 1)
        return
    assert result.pack is not None
    ids = [f"{result.pack.id}/{puzzle.id}" for puzzle in result.pack.puzzles]
    for line in result.problems():
        assert "\n" not in line
        assert line.startswith(str(path)) or any(line.startswith(f"{i}: ") for i in ids), line


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_load_or_fail_on_a_line_of_the_file(blob: bytes) -> None:
    import tempfile

    from game.pack import load_pack

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bytes.toml"
        path.write_bytes(blob)
        try:
            load_pack(path)
        except PackError as error:
            lines = blob.count(b"\n") + 1
            for issue in error.issues:
                assert issue.path == str(path) and 1 <= issue.line <= lines
