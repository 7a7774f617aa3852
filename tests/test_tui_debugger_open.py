"""Opening the debugger on a long program: nothing that grows with the program's length
happens before its first frame, and what it shows is what it showed when it did."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets._footer import FooterKey
from tui_kit import make_app, run_async, shown

from game.debug_target import DebugTarget
from game.tui.debug_session import COUNTED_ENGINES, DebugSession
from game.tui.highlight import _LABELS_RE, defined_labels
from game.tui.screens.debugger import DebuggerScreen
from game.tui.widgets.footer import GameFooter
from machine import simulator
from machine.config import TAKEHOME
from machine.loader import parse_program
from machine.simulator import Simulator, StepRecord
from machine.vasm.syntax import LABEL_RE

# --- labels ------------------------------------------------------------------------------


def labels_at_every_line_start(text: str) -> frozenset[str]:
    """The pattern tried at every line start of the text: what `defined_labels` must find."""
    return frozenset(name for found in _LABELS_RE.finditer(text)
                     for name in LABEL_RE.findall(found.group(1)))


@given(st.text(alphabet="ab_1.:# \t\x0b\n\r", max_size=60))
@example("a.b: halt\nok: halt\n  x: y: halt\n# c: d\ne: f: # g:")
@example(":\n:a:\nb :c\n")
def test_labels_found_from_the_colons_are_those_of_every_line_start(text: str) -> None:
    assert defined_labels(text) == labels_at_every_line_start(text)


# --- a long straight-line program ----------------------------------------------------------

ROUNDS = 4_000
LONG = (".scalar x\n.scalar y\n.scalar p\nconst x, 1\nconst p, 3\n"
        + "add y, y, x || add x, x, x\nstore p, y\nmul y, y, x\n" * ROUNDS + "halt\n")
"""Unrolled as a generated kernel is: the parser shares one bundle object per distinct line."""
BUNDLES = 2 + 3 * ROUNDS + 1
MEMORY = [0] * 8


def long_target() -> DebugTarget:
    return DebugTarget("long", parse_program(LONG, "long.vasm"), TAKEHOME, (), ("only",),
                       lambda index: list(MEMORY))


def state(simulator: Simulator) -> tuple[object, ...]:
    core = simulator.cores[0]
    return (simulator.cycle, core.pc, core.status, list(core.scratch), list(simulator.memory),
            simulator.fault)


def reference_after(steps: int) -> tuple[Simulator, StepRecord | None]:
    """The reference simulator after `steps` steps, and its last step's record."""
    reference = Simulator(parse_program(LONG, "long.vasm"), MEMORY, TAKEHOME, pausing=True)
    record = None
    for _ in range(steps):
        record = reference.step()
    return reference, record


def counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, *,
             static: bool = False) -> list[int]:
    """Count the calls of `owner.name` (one element: the count)."""
    calls = [0]
    original = getattr(owner, name)

    def counted(*args: object) -> object:
        calls[0] += 1
        return original(*args)

    monkeypatch.setattr(owner, name, staticmethod(counted) if static else counted)
    return calls


def status(screen: DebuggerScreen) -> str:
    return shown(screen.query_one("#machine-status"))  # type: ignore[arg-type]


@run_async
async def test_a_long_program_opens_having_run_and_counted_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = counting(monkeypatch, Simulator, "step")
    counted = counting(monkeypatch, DebugSession, "_bundle_usage", static=True)
    decoded = counting(monkeypatch, simulator, "_decode_bundle")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = DebuggerScreen(long_target(), LONG)
        await app.push_screen(screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status(screen).startswith("cycle 0 · step 0 · pc 0 · ready")
        assert steps == [0]
        assert counted == [0]
        assert decoded == [0]  # a bundle is decoded when it first runs

        await pilot.press("s", "s", "s")
        assert decoded == [3]
        reference, record = reference_after(3)
        assert status(screen).startswith("cycle 3 · step 3 · pc 3 · ready")
        assert state(screen.session.simulator) == state(reference)
        assert screen.session.last == record
        assert counted[0] == 3  # the three bundles run so far are distinct objects

        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status(screen).startswith(f"cycle {BUNDLES:,} · step {BUNDLES:,}"
                                         f" · pc {BUNDLES} · stopped")
        assert state(screen.session.simulator) == state(reference_after(BUNDLES)[0])
        assert counted[0] == 6  # each distinct bundle object once, however often it runs

        await pilot.press("b")
        reference, record = reference_after(BUNDLES - 1)
        assert status(screen).startswith(f"cycle {BUNDLES - 1:,} · step {BUNDLES - 1:,}")
        assert state(screen.session.simulator) == state(reference)
        assert screen.session.last == record


def test_slot_use_of_shared_bundle_objects_is_each_steps_own() -> None:
    program = parse_program(LONG, "long.vasm")
    session = DebugSession(program, MEMORY, TAKEHOME)
    expected = []
    for pc in range(12):
        session.step()
        counts = dict.fromkeys(COUNTED_ENGINES, 0)
        for engine, slots in program.bundles[pc].groups:
            if engine in counts:
                counts[engine] += len(slots)
        expected.append(tuple(counts.values()))
    assert [use.by_engine for use in session.recent_usage(12)] == expected
    session.step_back()
    assert [use.by_engine for use in session.recent_usage(12)] == expected[:-1]


# --- the footer --------------------------------------------------------------------------


class Spot(Widget, can_focus=True):
    """Somewhere to move focus to that shows no key of its own."""


class KeysScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("s", "step", "Step"),
                                             Binding("q", "leave", "Leave")]
    ready = False

    def compose(self) -> ComposeResult:
        yield Spot(id="one")
        yield Spot(id="two")
        yield GameFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "step" and not self.ready else True


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(KeysScreen())


def step_key(footer: GameFooter) -> FooterKey:
    return next(key for key in footer.query(FooterKey) if key.action == "step")


@run_async
async def test_the_footer_rebuilds_its_keys_only_when_what_they_show_changes() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        footer = screen.query_one(GameFooter)
        screen.query_one("#one").focus()
        await pilot.pause()
        built = [id(key) for key in footer.query(FooterKey)]
        assert step_key(footer).has_class("-disabled")

        screen.query_one("#two").focus()
        await pilot.pause()
        assert [id(key) for key in footer.query(FooterKey)] == built

        screen.ready = True
        screen.refresh_bindings()
        await pilot.pause()
        assert not step_key(footer).has_class("-disabled")


@run_async
async def test_each_footer_key_is_styled_once_and_follows_the_footers_compact(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        styled: dict[int, int] = {}
        apply = app.stylesheet.apply

        def counting_apply(node: DOMNode, **options: Any) -> None:
            if isinstance(node, FooterKey):
                styled[id(node)] = styled.get(id(node), 0) + 1
            apply(node, **options)

        monkeypatch.setattr(app.stylesheet, "apply", counting_apply)
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        footer = screen.query_one(GameFooter)
        screen.ready = True  # the step key changes: the keys are built again
        screen.refresh_bindings()
        await pilot.pause()
        keys = list(footer.query(FooterKey))
        assert keys and sorted(styled) == sorted(id(key) for key in keys)
        assert set(styled.values()) == {1}
        # Footer binds each key's compact to its own, but for the palette's (always compact).
        bound = [key for key in keys if not key.has_class("-command-palette")]
        assert len(bound) == len(keys) - 1
        assert not any(key.compact or key.has_class("-compact") for key in bound)

        footer.compact = True
        await pilot.pause()
        assert all(key.compact and key.has_class("-compact") for key in keys)
