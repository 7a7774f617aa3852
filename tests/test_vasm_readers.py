"""The quick reader of plain lines agrees with the careful reader wherever it answers."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from machine.isa import BY_MNEMONIC
from machine.vasm.slots import LineError, Scanner, quick_slots, read_slots

good_tokens = st.sampled_from(["x", "v", "v[3]", "v[03]", "loop", "_a1", "9", "007", "-3",
                               "0x1F", "0X1f", "-0x2"])
odd_tokens = st.sampled_from(["v[0x1]", "1_000", "12a", "a-b", "", "99999999999999999999999999",
                              "-", "0x", "1e3"])
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


def careful(line: str) -> tuple[bool, list, str | None]:
    scanner = Scanner(line, 7)
    scanner.skip_space()
    continuation = scanner.at("||")
    if continuation:
        scanner.pos += 2
    entries, comment = read_slots(scanner)
    return continuation, entries, comment


@settings(max_examples=500, deadline=None)
@given(lines)
@example("    add x, v[3], 0x1F || const loop, -3  # note")
@example("|| jump loop")
def test_quick_and_careful_readers_agree(line: str) -> None:
    quick = quick_slots(line, 7)
    if quick is None:
        return
    try:
        expected = careful(line)
    except LineError as error:
        raise AssertionError(f"the quick reader accepted a line with a problem: {error}") from None
    assert quick == expected


def test_the_quick_reader_answers_for_plain_lines() -> None:
    assert quick_slots("    add x, v[3], 0x1F || const loop, -3  # note", 1) is not None
    assert quick_slots(" || vadd v, v, v", 1) is not None
    for line in ['    comment "x"', "loop: halt", ".scalar x", "    nop", "    add x, y", ""]:
        assert quick_slots(line, 1) is None
