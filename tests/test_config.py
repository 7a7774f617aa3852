"""The default configuration is the take-home's machine."""

import pytest

from machine import TAKEHOME, MachineConfig
from machine.isa import Engine


def test_defaults_are_the_takehome_machine() -> None:
    assert dict(TAKEHOME.slot_limits) == {
        Engine.ALU: 12, Engine.VALU: 6, Engine.LOAD: 2, Engine.STORE: 2, Engine.FLOW: 1,
    }
    assert (TAKEHOME.vlen, TAKEHOME.scratch_size, TAKEHOME.n_cores) == (8, 1536, 1)
    assert TAKEHOME.slot_limit(Engine.DEBUG) is None


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ({"vlen": 0}, "vlen"),
        ({"scratch_size": 0}, "scratch_size"),
        ({"n_cores": 0}, "n_cores"),
        ({"max_cycles": 0}, "max_cycles"),
        ({"allowed_ops": {"add", "frobnicate"}}, "frobnicate"),
        ({"slot_limits": {"alu": -1}}, "alu"),
    ],
)
def test_bad_knobs_are_refused(knobs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MachineConfig(**knobs)
