"""A bounded fuzz campaign: cases made from a seed until the time is up, run a few at a
time, every outcome counted by kind and by command, every distinct failure shrunk and saved.

Case `i` of seed `s` is made from `random.Random(f"{s}:{i}")`, so one case replays
without the others. All files live in one temporary folder, removed at the end.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.fuzz.cases import KINDS, Case, make_case
from tools.fuzz.corpus import Corpus, load_corpus
from tools.fuzz.findings import Finding, Signatures, save, shrink
from tools.fuzz.runner import CLASSES, Limits, Outcome, run_case


@dataclass
class Settings:
    seed: int
    minutes: float
    jobs: int = 2
    limits: Limits = field(default_factory=Limits)
    kinds: tuple[str, ...] = KINDS
    findings: Path | None = None
    shrink_seconds: float = 30.0


@dataclass
class Tally:
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_command: Counter[tuple[str, str]] = field(default_factory=Counter)
    slowest: dict[str, float] = field(default_factory=dict)
    largest_mb: dict[str, float] = field(default_factory=dict)
    long_stderr: Counter[str] = field(default_factory=Counter)
    maker_errors: Counter[str] = field(default_factory=Counter)

    def add(self, case: Case, outcome: Outcome) -> None:
        self.by_kind[case.kind, outcome.outcome] += 1
        self.by_command[case.command, outcome.outcome] += 1
        self.slowest[case.command] = max(self.slowest.get(case.command, 0.0), outcome.seconds)
        self.largest_mb[case.command] = max(self.largest_mb.get(case.command, 0.0),
                                            outcome.max_rss_mb)
        if outcome.stderr_bytes > 10_000:
            self.long_stderr[case.command] += 1


class Campaign:
    def __init__(self, settings: Settings, corpus: Corpus, scratch: Path):
        self.settings = settings
        self.corpus = corpus
        self.scratch = scratch
        self.tally = Tally()
        self.findings: dict[str, Finding] = {}
        self.signatures = Signatures(settings.limits, scratch)
        self.cases = 0

    def make(self, index: int) -> Case | None:
        rng = random.Random(f"{self.settings.seed}:{index}")
        kind = rng.choice(self.settings.kinds)
        try:
            return make_case(rng, self.corpus, kind)
        except (RecursionError, ValueError, MemoryError) as error:
            self.tally.maker_errors[f"{kind}: {type(error).__name__}"] += 1
            return None

    def record(self, case: Case, outcome: Outcome) -> None:
        self.cases += 1
        self.tally.add(case, outcome)
        if not outcome.is_bug:
            return
        signature = self.signatures(case, outcome)
        known = self.findings.get(signature)
        if known:
            known.count += 1
            known.kinds.add(case.kind)
            known.commands.add(case.command)
            return
        finding = Finding(signature, outcome.outcome, case, outcome.stderr,
                          kinds={case.kind}, commands={case.command})
        self.findings[signature] = finding
        print(f"new: {signature}", file=sys.stderr, flush=True)
        if self.settings.findings is not None:
            finding.case = shrink(case, lambda c: self._same(c, finding),
                                  self.settings.shrink_seconds)
            finding.reproducer = str(save(finding, len(self.findings),
                                          self.settings.findings))

    def _same(self, case: Case, finding: Finding) -> bool:
        outcome = run_case(case, self.settings.limits, self.scratch)
        return outcome.outcome == finding.outcome and \
            self.signatures(case, outcome) == finding.signature

    def run(self) -> None:
        stop = time.monotonic() + self.settings.minutes * 60
        shown = time.monotonic()
        index = 0
        with ThreadPoolExecutor(self.settings.jobs) as pool:
            pending: dict[Future[Outcome], Case] = {}
            while pending or time.monotonic() < stop:
                while time.monotonic() < stop and len(pending) < self.settings.jobs:
                    case = self.make(index)
                    index += 1
                    if case is not None:
                        pending[pool.submit(run_case, case, self.settings.limits,
                                            self.scratch)] = case
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    self.record(pending.pop(future), future.result())
                if time.monotonic() - shown > 60:
                    shown = time.monotonic()
                    print(self.progress(), file=sys.stderr, flush=True)

    def progress(self) -> str:
        totals = Counter[str]()
        for (_, outcome), count in self.tally.by_kind.items():
            totals[outcome] += count
        return f"{self.cases} cases: " + ", ".join(f"{c} {totals[c]}" for c in CLASSES) + \
            f"; {len(self.findings)} distinct failures"

    def report(self) -> dict[str, Any]:
        def table(counter: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
            rows: dict[str, dict[str, int]] = {}
            for (row, outcome), count in sorted(counter.items()):
                rows.setdefault(row, {c: 0 for c in CLASSES})[outcome] = count
            return rows

        return {
            "seed": self.settings.seed, "minutes": self.settings.minutes,
            "limits": {"seconds": self.settings.limits.seconds,
                       "memory_bytes": self.settings.limits.memory_bytes},
            "cases": self.cases,
            "by_kind": table(self.tally.by_kind),
            "by_command": table(self.tally.by_command),
            "slowest_seconds": self.tally.slowest,
            "largest_rss_mb": self.tally.largest_mb,
            "stderr_over_10kb": dict(self.tally.long_stderr),
            "maker_errors": dict(self.tally.maker_errors),
            "findings": [{"signature": f.signature, "outcome": f.outcome,
                          "commands": sorted(f.commands), "kinds": sorted(f.kinds),
                          "count": f.count, "command_line": " ".join(f.case.argv),
                          "reproducer": f.reproducer,
                          "stderr": f.stderr.strip().splitlines()[-1:] if f.stderr else []}
                         for f in self.findings.values()],
        }


def run_campaign(settings: Settings) -> dict[str, Any]:
    corpus = load_corpus()
    with tempfile.TemporaryDirectory(prefix="vliw-fuzz-") as scratch:
        campaign = Campaign(settings, corpus, Path(scratch))
        campaign.run()
        return campaign.report()
