"""The plain reading of a line never changes what the assembler makes of a text.

The line reader takes plain lines apart with string methods and walks the
others character by character; the walk is the definition. Whatever the text
(shipped programs, generated kernels, lines with odd spacing, odd digits,
unknown names, every kind of problem), the assembler gives the same program,
the same source positions, or the same problems with the plain reading as with
the walk alone; and a repeated line shares its bundle wherever the walk alone
shares it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from machine.isa import OPS, Kind
from machine.program import Program, ProgramError
from machine.vasm import parse
from machine.vasm.reader import Code, LineReader

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "solutions").rglob("*.vasm"))
REFERENCES = [(f"{pack.name}:{puzzle['id']}", puzzle["reference"]["program"])
              for pack in sorted((ROOT / "puzzles").glob("*.toml"))
              for puzzle in tomllib.loads(pack.read_text())["puzzle"]
              if "program" in puzzle.get("reference", {})]


@contextmanager
def walk_only() -> Iterator[None]:
    """Every line read by the walk: the plain reading declines them all."""
    plain = LineReader._plain
    LineReader._plain = lambda self, text, ops=None: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        LineReader._plain = plain  # type: ignore[method-assign]


def outcome(text: str, fast: bool) -> Program | list[str]:
    try:
        if fast:
            return parse(text, "f.vasm")
        with walk_only():
            return parse(text, "f.vasm")
    except ProgramError as error:
        return [str(problem) for problem in error.problems]


def sharing(program: Program) -> set[tuple[int, int]]:
    """(bundle, earlier bundle) for each bundle that is the very object of an earlier one."""
    first: dict[int, int] = {}
    return {(index, first.setdefault(id(bundle), index))
            for index, bundle in enumerate(program.bundles)} - {(i, i) for i in range(len(program))}


def assert_same(text: str) -> None:
    fast, careful = outcome(text, fast=True), outcome(text, fast=False)
    if isinstance(careful, list):
        assert fast == careful
        return
    assert isinstance(fast, Program), fast
    assert fast == careful
    assert fast.source == careful.source
    assert sharing(careful) <= sharing(fast)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: str(path.relative_to(ROOT)))
def test_shipped_solutions_parse_the_same_both_ways(path: Path) -> None:
    assert_same(path.read_text())


@pytest.mark.parametrize(("name", "text"), REFERENCES, ids=[name for name, _ in REFERENCES])
def test_reference_programs_parse_the_same_both_ways(name: str, text: str) -> None:
    assert_same(text)


# --- generated kernels: plain lines in every spacing; half of them with one mistake ----------

DECLARATIONS = ["    .scalar a", "    .scalar b @ 40", ".vector v", ".vector w", ".array arr[3]"]
LABELS = ["top", "done"]
PLAIN_OPS = [op for op in OPS if Kind.ANY not in op.operands]
GOOD = {
    Kind.IMMEDIATE: ["1", "0", "-7", "0x7ED55D16", "-0x2", "4294967295"],
    Kind.TARGET: [*LABELS, "0", "3"],
    None: ["a", "b", "v", "w", "arr", "v[0]", "v[7]", "arr[2]", "w[3]", "5", "0", "-3", "0x1F",
           "007", " a", "a\t"],
}
"""Operands by kind (None: scratch), good and odd (which the careful reader may refuse)."""
ODD = {
    Kind.IMMEDIATE: ["a", "x1", "0x", "1e3", "²"],
    Kind.TARGET: ["a", "v[1]", "nowhere", "-1"],
    None: ["v[8]", "arr[3]", "c", "top", "v[ 1 ]", "v[0x1]", "٣", "1²", "1١", "a\x1c", "\u00a0a",
           "a\x85", "12a", "", "-", "[1]", '"a"', "a b", "a|b", "9" * 40, "9" * 41],
}
GOOD_SLOTS = ["nop alu", "halt", "pause"]
ODD_SLOTS = ["nop", "frob a", "ADD a, a, a", 'comment "x"', "trace_write a", "halt 1"]
"""Slots the plain reader leaves to the careful one."""
GAPS = {  # where: (good, odd)
    "mnemonic": ([" ", " ", " ", "  ", "\t", "\f"], ["\x1c", "", "\x85", "\u2003"]),
    "operand": ([", ", ", ", ",", " , ", ",\t", ", \v"], [",,", " ", ",\x1f"]),
    "slot": ([" || ", " || ", "||", " ||\t"], [" |||| ", " | ", " ||\x1d"]),
    "lead": (["    ", "    ", "", "\t", " ", "\f"], ["\x1c", "\u00a0"]),
    "continuation": ([" || ", "||", " ||  ", " ||\f"], [" ||\x1d", "||\u2003", "|"]),
    "comment": (["", "", "", "  # note", "#", " # a: b", ' # "x" || y'], [" x"]),
}
TIDY = {where: (GAPS[where][0][:1], GAPS[where][1]) for where in ("mnemonic", "operand", "slot")}
"""The gaps the formatter writes."""
Gaps = dict[str, tuple[list[str], list[str]]]


class OneMistake:
    """Counts the choices made while drawing a text; choice number `at`, if any, goes wrong."""

    def __init__(self, at: int | None):
        self.at = at
        self.count = 0

    def now(self) -> bool:
        self.count += 1
        return self.count == self.at


def pick(draw: st.DrawFn, mistake: OneMistake, choices: tuple[list[str], list[str]]) -> str:
    good, odd = choices
    return draw(st.sampled_from(odd if mistake.now() else good))


@st.composite
def slot(draw: st.DrawFn, mistake: OneMistake, gaps: Gaps) -> str:
    if mistake.now():
        return draw(st.sampled_from(ODD_SLOTS))
    if draw(st.integers(0, 20)) == 0:
        return draw(st.sampled_from(GOOD_SLOTS))
    spec = draw(st.sampled_from(PLAIN_OPS))
    kinds = [kind if kind in (Kind.IMMEDIATE, Kind.TARGET) else None for kind in spec.operands]
    operands = [pick(draw, mistake, (GOOD[kind], ODD[kind])) for kind in kinds]
    if mistake.now():
        operands = operands[:-1] if operands else ["a"]
    if not operands:
        return spec.mnemonic
    body = pick(draw, mistake, gaps["operand"]).join(operands)
    return spec.mnemonic + pick(draw, mistake, gaps["mnemonic"]) + body


@st.composite
def bundle_line(draw: st.DrawFn, mistake: OneMistake, continuation: bool, gaps: Gaps) -> str:
    text = pick(draw, mistake, gaps["lead"])
    if continuation:
        text += pick(draw, mistake, gaps["continuation"])
    slots = draw(st.lists(slot(mistake, gaps), min_size=1, max_size=4))
    text += slots[0]
    for more in slots[1:]:
        text += pick(draw, mistake, gaps["slot"]) + more
    return text + pick(draw, mistake, gaps["comment"])


@st.composite
def kernels(draw: st.DrawFn) -> str:
    """Bundles of a first line and continuation lines, with labels, comments and repeats."""
    mistake = OneMistake(draw(st.none() | st.integers(1, 60)))
    gaps = TIDY | {where: GAPS[where] for where in GAPS if where not in TIDY or draw(st.booleans())}
    declarations = draw(st.permutations(DECLARATIONS))
    if mistake.now():
        declarations = declarations[1:]
    labels = list(LABELS)
    body: list[str] = []
    firsts: list[str] = []
    if mistake.now():
        body.append(draw(bundle_line(mistake, True, gaps)))  # continues nothing
    for _ in range(draw(st.integers(1, 8))):
        if labels and draw(st.booleans()):
            label = LABELS[0] if mistake.now() else labels.pop()
            body.append(label + draw(st.sampled_from([":", ":  # at", ": add a, a, a"])))
        if firsts and draw(st.integers(0, 2)) == 0:
            first = draw(st.sampled_from(firsts))  # a repeat
        else:
            first = draw(bundle_line(mistake, False, gaps) | st.just("    nop"))
            firsts.append(first)
        body.append(first)
        bare_nop = first == "    nop" and not mistake.now()  # nothing may continue it
        for _ in range(draw(st.integers(0, 0 if bare_nop else 2))):
            body.extend(draw(st.lists(st.sampled_from(["", "  # between", "\f"]), max_size=1)))
            body.append(draw(bundle_line(mistake, True, gaps)))
    body.extend(label + ":" for label in labels)
    header = draw(st.sampled_from(["", "# puzzle: p/q\n# name: k\n"]))
    ending = draw(st.sampled_from(["\n", "", "\r\n"]))
    if draw(st.booleans()):  # declarations after the code they serve
        return header + "\n".join(body + declarations) + ending
    return header + "\n".join([*declarations, "", *body]) + ending


@settings(max_examples=600, deadline=None)
@given(kernels())
@example("    add a, a, a\n || vadd v, v, w\n.scalar a\n.vector v\n.vector w\n")
@example(".scalar a\n    add a, a, a\n    add a, a, a\n || sub a, a, 1\n    add a, a, a\n")
@example(".scalar a\n    add\ta, a, a\n    add a, 1²,a\n")
@example(".scalar a\n    add a, a, a\n.scalar a\n    add a, a, b\n")
@example(".scalar a\n || add a, a, a\ntop: add a, a, a\n || jump top  # x: y\n    nop\n    nop\n")
def test_generated_kernels_parse_the_same_both_ways(text: str) -> None:
    assert_same(text)


ODD_CHARACTERS = ["\t", "\f", "\v", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u00a0", "\u2003",
                  "\u3000", "\ufeff", "٣", "²", "|", ",", "#", ":", "[", "]", '"', "-", "x"]
"""Whitespace Python's `split` and `strip` know but `.vasm` does not, digits `int` knows but
`.vasm` does not, and the characters that shape a line."""
KERNEL = (".scalar a\n.vector v\ntop:\n"
          "    vadd v, v, v || add a, v[3], 0x1F  # x\n || const a, 7 || jump top\n")
CODE = KERNEL.index("    vadd")


@pytest.mark.parametrize("character", ODD_CHARACTERS, ids=ascii)
def test_one_odd_character_anywhere_in_a_bundle(character: str) -> None:
    """Inserted at any place, or put in place of any space, the two parses still agree."""
    for at in range(CODE, len(KERNEL)):
        assert_same(KERNEL[:at] + character + KERNEL[at:])
        if KERNEL[at] == " ":
            assert_same(KERNEL[:at] + character + KERNEL[at + 1:])


def test_the_plain_reading_answers_for_plain_lines() -> None:
    """The shape the formatter writes is read without the walk's help."""
    reader = LineReader(8)
    for line in ["    vadd v, v, v  # x", " || add a, v[3], 0x1F || jump top", "    load a, b"]:
        assert isinstance(reader._plain(line), Code), line
    for odd in ["    add\ta, a, a", "    nop", "    halt", "    add a, a,", '    comment "x"',
                "    add a, ٣, a", "    add a, 1" + "0" * 40 + ", a"]:
        assert reader._plain(odd) is None, odd
