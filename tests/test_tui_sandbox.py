"""The sandbox: its machine and memory texts, and the screen driven by Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Static, TabbedContent, TextArea
from tui_kit import PUZZLE, make_app, open_puzzle, run_async, settle, shown

from game.catalog import Catalog
from game.inputs import generate_memory
from game.pack import parse_pack
from game.sandbox import (
    DEFAULT_MEMORY,
    DEFAULT_PROGRAM,
    SandboxError,
    flatten,
    machine_text,
    memory_text,
    parse_machine,
    parse_memory,
    puzzle_memory_text,
)
from game.tui.app import VliwApp
from game.tui.screens.debugger import DebuggerScreen
from game.tui.screens.sandbox import SandboxScreen
from game.tui.widgets.asm_editor import AsmEditor
from game.tui.widgets.word_grid import WordGrid
from machine.config import TAKEHOME, MachineConfig
from machine.isa import Engine

# --- the memory text -------------------------------------------------------------------------


def test_memory_words_names_repeats_and_comments() -> None:
    regions = parse_memory("1, 2 0x10  # three words\nout: 0*3\nkey: 0xFFFFFFFF 1_000\n")
    assert [(r.name, r.start, r.words) for r in regions] == [
        ("memory", 0, (1, 2, 16)), ("out", 3, (0, 0, 0)), ("key", 6, (2**32 - 1, 1000))]
    assert flatten(regions) == [1, 2, 16, 0, 0, 0, 2**32 - 1, 1000]
    assert parse_memory("# nothing\n\n") == []
    assert [r.words for r in parse_memory(DEFAULT_MEMORY)] == [(5,), (7,)]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("1 2\n3 x 4", 2, "'x' is not a word"),
    ("a: 1\n\n0x100000000", 3, "'0x100000000' is above 2^32-1"),
    ("a: 1\na: 2", 2, "region 'a' is named twice"),
    ("1\n9a: 2", 2, "'9a' cannot name a region"),
    ("-1", 1, "'-1' is not a word"),
    ("0*1048577", 1, "memory is limited to 1,048,576 words"),
])
def test_memory_errors_name_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(SandboxError) as caught:
        parse_memory(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: {message}")


names = st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True)
words = st.lists(st.sampled_from([0, 1, 7, 2**32 - 1]) | st.integers(0, 2**32 - 1), max_size=30)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(names, words, max_size=5))
def test_memory_text_reads_back(regions: dict[str, list[int]]) -> None:
    parsed = parse_memory(memory_text(list(regions.items())))
    assert [(r.name, list(r.words)) for r in parsed] == list(regions.items())


EVERY_KIND = """
[pack]
id = "kinds"
title = "Every kind of region"

[[puzzle]]
id = "all"
title = "All"
scored_seeds = [7]
check = ["out"]
reference = { expected = { out = [0, 0, 0] } }
memory = [
  { name = "n", kind = "length", of = "data" },
  { name = "data_p", kind = "address", of = "data" },
  { name = "k", kind = "words", values = [3, 0x7ED55D16] },
  { name = "data", kind = "random", count = 40, max = 3 },
  { name = "out", kind = "zeros", count = 3 },
]
"""


def test_a_puzzles_input_reads_back_word_for_word() -> None:
    puzzle = parse_pack(EVERY_KIND).puzzles[0]
    parsed = parse_memory(puzzle_memory_text(puzzle))
    assert flatten(parsed) == generate_memory(puzzle, puzzle.scored_seeds[0])
    assert [r.name for r in parsed] == [r.name for r in puzzle.memory]


# --- the machine text --------------------------------------------------------------------------


def test_the_default_machine_is_the_take_homes() -> None:
    machine = parse_machine(machine_text())
    assert machine.config == MachineConfig(max_cycles=1_000_000)
    assert machine.config.slot_limits == TAKEHOME.slot_limits


def test_every_shipped_puzzles_machine_reads_back() -> None:
    for entry in Catalog().entries():
        machine = parse_machine(machine_text(entry.puzzle))
        assert machine.config == entry.puzzle.machine_config(), entry.id


def test_a_machine_text_sets_any_knob() -> None:
    machine = parse_machine('slot_limits = { alu = 1, valu = 0 }\nvlen = 4\nscratch_size = 64\n'
                            'n_cores = 2\nallowed_ops = ["add", "load", "store"]\n'
                            "cycle_limit = 500\n")
    config = machine.config
    assert (config.slot_limit(Engine.ALU), config.slot_limit(Engine.VALU),
            config.slot_limit(Engine.LOAD)) == (1, 0, 2)
    assert (config.vlen, config.scratch_size, config.n_cores, config.max_cycles) == (4, 64, 2, 500)
    assert config.allowed_ops == {"add", "load", "store"}


@pytest.mark.parametrize(("text", "line", "message"), [
    ("vlen = 8\nvlne = 4", 2, "vlne: unknown key"),
    ("vlen = 8\nslot_limits = { alu = -1 }", 2, "slot_limits.alu: input should be greater"),
    ('n_cores = "2"', 1, "n_cores: input should be a valid integer"),
    ("vlen = 8\nvlen = [", 2, "invalid"),
    ("\n\ncycle_limit = 0", 3, "cycle_limit must be a whole number from 1 to 10,000,000"),
    ('forbidden_ops = ["mull"]', 1, "forbidden_ops[0]: unknown operation 'mull'; did you mean"),
    ('allowed_ops = ["add"]\nforbidden_ops = ["mul"]', 1,
     "give allowed_ops or forbidden_ops, not both"),
])
def test_machine_errors_name_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(SandboxError) as caught:
        parse_machine(text)
    assert caught.value.line == line
    assert message.lower() in str(caught.value).lower()


# --- the screen --------------------------------------------------------------------------------


async def open_sandbox(app: VliwApp, pilot: object) -> SandboxScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("f5")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, SandboxScreen)
    return screen


async def set_text(pilot: object, screen: SandboxScreen, which: str, text: str) -> None:
    area = screen.query_one(f"#sandbox-{which}", TextArea)
    area.load_text(text)
    await settle(pilot)  # type: ignore[arg-type]


def status(screen: SandboxScreen) -> str:
    return shown(screen.query_one("#sandbox-status", Static))


def grid_words(grid: WordGrid) -> list[str]:
    return [grid.render_line(y).text for y in range(grid.virtual_size.height)]


@run_async
async def test_run_the_default_experiment_and_see_memory_change(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        assert shown(screen.query_one("#sandbox-problems", Static)).startswith("✓ 4 bundles")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert status(screen).splitlines()[:2] == ["ran to the end in 4 cycles",
                                                   "2 memory words changed (marked)"]
        assert screen.query_one(TabbedContent).active == "result-tab"
        grid = screen.query_one("#sandbox-memory-grid", WordGrid)
        assert [line.split() for line in grid_words(grid)] == [
            ["a", "@0", "7"], ["b", "@1", "5"]]
        assert grid._written == {0, 1}
        scratch = grid_words(screen.query_one("#sandbox-scratch-grid", WordGrid))
        assert [line.split()[:3] for line in scratch] == [["p", "@0", "0"], ["a", "@1", "5"],
                                                          ["b", "@2", "7"]]


@run_async
async def test_the_machine_decides_what_assembles(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        await set_text(pilot, screen, "machine", "slot_limits = { load = 1 }\n")
        problems = shown(screen.query_one("#sandbox-problems", Static))
        two_loads = DEFAULT_PROGRAM.splitlines().index("    load a, p || const p, 1") + 1
        assert problems.startswith(f"✗ line {two_loads}:") and "this machine allows 1" in problems
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert status(screen) == "Ctrl+R runs the program."

        await set_text(pilot, screen, "machine", "slot_limits = { load = 1 }\nvlen = 0\n")
        assert shown(screen.query_one("#machine-problems", Static)).startswith(
            "✗ line 2: vlen: input should be greater than or equal to 1")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "machine-tab"


@run_async
async def test_a_memory_problem_is_shown_on_its_tab(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        await set_text(pilot, screen, "memory", "a: 5\nb: seven\n")
        assert shown(screen.query_one("#memory-problems", Static)).startswith(
            "✗ line 2: 'seven' is not a word")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.screen is screen and screen.query_one(TabbedContent).active == "memory-tab"


@run_async
async def test_a_fault_is_reported_and_marked_in_the_program(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        await set_text(pilot, screen, "memory", "a: 5\n")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert status(screen).startswith("fault at cycle 1, core 0, pc 1, load slot 0: ")
        assert "memory address 1 is outside memory" in status(screen)
        store_line = DEFAULT_PROGRAM.splitlines().index("    load b, p") + 1
        fault_at = screen.query_one(AsmEditor).marks.fault_at
        assert fault_at is not None and fault_at[0] == store_line


@run_async
async def test_an_endless_loop_meets_the_cycle_limit(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        await set_text(pilot, screen, "machine", "cycle_limit = 5000\n")
        await set_text(pilot, screen, "program", "loop:\n    jump loop\n")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "cycle limit of 5000 reached" in status(screen)


@run_async
async def test_the_debugger_steps_through_the_sandbox(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        debugger = app.screen
        assert isinstance(debugger, DebuggerScreen)
        await pilot.press("e")
        await settle(pilot)
        assert debugger.session.memory == [7, 5]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


@run_async
async def test_the_texts_are_kept_for_the_next_session(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        await set_text(pilot, screen, "memory", "x: 1 2 3\n")
        await set_text(pilot, screen, "program", "halt\n")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SandboxScreen)
    folder = tmp_path / "home" / "sandbox"
    assert (folder / "memory.txt").read_text(encoding="utf-8") == "x: 1 2 3\n"
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sandbox(app, pilot)
        assert screen.query_one("#sandbox-memory", TextArea).text == "x: 1 2 3\n"
        assert screen.query_one(AsmEditor).text == "halt\n"


@run_async
async def test_from_a_puzzle_the_sandbox_takes_its_machine_and_input(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_puzzle(pilot)
        puzzle = app.context.catalog.puzzle(PUZZLE).puzzle
        screen = await open_sandbox(app, pilot)
        assert screen.origin is puzzle
        assert screen.query_one("#sandbox-memory", TextArea).text == DEFAULT_MEMORY
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert screen.query_one("#sandbox-memory", TextArea).text == puzzle_memory_text(puzzle)
        assert screen.query_one("#sandbox-machine", TextArea).text == machine_text(puzzle)
        a, b, _ = generate_memory(puzzle, puzzle.scored_seeds[0])
        await pilot.press("ctrl+r")
        await settle(pilot)
        grid = screen.query_one("#sandbox-memory-grid", WordGrid)
        assert [line.split() for line in grid_words(grid)[:3]] == [
            ["a", "@0", str(b)], ["b", "@1", str(a)], ["out", "@2", "0"]]  # swapped
