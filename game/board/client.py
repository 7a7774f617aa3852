"""Talking to a board over HTTP: submitting a program, fetching a histogram.

Standard library only (`urllib`), so `vliw hist --url` and `vliw board submit` need no
web framework. Every request has a time limit and every answer a size cap; a board
that cannot be reached, does not answer in time, or answers something that is not the
JSON it should be is a `BoardError` with one line saying which.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from game.catalog import split_puzzle_id
from game.histogram import MAX_HISTOGRAM_BYTES, Histogram, HistogramError, from_json
from machine.text import shown_token

READ_TIMEOUT = 30.0
"""Seconds to wait for a page or a histogram."""
SUBMIT_TIMEOUT = 180.0
"""Seconds to wait for a submission's verdict: its wait in the board's queue, then its
validation (the board's own limit is 30 s)."""
MAX_ANSWER_BYTES = MAX_HISTOGRAM_BYTES + 1024
"""Largest answer read: a histogram file's limit, and its count beside it."""


class BoardError(Exception):
    """The board cannot be reached or answers nonsense: one line."""


@dataclass(frozen=True)
class Answer:
    status: int
    data: dict[str, Any]

    @property
    def message(self) -> str:
        """The board's one line for a refusal."""
        return shown_token(str(self.data.get("error", f"HTTP {self.status}")), 400)


def base_url(url: str) -> str:
    """The board's address without a trailing slash; BoardError unless it is http(s)."""
    if not url.startswith(("http://", "https://")):
        raise BoardError(f"a board's URL begins with http:// or https://, not "
                         f"{shown_token(url)!r}")
    return url.rstrip("/")


def request_json(url: str, body: dict[str, Any] | None = None,
                 timeout: float = READ_TIMEOUT) -> Answer:
    """GET (or POST `body` as JSON) and the JSON object answered, whatever its status."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                     headers={"Accept": "application/json",
                                              "Content-Type": "application/json"})
    where = shown_token(url, 200)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(MAX_ANSWER_BYTES + 1)
        error.close()
    except TimeoutError:
        raise BoardError(f"{where}: no answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise BoardError(f"{where}: no answer within {timeout:g} s") from None
        raise BoardError(f"{where}: cannot reach the board: {error.reason}") from None
    except (OSError, ValueError) as error:  # a connection reset, an invalid address
        raise BoardError(f"{where}: cannot reach the board: {error}") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise BoardError(f"{where}: the answer is larger than {MAX_ANSWER_BYTES:,} bytes")
    try:
        decoded = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BoardError(f"{where}: answered HTTP {status} with something that is not "
                         "JSON (is this a vliw board?)") from None
    if not isinstance(decoded, dict):
        raise BoardError(f"{where}: answered HTTP {status} with JSON that is not an object")
    return Answer(status, decoded)


def submit(url: str, puzzle: str, program: str, name: str | None = None,
           timeout: float = SUBMIT_TIMEOUT) -> Answer:
    body: dict[str, Any] = {"puzzle": puzzle, "program": program}
    if name is not None:
        body["name"] = name
    return request_json(f"{base_url(url)}/api/submissions", body, timeout)


def histogram_url(url: str, puzzle_id: str) -> str:
    pack, puzzle = split_puzzle_id(puzzle_id)
    return f"{base_url(url)}/api/puzzles/{quote(pack, safe='')}/{quote(puzzle, safe='')}" \
           "/histogram"


def fetch_histogram(url: str, puzzle_id: str, timeout: float = READ_TIMEOUT) -> Histogram:
    """The board's histogram of a puzzle, checked as a histogram file is."""
    address = histogram_url(url, puzzle_id)
    answer = request_json(address, timeout=timeout)
    if answer.status != 200:
        raise BoardError(f"{shown_token(address, 200)}: {answer.message}")
    data = dict(answer.data)
    count = data.pop("solutions", None)
    try:
        histogram = from_json(data, shown_token(address, 200))
    except HistogramError as error:
        raise BoardError(str(error)) from None
    if count != len(histogram):
        raise BoardError(f"{shown_token(address, 200)}: says {count!r} solutions but lists "
                         f"{len(histogram)}")
    if histogram.puzzle != puzzle_id:
        raise BoardError(f"{shown_token(address, 200)}: holds the histogram of "
                         f"{histogram.puzzle}, not {puzzle_id}")
    return histogram
