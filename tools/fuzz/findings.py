"""Telling failures apart, shrinking one to a small reproducer, and saving it.

Two failures are the same when the same command fails in the same class with the same
error in the same function of the game. An exit 3 prints only the error's name, so the
function comes from a second run with VLIW_DEBUG=1 (once per distinct message).
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from game.paths import PROJECT_ROOT
from tools.fuzz.cases import Case
from tools.fuzz.runner import Limits, Outcome, error_name, run_case, where

_MESSAGE = re.compile(r"internal error: (.*?) \(set VLIW_DEBUG")


def _message(stderr: str) -> str:
    found = _MESSAGE.search(stderr)
    text = found.group(1) if found else ""
    return re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "_", text)[:80]


@dataclass
class Finding:
    signature: str
    outcome: str
    case: Case
    stderr: str
    count: int = 1
    kinds: set[str] = field(default_factory=set)
    commands: set[str] = field(default_factory=set)
    reproducer: str | None = None


class Signatures:
    """The signature of each failure; remembers what a debug re-run told about a message."""

    def __init__(self, limits: Limits, scratch: Path):
        self.limits = limits
        self.scratch = scratch
        self._seen: dict[str, str] = {}

    def __call__(self, case: Case, outcome: Outcome) -> str:
        """Where the game failed names an error; a run stopped for time or by a signal is
        named by its command too."""
        if outcome.outcome == "over-time":
            return f"{outcome.outcome} | {case.command} | {where(outcome.stderr, True)}"
        if outcome.outcome == "other":
            return f"{outcome.outcome} | {case.command} | code {outcome.code}"
        if outcome.outcome == "traceback":
            return f"traceback | {error_name(outcome.stderr)} | {where(outcome.stderr)}"
        coarse = f"{outcome.outcome} | {case.command} | {error_name(outcome.stderr)} | " \
                 f"{_message(outcome.stderr)}"  # one message may come from several places
        if coarse not in self._seen:
            self._seen[coarse] = f"{outcome.outcome} | {self.debug_where(case)}"
        return self._seen[coarse]

    def debug_where(self, case: Case) -> str:
        again = run_case(case, self.limits, self.scratch, debug=True)
        return f"{error_name(again.stderr)} | {where(again.stderr)}"


def shrink(case: Case, same: Callable[[Case], bool], seconds: float) -> Case:
    """A smaller target file for which `same` still holds: chunks of lines, then of bytes,
    removed while the time lasts."""
    deadline = time.monotonic() + seconds
    for split in (lambda d: d.splitlines(keepends=True),
                  lambda d: [d[i:i + 1] for i in range(len(d))]):
        units = split(case.target_bytes())
        chunk = max(1, len(units) // 2)
        while chunk >= 1 and time.monotonic() < deadline:
            at = 0
            while at < len(units) and time.monotonic() < deadline:
                trial = units[:at] + units[at + chunk:]
                candidate = case.with_target(b"".join(trial))
                if trial and same(candidate):
                    units, case = trial, candidate
                else:
                    at += chunk
            chunk //= 2
    return case


def save(finding: Finding, number: int, folder: Path) -> Path:
    """The finding's files, a script that replays it from a checkout, and what it printed."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", finding.signature).strip("-")[:80]
    where_to = folder / f"{number:03d}-{slug}"
    where_to.mkdir(parents=True, exist_ok=True)
    for name, content in finding.case.files:
        path = where_to / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    root = str(PROJECT_ROOT)
    argv = " ".join('"$ROOT"' + shlex.quote(a[len(root):]) if a.startswith(root)
                    else shlex.quote(a) for a in finding.case.argv)
    (where_to / "command.sh").write_text(
        "#!/bin/sh\n# " + finding.signature + "\n"
        'ROOT="${ROOT:-/work/main}"\ncd "$(dirname "$0")" && '
        f'VLIW_HOME="$(mktemp -d)" PYTHONPATH="$ROOT" python3 -m game {argv}\n',
        encoding="utf-8", errors="surrogateescape")
    (where_to / "stderr.txt").write_text(finding.stderr, encoding="utf-8", errors="replace")
    return where_to
