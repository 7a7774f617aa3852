"""Keys a player can change: every binding has an id, a keymap file rebinds them, and the
footer of every screen starts with how to quit and how to get help."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey
from tui_kit import PUZZLE, SOLUTION, make_app, make_context, open_puzzle, run_async, settle

from game.player_solutions import PlayerSolutions
from game.tui.app import VliwApp
from game.tui.keys import all_bindings, binding_ids
from game.tui.screens.results import ResultsScreen
from game.tui.settings import KEYMAP_NAME, load_keymap


def test_every_binding_has_an_id_and_a_description() -> None:
    bindings = all_bindings()
    assert len(bindings) > 30
    assert [b for b in bindings if not b.id or not b.description] == []
    assert {"quit", "manual", "run", "debug", "statement", "step"} <= binding_ids()


def test_a_keymap_names_known_ids_with_keys(tmp_path: Path) -> None:
    (tmp_path / KEYMAP_NAME).write_text('run = "f9"\nstep = " n "\nwarp = "w"\nback = 3\n')
    keymap, problems = load_keymap(tmp_path, binding_ids())
    assert keymap == {"run": "f9", "step": "n"}
    assert len(problems) == 2
    assert problems[0].startswith(f"{tmp_path / KEYMAP_NAME}: 'warp' is not a binding id")
    assert problems[1] == f"{tmp_path / KEYMAP_NAME}: 'back' needs keys as a string, like \"f9\""
    (tmp_path / KEYMAP_NAME).write_text("run = \n")
    keymap, problems = load_keymap(tmp_path, binding_ids())
    assert keymap == {} and problems[0].startswith(f"{tmp_path / KEYMAP_NAME}: not read")
    assert load_keymap(tmp_path / "nowhere", binding_ids()) == ({}, [])


@run_async
async def test_the_players_keymap_rebinds_a_key(tmp_path: Path) -> None:
    home = make_context(tmp_path).home
    PlayerSolutions.in_home(home).new(PUZZLE, SOLUTION, "solution")
    (home / KEYMAP_NAME).write_text('run = "f9"\nnot-an-id = "x"\n')
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_puzzle(pilot)
        assert any("'not-an-id' is not a binding id" in str(n.message)
                   for n in app._notifications)
        await pilot.press("ctrl+r")  # no longer bound
        await settle(pilot)
        assert not isinstance(app.screen, ResultsScreen)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)


def footer_start(app: VliwApp) -> list[str]:
    keys = [key for key in app.screen.query(FooterKey)]
    return [key.description for key in keys[:2]]


@run_async
async def test_every_screens_footer_starts_with_quit_and_the_manual(tmp_path: Path) -> None:
    PlayerSolutions.in_home(make_context(tmp_path).home).new(PUZZLE, SOLUTION, "solution")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        seen = [footer_start(app)]
        for key in ("enter", "ctrl+g", "escape", "ctrl+r", "escape", "f5"):
            await pilot.press(key)
            await settle(pilot)
            seen.append(footer_start(app))
        assert seen == [["Quit", "Manual"]] * 7
