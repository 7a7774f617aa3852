"""Write solutions/takehome/tree-kernel/baseline.vasm: the take-home's scalar starter program.

It is the starter kernel of Anthropic's performance take-home, slot for slot and
scratch word for scratch word, written with machine.builder one slot per bundle:
14 bundles that load the 7 header words, `const`s for 0, 1 and 2, a `pause`, the
259 other constants in the order the starter first asks for them, 36 bundles per
walker per round, and a final `pause` (spec/tree-kernel.md, last section). The
starter's debug `compare` slots are left out (they are free and a validator ignores
them); its "Starting loop" comment is a note.

    python tools/make_takehome_baseline.py           # (re)write the file
    python tools/make_takehome_baseline.py --check   # exit 1 if the file is stale

The output is deterministic; the test suite checks that the shipped file equals it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.references import HASH_STAGES
from machine.builder import Builder
from machine.config import TAKEHOME
from machine.program import Program
from machine.vasm import format_program

TARGET = Path(__file__).resolve().parent.parent / "solutions/takehome/tree-kernel/baseline.vasm"

HEIGHT, ROUNDS, BATCH = 10, 16, 256
"""The full-size puzzle."""

HEADER_NAMES = ("rounds", "n_nodes", "batch_size", "forest_height", "forest_values_p",
                "inp_indices_p", "inp_values_p")
"""The starter's names for the header words, in memory order."""

_ALU = {"+": "add", "^": "xor", "<<": "shl", ">>": "shr"}
"""Mnemonics of the hash's operations."""


def baseline_program(rounds: int = ROUNDS, batch: int = BATCH,
                     puzzle: str = "takehome/tree-kernel") -> Program:
    """The starter for `rounds` rounds of `batch` walkers; `puzzle` goes in the header."""
    b = Builder(TAKEHOME)
    tmp1, tmp2, tmp3 = b.scalar("tmp1"), b.scalar("tmp2"), b.scalar("tmp3")
    header = {name: b.scalar(name) for name in HEADER_NAMES}
    for address, name in enumerate(HEADER_NAMES):
        b.const(tmp1, address)
        b.load(header[name], tmp1)
    zero, one, two = b.constant(0), b.constant(1), b.constant(2)
    b.pause()
    b.note("Starting loop")
    idx, val = b.scalar("tmp_idx"), b.scalar("tmp_val")
    node_val, addr = b.scalar("tmp_node_val"), b.scalar("tmp_addr")
    for i in range(batch):
        b.constant(i)
        for _, c1, _, _, shift in HASH_STAGES:
            b.constant(c1)
            b.constant(shift)

    for round_ in range(rounds):
        for i in range(batch):
            b.note(f"round {round_}, walker {i}")
            b.add(addr, header["inp_indices_p"], b.constant(i))
            b.load(idx, addr)
            b.add(addr, header["inp_values_p"], b.constant(i))
            b.load(val, addr)
            b.add(addr, header["forest_values_p"], idx)
            b.load(node_val, addr)
            b.xor(val, val, node_val)
            for op1, c1, op2, op3, shift in HASH_STAGES:
                b.emit(_ALU[op1], tmp1, val, b.constant(c1))
                b.emit(_ALU[op3], tmp2, val, b.constant(shift))
                b.emit(_ALU[op2], val, tmp1, tmp2)
            b.mod(tmp1, val, two)
            b.eq(tmp1, tmp1, zero)
            b.select(tmp3, tmp1, one, two)
            b.mul(idx, idx, two)
            b.add(idx, idx, tmp3)
            b.lt(tmp1, idx, header["n_nodes"])
            b.select(idx, tmp1, idx, zero)
            b.add(addr, header["inp_indices_p"], b.constant(i))
            b.store(addr, idx)
            b.add(addr, header["inp_values_p"], b.constant(i))
            b.store(addr, val)
    b.pause()

    program = b.program(pack=False)
    cycles = sum(bundle.costs_cycle for bundle in program.bundles)  # straight-line: every one runs
    return program.with_header(
        puzzle=puzzle,
        name="baseline",
        cycles=str(cycles),
        instructions=str(program.instruction_count()),
        scratch=str(len(program.scratch_footprint(TAKEHOME.vlen))),
    )


def baseline_text() -> str:
    return format_program(baseline_program())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report whether the shipped file is up to date")
    args = parser.parse_args(argv)
    text = baseline_text()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
        if current != text:
            print(f"{TARGET} is stale: run python tools/make_takehome_baseline.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
