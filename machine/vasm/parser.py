"""The `.vasm` parser: text to `Program`, every problem located file:line:column.

It reads the file line by line, records every problem it finds (a bad line
does not hide the next one), then allocates named scratch and resolves names
and labels, which may be used before they are declared. It only checks syntax
and names; whether the program fits a machine is `machine.program.validate`'s
job, which reports file:line:column too through the `SourceMap` built here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from machine.isa import BY_MNEMONIC, OPS, Engine, Kind, OpSpec
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
from machine.takehome_json import JsonValueError, json_value, strict_decoder
from machine.vasm.layout import canonical_annotations
from machine.vasm.syntax import (
    ARRAY,
    DIRECTIVES,
    ENGINE_BY_NAME,
    HEADER_RE,
    NAME_RE,
    NOP,
    VECTOR,
    allocate,
    comment_text,
    nearest,
    parse_int,
)

MAX_PROBLEMS = 100
"""Stop after this many problems: the first ones are what a person reads."""

_SPACE = " \t\f\v"
_OP_RE = re.compile(r"[^\s,|#\[\]{}\"]+")
_TOKEN_RE = re.compile(r"[^\s,|#\[\]{}\"]+(?:\[[^\]]*\])?")
_REF_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?")
_LABEL_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
_JSON_START = "\"[{"
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_SINGLE_BAR = "a single '|' separates nothing; slots are separated by '||'"

_UNRESOLVED = object()
"""An operand whose name could not be resolved (None is a JSON value, so it cannot say that)."""

_TAKEHOME_NAMES: dict[str, list[OpSpec]] = {}
for _op in OPS:
    if _op.name != _op.mnemonic:
        _TAKEHOME_NAMES.setdefault(_op.name, []).append(_op)


class _LineError(Exception):
    """A problem that ends the reading of one line."""

    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class _Ref:
    """A scratch name (optionally `name[index]`) waiting for allocation."""

    name: str
    index: int | None
    line: int
    column: int


@dataclass(frozen=True)
class _LabelRef:
    name: str
    line: int
    column: int


@dataclass
class _Entry:
    """One slot as written, or a `nop` (spec None; engine None for a bare `nop`)."""

    engine: Engine | None
    spec: OpSpec | None
    args: list[Any]
    line: int
    column: int


@dataclass
class _PendingBundle:
    line: int
    entries: list[_Entry] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Declaration:
    name: str
    kind: str
    length: int
    address: int | None
    comment: str | None
    line: int
    column: int


@dataclass(frozen=True)
class _Operand:
    text: str
    column: int
    json: Any = None
    is_json: bool = False


class _Scanner:
    """One line and a position in it; columns are 1-based."""

    def __init__(self, text: str, line: int):
        self.text = text
        self.line = line
        self.pos = 0

    @property
    def column(self) -> int:
        return self.pos + 1

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def at_slot_end(self) -> bool:
        return self.at_end() or self.peek() == "#" or self.text.startswith("||", self.pos)

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = pattern.match(self.text, self.pos)
        if found:
            self.pos = found.end()
        return found

    def shown(self) -> str:
        """What stands at the position, for a message."""
        rest = self.text[self.pos:].split()
        word = rest[0] if rest else ""
        return repr(word if len(word) <= 20 else word[:17] + "...")

    def comment(self) -> str | None:
        """The trailing comment, if the line ends here; otherwise a _LineError."""
        self.skip_space()
        if self.at_end():
            return None
        if self.peek() == "#":
            text = comment_text(self.text[self.pos + 1:])
            self.pos = len(self.text)
            return text
        raise _LineError(f"unexpected {self.shown()}", self.column)


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _operand_names(spec: OpSpec) -> str:
    return ", ".join(spec.operand_names) or "none"


def _unknown_operation(word: str) -> str:
    message = f"unknown operation {word!r}"
    if word in _TAKEHOME_NAMES:
        names = [f"{op.mnemonic} ({op.engine})" for op in _TAKEHOME_NAMES[word]]
        return f"{message}; in .vasm it is {_or_list(names)}"
    if word.lower() in BY_MNEMONIC:
        return f"{message}; did you mean {word.lower()}?"
    close = nearest(word, [*BY_MNEMONIC, NOP])
    return f"{message}; did you mean {_or_list(close)}?" if close else message


def _decode_json(text: str, pos: int) -> tuple[Any, int]:
    """A JSON literal starting at `pos`: (value, end), or a _LineError."""
    try:
        value, end = strict_decoder().raw_decode(text, pos)
        return json_value(value), end
    except json.JSONDecodeError as error:
        raise _LineError(f"bad JSON value: {error.msg}", error.colno) from None
    except RecursionError:
        raise _LineError("bad JSON value: nested too deeply", pos + 1) from None
    except (JsonValueError, ValueError) as error:
        raise _LineError(f"bad JSON value: {error}", pos + 1) from None


class _Parser:
    def __init__(self, path: str | None, vlen: int):
        self.path = path
        self.vlen = vlen
        self.problems: list[Problem] = []
        self.header: list[tuple[str, str]] = []
        self.header_lines: dict[str, int] = {}
        self.declarations: list[_Declaration] = []
        self.declared: dict[str, _Declaration] = {}
        self.labels: list[tuple[str, int]] = []
        self.label_lines: dict[str, tuple[int, int]] = {}
        self.bundles: list[_PendingBundle] = []
        self.open_bundle: _PendingBundle | None = None
        self.annotations: list[Annotation] = []
        self.pending: list[str | None] = []

    # --- problems -------------------------------------------------------------

    def problem(self, message: str, line: int, column: int) -> None:
        self.problems.append(Problem(message, path=self.path, line=line, column=column))
        if len(self.problems) >= MAX_PROBLEMS:
            raise ProgramError(self.problems)

    # --- lines ----------------------------------------------------------------

    def run(self, text: str) -> Program:
        # Lines end with \n, \r\n or \r, as Python's universal newlines have it.
        lines = _LINE_BREAK_RE.split(text.removeprefix("\ufeff"))
        if lines[-1] == "":
            lines.pop()  # the end of the last line, not a line
        start = self.read_header(lines)
        for number, line in enumerate(lines[start:], start=start + 1):
            try:
                self.read_line(_Scanner(line, number))
            except _LineError as error:
                self.problem(error.message, number, error.column)
        while self.pending and self.pending[-1] is None:
            self.pending.pop()  # blank lines at the end of the file
        anchor = (Section.BUNDLES, len(self.bundles)) if self.bundles or self.labels else (
            Section.SYMBOLS, len(self.declarations))
        self.anchor(*anchor)
        return self.finish()

    def read_header(self, lines: list[str]) -> int:
        count = 0
        for raw in lines:
            found = HEADER_RE.fullmatch(raw)
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

    def read_line(self, scanner: _Scanner) -> None:
        scanner.skip_space()
        if scanner.at_end():
            self.pending.append(None)
        elif scanner.peek() == "#":
            text = scanner.comment()
            assert text is not None
            self.pending.append(text)
        elif scanner.peek() == ".":
            self.open_bundle = None
            self.read_directive(scanner)
        elif scanner.text.startswith("||", scanner.pos):
            self.read_continuation(scanner)
        else:
            self.read_code(scanner)

    def anchor(self, section: Section, index: int) -> None:
        """Pending full-line comments stand before the item about to be recorded."""
        self.annotations.extend(Annotation(section, index, text) for text in self.pending)
        self.pending.clear()

    # --- directives -----------------------------------------------------------

    def read_directive(self, scanner: _Scanner) -> None:
        column = scanner.column
        scanner.pos += 1
        word = scanner.match(NAME_RE)
        kind = word.group() if word else ""
        if kind not in DIRECTIVES:
            known = ", ".join("." + d for d in DIRECTIVES)
            raise _LineError(f"unknown directive '.{kind}' (directives: {known})", column)
        scanner.skip_space()
        name_column = scanner.column
        name = scanner.match(NAME_RE)
        if not name:
            raise _LineError(f"expected a name after .{kind}, not {scanner.shown()}",
                             scanner.column)
        length = self.vlen if kind == VECTOR else 1
        if scanner.peek() == "[":
            if kind != ARRAY:
                raise _LineError(f"only .array takes a length; .{kind} is {length} word"
                                 f"{'s' * (length > 1)}", scanner.column)
            length = self.read_length(scanner)
        elif kind == ARRAY:
            raise _LineError(f"expected a length: .array {name.group()}[LENGTH]", scanner.column)
        scanner.skip_space()
        address = None
        if scanner.peek() == "@":
            scanner.pos += 1
            scanner.skip_space()
            address = self.read_address(scanner)
        comment = scanner.comment()
        self.declare(_Declaration(name.group(), kind, length, address, comment,
                                  scanner.line, name_column))

    def read_length(self, scanner: _Scanner) -> int:
        column = scanner.column + 1
        end = scanner.text.find("]", scanner.pos)
        if end < 0:
            raise _LineError("missing ']' after the length", column)
        token = scanner.text[scanner.pos + 1:end].strip()
        length = parse_int(token)
        if length is None or length < 1:
            raise _LineError(f"the length must be a whole number of at least 1, not {token!r}",
                             column)
        scanner.pos = end + 1
        return length

    def read_address(self, scanner: _Scanner) -> int:
        column = scanner.column
        token = scanner.match(_OP_RE)
        address = parse_int(token.group()) if token else None
        if address is None or address < 0:
            raise _LineError(f"expected a scratch address (a number of at least 0) after '@', "
                             f"not {token.group()!r}" if token else
                             "expected a scratch address after '@'", column)
        return address

    def declare(self, declaration: _Declaration) -> None:
        earlier = self.declared.get(declaration.name)
        if earlier is not None:
            raise _LineError(f"name {declaration.name!r} is already declared on line "
                             f"{earlier.line}", declaration.column)
        self.anchor(Section.SYMBOLS, len(self.declarations))
        self.declared[declaration.name] = declaration
        self.declarations.append(declaration)

    # --- labels and bundles ---------------------------------------------------

    def read_code(self, scanner: _Scanner) -> None:
        labelled = False
        while True:
            start = scanner.pos
            label = scanner.match(_LABEL_RE)
            if not label:
                break
            self.define_label(label.group(1), scanner.line, start + 1)
            labelled = True
            scanner.skip_space()
        if labelled:
            self.open_bundle = None
            if scanner.at_slot_end() and not scanner.text.startswith("||", scanner.pos):
                text = scanner.comment()
                if text is not None:  # a label has no comment of its own: keep it above
                    self.annotations.append(Annotation(Section.BUNDLES, len(self.bundles), text))
                return
        self.anchor(Section.BUNDLES, len(self.bundles))
        bundle = _PendingBundle(scanner.line)
        self.bundles.append(bundle)
        self.open_bundle = bundle
        self.read_slots(scanner, bundle)

    def define_label(self, name: str, line: int, column: int) -> None:
        if name in self.label_lines:
            raise _LineError(f"label {name!r} is already defined on line "
                             f"{self.label_lines[name][0]}", column)
        self.anchor(Section.BUNDLES, len(self.bundles))
        self.label_lines[name] = (line, column)
        self.labels.append((name, len(self.bundles)))

    def read_continuation(self, scanner: _Scanner) -> None:
        if self.open_bundle is None:
            raise _LineError("'||' continues a bundle, but no bundle comes before it "
                             "(a label or a directive ends a bundle)", scanner.column)
        scanner.pos += 2
        self.read_slots(scanner, self.open_bundle)

    def read_slots(self, scanner: _Scanner, bundle: _PendingBundle) -> None:
        while True:
            scanner.skip_space()
            bundle.entries.append(self.read_slot(scanner))
            scanner.skip_space()
            if not scanner.text.startswith("||", scanner.pos):
                break
            scanner.pos += 2
        comment = scanner.comment()
        if comment is not None:
            bundle.comments.append(comment)

    def read_slot(self, scanner: _Scanner) -> _Entry:
        column = scanner.column
        word = scanner.match(_OP_RE)
        if not word:
            if scanner.at_end() or scanner.peek() == "#":
                raise _LineError("expected an operation after '||'", column)
            raise _LineError(f"expected an operation, not {scanner.shown()}", column)
        mnemonic = word.group()
        if mnemonic == NOP:
            return self.read_nop(scanner, column)
        spec = BY_MNEMONIC.get(mnemonic)
        if spec is None:
            raise _LineError(_unknown_operation(mnemonic), column)
        if not scanner.at_slot_end() and scanner.peek() not in _SPACE:
            raise _LineError(f"expected a space after {mnemonic!r}, not {scanner.shown()}",
                             scanner.column)
        operands = self.read_operands(scanner)
        if len(operands) != spec.arity:
            if spec.arity == 0:
                message = f"{mnemonic} takes no operands, not {len(operands)}"
            else:
                message = (f"{mnemonic} takes {spec.arity} operand{'s' * (spec.arity > 1)} "
                           f"({_operand_names(spec)}), not {len(operands)}")
            raise _LineError(message, column)
        args = [self.interpret(spec, k, operand, scanner.line)
                for k, operand in enumerate(operands)]
        return _Entry(spec.engine, spec, args, scanner.line, column)

    def read_nop(self, scanner: _Scanner, column: int) -> _Entry:
        scanner.skip_space()
        if scanner.at_slot_end():
            return _Entry(None, None, [], scanner.line, column)
        engine_column = scanner.column
        word = scanner.match(NAME_RE)
        engine = ENGINE_BY_NAME.get(word.group()) if word else None
        if engine is None:
            names = ", ".join(ENGINE_BY_NAME)
            raise _LineError(f"nop takes an engine ({names}) or nothing, not "
                             f"{word.group()!r}" if word else
                             f"nop takes an engine ({names}) or nothing", engine_column)
        return _Entry(engine, None, [], scanner.line, column)

    def read_operands(self, scanner: _Scanner) -> list[_Operand]:
        operands: list[_Operand] = []
        scanner.skip_space()
        if scanner.at_slot_end():
            return operands
        while True:
            operands.append(self.read_operand(scanner))
            scanner.skip_space()
            if scanner.peek() == ",":
                scanner.pos += 1
                scanner.skip_space()
                continue
            if scanner.at_slot_end():
                return operands
            if scanner.peek() == "|":
                raise _LineError(_SINGLE_BAR, scanner.column)
            raise _LineError(f"expected ',' between operands, not {scanner.shown()}",
                             scanner.column)

    def read_operand(self, scanner: _Scanner) -> _Operand:
        column = scanner.column
        if scanner.peek() in _JSON_START and not scanner.at_end():
            value, end = _decode_json(scanner.text, scanner.pos)
            text = scanner.text[scanner.pos:end]
            scanner.pos = end
            return _Operand(text, column, value, is_json=True)
        token = scanner.match(_TOKEN_RE)
        if not token and scanner.peek() == "|":
            raise _LineError(_SINGLE_BAR, column)
        if not token:
            what = scanner.shown() if not scanner.at_slot_end() else "nothing"
            raise _LineError(f"expected an operand, not {what}", column)
        return _Operand(token.group(), column)

    def interpret(self, spec: OpSpec, k: int, operand: _Operand, line: int) -> Any:
        """An operand as its kind reads it: an int, a JSON value, or a name to resolve later."""
        kind = spec.operands[k]
        where = f"operand {spec.operand_names[k]} of {spec.mnemonic}"
        text = operand.text
        if kind is Kind.ANY:
            if operand.is_json:
                return operand.json
            try:
                value, end = _decode_json(text, 0)
            except _LineError:
                value, end = None, -1
            if end != len(text):
                raise _LineError(f"expected a JSON value (number, \"string\", [list], true, "
                                 f"false, null) for {where}, not {text!r}", operand.column)
            return value
        if operand.is_json:
            raise _LineError(f"expected {_expected(kind)} for {where}, not {text!r}",
                             operand.column)
        number = parse_int(text)
        if number is not None:
            return number
        ref = _REF_RE.fullmatch(text)
        if kind is Kind.IMMEDIATE or ref is None:
            raise _LineError(f"expected {_expected(kind)} for {where}, not {text!r}",
                             operand.column)
        if kind is Kind.TARGET:
            if ref.group(2) is not None:
                raise _LineError(f"expected a label or a bundle number for {where}, "
                                 f"not {text!r}", operand.column)
            return _LabelRef(ref.group(1), line, operand.column)
        index = None
        if ref.group(2) is not None:
            index = parse_int(ref.group(2).strip())
            if index is None or index < 0:
                raise _LineError(f"the index in {text!r} must be a number of at least 0",
                                 operand.column)
        return _Ref(ref.group(1), index, line, operand.column)

    # --- resolution -----------------------------------------------------------

    def finish(self) -> Program:
        declarations = self.declarations
        addresses = allocate([d.length for d in declarations],
                             [d.address for d in declarations])
        symbols = tuple(Symbol(d.name, address, d.length, d.kind, d.comment)
                        for d, address in zip(declarations, addresses, strict=True))
        by_name = {symbol.name: symbol for symbol in symbols}
        label_index = dict(self.labels)
        for name, (line, column) in self.label_lines.items():
            if name in self.declared:
                self.problem(f"label {name!r} has the name of the scratch name declared on "
                             f"line {self.declared[name].line}", line, column)
        bundles = []
        positions = []
        for pending in self.bundles:
            built = self.build_bundle(pending, by_name, label_index)
            if built is not None:
                bundles.append(built[0])
                positions.append(built[1])
        if self.problems:
            raise ProgramError(self.problems)
        annotations = canonical_annotations(self.annotations, len(symbols), len(bundles),
                                            set(label_index.values()))
        source = SourceMap(self.path, tuple(p.line for p in self.bundles), tuple(positions))
        return Program(tuple(bundles), symbols, tuple(self.labels), tuple(self.header),
                       annotations, source)

    def build_bundle(self, pending: _PendingBundle, symbols: dict[str, Symbol],
                     labels: dict[str, int]) -> tuple[Bundle, tuple[tuple[int, int], ...]] | None:
        entries = pending.entries
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
            args = [self.resolve(arg, symbols, labels) for arg in entry.args]
            ok = ok and _UNRESOLVED not in args
            slot = Slot(entry.engine, entry.spec.name, tuple(args))
            group.append((slot, (entry.line, entry.column)))
        if not ok:
            return None
        bundle = Bundle(tuple((engine, tuple(slot for slot, _ in items))
                              for engine, items in groups.items()),
                        "; ".join(pending.comments) if pending.comments else None)
        return bundle, tuple(pos for items in groups.values() for _, pos in items)

    def resolve(self, arg: Any, symbols: dict[str, Symbol], labels: dict[str, int]) -> Any:
        """The value of an operand, or _UNRESOLVED after recording why it has none."""
        if isinstance(arg, _LabelRef):
            if arg.name in labels:
                return labels[arg.name]
            if arg.name in symbols:
                message = f"{arg.name!r} is a scratch name, not a label"
            else:
                message = f"unknown label {arg.name!r}" + _suggest(arg.name, labels)
            self.problem(message, arg.line, arg.column)
            return _UNRESOLVED
        if not isinstance(arg, _Ref):
            return arg
        symbol = symbols.get(arg.name)
        if symbol is None:
            if arg.name in labels:
                message = f"{arg.name!r} is a label, not a scratch name"
            else:
                message = f"undeclared name {arg.name!r}" + _suggest(arg.name, symbols)
            self.problem(message, arg.line, arg.column)
            return _UNRESOLVED
        if arg.index is None:
            return symbol.address
        if arg.index >= symbol.length:
            self.problem(f"{arg.name}[{arg.index}] is outside {arg.name}, which has "
                         f"{symbol.length} word{'s' * (symbol.length > 1)}", arg.line, arg.column)
            return _UNRESOLVED
        return symbol.address + arg.index


def _expected(kind: Kind) -> str:
    if kind is Kind.IMMEDIATE:
        return "a number"
    if kind is Kind.TARGET:
        return "a label or a bundle number"
    return "a scratch address or a name"


def _suggest(name: str, known: dict[str, Any]) -> str:
    close = nearest(name, known)
    return f"; did you mean {_or_list(close)}?" if close else ""


def parse(text: str, path: str | None = None, vlen: int = 8) -> Program:
    """A program from `.vasm` text; ProgramError (every problem, located) if it has errors.

    `vlen` is the length of a `.vector` (the machine's vector length).
    """
    return _Parser(path, vlen).run(text)
