"""The TUI's parts on their own: manual, word layout, slot bars, run reports, assembly,
the command palette, large solutions, and `vliw play` refusing what it cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Static, Tree
from tui_kit import PUZZLE, SOLUTION, make_app, make_context, open_puzzle, run_async, settle, shown

from game import scoring
from game.cli import main
from game.player_solutions import PlayerSolutions
from game.scoring import Mismatch, Report, Scores
from game.tui.assembly import assemble
from game.tui.manual_text import manual_markdown, op_syntax
from game.tui.screens.puzzle import PuzzleScreen
from game.tui.widgets.asm_editor import MAX_EDITABLE_LINES, AsmEditor
from game.tui.widgets.code_view import CodeView
from game.tui.widgets.run_report import failure_text
from game.tui.widgets.slot_usage import bar
from game.tui.widgets.word_grid import Block, blocks_covering, runs_of
from machine.config import DEFAULT_SLOT_LIMITS, MachineConfig
from machine.isa import OPS, Engine
from machine.simulator import Fault


def test_the_manual_lists_every_operation_of_the_op_table() -> None:
    text = manual_markdown()
    for spec in OPS:
        assert f"`{op_syntax(spec)}`" in text
    assert "| alu | 12 | scalar arithmetic |" in text
    assert "`or d, a, b` | s[d] = s[a] \\| s[b] |" in text  # a bar in a table cell is escaped


def test_the_manual_shows_the_puzzles_machine() -> None:
    config = MachineConfig(slot_limits={Engine.ALU: 1}, scratch_size=64,
                           allowed_ops=frozenset({"add", "const", "halt"}))
    text = manual_markdown(config, cycle_limit=500, puzzle_title="Tiny")
    assert "## This machine for *Tiny*" in text
    assert "| alu | 1 | scalar arithmetic |" in text
    assert "| valu | 0 |" in text
    assert "scratch: **64** words" in text
    assert "cycle limit: **500**" in text
    assert "`mul d, a, b` (not on this machine)" in text
    assert "`add d, a, b` (not" not in text


def test_blocks_cover_the_gaps_between_regions() -> None:
    blocks = blocks_covering([Block("b", 4, 2), Block("a", 0, 2)], 8)
    assert blocks == [Block("a", 0, 2), Block("@2", 2, 2), Block("b", 4, 2), Block("@6", 6, 2)]


def test_runs_of_addresses_split_at_the_width() -> None:
    assert runs_of({9, 1, 2, 3, 4, 5}, width=3) == [
        Block("@1", 1, 3), Block("@4", 4, 2), Block("@9", 9, 1)]
    assert runs_of(set()) == []


@pytest.mark.parametrize(("used", "limit", "expected"), [
    (0, 12, "·"), (1, 12, "▁"), (6, 12, "▄"), (12, 12, "█"), (2, 2, "█"), (1, 2, "▄"),
    (3, 2, "█"), (1, 0, "█")])
def test_a_slot_bar_is_as_full_as_the_engine(used: int, limit: int, expected: str) -> None:
    assert bar(used, limit) == expected


def test_failure_text_shows_the_first_failing_test_expected_against_actual() -> None:
    wrong = scoring.TestResult(5, "scored", 9, None, (Mismatch(40, "values", 2, 123, 456),), 3)
    fault = Fault(1, 0, 3, Engine.ALU, 1, "division by zero")
    faulted = scoring.TestResult(6, "robustness", 2, fault, (), 0)
    report = Report("p/q", Scores(9, 4, 3), (wrong, faulted))
    text = failure_text(report).plain
    assert text.startswith("✗ FAILED  2 of 2 tests wrong · 9 cycles · 4 instructions · 3 scratch")
    assert "scored seed 5: expected against actual" in text
    assert "      40  values[2]         123         456" in text
    assert "… and 2 more wrong words" in text
    assert "robustness seed 6: fault at cycle 1, core 0, pc 3, alu slot 1: division by zero" \
        in text


def test_assembly_reports_the_assemblers_and_the_machines_problems() -> None:
    config = MachineConfig(slot_limits={**DEFAULT_SLOT_LIMITS, Engine.LOAD: 1})
    good = assemble(SOLUTION.replace(" || const y, 1", "").replace(" || const p, 2", ""),
                    "s.vasm", MachineConfig())
    assert good.ok and good.summary(8) == "✓ 5 bundles · 5 instructions · 3 scratch words"
    syntax = assemble("ad 1, 2, 3\n", "s.vasm", config)
    assert not syntax.ok and syntax.marks() == ((1, 1),)
    machine = assemble(SOLUTION, "s.vasm", config)
    assert machine.program is not None and not machine.ok
    assert machine.marks() == ((5, 14), (6, 14))
    assert "this machine allows 1" in machine.summary(8)


@run_async
async def test_the_command_palette_opens_a_puzzle_by_name(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"copy a word")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PuzzleScreen)
        assert screen.puzzle_id == "testpack/copy"


@run_async
async def test_a_solution_too_long_to_edit_is_shown_read_only_and_still_runs(
        tmp_path: Path) -> None:
    body = "\n".join(f"# line {n}" for n in range(MAX_EDITABLE_LINES)) + "\n"
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, body + SOLUTION, "big")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_puzzle(pilot)
        assert not screen.editable
        assert not screen.query_one(AsmEditor).display
        listing = screen.query_one("#large-view", CodeView)
        assert len(listing.lines) == MAX_EDITABLE_LINES + 8
        assert shown(screen.query_one("#problems", Static)).startswith("✓ 5 bundles")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen.report.passed  # type: ignore[attr-defined]


def test_vliw_play_needs_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play"]) == 2
    assert capsys.readouterr().err == "vliw play: needs an interactive terminal (stdin and" \
                                      " stdout)\n"


def test_vliw_play_refuses_a_broken_pack_in_one_line(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[pack]\nid = 'x'\ntitle = 'X'\n[[puzzle]]\nid = 3\n")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["play", "--home", str(tmp_path / "home"), "--pack", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"vliw play: {broken}:")
    assert err.count("\n") == 1


@run_async
async def test_a_damaged_score_file_hides_scores_not_puzzles(tmp_path: Path) -> None:
    home = make_context(tmp_path).home
    home.mkdir(parents=True)
    (home / "scores.sqlite3").write_bytes(b"this is not a database" * 100)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one("#puzzles", Tree)
        pack, problem = tree.root.children
        assert [child.data for child in pack.children] == ["testpack/sum", "testpack/copy"]
        assert str(problem.label).startswith("⚠ ") and "scores.sqlite3" in str(problem.label)


def test_long_titles_are_cut_at_their_colon_in_the_tree() -> None:
    from game.tui.screens.browser import tree_title

    assert tree_title("Sapling: 8 walkers, 4 rounds, a tree of height 2") == "Sapling"
    assert tree_title("2. Side by side: bundles") == "2. Side by side: bundles"
    assert tree_title("A very long title without any colon in it") == \
        "A very long title without any colon in it"
