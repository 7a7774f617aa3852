"""The commands around the game: `vliw hist --home`, and `vliw play` ending on a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_kit import PUZZLE, SOLUTION, write_pack

from game.cli import main
from game.store import DATABASE_NAME, ScoreStore


def test_hist_home_chooses_the_score_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VLIW_HOME", str(tmp_path / "elsewhere"))
    pack = write_pack(tmp_path / "packs")
    solution = tmp_path / "fast.vasm"
    solution.write_text(SOLUTION)
    home = tmp_path / "home"
    code = main(["hist", PUZZLE, "--pack", str(pack), "--solution", str(solution),
                 "--home", str(home)])
    out = capsys.readouterr().out
    assert code == 0 and "your best: cycles 5 (fast)" in out
    with ScoreStore.open(home / DATABASE_NAME) as store:
        assert [run.solution for run in store.runs(PUZZLE)] == ["fast"]
    assert not (tmp_path / "elsewhere").exists()
