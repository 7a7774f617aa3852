"""The take-home pack's shipped kernels (tools/kernels): never stale, correct on inputs
the seeds would hardly draw, each step faster than the one before, and the scheduler
that packs them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the generators live in tools/, outside the installed packages
    sys.path.insert(0, str(ROOT))

from game.catalog import Catalog  # noqa: E402
from game.inputs import generate_memory  # noqa: E402
from game.references import tree_kernel  # noqa: E402
from machine.config import TAKEHOME  # noqa: E402
from machine.loader import load_program  # noqa: E402
from machine.simulator import run_program  # noqa: E402
from tools.kernels.packed import packed_program  # noqa: E402
from tools.kernels.scheduler import Graph, ScheduleError, schedule  # noqa: E402
from tools.kernels.solutions import KERNELS, Solution, solutions, text  # noqa: E402
from tools.kernels.tree import TreeSize, tree_puzzles  # noqa: E402

SIZES = tree_puzzles()
SHIPPED = ROOT / "solutions"
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
    assert cycles["packed"] < cycles["vector"] < cycles["baseline"]
    if "loop" in cycles:
        assert cycles["packed"] < cycles["loop"] < cycles["vector"]


def test_the_full_size_packed_kernel_beats_5000_cycles() -> None:
    assert _claimed_cycles(SHIPPED / "takehome/tree-kernel/packed.vasm") < 5000


def test_the_loop_kernel_jumps_back_once_per_round() -> None:
    program = load_program(SHIPPED / "takehome/tree-kernel/loop.vasm")
    back_edges = [(pc, slot.args[1]) for pc, bundle in enumerate(program.bundles)
                  for slot in bundle.slots if slot.name == "cond_jump" and slot.args[1] <= pc]
    assert len(back_edges) == 1
    assert len(program.bundles) < 500  # the rounds are not unrolled


def _extreme_input(size: TreeSize, node: int, value: int) -> list[int]:
    return [size.rounds, size.n_nodes, size.batch, size.height, size.forest, size.indices,
            size.values, *[node] * size.n_nodes, *[0] * size.batch, *[value] * size.batch]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: size.name)
@pytest.mark.parametrize(("node", "value"), [(0, 0), (2**30 - 1, 2**30 - 1), (0, 2**32 - 1)])
def test_the_packed_kernel_is_right_on_extreme_inputs(size: TreeSize, node: int,
                                                      value: int) -> None:
    memory = _extreme_input(size, node, value)
    result = run_program(load_program(SHIPPED / size.puzzle / "packed.vasm"), memory)
    assert result.fault is None
    expected = tree_kernel(memory)
    assert result.memory[size.values:] == expected[size.values:]


@pytest.mark.parametrize("levels", [1, 2, 3, 4, 5])
def test_the_packed_kernel_is_right_however_many_levels_it_picks_from_scratch(
        levels: int) -> None:
    size = next(size for size in SIZES if size.height == 4)  # walkers wrap in round 5
    program = packed_program(size, select_levels=levels)
    for seed in (7, 8):
        memory = generate_memory(Catalog().puzzle(size.puzzle).puzzle, seed)
        result = run_program(program, memory)
        assert result.fault is None
        assert result.memory[size.values:] == tree_kernel(memory)[size.values:]


def test_the_packed_kernel_needs_whole_vectors_of_walkers() -> None:
    odd = TreeSize("takehome/odd", 2, 3, 12, 7, 14, 26, 38)
    with pytest.raises(ValueError, match="12 walkers do not fill vectors of 8"):
        packed_program(odd)


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
