"""Reading programs and memory images from files: size limits, text checks, format choice.

A program is `.vasm` or the take-home's `.json`, chosen by the file's
extension or, failing that, by its first character (a JSON program is a list).
Files are checked before they are trusted (`machine.files.read_capped`): only a
regular file is read, a file above the size limit is refused from its size
alone (it is never read whole), and an empty or binary file gets one clear
message instead of a confusing parse error.
"""

from __future__ import annotations

from pathlib import Path

from machine.files import InputFileError, read_capped
from machine.program import Problem, Program, ProgramError
from machine.results import check_memory
from machine.takehome_json import decode_json_text, describe, program_from_json_text

MAX_PROGRAM_BYTES = 32 * 1024 * 1024
"""Largest program file read (the full-size scalar baseline in .vasm is about 4 MB)."""
MAX_MEMORY_BYTES = 32 * 1024 * 1024
"""Largest memory image file read (a JSON list of words)."""


class MemoryFileError(ValueError):
    """A memory image file that cannot be used; the message names the file."""


class _Unreadable(Exception):
    pass


def _read_text(path: Path, limit: int, what: str) -> str:
    """The file's text, or _Unreadable with a message that does not repeat the path."""
    try:
        return _decode_text(read_capped(path, limit, what))
    except InputFileError as error:
        raise _Unreadable(error.reason) from None


def _decode_text(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped), or _Unreadable for empty or binary data."""
    if not data.strip():
        raise _Unreadable("is empty")
    nul = data.find(b"\0")
    if nul >= 0:
        raise _Unreadable(f"is not a text file (binary data: a NUL byte at offset {nul})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Unreadable(f"is not a text file (binary data: invalid UTF-8 at offset "
                          f"{error.start})") from None


def read_program_text(path: str | Path) -> str:
    """A program file's text, checked (size, empty, binary); ProgramError naming the file."""
    try:
        return _read_text(Path(path), MAX_PROGRAM_BYTES, "program")
    except _Unreadable as error:
        raise ProgramError([Problem(str(error), path=str(path))]) from None


def is_json_program(text: str, path: str | None = None) -> bool:
    """Whether a program is in the take-home's JSON form rather than `.vasm`."""
    if path is not None:
        suffix = Path(path).suffix.lower()
        if suffix in (".json", ".vasm"):
            return suffix == ".json"
    return text.lstrip().startswith("[")


def parse_program(text: str, path: str | None = None, vlen: int = 8) -> Program:
    """A program from text in either form; ProgramError (located) if it is not one."""
    if not text.strip():
        raise ProgramError([Problem("is empty", path=path)])
    if is_json_program(text, path):
        return program_from_json_text(text, path)
    if is_json_program(text):  # no .vasm line begins with '['
        raise ProgramError([Problem("looks like a take-home JSON program (it begins with '['), "
                                    "but its name says .vasm; name it .json", path=path)])
    from machine.vasm import parse  # the assembler: not imported to read a take-home export

    return parse(text, path, vlen)


def load_program(path: str | Path, vlen: int = 8) -> Program:
    """A program from a `.vasm` or `.json` file; ProgramError naming the file and line."""
    return parse_program(read_program_text(path), str(path), vlen)


def load_memory(path: str | Path) -> list[int]:
    """A memory image: a JSON list of words (integers in 0..2^32-1); MemoryFileError if not."""
    name = str(path)
    try:
        text = _read_text(Path(path), MAX_MEMORY_BYTES, "memory")
    except _Unreadable as error:
        raise MemoryFileError(f"{name}: {error}") from None
    try:
        data = decode_json_text(text, name)
    except ProgramError as error:
        raise MemoryFileError(str(error)) from None
    if not isinstance(data, list):
        raise MemoryFileError(f"{name}: expected a JSON list of words, not {describe(data)}")
    try:
        return check_memory(data)
    except ValueError as error:
        raise MemoryFileError(f"{name}: {error}") from None
