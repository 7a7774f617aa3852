"""Writes the operations section of docs/machine.md from the op table.

    python -m tools.machine_doc          # rewrite the section in place
    python -m tools.machine_doc --check  # exit 1 if the page is out of step

The rows are rendered by the in-game manual's own functions
(`game.tui.manual_text`, which imports nothing of Textual), so that the page,
the manual and the machine cannot say different things. The section stands
between two marker lines; the rest of the page is prose written by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.tui.manual_text import ENGINE_ROLES, op_syntax, operand_kinds
from machine.isa import OPS, Engine

PAGE = Path(__file__).resolve().parent.parent / "docs" / "machine.md"
BEGIN = "<!-- operations: generated from machine/isa.py by `python -m tools.machine_doc` -->"
END = "<!-- end of the generated operations -->"


def operations_section() -> str:
    """Every operation, engine by engine: how it is written, what it does, its operands."""
    lines = [BEGIN]
    for engine in Engine:
        lines += ["", f"### {engine.value}: {ENGINE_ROLES[engine]}", "",
                  "| operation | take-home name | meaning | operands |", "|---|---|---|---|"]
        for spec in OPS:
            if spec.engine is engine:
                lines.append(f"| `{op_syntax(spec)}` | `{spec.name}` | "
                             f"{spec.meaning.replace('|', chr(92) + '|')} | "
                             f"{operand_kinds(spec)} |")
    return "\n".join([*lines, "", END])


def in_step(text: str) -> str:
    """The page with its generated section rewritten."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + operations_section() + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is in step")
    args = parser.parse_args(argv)
    text = PAGE.read_text()
    wanted = in_step(text)
    if args.check:
        if wanted != text:
            print(f"{PAGE}: the operations section is out of step with machine/isa.py; "
                  "run python -m tools.machine_doc", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
