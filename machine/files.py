"""Reading an input file in bounded time and memory, whatever the path names.

Every file read on a player's or an author's behalf (programs, memory images, packs,
histogram files, the game's saved texts) comes through `read_capped`:

- only a regular file is read: a folder, a named pipe (FIFO), a device or a socket is
  refused from `os.stat` alone, before anything is opened (a FIFO would block forever,
  `/dev/zero` never ends);
- the file is opened with O_NONBLOCK and looked at again through its descriptor, so a
  FIFO swapped in between the two looks cannot block the open or be read;
- a file above the cap is refused from its size, unread; a file that grows while it
  is read is read up to cap + 1 bytes and refused.

Each kind of file has its own cap, a named constant beside its reader.
"""

from __future__ import annotations

import os
import stat

from machine.text import shown_path

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
"""Read-only, never blocking on a FIFO, never taking a terminal as the controlling one."""
_CHUNK = 1 << 20


class InputFileError(ValueError):
    """A file that cannot be read as input.

    `reason` is the message without the path ("cannot be read (Permission denied)");
    `detail` the same without its own "cannot be read", for messages that begin with
    their own words ("cannot read: Permission denied").
    """

    def __init__(self, path: str | os.PathLike[str], reason: str, detail: str | None = None):
        self.path = os.fspath(path)
        self.reason = reason
        self.detail = reason if detail is None else detail
        super().__init__(f"{shown_path(path)}: {reason}")


class FileTooLarge(InputFileError):
    """A file above its cap: `size` from stat, or None when it grew past the cap while read."""

    def __init__(self, path: str | os.PathLike[str], size: int | None, limit: int, what: str):
        self.size = size
        self.limit = limit
        if size is None:
            reason = f"is larger than the {describe_size(limit)} allowed for {what} files"
        else:
            reason = (f"is {describe_size(size)}; {what} files are limited to "
                      f"{describe_size(limit)}")
        super().__init__(path, reason)

    @property
    def size_text(self) -> str:
        """The size as a bare number of bytes ("more than N" when the file grew while read)."""
        return f"more than {self.limit}" if self.size is None else str(self.size)


def describe_size(size: int) -> str:
    """A byte count as people read it: exact, with MiB beside it when that helps."""
    mib = f" ({size / (1024 * 1024):g} MiB)" if size >= 1024 * 1024 else ""
    return f"{size:,} bytes{mib}"


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def _refuse(path: str | os.PathLike[str], info: os.stat_result, limit: int, what: str) -> None:
    reason = _not_regular(info.st_mode)
    if reason is not None:
        raise InputFileError(path, reason)
    if info.st_size > limit:
        raise FileTooLarge(path, info.st_size, limit, what)


def read_capped(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or InputFileError saying why not.

    `what` names the kind of file in a message ("program": "program files are limited to").
    """
    try:
        _refuse(path, os.stat(path), limit, what)
        fd = os.open(path, _OPEN_FLAGS)
        try:
            _refuse(path, os.fstat(fd), limit, what)  # the file opened may not be the one stat saw
            data = _read_at_most(fd, limit + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except OSError as error:
        why = error.strerror or str(error)
        raise InputFileError(path, f"cannot be read ({why})", why) from None
    if len(data) > limit:
        raise FileTooLarge(path, None, limit, what)
    return data


def _read_at_most(fd: int, count: int) -> bytes:
    chunks = []
    left = count
    while left > 0:
        chunk = os.read(fd, min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
