"""The plain reading of a line agrees with the walk wherever it answers."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from machine.isa import BY_MNEMONIC
from machine.vasm.reader import Code, Label, LineReader, Name

good_tokens = st.sampled_from(["x", "v", "v[3]", "v[03]", "loop", "_a1", "9", "007", "-3",
                               "0x1F", "0X1f", "-0x2"])
odd_tokens = st.sampled_from(["v[0x1]", "1_000", "12a", "a-b", "", "99999999999999999999999999",
                              "-", "0x", "1e3", "9" * 41, "v[" + "1" * 41 + "]"])
tokens = st.one_of(good_tokens, good_tokens, good_tokens, odd_tokens)
mnemonics = st.sampled_from([*BY_MNEMONIC, "nop", "frob"])
spaces = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def slot_texts(draw: st.DrawFn) -> str:
    mnemonic = draw(mnemonics)
    spec = BY_MNEMONIC.get(mnemonic)
    arity = spec.arity if spec else 1
    count = draw(st.sampled_from([arity, arity, arity, arity + 1, max(arity - 1, 0)]))
    args = [draw(tokens) for _ in range(count)]
    separator = draw(st.sampled_from([", ", ",", " , "]))
    return mnemonic + (draw(spaces.filter(bool)) + separator.join(args) if args else "")


lines = st.builds(
    lambda lead, cont, slots, sep, comment: lead + cont + sep.join(slots) + comment,
    spaces, st.sampled_from(["", "||", "|| "]), st.lists(slot_texts(), min_size=1, max_size=3),
    st.sampled_from([" || ", "||", "  ||\t"]), st.sampled_from(["", "  # note", "#", " #x  "]))


def operand(value: Any) -> Any:
    """Names and labels by what they say (they compare by identity)."""
    if isinstance(value, Name):
        return ("name", value.name, value.index)
    if isinstance(value, Label):
        return ("label", value.name)
    return value


def said(code: Code) -> tuple[Any, ...]:
    slots = [(engine, spec, tuple(map(operand, args)), column)
             for engine, spec, args, column in code.slots]
    return code.labels, code.bar, slots, code.comment, code.problem, code.begins


@settings(max_examples=500, deadline=None)
@given(lines)
@example("    add x, v[3], 0x1F || const loop, -3  # note")
@example("|| jump loop")
def test_plain_reading_and_walk_agree(line: str) -> None:
    reader = LineReader(8)
    plain = reader._plain(line)
    if plain is None:
        return
    walked = reader._walk(line, len(line) - len(line.lstrip(" \t")))
    assert walked.problem is None, f"the plain reading accepted a line with a problem: {walked}"
    assert said(plain) == said(walked)


def test_the_plain_reading_answers_for_plain_lines() -> None:
    reader = LineReader(8)
    assert reader._plain("    add x, v[3], 0x1F || const loop, -3  # note") is not None
    assert reader._plain(" || vadd v, v, v") is not None
    for line in ['    comment "x"', "    halt", "    nop", "    add x, y", "    add x, y, z[]"]:
        assert reader._plain(line) is None
