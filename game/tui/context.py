"""What every screen of the game shares: the packs, the player's files and scores.

Screens receive a `GameContext` instead of reaching for globals, so a test can
point the whole game at a temporary data folder and a pack of its own. The
catalog and the player's solutions are made on first use: loading packs
(pydantic) and the assembler stay off the path to the first screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from game.paths import PUZZLES_DIR, data_home

if TYPE_CHECKING:
    from collections.abc import Mapping

    from game.catalog import Catalog
    from game.player_solutions import PlayerSolutions
    from game.store import Best
    from game.tui.settings import Settings


@dataclass
class GameContext:
    home: Path = field(default_factory=data_home)
    """The player's data folder: solutions and the score database."""
    extra_packs: Sequence[Path] = ()
    """Pack files from anywhere (`vliw play --pack FILE`), beside the shipped ones."""
    packs_dir: Path = PUZZLES_DIR
    locked: dict[str, list[str]] = field(default_factory=dict)
    """Puzzles not open yet -> what to solve first (worked out by the browser)."""

    @cached_property
    def catalog(self) -> Catalog:
        from game.catalog import Catalog

        return Catalog(self.packs_dir, extra_packs=self.extra_packs)

    @cached_property
    def solutions(self) -> PlayerSolutions:
        from game.player_solutions import PlayerSolutions  # the assembler's reader: not at start

        return PlayerSolutions.in_home(self.home)

    @cached_property
    def settings(self) -> Settings:
        """The player's choices (a damaged file gives the defaults)."""
        from game.tui.settings import Settings

        return Settings.load(self.home)[0]

    def save_settings(self) -> str | None:
        return self.settings.save(self.home)

    @property
    def scores_path(self) -> Path:
        from game.store import DATABASE_NAME

        return self.home / DATABASE_NAME

    def best_scores(self, puzzle_id: str) -> dict[str, Best]:
        """The player's best per metric on a puzzle; {} before any passing run."""
        if not self.scores_path.exists():
            return {}
        from game.store import ScoreStore

        with ScoreStore.open(self.scores_path) as store:
            return store.best(puzzle_id)

    def solution_scores(self, puzzle_id: str) -> dict[str, Mapping[str, int]]:
        """The scores of each solution's latest passing run under the current rule."""
        if not self.scores_path.exists():
            return {}
        from game.store import ScoreStore

        scores: dict[str, Mapping[str, int]] = {}
        with ScoreStore.open(self.scores_path) as store:
            for run in store.runs(puzzle_id):  # newest first
                if run.verified:
                    scores.setdefault(run.solution, run.scores)
        return scores
