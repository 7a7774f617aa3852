"""Where full-line comments and blank lines stand in the canonical text.

The parser and the printer both pass a program's annotations through
`canonical_annotations`, so that what the printer writes is exactly what the
parser reads back: comments in file order, blank lines never doubled, never at
the start of the body nor at its end.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from machine.program import Annotation, Section


def canonical_annotations(annotations: Iterable[Annotation], n_symbols: int, n_bundles: int,
                          label_indices: Collection[int]) -> tuple[Annotation, ...]:
    """The annotations as the canonical text holds them.

    The printer writes all symbols before all bundles. A comment stands before
    the next item (directive, label or bundle), so one after the last directive
    belongs to the bundles when there are any, and one in the bundle section
    belongs to the symbols when the bundle section has no item at all. A blank
    line always stands between the directives and the code.
    """
    bundle_items = n_bundles > 0 or bool(label_indices)

    def anchored(note: Annotation) -> Annotation:
        if note.section is Section.SYMBOLS and note.index >= n_symbols and bundle_items:
            return Annotation(Section.BUNDLES, 0, note.text)
        if note.section is Section.BUNDLES and not bundle_items:
            return Annotation(Section.SYMBOLS, n_symbols, note.text)
        limit = n_symbols if note.section is Section.SYMBOLS else n_bundles
        return note if note.index <= limit else Annotation(note.section, limit, note.text)

    ordered = [anchored(note) for note in sorted(
        annotations, key=lambda note: (note.section is Section.BUNDLES, note.index))]

    def at_start(key: tuple[Section, int]) -> bool:
        return key == (Section.SYMBOLS, 0) or (key == (Section.BUNDLES, 0) and n_symbols == 0)

    def at_end(key: tuple[Section, int]) -> bool:
        return (key == (Section.SYMBOLS, n_symbols)
                or (key == (Section.BUNDLES, n_bundles) and n_bundles not in label_indices))

    kept: list[Annotation] = []
    last_key: tuple[Section, int] | None = None
    last_blank = True  # the body's first line is never blank
    for note in ordered:
        key = (note.section, note.index)
        if key != last_key:
            # Two different anchors always have an item (a line of code) between them.
            if last_key is not None or not at_start(key):
                last_blank = False
            last_key = key
        if note.text is None:
            if last_blank:
                continue
            last_blank = True
        else:
            last_blank = False
        kept.append(note)
    if kept and kept[-1].text is None and last_key is not None and at_end(last_key):
        kept.pop()
    if n_symbols and bundle_items:
        # A blank line always parts the directives from the code.
        first_code = next((i for i, note in enumerate(kept) if note.section is Section.BUNDLES),
                          len(kept))
        if first_code == len(kept) or kept[first_code] != Annotation(Section.BUNDLES, 0, None):
            kept.insert(first_code, Annotation(Section.BUNDLES, 0, None))
    return tuple(kept)
