"""Where things live: shipped packs and solutions, and the player's data folder.

The player's data folder holds their solutions, score history and settings.
`VLIW_HOME` (or the CLI's `--home DIR`, which sets it) overrides the
platform's usual place. Every save goes through `atomic_write_text`, so a
crash or a kill leaves either the old file or the new one, never half of one --
and, at worst, the hidden temporary file of the save it interrupted, which
`remove_stale_saves` deletes the next time the game starts.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from machine.text import shown_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PUZZLES_DIR = PROJECT_ROOT / "puzzles"
SOLUTIONS_DIR = PROJECT_ROOT / "solutions"

STALE_SAVE_AGE = 300.0
"""Seconds after which a save's temporary file is a leftover: a save takes milliseconds,
so an older one was interrupted, while a younger one may be another process's save."""
_SAVE_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
"""The names `atomic_write_text` gives its temporary files: `tempfile.mkstemp` puts 8
characters of [a-z0-9_] between the prefix ".<name>." and the suffix ".tmp"."""


def data_home() -> Path:
    """The player's data folder (not created here)."""
    override = os.environ.get("VLIW_HOME")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "vliw"


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets what open() would give it."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class NotAFileToReplace(OSError):
    """An output path that names something other than a regular file (a device, a pipe, a
    folder): replacing it would destroy it, and writing through it is not a save."""


def replaceable(path: Path) -> Path:
    """The file a save to `path` replaces: `path`, or the file a symbolic link at `path`
    names (so a linked solution stays linked); NotAFileToReplace when that exists and is
    not a regular file."""
    target = path.resolve() if path.is_symlink() else path
    try:
        status = target.stat()
    except FileNotFoundError:
        return target
    if not stat.S_ISREG(status.st_mode):
        raise NotAFileToReplace(f"{shown_path(path)}: exists and is not a regular file;"
                                " refusing to replace it")
    return target


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old or the new file, never a mix."""
    path = replaceable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    # the name must match _SAVE_TEMPORARY, or remove_stale_saves never removes it
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def remove_stale_saves(folder: Path, older_than: float = STALE_SAVE_AGE) -> int:
    """Delete the temporary files interrupted saves left below `folder`; how many.

    Only files named as `atomic_write_text` names them and last written more than
    `older_than` seconds ago: nothing of the player's, and no save in progress. Links
    are neither followed nor removed. A file that cannot be removed is left alone:
    clearing leftovers must never stop the game from starting.
    """
    deadline = time.time() - older_than
    removed = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            if not _SAVE_TEMPORARY.fullmatch(name):
                continue
            path = Path(parent, name)
            try:
                info = path.lstat()
                if stat.S_ISREG(info.st_mode) and info.st_mtime < deadline:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
    return removed


def cache_home() -> Path:
    """The user's cache folder for vliw: `VLIW_CACHE`, else `$XDG_CACHE_HOME/vliw`, else
    `~/.cache/vliw` (what it holds can always be deleted)."""
    override = os.environ.get("VLIW_CACHE")
    if override:
        return Path(override).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vliw"


@cache
def code_version() -> str:
    """SHA-256 over the source of the machine and the game (not the TUI): what a result
    kept from an earlier run depends on. Read once a process."""
    digest = hashlib.sha256()
    for relative in sorted(relative for package in ("machine", "game")
                           for relative in _sources(PROJECT_ROOT, (package,))):
        if relative[:2] == ("game", "tui"):
            continue
        path = PROJECT_ROOT.joinpath(*relative)
        digest.update("/".join(relative).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _sources(root: Path, folder: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every .py file below root/folder, as path parts relative to root: os.scandir, which
    costs every `vliw check` a sixth of what Path.rglob does."""
    found = []
    with os.scandir(root.joinpath(*folder)) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found += _sources(root, (*folder, entry.name))
            elif entry.name.endswith(".py"):
                found.append((*folder, entry.name))
    return found
