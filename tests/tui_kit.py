"""What the TUI tests share: a tiny pack of their own, an app on a temporary home, typing."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from game.tui.app import VliwApp
from game.tui.context import GameContext
from game.tui.screens.puzzle import ASSEMBLE_AFTER, PuzzleScreen

PUZZLE = "testpack/sum"

PACK = '''
[pack]
id = "testpack"
title = "Test pack"

[[puzzle]]
id = "sum"
title = "Sum of two words"
description = """
Add the words at addresses 0 and 1; leave the sum at address 2.
"""
scored_seeds = [1, 2]
robustness_seeds = 2
cycle_limit = 1000
check = ["out"]
memory = [
  { name = "a", kind = "random", count = 1, max = 1000 },
  { name = "b", kind = "random", count = 1, max = 1000 },
  { name = "out", kind = "zeros", count = 1 },
]
reference = { program = """
.scalar p
.scalar x
.scalar y
const p, 0
load x, p
const p, 1
load y, p
add x, x, y
const p, 2
store p, x
""" }

[[puzzle.marks]]
metric = "cycles"
value = 5
label = "straight and simple"

[[puzzle]]
id = "copy"
title = "Copy a word"
description = "Copy the word at address 0 to address 1."
scored_seeds = [1]
robustness_seeds = 0
check = ["out"]
memory = [
  { name = "a", kind = "random", count = 1 },
  { name = "out", kind = "zeros", count = 1 },
]
reference = { program = """
.scalar p
.scalar x
const p, 0
load x, p
const p, 1
store p, x
""" }
'''

SOLUTION = """\
.scalar p
.scalar x
.scalar y
const p, 0
load x, p || const y, 1
load y, y || const p, 2
add x, x, y
store p, x
"""
"""Passes `testpack/sum` in 5 cycles."""


def run_async(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test in its own event loop (no asyncio plugin needed)."""

    @functools.wraps(test)
    def run(*args: object, **kwargs: object) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def write_pack(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "testpack.toml"
    path.write_text(PACK, encoding="utf-8")
    return path


def make_context(tmp_path: Path) -> GameContext:
    """The test pack only (no shipped packs), and a fresh data folder."""
    packs = write_pack(tmp_path / "packs")
    return GameContext(home=tmp_path / "home", extra_packs=[packs],
                       packs_dir=tmp_path / "no-shipped-packs")


def make_app(tmp_path: Path) -> VliwApp:
    return VliwApp(make_context(tmp_path))


async def settle(pilot: Pilot[object]) -> None:
    """Let the assembler's timer fire and workers finish, then let the screen catch up."""
    app = pilot.app
    await pilot.pause(ASSEMBLE_AFTER + 0.1)
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot: Pilot[object], *keys: str) -> None:
    """Press keys, then let the screen settle."""
    await pilot.press(*keys)
    await settle(pilot)


async def open_puzzle(pilot: Pilot[object], puzzle_id: str = PUZZLE) -> PuzzleScreen:
    """From a fresh app: let the browser load, open a puzzle, and let its editor settle."""
    app = pilot.app
    await settle(pilot)
    app.open_puzzle(puzzle_id)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, PuzzleScreen)
    return screen


async def type_text(pilot: Pilot[object], text: str) -> None:
    for char in text:
        await pilot.press("enter" if char == "\n" else char)


def shown(static: Static) -> str:
    """The plain text a Static shows."""
    content = static.content
    return content.plain if isinstance(content, Text) else str(content)
