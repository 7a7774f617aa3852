"""How fast the game answers: the first screen, opening a puzzle, a debugger step, and
what limits the baseline.

    python benchmarks/bench_tui.py            # everything (about a minute: parsing the baseline)
    python benchmarks/bench_tui.py --quick    # fewer repetitions

Start-up is timed from outside, as a player waits for it: a fresh Python
process goes the way `vliw play` goes (the CLI's parser with every command
module, then the app) and prints when the browser's first frame goes to the
terminal (with the CPU time of the process by then); the time is taken from
launching the process to reading that line. The time
until the puzzle list is filled (packs load in a worker, begun after the first
frame) is printed beside it.

A debugger step is timed on the full-size tree kernel (h=10, 16 rounds, 256
walkers) with the shipped scalar baseline (147,734 bundles) and an unrolled
vector kernel (lockstep.vasm): the step itself (`DebugSession.step`), the screen's update of
every view (`action_step`), the update plus a full frame of the whole screen
written out as the terminal driver writes it (a real terminal gets only the
changed lines, so this overstates a step), and, for comparison, the update
plus `export_screenshot` (an SVG of the screen, slower than the frame itself).
Opening a puzzle is timed from the call (Enter in the list, or the palette) to
the editor showing the solution and the statement, in the app with the shipped
packs. The bottleneck view is timed on the baseline (147,734 cycles of
straight-line code): the engines' floors (the view's first drawing, in a
worker) and the dependency chain (drawn when it is done), and the screen from
the key to the first drawing. Opening the debugger on the baseline is timed two
ways, each from a screen at rest to the session ready and drawn: as a player
opens it, with the puzzle screen's Debug action on the solution it shows and has
assembled, and by pushing the debugger screen with a program parsed beforehand.
Targets: first screen under 0.5 s; opening a puzzle, opening the debugger, a step,
the bottleneck view each under 0.2 s (a step also under 50 ms with a full frame).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.widgets import Tree

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "solutions/takehome/tree-kernel/baseline.vasm"
PUZZLE = "takehome/tree-kernel"

STARTUP = textwrap.dedent("""
    import asyncio, resource, sys, time
    from game.cli import build_parser
    build_parser()
    from textual.app import App
    from game.tui.app import VliwApp
    from game.tui.context import GameContext
    from game.tui.screens.browser import BrowserScreen

    display = App._display

    def first_frame(app, screen, renderable):
        # The first frame of the browser, as it goes to the terminal (benchmark-only patch).
        display(app, screen, renderable)
        if renderable is not None and isinstance(screen, BrowserScreen) and not app.drawn:
            app.drawn = True
            usage = resource.getrusage(resource.RUSAGE_SELF)
            print(f"first-screen {usage.ru_utime + usage.ru_stime:.4f}", flush=True)

    App._display = first_frame
    App.drawn = False

    async def first_screen(pilot):
        while not pilot.app.drawn:
            await asyncio.sleep(0.001)
        start = time.perf_counter()
        while not isinstance(pilot.app.screen, BrowserScreen):
            await pilot.pause(0.001)
        tree = pilot.app.screen.query_one("#puzzles")
        while not tree.root.children:  # the packs load after the first frame
            await asyncio.sleep(0.001)
        await pilot.pause(0)
        print(f"packs-listed {time.perf_counter() - start:.4f}", flush=True)
        pilot.app.exit()

    VliwApp(GameContext(home=__import__("pathlib").Path(sys.argv[1]))).run(
        headless=True, size=(80, 24), auto_pilot=first_screen)
""")


def time_startup(runs: int) -> tuple[list[float], list[float], list[float]]:
    """Wall seconds to the first screen, CPU seconds of the process by then, wall to the list."""
    firsts, cpus, listed = [], [], []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(runs):
            start = time.perf_counter()
            process = subprocess.Popen([sys.executable, "-c", STARTUP, home], cwd=ROOT,
                                       stdout=subprocess.PIPE, text=True)
            assert process.stdout is not None
            line = process.stdout.readline()
            first = time.perf_counter() - start
            assert line.startswith("first-screen "), line
            cpus.append(float(line.split()[1]))
            extra = float(process.stdout.readline().split()[1])
            process.wait(timeout=60)
            firsts.append(first)
            listed.append(first + extra)
    return firsts, cpus, listed


async def packs_listed(app: App[object]) -> None:
    """Until the browser lists the packs and its worker is done (it begins after the first
    frame and then imports what a puzzle needs): nothing else is timed alongside."""
    while (not app.screen.query("#puzzles")
           or not app.screen.query_one("#puzzles", Tree).root.children):
        await asyncio.sleep(0.001)
    await app.workers.wait_for_complete()


def full_frame(app: App[object]) -> None:
    """Render the whole screen and write it out as the terminal driver would.

    Benchmark-only use of private attributes: the same calls App.export_screenshot
    makes, without turning the frame into an SVG (which costs more than the frame).
    """
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))


def programs() -> list[tuple[str, str]]:
    """(name, .vasm text) of the shipped full-size kernels to step through."""
    return [(f"shipped {path.name}", path.read_text(encoding="utf-8"))
            for path in (BASELINE, BASELINE.with_name("lockstep.vasm"))]


async def time_steps(name: str, text: str, steps: int, size: tuple[int, int]) -> None:
    from game.debug_target import DebugTarget
    from game.tui.app import VliwApp
    from game.tui.context import GameContext
    from game.tui.screens.debugger import DebuggerScreen
    from machine.loader import parse_program

    started = time.perf_counter()
    program = parse_program(text, "kernel.vasm")
    parsed = time.perf_counter() - started
    # Each size starts from a collected heap, as a player's one app does: otherwise the
    # debugger's opening paid, by chance, for a collection (0.1 s) of what this process did
    # before it (the apps of the benchmarks before, whose screens only a full collection
    # frees, and this parse, left young since the first app set its start-up objects aside).
    gc.collect()
    with tempfile.TemporaryDirectory() as home:
        app = VliwApp(GameContext(home=Path(home)))
        async with app.run_test(size=size) as pilot:
            await packs_listed(app)
            # A player opens the debugger from a screen at rest: the browser's own drawing
            # after its packs are listed (the tree, the statement) is left to finish first,
            # or the opening pays for it (about 0.1 s).
            await pilot.pause(0.5)
            entry = app.context.catalog.puzzle(PUZZLE)
            started = time.perf_counter()
            screen = DebuggerScreen(DebugTarget.of_puzzle(entry.puzzle, program), text,
                                    puzzle=entry.puzzle)
            await app.push_screen(screen)
            await app.workers.wait_for_complete()  # the session is prepared in a worker
            await pilot.pause(0)
            opened = time.perf_counter() - started
            session_step, ui_step, frame_step, redraw_step = [], [], [], []
            for _ in range(steps):
                started = time.perf_counter()
                screen.session.step()
                session_step.append(time.perf_counter() - started)
                screen.session.step_back()
            for _ in range(steps):
                started = time.perf_counter()
                screen.action_step()
                ui_step.append(time.perf_counter() - started)
                await pilot.pause(0)
            for _ in range(steps):
                started = time.perf_counter()
                screen.action_step()
                full_frame(app)
                frame_step.append(time.perf_counter() - started)
            for _ in range(steps):
                started = time.perf_counter()
                screen.action_step()
                app.export_screenshot()
                redraw_step.append(time.perf_counter() - started)
            export_only = []
            for _ in range(steps):
                started = time.perf_counter()
                app.export_screenshot()
                export_only.append(time.perf_counter() - started)
            started = time.perf_counter()
            screen.action_step_back()
            back = time.perf_counter() - started

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.2f} ms (max {max(values) * 1000:6.2f})"

    print(f"{name} at {size[0]}x{size[1]}: parse {parsed:.2f} s, open the debugger"
          f" {opened * 1000:.0f} ms ({verdict(opened, 0.2)})")
    print(f"  session step          {ms(session_step)}")
    print(f"  step + views          {ms(ui_step)}")
    print(f"  step + views + frame  {ms(frame_step)}   target < 50 ms:"
          f" {'ok' if statistics.median(frame_step) < 0.05 else 'MISSED'}")
    print(f"  step + views + SVG    {ms(redraw_step)}")
    print(f"  SVG alone (no step)   {ms(export_only)}")
    print(f"  step back             {back * 1000:7.2f} ms")


async def time_debug_key(runs: int, size: tuple[int, int]) -> None:
    """The way a player opens the debugger on the baseline: the puzzle screen shows the
    solution (read-only at this length) and has assembled it; from its Debug action to the
    debugger's session ready and drawn."""
    import shutil

    from game.tui.app import VliwApp
    from game.tui.context import GameContext
    from game.tui.screens.debugger import DebuggerScreen
    from game.tui.screens.puzzle import PuzzleScreen

    times = []
    for _ in range(runs):
        gc.collect()
        with tempfile.TemporaryDirectory() as home:
            folder = Path(home) / "solutions" / PUZZLE
            folder.mkdir(parents=True)
            shutil.copy(BASELINE, folder / BASELINE.name)
            app = VliwApp(GameContext(home=Path(home)))
            async with app.run_test(size=size) as pilot:
                await packs_listed(app)
                app.context.locked = {}  # the full-size puzzle opens after its warm-ups
                app.open_puzzle(PUZZLE)
                while not (isinstance(app.screen, PuzzleScreen)
                           and app.screen.assembly is not None):
                    await pilot.pause(0.05)
                await app.workers.wait_for_complete()
                await pilot.pause(0.5)  # a screen at rest, as a player's is before a key
                puzzle = app.screen
                started = time.perf_counter()
                puzzle.action_debug()
                await pilot.pause(0)
                await app.workers.wait_for_complete()
                await pilot.pause(0)
                times.append(time.perf_counter() - started)
                assert isinstance(app.screen, DebuggerScreen)
    median = statistics.median(times)
    print(f"debug key on the baseline at {size[0]}x{size[1]}: median {median * 1000:.0f} ms"
          f" (max {max(times) * 1000:.0f}) over {runs} runs   {verdict(median, 0.2)}")


def verdict(seconds: float, target: float) -> str:
    return f"target < {target} s: {'ok' if seconds < target else 'MISSED'}"


async def time_open_puzzle(runs: int) -> None:
    """From the call to the editor with its solution and statement, on the shipped packs."""
    from game.tui.app import VliwApp
    from game.tui.context import GameContext
    from game.tui.screens.puzzle import PuzzleScreen

    times = []
    with tempfile.TemporaryDirectory() as home:
        app = VliwApp(GameContext(home=Path(home)))
        async with app.run_test(size=(120, 36)) as pilot:
            await packs_listed(app)
            app.context.settings.unlock_all = True
            for _ in range(runs):
                started = time.perf_counter()
                app.open_puzzle("tutorial/add-two")
                while not (isinstance(app.screen, PuzzleScreen) and app.screen.solution
                           and app.screen.statement_source):
                    await pilot.pause(0)
                times.append(time.perf_counter() - started)
                app.pop_screen()
                await pilot.pause(0)
    median = statistics.median(times)
    print(f"open a puzzle: median {median * 1000:.0f} ms (max {max(times) * 1000:.0f}) over"
          f" {runs} runs   {verdict(median, 0.2)}")


async def time_bottleneck() -> None:
    """The floors of the 147,734-cycle baseline: headless, and the screen's first drawing."""
    from game.catalog import Catalog
    from game.tui.app import VliwApp
    from game.tui.context import GameContext
    from game.tui.screens.bottleneck import BottleneckScreen
    from machine.bottleneck import analyse, critical_path
    from machine.loader import parse_program

    config = Catalog().puzzle(PUZZLE).puzzle.machine_config()
    program = parse_program(BASELINE.read_text(encoding="utf-8"), str(BASELINE))
    program.bundle_uses  # noqa: B018 (worked out once per program, as `vliw check` leaves it)
    started = time.perf_counter()
    floors = analyse(program, config, with_path=False)
    engines = time.perf_counter() - started
    started = time.perf_counter()
    path = critical_path(program, config)
    chain = time.perf_counter() - started
    print(f"bottleneck of the baseline ({floors.cycles:,} cycles): engines' floors"
          f" {engines * 1000:.0f} ms   {verdict(engines, 0.2)}; dependency chain ({path} cycles)"
          f" {chain * 1000:.0f} ms more, drawn when done; binds: {floors.binding[0]}")
    with tempfile.TemporaryDirectory() as home:
        app = VliwApp(GameContext(home=Path(home)))
        async with app.run_test(size=(120, 36)):
            await packs_listed(app)
            started = time.perf_counter()
            screen = BottleneckScreen("baseline", program, config, list)
            await app.push_screen(screen)
            while screen.bottleneck is None:
                # Not pilot.pause(0): polling without a pause holds the interpreter, and a
                # worker measuring then runs at a twentieth of its speed (10 s, not 0.5 s).
                await asyncio.sleep(0.001)
            first = time.perf_counter() - started
            while screen.bottleneck.critical_path is None:  # the chain, begun after a refresh
                await asyncio.sleep(0.001)
            done = time.perf_counter() - started
    print(f"bottleneck screen: first drawing {first * 1000:.0f} ms   {verdict(first, 0.2)};"
          f" with the chain {done * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs, steps = (3, 20) if args.quick else (7, 100)

    firsts, cpus, listed = time_startup(runs)
    print(f"vliw play, first screen: median {statistics.median(firsts):.3f} s"
          f" (max {max(firsts):.3f}) over {runs} runs, of which CPU"
          f" {statistics.median(cpus):.3f} s   {verdict(statistics.median(firsts), 0.5)}")
    print(f"vliw play, puzzles listed: median {statistics.median(listed):.3f} s")
    asyncio.run(time_open_puzzle(runs))
    asyncio.run(time_bottleneck())
    for size in ((80, 24), (160, 50)):
        asyncio.run(time_debug_key(runs, size))
    for name, text in programs():
        for size in ((80, 24), (160, 50)):
            asyncio.run(time_steps(name, text, steps, size))


if __name__ == "__main__":
    main()
