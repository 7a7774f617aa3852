"""Running a case through the real command line, in a child process with a wall-time, memory
and file-size limit, and naming what happened.

Outcome classes: ok (exit 0), exit 1, exit 2 (the documented answers), exit 3 (an internal
error), over-time, over-memory, traceback (a Python traceback on stderr, whatever the exit
code) and other (a signal or an undocumented exit code). A child over time gets SIGABRT
first, so that `-X faulthandler` prints where it was, then SIGKILL.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from game.paths import PROJECT_ROOT
from tools.fuzz.cases import Case

BUG_CLASSES = ("exit 3", "over-time", "over-memory", "traceback", "other")
CLASSES = ("ok", "exit 1", "exit 2", *BUG_CLASSES)
FILE_LIMIT = 256 * 1024 * 1024
"""Largest file a run may write (a trace of a long run is refused at this size)."""
STDERR_HEAD = 3000
STDERR_TAIL = 5000
"""What is kept of stderr: its start and its end (a deep traceback's game frames are near
its start, the error at its end)."""
ABORT_GRACE = 3.0
"""Seconds a child over time has to print its stack before it is killed."""

_FRAME = re.compile(r'File "[^"]*/((?:game|machine)/[^"]+)", line (\d+),? in (\S+)')
_INTERNAL = re.compile(r"internal error: (\w+)")
_LAST_EXCEPTION = re.compile(r"^(\w+(?:Error|Exception|Exit|Interrupt)\w*)\b", re.M)


@dataclass(frozen=True)
class Limits:
    seconds: float = 20.0
    memory_bytes: int = 2 * 1024**3


@dataclass(frozen=True)
class Outcome:
    outcome: str
    """One of CLASSES."""
    code: int | None
    seconds: float
    max_rss_mb: float
    stderr: str
    """Its first STDERR_HEAD and last STDERR_TAIL bytes."""
    stderr_bytes: int

    @property
    def is_bug(self) -> bool:
        return self.outcome in BUG_CLASSES


def _limit(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def environment(folder: Path, debug: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VLIW_DEBUG"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(PROJECT_ROOT),
                                                      env.get("PYTHONPATH"))))
    env["VLIW_HOME"] = str(folder / "home")
    env["COLUMNS"] = "100"
    if debug:
        env["VLIW_DEBUG"] = "1"
    return env


def write_files(case: Case, folder: Path) -> None:
    for name, content in case.files:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def classify(code: int | None, timed_out: bool, stderr: str) -> str:
    if timed_out:
        return "over-time"
    if "MemoryError" in stderr or "Cannot allocate memory" in stderr:
        return "over-memory"
    if "Traceback (most recent call last)" in stderr:
        return "traceback"
    return {0: "ok", 1: "exit 1", 2: "exit 2", 3: "exit 3"}.get(code, "other")  # type: ignore[arg-type]


def _wait(pid: int, deadline: float) -> tuple[int | None, float, bool]:
    """(exit status, max RSS in MB, whether it was stopped for time)."""
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, timed_out
        if not timed_out and time.monotonic() > deadline:
            timed_out = True
            os.killpg(pid, signal.SIGABRT)
            deadline = time.monotonic() + ABORT_GRACE
        elif timed_out and time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, timed_out
        time.sleep(0.01)


def run_case(case: Case, limits: Limits, scratch: Path, debug: bool = False) -> Outcome:
    """Run `case` in a fresh folder below `scratch`, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="case-", dir=scratch))
    try:
        write_files(case, folder)
        with open(folder / ".stderr", "w+b") as err:
            started = time.monotonic()
            child = subprocess.Popen(
                [sys.executable, "-X", "faulthandler", "-m", "game", *case.argv],
                cwd=folder, env=environment(folder, debug), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
                preexec_fn=lambda: _limit(limits.memory_bytes))
            code, rss, timed_out = _wait(child.pid, started + limits.seconds)
            child.returncode = code  # reaped here, not by Popen
            seconds = time.monotonic() - started
            size = err.seek(0, os.SEEK_END)
            err.seek(0)
            kept = err.read(STDERR_HEAD)
            if size > STDERR_HEAD:
                err.seek(max(STDERR_HEAD, size - STDERR_TAIL))
                kept += b"\n...\n" + err.read()
            stderr = kept.decode("utf-8", "replace")
        return Outcome(classify(code, timed_out, stderr), code, seconds, rss, stderr, size)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def where(stderr: str, game_only: bool = False) -> str:
    """The innermost frame of the project's code (or only of `game/`: where a run that was
    stopped at a random moment called into the machine) in a traceback or a faulthandler
    dump."""
    frames = [f for f in _FRAME.findall(stderr) if not game_only or f[0].startswith("game/")]
    if not frames:
        return "?"
    # A traceback lists the innermost call last; faulthandler lists it first.
    path, _, function = frames[0] if "most recent call first" in stderr else frames[-1]
    return f"{path}:{function}"


def error_name(stderr: str) -> str:
    found = _INTERNAL.search(stderr)
    if found:
        return found.group(1)
    names = _LAST_EXCEPTION.findall(stderr)
    return names[-1] if names else "?"
