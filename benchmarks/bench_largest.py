"""Time and peak memory of `vliw` commands on the largest program files the limits let in.

    python benchmarks/bench_largest.py            # about two minutes

A program file is at most `machine.loader.MAX_PROGRAM_BYTES` (32 MiB). Three take-home
JSON files of that size, each the worst of its kind: 11 million empty bundles (the most
bundles a file can hold), 1.2 million one-slot bundles all different (the most distinct
bundles: nothing is shared, every bundle is compiled), and 1.5 million copies of one
bundle (the longest straight run of real work). Each command runs in a fresh process,
its peak memory measured for it alone (`child_usage`): `vliw check` on the full-size
tree kernel, `vliw convert` to .vasm and `vliw run` on a full-size tree-kernel image.
Every command must end, whatever it answers; the table says how it ended.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from child_usage import child_usage

import game
from game.catalog import Catalog
from game.inputs import generate_memory
from machine.loader import MAX_PROGRAM_BYTES

CODE = Path(game.__file__).resolve().parent.parent
PUZZLE = "takehome/tree-kernel"


def empty() -> Iterator[str]:
    while True:
        yield "{}"


def distinct() -> Iterator[str]:
    number = 0
    while True:
        sources = number % 1536, number // 1536 % 1536
        yield json.dumps({"alu": [["+", number * 7 % 1536, *sources]]}, separators=(",", ":"))
        number += 1


def repeated() -> Iterator[str]:
    while True:
        yield '{"alu":[["+",1,2,3]]}'


FILES = {"empty bundles": empty, "distinct bundles": distinct, "one bundle repeated": repeated}


def write_largest(path: Path, bundles: Iterator[str]) -> int:
    """A JSON list of as many of the bundles as fit in MAX_PROGRAM_BYTES; their count."""
    texts, size = [], 2
    for text in bundles:
        if size + len(text) + 1 > MAX_PROGRAM_BYTES:
            break
        texts.append(text)
        size += len(text) + 1
    path.write_text("[" + ",".join(texts) + "]", encoding="ascii")
    return len(texts)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    vliw = [sys.executable, "-m", "game"]
    env = {**os.environ, "PYTHONPATH": str(CODE)}
    print(f"files of {MAX_PROGRAM_BYTES:,} bytes at most; {os.cpu_count()} cores,"
          f" load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        memory = folder / "tree.json"
        memory.write_text(json.dumps(generate_memory(Catalog().puzzle(PUZZLE).puzzle, 1)))
        for title, bundles in FILES.items():
            program = folder / "program.json"
            count = write_largest(program, bundles())
            print(f"\n{title}: {count:,} bundles")
            for name, arguments in (
                    ("check", ["check", str(program), "--puzzle", PUZZLE]),
                    ("convert", ["convert", str(program), str(folder / "program.vasm")]),
                    ("run", ["run", str(program), "--memory", str(memory)])):
                usage = child_usage([*vliw, *arguments], cwd=CODE, env=env)
                print(f"  vliw {name:<8} {usage}  exit {usage.returncode}")


if __name__ == "__main__":
    main()
