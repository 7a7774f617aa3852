"""The wall time, CPU time and peak memory of one child process, measured by the kernel.

`resource.getrusage(RUSAGE_CHILDREN)` sums the CPU of every child waited for so far, and
its `ru_maxrss` is the largest any of them reached: the peak of one command needs the
rusage `os.wait4` returns for that child alone.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Usage:
    """What one child process used, and how it ended."""

    wall: float
    cpu: float
    """User and system seconds."""
    peak_mb: float
    """Largest resident set, in MiB."""
    returncode: int

    def __str__(self) -> str:
        return f"{self.wall:6.1f} s wall {self.cpu:6.1f} s CPU {self.peak_mb:6.0f} MB peak"


def child_usage(command: list[str], cwd: Path | None = None,
                env: dict[str, str] | None = None) -> Usage:
    """Runs `command` with its output discarded and returns what it used."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Usage(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                 child.returncode)
