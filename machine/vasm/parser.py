"""The `.vasm` assembler: text to `Program`, every problem located file:line:column.

Two passes over one line reader (`reader.LineReader`: what a line says). The
first follows the file's structure: the header, declarations, labels, bundles
and the lines that continue them, comments anchored to the item that follows
them. A line of slots alone only needs telling apart there; it is read in the
second pass, once scratch is allocated and names and labels (which may be used
before they are declared) are known, straight into addresses. Any other line
of slots is read in the first pass and its names resolved in the second.
Problems are collected as they are met, up to MAX_PROBLEMS, so that a bad line
does not hide the next one; a file with problems costs no more than one
without. The assembler checks syntax and names only; whether the program fits
a machine is `machine.program.validate`'s job, which reports file:line:column
too through the `SourceMap` built here.
"""

from __future__ import annotations

import re
from dataclasses import replace

from machine.collector import collector_paused
from machine.isa import Engine
from machine.program import (
    Annotation,
    Bundle,
    OpaqueDebug,
    Problem,
    Program,
    ProgramError,
    Section,
    Slot,
    SourceMap,
    Symbol,
)
from machine.text import quoted_token as shown
from machine.vasm.layout import canonical_annotations
from machine.vasm.names import Resolver, Unresolved
from machine.vasm.reader import (
    Code,
    Declaration,
    Line,
    LineReader,
    Note,
    Written,
    no_label,
    operand_columns,
)
from machine.vasm.syntax import DEBUG_VALUE, HEADER_RE, SPACE, allocate

MAX_PROBLEMS = 100
"""Stop after this many problems: the first ones are what a person reads."""

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_BUNDLES = Section.BUNDLES

Positions = tuple[tuple[int, int], ...]
"""(line, column) of each slot of a bundle, in `Bundle.slots` order."""
_Piece = tuple[int, str | Code]
"""A line of a bundle: (line number, its text or, if the first pass read it, what it says)."""


class _Assembler:
    def __init__(self, path: str | None, vlen: int):
        self.path = path
        self.reader = LineReader(vlen)
        self.problems: list[Problem] = []
        self.header: list[tuple[str, str]] = []
        self.header_lines: dict[str, int] = {}
        self.declarations: list[Declaration] = []
        self.declared: dict[str, int] = {}
        """The line of each declared name."""
        self.labels: list[tuple[str, int]] = []
        self.label_lines: dict[str, tuple[int, int]] = {}
        self.bundles: list[str | Code | list[_Piece]] = []
        """Each bundle's line, or its lines when continuation lines follow the first."""
        self.bundle_lines: list[int] = []
        self.closed_at = 0
        """How many bundles there were at the last label or directive: a `||` line continues
        the last bundle only if it comes after them."""
        self.annotations: list[Annotation] = []
        self.pending: list[str | None] = []
        self.resolver = Resolver((), {})
        """Names and labels, known in the second pass."""
        self.resolved_lines: dict[str | Code, Code] = {}
        """Each distinct line of slots as the second pass resolved it."""

    def problem(self, message: str, line: int, column: int) -> None:
        self.problems.append(Problem(message, path=self.path, line=line, column=column))
        if len(self.problems) >= MAX_PROBLEMS:
            self.fail()

    def fail(self) -> None:
        """Raises the problems, in the order of the file: a line of slots alone is read in
        the second pass, after the first has met the problems of other lines."""
        raise ProgramError(sorted(self.problems, key=lambda problem: (problem.line or 0,
                                                                       problem.column or 0)))

    def anchor(self, section: Section, index: int) -> None:
        """Pending full-line comments stand before the item about to be recorded."""
        if self.pending:
            self.annotations.extend(Annotation(section, index, text) for text in self.pending)
            self.pending.clear()

    # --- the first pass: the lines ----------------------------------------------------

    def run(self, text: str) -> Program:
        # Lines end with \n, \r\n or \r, as Python's universal newlines have it.
        text = text.removeprefix("\ufeff")
        lines = _LINE_BREAK_RE.split(text) if "\r" in text else text.split("\n")
        if lines[-1] == "":
            lines.pop()  # the end of the last line, not a line
        start = self.read_header(lines)
        outlines: dict[str, Line | bool] = {}
        """What this pass makes of each distinct text: a read line, or whether a line of
        slots begins a bundle (True) or continues one (False)."""
        outline = self.outline
        bundles, pending = self.bundles, self.pending
        add_bundle, add_line = bundles.append, self.bundle_lines.append
        for number, text in enumerate(lines[start:], start + 1):
            line = outlines.get(text)
            if line is None:
                line = outlines[text] = outline(text)
            if line is True:  # most lines
                if pending:
                    self.anchor(_BUNDLES, len(bundles))
                add_bundle(text)
                add_line(number)
            elif line is False:
                self.continuation(text, number)
            elif type(line) is Code:
                if line.bar:
                    self.continuation(line, number)
                else:
                    self.labelled(line, number)
            elif type(line) is Note:
                pending.append(line.text)
            else:
                self.closed_at = len(bundles)
                if line.problem is not None:
                    self.problem(line.problem[0], number, line.problem[1])
                elif line.declaration is not None:
                    self.declare(line.declaration, number)
        while self.pending and self.pending[-1] is None:
            self.pending.pop()  # blank lines at the end of the file
        if self.bundles or self.labels:
            self.anchor(_BUNDLES, len(self.bundles))
        else:
            self.anchor(Section.SYMBOLS, len(self.declarations))
        return self.finish()

    def outline(self, text: str) -> Line | bool:
        """A line of slots alone is only told apart here (True: it begins a bundle, False: it
        continues one) and read in the second pass, where its names are known; any other
        line is read now, as labels and directives shape the program."""
        code = text.lstrip(SPACE)
        if code and code[0] not in "#." and no_label(text):
            return not code.startswith("||")
        return self.reader.read(text)

    def read_header(self, lines: list[str]) -> int:
        count = 0
        for line in lines:
            found = HEADER_RE.fullmatch(line)
            if not found:
                break
            count += 1
            key, value = found.group(1), (found.group(2) or "").strip()
            if key in self.header_lines:
                self.problem(f"header key {shown(key)} is already given on line "
                             f"{self.header_lines[key]}", count, 1)
            else:
                self.header_lines[key] = count
                self.header.append((key, value))
        return count

    def continuation(self, line: str | Code, number: int) -> None:
        if len(self.bundles) <= self.closed_at:
            bar = line.bar if type(line) is Code else line.index("||") + 1
            self.problem("'||' continues a bundle, but no bundle comes before it "
                         "(a label or a directive ends a bundle)", number, bar)
        elif type(line) is Code and line.problem is not None:
            self.problem(line.problem[0], number, line.problem[1])
        else:
            last = self.bundles[-1]
            if type(last) is not list:
                last = self.bundles[-1] = [(self.bundle_lines[-1], last)]
            last.append((number, line))

    def labelled(self, line: Code, number: int) -> None:
        """A line that begins with labels, or whose reading met a problem."""
        for name, column in line.labels:
            if name in self.label_lines:
                self.problem(f"label {shown(name)} is already defined on line "
                             f"{self.label_lines[name][0]}", number, column)
                return
            self.anchor(_BUNDLES, len(self.bundles))
            self.label_lines[name] = (number, column)
            self.labels.append((name, len(self.bundles)))
        if line.labels:
            self.closed_at = len(self.bundles)
        if line.problem is not None:
            self.problem(line.problem[0], number, line.problem[1])
        elif line.slots:
            self.anchor(_BUNDLES, len(self.bundles))
            self.bundles.append(line)
            self.bundle_lines.append(number)
        elif line.comment is not None:  # a label has no comment of its own: keep it above
            self.annotations.append(Annotation(_BUNDLES, len(self.bundles), line.comment))

    def declare(self, declaration: Declaration, number: int) -> None:
        earlier = self.declared.get(declaration.name)
        if earlier is not None:
            self.problem(f"name {shown(declaration.name)} is already declared on line "
                         f"{earlier}", number, declaration.column)
            return
        self.anchor(Section.SYMBOLS, len(self.declarations))
        self.declared[declaration.name] = number
        self.declarations.append(declaration)

    # --- the second pass: names and bundles -------------------------------------------

    def finish(self) -> Program:
        declarations = self.declarations
        addresses = allocate([d.length for d in declarations],
                             [d.address for d in declarations])
        symbols = tuple(Symbol(d.name, address, d.length, d.kind, d.comment)
                        for d, address in zip(declarations, addresses, strict=True))
        for name, (line, column) in self.label_lines.items():
            if name in self.declared:
                self.problem(f"label {shown(name)} has the name of the scratch name declared "
                             f"on line {self.declared[name]}", line, column)
        self.resolver = Resolver(symbols, dict(self.labels))
        self.reader.resolve_with(self.resolver)
        bundles: list[Bundle] = []
        positions: list[Positions] = []
        built: dict[str | Code, tuple[Bundle, tuple[int, ...]]] = {}
        """The bundle of each distinct one-line bundle, and its slots' columns."""
        built_lines: dict[tuple[str | Code, ...], tuple[Bundle, tuple[tuple[int, int], ...]]] = {}
        """The bundle of each distinct bundle of several lines (`||`), and its slots' places
        as (which of its lines, column)."""
        add_bundle, add_positions = bundles.append, positions.append
        for number, item in zip(self.bundle_lines, self.bundles, strict=True):
            if type(item) is not list:  # one line: most bundles, and most are repeats
                same = built.get(item)
                if same is None:
                    done = self.build([(number, item)])
                    if done is None:
                        continue
                    same = built[item] = (done[0], tuple([column for _, column in done[1]]))
                add_bundle(same[0])
                columns = same[1]
                add_positions(((number, columns[0]),) if len(columns) == 1
                              else tuple([(number, column) for column in columns]))
            else:  # a bundle of several lines: unrolled kernels repeat these too
                texts = tuple([line for _, line in item])
                shared = built_lines.get(texts)
                if shared is None:
                    done = self.build(item)
                    if done is None:
                        continue
                    line_of = {number: index for index, (number, _) in enumerate(item)}
                    shared = built_lines[texts] = (
                        done[0], tuple([(line_of[at], column) for at, column in done[1]]))
                numbers = [at for at, _ in item]
                add_bundle(shared[0])
                add_positions(tuple([(numbers[index], column) for index, column in shared[1]]))
        if self.problems:
            self.fail()
        annotations = canonical_annotations(self.annotations, len(symbols), len(bundles),
                                            {index for _, index in self.labels})
        source = SourceMap(self.path, tuple(self.bundle_lines), tuple(positions))
        return Program(tuple(bundles), symbols, tuple(self.labels), tuple(self.header),
                       annotations, source)

    def build(self, pieces: list[_Piece]) -> tuple[Bundle, Positions] | None:
        """The bundle of its lines, or None after recording what failed."""
        groups: dict[Engine, tuple[list[Slot], list[tuple[int, int]]]] = {}
        """Per engine, in order of first appearance: its slots and where each is written."""
        comments: list[str] = []
        count = 0
        bare = None
        failed = False
        quick = Slot.quick
        for number, line in pieces:
            code = self.resolved(line, number)
            if code is None:
                failed = True
                continue
            if code.comment is not None:
                comments.append(code.comment)
            count += len(code.slots)
            for engine, spec, args, column in code.slots:
                if spec is not None:  # nearly every slot
                    slot = quick(engine, spec.name, args)
                elif engine is None:
                    bare = bare or (number, column)
                    continue
                elif args:  # a slot finished by the reader: a debug slot
                    slot = args[0]
                else:  # `nop ENGINE`
                    groups.setdefault(engine, ([], []))
                    continue
                group = groups.get(engine)
                if group is None:
                    group = groups[engine] = ([], [])
                group[0].append(slot)
                group[1].append((number, column))
        if bare is not None and count > 1:
            self.problem("a bare 'nop' is an empty bundle and takes no other slots "
                         "('nop ENGINE' keeps an engine with no slots)", *bare)
            return None
        if failed:
            return None
        debug = groups.get(Engine.DEBUG)
        if debug is not None and len(debug[0]) > 1:
            for slot, place in zip(*debug, strict=True):
                if isinstance(slot, OpaqueDebug) and slot.whole:
                    self.problem(f"{DEBUG_VALUE} is the debug engine's whole value: no other "
                                 "debug slot may share its bundle", *place)
                    return None
        comment = "; ".join(comments) if comments else None
        if len(groups) == 1:  # most bundles of a kernel: one engine
            [(engine, (slots, places))] = groups.items()
            return Bundle(((engine, tuple(slots)),), comment), tuple(places)
        bundle = Bundle(tuple([(engine, tuple(slots)) for engine, (slots, _) in groups.items()]),
                        comment)
        return bundle, tuple([place for _, places in groups.values() for place in places])

    def resolved(self, line: str | Code, number: int) -> Code | None:
        """A line of slots with its operands as the machine reads them (addresses, bundle
        indices), or None after recording why not. A plain line is read straight into them;
        any other is read, and its names resolved one by one."""
        done = self.resolved_lines.get(line)
        if done is not None:
            return done
        if type(line) is str:
            done = self.reader.read_resolved(line)
            if done is not None:
                self.resolved_lines[line] = done
                return done
            code = self.reader.read(line)
            assert type(code) is Code  # the first pass left only lines of slots to this one
            if code.problem is not None:
                self.problem(code.problem[0], number, code.problem[1])
                return None
        else:
            code = line
        slots: list[Written] = []
        failed: list[Written] = []
        resolve = self.resolver.__getitem__
        for written in code.slots:
            engine, spec, args, column = written
            if spec is not None:
                try:
                    written = (engine, spec, tuple(map(resolve, args)), column)
                except Unresolved:
                    failed.append(written)
                    continue
            slots.append(written)
        if failed:
            self.unresolved(failed, code, number)
            return None
        done = self.resolved_lines[line] = replace(code, slots=tuple(slots))
        return done

    def unresolved(self, failed: list[Written], code: Code, number: int) -> None:
        """Records why each operand of these slots that does not resolve does not."""
        for _, _, args, column in failed:
            for arg, operand_column in zip(args, operand_columns(code.text, column),
                                           strict=True):
                try:
                    self.resolver[arg]
                except Unresolved as error:
                    self.problem(str(error), number, operand_column)


def parse(text: str, path: str | None = None, vlen: int = 8) -> Program:
    """A program from `.vasm` text; ProgramError (every problem, located) if it has errors.

    `vlen` is the length of a `.vector` (the machine's vector length)."""
    with collector_paused():  # a large file makes many objects, all kept, none in cycles
        return _Assembler(path, vlen).run(text)
