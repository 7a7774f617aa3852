"""Every error the .vasm parser reports: the message a newcomer reads, at file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from machine.program import ProgramError
from machine.vasm import parse


def first_error(text: str) -> str:
    with pytest.raises(ProgramError) as caught:
        parse(text, "e.vasm")
    return str(caught.value.problems[0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Operations.
        ("ad 1, 2, 3", "e.vasm:1:1: unknown operation 'ad'; did you mean add or and?"),
        ("    mull 1, 2, 3", "e.vasm:1:5: unknown operation 'mull'; did you mean mul?"),
        ("ADD 1, 2, 3", "e.vasm:1:1: unknown operation 'ADD'; did you mean add?"),
        ("xyzzy 1", "e.vasm:1:1: unknown operation 'xyzzy'"),
        ("+ 1, 2, 3", "e.vasm:1:1: unknown operation '+'; in .vasm it is add (alu) or vadd (valu)"),
        ("halt,", "e.vasm:1:5: expected a space after 'halt', not ','"),
        # Operand counts name the operands from the op table.
        ("add 1, 2", "e.vasm:1:1: add takes 3 operands (d, a, b), not 2"),
        ("const 1", "e.vasm:1:1: const takes 2 operands (d, imm), not 1"),
        ("jump 1, 2", "e.vasm:1:1: jump takes 1 operand (target), not 2"),
        ("halt 1", "e.vasm:1:1: halt takes no operands, not 1"),
        ("add 1 2 3", "e.vasm:1:7: expected ',' between operands, not '2'"),
        ("add 1, , 3", "e.vasm:1:8: expected an operand, not ','"),
        ("add 1, 2,", "e.vasm:1:10: expected an operand, not nothing"),
        # Operand kinds.
        ("const 1, x", "e.vasm:1:10: expected a number for operand imm of const, not 'x'"),
        ("const 1, 12abc", "e.vasm:1:10: expected a number for operand imm of const, not '12abc'"),
        ("add 1, 2, 0x", "e.vasm:1:11: expected a scratch address or a name for operand b of add, "
                         "not '0x'"),
        ('add 1, 2, "x"', "e.vasm:1:11: expected a scratch address or a name for operand b of add,"
                          " not '\"x\"'"),
        ("jump x[1]", "e.vasm:1:6: expected a label or a bundle number for operand target of "
                      "jump, not 'x[1]'"),
        ("compare x, 1", "e.vasm:1:9: expected a JSON value (number, \"string\", [list], true, "
                         "false, null) for operand a of compare, not 'x'"),
        ("compare 0x10, 1", "e.vasm:1:9: expected a JSON value"),
        ('comment "unterminated', "e.vasm:1:9: bad JSON value: Unterminated string"),
        ('comment {"a": 1, "a": 2}', "e.vasm:1:9: bad JSON value: duplicate key 'a'"),
        ("comment 1e999", "e.vasm:1:9: expected a JSON value"),
        ("comment NaN", "e.vasm:1:9: expected a JSON value"),
        # Names.
        ("    add x, 1, 2", "e.vasm:1:9: undeclared name 'x'"),
        (".scalar count\n    add cont, 1, 2",
         "e.vasm:2:9: undeclared name 'cont'; did you mean count?"),
        (".vector v\n    add v[8], 1, 2", "e.vasm:2:9: v[8] is outside v, which has 8 words"),
        (".scalar s\n    add s[1], 1, 2", "e.vasm:2:9: s[1] is outside s, which has 1 word"),
        (".scalar s\n    add s[-1], 1, 2",
         "e.vasm:2:9: the index in 's[-1]' must be a number of at least 0"),
        (".scalar x\n.vector x", "e.vasm:2:9: name 'x' is already declared on line 1"),
        ("loop:\n    jump x\n.scalar x", "e.vasm:2:10: 'x' is a scratch name, not a label"),
        ("loop:\n    add loop, 1, 2", "e.vasm:2:9: 'loop' is a label, not a scratch name"),
        ("x:\n.scalar x", "e.vasm:1:1: label 'x' has the name of the scratch name declared on "
                          "line 2"),
        # Labels.
        ("loop:\n    halt\nloop:", "e.vasm:3:1: label 'loop' is already defined on line 1"),
        ("loop:\n    jump lop", "e.vasm:2:10: unknown label 'lop'; did you mean loop?"),
        # Directives.
        (".const x", "e.vasm:1:1: unknown directive '.const' (directives: .scalar, .vector, "
                     ".array)"),
        (".scalar", "e.vasm:1:8: expected a name after .scalar, not ''"),
        (".scalar 9x", "e.vasm:1:9: expected a name after .scalar, not '9x'"),
        (".vector v[4]", "e.vasm:1:10: only .array takes a length; .vector is 8 words"),
        (".array a", "e.vasm:1:9: expected a length: .array a[LENGTH]"),
        (".array a[0]", "e.vasm:1:10: the length must be a whole number of at least 1, not '0'"),
        (".array a[4", "e.vasm:1:10: missing ']' after the length"),
        (".scalar x @ -1", "e.vasm:1:13: expected a scratch address (a number of at least 0) "
                           "after '@', not '-1'"),
        (".scalar x @", "e.vasm:1:12: expected a scratch address after '@'"),
        (".scalar x y", "e.vasm:1:11: unexpected 'y'"),
        # Bundles.
        ("|| halt", "e.vasm:1:1: '||' continues a bundle, but no bundle comes before it"),
        ("    halt\nnext:\n || halt", "e.vasm:3:2: '||' continues a bundle, but no bundle"),
        ("    halt ||", "e.vasm:1:12: expected an operation after '||'"),
        ("    halt || || halt", "e.vasm:1:13: expected an operation, not '||'"),
        ("    nop || halt", "e.vasm:1:5: a bare 'nop' is an empty bundle and takes no other slots"),
        ("    nop frob", "e.vasm:1:9: nop takes an engine (alu, valu, load, store, flow, debug) "
                         "or nothing, not 'frob'"),
        ("    halt | halt", "e.vasm:1:10: a single '|' separates nothing; slots are separated "
                            "by '||'"),
        ("    halt # x\n    add 1, 2, 3 |", "e.vasm:2:17: a single '|' separates nothing"),
        # Header.
        ("# name: a\n# name: b", "e.vasm:2:1: header key 'name' is already given on line 1"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    assert first_error(text).startswith(message)


def test_every_problem_is_reported_not_only_the_first() -> None:
    with pytest.raises(ProgramError) as caught:
        parse("ad 1, 2, 3\n    halt\n    const 1, x\n    jump nowhere\n", "e.vasm")
    assert [(p.line, p.column) for p in caught.value.problems] == [(1, 1), (3, 14), (4, 10)]
    assert str(caught.value).endswith("(and 2 more problems)")


def test_problems_come_in_the_order_of_the_file() -> None:
    # A line of slots is read once names are known, after the directives and labels around
    # it; its problems still come where the line stands.
    with pytest.raises(ProgramError) as caught:
        parse("    ad 1, 2, 3\n.scalar x\n.scalar x\n    const 1, y\nloop: loop:\n", "e.vasm")
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (1, 5), (3, 9), (4, 14), (5, 7)]


def test_without_a_path_the_program_is_named() -> None:
    with pytest.raises(ProgramError, match=r"^<program>:1:1: unknown operation"):
        parse("frob")


HUGE = "1" * 4301
LONG_NAME = "n" * 5000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f".vector v\n    add v[{HUGE}], v, v",
         f"e.vasm:2:9: the number '{'1' * 40}...' (4,301 characters) is too long (at most 40 "
         "characters)"),
        (f".scalar a\n    const a, {HUGE}", "e.vasm:2:14: the number '1111"),
        (f".scalar a\n    const a, -0x{'F' * 39}", "e.vasm:2:14: the number '-0xFFF"),
        (f".scalar a\n    add a, {HUGE}, a", "e.vasm:2:12: the number '1111"),
        (f"    jump {HUGE}", "e.vasm:1:10: the number '1111"),
        (f".scalar a @ {HUGE}", "e.vasm:1:13: the number '1111"),
        (f".array a[{HUGE}]", "e.vasm:1:10: the number '1111"),
        (f"    add {LONG_NAME}, 1, 2",
         f"e.vasm:1:9: undeclared name '{'n' * 40}...' (5,000 characters)"),
        (f"    jump {LONG_NAME}", f"e.vasm:1:10: unknown label '{'n' * 40}...' (5,000 characters)"),
        (f"    {LONG_NAME} 1", f"e.vasm:1:5: unknown operation '{'n' * 40}...' (5,000 characters)"),
        (f".scalar a\n    const a, {LONG_NAME}",
         f"e.vasm:2:14: expected a number for operand imm of const, not '{'n' * 40}...' "
         "(5,000 characters)"),
    ],
    ids=["index", "immediate", "hex", "scratch", "target", "address", "length", "name", "label",
         "operation", "not-a-number"],
)
def test_huge_tokens_give_a_short_message(text: str, message: str) -> None:
    problem = first_error(text)
    assert problem.startswith(message)
    assert len(problem) < 200


def test_a_number_of_forty_characters_is_still_a_number() -> None:
    program = parse(f".scalar a\n    const a, {'9' * 40}\n    const a, -0x{'F' * 37}\n")
    assert [bundle.slots[0].args[1] for bundle in program.bundles] == [10**40 - 1, -(16**37 - 1)]


def test_a_huge_vector_index_exits_2_with_one_line(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.vasm"
    path.write_text(f".vector v\n    vadd v[{HUGE}], v, v\n")
    code = main(["fmt", str(path)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and len(err) < 300, err
    assert f"{path}:2:10: the number '{'1' * 40}...' (4,301 characters) is too long" in err
