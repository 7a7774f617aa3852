"""The take-home's JSON form: exact both ways, and every malformed bundle named."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_vasm_roundtrip import json_values, programs

from machine.isa import OPS, Engine
from machine.program import Bundle, Program, ProgramError, Slot
from machine.takehome_json import (
    program_from_json,
    program_from_json_text,
    program_to_json,
    program_to_json_text,
)
from machine.vasm import format_program, parse

OP_NAMES = [*sorted({op.name for op in OPS}), "frob"]

takehome_slots = st.builds(lambda name, args: [name, *args], st.sampled_from(OP_NAMES),
                           st.lists(st.integers(-5, 2000) | json_values, max_size=4))
takehome_bundles = st.lists(st.sampled_from([e.value for e in Engine]), unique=True,
                            max_size=6).flatmap(
    lambda engines: st.fixed_dictionaries(
        {engine: st.lists(takehome_slots, max_size=3) for engine in engines}))
takehome_programs = st.lists(takehome_bundles, max_size=10)


@settings(max_examples=120, deadline=None)
@given(takehome_programs)
def test_json_text_to_program_to_json_is_identical(data: list) -> None:
    text = json.dumps(data)
    program = program_from_json_text(text, "k.json")
    back = program_to_json(program)
    assert back == data
    assert json.dumps(back) == text  # engine key order included
    assert json.loads(program_to_json_text(program)) == data


@settings(max_examples=100, deadline=None)
@given(programs())
def test_program_to_json_and_back_keeps_every_bundle(program: Program) -> None:
    again = program_from_json(json.loads(json.dumps(program_to_json(program))))
    # JSON has no place for names, labels or comments; the bundles themselves are exact.
    assert again.bundles == tuple(Bundle(b.groups) for b in program.bundles)


def test_empty_engines_and_empty_bundles_are_kept() -> None:
    program = program_from_json_text('[{"flow": []}, {}, {"debug": [["comment", "x"]]}]')
    assert [b.costs_cycle for b in program.bundles] == [True, False, False]
    assert program_to_json(program) == [{"flow": []}, {}, {"debug": [["comment", "x"]]}]


def test_engine_order_decides_the_bundle() -> None:
    program = program_from_json([{"load": [["const", 1, 2]], "alu": [["+", 1, 1, 1]]}])
    assert program.bundles[0].engines == (Engine.LOAD, Engine.ALU)


def test_debug_operands_come_back_identical() -> None:
    data = [{"debug": [["compare", 5, [0, 3, "idx"]], ["vcompare", 8, {"k": [1.5, None]}]]}]
    program = program_from_json(data)
    assert program.bundles[0].slots[1].args == (8, {"k": [1.5, None]})
    assert program_to_json(program) == data


def test_the_takehome_python_form_with_tuples_is_accepted() -> None:
    program = program_from_json([{"valu": [("*", 4, 0, 0)], "debug": [("compare", 4, (0, "a"))]}])
    assert program.bundles[0].slots[0] == Slot(Engine.VALU, "*", (4, 0, 0))
    assert program_to_json(program) == [{"valu": [["*", 4, 0, 0]],
                                         "debug": [["compare", 4, [0, "a"]]]}]


def test_json_and_vasm_describe_the_same_program() -> None:
    text = '[{"load": [["const", 0, 7]], "flow": [["jump", 0]]}, {"alu": [["//", 1, 2, 3]]}]'
    program = program_from_json_text(text)
    assert parse(format_program(program)).bundles == program.bundles
    assert format_program(program) == "    const 0, 7 || jump 0\n    div 1, 2, 3\n"


def test_from_json_copies_its_containers() -> None:
    data = [{"debug": [["compare", 1, [2, "a"]]]}]
    program = program_from_json(data)
    data[0]["debug"][0][2].append(3)
    assert program.bundles[0].slots[0].args == (1, [2, "a"])


def test_to_json_copies_its_containers() -> None:
    program = program_from_json([{"debug": [["compare", 1, [2]]]}])
    program_to_json(program)[0]["debug"][0][2].append(3)
    assert program.bundles[0].slots[0].args == (1, [2])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "k.json: expected a JSON list of bundles, not {}"),
        ("[[]]", "k.json, bundle 0: expected an object {engine: [slots]}, not []"),
        ('[{}, {"alu": [], "alu": []}]', "k.json, bundle 1: engine alu appears twice"),
        ('[{"alux": []}]', "k.json, bundle 0: unknown engine 'alux' (engines: alu, valu, load, "
                           "store, flow, debug)"),
        ('[{"alu": {}}]', "k.json, bundle 0: alu: expected a list of slots, not {}"),
        ('[{"alu": [["+", 1, 2, 3], 5]}]',
         "k.json, bundle 0, slot 1 (alu): expected [operation, operand, ...], not 5"),
        ('[{"alu": [[]]}]', "k.json, bundle 0, slot 0 (alu): expected [operation, operand"),
        ('[{"alu": [[1, 2]]}]', "k.json, bundle 0, slot 0 (alu): expected [operation, operand"),
        ('[{"debug": [["compare", 1, {"a": 1, "a": 2}]]}]',
         "k.json, bundle 0, slot 0 (debug): operand 2 of 'compare': duplicate key 'a'"),
        ('[{"alu": [["+", 1, 2, NaN]]}]', "k.json: not valid JSON: NaN is not a JSON value"),
        ('[{"alu": [["+", 1, 2, 1e999]]}]', "k.json: not valid JSON: number 1e999 is out of range"),
        ('[{"alu": []},\n {"alu": [}]', "k.json:2:11: not valid JSON: Expecting value"),
        ("[" * 100_000, "k.json: not valid JSON"),
    ],
)
def test_malformed_json_programs_are_named_by_bundle_and_slot(text: str, message: str) -> None:
    with pytest.raises(ProgramError) as caught:
        program_from_json_text(text, "k.json")
    assert str(caught.value).startswith(message)


@settings(max_examples=80, deadline=None)
@given(takehome_programs, st.sampled_from([None, 0, 2]), st.sampled_from([", ", ","]),
       st.sampled_from(["", " \n\t "]))
def test_json_text_in_any_layout_is_the_program_of_its_values(
        data: list, indent: int | None, comma: str, blank: str) -> None:
    # Bundles are read one at a time, keyed by their text: the layout changes nothing, and a
    # repeated bundle is one object.
    repeated = data + data
    text = blank + json.dumps(repeated, indent=indent, separators=(comma, ": ")) + blank
    program = program_from_json_text(text, "k.json")
    assert program == program_from_json(repeated, "k.json")
    if indent is None and data:
        assert program.bundles[len(data)] is program.bundles[0]
    # The reader may count the bundles itself: the count is the one the program makes.
    again = Program(program.bundles)
    assert [(id(bundle), uses) for bundle, uses in program.bundle_uses] == [
        (id(bundle), uses) for bundle, uses in again.bundle_uses]
    assert program.bundle_order == again.bundle_order


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[{}] x", "k.json:1:6: not valid JSON: Extra data"),
        ("[{} {}]", "k.json:1:5: not valid JSON: Expecting ',' delimiter"),
        ("[{},]", "k.json:1:5: not valid JSON: Expecting value"),
        ("[", "k.json:1:2: not valid JSON: Expecting value"),
        ("[{}", "k.json:1:4: not valid JSON: Expecting ',' delimiter"),
        ("", "k.json:1:1: not valid JSON: Expecting value"),
    ],
)
def test_a_list_that_is_not_well_formed_is_worded_by_the_whole_decode(text: str,
                                                                     message: str) -> None:
    with pytest.raises(ProgramError) as caught:
        program_from_json_text(text, "k.json")
    assert str(caught.value).startswith(message)


def test_an_empty_list_is_an_empty_program() -> None:
    assert program_from_json_text(" [ ] ").bundles == ()


def test_every_bad_bundle_is_reported() -> None:
    with pytest.raises(ProgramError) as caught:
        program_from_json([5, {}, {"x": []}, {"alu": 1}])
    assert [p.bundle for p in caught.value.problems] == [0, 2, 3]


def test_a_list_of_anything_but_objects_is_decoded_whole(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """The bundle-by-bundle reading looks ahead for each bundle's '}': past a value that is
    no object it would look through the rest of the file, once a value (a list of
    2,000,000 numbers took 53 seconds). It leaves such a list to the whole decode."""
    import machine.takehome_json as takehome_json

    looked: list[str] = []
    scan = takehome_json._keyed_by_text
    monkeypatch.setattr(takehome_json, "_keyed_by_text",
                        lambda text: looked.append(text) or scan(text))
    for text in ("[0, 1, 2]", '[{}, {"alu": []}, 5, {}]', "[[], {}]", '["}", {}]'):
        assert scan(text) is None
        with pytest.raises(ProgramError):
            program_from_json_text(text)
    assert looked  # the texts did go that way first
    assert scan('[{}, {"alu": []}, {}]') is not None


def test_the_bundles_after_the_hundredth_problem_are_not_looked_at(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import machine.takehome_json as takehome_json

    looked: list[int] = []
    bundle = takehome_json._bundle
    monkeypatch.setattr(takehome_json, "_bundle",
                        lambda b, raw, problems: looked.append(b) or bundle(b, raw, problems))
    with pytest.raises(ProgramError) as caught:
        program_from_json_text("[" + ",".join(["0"] * 100_000) + "]", "k.json")
    assert len(caught.value.problems) == takehome_json.MAX_PROBLEMS
    assert looked == list(range(takehome_json.MAX_PROBLEMS))
    assert str(caught.value).endswith(f"(and {takehome_json.MAX_PROBLEMS - 1} more problems)")


def test_invalid_operations_are_left_to_validation() -> None:
    # The form is right; whether the machine knows "frob" is validate's question.
    program = program_from_json([{"alu": [["frob", 1]]}], "k.json")
    assert program.bundles[0].slots[0] == Slot(Engine.ALU, "frob", (1,))


brace_texts = st.sampled_from(["}", "{", "}, {", "{}", '"}', "a}, {\"alu\": []"])


@settings(max_examples=80, deadline=None)
@given(takehome_programs, st.lists(brace_texts, max_size=3), st.sampled_from([", ", ","]))
def test_an_export_with_braces_inside_strings_is_still_the_program_of_its_values(
        data: list, texts: list[str], comma: str) -> None:
    # A take-home export is read by cutting it at its braces; a comment holding a brace
    # cuts it wrongly, and the reading must notice and still give the program of the values.
    data = [*data, *({"debug": [["comment", text]]} for text in texts), *data]
    text = json.dumps(data, separators=(comma, ": "))
    assert program_from_json_text(text, "k.json") == program_from_json(data, "k.json")


def test_a_takehome_export_is_read_by_its_cut_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # json.dump's layout with no brace inside a bundle (the take-home's exports): the
    # bundle-by-bundle scan is never needed, and equal bundles are one object.
    import machine.takehome_json as takehome_json

    def not_needed(text: str) -> None:
        raise AssertionError("read bundle by bundle")

    monkeypatch.setattr(takehome_json, "_keyed_by_text", not_needed)
    data = [{"load": [["const", 0, 5]]}, {"debug": [["compare", 0, [0, 1, "idx"]]]},
            {"alu": [["+", 1, 0, 0]], "debug": [["comment", "x"]]}, {"load": [["const", 0, 5]]},
            {}, {"flow": []}, {"debug": "note"}, {"debug": [7, ["vcompare", 8]]}]
    for text in (json.dumps(data), json.dumps(data, separators=(",", ":")),
                 program_to_json_text(program_from_json(data))):  # vliw convert's layout
        program = program_from_json_text(text)
        assert program == program_from_json(data)
        assert program.bundles[3] is program.bundles[0]
        assert [uses for _, uses in program.bundle_uses] == [2, 1, 1, 1, 1, 1, 1]
        assert program.bundle_order == (0, 1, 2, 0, 3, 4, 5, 6)
        assert program_to_json(program) == data


@pytest.mark.parametrize("depth", [1, 63, 64, 65, 100])
def test_a_deeply_nested_debug_operand_reads_as_its_value(depth: int) -> None:
    # Deep lists leave the short way for the copying one; either way the value is the same.
    operand: list = [7]
    for _ in range(depth - 1):
        operand = [operand]
    data = [{"debug": [["compare", 1, operand]]}, {"load": [["const", 0, 5]]}]
    program = program_from_json_text(json.dumps(data))
    assert program == program_from_json(data)
    assert program_to_json(program) == data
