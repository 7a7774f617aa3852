"""Properties of the .vasm text: printing then parsing gives the program back, exactly.

Random programs are built from the op table (every op, every operand kind),
with named scratch, labels, a header and comments, so the property covers
everything a program can carry.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from machine.isa import OPS, Engine, Kind, OpSpec
from machine.program import Annotation, Bundle, Program, ProgramError, Section, Slot, Symbol
from machine.vasm import format_program, parse

VLEN = 8

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
line_text = st.text(st.characters(exclude_characters="\n\r"), max_size=16)
comment_texts = (line_text.filter(lambda text: text == text.rstrip())
                 | st.sampled_from(["name: looks like a header", "a: b", "", "# twice", "||"]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=6,
)
OPERANDS = {
    Kind.SCALAR_OUT: st.integers(-3, 1600),
    Kind.SCALAR_IN: st.integers(-3, 1600),
    Kind.VECTOR_OUT: st.integers(-3, 1600),
    Kind.VECTOR_IN: st.integers(-3, 1600),
    Kind.IMMEDIATE: st.integers(-(2**70), 2**70),
    Kind.TARGET: st.integers(-2, 40),
    Kind.ANY: json_values,
}
OPS_BY_ENGINE: dict[Engine, list[OpSpec]] = {}
for _op in OPS:
    OPS_BY_ENGINE.setdefault(_op.engine, []).append(_op)


@st.composite
def slots(draw: st.DrawFn, engine: Engine) -> Slot:
    spec = draw(st.sampled_from(OPS_BY_ENGINE[engine]))
    return Slot(engine, spec.name, tuple(draw(OPERANDS[kind]) for kind in spec.operands))


@st.composite
def bundles(draw: st.DrawFn) -> Bundle:
    engines = draw(st.permutations(list(Engine)))[:draw(st.integers(0, 4))]
    groups = tuple((engine, tuple(draw(st.lists(slots(engine), max_size=3))))
                   for engine in engines)
    return Bundle(groups, draw(st.none() | comment_texts))


@st.composite
def symbol_tables(draw: st.DrawFn, taken: set[str]) -> tuple[Symbol, ...]:
    chosen = draw(st.lists(names.filter(lambda n: n not in taken), unique=True, max_size=8))
    symbols = []
    cursor = 0
    for name in chosen:
        kind = draw(st.sampled_from(["scalar", "vector", "array"]))
        length = {"scalar": 1, "vector": VLEN}.get(kind) or draw(st.integers(1, 20))
        # Mostly where auto-allocation puts them, sometimes anywhere (aliases, gaps).
        address = draw(st.just(cursor) | st.integers(0, 300))
        cursor = address + length
        symbols.append(Symbol(name, address, length, kind, draw(st.none() | comment_texts)))
    return tuple(symbols)


@st.composite
def canonical_notes(draw: st.DrawFn, n_symbols: int, n_bundles: int,
                    label_indices: set[int]) -> tuple[Annotation, ...]:
    """Comments and blank lines as docs/vasm.md says the canonical text holds them.

    Written from the documented rules, not from the library: the printer
    writes symbols then bundles; a comment belongs to the next item; never two
    blank lines in a row, nor one at the start or the end of the body; always
    one between the directives and the code.
    """
    bundle_items = n_bundles > 0 or bool(label_indices)
    anchors = [(Section.SYMBOLS, i) for i in range(n_symbols)]
    if bundle_items:
        anchors += [(Section.BUNDLES, i) for i in range(n_bundles + 1)]
    else:
        anchors.append((Section.SYMBOLS, n_symbols))
    notes: list[Annotation] = []
    last_blank = True
    for position, (section, index) in enumerate(anchors):
        if position > 0:
            last_blank = False  # an item (directive, label or bundle) stands in between
        texts = draw(st.lists(st.none() | comment_texts, max_size=2))
        if (section, index) == (Section.BUNDLES, 0) and n_symbols:
            texts = [None, *texts]  # a blank line always parts the directives from the code
        for text in texts:
            if text is None and last_blank:
                continue
            last_blank = text is None
            notes.append(Annotation(section, index, text))
    last_anchor = anchors[-1]
    ends_body = last_anchor == (Section.SYMBOLS, n_symbols) or n_bundles not in label_indices
    if notes and notes[-1].text is None and (notes[-1].section, notes[-1].index) == last_anchor \
            and ends_body:
        notes.pop()
    return tuple(notes)


headers = st.lists(
    st.tuples(st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True),
              line_text.map(str.strip)),
    unique_by=lambda pair: pair[0], max_size=4)


@st.composite
def programs(draw: st.DrawFn) -> Program:
    body = tuple(draw(st.lists(bundles(), max_size=8)))
    label_names = draw(st.lists(names, unique=True, max_size=4))
    # In bundle order, as they appear in any text.
    labels = tuple(sorted(((name, draw(st.integers(0, len(body)))) for name in label_names),
                          key=lambda label: label[1]))
    symbols = draw(symbol_tables(set(label_names)))
    notes = draw(canonical_notes(len(symbols), len(body), {i for _, i in labels}))
    return Program(body, symbols, labels, tuple(draw(headers)), notes)


@settings(max_examples=300, deadline=None)
@given(programs())
def test_parse_of_format_is_the_program(program: Program) -> None:
    text = format_program(program)
    assert parse(text, "p.vasm", VLEN) == program


@st.composite
def any_notes(draw: st.DrawFn, program: Program) -> tuple[Annotation, ...]:
    sizes = {Section.SYMBOLS: len(program.symbols), Section.BUNDLES: len(program.bundles)}
    return tuple(draw(st.lists(
        st.sampled_from(list(Section)).flatmap(
            lambda section: st.builds(Annotation, st.just(section),
                                      st.integers(0, sizes[section]),
                                      st.none() | comment_texts)),
        max_size=8)))


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_format_is_canonical_whatever_the_comments(data: st.DataObject) -> None:
    """Blank lines anywhere, comments in any order: the text printed is a fixed point."""
    program = data.draw(programs())
    program = Program(program.bundles, program.symbols, program.labels, program.header,
                      data.draw(any_notes(program)))
    text = format_program(program)
    again = parse(text, None, VLEN)
    assert format_program(again) == text
    assert again.bundles == program.bundles
    assert [note.text for note in again.annotations if note.text is not None] == [
        note.text.rstrip() for note in sorted(
            program.annotations, key=lambda n: (n.section is Section.BUNDLES, n.index))
        if note.text is not None]


vasm_words = st.sampled_from([
    "add", "vadd", "const", "load", "vload", "store", "jump", "cond_jump", "comment", "compare",
    "halt", "nop", "nop alu", ".scalar", ".vector", ".array", "x", "v", "loop", "loop:",
    "x[3]", "v[9]", "@", "@ 5", "0x1F", "-7", "12", "99999999999999999999999", ",", "||", "#",
    ":", "[", "]", "{", "}", '"', '"text"', "[1, [2]]", '{"a": 1, "a": 2}', "1e999", "NaN",
    "\t", " ", "\x00", "é", "\ufeff", "\r", "[" * 50, "# name: x",
])
vasm_lines = st.lists(vasm_words, max_size=8).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(vasm_lines, max_size=8).map("\n".join) | st.text())
def test_any_text_parses_or_raises_program_error(text: str) -> None:
    try:
        program = parse(text, "r.vasm")
    except ProgramError as error:
        assert error.problems
        assert all(re.match(r"r\.vasm:\d+:\d+: ", str(problem)) for problem in error.problems)
    else:
        assert parse(format_program(program), "r.vasm") == program


def test_deep_json_nesting_is_a_located_error() -> None:
    try:
        parse("comment " + "[" * 100_000)
    except ProgramError as error:
        assert "<program>:1:9:" in str(error)
    else:
        raise AssertionError("accepted an unterminated JSON value")
