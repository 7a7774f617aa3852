"""Running a case by calling `game.cli.main` in this process: a hundred times cheaper than a
child process, for a test that must stay fast.

The limits are the child's, as far as one process can set them on itself: SIGALRM stops a
run over time (with an exception no `except Exception` of the game catches), and the
address-space limit is lowered for the run and raised back after it. Only for the main
thread of a process that nothing else uses at the time (a test).
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from game.cli import main
from tools.fuzz.cases import Case
from tools.fuzz.runner import Limits, Outcome, classify, write_files


class _OverTime(BaseException):
    """Raised by the alarm; a BaseException so that the game's own handlers let it pass."""


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def _limited(limits: Limits) -> Iterator[None]:
    def over_time(signum: int, frame: object) -> None:
        raise _OverTime

    old_handler = signal.signal(signal.SIGALRM, over_time)
    old_space = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + limits.memory_bytes,
                                            old_space[1]))
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, old_space)
        signal.signal(signal.SIGALRM, old_handler)


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """Run with `folder` as the working folder and the player's data folder."""
    old_cwd = os.getcwd()
    old_env = {k: os.environ.get(k) for k in ("VLIW_HOME", "VLIW_DEBUG")}
    os.chdir(folder)
    os.environ["VLIW_HOME"] = str(folder / "home")
    os.environ.pop("VLIW_DEBUG", None)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _terminal(errors: str) -> io.TextIOWrapper:
    """A stream as Python's own on a UTF-8 terminal: text with a byte buffer below it."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)


def run_in_process(case: Case, folder: Path, limits: Limits) -> Outcome:
    """Run `case` in `folder` (which must be empty) through `game.cli.main`."""
    write_files(case, folder)
    stdout, stderr = _terminal("strict"), _terminal("backslashreplace")
    code: int | None = None
    timed_out = False
    started = time.monotonic()
    with _inside(folder), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            with _limited(limits):
                code = main(list(case.argv))
        except SystemExit as stop:  # argparse's usage errors
            code = stop.code if isinstance(stop.code, int) else 2
        except _OverTime:
            timed_out = True
        except Exception:  # out of main: Python would print it and exit 1
            traceback.print_exc()
            code = 1
    stderr.flush()
    text = stderr.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]
    return Outcome(classify(code, timed_out, text), code, time.monotonic() - started, 0.0,
                   text[-8000:], len(text))
