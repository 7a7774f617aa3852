"""Validation in worker processes: a slow submission never blocks the service.

Each worker is a process of its own (started with `spawn`: nothing of the server's
state, threads or sockets is copied into it) that answers one job at a time over a
pipe. The service waits for the answer in a thread, so its event loop keeps serving
pages while programs run. Three bounds:

- **queue**: at most `queue_limit` jobs wait for a free worker; one more is refused at
  once (`PoolBusy`), so a flood of submissions costs memory for that many only;
- **time**: a job that has not answered after `time_limit` seconds is ended by killing
  its worker (`ValidationTimeout`), which is replaced by a fresh one; the cycle limits
  of the puzzles already bound every run, so this is a backstop for what they do not
  cover (parsing a huge program, a machine much slower than expected);
- **memory**: each worker's address space is capped (`RLIMIT_AS`, where the system
  has it); a job that runs out of it gets a `MemoryError` and the worker lives on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_CONTEXT = multiprocessing.get_context("spawn")


class PoolBusy(Exception):
    """Every worker is busy and the queue is full."""


class ValidationTimeout(Exception):
    """A job ran past the time limit; its worker was ended."""


class WorkerLost(Exception):
    """A worker died during a job (killed from outside, or a crash of the interpreter)."""


class JobError(Exception):
    """The job raised an exception in the worker: a bug, told in one line."""


def _serve(conn: multiprocessing.connection.Connection, job: Callable[..., Any],
           memory_limit: int | None) -> None:
    """A worker's life: answer each job sent until the pipe closes."""
    if memory_limit is not None:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):
            pass  # no such limit here: the other bounds still hold
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[bool, Any] = (True, job(*args))
        except MemoryError:
            answer = (False, f"ran out of the {memory_limit or 0:,} bytes of memory a "
                             "validation may use")
        except Exception as error:
            answer = (False, f"{type(error).__name__}: {error}")
        conn.send(answer)


class _Worker:
    def __init__(self, job: Callable[..., Any], memory_limit: int | None):
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child, job, memory_limit),
                                        daemon=True, name="vliw-board-validation")
        self.process.start()
        child.close()

    def call(self, args: tuple[Any, ...], time_limit: float) -> Any:
        """The job's answer; blocks the calling thread (never the event loop)."""
        self.conn.send(args)
        if not self.conn.poll(time_limit):
            raise ValidationTimeout(f"validation did not finish within {time_limit:g} s")
        try:
            ok, answer = self.conn.recv()
        except (EOFError, OSError):
            raise WorkerLost("the validating process died") from None
        if not ok:
            raise JobError(answer)
        return answer

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class ValidationPool:
    """`await pool.run(*args)` runs `job(*args)` in a worker process within the bounds."""

    def __init__(self, job: Callable[..., Any], *, workers: int, queue_limit: int,
                 time_limit: float, memory_limit: int | None = None):
        if workers < 1 or queue_limit < 0 or time_limit <= 0:
            raise ValueError("a pool needs at least one worker, a queue and a time limit")
        self.job = job
        self.workers = workers
        self.queue_limit = queue_limit
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self._threads = ThreadPoolExecutor(max_workers=workers + 1,
                                           thread_name_prefix="vliw-board-wait")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._closed = False
        self._replacing: set[asyncio.Task[None]] = set()

    @property
    def waiting(self) -> int:
        return self._waiting

    async def start(self) -> None:
        """Start every worker (each imports the scoring code once, up front)."""
        await asyncio.gather(*(self._add_worker() for _ in range(self.workers)))

    async def _add_worker(self) -> None:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(self._threads, _Worker, self.job,
                                            self.memory_limit)
        if self._closed:
            await loop.run_in_executor(self._threads, worker.stop)
            return
        self._all.add(worker)
        self._idle.put_nowait(worker)

    async def run(self, *args: Any) -> Any:
        """The job's result; PoolBusy, ValidationTimeout, WorkerLost or JobError if none."""
        if self._closed:
            raise PoolBusy("the service is shutting down")
        if self._idle.empty() and self._waiting >= self.queue_limit:
            raise PoolBusy(f"{self._waiting} validations are already waiting")
        self._waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self._waiting -= 1
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._threads, worker.call, args,
                                                self.time_limit)
        except JobError:
            self._idle.put_nowait(worker)  # the worker itself is fine
            raise
        except BaseException:  # timed out, died, or the request was cancelled mid-job
            self._all.discard(worker)
            await loop.run_in_executor(self._threads, worker.stop)
            if not self._closed:
                task = loop.create_task(self._add_worker())
                self._replacing.add(task)
                task.add_done_callback(self._replacing.discard)
            raise
        self._idle.put_nowait(worker)
        return result

    async def close(self) -> None:
        self._closed = True
        loop = asyncio.get_running_loop()
        await asyncio.gather(*self._replacing, return_exceptions=True)
        workers, self._all = list(self._all), set()
        await asyncio.gather(*(loop.run_in_executor(self._threads, w.stop) for w in workers))
        self._threads.shutdown(wait=False)


def default_workers() -> int:
    """One worker per core the process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:
        return max(os.cpu_count() or 1, 1)
