"""The in-game manual, generated from the op table and a puzzle's machine.

Nothing here is written by hand per operation: every row comes from
`machine.isa.OPS`, so the manual cannot drift from what the machine does.
"""

from __future__ import annotations

from machine.config import TAKEHOME, MachineConfig
from machine.isa import OPS, Engine, Kind, OpSpec

ENGINE_ROLES: dict[Engine, str] = {
    Engine.ALU: "scalar arithmetic",
    Engine.VALU: "vector arithmetic, lane by lane",
    Engine.LOAD: "memory to scratch, and constants",
    Engine.STORE: "scratch to memory",
    Engine.FLOW: "select, jumps, halt, pause",
    Engine.DEBUG: "comments and checks; free, never a cycle",
}

_KIND_MARK: dict[Kind, str] = {
    Kind.SCALAR_OUT: "scalar written",
    Kind.SCALAR_IN: "scalar",
    Kind.VECTOR_OUT: "vector written",
    Kind.VECTOR_IN: "vector",
    Kind.IMMEDIATE: "number",
    Kind.TARGET: "label or bundle index",
    Kind.ANY: "any JSON value",
}


def op_syntax(spec: OpSpec) -> str:
    """How the operation is written: `mnemonic d, a, b`."""
    return f"{spec.mnemonic} {', '.join(spec.operand_names)}".rstrip()


def operand_kinds(spec: OpSpec) -> str:
    return ", ".join(f"{name}: {_KIND_MARK[kind]}"
                     for name, kind in zip(spec.operand_names, spec.operands, strict=True))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def limits_markdown(config: MachineConfig, cycle_limit: int | None = None) -> str:
    """The machine's knobs as a Markdown table (the puzzle's limits)."""
    rows = [f"| {engine.value} | {config.slot_limit(engine)} | {ENGINE_ROLES[engine]} |"
            for engine in Engine if engine is not Engine.DEBUG]
    rows.append(f"| debug | unlimited | {ENGINE_ROLES[Engine.DEBUG]} |")
    knobs = [
        f"- vector length (VLEN): **{config.vlen}** words",
        f"- scratch: **{config.scratch_size}** words per core",
        f"- cores: **{config.n_cores}**",
    ]
    limit = cycle_limit if cycle_limit is not None else config.max_cycles
    knobs.append(f"- cycle limit: **{limit:,}**")
    if config.allowed_ops is not None:
        forbidden = [op.mnemonic for op in OPS if not config.allows(op)]
        knobs.append("- operations not on this machine: "
                     + (", ".join(f"`{name}`" for name in forbidden) or "none"))
    return "\n".join(["| engine | slots per bundle | does |", "|---|---|---|", *rows, "",
                      *knobs])


def manual_markdown(config: MachineConfig = TAKEHOME, cycle_limit: int | None = None,
                    puzzle_title: str | None = None) -> str:
    """The whole manual: the machine's limits, then every operation, engine by engine."""
    where = f" for *{puzzle_title}*" if puzzle_title else ""
    parts = [
        "# Manual",
        "",
        f"## This machine{where}",
        "",
        limits_markdown(config, cycle_limit),
        "",
        "## How it runs",
        "",
        "- One bundle (line) runs per cycle. Every slot of a bundle reads the state from"
        " *before* the bundle; all writes land together at its end.",
        "- `s[x]` is the scratch word at address x, `m[x]` the memory word at x. A vector"
        f" operand names {config.vlen} consecutive scratch words. Words are 32-bit and wrap.",
        "- A bundle with only debug slots is free. Running off the end of the program"
        " stops the core.",
        "",
        "## Operations",
    ]
    for engine in Engine:
        specs = [spec for spec in OPS if spec.engine is engine]
        parts += ["", f"### {engine.value}: {ENGINE_ROLES[engine]}", "",
                  "| operation | meaning | operands |", "|---|---|---|"]
        for spec in specs:
            syntax = f"`{op_syntax(spec)}`"
            if not config.allows(spec):
                syntax += " (not on this machine)"
            parts.append(f"| {syntax} | {_cell(spec.meaning)} | {operand_kinds(spec)} |")
    return "\n".join(parts) + "\n"
