"""The sandbox's stage, headless: the machine and the memory a player writes as text.

An experiment in the sandbox is three texts: a program, a machine (the keys of
a pack's ``[puzzle.machine]`` table plus ``cycle_limit``, so a machine tried
there can be pasted into a pack) and a memory (`parse_memory` says how). This
module reads and checks the machine and the memory, writes them back as text,
keeps the three texts in the data folder, and makes the `DebugTarget` the
debugger steps through. The screen is `game.tui.screens.sandbox`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from game.debug_target import DebugTarget, ShownRegion
from game.limits import cycle_limit_of
from game.pack.loader import dotted_key
from game.pack.locate import Locator
from game.pack.rule import validator
from game.pack.schema import MAX_CYCLE_LIMIT, MAX_MEMORY_WORDS, MachineSpec
from machine.config import DEFAULT_SLOT_LIMITS, MachineConfig
from machine.isa import WORD_MASK

if TYPE_CHECKING:
    from game.pack import Puzzle
    from machine.program import Program

SANDBOX_FOLDER = "sandbox"
DEFAULT_CYCLE_LIMIT = 1_000_000
WHOLE_MEMORY = "memory"
"""The name of words that no `name:` precedes."""

DEFAULT_PROGRAM = """\
# The sandbox: any machine, your own memory, nothing checked.
# Ctrl+R runs, Ctrl+G debugs; the Machine and Memory tabs set the stage.
# This example swaps the two words of memory.
.scalar p
.scalar a
.scalar b

    load a, p || const p, 1
    load b, p
    store p, a || const p, 0
    store p, b
"""

DEFAULT_MEMORY = """\
# Words from address 0: decimal or 0x hex, separated by spaces, commas or lines.
# `name:` starts a named region; `0*16` is sixteen zeros.
a: 5
b: 7
"""


class SandboxError(ValueError):
    """A text of the sandbox that cannot be used, at a line of it."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


# --- the machine -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SandboxMachine:
    spec: MachineSpec
    cycle_limit: int

    @property
    def config(self) -> MachineConfig:
        return self.spec.config(self.cycle_limit)


def machine_text(puzzle: Puzzle | None = None) -> str:
    """The machine as the sandbox edits it: every knob written out."""
    spec = puzzle.machine if puzzle is not None else MachineSpec()
    config = spec.config()
    limits = ", ".join(f"{engine.value} = {config.slot_limits[engine]}"
                       for engine in DEFAULT_SLOT_LIMITS)
    if spec.allowed_ops is not None:
        ops = f"allowed_ops = {_toml_list(spec.allowed_ops)}"
    elif spec.forbidden_ops is not None:
        ops = f"forbidden_ops = {_toml_list(spec.forbidden_ops)}"
    else:
        ops = '# forbidden_ops = ["mul", "vmul"]   # or allowed_ops = [...], never both'
    cycle_limit = cycle_limit_of(puzzle) if puzzle is not None else DEFAULT_CYCLE_LIMIT
    return ("# The keys of a pack's [puzzle.machine] table, and the cycle limit.\n"
            f"slot_limits = {{ {limits} }}\n"
            f"vlen = {spec.vlen}\n"
            f"scratch_size = {spec.scratch_size}\n"
            f"n_cores = {spec.n_cores}\n"
            f"{ops}\n"
            f"cycle_limit = {cycle_limit:_}\n")


def _toml_list(names: list[str]) -> str:
    return "[" + ", ".join(f'"{name}"' for name in names) + "]"


_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def parse_machine(text: str) -> SandboxMachine:
    """The machine a text describes; SandboxError at the line of its first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_AT.search(message)
        if found:
            line, message = int(found.group(1)), message[:found.start()]
        else:  # at the end of the text
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
            message = message.replace(" (at end of document)", " at the end")
        raise SandboxError(max(line, 1), message[:1].lower() + message[1:]) from None
    locator = Locator(text)
    cycle_limit = data.pop("cycle_limit", DEFAULT_CYCLE_LIMIT)
    if type(cycle_limit) is not int or not 1 <= cycle_limit <= MAX_CYCLE_LIMIT:
        raise SandboxError(locator.line(("cycle_limit",)),
                           f"cycle_limit must be a whole number from 1 to {MAX_CYCLE_LIMIT:,}")
    try:
        spec = validator(MachineSpec).validate_python(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        at = tuple(first["loc"])
        message = "unknown key" if first["type"] == "unexpected_keyword_argument" else first["msg"]
        message = message.removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        key = dotted_key(at)
        raise SandboxError(locator.line(at), f"{key}: {message}" if key else message) from None
    return SandboxMachine(spec, cycle_limit)


# --- the memory ------------------------------------------------------------------------------

@dataclass(frozen=True)
class MemoryRegion:
    name: str
    start: int
    words: tuple[int, ...]


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD = re.compile(r"(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)(?:\*([0-9][0-9_]*))?")


def parse_memory(text: str) -> list[MemoryRegion]:
    """Regions of words from address 0; SandboxError at the line of the first problem.

    Words are decimal or 0x hex, 0 .. 2^32-1, separated by spaces, commas or
    new lines; ``WORD*COUNT`` repeats a word; ``#`` starts a comment;
    ``name:`` starts a region called name (words before any name form the
    region "memory").
    """
    regions: list[tuple[str, int, list[int]]] = []
    total = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for token in line.split("#", 1)[0].replace(",", " ").split():
            if token.endswith(":"):
                name = token[:-1]
                if not _NAME.fullmatch(name) or len(name) > 64:
                    raise SandboxError(number, f"{name!r} cannot name a region: letters,"
                                               " digits and _, not starting with a digit")
                if any(existing == name for existing, _, _ in regions):
                    raise SandboxError(number, f"region {name!r} is named twice")
                regions.append((name, total, []))
                continue
            found = _WORD.fullmatch(token)
            if found is None:
                raise SandboxError(number, f"{token!r} is not a word (decimal or 0x hex,"
                                           " WORD*COUNT repeats) nor a region name")
            word = int(found.group(1), 0)
            count = int(found.group(2)) if found.group(2) else 1
            if word > WORD_MASK:
                raise SandboxError(number, f"{token!r} is above 2^32-1")
            total += count
            if total > MAX_MEMORY_WORDS:
                raise SandboxError(number, f"memory is limited to {MAX_MEMORY_WORDS:,} words")
            if not regions:
                regions.append((WHOLE_MEMORY, 0, []))
            regions[-1][2].extend([word] * count)
    return [MemoryRegion(name, start, tuple(words)) for name, start, words in regions]


def memory_text(regions: list[tuple[str, list[int]]]) -> str:
    """Named regions as the sandbox edits them: runs of one word written WORD*COUNT."""
    lines = []
    for name, words in regions:
        tokens = []
        at = 0
        while at < len(words):
            run = at
            while run < len(words) and words[run] == words[at]:
                run += 1
            tokens.append(str(words[at]) if run - at == 1 else f"{words[at]}*{run - at}")
            at = run
        body = [" ".join(tokens[i:i + 8]) for i in range(0, len(tokens), 8)] or [""]
        lines.append(f"{name}: {body[0]}".rstrip())
        lines += [f"  {chunk}" for chunk in body[1:]]
    return "\n".join(lines) + "\n"


def puzzle_memory_text(puzzle: Puzzle) -> str:
    """The input of the puzzle's first scored seed, region by region."""
    from game.inputs import generate_memory, layout

    seed = puzzle.scored_seeds[0]
    memory = generate_memory(puzzle, seed)
    regions = [(r.name, memory[r.start:r.stop]) for r in layout(puzzle)]
    return f"# {puzzle.title}: the input of seed {seed}\n" + memory_text(regions)


def flatten(regions: list[MemoryRegion]) -> list[int]:
    return [word for region in regions for word in region.words]




def debug_target(program: Program, regions: list[MemoryRegion],
                 machine: SandboxMachine) -> DebugTarget:
    """The program on the sandbox's machine and memory: one test, every region shown."""
    memory = flatten(regions)
    shown = tuple(ShownRegion(r.name, r.start, len(r.words), checked=False)
                  for r in regions if r.words)
    return DebugTarget("Sandbox", program, machine.config, shown, ("your memory",),
                       lambda index: list(memory))


@dataclass(frozen=True)
class SandboxFiles:
    """Where the three texts are kept between games."""

    program: Path
    machine: Path
    memory: Path

    @classmethod
    def in_home(cls, home: Path) -> SandboxFiles:
        folder = home / SANDBOX_FOLDER
        return cls(folder / "program.vasm", folder / "machine.toml", folder / "memory.txt")
