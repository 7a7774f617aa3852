"""`vliw pack lint|schema` and `vliw puzzle list|inputs`: packs for authors and scripts.

    vliw pack lint PACK.toml...       every issue, file:line: key: message; exit 2 if any
    vliw pack schema                  the pack format as JSON Schema
    vliw puzzle list [--json] [--pack FILE]
                                      every puzzle id with its title (--json: with its
                                      pack, metrics, machine and number of fixed cases)
    vliw puzzle inputs PACK/PUZZLE --seed S [--json] [--pack FILE]
                                      the memory image the puzzle makes for a seed

Their arguments are declared in `game.cli.pack_args`, which imports nothing
of this module; `vliw pack new` and `vliw pack test` are in
`game.cli.authoring_commands`. `--pack FILE` (repeatable) adds a pack file from
anywhere to the shipped ones (`game.catalog`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from game.cli.common import EXIT_INVALID, EXIT_OK, CliError, print_json
from game.cli.puzzle_lookup import find_puzzle, open_catalog
from game.inputs import generate_memory, layout
from game.pack import json_schema
from game.pack.lint import lint_pack, pack_warnings
from game.pack.loader import parse_pack, read_pack_text
from game.pack.schema import Puzzle
from machine.isa import BY_MNEMONIC, Engine

WORDS_PER_LINE = 8


def run_lint(args: argparse.Namespace) -> int:
    failed = False
    warnings = []
    for path in args.files:
        issues = lint_pack(path)
        for issue in issues:
            print(issue, file=sys.stderr)
        if issues:
            failed = True
            continue
        print(f"{path}: ok")
        text = read_pack_text(Path(path))
        warnings += pack_warnings(parse_pack(text, path), text, path)
    for warning in warnings:  # after every error: they do not fail the lint
        print(warning, file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    json.dump(json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    catalog = open_catalog(args.pack)
    packs, errors = catalog.load_all()
    if args.json:
        print_json([puzzle_summary(pack.id, puzzle) for pack in packs
                    for puzzle in pack.puzzles])
    for pack in packs if not args.json else ():
        print(f"{pack.id}: {pack.pack.title}")
        for puzzle in pack.puzzles:
            print(f"  {pack.id}/{puzzle.id}  {puzzle.title}")
    for error in errors:
        print(error, file=sys.stderr)
    return EXIT_INVALID if errors else EXIT_OK


def puzzle_summary(pack_id: str, puzzle: Puzzle) -> dict[str, Any]:
    """What a tool needs to pick puzzles from the catalogue without loading packs itself:
    the machine as it runs (defaults filled in, forbidden ops turned into the allowed ones;
    debug ops, always allowed, left out)."""
    config = puzzle.machine.config()
    allowed = None if config.allowed_ops is None else sorted(
        name for name in config.allowed_ops if BY_MNEMONIC[name].engine is not Engine.DEBUG)
    return {
        "id": f"{pack_id}/{puzzle.id}",
        "pack": pack_id,
        "title": puzzle.title,
        "metrics": list(puzzle.metrics),
        "machine": {
            "slot_limits": {engine.value: config.slot_limits[engine] for engine in Engine
                            if engine is not Engine.DEBUG},
            "vlen": config.vlen,
            "scratch_size": config.scratch_size,
            "n_cores": config.n_cores,
            "allowed_ops": allowed,
        },
        "cases": len(puzzle.cases),
    }


def run_inputs(args: argparse.Namespace) -> int:
    if args.seed < 0:
        raise CliError(f"--seed must not be negative, not {args.seed}")
    entry = find_puzzle(open_catalog(args.pack), args.puzzle)
    memory = generate_memory(entry.puzzle, args.seed)
    if args.json:
        print_json(memory)
        return EXIT_OK
    print(f"{entry.id}, seed {args.seed}: {len(memory)} words")
    for region in layout(entry.puzzle):
        words = memory[region.start:region.stop]
        mark = "  (checked at the end)" if region.checked else ""
        if region.length == 1:
            print(f"{region.start:>8}  {region.name} = {words[0]}{mark}")
            continue
        print(f"{region.start:>8}  {region.name}: {region.length} words, {region.kind}{mark}")
        for offset in range(0, region.length, WORDS_PER_LINE):
            chunk = words[offset:offset + WORDS_PER_LINE]
            print(f"{region.start + offset:>8}    " + " ".join(f"{w:>10}" for w in chunk))
    return EXIT_OK
