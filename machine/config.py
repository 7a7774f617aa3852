"""The machine's configuration knobs (docs/machine.md, "What a puzzle may change").

With every default the machine is exactly the take-home's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from machine.isa import BY_MNEMONIC, Engine, OpSpec

DEFAULT_SLOT_LIMITS: Mapping[Engine, int] = MappingProxyType(
    {Engine.ALU: 12, Engine.VALU: 6, Engine.LOAD: 2, Engine.STORE: 2, Engine.FLOW: 1}
)
DEFAULT_MAX_CYCLES = 10_000_000


def _default_limits() -> Mapping[Engine, int]:
    return DEFAULT_SLOT_LIMITS


@dataclass(frozen=True)
class MachineConfig:
    """A machine: default knobs give the take-home's core.

    `allowed_ops` holds mnemonics (unique across engines, unlike take-home
    names); None allows every operation. Debug slots are never limited.
    """

    slot_limits: Mapping[Engine, int] = field(default_factory=_default_limits)
    vlen: int = 8
    scratch_size: int = 1536
    n_cores: int = 1
    allowed_ops: frozenset[str] | None = None
    max_cycles: int = DEFAULT_MAX_CYCLES

    def __post_init__(self) -> None:
        limits = {Engine(k): int(v) for k, v in self.slot_limits.items()}
        for engine in DEFAULT_SLOT_LIMITS:
            limits.setdefault(engine, 0)
        limits.pop(Engine.DEBUG, None)
        object.__setattr__(self, "slot_limits", MappingProxyType(limits))
        if self.allowed_ops is not None:
            object.__setattr__(self, "allowed_ops", frozenset(self.allowed_ops))
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

    def problems(self) -> list[str]:
        out = []
        if self.vlen < 1:
            out.append(f"vlen must be at least 1, not {self.vlen}")
        if self.scratch_size < 1:
            out.append(f"scratch_size must be at least 1, not {self.scratch_size}")
        if self.n_cores < 1:
            out.append(f"n_cores must be at least 1, not {self.n_cores}")
        if self.max_cycles < 1:
            out.append(f"max_cycles must be at least 1, not {self.max_cycles}")
        for engine, limit in self.slot_limits.items():
            if limit < 0:
                out.append(f"slot limit of {engine} must not be negative")
        unknown = sorted((self.allowed_ops or frozenset()) - BY_MNEMONIC.keys())
        if unknown:
            out.append(f"unknown operations in allowed_ops: {', '.join(unknown)}")
        return out

    def slot_limit(self, engine: Engine) -> int | None:
        """Slots allowed per bundle for an engine; None means unlimited (debug)."""
        if engine is Engine.DEBUG:
            return None
        return self.slot_limits.get(engine, 0)

    def allows(self, op: OpSpec) -> bool:
        """Debug operations are always allowed: they are free and change nothing."""
        if self.allowed_ops is None or op.engine is Engine.DEBUG:
            return True
        return op.mnemonic in self.allowed_ops


TAKEHOME = MachineConfig()
"""The take-home's machine, every knob at its default."""
