"""The machine alone: op table, programs, simulators. Knows nothing of puzzles or the TUI."""

from machine.config import TAKEHOME, MachineConfig
from machine.isa import OPS, Engine, Kind, OpSpec
from machine.program import Bundle, Problem, Program, ProgramError, Slot, check, validate
from machine.simulator import Fault, RunResult, Simulator, StepRecord, run_program

__all__ = [
    "OPS",
    "TAKEHOME",
    "Bundle",
    "Engine",
    "Fault",
    "Kind",
    "MachineConfig",
    "OpSpec",
    "Problem",
    "Program",
    "ProgramError",
    "RunResult",
    "Simulator",
    "Slot",
    "StepRecord",
    "check",
    "run_program",
    "validate",
]
