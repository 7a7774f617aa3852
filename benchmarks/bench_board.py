"""Submissions a second a leaderboard sustains here, and its histogram latency under load.

    python benchmarks/bench_board.py                    # 600 submissions, 8 clients
    python benchmarks/bench_board.py --count 2000 --clients 16 --seconds 120

Starts `vliw board serve` on a free loopback port with a fresh database (the rate
limit lifted: every client here has the same address), then sends `--count` distinct
valid programs for minimal/digits (the shipped countdown loop with one more slot,
`add_imm digit, digit, K`, a different K each: each is a new solution the board
validates in full and stores) from `--clients` threads over keep-alive connections.
Meanwhile one more thread asks for the puzzle's histogram again and again; every
accepted submission makes the board rebuild it, so each request reads every point
stored so far. Everything stays on 127.0.0.1, and the run stops after `--count`
submissions or `--seconds`, whichever comes first. The clients share the machine's
cores with the server and its validation workers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_board import start_server, stop_server  # noqa: E402  (the same start as the tests')

COUNTDOWN = ROOT / "solutions/minimal/digits/countdown.vasm"
PUZZLE = "minimal/digits"
HISTOGRAM = f"/api/puzzles/{PUZZLE}/histogram"
TIMEOUT = 30.0


def variants(count: int) -> Iterator[str]:
    """Distinct programs that pass: the countdown loop plus one slot that changes nothing
    checked (`digit` is overwritten before it is stored); header claims left out."""
    lines = [line for line in COUNTDOWN.read_text(encoding="utf-8").splitlines()
             if not re.match(r"# (cycles|instructions|scratch):", line)]
    at = lines.index("next:")
    for k in range(count):
        yield "\n".join([*lines[:at], f"    add_imm digit, digit, {k}", *lines[at:]]) + "\n"


class Load:
    """Clients sending submissions from one shared queue of programs until it runs out,
    or the time is up."""

    def __init__(self, port: int, programs: list[str], deadline: float):
        self.port = port
        self.programs = iter(programs)
        self.deadline = deadline
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.done = threading.Event()

    def _next(self) -> str | None:
        with self.lock:
            if time.monotonic() > self.deadline:
                return None
            return next(self.programs, None)

    def client(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            while (program := self._next()) is not None:
                body = json.dumps({"puzzle": PUZZLE, "program": program})
                connection.request("POST", "/api/submissions", body=body,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                with self.lock:
                    self.statuses[response.status] += 1
        finally:
            connection.close()


READS_PER_SECOND = 25
"""How often the reader asks for the histogram: under the board's limit of 50 a second
for one address, as a few people watching the page would."""


def histogram_latencies(port: int, stop_when: threading.Event, limit: int) -> list[float]:
    """Seconds each histogram request took, asked READS_PER_SECOND times a second until
    told to stop."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    times: list[float] = []
    next_at = time.perf_counter()
    try:
        while not stop_when.is_set() and len(times) < limit:
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += 1 / READS_PER_SECOND
            started = time.perf_counter()
            connection.request("GET", HISTOGRAM)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return times


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
            f"({len(ordered)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600, help="submissions to send")
    parser.add_argument("--clients", type=int, default=8, help="submitting threads")
    parser.add_argument("--seconds", type=float, default=60.0, help="stop after this long")
    parser.add_argument("--workers", type=int, help="the board's validation workers")
    args = parser.parse_args()
    if not 1 <= args.count <= 20_000 or not 1 <= args.clients <= 64:
        parser.error("--count must be in 1..20000 and --clients in 1..64")
    programs = list(variants(args.count))
    with tempfile.TemporaryDirectory() as folder:
        options = ["--rate", "1000000", "--burst", "1000000"]  # one address sends everything
        options += [] if args.workers is None else ["--workers", str(args.workers)]
        server = start_server(Path(folder), *options)
        port = server.port
        try:
            idle = histogram_latencies(port, threading.Event(), 50)
            load = Load(port, programs, time.monotonic() + args.seconds)
            clients = [threading.Thread(target=load.client) for _ in range(args.clients)]
            reader_times: list[float] = []
            reader = threading.Thread(target=lambda: reader_times.extend(
                histogram_latencies(port, load.done, 100_000)))
            started = time.perf_counter()
            reader.start()
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join()
            elapsed = time.perf_counter() - started
            load.done.set()
            reader.join()
            final = histogram_latencies(port, threading.Event(), 1)
        finally:
            stop_server(server.process)
    sent = sum(load.statuses.values())
    print(f"board on 127.0.0.1, {args.clients} clients, {PUZZLE}: {sent} submissions in "
          f"{elapsed:.1f} s = {sent / elapsed:.0f} submissions/s "
          f"(answers: {dict(sorted(load.statuses.items()))})")
    print(f"histogram request, idle:       {describe(idle)}")
    print(f"histogram request, under load: {describe(reader_times)}")
    print(f"histogram request, after load: {describe(final)} "
          f"(the board then holds {load.statuses[201]} distinct solutions)")
    if set(load.statuses) != {201}:
        raise SystemExit("some submissions were not accepted as new")


if __name__ == "__main__":
    main()
