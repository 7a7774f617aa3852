"""Several processes opening one score database at once, as first runs of the game do.

Real processes, not threads: SQLite's locks are per process and file. Each round
starts six processes on a data folder that does not exist yet, released together by a
barrier, so they race to create the folder, the file, the WAL and the schema.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path

from game.store import ScoreStore, StoreError

PROCESSES = 6
ROUNDS = 20
WAIT = 60.0
"""Seconds a round may take before the test calls it hung (a round takes well under one)."""


def _first_run(path: str, number: int, barrier: Barrier, results: multiprocessing.Queue) -> None:
    barrier.wait(WAIT)
    try:
        with ScoreStore.open(Path(path)) as store:
            store.record("p/q", f"solution {number}", f"{number:064x}",
                         {"cycles": 100 + number, "instructions": 10, "scratch": 1})
            store.best("p/q")
        results.put("ok")
    except StoreError as error:
        results.put(str(error))


def _context() -> multiprocessing.context.BaseContext:
    """Fresh processes, where the platform has them from a fork server.

    A plain fork copies the test process's state and, in practice, never races;
    children of a fork server that imported the store once start fast and do race
    (before the store retried, some of them failed in every run of this test).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["game.store", __name__])
    return context


def test_six_processes_creating_a_fresh_data_folder_at_once_all_succeed(tmp_path: Path) -> None:
    context = _context()
    for round_ in range(ROUNDS):
        path = tmp_path / f"home {round_}" / "scores.sqlite3"
        barrier = context.Barrier(PROCESSES)
        results = context.Queue()
        workers = [context.Process(target=_first_run, args=(str(path), n, barrier, results))
                   for n in range(PROCESSES)]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=WAIT) for _ in workers]
        for worker in workers:
            worker.join(WAIT)
        failures = [outcome for outcome in outcomes if outcome != "ok"]
        assert failures == [], f"round {round_}: {len(failures)} first runs failed"
        with ScoreStore.open(path) as store:
            assert len(store.runs("p/q")) == PROCESSES
