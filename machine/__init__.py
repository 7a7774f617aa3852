"""The machine alone: op table, programs, simulators. Knows nothing of puzzles or the TUI.

The names below are imported when first asked for (PEP 562): importing any one module
of the package, `machine.text` say, then costs that module alone, not the op table,
programs and simulator, which every `vliw` command would otherwise pay at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "machine.config": ("TAKEHOME", "MachineConfig"),
    "machine.isa": ("OPS", "Engine", "Kind", "OpSpec"),
    "machine.program": ("Bundle", "Problem", "Program", "ProgramError", "Slot", "check",
                        "validate"),
    "machine.simulator": ("Fault", "RunResult", "Simulator", "StepRecord", "run_program"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module 'machine' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
