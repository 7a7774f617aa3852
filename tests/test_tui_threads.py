"""Thread workers run each job in a context of its own, so an idle pool thread keeps
nothing of the last job it ran (Textual's active worker, and through it a closed screen).
The app's use of it is tested by `test_an_editor_left_behind_is_not_kept_alive`."""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from game.tui.threads import JobContextExecutor

mark: contextvars.ContextVar[str] = contextvars.ContextVar("mark")


def set_mark(value: str) -> str:
    mark.set(value)
    return threading.current_thread().name


def read_mark() -> tuple[str, str]:
    return mark.get("unset"), threading.current_thread().name


def test_a_plain_pool_thread_keeps_what_its_last_job_set() -> None:
    """The behaviour the executor is there to avoid, so that the next test can fail."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        thread = pool.submit(set_mark, "first job").result()
        assert pool.submit(read_mark).result() == ("first job", thread)


def test_each_job_starts_in_a_fresh_context_on_the_same_thread() -> None:
    with JobContextExecutor(max_workers=1) as pool:
        thread = pool.submit(set_mark, "first job").result()
        assert pool.submit(read_mark).result() == ("unset", thread)


def test_a_job_gives_back_its_result_and_its_error() -> None:
    def fails() -> None:
        raise ValueError("from the job")

    with JobContextExecutor(max_workers=1) as pool:
        assert pool.submit(divmod, 7, 2).result() == (3, 1)
        assert pool.submit(lambda *, base: int("ff", base), base=16).result() == 255
        with pytest.raises(ValueError, match="from the job"):
            pool.submit(fails).result()

