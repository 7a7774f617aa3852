"""The board's HTTP service: an ASGI application (Starlette), served by uvicorn.

    GET  /                                          puzzles and their counts (HTML)
    GET  /puzzles/{pack}/{puzzle}                   a puzzle's histograms (HTML)
    GET  /api/puzzles                               puzzles, metrics and counts (JSON)
    GET  /api/puzzles/{pack}/{puzzle}/histogram     the histogram (game.histogram format)
                                                    and "solutions", its count
    GET  /api/puzzles/{pack}/{puzzle}/pareto        the Pareto front of cycles by instructions
    GET  /api/puzzles/{pack}/{puzzle}/programs/{hash}  a counted program's canonical form
    POST /api/submissions                           {"puzzle", "program", "name"?} as JSON

A submission carries no score: the program is validated in a worker process
(`game.board.pool`, `game.board.validation`) and only what passes is stored. Answers:
201 accepted and new, 200 accepted but already counted (a duplicate), 400 not a
program for the puzzle or a malformed request, 404 unknown puzzle, 413 body too
large, 415 not JSON, 422 a program that runs but fails (or outlasts the time limit),
429 too many requests from this address, 503 the validation queue is full. Every
refusal is JSON with one line under "error". Submitted text is parsed and simulated,
never executed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from game.board.limits import RateLimiter, retry_after
from game.board.pages import index_page, puzzle_page
from game.board.pool import JobError, PoolBusy, ValidationPool, ValidationTimeout, WorkerLost
from game.board.storage import Storage, StorageError
from game.board.validation import Outcome, Verdict, validate_submission
from game.catalog import Catalog, CatalogError, PuzzleEntry, split_puzzle_id
from game.histogram import Histogram, pareto_front
from game.pack import PackError
from machine.text import shown_token

MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """The service's limits; the defaults are what `vliw board serve` uses."""

    max_body: int = 8 * MIB
    """Bytes of a submission's body: the take-home's full-size scalar baseline (4.7 MB of
    .vasm) fits with its JSON escapes."""
    submit_rate: float = 1.0
    """Submissions a second per client address, refilled continuously..."""
    submit_burst: int = 30
    """...up to this many at once."""
    read_rate: float = 50.0
    """Other requests a second per client address..."""
    read_burst: int = 200
    workers: int = 2
    queue_limit: int = 64
    """Submissions waiting for a free worker; more are refused with 503."""
    time_limit: float = 30.0
    """Seconds one validation may take (the full-size baseline takes under 1 s here)."""
    memory_limit: int = 4096 * MIB
    """Address space of a worker process."""


class Refused(Exception):
    """A request refused: its status and one line for the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None,
                 **extra: Any):
        super().__init__(message)
        self.status = status
        self.headers = headers
        self.extra = extra

    def response(self) -> JSONResponse:
        return JSONResponse({"error": str(self), **self.extra}, self.status, self.headers)


@dataclass(frozen=True)
class Served:
    """A puzzle's histogram as served: the object, and its JSON with the count."""

    histogram: Histogram
    body: bytes


class Board:
    """The state behind the routes: puzzles, storage, pool, limits and cached histograms."""

    def __init__(self, storage: Storage, settings: Settings, catalog: Catalog,
                 job: Callable[[str, str], Outcome]):
        self.storage = storage
        self.settings = settings
        self.catalog = catalog
        self.entries = {entry.id: entry for entry in catalog.entries()}
        self.pool = ValidationPool(job, workers=settings.workers,
                                   queue_limit=settings.queue_limit,
                                   time_limit=settings.time_limit,
                                   memory_limit=settings.memory_limit)
        self.submits = RateLimiter(settings.submit_rate, settings.submit_burst)
        self.reads = RateLimiter(settings.read_rate, settings.read_burst)
        self._served: dict[str, Served] = {}
        self._versions: dict[str, int] = {}
        self._building: dict[str, asyncio.Lock] = {}

    def entry(self, puzzle_id: str) -> PuzzleEntry:
        entry = self.entries.get(puzzle_id)
        if entry is not None:
            return entry
        try:
            split_puzzle_id(puzzle_id)
        except CatalogError as error:
            raise Refused(400, str(error)) from None
        try:
            return self.catalog.puzzle(puzzle_id)  # its message suggests close ids
        except CatalogError as error:
            raise Refused(404, f"unknown puzzle: {error}") from None
        except PackError as error:
            raise Refused(404, f"unknown puzzle {shown_token(puzzle_id)}: {error}") from None

    async def served(self, entry: PuzzleEntry) -> Served:
        """The puzzle's histogram and its JSON, kept until a new solution of it is counted.

        Built in a thread (reading every point and encoding them takes milliseconds once
        thousands are stored), once however many requests ask at the same time."""
        cached = self._served.get(entry.id)
        if cached is not None:
            return cached
        async with self._building.setdefault(entry.id, asyncio.Lock()):
            cached = self._served.get(entry.id)
            if cached is None:
                version = self._versions.get(entry.id, 0)
                cached = await asyncio.to_thread(self._build, entry)
                if self._versions.get(entry.id, 0) == version:  # nothing counted meanwhile
                    self._served[entry.id] = cached
        return cached

    def _build(self, entry: PuzzleEntry) -> Served:
        histogram = Histogram.build(entry.id, entry.puzzle.metrics,
                                    self.storage.points(entry.id))
        data = {**histogram.to_json(), "solutions": len(histogram)}
        return Served(histogram, json.dumps(data, separators=(",", ":")).encode("ascii"))

    def forget(self, puzzle_id: str) -> None:
        self._versions[puzzle_id] = self._versions.get(puzzle_id, 0) + 1
        self._served.pop(puzzle_id, None)


def _board(request: Request) -> Board:
    board: Board = request.app.state.board
    return board


def _limit(request: Request, limiter: RateLimiter) -> None:
    client = request.client.host if request.client is not None else "unknown"
    wait = limiter.take(client)
    if wait:
        raise Refused(429, f"too many requests from {client}: try again in "
                           f"{retry_after(wait)} s", {"Retry-After": retry_after(wait)})


def _path_entry(request: Request) -> PuzzleEntry:
    board = _board(request)
    _limit(request, board.reads)
    params = request.path_params
    return board.entry(f"{params['pack']}/{params['puzzle']}")


def _handled(route: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """The route, with its refusals and storage failures answered as one-line JSON."""
    async def handle(request: Request) -> Response:
        try:
            response: Response = await route(request)
        except Refused as refusal:
            return refusal.response()
        except StorageError as error:
            return Refused(500, f"the board's database failed: {error}").response()
        return response
    return handle


# --- reading ------------------------------------------------------------------------------------

@_handled
async def index(request: Request) -> Response:
    board = _board(request)
    _limit(request, board.reads)
    counts = await asyncio.to_thread(board.storage.counts)
    return HTMLResponse(index_page([(e, counts.get(e.id, 0)) for e in board.entries.values()]))


@_handled
async def puzzle_html(request: Request) -> Response:
    entry = _path_entry(request)
    return HTMLResponse(puzzle_page(entry, (await _board(request).served(entry)).histogram))


@_handled
async def puzzles(request: Request) -> Response:
    board = _board(request)
    _limit(request, board.reads)
    counts = await asyncio.to_thread(board.storage.counts)
    return JSONResponse({"puzzles": [
        {"id": e.id, "title": e.puzzle.title, "metrics": list(e.puzzle.metrics),
         "solutions": counts.get(e.id, 0)} for e in board.entries.values()]})


@_handled
async def histogram(request: Request) -> Response:
    entry = _path_entry(request)
    return Response((await _board(request).served(entry)).body, media_type="application/json")


@_handled
async def pareto(request: Request) -> Response:
    entry = _path_entry(request)
    found = (await _board(request).served(entry)).histogram
    axes = [m for m in ("cycles", "instructions") if m in found.metrics]
    front = pareto_front(found.points, axes) if len(axes) == 2 else set()
    points = sorted((p for p in found.points if p.hash in front),
                    key=lambda p: tuple(p.scores[m] for m in axes))
    return JSONResponse({"puzzle": entry.id, "axes": axes, "solutions": len(found),
                         "front": [{"hash": p.hash, **p.scores} for p in points]})


@_handled
async def program(request: Request) -> Response:
    entry = _path_entry(request)
    digest = request.path_params["digest"]
    text = await asyncio.to_thread(_board(request).storage.program, entry.id, digest)
    if text is None:
        raise Refused(404, f"{entry.id} has no counted solution {shown_token(digest)}")
    return JSONResponse({"puzzle": entry.id, "hash": digest, "program": text})


# --- submitting ---------------------------------------------------------------------------------

async def _capped_body(request: Request, cap: int) -> bytes:
    """The body, refused (413) as soon as it is known to be larger than `cap` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isascii() or not declared.isdigit():
            raise Refused(400, "the Content-Length header is not a whole number")
        if int(declared) > cap:
            raise Refused(413, f"the body has {int(declared):,} bytes; submissions are "
                               f"limited to {cap:,}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise Refused(413, f"the body has more than {cap:,} bytes; submissions are "
                               f"limited to {cap:,}")
        chunks.append(chunk)
    return b"".join(chunks)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(400, f"the body is not UTF-8 text (byte {error.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Refused(400, f"the body is not JSON: {error.msg} at line {error.lineno} "
                           f"column {error.colno}") from None
    except (ValueError, RecursionError):
        raise Refused(400, "the body is not JSON that can be read (too deep, or a number "
                           "with too many digits)") from None
    if not isinstance(data, dict):
        raise Refused(400, 'the body must be a JSON object: {"puzzle": "PACK/PUZZLE", '
                           '"program": "...", "name": "..."}')
    return data


FIELDS = {"puzzle": True, "program": True, "name": False}
"""The keys of a submission, and whether each is required."""
MAX_NAME = 40


def _text_field(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None and not FIELDS[key]:
        return None
    if not isinstance(value, str):
        raise Refused(400, f"{key!r} must be a string" if key in data else f"missing {key!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused(400, f"{key!r} is not valid Unicode text (it holds a lone surrogate)"
                      ) from None
    return value


def _submission(data: dict[str, Any]) -> tuple[str, str, str | None]:
    unknown = [key for key in data if key not in FIELDS]
    if unknown:
        raise Refused(400, f"unknown key {shown_token(unknown[0])!r}; a submission has "
                           f"{', '.join(FIELDS)}")
    puzzle, text, name = (_text_field(data, key) for key in FIELDS)
    assert puzzle is not None and text is not None
    if name is not None:
        name = name.strip()
        if len(name) > MAX_NAME or not name.isprintable():
            raise Refused(400, f"a name is at most {MAX_NAME} printable characters, not "
                               f"{shown_token(name)!r}")
    return puzzle, text, name or None


@_handled
async def submit(request: Request) -> Response:
    board = _board(request)
    _limit(request, board.submits)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise Refused(415, f"submissions are JSON (Content-Type: application/json), not "
                           f"{shown_token(kind) or 'an untyped body'}")
    body = await _capped_body(request, board.settings.max_body)
    puzzle_id, text, name = _submission(_json_object(body))
    entry = board.entry(puzzle_id)
    try:
        outcome: Outcome = await board.pool.run(entry.id, text)
    except PoolBusy as error:
        raise Refused(503, f"the board is busy ({error}); try again shortly",
                      {"Retry-After": "5"}) from None
    except ValidationTimeout as error:
        raise Refused(422, f"rejected: {error}", verdict=Verdict.FAILED.value) from None
    except (WorkerLost, JobError) as error:
        raise Refused(500, f"internal error while validating: {error}") from None
    if outcome.verdict is Verdict.INVALID:
        raise Refused(400, outcome.reason, verdict=outcome.verdict.value)
    if outcome.verdict is Verdict.FAILED:
        raise Refused(422, f"rejected: {outcome.reason}", verdict=outcome.verdict.value)
    if outcome.verdict is Verdict.BROKEN or outcome.point is None:
        raise Refused(500, outcome.reason or "internal error: no point measured")
    recorded = await asyncio.to_thread(board.storage.record, entry.id, outcome.point, name)
    if recorded.new:
        board.forget(entry.id)
    return JSONResponse({"verdict": Verdict.ACCEPTED.value, "puzzle": entry.id,
                         "hash": recorded.point.hash,
                         "scores": {m: recorded.point.scores[m] for m in entry.puzzle.metrics},
                         "new": recorded.new, "solutions": recorded.solutions},
                        201 if recorded.new else 200)


# --- the application ----------------------------------------------------------------------------

async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    message = {404: "no such page", 405: "method not allowed"}.get(error.status_code,
                                                                   str(error.detail))
    return JSONResponse({"error": f"{message}: {request.method} {shown_token(request.url.path)}"},
                        error.status_code, getattr(error, "headers", None))


async def _internal_error(request: Request, error: Exception) -> Response:
    return JSONResponse({"error": f"internal error: {type(error).__name__}"}, 500)


ROUTES = [
    Route("/", index),
    Route("/puzzles/{pack}/{puzzle}", puzzle_html),
    Route("/api/puzzles", puzzles),
    Route("/api/puzzles/{pack}/{puzzle}/histogram", histogram),
    Route("/api/puzzles/{pack}/{puzzle}/pareto", pareto),
    Route("/api/puzzles/{pack}/{puzzle}/programs/{digest}", program),
    Route("/api/submissions", submit, methods=["POST"]),
]


def create_app(storage: Storage, settings: Settings | None = None,
               catalog: Catalog | None = None,
               job: Callable[[str, str], Outcome] = validate_submission) -> Starlette:
    """The service over a storage; its workers start and stop with the application."""
    board = Board(storage, settings or Settings(), catalog or Catalog(), job)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await board.pool.start()
        try:
            yield
        finally:
            await board.pool.close()
            storage.close()

    app = Starlette(routes=ROUTES, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error, 500: _internal_error})
    app.state.board = board
    return app
