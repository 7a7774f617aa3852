"""Command palette entries (ctrl+p): open any puzzle by name, open the manual."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from game.tui.app import VliwApp


class PuzzleCommands(Provider):
    """One command per puzzle of every pack that loads, and one for the manual."""

    async def startup(self) -> None:
        app: VliwApp = self.app  # type: ignore[assignment]
        entries = await asyncio.to_thread(lambda: list(app.context.catalog.entries()))
        self._commands = [(f"Open puzzle {entry.id}: {entry.puzzle.title}",
                           partial(app.open_puzzle, entry.id), entry.pack.pack.title)
                          for entry in entries]
        self._commands.append(("Manual: every operation and this machine's limits",
                               app.action_manual, "the op table"))

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands:
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
