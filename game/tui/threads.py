"""Thread workers that leave nothing behind them.

Textual runs a thread worker on the event loop's default executor and marks it
active (its `active_worker` context variable) in the pool thread's own context,
never to be unset. The pool keeps its threads for the next jobs, so each idle
thread would keep alive the last worker it ran and, through it, the screen that
started it: a closed puzzle's editor, solution and results, up to one screen per
thread. Here every job runs in a context made for it and dropped with it, as it
would on a new thread.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

Params = ParamSpec("Params")
Result = TypeVar("Result")


class JobContextExecutor(ThreadPoolExecutor):
    """A thread pool that runs each job in a fresh, empty context."""

    def submit(self, fn: Callable[Params, Result], /,
               *args: Params.args, **kwargs: Params.kwargs) -> Future[Result]:
        return super().submit(contextvars.Context().run, fn, *args, **kwargs)


def run_workers_in_job_contexts(loop: asyncio.AbstractEventLoop) -> None:
    """Make `loop` run thread workers (its default executor's jobs) one context each."""
    loop.set_default_executor(JobContextExecutor(thread_name_prefix="vliw-worker"))
