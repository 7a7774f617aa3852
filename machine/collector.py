"""Pausing Python's cyclic garbage collector while a large program is built or run.

Parsing an unrolled kernel or compiling it makes hundreds of thousands of small
objects that all stay alive; each collection they set off traverses every object
alive, and together the collections cost as much as the work itself. None of
these objects form cycles, so nothing is lost by not collecting meanwhile.

Turned on again, the collector would at once traverse every object made in the
block (they are all in its youngest generation), a tenth of the parse of an
unrolled kernel. They are long-lived by then, so they go straight to the oldest
generation, which only the rare full collection traverses.

A long-running program (the game in the terminal) can set aside for good what it
keeps all its life with `keep_alive_objects`: a full collection then traverses
only what was made since, instead of every loaded pack, each time its screens
have made enough objects to set one off. From then on a paused block leaves its
objects where they are (moving them would bring back what was set aside); the
young collection that follows it traverses them once, and they stay collectable.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = False
_kept = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the duration of the block; blocks in several threads nest, and
    the collector is on again after the last one if it was on before the first."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                if not _kept:
                    gc.freeze()  # every object into the permanent generation,
                    gc.unfreeze()  # and from there into the oldest, untraversed
                gc.enable()


def keep_alive_objects() -> None:
    """Every object alive now into the permanent generation, never traversed again; once
    in a process (the objects alive at a later call are a player's screens, which come
    and go).

    Objects freed later are still freed when the last reference goes; only a cycle
    among them would never be collected."""
    global _kept
    with _lock:
        if not _kept:
            gc.freeze()
            _kept = True
