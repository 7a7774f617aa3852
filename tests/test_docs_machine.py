"""docs/machine.md lists every operation of the op table, as the in-game manual shows it."""

from __future__ import annotations

import pytest

import tools.machine_doc as doc
from machine.isa import OPS
from tools.machine_doc import PAGE, in_step, main


def test_the_operations_section_is_in_step_with_the_op_table() -> None:
    text = PAGE.read_text()
    assert in_step(text) == text, "run python -m tools.machine_doc"
    assert main(["--check"]) == 0


def test_every_operation_has_its_row() -> None:
    text = PAGE.read_text()
    for spec in OPS:
        assert f"| `{spec.mnemonic}" in text, spec.mnemonic


def test_a_changed_table_puts_the_page_out_of_step(monkeypatch: pytest.MonkeyPatch) -> None:
    text = PAGE.read_text()
    monkeypatch.setattr(doc, "OPS", OPS[1:])
    assert in_step(text) != text
