"""What a run is given and what it gives back, the same whatever runs it: a memory image
of 32-bit words (`check_memory`), and how the run ended (`RunResult`, `Fault`).

Apart from the reference simulator (`machine.simulator`), so that the engine, the scoring
and the command line speak of runs without importing the simulator; the engine imports
it only to settle a seed that may fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from machine.isa import WORD_MASK, Engine
from machine.text import described


class CoreStatus(Enum):
    """A core's state between cycles: a paused core goes on when the run is resumed (the
    debugger's pause slots), a stopped one has halted."""

    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Fault:
    """Why a run stopped early, and where: the same on every execution engine."""

    cycle: int
    """Cycles completed before the fault (0-based index of the cycle it happened in)."""
    core: int
    pc: int
    engine: Engine | None
    slot: int | None
    """Index within the bundle's slots (`Bundle.slots`), or None for the cycle limit."""
    reason: str

    @property
    def at_limit(self) -> bool:
        """Stopped by a limit of the run (the cycle limit), not by a slot."""
        return self.slot is None

    def __str__(self) -> str:
        where = f"cycle {self.cycle}, core {self.core}, pc {self.pc}"
        if self.engine is not None:
            where += f", {self.engine} slot {self.slot}"
        return f"fault at {where}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "core": self.core,
            "pc": self.pc,
            "engine": None if self.engine is None else self.engine.value,
            "slot": self.slot,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class RunResult:
    """How a run ended: what every engine returns for the same program and image."""

    cycles: int
    memory: Sequence[int]
    """The final memory: a list of ints, or a uint32 array where the engine was given its
    images as uint32 arrays (`machine.engine.run_many`)."""
    fault: Fault | None
    paused: bool
    """True when the run returned because cores paused (pausing enabled)."""
    traces: tuple[tuple[int, ...], ...]

    @property
    def ok(self) -> bool:
        return self.fault is None

    @property
    def ran_away(self) -> bool:
        """Stopped by the cycle limit."""
        return self.fault is not None and self.fault.at_limit


def as_words(memory: Sequence[int]) -> list[int]:
    """A list copy of an image given as a sequence of ints or a numpy array of words."""
    tolist = getattr(memory, "tolist", None)
    return tolist() if callable(tolist) else list(memory)


def check_memory(memory: Sequence[int]) -> list[int]:
    """A copy of a memory image, or ValueError naming the first word that is not a word."""
    words = as_words(memory)
    for addr, word in enumerate(words):
        if not isinstance(word, int) or isinstance(word, bool) or not 0 <= word <= WORD_MASK:
            raise ValueError(f"memory word {addr} is {described(word)}, not an integer in"
                             " 0..2^32-1")
    return words
