"""A progress bar on stderr for long work, drawn only on a terminal.

Nothing is drawn for the first `DELAY` seconds, so short work stays silent,
and nothing at all when stderr is not a terminal (a pipe, a file, CI logs).
The bar is redrawn at most every `INTERVAL` seconds and erased at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TextIO

DELAY = 0.5
INTERVAL = 0.1
WIDTH = 30


class ProgressBar:
    def __init__(self, total: int, verb: str, stream: TextIO | None = None):
        self.total = total
        self.verb = verb
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty()
        self.done = 0
        self.start = time.monotonic()
        self.drawn_at: float | None = None

    def advance(self, _path: Path | None = None) -> None:
        self.done += 1
        now = time.monotonic()
        if not self.shown or now - self.start < DELAY:
            return
        if self.drawn_at is not None and now - self.drawn_at < INTERVAL \
                and self.done < self.total:
            return
        self.drawn_at = now
        filled = WIDTH * self.done // max(self.total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total}"
                          f" {self.verb}")
        self.stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.drawn_at is not None:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
