"""The take-home pack's shipped kernels (tools/kernels): never stale, correct on inputs
the seeds would hardly draw, each step faster than the one before, none of them (nor
any generator) below the take-home's first public mark at full size, and the
scheduler that packs them."""

from __future__ import annotations

import dataclasses
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the generators live in tools/, outside the installed packages
    sys.path.insert(0, str(ROOT))

from game.catalog import Catalog  # noqa: E402
from game.references import tree_kernel  # noqa: E402
from game.scoring import score_program  # noqa: E402
from machine.config import TAKEHOME  # noqa: E402
from machine.loader import load_program  # noqa: E402
from machine.program import Program  # noqa: E402
from machine.simulator import run_program  # noqa: E402
from tools.kernels.lockstep import lockstep_program  # noqa: E402
from tools.kernels.scheduler import Graph, ScheduleError, schedule  # noqa: E402
from tools.kernels.select import select_program  # noqa: E402
from tools.kernels.solutions import (  # noqa: E402
    FULL_SIZE,
    KERNELS,
    Kernel,
    Solution,
    solutions,
    text,
)
from tools.kernels.tree import TreeSize, tree_puzzles  # noqa: E402

SIZES = tree_puzzles()
SHIPPED = ROOT / "solutions"
FIRST_PUBLIC_MARK = 2164
"""The take-home's first public mark: no shipped full-size kernel may be faster."""
FASTEST = ("packed", "lockstep")
"""The generated kernels that schedule every walker's work as a whole."""
FILES = [f"{size.puzzle}/{kernel.name}.vasm" for size in SIZES for kernel in KERNELS
         if kernel.wanted(size)]


@pytest.fixture(scope="module")
def generated() -> dict[str, Solution]:
    """What `python -m tools.kernels` would write, by path under solutions/."""
    return {solution.path.relative_to(SHIPPED).as_posix(): solution
            for solution in solutions(Catalog())}


@pytest.mark.parametrize("name", FILES)
def test_the_shipped_kernel_is_what_the_generator_writes(name: str,
                                                         generated: dict[str, Solution]) -> None:
    path = SHIPPED / name
    assert path.exists(), f"{name} is missing: run python -m tools.kernels"
    assert path.read_text("utf-8") == text(generated[name]), \
        f"{name} is stale: run python -m tools.kernels"


def test_every_generated_kernel_passes_and_claims_what_it_measures(
        generated: dict[str, Solution]) -> None:
    for name, solution in generated.items():
        assert solution.report.passed, (name, solution.report.failures())
        claims = {key: int(solution.program.metadata[key])
                  for key in ("cycles", "instructions", "scratch")}
        assert claims == solution.report.scores.as_dict(), name


def _claimed_cycles(path: Path) -> int:
    """The header's cycles claim (checked against the measure by test_check), read without
    assembling the file: the full-size baseline has 147734 bundles."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            key, _, value = line.lstrip("# ").partition(":")
            if key == "cycles":
                return int(value)
    raise AssertionError(f"{path} claims no cycles")


@pytest.mark.parametrize("size", SIZES, ids=lambda size: size.name)
def test_each_kernel_is_faster_than_the_one_before(size: TreeSize) -> None:
    folder = SHIPPED / size.puzzle
    cycles = {path.stem: _claimed_cycles(path) for path in folder.glob("*.vasm")}
    fastest = [cycles[name] for name in FASTEST if name in cycles]
    assert len(fastest) == 1, cycles
    assert fastest[0] < cycles["loop"] < cycles["vector"] < cycles["baseline"]


def test_no_shipped_full_size_kernel_beats_the_first_public_mark() -> None:
    folder = SHIPPED / FULL_SIZE
    cycles = {path.name: _claimed_cycles(path) for path in folder.glob("*")}
    assert "packed.vasm" not in cycles
    assert min(cycles.values()) >= FIRST_PUBLIC_MARK, cycles


def test_the_lockstep_stress_kernel_is_straight_line_and_slower_than_the_mark() -> None:
    program = load_program(SHIPPED / FULL_SIZE / "lockstep.vasm")
    assert FIRST_PUBLIC_MARK <= len(program.bundles) < 5000
    assert program.instruction_count() > 10_000
    assert not any(slot.name in ("jump", "cond_jump", "jump_indirect")
                   for _, _, slot in program.slots())


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda kernel: kernel.name)
def test_no_generator_makes_a_full_size_kernel_below_the_mark(kernel: Kernel) -> None:
    """Whether or not it ships at full size, a generator either refuses the size or
    makes a kernel that takes at least the first public mark's cycles."""
    size = next(size for size in SIZES if size.puzzle == FULL_SIZE)
    try:
        program = kernel.make(size)
    except ValueError:
        return
    puzzle = Catalog().puzzle(FULL_SIZE).puzzle
    report = score_program(puzzle, program, puzzle_id=FULL_SIZE, robustness=0)
    assert report.passed
    assert report.scores.cycles >= FIRST_PUBLIC_MARK


def test_the_select_kernel_refuses_deep_trees_and_scattered_walkers() -> None:
    full, scattered = (next(size for size in SIZES if size.name == name)
                       for name in ("tree-kernel", "tree-gather"))
    with pytest.raises(ValueError, match="walkers visit 11 levels"):
        select_program(full)
    with pytest.raises(ValueError, match="do not all start at the root"):
        select_program(scattered)


def test_the_loop_kernel_jumps_back_once_per_round() -> None:
    program = load_program(SHIPPED / "takehome/tree-kernel/loop.vasm")
    back_edges = [(pc, slot.args[1]) for pc, bundle in enumerate(program.bundles)
                  for slot in bundle.slots if slot.name == "cond_jump" and slot.args[1] <= pc]
    assert len(back_edges) == 1
    assert len(program.bundles) < 500  # the rounds are not unrolled


def _image(size: TreeSize, nodes: list[int], indices: list[int], values: list[int]) -> list[int]:
    return [size.rounds, size.n_nodes, size.batch, size.height, size.forest, size.indices,
            size.values, *nodes, *indices, *values]


def _checked(size: TreeSize, memory: list[int]) -> list[int]:
    """The words compared at the end: the values, and the indices before them if checked."""
    return memory[size.indices if size.checks_indices else size.values:]


def _fastest(size: TreeSize) -> Path:
    return next(path for name in FASTEST
                if (path := SHIPPED / size.puzzle / f"{name}.vasm").exists())


@pytest.mark.parametrize("size", SIZES, ids=lambda size: size.name)
@pytest.mark.parametrize(("node", "value"), [(0, 0), (2**30 - 1, 2**30 - 1), (0, 2**32 - 1)])
def test_the_fastest_kernel_is_right_on_extreme_inputs(size: TreeSize, node: int,
                                                       value: int) -> None:
    start = 0 if size.starts_at_root else size.n_nodes - 1  # the last node: a wrap at once
    memory = _image(size, [node] * size.n_nodes, [start] * size.batch, [value] * size.batch)
    result = run_program(load_program(_fastest(size)), memory)
    assert result.fault is None
    assert _checked(size, result.memory) == _checked(size, tree_kernel(memory))


def _tiny(**changes: object) -> TreeSize:
    size = next(size for size in SIZES if size.name == "tree-tiny")
    return dataclasses.replace(size, **changes)


def _random_image(size: TreeSize, rng: random.Random) -> list[int]:
    start = 0 if size.starts_at_root else size.n_nodes - 1
    return _image(size, [rng.randrange(2**30) for _ in range(size.n_nodes)],
                  [rng.randint(0, start) for _ in range(size.batch)],
                  [rng.randrange(2**32) for _ in range(size.batch)])


def _assert_right_on_random_inputs(size: TreeSize, program: Program) -> None:
    rng = random.Random(size.rounds)
    for _ in range(3):
        memory = _random_image(size, rng)
        result = run_program(program, memory)
        assert result.fault is None
        assert _checked(size, result.memory) == _checked(size, tree_kernel(memory))


@pytest.mark.parametrize("rounds", range(1, 10))
def test_the_select_kernel_is_right_through_any_number_of_wraps(rounds: int) -> None:
    size = _tiny(rounds=rounds)  # a tree of height 2: walkers wrap every third round
    _assert_right_on_random_inputs(size, select_program(size))


@pytest.mark.parametrize("rounds", range(1, 6))
def test_the_lockstep_kernel_steps_and_wraps_walkers_that_start_anywhere(rounds: int) -> None:
    size = _tiny(rounds=rounds, starts_at_root=False, checks_indices=True)
    _assert_right_on_random_inputs(size, lockstep_program(size))


@pytest.mark.parametrize("make", [select_program, lockstep_program])
def test_the_scheduled_kernels_need_whole_vectors_of_walkers(
        make: Callable[[TreeSize], Program]) -> None:
    odd = TreeSize("takehome/odd", 2, 3, 12, 7, 14, 26, 38)
    with pytest.raises(ValueError, match="12 walkers do not fill vectors of 8"):
        make(odd)


# --- the scheduler --------------------------------------------------------------------


def _sum_of_two_loads(graph: Graph) -> None:
    """out = m[a] + m[b], all vectors: two values live at once."""
    address = graph.value("address", 1, 0)
    first, second, total = (graph.value(name, 8) for name in ("first", "second", "total"))
    graph.op("load", "vload", first, [address])
    graph.op("load", "vload", second, [address])
    graph.op("bin", "+", total, [first, second])
    graph.op("store", "vstore", None, [address, total])


def test_a_register_read_for_the_last_time_is_reused_by_the_reader() -> None:
    graph = Graph(8)
    _sum_of_two_loads(graph)
    result = schedule(graph, TAKEHOME, [8, 16, 24])
    assert result.registers == 2
    assert [[(slot[1], slot[2]) for slot in bundle] for bundle in result.bundles] == [
        [("vload", (8, 0)), ("vload", (16, 0))],
        [("+", (8, 8, 16))],
        [("vstore", (0, 8))],
    ]


def test_too_few_registers_is_an_error_not_a_hang() -> None:
    graph = Graph(8)
    _sum_of_two_loads(graph)
    with pytest.raises(ScheduleError, match="1 registers are too few"):
        schedule(graph, TAKEHOME, [8])


def test_lane_wise_work_spills_to_the_alu_when_the_valu_is_full() -> None:
    graph = Graph(8)
    address = graph.value("address", 1, 0)
    loaded = graph.value("loaded", 8)
    graph.op("load", "vload", loaded, [address])
    for index in range(7):
        doubled = graph.value(f"doubled{index}", 8)
        graph.op("bin", "+", doubled, [loaded, loaded])
        graph.op("store", "vstore", None, [address, doubled])
    result = schedule(graph, TAKEHOME, [8 * i for i in range(1, 12)])
    engines = [slot[0] for slot in result.bundles[1]]
    assert engines.count("valu") == 6
    assert engines.count("alu") == 8  # the seventh sum, one slot per lane
