"""The batched form of each operation, registered by its op table entry.

A form says how one slot of an operation becomes steps over a batch's arrays
(machine.engine.compile calls it with the bundle's compiler, the width of the
slot's words, 1 or vlen, and its operands). What the op table already says the
engine reads from there, not from here: whether an operation redirects the pc
(`OpSpec.control`) and which operand must not be zero (`OpSpec.divisor`, checked
before any form runs). An operation without a form is run on the reference
simulator, so a new operation is correct before it is fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from machine.engine.steps import cdiv, select, trace
from machine.isa import BY_MNEMONIC, WORD_MASK, OpSpec

if TYPE_CHECKING:
    from machine.engine.compile import BundleCompiler

Compile = Callable[["BundleCompiler", int, tuple[int, ...]], None]
"""Adds one slot's steps: (the bundle's compiler, the width of its words, its operands)."""


@dataclass(frozen=True)
class Form:
    """How the engine runs an operation: exactly one of the three is set."""

    steps: Compile | None = None
    ufunc: np.ufunc | None = None
    """d = a OP b, one ufunc call; consecutive slots whose operands advance by their width
    join one call over all their rows (a strip)."""
    gather: Callable[[tuple[int, ...]], tuple[int, int]] | None = None
    """A scalar load: (word written, word holding the address) of the slot; adjacent ones
    of consecutive words join one gather."""


FORMS: dict[OpSpec, Form] = {}
"""The batched form of each operation that has one."""


def _register(form: Form, *mnemonics: str) -> None:
    for mnemonic in mnemonics:
        FORMS[BY_MNEMONIC[mnemonic]] = form


def batched(*mnemonics: str) -> Callable[[Compile], Compile]:
    """Register the decorated function as the steps of these operations."""
    def register(function: Compile) -> Compile:
        _register(Form(steps=function), *mnemonics)
        return function

    return register


def elementwise(function: Callable[..., Any]) -> Form:
    """The form of d = f(a, b) word by word, `function(a, b, out)` reading all of a and b
    before it writes out (as a ufunc does)."""
    def steps(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
        d, a, b = args
        a_words, b_words = compiler.read(a, width), compiler.read(b, width)
        compiler.compute.append((function, (a_words, b_words, compiler.write(d, width))))

    return Form(steps=steps)


def _comparison(ufunc: np.ufunc) -> Form:
    """A comparison gives booleans: into a temporary, then into d as words."""
    def steps(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
        d, a, b = args
        a_words, b_words = compiler.read(a, width), compiler.read(b, width)
        d_words = compiler.write(d, width)
        flags = compiler.batch.temp(width, "flags", np.bool_)
        compiler.compute.append((ufunc, (a_words, b_words, flags)))
        compiler.compute.append((d_words.__setitem__, (Ellipsis, flags)))

    return Form(steps=steps)


# On uint32 these are the spec's words: + - * wrap, shifts by 32 or more give 0, // and %
# are unsigned (their divisors are checked first).
for _mnemonic, _ufunc in (("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                          ("xor", np.bitwise_xor), ("and", np.bitwise_and),
                          ("or", np.bitwise_or), ("shl", np.left_shift),
                          ("shr", np.right_shift)):
    _register(Form(ufunc=_ufunc), _mnemonic, "v" + _mnemonic)
for _mnemonic, _ufunc in (("div", np.floor_divide), ("mod", np.remainder)):
    _register(elementwise(_ufunc), _mnemonic, "v" + _mnemonic)
for _mnemonic, _ufunc in (("lt", np.less), ("eq", np.equal)):
    _register(_comparison(_ufunc), _mnemonic, "v" + _mnemonic)
_register(Form(gather=lambda args: (args[0], args[1])), "load")
_register(Form(gather=lambda args: (args[0] + args[2], args[1] + args[2])), "load_offset")


@batched("cdiv", "vcdiv")
def _cdiv(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    d, a, b = args
    a_words, b_words = compiler.read(a, width), compiler.read(b, width)
    d_words = compiler.write(d, width)
    batch = compiler.batch
    compiler.compute.append((cdiv, (a_words, b_words, d_words, batch.temp(width, "quotient"),
                                    batch.temp(width, "remainder"))))


@batched("multiply_add")
def _multiply_add(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    d, a, b, c = args
    product = compiler.batch.temp(width, "product")
    compiler.compute.append((np.multiply, (compiler.read(a, width), compiler.read(b, width),
                                           product)))
    c_words = compiler.read(c, width)
    compiler.compute.append((np.add, (product, c_words, compiler.write(d, width))))


@batched("vbroadcast")
def _vbroadcast(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    d, a = args
    a_words = compiler.read(a, 1)
    compiler.compute.append((compiler.write(d, width).__setitem__, (Ellipsis, a_words)))


@batched("vload")
def _vload(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    d, a = args
    compiler.vector_load(d, a)


@batched("const")
def _const(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.compute.append((compiler.write(args[0], 1).fill, (args[1] & WORD_MASK,)))


@batched("store")
def _store(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.store(args[0], args[1], vector=False)


@batched("vstore")
def _vstore(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.store(args[0], args[1], vector=True)


def _select(vector: bool) -> Compile:
    def steps(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
        d, c, a, b = args
        width = compiler.vlen if vector else 1
        words = (compiler.read(c, width), compiler.read(a, width), compiler.read(b, width))
        compiler.compute.append((select, (compiler.write(d, width), *words)))

    return steps


_register(Form(steps=_select(False)), "select")
_register(Form(steps=_select(True)), "vselect")


@batched("add_imm")
def _add_imm(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    d, a, imm = args
    a_words = compiler.read(a, 1)
    compiler.compute.append((np.add, (a_words, np.uint32(imm & WORD_MASK), compiler.write(d, 1))))


@batched("trace_write")
def _trace_write(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.compute.append((trace, (compiler.batch.traces, compiler.read(args[0], 1))))


@batched("coreid")
def _coreid(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    # The engine runs single-core machines only (see run_many): core 0.
    compiler.compute.append((compiler.write(args[0], 1).fill, (0,)))


@batched("halt")
def _halt(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.controls.append(("halt", None, None))


@batched("jump")
def _jump(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.controls.append(("jump", None, compiler.target(args[0])))


@batched("cond_jump")
def _cond_jump(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.controls.append(("cond_jump", compiler.rows[args[0]], compiler.target(args[1])))


@batched("cond_jump_rel")
def _cond_jump_rel(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.relative = True  # its target depends on its pc
    compiler.controls.append(("cond_jump", compiler.rows[args[0]],
                              compiler.target(compiler.pc + 1 + args[1])))


@batched("jump_indirect")
def _jump_indirect(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    compiler.controls.append(("jump_indirect", compiler.rows[args[0]], None))


@batched("pause")
def _pause(compiler: BundleCompiler, width: int, args: tuple[int, ...]) -> None:
    """Headless, a pause only costs its cycle."""
