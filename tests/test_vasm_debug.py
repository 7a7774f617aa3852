"""Debug entries of every form the take-home accepts, written in `.vasm` and read back exactly.

The take-home's machine never looks inside a debug entry, so a take-home
program may carry any: `["marker"]`, `["compare", 1, [0, 1, "idx"], 3]`, a
bare `5`, or a debug engine whose whole value is `"note"`. Every one converts
to `.vasm` and back to the same JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_vasm_roundtrip import json_values

from machine.isa import Engine
from machine.program import Bundle, OpaqueDebug, Program, ProgramError, Slot
from machine.takehome_json import program_from_json, program_to_json
from machine.vasm import format_program, format_slot, parse

DEBUG = Engine.DEBUG

named_entries = st.builds(lambda name, args: [name, *args],
                          st.sampled_from(["comment", "compare", "vcompare", "marker", "debug",
                                           "debug_value", "", "a # b || c"]) | st.text(max_size=6),
                          st.lists(json_values, max_size=4))
debug_entries = named_entries | json_values
whole_values = json_values.filter(lambda value: not isinstance(value, list))
other_groups = st.fixed_dictionaries({}, optional={
    "load": st.just([["const", 0, 5]]), "flow": st.just([["halt"]]), "alu": st.just([])})


@st.composite
def takehome_bundles(draw: st.DrawFn) -> dict[str, Any]:
    groups = dict(draw(other_groups))
    debug = draw(st.none() | st.lists(debug_entries, max_size=4) | whole_values)
    if debug is not None or draw(st.booleans()):
        groups["debug"] = [] if debug is None else debug
    order = draw(st.permutations(list(groups)))
    return {engine: groups[engine] for engine in order}


def _round_trip(data: list[dict[str, Any]]) -> tuple[str, Program]:
    program = program_from_json(data)
    text = format_program(program)
    again = parse(text)
    assert again == program
    assert program_to_json(again) == data
    return text, again


@settings(max_examples=300, deadline=None)
@given(st.lists(takehome_bundles(), max_size=5))
def test_json_to_vasm_to_json_is_the_identity(data: list[dict[str, Any]]) -> None:
    text, again = _round_trip(data)
    assert format_program(again) == text  # `vliw fmt` is stable


@pytest.mark.parametrize(("entry", "text"), [
    (["comment", "text"], 'comment "text"'),
    (["compare", 5, [0, 3, "idx"]], 'compare 5, [0, 3, "idx"]'),
    (["comment"], 'debug ["comment"]'),
    (["compare", 1, [0, 1, "idx"], 3], 'debug ["compare", 1, [0, 1, "idx"], 3]'),
    (["marker"], 'debug ["marker"]'),
    (["debug", 5], 'debug ["debug", 5]'),
    (5, "debug 5"),
    ("x", 'debug "x"'),
    ([], "debug []"),
    ([1, 2], "debug [1, 2]"),
    ({"k": 1}, 'debug {"k": 1}'),
    (None, "debug null"),
])
def test_each_form_of_entry_has_its_text(entry: Any, text: str) -> None:
    data = [{"debug": [entry]}]
    written, _ = _round_trip(data)
    assert written == f"    {text}\n"


def test_a_debug_engine_whose_value_is_not_a_list() -> None:
    data = [{"debug": "note", "flow": [["halt"]]}, {"debug": {"a": [1]}}, {"debug": []}]
    written, _ = _round_trip(data)
    assert written == '    debug_value "note" || halt\n    debug_value {"a": [1]}\n    nop debug\n'


def test_debug_slots_are_free_and_keep_their_place() -> None:
    program = parse("    add 1, 2, 3 || debug 5 || debug [\"m\"] || sub 1, 1, 1\n    debug null\n")
    bundle = program.bundles[0]
    assert bundle.groups == (
        (Engine.ALU, (Slot(Engine.ALU, "+", (1, 2, 3)), Slot(Engine.ALU, "-", (1, 1, 1)))),
        (DEBUG, (OpaqueDebug(DEBUG, "", (5,)), Slot(DEBUG, "m", ()))))
    assert program.source is not None
    assert program.source.slot_positions[0] == ((1, 5), (1, 46), (1, 20), (1, 31))
    assert not program.bundles[1].costs_cycle
    assert program.instruction_count() == 2


@pytest.mark.parametrize(("text", "message"), [
    ("    debug 1, 2\n", "p.vasm:1:5: debug takes 1 operand (a JSON value), not 2"),
    ("    debug\n", "p.vasm:1:5: debug takes 1 operand (a JSON value), not 0"),
    ("    debug x\n", "p.vasm:1:11: expected a JSON value (number, \"string\", [list], true, "
                      "false, null) for debug's value, not 'x'"),
    ("    debug_value [1]\n", "p.vasm:1:17: debug_value takes a value that is not a list; a "
                              "list is the debug slots themselves: write its entries as "
                              "'debug ENTRY' slots"),
    ("    debug_value 1 || debug 2\n", "p.vasm:1:5: debug_value is the debug engine's whole "
                                       "value: no other debug slot may share its bundle"),
    ("    debug_value 1 || comment \"x\"\n", "p.vasm:1:5: debug_value is the debug engine's "
                                             "whole value: no other debug slot may share its "
                                             "bundle"),
    ("    debugg 1\n", "p.vasm:1:5: unknown operation 'debugg'; did you mean debug?"),
])
def test_bad_debug_slots_are_located(text: str, message: str) -> None:
    with pytest.raises(ProgramError) as error:
        parse(text, "p.vasm")
    assert [str(problem) for problem in error.value.problems] == [message]


@pytest.mark.parametrize(("slot", "message"), [
    (OpaqueDebug(DEBUG, "", (["marker", 1],)), "would read back as another slot"),
    (OpaqueDebug(DEBUG, "", ([1],), whole=True), "whole value is a list"),
    (OpaqueDebug(DEBUG, "", ((1, 2),)), "not plain JSON"),
    (Slot(DEBUG, "marker", (float("nan"),)), "not a JSON number"),
])
def test_what_the_text_cannot_say_is_refused(slot: Slot, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        format_program(Program((Bundle(((DEBUG, (slot,)),)),)))


def test_a_whole_value_beside_other_debug_slots_is_refused() -> None:
    bundle = Bundle(((DEBUG, (OpaqueDebug(DEBUG, "", (1,), whole=True),
                              Slot(DEBUG, "m", ()))),))
    with pytest.raises(ProgramError, match="whole value shares its bundle"):
        format_program(Program((bundle,)))


def test_format_slot_shows_every_debug_form() -> None:
    assert format_slot(OpaqueDebug(DEBUG, "", ("note",), whole=True)) == 'debug_value "note"'
    assert format_slot(OpaqueDebug(DEBUG, "", ({"k": 1},))) == 'debug {"k": 1}'
    assert format_slot(Slot(DEBUG, "comment", ())) == 'debug ["comment"]'
    assert format_slot(Slot(DEBUG, "comment", ("x",))) == 'comment "x"'


ODD_PROGRAMS = {
    "entries.json": [{"load": [["const", 0, 5]],
                      "debug": [["comment"], 5, "x", [], [1, 2], {"k": 1}, None, ["marker"],
                                ["compare", 1, [0, 1, "idx"], 3], ["comment", "a # b || c"]]},
                     {"flow": [["halt"]]}],
    "whole.json": [{"debug": "note"}, {"debug": {"k": [1, "||"]}, "alu": [["+", 1, 2, 3]]},
                   {"debug": 7}, {"debug": None}, {"debug": []}],
}


def _vliw(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from game.cli import entry; entry()",
                           *map(str, argv)], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", sorted(ODD_PROGRAMS))
def test_vliw_convert_takes_every_entry_there_and_back(tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_text(json.dumps(ODD_PROGRAMS[name]))
    vasm, back = tmp_path / "odd.vasm", tmp_path / "back.json"
    done = _vliw("convert", source, vasm)
    assert (done.returncode, done.stderr) == (0, "")
    done = _vliw("convert", vasm, back)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(back.read_text()) == ODD_PROGRAMS[name]
    done = _vliw("fmt", "--check", vasm)
    assert (done.returncode, done.stderr) == (0, "")
