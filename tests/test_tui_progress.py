"""Something to climb in the browser: solved, open and locked puzzles, and unlock all."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Tree
from tui_kit import PACK, run_async, settle

from game.tui.app import VliwApp
from game.tui.context import GameContext
from game.tui.screens.browser import BrowserScreen
from game.tui.screens.puzzle import PuzzleScreen
from game.tui.settings import SETTINGS_NAME

THIRD = '''
[[puzzle]]
id = "copy-again"
title = "Copy a word again"
scored_seeds = [1]
check = ["out"]
memory = [
  { name = "a", kind = "random", count = 1 },
  { name = "out", kind = "zeros", count = 1 },
]
reference = { expected = { out = [0] } }
'''


def three_puzzle_app(tmp_path: Path) -> VliwApp:
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "testpack.toml").write_text(PACK + THIRD, encoding="utf-8")
    return VliwApp(GameContext(home=tmp_path / "home", extra_packs=[packs / "testpack.toml"],
                               packs_dir=tmp_path / "none"))


def labels(app: VliwApp) -> list[str]:
    tree = app.screen.query_one("#puzzles", Tree)
    return [str(node.label) for node in tree.root.children[0].children]


@run_async
async def test_the_third_puzzle_opens_after_a_solve_or_unlock_all(tmp_path: Path) -> None:
    app = three_puzzle_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert labels(app) == ["· Sum of two words", "· Copy a word", "◌ Copy a word again"]
        assert app.context.locked == {"testpack/copy-again": ["testpack/sum"]}
        app.open_puzzle("testpack/copy-again")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert "solve testpack/sum first" in str(list(app._notifications)[-1].message)
        await pilot.press("u")
        await settle(pilot)
        assert labels(app)[2] == "· Copy a word again"
        app.open_puzzle("testpack/copy-again")
        await settle(pilot)
        assert isinstance(app.screen, PuzzleScreen)
    saved = json.loads((tmp_path / "home" / SETTINGS_NAME).read_text())
    assert saved["unlock_all"] is True
