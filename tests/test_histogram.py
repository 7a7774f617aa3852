"""The histogram model: buckets, placement, percentiles, merge and the JSON format."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import machine.identity
from game import histogram as hist
from game.histogram import (
    LOG_GRIDS,
    MAX_BUCKETS,
    METRICS,
    Histogram,
    HistogramError,
    Point,
    Position,
    Scale,
    bucket_edges,
    canonical_form,
    content_hash,
    from_json,
    pareto_front,
    read_histogram,
)
from machine.isa import Engine
from machine.program import Annotation, Bundle, Program, Section, Slot, Symbol


def digest(n: int) -> str:
    return f"{n:064x}"


def point(n: int, cycles: int, instructions: int = 10, scratch: int = 5) -> Point:
    return Point(digest(n), {"cycles": cycles, "instructions": instructions, "scratch": scratch})


def cycles_histogram(*values: int) -> Histogram:
    return Histogram.build("pack/puzzle", METRICS, [point(i, v) for i, v in enumerate(values)])


# --- bucket edges -------------------------------------------------------------------------------

def test_the_tree_kernel_range_gets_log_buckets_on_round_numbers() -> None:
    scale, edges = bucket_edges([1363, 1790, 18532, 147734])
    assert scale is Scale.LOG
    assert edges[0] == 1200 and edges[-1] == 150000
    assert {1500, 2000, 10000, 100000} <= set(edges)
    assert len(edges) - 1 <= MAX_BUCKETS
    grid = {step * 10**k for step in LOG_GRIDS[0] for k in range(1, 6)}
    assert set(edges) <= grid


def test_a_narrow_range_gets_linear_buckets_of_a_round_width() -> None:
    scale, edges = bucket_edges([1400, 1480, 1790, 2164])
    assert scale is Scale.LINEAR
    assert edges == list(range(1400, 2201, 50))


def test_one_score_makes_one_bucket_and_no_score_makes_none() -> None:
    assert bucket_edges([7]) == (Scale.LINEAR, [7, 8])
    assert bucket_edges([]) == (Scale.LINEAR, [])


def test_zero_scores_never_take_a_log_scale() -> None:
    scale, edges = bucket_edges([0, 5000])
    assert scale is Scale.LINEAR and edges[0] == 0 and edges[-1] > 5000


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=30))
def test_edges_hold_every_score_in_few_increasing_buckets(values: list[int]) -> None:
    _, edges = bucket_edges(values)
    assert all(a < b for a, b in itertools.pairwise(edges))
    assert 1 <= len(edges) - 1 <= MAX_BUCKETS
    assert all(edges[0] <= v < edges[-1] for v in values)
    histogram = Histogram.build("p/q", ("cycles",),
                                [Point(digest(i), {"cycles": v}) for i, v in enumerate(values)])
    assert sum(histogram.bars["cycles"].counts) == len(values)


# --- placement and percentiles at the edges -----------------------------------------------------

def test_a_score_on_an_edge_belongs_to_the_bucket_it_starts() -> None:
    histogram = cycles_histogram(1400, 1480, 1790, 2164)
    bars = histogram.bars["cycles"]
    assert bars.locate(1400) == (Position.INSIDE, 0)
    assert bars.locate(1449) == (Position.INSIDE, 0)
    assert bars.locate(1450) == (Position.INSIDE, 1)
    assert bars.locate(bars.edges[-1] - 1) == (Position.INSIDE, len(bars.counts) - 1)


def test_a_new_best_below_every_bucket() -> None:
    histogram = cycles_histogram(1400, 1480, 1790, 2164)
    standing = histogram.standing("cycles", 1399)
    assert (standing.position, standing.bucket) == (Position.BELOW, None)
    assert standing.better_than == 4 and standing.percent_better == 100.0
    assert standing.is_new_best and not standing.is_new_worst


def test_a_new_best_inside_the_first_bucket_is_still_a_new_best() -> None:
    histogram = cycles_histogram(1420, 1480, 1790, 2164)
    standing = histogram.standing("cycles", 1410)
    assert (standing.position, standing.bucket) == (Position.INSIDE, 0)
    assert standing.is_new_best


def test_a_new_worst_inside_the_last_bucket_and_beyond_every_bucket() -> None:
    histogram = cycles_histogram(1400, 1480, 1790, 2164)
    inside = histogram.standing("cycles", 2170)
    assert inside.position is Position.INSIDE and inside.is_new_worst
    assert inside.better_than == 0 and inside.percent_better == 0.0
    beyond = histogram.standing("cycles", 10**6)
    assert (beyond.position, beyond.bucket) == (Position.ABOVE, None) and beyond.is_new_worst
    last_edge = histogram.standing("cycles", histogram.bars["cycles"].edges[-1])
    assert last_edge.position is Position.ABOVE


def test_ties_are_not_beaten() -> None:
    histogram = cycles_histogram(100, 200, 200, 300)
    standing = histogram.standing("cycles", 200)
    assert (standing.better_than, standing.ties, standing.total) == (1, 2, 4)
    assert standing.percent_better == 25.0
    assert not standing.is_new_best and not standing.is_new_worst


def test_an_empty_histogram_places_nothing_and_compares_with_nothing() -> None:
    histogram = Histogram.empty("pack/puzzle")
    assert len(histogram) == 0
    for metric in METRICS:
        assert histogram.bars[metric].edges == () and histogram.bars[metric].counts == ()
        standing = histogram.standing(metric, 42)
        assert (standing.position, standing.bucket) == (Position.EMPTY, None)
        assert standing.percent_better is None
        assert not standing.is_new_best and not standing.is_new_worst


# --- distinct solutions, merge, Pareto ----------------------------------------------------------

def test_a_solution_listed_twice_counts_once() -> None:
    histogram = Histogram.build("p/q", METRICS, [point(1, 100), point(1, 100), point(2, 300)])
    assert len(histogram) == 2 and histogram.bars["cycles"].total == 2


def test_the_same_solution_with_two_different_scores_is_refused() -> None:
    with pytest.raises(HistogramError, match="recorded with cycles 100 and 101"):
        Histogram.build("p/q", METRICS, [point(1, 100), point(1, 101)])


def test_merging_counts_a_shared_solution_once_and_rebuilds_the_buckets() -> None:
    a = Histogram.build("p/q", METRICS, [point(1, 1500), point(2, 1800)])
    b = Histogram.build("p/q", METRICS, [point(2, 1800), point(3, 150000)])
    merged = a.merge(b)
    assert [p.hash for p in merged.points] == [digest(1), digest(2), digest(3)]
    assert merged.bars["cycles"].total == 3
    assert merged.bars["cycles"].scale is Scale.LOG
    assert merged == b.merge(a)
    assert merged.to_json() == b.merge(a).to_json()


def test_merging_different_puzzles_or_metrics_is_refused() -> None:
    a = Histogram.build("p/q", METRICS, [point(1, 1500)])
    with pytest.raises(HistogramError, match="different puzzles"):
        a.merge(Histogram.build("p/r", METRICS, [point(1, 1500)]))
    with pytest.raises(HistogramError, match="different metrics"):
        a.merge(Histogram.build("p/q", ("cycles",), [point(1, 1500)]))


def test_the_pareto_front_keeps_exactly_the_undominated() -> None:
    points = [point(1, 100, 50), point(2, 200, 20), point(3, 150, 60),  # 3 is dominated by 1
              point(4, 100, 50), point(5, 300, 20)]                    # 4 ties 1; 5 loses to 2
    assert pareto_front(points, ("cycles", "instructions")) == {digest(1), digest(2), digest(4)}


# --- JSON ---------------------------------------------------------------------------------------

def test_json_round_trip_is_exact_and_documented_keys_are_there() -> None:
    histogram = Histogram.build("takehome/tree-kernel", METRICS,
                                [point(1, 1500, 900, 400), point(2, 147734, 4500, 300)])
    data = json.loads(histogram.to_text())
    assert data == histogram.to_json()
    assert data["format"] == "vliw-histogram" and data["version"] == 2
    assert list(data["metrics"]) == list(METRICS)
    cycles = data["metrics"]["cycles"]
    assert len(cycles["counts"]) == len(cycles["edges"]) - 1 and sum(cycles["counts"]) == 2
    assert data["points"][0] == {"hash": digest(1), "cycles": 1500, "instructions": 900,
                                 "scratch": 400}
    assert from_json(data) == histogram


def test_the_empty_histogram_round_trips() -> None:
    empty = Histogram.empty("p/q")
    assert from_json(json.loads(empty.to_text())) == empty


def valid_data() -> dict:
    return Histogram.build("p/q", METRICS, [point(1, 1500), point(2, 1800)]).to_json()


def tampered(change) -> dict:
    data = valid_data()
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(extra=1), "top level: unknown key 'extra'"),
    (lambda d: d.pop("points"), "top level: missing key 'points'"),
    (lambda d: d.update(format="other"), "format: expected 'vliw-histogram'"),
    (lambda d: d.update(version=3), "version: this program reads versions 1 and 2, not 3"),
    (lambda d: d["metrics"].update(speed={}), "metrics: unknown key 'speed'"),
    (lambda d: d["metrics"]["cycles"]["counts"].__setitem__(0, 5),
     r"metrics.cycles.counts\[0\]: says 5 but the points put 1"),
    (lambda d: d["metrics"]["cycles"]["counts"].append(0), r"17 edges need 16 counts, not 17"),
    (lambda d: d["metrics"]["cycles"].update(edges=[1500, 1400, 2000]), "increase strictly"),
    (lambda d: d["metrics"]["cycles"].update(edges=[1600, 1700, 1900], counts=[1, 1]),
     "score 1500 of a point lies below every bucket"),
    (lambda d: d["metrics"]["cycles"].update(scale="cubic"), "expected 'linear' or 'log'"),
    (lambda d: d["points"][0].update(hash="xyz"), r"points\[0\].hash: expected 64"),
    (lambda d: d["points"][1].update(hash=digest(1)), "listed twice"),
    (lambda d: d["points"][0].update(cycles=True), r"points\[0\].cycles: expected a whole"),
    (lambda d: d["points"][0].update(cycles=-1), r"points\[0\].cycles: expected a whole"),
    (lambda d: d["points"][0].pop("scratch"), r"points\[0\]: missing key 'scratch'"),
    (lambda d: d.update(points={}), "points: expected a list, not an object"),
])
def test_a_malformed_or_dishonest_file_is_refused_with_its_key_path(change, message) -> None:
    with pytest.raises(HistogramError, match=message):
        from_json(tampered(change), "shared.json")


def test_reading_names_the_file_and_the_line_of_a_json_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text('{\n  "format": "vliw-histogram",\n  oops\n}\n')
    with pytest.raises(HistogramError, match=r"h\.json:3:3: invalid JSON"):
        read_histogram(path)


def test_reading_refuses_binary_missing_and_oversized_files(tmp_path: Path, monkeypatch) -> None:
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(HistogramError, match="not UTF-8"):
        read_histogram(binary)
    with pytest.raises(HistogramError, match="cannot read"):
        read_histogram(tmp_path / "missing.json")
    big = tmp_path / "big.json"
    big.write_text(Histogram.empty("p/q").to_text())
    monkeypatch.setattr(hist, "MAX_HISTOGRAM_BYTES", 10)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(HistogramError, match="over the limit of 10 bytes"):
        read_histogram(big)


def test_a_written_file_reads_back(tmp_path: Path) -> None:
    histogram = Histogram.build("p/q", METRICS, [point(1, 1500), point(2, 9, 3, 1)])
    path = tmp_path / "h.json"
    path.write_text(histogram.to_text())
    assert read_histogram(path) == histogram


# --- identity of solutions ----------------------------------------------------------------------

def program(*bundles: Bundle, **extra) -> Program:
    return Program(tuple(bundles), **extra)


ADD = Slot(Engine.ALU, "+", (3, 1, 2))
LOAD = Slot(Engine.LOAD, "const", (1, 7))
HALT = Slot(Engine.FLOW, "halt", ())


def test_names_comments_labels_and_header_do_not_change_a_programs_identity() -> None:
    plain_program = program(Bundle.of(LOAD), Bundle.of(ADD, HALT))
    dressed = program(
        Bundle.of(LOAD, comment="the constant"), Bundle.of(ADD, HALT),
        symbols=(Symbol("x", 1), Symbol("y", 2), Symbol("sum", 3)),
        labels=(("start", 0), ("end", 1)),
        header=(("puzzle", "p/q"), ("name", "fancy"), ("cycles", "2")),
        annotations=(Annotation(Section.BUNDLES, 0, "# a full-line comment"),),
    )
    assert content_hash(dressed) == content_hash(plain_program)
    assert len(content_hash(plain_program)) == 64


def test_debug_slots_do_not_change_a_programs_identity() -> None:
    debug = Slot(Engine.DEBUG, "compare", (3, [0, 3, "idx"]))
    note = Slot(Engine.DEBUG, "comment", ("here",))
    assert content_hash(program(Bundle.of(LOAD), Bundle.of(ADD, HALT))) == \
        content_hash(program(Bundle.of(LOAD, note), Bundle.of(ADD, debug, HALT)))


def test_anything_that_can_change_a_run_changes_the_identity() -> None:
    base = content_hash(program(Bundle.of(LOAD), Bundle.of(ADD, HALT)))
    variants = [
        program(Bundle.of(Slot(Engine.LOAD, "const", (1, 8))), Bundle.of(ADD, HALT)),
        program(Bundle.of(LOAD), Bundle.of(HALT, ADD)),  # engine order decides write conflicts
        program(Bundle.of(LOAD), Bundle.of(ADD), Bundle.of(HALT)),
        program(Bundle.of(LOAD), Bundle(((Engine.STORE, ()),)), Bundle.of(ADD, HALT)),
    ]
    hashes = {content_hash(p) for p in variants}
    assert base not in hashes and len(hashes) == len(variants)


@pytest.mark.parametrize("piece", [1, 2, 3, 1 << 16])
def test_the_identity_is_the_sha256_of_the_take_home_json_without_debug_slots(
        piece: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Recomputed from the take-home form as anyone would, whatever pieces the text is
    # hashed in (`machine.identity.PIECE_BUNDLES`).
    monkeypatch.setattr(machine.identity, "PIECE_BUNDLES", piece)
    debug = Slot(Engine.DEBUG, "compare", (3, [0, 3, "idx"]))
    bundles = [Bundle.of(LOAD), Bundle.of(ADD, debug, HALT), Bundle.of(debug), Bundle.of(LOAD),
               Bundle.of(Slot(Engine.LOAD, "const", (2, 9)))]
    form = json.dumps([{"load": [["const", 1, 7]]},
                       {"alu": [["+", 3, 1, 2]], "flow": [["halt"]]},
                       {},
                       {"load": [["const", 1, 7]]},
                       {"load": [["const", 2, 9]]}], separators=(",", ":"))
    assert canonical_form(program(*bundles)) == form
    assert content_hash(program(*bundles)) == hashlib.sha256(form.encode()).hexdigest()


def test_spanning_widens_the_buckets_but_counts_only_the_solutions() -> None:
    histogram = cycles_histogram(1400, 1480, 1790, 2164)
    bars = histogram.spanning("cycles", [1363, 147734])
    assert bars.scale is Scale.LOG and bars.edges[0] <= 1363 and bars.edges[-1] > 147734
    assert bars.total == 4
    assert bars.counts[bars.locate(147734)[1]] == 0
    assert Histogram.empty("p/q").spanning("cycles", [5]).edges == ()
