"""Generators of the offline corpus: many validated programs per shipped puzzle.

Run ``python -m tools.corpus [--pack P] [--check]`` from the repository's root.

Each pack has one module here, named after the pack with ``-`` turned into ``_``
(``minimal-arrays`` -> ``tools.corpus.minimal_arrays``). A pack module exposes

    def generate() -> list[tuple[str, str, str]]

returning ``(puzzle id, name, program text)`` triples, e.g.
``("minimal/gcd", "subtract-unroll-2", "<vasm text>")``. The puzzle id is
``<pack>/<puzzle>``; the name is a file stem (lowercase letters, digits and
``-``), unique within its puzzle. The program text is the body only: it should
begin with a ``# corpus: <generator and parameters>`` line saying how it was made
and carry no ``# puzzle:``/``# name:``/score header lines, because the command
scores every program with ``game.scoring.score_program`` and writes
``corpus/<pack>/<puzzle>/<name>.vasm`` with the measured header on top. Programs
that fail validation are dropped and counted, never written. ``generate`` must
be deterministic (fixed seeds), so that ``--check`` can compare the files on
disk with what it would write.
"""
