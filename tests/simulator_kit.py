"""Shared by the simulator conformance tests: programs written in the take-home's own
shape, and a plain-Python model of the alu written from docs/machine.md.

The model is deliberately independent of machine/isa.py: it is what the op table is
checked against, so it must not be derived from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from machine.config import TAKEHOME, MachineConfig
from machine.isa import Engine
from machine.program import Bundle, Program, Slot
from machine.simulator import RunResult, Simulator, run_program

BundleSpec = Mapping[str, Sequence[tuple[Any, ...]]]
"""A bundle as the take-home writes it: {"alu": [("+", 3, 1, 2)], "load": [...]}."""

M = 2**32


def program_of(*bundles: BundleSpec) -> Program:
    """A Program with engines in the order each dict lists them (that order matters)."""
    return Program(tuple(
        Bundle(tuple((Engine(engine), tuple(Slot(Engine(engine), op[0], tuple(op[1:]))
                                             for op in slots))
                     for engine, slots in bundle.items()))
        for bundle in bundles
    ))


def run(bundles: Sequence[BundleSpec], memory: Sequence[int] = (0,) * 16,
        config: MachineConfig = TAKEHOME) -> RunResult:
    return run_program(program_of(*bundles), memory, config)


def simulate(bundles: Sequence[BundleSpec], memory: Sequence[int] = (0,) * 16,
             config: MachineConfig = TAKEHOME) -> Simulator:
    """A headless run kept open, so that tests can look at scratch afterwards."""
    simulator = Simulator(program_of(*bundles), memory, config)
    simulator.run()
    return simulator


def consts(*pairs: tuple[int, int]) -> list[BundleSpec]:
    """Single-slot bundles that put values in scratch: consts((addr, value), ...)."""
    return [{"load": [("const", addr, value)]} for addr, value in pairs]


def spec_alu(op: str, a: int, b: int) -> int | None:
    """The alu of docs/machine.md, written independently; None means a fault."""
    if op in ("//", "cdiv", "%") and b == 0:
        return None
    if op == "+":
        result = a + b
    elif op == "-":
        result = a - b
    elif op == "*":
        result = a * b
    elif op == "//":
        result = a // b
    elif op == "cdiv":
        result = -(-a // b)
    elif op == "^":
        result = a ^ b
    elif op == "&":
        result = a & b
    elif op == "|":
        result = a | b
    elif op == "<<":
        result = 0 if b >= 32 else a * 2**b
    elif op == ">>":
        result = 0 if b >= 32 else a // 2**b
    elif op == "%":
        result = a % b
    elif op == "<":
        result = 1 if a < b else 0
    elif op == "==":
        result = 1 if a == b else 0
    else:
        raise ValueError(f"the spec has no alu op {op!r}")
    return result % M


ALU_OPS = ("+", "-", "*", "//", "cdiv", "^", "&", "|", "<<", ">>", "%", "<", "==")
"""Every alu operation the spec names, in its order."""
