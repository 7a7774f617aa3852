"""What every command shares: the error type, exit codes, JSON output, the --pack option."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from machine.text import shown_path

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


def escape_unencodable_output() -> None:
    """Let stdout and stderr write what their encoding cannot hold as backslash escapes.

    A file name may hold bytes that are not UTF-8 (Python keeps them as lone
    surrogates); printed as is, such a name ends the command in UnicodeEncodeError,
    whichever message or table it is in. Escaped at the stream, every path every
    command prints is safe, and the rest of the text is unchanged.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def describe_os_error(error: OSError) -> str:
    """One line for a failed file operation: the file it names, shown safely, and why."""
    reason = error.strerror or str(error)
    return reason if error.filename is None else f"{shown_path(error.filename)}: {reason}"


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


def add_pack_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pack", action="append", default=[], metavar="FILE",
                        help="also use the puzzles of this pack file (repeatable)")
