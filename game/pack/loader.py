"""Loading a pack file: TOML, then the schema, then checks across keys.

`load_pack(path)` returns a `Pack` or raises `PackError`, whose issues are
each located ``file:line: dotted.key: message`` (TOML syntax errors, schema
errors and cross-key errors alike; see `game.pack.locate`). Nothing in a
pack is ever executed as Python: it is data, and an embedded reference
program is machine assembly, run only by the machine's simulator.

Checks beyond the schema: unique puzzle ids and region names; `of` and
`check` naming regions that exist; expected outputs naming checked regions
with their exact lengths; marks and best scores on the puzzle's metrics;
the memory image within `MAX_MEMORY_WORDS` and all of one validation's tests
within `MAX_TEST_WORDS`; fixed cases that give whole random regions words in
their range; an embedded reference program
that parses and fits the puzzle's machine. Running the references
(`vliw pack lint`) is `lint_pack`'s job, not the loader's: loading stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.pack.nesting import too_deep
from game.pack.schema import MAX_MEMORY_WORDS, MAX_TEST_WORDS, Pack, Puzzle
from game.pack.text import MAX_PACK_BYTES, PackError, PackIssue, read_pack_text
from machine.program import ProgramError
from machine.text import shown_token

if TYPE_CHECKING:
    import tomllib

    from pydantic import ValidationError

    from game.pack.locate import Locator

MAX_PACK_NESTING = 32
"""Arrays and inline tables nested deeper than this are refused before parsing (a pack
needs a handful of levels; the parsers recurse once per level)."""
MAX_ISSUES = 50
"""Issues reported for one file; the rest are counted."""


def dotted_key(path: Sequence[str | int]) -> str:
    """("puzzle", 2, "machine", "vlen") -> "puzzle[2].machine.vlen"; a long key is cut."""
    out = ""
    for part in path:
        key = shown_token(part) if isinstance(part, str) else part
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def load_pack(path: str | Path) -> Pack:
    path = Path(path)
    return parse_pack(read_pack_text(path), str(path))


def parse_pack(text: str, path: str = "<pack>") -> Pack:
    """A pack from TOML text; `path` only names the file in messages."""
    if len(text.encode("utf-8")) > MAX_PACK_BYTES:
        raise PackError([PackIssue(path, 1, "", f"packs are limited to {MAX_PACK_BYTES} bytes")])
    # the parsers are imported here, when a pack is parsed, not whenever the format is
    import tomllib

    from pydantic import ValidationError

    from game.pack.locate import Locator
    from game.pack.rule import validator

    deep = too_deep(text, MAX_PACK_NESTING)
    if deep is not None:
        raise PackError([PackIssue(path, deep, "toml", f"arrays and inline tables nest more"
                                                       f" than {MAX_PACK_NESTING} deep")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PackError([_syntax_issue(error, text, path)]) from None
    except ValueError as error:  # an integer past Python's 4300-digit conversion limit
        raise PackError([PackIssue(path, 1, "toml", f"cannot be read: {shown_token(str(error))}")
                         ]) from None
    locator = Locator(text)
    try:
        pack = validator(Pack).validate_python(data)
    except ValidationError as error:
        issues = sorted(_schema_issues(error, data, locator, path), key=lambda i: i.line)
        raise PackError(_capped(issues)) from None
    issues = [PackIssue(path, locator.line(at), dotted_key(at), message)
              for at, message in _cross_key_problems(pack)]
    issues += _reference_program_issues(pack, locator, path)
    if issues:
        raise PackError(_capped(issues))
    return pack


def _capped(issues: Iterable[PackIssue]) -> list[PackIssue]:
    issues = list(issues)
    if len(issues) <= MAX_ISSUES:
        return issues
    last = issues[MAX_ISSUES - 1]
    return [*issues[:MAX_ISSUES - 1],
            PackIssue(last.path, last.line, "", f"{len(issues) - MAX_ISSUES + 1} more issues")]


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


def _syntax_issue(error: tomllib.TOMLDecodeError, text: str, path: str) -> PackIssue:
    message = str(error)
    found = _AT_LINE.search(message)
    if found:
        line = int(found.group(1))
        message = message[:found.start()] + f" (column {found.group(2)})"
    else:
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        message = _AT_END.sub(" at the end of the file", message)
    return PackIssue(path, max(line, 1), "toml", message[:1].lower() + message[1:])


def _schema_issues(error: ValidationError, data: Any, locator: Locator,
                   path: str) -> Iterator[PackIssue]:
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        kind = detail["type"]
        if kind in ("union_tag_not_found", "union_tag_invalid"):  # point at the `kind` key
            loc += (str(detail["ctx"]["discriminator"]).strip("'"),)
        at = _data_path(data, loc, missing=kind in ("missing", "union_tag_not_found"))
        yield PackIssue(path, locator.line(at), dotted_key(at), _message(detail))


def _data_path(data: Any, loc: Sequence[str | int], missing: bool) -> tuple[str | int, ...]:
    """The part of a pydantic location that exists in the TOML data.

    Locations name union tags ("random") and "[key]" markers that are not
    keys of the file; they are dropped. A missing key is kept as the last part.
    """
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        if _has_child(node, part):
            node = node[part]
            path.append(part)
        elif missing and index == len(loc) - 1 and isinstance(part, str):
            path.append(part)
    return tuple(path)


def _has_child(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _message(detail: Any) -> str:
    kind = detail["type"]
    if kind == "unexpected_keyword_argument":
        return "unknown key"
    if kind in ("missing", "union_tag_not_found"):
        return "required key is missing"
    if kind == "union_tag_invalid":
        ctx = detail["ctx"]
        return f"unknown value {ctx['tag']!r}; expected one of {ctx['expected_tags']}"
    message = str(detail["msg"])
    message = message.removeprefix("Value error, ")
    if kind.endswith("_type") and "input" in detail:
        message += f", not {_toml_type(detail['input'])}"
    return message[:1].lower() + message[1:]


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
             list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _cross_key_problems(pack: Pack) -> Iterator[tuple[tuple[str | int, ...], str]]:
    seen_puzzles: set[str] = set()
    ids = {puzzle.id for puzzle in pack.puzzles}
    for p, puzzle in enumerate(pack.puzzles):
        at: tuple[str | int, ...] = ("puzzle", p)
        if puzzle.id in seen_puzzles:
            yield (*at, "id"), f"puzzle id {puzzle.id!r} is used twice in this pack"
        seen_puzzles.add(puzzle.id)
        yield from ((at + sub, message) for sub, message in _puzzle_problems(puzzle))
        for r, required in enumerate(puzzle.requires):
            # another pack's puzzle is looked up when packs meet (game.progress); this
            # pack's must exist, and not be the puzzle itself
            if "/" not in required and required not in ids:
                yield (*at, "requires", r), f"no puzzle {required!r} in this pack"
            elif required in (puzzle.id, f"{pack.id}/{puzzle.id}"):
                yield (*at, "requires", r), "a puzzle cannot require itself"


def _puzzle_problems(puzzle: Puzzle) -> Iterator[tuple[tuple[str | int, ...], str]]:
    lengths: dict[str, int] = {}
    for r, region in enumerate(puzzle.memory):
        if region.name in lengths:
            yield ("memory", r, "name"), f"region name {region.name!r} is used twice"
        lengths[region.name] = region.length
    for r, region in enumerate(puzzle.memory):
        target = getattr(region, "of", None)
        if target is not None and target not in lengths:
            yield ("memory", r, "of"), f"no region named {target!r} in this puzzle's memory"
    total = sum(region.length for region in puzzle.memory)
    if total > MAX_MEMORY_WORDS:
        yield ("memory",), (f"the memory image has {total} words; puzzles are limited to"
                            f" {MAX_MEMORY_WORDS}")
    for c, name in enumerate(puzzle.check):
        if name not in lengths:
            yield ("check", c), f"no region named {name!r} in this puzzle's memory"
        elif name in puzzle.check[:c]:
            yield ("check", c), f"region {name!r} is checked twice"
    if all(name in lengths for name in puzzle.check):  # else the check is the error to fix
        yield from _expected_problems(puzzle, lengths)
    for m, metric in enumerate(puzzle.metrics):
        if metric in puzzle.metrics[:m]:
            yield ("metrics", m), f"metric {metric!r} is listed twice"
    for k, mark in enumerate(puzzle.marks):
        if mark.metric not in puzzle.metrics:
            yield ("marks", k, "metric"), f"{mark.metric!r} is not one of this puzzle's metrics"
    for key, scores in (("best", puzzle.best), ("targets", puzzle.targets)):
        for metric in scores:
            if metric not in puzzle.metrics:
                yield (key, metric), f"{metric!r} is not one of this puzzle's metrics"
    for s, seed in enumerate(puzzle.scored_seeds):
        if seed in puzzle.scored_seeds[:s]:
            yield ("scored_seeds", s), f"seed {seed} is listed twice"
    yield from _case_problems(puzzle)
    tests = len(puzzle.cases) + len(puzzle.scored_seeds) + puzzle.robustness_seeds
    if total <= MAX_MEMORY_WORDS and total * tests > MAX_TEST_WORDS:
        yield ("memory",), (f"{tests} tests (cases, scored and robustness seeds) of {total}"
                            f" words each make {total * tests} words; one validation is"
                            f" limited to {MAX_TEST_WORDS}")


def _case_problems(puzzle: Puzzle) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Cases give words to random regions only (the inputs), within their range."""
    regions = {region.name: region for region in puzzle.memory}
    names: set[str] = set()
    for c, case in enumerate(puzzle.cases):
        at: tuple[str | int, ...] = ("cases", c)
        if case.name in names:
            yield (*at, "name"), f"case name {case.name!r} is used twice"
        names.add(case.name)
        if not case.words and not case.fill:
            yield at, "a case gives no words and no fill: it is a scored seed, list it there"
        for key, given in (("words", case.words), ("fill", case.fill)):
            for name in given:
                region = regions.get(name)
                if region is None:
                    yield (*at, key, name), f"no region named {name!r} in this puzzle's memory"
                elif region.kind != "random":
                    yield (*at, key, name), (f"region {name!r} is {region.kind!r}; cases set"
                                             " only random regions (the puzzle's inputs)")
                elif key == "fill" and name in case.words:
                    yield (*at, key, name), f"region {name!r} is given both words and a fill"
                elif key == "words":
                    yield from _case_word_problems((*at, key, name), region, case.words[name])
                elif case.fill[name] == "zeros" and region.min > 0:
                    yield (*at, key, name), (f"region {name!r} holds words from {region.min}"
                                             " up; zeros are not among its inputs")


def _case_word_problems(at: tuple[str | int, ...], region: Any,
                        words: Sequence[int]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if len(words) != region.count:
        yield at, f"region {region.name!r} has {region.count} words, not {len(words)}"
    outside = [w for w in words if not region.min <= w <= region.max]
    if outside:
        yield at, (f"{outside[0]} is outside the range {region.min}..{region.max} of"
                   f" region {region.name!r}")


def _expected_problems(puzzle: Puzzle,
                       lengths: dict[str, int]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    expected = puzzle.reference.expected
    if expected is None:
        return
    for name, words in expected.items():
        at = ("reference", "expected", name)
        if name not in puzzle.check:
            yield at, f"{name!r} is not a checked region (check = {puzzle.check})"
        elif len(words) != lengths[name]:
            yield at, f"region {name!r} has {lengths[name]} words, not {len(words)}"
    for name in puzzle.check:
        if name not in expected:
            yield ("reference", "expected"), f"no expected words for checked region {name!r}"


def _reference_program_issues(pack: Pack, locator: Locator, path: str) -> Iterator[PackIssue]:
    """An embedded program's problems, at lines of the pack file."""
    from game.references import reference_program

    for p, puzzle in enumerate(pack.puzzles):
        if puzzle.reference.program is None:
            continue
        at = ("puzzle", p, "reference", "program")
        try:
            reference_program(puzzle)
        except ProgramError as error:
            start = locator.string_start(at) or locator.line(at)
            for problem in error.problems[:MAX_ISSUES]:
                line = start + problem.line - 1 if problem.line else locator.line(at)
                column = f"column {problem.column}: " if problem.column else ""
                yield PackIssue(path, line, dotted_key(at), column + problem.message)
