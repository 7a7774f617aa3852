"""One fuzz case: files for a fresh folder and a `vliw` command line run in it.

Each kind of input a player or a pack author hands the game has a maker here. A maker
picks a shipped input (or none), edits it structurally or byte by byte, and picks
one of the commands that read that kind of input. Paths in `argv` are relative to
the case's folder, but for shipped files, which are absolute.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace

from tools.fuzz import toml_text
from tools.fuzz.corpus import Corpus, Solution
from tools.fuzz.documents import json_text, mutate_document
from tools.fuzz.programs import mutate_bundles, mutate_vasm, random_bundles, random_vasm
from tools.fuzz.values import garbage, mutate_bytes, toml_scalar

KINDS = ("pack", "solution", "json", "histogram", "memory", "garbage")


@dataclass(frozen=True)
class Case:
    kind: str
    argv: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...]
    """(relative path, content) of every file the command reads or whose folder it needs."""
    target: str
    """The generated file: the one a reproducer shrinks."""

    @property
    def command(self) -> str:
        """The command's name, without its operands: `pack lint`, `hist merge`, `check`."""
        words = [self.argv[0]]
        if self.argv[0] in ("pack", "hist", "puzzle") and self.argv[1] in (
                "lint", "test", "build", "merge", "inputs"):
            words.append(self.argv[1])
        return " ".join(words)

    def with_target(self, content: bytes) -> Case:
        return replace(self, files=tuple((name, content if name == self.target else data)
                                         for name, data in self.files))

    def target_bytes(self) -> bytes:
        return dict(self.files)[self.target]


def _bytes_or_structure(rng: random.Random, text: str, structural: Callable[[], str],
                        donors: list[bytes]) -> bytes:
    roll = rng.random()
    if roll < 0.6:
        return structural().encode("utf-8", "surrogatepass")
    if roll < 0.9:
        return mutate_bytes(rng, text.encode(), donors)
    return mutate_bytes(rng, structural().encode("utf-8", "surrogatepass"), donors)


def _solution_name(rng: random.Random, suffix: str) -> str:
    """Mostly a plain name; sometimes one a file system allows and a terminal may not."""
    return rng.choice((f"s{suffix}",) * 8 + (f"é {suffix}", f"s\udcff{suffix}", "s",
                                             f"s{suffix.upper()}", f"s{suffix}.txt"))


def pack_case(rng: random.Random, corpus: Corpus) -> Case:
    path = rng.choice(corpus.packs)
    text = path.read_text("utf-8")
    document = tomllib.loads(text)

    def structural() -> str:
        return toml_text.dump(mutate_document(rng, document, lambda: toml_scalar(rng)))

    content = _bytes_or_structure(rng, text, structural, [p.read_bytes() for p in corpus.packs])
    pack_id = path.stem
    own = [s for s in corpus.small if s.puzzle.startswith(pack_id + "/")]
    solution = rng.choice(own or list(corpus.small))
    files = [("p.toml", content)]
    command = rng.randrange(6)
    if command == 0:
        argv: tuple[str, ...] = ("pack", "lint", "p.toml")
    elif command == 1:
        files += [(f"solutions/{s.puzzle}/{s.path.name}", s.text.encode())
                  for s in own if rng.random() < 0.3]
        argv = ("pack", "test", "--seeds", "2", "p.toml")
    elif command == 2:
        argv = ("puzzle", "inputs", solution.puzzle, "--seed", str(rng.randrange(5)),
                "--json", "--pack", "p.toml")
    elif command == 3:
        argv = ("check", str(solution.path), "--seeds", "2", "--pack", "p.toml")
    elif command == 4:
        files.append(("sols/a.vasm", solution.text.encode()))
        argv = ("hist", "build", "sols", "--puzzle", solution.puzzle, "--pack", "p.toml",
                "-o", "h.json")
    else:
        argv = ("hist", solution.puzzle, "--pack", "p.toml", "--solution", str(solution.path))
    return Case("pack", argv, tuple(files), "p.toml")


def _vasm_commands(rng: random.Random, name: str, puzzle: str, corpus: Corpus
                   ) -> tuple[tuple[str, ...], list[tuple[str, bytes]]]:
    memory = [("m.json", json.dumps(corpus.memories[puzzle]).encode())]
    other = rng.choice(corpus.puzzles)
    return rng.choice((
        (("check", name), []),
        (("check", name, "--seeds", "2"), []),
        (("check", name, "--puzzle", other, "--seeds", "1"), []),
        (("check", "d"), []),
        (("run", name, "--memory", "m.json"), memory),
        (("run", name, "--memory", "m.json", "--json", "--max-cycles", "100000"), memory),
        (("trace", name, "--memory", "m.json", "-o", "t.json"), memory),
        (("fmt", name), []),
        (("fmt", "--check", name), []),
        (("convert", name, "o.json"), []),
        (("convert", name, "o.vasm", "--to", "vasm"), []),
        (("hist", puzzle, "--solution", name), []),
        (("hist", puzzle, "--solution", name, "--json", "--no-record"), []),
        (("hist", "build", "d", "--puzzle", puzzle, "-o", "h.json"), []),
    ))


def solution_case(rng: random.Random, corpus: Corpus) -> Case:
    base: Solution = rng.choice(corpus.small if rng.random() < 0.85 else corpus.solutions)
    puzzles = corpus.puzzles
    if rng.random() < 0.12:
        content = random_vasm(rng, base.puzzle).encode()
    else:
        content = _bytes_or_structure(rng, base.text,
                                      lambda: mutate_vasm(rng, base.text, puzzles), [])
    argv, extra = _vasm_commands(rng, "s.vasm", base.puzzle, corpus)
    name = _solution_name(rng, ".vasm") if argv[1:2] != ("d",) else "s.vasm"
    folder = f"d/{base.puzzle}/" if "d" in argv else ""
    argv = tuple(name if a == "s.vasm" else a for a in argv)
    return Case("solution", argv, ((folder + name, content), *extra), folder + name)


def json_case(rng: random.Random, corpus: Corpus) -> Case:
    base = rng.choice(corpus.small)
    bundles = corpus.bundles[base.path]
    roll = rng.random()
    if roll < 0.15:
        content = json_text(random_bundles(rng)).encode()
    elif roll < 0.8:
        content = json_text(mutate_bundles(rng, bundles)).encode()
    else:
        content = mutate_bytes(rng, json_text(bundles).encode())
    memory = [("m.json", json.dumps(corpus.memories[base.puzzle]).encode())]
    argv, extra = rng.choice((
        (("run", "p.json", "--memory", "m.json"), memory),
        (("run", "p.json", "--memory", "m.json", "--json"), memory),
        (("trace", "p.json", "--memory", "m.json", "-o", "t.json"), memory),
        (("convert", "p.json", "o.vasm"), []),
        (("check", "p.json", "--puzzle", base.puzzle, "--seeds", "2"), []),
        (("hist", base.puzzle, "--solution", "p.json", "--no-record"), []),
    ))
    return Case("json", argv, (("p.json", content), *extra), "p.json")


def histogram_case(rng: random.Random, corpus: Corpus) -> Case:
    path = rng.choice(corpus.histograms)
    text = path.read_text("utf-8")
    puzzle = f"{path.parent.name}/{path.stem}"
    content = _bytes_or_structure(rng, text, lambda: json_text(
        mutate_document(rng, json.loads(text))), [])
    other = str(rng.choice(corpus.histograms))
    argv = rng.choice((
        ("hist", puzzle, "--histogram", "h.json"),
        ("hist", puzzle, "--histogram", "h.json", "--json"),
        ("hist", puzzle, "--histogram", "h.json", "--width", str(rng.choice((1, 60, 10**6)))),
        ("hist", "merge", "h.json", str(path), "-o", "out.json"),
        ("hist", "merge", "h.json", other, "-o", "out.json"),
        ("hist", "merge", "h.json", "h.json", "-o", "out.json"),
    ))
    return Case("histogram", argv, (("h.json", content),), "h.json")


def memory_case(rng: random.Random, corpus: Corpus) -> Case:
    solution = rng.choice(corpus.small)
    words = corpus.memories[solution.puzzle]
    content = _bytes_or_structure(rng, json.dumps(words), lambda: json_text(
        mutate_document(rng, words)), [])
    program = str(solution.path)
    if rng.random() < 0.3:
        program = "p.json"
    files = [("m.json", content)]
    if program == "p.json":
        bundles = corpus.bundles[solution.path]
        files.append(("p.json", json_text(bundles).encode()))
    argv = rng.choice((
        ("run", program, "--memory", "m.json"),
        ("run", program, "--memory", "m.json", "--json"),
        ("trace", program, "--memory", "m.json", "-o", "t.json"),
        ("trace", program, "--memory", "m.json", "-o", "-"),
    ))
    return Case("memory", argv, tuple(files), "m.json")


MAKERS: dict[str, Callable[[random.Random, Corpus], Case]] = {
    "pack": pack_case, "solution": solution_case, "json": json_case,
    "histogram": histogram_case, "memory": memory_case,
}


def garbage_case(rng: random.Random, corpus: Corpus) -> Case:
    """Any other kind's command, its generated file replaced by garbage."""
    case = MAKERS[rng.choice([k for k in KINDS if k != "garbage"])](rng, corpus)
    return replace(case.with_target(garbage(rng)), kind="garbage")


MAKERS["garbage"] = garbage_case


ODD_OPTIONS: dict[str, tuple[int, ...]] = {
    "--seeds": (-1, 0, 1),
    "--max-cycles": (-1, 0, 1, 7),
    "--width": (-5, 0, 1, 59, 161, 2**63),
    "--seed": (-1, 0, 2**32, 2**64, 10**40),
    "--robustness-seed": (-1, 0, 2**32, 2**64, 10**40),
}
"""Values a player may give a numeric option that the commands must refuse or bear. None
asks for unbounded work: a million seeds or cycles takes as long as it was asked to."""


def _odd_options(rng: random.Random, argv: tuple[str, ...]) -> tuple[str, ...]:
    if argv[0] == "check" and rng.random() < 0.3:
        argv = (*argv, "--robustness-seed", "1")
    return tuple(str(rng.choice(ODD_OPTIONS[argv[i - 1]])) if i and argv[i - 1] in ODD_OPTIONS
                 else word for i, word in enumerate(argv))


def make_case(rng: random.Random, corpus: Corpus, kind: str | None = None) -> Case:
    case = MAKERS[kind or rng.choice(KINDS)](rng, corpus)
    if rng.random() < 0.1:
        case = replace(case, argv=_odd_options(rng, case.argv))
    return case
