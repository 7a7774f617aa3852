"""The `.vasm` parser: text to `Program`, every problem located file:line:column.

It reads the file line by line (the slots of a line are `slots`' job),
records every problem it finds (a bad line does not hide the next one), then
allocates named scratch and resolves names and labels, which may be used
before they are declared. It only checks syntax and names; whether the
program fits a machine is `machine.program.validate`'s job, which reports
file:line:column too through the `SourceMap` built here.

A parse is first tried the fast way: the lines of bundles are kept as text
until every name is known, then built by `plain.PlainBundles` in one step, the
careful way only where that declines. At the first problem the fast parse
gives up and the file is parsed again the careful way, line by line, so that
every problem is found and reported in order, worded and located the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from machine.collector import collector_paused
from machine.isa import Engine, Kind
from machine.program import (
    Annotation,
    Bundle,
    Problem,
    Program,
    ProgramError,
    Section,
    Slot,
    SourceMap,
    Symbol,
)
from machine.vasm.layout import canonical_annotations
from machine.vasm.names import Resolver, Unresolved
from machine.vasm.plain import PlainBundles, Positions, Row
from machine.vasm.slots import (
    SPACE,
    Entry,
    LineError,
    Scanner,
    careful_slots,
    operand_columns,
    quick_slots,
    read_slots,
)
from machine.vasm.syntax import (
    ARRAY,
    DIRECTIVES,
    HEADER_RE,
    NAME_RE,
    VECTOR,
    allocate,
    comment_text,
    parse_int,
)

MAX_PROBLEMS = 100
"""Stop after this many problems: the first ones are what a person reads."""

_LABEL_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_ADDRESS_RE = re.compile(r"[^\s#]+")
_ANY, _TARGET = Kind.ANY, Kind.TARGET  # looking an enum member up costs; this runs per operand
_BUNDLES = Section.BUNDLES
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


class _PendingBundle:
    """A bundle being read: its slots read so far, then its lines not read yet (`rows`)."""

    __slots__ = ("comments", "entries", "line", "rows", "text")

    def __init__(self, line: int, entries: list[Entry], rows: list[Row], text: str | None):
        self.line = line
        self.entries = entries
        self.rows = rows
        """Read by `PlainBundles.build` or `_Parser.entries_of`, when the names are known."""
        self.comments: list[str] = []
        self.text = text
        """The text of its line while it is one plain line: the same text makes the same
        bundle."""


@dataclass(frozen=True)
class _Declaration:
    name: str
    kind: str
    length: int
    address: int | None
    comment: str | None
    line: int
    column: int


class _GiveUp(Exception):
    """The fast parse met a problem: the careful parse finds and words them all."""


class _Parser:
    def __init__(self, path: str | None, vlen: int, fast: bool):
        self.path = path
        self.vlen = vlen
        self.fast = fast
        self.lines: list[str] = []
        self.problems: list[Problem] = []
        self.header: list[tuple[str, str]] = []
        self.header_lines: dict[str, int] = {}
        self.declarations: list[_Declaration] = []
        self.declared: dict[str, _Declaration] = {}
        self.labels: list[tuple[str, int]] = []
        self.label_lines: dict[str, tuple[int, int]] = {}
        self.bundles: list[_PendingBundle | str] = []
        """What is read of each bundle; a repeat of a plain line that began a bundle is just
        its text, until a continuation line makes it a bundle of its own (`continued`)."""
        self.bundle_lines: list[int] = []
        self.open_bundle: _PendingBundle | str | None = None
        self.annotations: list[Annotation] = []
        self.pending: list[str | None] = []

    def problem(self, message: str, line: int, column: int) -> None:
        if self.fast:
            raise _GiveUp
        self.problems.append(Problem(message, path=self.path, line=line, column=column))
        if len(self.problems) >= MAX_PROBLEMS:
            raise ProgramError(self.problems)

    # --- lines ----------------------------------------------------------------

    def run(self, text: str) -> Program:
        # Lines end with \n, \r\n or \r, as Python's universal newlines have it.
        text = text.removeprefix("\ufeff")
        self.lines = _LINE_BREAK_RE.split(text) if "\r" in text else text.split("\n")
        if self.lines[-1] == "":
            self.lines.pop()  # the end of the last line, not a line
        start = self.read_header()
        # Unrolled kernels repeat lines thousands of times: a plain line that begins a
        # bundle is read once; a repeat opens a bundle that only remembers its line (its
        # bundle is the first one's, unless continuation lines follow).
        plain_starts: set[str] = set()
        fast = self.fast
        bundles, bundle_lines = self.bundles, self.bundle_lines
        for number, line in enumerate(self.lines[start:], start + 1):
            if line in plain_starts:
                if self.pending:
                    self.anchor(_BUNDLES, len(bundles))
                bundles.append(line)
                bundle_lines.append(number)
                self.open_bundle = line
                continue
            code = line.lstrip(SPACE)
            if not code:
                self.pending.append(None)
                continue
            if code[0] == "#":
                self.pending.append(comment_text(code[1:]))
                continue
            if fast:  # a line of slots is kept as it is, and read once names are known
                if code.startswith("||"):
                    if self.open_bundle is not None:
                        self.continued().rows.append((number, line))
                        continue
                elif code[0] in _NAME_START and _no_label(line):
                    self.begin(number, [], [(number, line)], line)
                    plain_starts.add(line)
                    continue
            try:
                quick = quick_slots(line, number)
                if quick is None or (quick[0] and self.open_bundle is None):
                    self.read_line(Scanner(line, number))
                elif quick[0]:
                    self.add_slots(*quick, number)
                else:
                    self.add_slots(*quick, number, text=line)
                    plain_starts.add(line)
            except LineError as error:
                self.problem(error.message, number, error.column)
        while self.pending and self.pending[-1] is None:
            self.pending.pop()  # blank lines at the end of the file
        if self.bundles or self.labels:
            self.anchor(Section.BUNDLES, len(self.bundles))
        else:
            self.anchor(Section.SYMBOLS, len(self.declarations))
        return self.finish()

    def read_header(self) -> int:
        count = 0
        for line in self.lines:
            found = HEADER_RE.fullmatch(line)
            if not found:
                break
            count += 1
            key, value = found.group(1), (found.group(2) or "").strip()
            if key in self.header_lines:
                self.problem(f"header key {key!r} is already given on line "
                             f"{self.header_lines[key]}", count, 1)
            else:
                self.header_lines[key] = count
                self.header.append((key, value))
        return count

    def read_line(self, scanner: Scanner) -> None:
        scanner.skip_space()
        if scanner.at_end():
            self.pending.append(None)
        elif scanner.peek() == "#":
            self.pending.append(scanner.comment())
        elif scanner.peek() == ".":
            self.open_bundle = None
            self.read_directive(scanner)
        elif scanner.at("||"):
            if self.open_bundle is None:
                raise LineError("'||' continues a bundle, but no bundle comes before it "
                                "(a label or a directive ends a bundle)", scanner.column)
            scanner.pos += 2
            self.add_slots(True, *read_slots(scanner), scanner.line)
        else:
            self.read_code(scanner)

    def begin(self, line: int, entries: list[Entry], rows: list[Row], text: str | None
             ) -> _PendingBundle:
        self.anchor(_BUNDLES, len(self.bundles))
        bundle = self.open_bundle = _PendingBundle(line, entries, rows, text)
        self.bundles.append(bundle)
        self.bundle_lines.append(line)
        return bundle

    def continued(self) -> _PendingBundle:
        """The open bundle, which a continuation line makes more than one line."""
        bundle = self.open_bundle
        assert bundle is not None
        if type(bundle) is str:
            bundle = self.open_bundle = self.bundles[-1] = _PendingBundle(
                self.bundle_lines[-1], [], [(self.bundle_lines[-1], bundle)], None)
        bundle.text = None
        return bundle

    def anchor(self, section: Section, index: int) -> None:
        """Pending full-line comments stand before the item about to be recorded."""
        if self.pending:
            self.annotations.extend(Annotation(section, index, text) for text in self.pending)
            self.pending.clear()

    # --- directives -----------------------------------------------------------

    def read_directive(self, scanner: Scanner) -> None:
        column = scanner.column
        scanner.pos += 1
        word = scanner.match(NAME_RE)
        kind = word.group() if word else ""
        if kind not in DIRECTIVES:
            known = ", ".join("." + d for d in DIRECTIVES)
            raise LineError(f"unknown directive '.{kind}' (directives: {known})", column)
        scanner.skip_space()
        name_column = scanner.column
        name = scanner.match(NAME_RE)
        if not name:
            raise LineError(f"expected a name after .{kind}, not {scanner.shown()}",
                            scanner.column)
        length = self.vlen if kind == VECTOR else 1
        if scanner.peek() == "[":
            if kind != ARRAY:
                raise LineError(f"only .array takes a length; .{kind} is {length} word"
                                f"{'s' * (length > 1)}", scanner.column)
            length = self.read_length(scanner)
        elif kind == ARRAY:
            raise LineError(f"expected a length: .array {name.group()}[LENGTH]", scanner.column)
        scanner.skip_space()
        address = None
        if scanner.peek() == "@":
            scanner.pos += 1
            scanner.skip_space()
            address = self.read_address(scanner)
        comment = scanner.comment()
        self.declare(_Declaration(name.group(), kind, length, address, comment,
                                  scanner.line, name_column))

    @staticmethod
    def read_length(scanner: Scanner) -> int:
        column = scanner.column + 1
        end = scanner.text.find("]", scanner.pos)
        if end < 0:
            raise LineError("missing ']' after the length", column)
        token = scanner.text[scanner.pos + 1:end].strip()
        length = parse_int(token)
        if length is None or length < 1:
            raise LineError(f"the length must be a whole number of at least 1, not {token!r}",
                            column)
        scanner.pos = end + 1
        return length

    @staticmethod
    def read_address(scanner: Scanner) -> int:
        column = scanner.column
        token = scanner.match(_ADDRESS_RE)
        if not token:
            raise LineError("expected a scratch address after '@'", column)
        address = parse_int(token.group())
        if address is None or address < 0:
            raise LineError(f"expected a scratch address (a number of at least 0) after '@', "
                            f"not {token.group()!r}", column)
        return address

    def declare(self, declaration: _Declaration) -> None:
        earlier = self.declared.get(declaration.name)
        if earlier is not None:
            raise LineError(f"name {declaration.name!r} is already declared on line "
                            f"{earlier.line}", declaration.column)
        self.anchor(Section.SYMBOLS, len(self.declarations))
        self.declared[declaration.name] = declaration
        self.declarations.append(declaration)

    # --- labels and bundles ---------------------------------------------------

    def read_code(self, scanner: Scanner) -> None:
        labelled = False
        while label := scanner.match(_LABEL_RE):
            self.define_label(label.group(1), scanner.line, label.start() + 1)
            labelled = True
            scanner.skip_space()
        if labelled:
            self.open_bundle = None
            if scanner.at_end() or scanner.peek() == "#":
                text = scanner.comment()
                if text is not None:  # a label has no comment of its own: keep it above
                    self.annotations.append(Annotation(Section.BUNDLES, len(self.bundles), text))
                return
        self.add_slots(False, *read_slots(scanner), scanner.line)

    def define_label(self, name: str, line: int, column: int) -> None:
        if name in self.label_lines:
            raise LineError(f"label {name!r} is already defined on line "
                            f"{self.label_lines[name][0]}", column)
        self.anchor(Section.BUNDLES, len(self.bundles))
        self.label_lines[name] = (line, column)
        self.labels.append((name, len(self.bundles)))

    def add_slots(self, continuation: bool, entries: list[Entry], comment: str | None,
                  line: int, text: str | None = None) -> None:
        """Slots of one line; `text`: the line's, when it is a plain line beginning a bundle."""
        if continuation and self.open_bundle is not None:
            bundle = self.continued()
            self.entries_of(bundle).extend(entries)
        else:
            bundle = self.begin(line, entries, [], text)
        if comment is not None:
            bundle.comments.append(comment)

    def entries_of(self, bundle: _PendingBundle) -> list[Entry]:
        """Its slots, its rows read first."""
        for number, text in bundle.rows:
            try:
                _, entries, comment = quick_slots(text, number) or careful_slots(text, number)
            except LineError as error:  # only in a fast parse, whose rows were not read yet
                self.problem(error.message, number, error.column)
                continue
            bundle.entries.extend(entries)
            if comment is not None:
                bundle.comments.append(comment)
        bundle.rows.clear()
        return bundle.entries

    # --- resolution -----------------------------------------------------------

    def finish(self) -> Program:
        declarations = self.declarations
        addresses = allocate([d.length for d in declarations],
                             [d.address for d in declarations])
        symbols = tuple(Symbol(d.name, address, d.length, d.kind, d.comment)
                        for d, address in zip(declarations, addresses, strict=True))
        for name, (line, column) in self.label_lines.items():
            if name in self.declared:
                self.problem(f"label {name!r} has the name of the scratch name declared on "
                             f"line {self.declared[name].line}", line, column)
        resolver = Resolver(symbols, dict(self.labels))
        plain = PlainBundles(resolver) if self.fast else None
        bundles = []
        positions = []
        by_text: dict[str, tuple[Bundle, tuple[int, ...]]] = {}
        """Bundles built from one plain line, and their slots' columns, by the line's text."""
        for line, pending in zip(self.bundle_lines, self.bundles, strict=True):
            text = pending if type(pending) is str else pending.text
            same = by_text.get(text) if text is not None else None
            if same is not None:
                bundles.append(same[0])
                columns = same[1]
                positions.append(((line, columns[0]),) if len(columns) == 1
                                 else tuple([(line, column) for column in columns]))
                continue
            if type(pending) is str:  # the first such line went on, or its bundle had a problem
                pending = _PendingBundle(line, [], [(line, pending)], pending)
            built = None
            if plain is not None and not pending.entries:
                built = plain.build(pending.rows)
            if built is None:
                built = self.build_bundle(pending, resolver)
            if built is not None:
                bundles.append(built[0])
                positions.append(built[1])
                if text is not None:
                    by_text[text] = (built[0], tuple(column for _, column in built[1]))
        if self.problems:
            raise ProgramError(self.problems)
        annotations = canonical_annotations(self.annotations, len(symbols), len(bundles),
                                            {index for _, index in self.labels})
        source = SourceMap(self.path, tuple(self.bundle_lines), tuple(positions))
        return Program(tuple(bundles), symbols, tuple(self.labels), tuple(self.header),
                       annotations, source)

    def build_bundle(self, pending: _PendingBundle, resolver: Resolver
                     ) -> tuple[Bundle, Positions] | None:
        entries = self.entries_of(pending)
        if len(entries) == 1 and entries[0].spec is not None:  # most bundles: one slot
            entry = entries[0]
            args = self.resolve(entry, resolver)
            if args is None:
                return None
            slot = Slot(entry.spec.engine, entry.spec.name, args)
            comment = "; ".join(pending.comments) if pending.comments else None
            return Bundle(((slot.engine, (slot,)),), comment), ((entry.line, entry.column),)
        bare = next((e for e in entries if e.engine is None), None)
        if bare is not None and len(entries) > 1:
            self.problem("a bare 'nop' is an empty bundle and takes no other slots "
                         "('nop ENGINE' keeps an engine with no slots)", bare.line, bare.column)
            return None
        groups: dict[Engine, list[tuple[Slot, tuple[int, int]]]] = {}
        ok = True
        for entry in entries:
            if entry.engine is None:
                continue
            group = groups.setdefault(entry.engine, [])
            if entry.spec is None:
                continue
            args = self.resolve(entry, resolver)
            if args is None:
                ok = False
            else:
                group.append((Slot(entry.engine, entry.spec.name, args),
                              (entry.line, entry.column)))
        if not ok:
            return None
        bundle = Bundle(tuple((engine, tuple(slot for slot, _ in items))
                              for engine, items in groups.items()),
                        "; ".join(pending.comments) if pending.comments else None)
        return bundle, tuple(pos for items in groups.values() for _, pos in items)

    def resolve(self, entry: Entry, resolver: Resolver) -> tuple[Any, ...] | None:
        """The slot's operands with names resolved, or None after recording what failed."""
        assert entry.spec is not None
        args = entry.args
        for arg in args:
            if type(arg) is str:
                break
        else:
            return tuple(args)
        resolved = []
        failed = False
        for k, (kind, arg) in enumerate(zip(entry.spec.operands, args, strict=True)):
            if kind is _ANY or type(arg) is not str:
                resolved.append(arg)
                continue
            try:
                resolved.append(resolver.target(arg) if kind is _TARGET
                                else resolver.scratch(arg))
            except Unresolved as error:
                column = operand_columns(self.lines[entry.line - 1], entry.column)[k]
                self.problem(str(error), entry.line, column)
                failed = True
        return None if failed else tuple(resolved)


def _no_label(line: str) -> bool:
    """Whether a line has no ':' before its comment, so that no label begins it."""
    colon = line.find(":")
    return colon < 0 or 0 <= line.find("#") < colon


def parse(text: str, path: str | None = None, vlen: int = 8, *, fast: bool = True) -> Program:
    """A program from `.vasm` text; ProgramError (every problem, located) if it has errors.

    `vlen` is the length of a `.vector` (the machine's vector length). `fast=False` parses
    the careful way only, which gives the same result (the tests compare the two).
    """
    with collector_paused():  # a large file makes many objects, all kept, none in cycles
        if fast:
            try:
                return _Parser(path, vlen, fast=True).run(text)
            except _GiveUp:
                pass
        return _Parser(path, vlen, fast=False).run(text)
