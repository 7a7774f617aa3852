"""What every command shares: the error type and JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
"""The program ran but its output is wrong, it faulted, or it hit the cycle limit."""
EXIT_INVALID = 2
"""The program, solution, pack or memory file cannot be read or is invalid."""


class CliError(Exception):
    """A one-line message for the user and the exit code that goes with it."""

    def __init__(self, message: str, code: int = EXIT_INVALID):
        super().__init__(message)
        self.code = code


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
