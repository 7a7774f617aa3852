"""Generated and mutated inputs of every kind never make a command fail as a bug would.

Each kind of input a player or a pack author hands the game (packs, `.vasm` solutions,
take-home JSON programs, histogram files, memory images, garbage) is made by the fuzz
campaign's own makers (`tools.fuzz`), driven here by hypothesis, and run through the
command that reads it by calling `vliw`'s `main` in this process under a time and memory
limit. The answer may be ok, exit 1 or exit 2; never exit 3, a traceback, a run over time or
over memory. A few cases also go through a real child process, as the campaign runs them.
The longer campaign: `python -m tools.fuzz --minutes 20`.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tools.fuzz.cases import KINDS, Case, make_case
from tools.fuzz.corpus import Corpus, load_corpus
from tools.fuzz.inprocess import run_in_process
from tools.fuzz.runner import BUG_CLASSES, Limits, Outcome, run_case

ROOT = Path(__file__).resolve().parent.parent
LIMITS = Limits(seconds=10.0, memory_bytes=2 * 1024**3)
EXAMPLES = 60
"""Cases per kind: with six kinds, about 10 s on a 2-core machine. No shrinking: a failing
case is printed whole, and shrinking one over time could take minutes."""

CORPUS: Corpus = load_corpus()


def explain(case: Case, outcome: Outcome) -> str:
    return (f"vliw {' '.join(case.argv)} -> {outcome.outcome} (exit {outcome.code}) after "
            f"{outcome.seconds:.1f} s\n{outcome.stderr[-1500:]}\n"
            f"{case.target}: {case.target_bytes()[:300]!r}")


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_no_input_of_a_kind_makes_a_command_fail_as_a_bug(kind: str,
                                                           rng: random.Random) -> None:
    case = make_case(rng, CORPUS, kind)
    with tempfile.TemporaryDirectory(prefix="vliw-fuzz-") as folder:
        outcome = run_in_process(case, Path(folder), LIMITS)
    assert outcome.outcome not in BUG_CLASSES, explain(case, outcome)


@pytest.mark.parametrize("index", range(6))
def test_a_child_process_answers_a_fuzzed_input_without_a_bug(index: int,
                                                              tmp_path: Path) -> None:
    """The campaign's way: the real command line in a child, with its limits."""
    case = make_case(random.Random(f"suite:{index}"), CORPUS, KINDS[index % len(KINDS)])
    outcome = run_case(case, LIMITS, tmp_path)
    assert outcome.outcome not in BUG_CLASSES, explain(case, outcome)
    assert list(tmp_path.iterdir()) == []  # the case's folder is gone


GCD = (ROOT / "solutions/minimal/gcd/straightforward.vasm").read_bytes()
FOUND: dict[str, Case] = {
    "a pack's integer of 4301 digits": Case("pack", ("pack", "lint", "p.toml"), (
        ("p.toml", b'[pack]\nid = "big"\ntitle = "t"\n\n[[puzzle]]\nid = "p"\ncycle_limit = '
         + b"9" * 4301 + b"\n"),), "p.toml"),
    "a histogram's number of 4301 digits": Case("histogram", (
        "hist", "minimal/gcd", "--histogram", "h.json"), (
        ("h.json", b'{"format": ' + b"9" * 4301 + b"}"),), "h.json"),
    "a histogram's scale that is a table": Case("histogram", (
        "hist", "minimal/gcd", "--histogram", "h.json"), (
        ("h.json", (ROOT / "puzzles/histograms/minimal/gcd.json").read_bytes().replace(
            b'"scale": "linear"', b'"scale": {"a": 1}')),), "h.json"),
    "a program's slot list nested 300 deep": Case("json", ("convert", "p.json", "o.vasm"), (
        ("p.json", b'[{"load": ' + b'{"a": ' * 300 + b"{}" + b"}" * 300 + b"}]"),), "p.json"),
    "a pack's array nested 1000 deep": Case("pack", ("pack", "lint", "p.toml"), (
        ("p.toml", b"a = " + b"[" * 1000 + b"]" * 1000 + b"\n"),), "p.toml"),
    "a solution whose file name is not UTF-8": Case("solution", (
        "hist", "minimal/gcd", "--solution", "s\udcff.vasm"), (("s\udcff.vasm", GCD),),
        "s\udcff.vasm"),
}
"""Inputs the campaign found failing (shrunk by hand), kept as fixed cases."""


@pytest.mark.parametrize("name", FOUND)
def test_an_input_the_campaign_found_is_answered_without_a_bug(name: str,
                                                                tmp_path: Path) -> None:
    case = FOUND[name]
    outcome = run_in_process(case, tmp_path, LIMITS)
    assert outcome.outcome not in BUG_CLASSES, explain(case, outcome)
