"""`vliw hist build` validates each distinct program once, several at a time, and not again.

A file is validated unless another file of the build is the same program with the
same claims (byte-identical or not), or an earlier build on the same puzzle, pack file
and code passed it; a failure is never shared (its message names its file). Several
jobs give exactly the build one job gives.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import game.batch_validation
from game.batch_validation import MAX_BATCH, Remembered, batch_size
from game.catalog import Catalog, PuzzleEntry
from game.cli import main, progress_bar
from game.cli.progress_bar import ProgressBar
from game.histogram import Point
from game.histogram_build import build_histogram, validate_solution
from game.paths import SOLUTIONS_DIR

PUZZLE = "minimal/digits"
SOLUTION = (SOLUTIONS_DIR / "minimal/digits/countdown.vasm").read_text(encoding="utf-8")
CLAIMS = ("# cycles:", "# instructions:", "# scratch:")


def variant(number: int) -> str:
    """The solution with one more bundle before it, setting a spare word: a distinct
    program that still passes (its claims removed)."""
    lines = [line for line in SOLUTION.splitlines() if not line.startswith(CLAIMS)]
    first = next(i for i, line in enumerate(lines) if line.startswith("    "))
    lines.insert(first, f"    const spare, {number}")
    lines.insert(next(i for i, line in enumerate(lines) if line.startswith(".scalar")),
                 ".scalar spare")
    return "\n".join(lines) + "\n"


@pytest.fixture
def entry() -> PuzzleEntry:
    return Catalog().puzzle(PUZZLE)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


class Counting:
    """validate_solution, remembering which files it was asked to validate."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, entry: PuzzleEntry, path: Path) -> Point:
        self.names.append(path.name)
        return validate_solution(entry, path)


def test_one_program_with_the_same_claims_is_validated_once(entry, tmp_path):
    first = write(tmp_path, "a.vasm", SOLUTION)
    copy = write(tmp_path, "b-copy.vasm", SOLUTION)
    renamed = write(tmp_path, "c-commented.vasm", SOLUTION + "# the same program\n")
    other = write(tmp_path, "d-other.vasm", variant(7))
    counting = Counting()
    build = build_histogram(entry, [first, copy, renamed, other], measure=counting)
    assert counting.names == ["a.vasm", "d-other.vasm"]
    assert build.counted == [first, other]
    assert [(d.path, d.same_as) for d in build.duplicates] == [(copy, first), (renamed, first)]
    assert len(build.histogram) == 2


def test_a_failure_is_not_shared_each_file_says_why(entry, tmp_path):
    wrong = SOLUTION.replace("# cycles: 24", "# cycles: 23")
    files = [write(tmp_path, name, wrong) for name in ("a.vasm", "b.vasm")]
    counting = Counting()
    build = build_histogram(entry, files, measure=counting)
    assert counting.names == ["a.vasm", "b.vasm"]
    assert [s.path for s in build.skipped] == files
    assert all(s.reason.startswith(str(s.path)) for s in build.skipped)


def test_two_jobs_give_exactly_the_build_one_job_gives(entry, tmp_path):
    files = [write(tmp_path, f"v{n}.vasm", variant(n)) for n in range(6)]
    files.append(write(tmp_path, "copy.vasm", variant(3)))
    files.append(write(tmp_path, "wrong.vasm", SOLUTION.replace("# cycles: 24", "# cycles: 2")))
    files.append(write(tmp_path, "broken.vasm", "    nonsense x\n"))
    alone = build_histogram(entry, files, jobs=1)
    pooled = build_histogram(entry, files, jobs=2)
    assert pooled.histogram.to_text() == alone.histogram.to_text()
    assert (pooled.counted, pooled.skipped, pooled.duplicates) \
        == (alone.counted, alone.skipped, alone.duplicates)
    assert len(alone.counted) == 6 and len(alone.skipped) == 2 and len(alone.duplicates) == 1


def test_batches_of_files_give_exactly_the_build_one_job_gives(entry, tmp_path, monkeypatch):
    # Three files a message: a copy waits for its head in another batch, the second file
    # of a failing program runs in a later one.
    wrong = SOLUTION.replace("# cycles: 24", "# cycles: 2")
    files = [write(tmp_path, f"v{n}.vasm", variant(n)) for n in range(5)]
    files[1:1] = [write(tmp_path, "wrong-a.vasm", wrong)]
    files += [write(tmp_path, "copy.vasm", variant(0)), write(tmp_path, "wrong-b.vasm", wrong)]
    alone = build_histogram(entry, files, jobs=1)
    monkeypatch.setattr(game.batch_validation, "batch_size", lambda files, jobs: 3)
    batched = build_histogram(entry, files, jobs=2)
    assert batched.histogram.to_text() == alone.histogram.to_text()
    assert (batched.counted, batched.skipped, batched.duplicates) \
        == (alone.counted, alone.skipped, alone.duplicates)
    assert len(alone.counted) == 5 and len(alone.skipped) == 2 and len(alone.duplicates) == 1


def test_batches_spread_a_small_build_over_every_worker():
    assert batch_size(9, 2) == 1
    assert batch_size(100, 2) == 6
    assert batch_size(100_000, 2) == MAX_BATCH
    assert batch_size(100_000, 1) == 1


def test_progress_is_reported_while_the_files_are_still_being_read(entry, tmp_path,
                                                                  monkeypatch):
    files = [write(tmp_path, f"v{n}.vasm", variant(n)) for n in range(4)]
    events = []
    read = game.batch_validation._ShareKeys.of

    def reading(keys, path):  # type: ignore[no-untyped-def]
        events.append(f"read {path.name}")
        return read(keys, path)

    monkeypatch.setattr(game.batch_validation._ShareKeys, "of", reading)
    build_histogram(entry, files, progress=lambda path: events.append(f"done {path.name}"))
    assert events.index("done v0.vasm") < events.index("read v3.vasm")


def never(_entry: PuzzleEntry, path: Path) -> Point:
    raise AssertionError(f"{path.name} was validated again")


def test_a_pass_remembered_from_an_earlier_build_is_not_run_again(entry, tmp_path):
    folder = tmp_path / "solutions"
    folder.mkdir()
    files = [write(folder, f"v{n}.vasm", variant(n)) for n in range(3)]
    record = Remembered.open(entry, tmp_path / "cache")
    first = build_histogram(entry, files, remembered=record)
    record.save()
    again = build_histogram(entry, [*files, write(folder, "copy.vasm", variant(1))],
                            measure=never, remembered=Remembered.open(entry, tmp_path / "cache"))
    assert again.histogram.to_text() == first.histogram.to_text()
    assert [d.path.name for d in again.duplicates] == ["copy.vasm"]

    edited = tmp_path / "packs" / entry.path.name  # another pack file: nothing is known
    edited.parent.mkdir()
    edited.write_text(entry.path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    moved = PuzzleEntry(entry.pack, entry.puzzle, edited)
    with pytest.raises(AssertionError, match="validated again"):
        build_histogram(entry, files, measure=never,
                        remembered=Remembered.open(moved, tmp_path / "cache"))


def test_a_broken_record_is_ignored(entry, tmp_path):
    record = Remembered.open(entry, tmp_path)
    record.path.parent.mkdir(parents=True)
    text = '{"format": "vliw-validated", "key": KEY, "passed": {"k": 1}}'
    record.path.write_text(text.replace("KEY", f'"{record.key}"'), encoding="utf-8")
    assert Remembered.open(entry, tmp_path).points == {}


def test_the_command_builds_with_jobs_and_leaves_a_record(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("VLIW_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "solutions"
    folder.mkdir()
    for n in range(3):
        write(folder, f"v{n}.vasm", variant(n))
    output = tmp_path / "h.json"
    argv = ["hist", "build", str(folder), "--puzzle", PUZZLE, "-o", str(output), "--jobs", "2"]
    assert main(argv) == 0
    assert "3 distinct solutions" in capsys.readouterr().out
    assert (tmp_path / "cache/validated/minimal/digits.json").is_file()


@pytest.mark.parametrize(("argv", "message"), [
    (["--jobs", "0"], "--jobs must be between 1 and 256, not 0"),
    (["--jobs", "1000"], "--jobs must be between 1 and 256, not 1000"),
])
def test_a_wrong_jobs_count_is_one_line_and_exit_2(capsys, tmp_path, argv, message):
    code = main(["hist", "build", str(tmp_path), "--puzzle", PUZZLE, "-o", "x.json", *argv])
    assert code == 2
    assert capsys.readouterr().err.strip() == f"vliw hist: {message}"


def test_jobs_go_only_with_build(capsys):
    assert main(["hist", PUZZLE, "--jobs", "2"]) == 2
    assert "--jobs does not go with a puzzle" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_only_and_erased(monkeypatch):
    monkeypatch.setattr(progress_bar, "DELAY", 0.0)
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with ProgressBar(3, "validated", stream) as bar:
            for _ in range(3):
                bar.advance()
    assert "3/3 validated" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[2K")
    assert pipe.getvalue() == ""
