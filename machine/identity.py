"""A program's identity: the hash of what it does, not of how it is written.

Two files are the same program when their bundles are the same in the
take-home's JSON form without debug slots: names, labels, comments, layout
and debug slots change nothing. The digest is SHA-256 over the canonical JSON
text of that list (compact separators, ASCII), so anyone can recompute it from
the take-home form with a few lines of any language.

It serves as the key of a solution in score histories and histograms, and as
the source of the seeds a validation draws for the program (game.scoring):
reproducible for the same program, unknown until the program is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from operator import itemgetter

from machine.isa import Engine
from machine.program import Bundle, Program


def content_hash(program: Program) -> str:
    """The hex SHA-256 of the program's canonical form (see the module docstring)."""
    digest = hashlib.sha256(b"[")
    for piece in _canonical_pieces(program):
        digest.update(piece)
    digest.update(b"]")
    return digest.hexdigest()


def canonical_form(program: Program) -> str:
    """The canonical form itself: take-home JSON text without debug slots, in ASCII."""
    return "[" + b"".join(_canonical_pieces(program)).decode("ascii") + "]"


def form_hash(form: str) -> str:
    """The identity of the program whose canonical form this is."""
    return hashlib.sha256(form.encode("ascii")).hexdigest()


PIECE_BUNDLES = 1 << 16
"""Bundles joined into one piece of the canonical text at most: `bytes.join` sets aside
80 bytes a part whatever its length, which for the 11 million empty bundles a 32 MiB
program file can hold came to 0.9 GB."""


def _canonical_pieces(program: Program) -> Iterator[bytes]:
    """The canonical form between its brackets, in pieces of up to `PIECE_BUNDLES`
    bundles. Each distinct bundle object is serialised once: unrolled kernels repeat the
    same bundles thousands of times, and the parsers share equal bundles."""
    working = set(map(id, map(itemgetter(0), program.working_uses)))
    texts = [_canonical(bundle) if id(bundle) in working else b"{}"  # debug slots alone
             for bundle, _ in program.bundle_uses]
    order = program.bundle_order
    for start in range(0, len(order), PIECE_BUNDLES):
        if start:
            yield b","
        yield b",".join(map(texts.__getitem__, order[start:start + PIECE_BUNDLES]))


_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode
"""`json.dumps` with the canonical form's options, made once: a program of a million
distinct bundles spent a third of its identity making an encoder for each."""


def _canonical(bundle: Bundle) -> bytes:
    """A bundle's text: its engines' slots without the debug ones (`{}` for a bundle of
    debug slots alone, as the take-home writes its comparisons)."""
    return _ENCODE({engine.value: [[slot.name, *slot.args] for slot in slots]
                    for engine, slots in bundle.groups if engine is not Engine.DEBUG}
                   ).encode("ascii")
