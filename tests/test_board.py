"""The leaderboard server, run for real: `vliw board serve` in a subprocess on a free
loopback port, spoken to over HTTP.

Every request has a time limit and every server is ended at teardown. Submissions
are valid, duplicate (the same program reformatted), wrong, forged (a program that
recognises the scored seeds: it must be scored at its slow path) and garbage; each
test checks what the board answers, what it stores (read from its SQLite file) and
what it serves.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_forged_scores import forged_digits
from test_startup import PACKED, modules_loaded, under

from game.board.client import BoardError, fetch_histogram
from game.board.limits import RateLimiter
from game.board.pool import PoolBusy, ValidationPool, ValidationTimeout
from game.board.storage import SqliteStorage, StorageError
from game.catalog import Catalog
from game.histogram import Point
from game.paths import SOLUTIONS_DIR
from game.scoring import score_program
from machine.identity import content_hash
from machine.loader import parse_program

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30.0
"""Seconds any one request or command may take before the test fails."""
DIGITS = "minimal/digits"
COUNTDOWN = (SOLUTIONS_DIR / "minimal/digits/countdown.vasm").read_text(encoding="utf-8")
STRAIGHT = (SOLUTIONS_DIR / "minimal/digits/straightforward.vasm").read_text(encoding="utf-8")
WRONG = COUNTDOWN.replace("const ten, 10", "const ten, 9").replace("# cycles: 24\n", "")


@dataclass
class Server:
    url: str
    host: str
    port: int
    db: Path
    process: subprocess.Popen[bytes]
    log: Path

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def json(self, method: str, path: str, body: bytes | None = None,
             content_type: str = "application/json") -> tuple[int, dict[str, Any]]:
        status, headers, raw = self.request(method, path, body, {"Content-Type": content_type})
        assert headers["content-type"] == "application/json", raw[:200]
        assert raw.count(b"\n") == 0  # one line
        return status, json.loads(raw)

    def submit(self, program: str, puzzle: str = DIGITS, **extra: Any) -> tuple[int, dict]:
        body = json.dumps({"puzzle": puzzle, "program": program, **extra}).encode()
        return self.json("POST", "/api/submissions", body)

    def histogram(self, puzzle: str = DIGITS) -> dict[str, Any]:
        status, data = self.json("GET", f"/api/puzzles/{puzzle}/histogram")
        assert status == 200, data
        return data

    def stored(self) -> SqliteStorage:
        return SqliteStorage(self.db)


def vliw(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=TIMEOUT * 2)


def start_server(folder: Path, *options: str) -> Server:
    """`vliw board serve --port 0` in a subprocess; its line on stderr gives the port."""
    db, log = folder / "board.sqlite3", folder / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "game", "board", "serve", "--db", str(db), "--host",
             "127.0.0.1", "--port", "0", *options],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"serving http://127\.0\.0\.1:(\d+)/", log.read_text("utf-8", "replace"))
        if found and "startup complete" in log.read_text("utf-8", "replace"):
            port = int(found.group(1))
            return Server(f"http://127.0.0.1:{port}", "127.0.0.1", port, db, process, log)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop_server(process)
    raise AssertionError(f"the board did not start: {log.read_text('utf-8', 'replace')}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("board"), "--workers", "2", "--rate", "1000",
                          "--burst", "1000")
    try:
        yield server
    finally:
        stop_server(server.process)


def local_score(text: str, puzzle: str = DIGITS) -> tuple[str, dict[str, int]]:
    entry = Catalog().puzzle(puzzle)
    program = parse_program(text, None, entry.puzzle.machine.vlen)
    report = score_program(entry.puzzle, program, puzzle_id=entry.id)
    assert report.passed
    return content_hash(program), report.scores.as_dict()


# --- submissions over HTTP ----------------------------------------------------------------------

def test_a_valid_submission_is_scored_by_the_board_stored_and_served(board: Server) -> None:
    status, data = board.submit(STRAIGHT, name="ada")
    digest, scores = local_score(STRAIGHT)
    assert status == 201, data
    assert data["verdict"] == "accepted" and data["new"] is True
    assert data["hash"] == digest and data["scores"] == scores
    served = board.histogram()
    assert served["solutions"] == len(served["points"])
    assert {"hash": digest, **scores} in served["points"]
    storage = board.stored()
    try:
        assert Point(digest, scores) in storage.points(DIGITS)
        program = storage.program(DIGITS, digest)
        assert program is not None and content_hash(parse_program(program)) == digest
    finally:
        storage.close()


def test_a_duplicate_is_recognised_and_not_counted_twice(board: Server) -> None:
    first_status, first = board.submit(COUNTDOWN)
    assert first_status in (200, 201), first
    before = board.histogram()["solutions"]
    renamed = "# another layout, the same program\n" + COUNTDOWN.replace("ten", "base")
    status, again = board.submit(renamed, name="copycat")
    assert status == 200, again
    assert again["new"] is False and again["hash"] == first["hash"]
    assert again["solutions"] == before == board.histogram()["solutions"]
    storage = board.stored()
    try:
        assert [p.hash for p in storage.points(DIGITS)].count(first["hash"]) == 1
        assert storage.submissions(DIGITS) >= 2
    finally:
        storage.close()


def test_a_wrong_program_is_rejected_with_the_reason_and_not_stored(board: Server) -> None:
    before = board.histogram()["solutions"]
    status, data = board.submit(WRONG)
    assert status == 422, data
    assert data["verdict"] == "failed"
    assert "should be" in data["error"] and data["error"].startswith("rejected: submission:")
    assert board.histogram()["solutions"] == before
    storage = board.stored()
    try:
        assert content_hash(parse_program(WRONG)) not in {p.hash for p in storage.points(DIGITS)}
    finally:
        storage.close()


def test_a_forged_program_is_scored_at_its_slow_path(board: Server) -> None:
    forged = forged_digits()
    entry = Catalog().puzzle(DIGITS)
    report = score_program(entry.puzzle, parse_program(forged), puzzle_id=DIGITS)
    scored = max(t.cycles for t in report.tests if t.kind == "scored")
    status, data = board.submit(forged)
    assert status == 201, data
    assert data["scores"]["cycles"] == report.scores.cycles > scored
    point = next(p for p in board.histogram()["points"] if p["hash"] == data["hash"])
    assert point["cycles"] == report.scores.cycles


def test_a_submission_claims_nothing_a_false_header_claim_is_rejected(board: Server) -> None:
    status, data = board.submit(STRAIGHT.replace("# cycles: 64", "# cycles: 1"))
    assert status == 422, data
    assert "claims cycles 1" in data["error"]


GARBAGE: list[tuple[str, bytes, str, int, str]] = [
    ("not UTF-8", b'{"puzzle": "\xff\xfe"}', "application/json", 400, "not UTF-8"),
    ("not JSON", b"puzzle=minimal/digits", "application/json", 400, "not JSON"),
    ("deep JSON", b"[" * 100_000, "application/json", 400, "not JSON"),
    ("not an object", b'["minimal/digits"]', "application/json", 400, "JSON object"),
    ("no program", b'{"puzzle": "minimal/digits"}', "application/json", 400, "missing 'program'"),
    ("a number as program", b'{"puzzle": "minimal/digits", "program": 7}',
     "application/json", 400, "'program' must be a string"),
    ("unknown key", b'{"puzzle": "minimal/digits", "program": "x", "score": 1}',
     "application/json", 400, "unknown key 'score'"),
    ("lone surrogate", b'{"puzzle": "minimal/digits", "program": "\\ud800"}',
     "application/json", 400, "lone surrogate"),
    ("garbage program", json.dumps({"puzzle": DIGITS, "program": "\x1b[2J rm -rf /"}).encode(),
     "application/json", 400, "submission:1:"),
    ("NUL in program", json.dumps({"puzzle": DIGITS, "program": "halt\0"}).encode(),
     "application/json", 400, "NUL"),
    ("broken take-home JSON", json.dumps({"puzzle": DIGITS, "program": "[{\"alu\": "}).encode(),
     "application/json", 400, "not valid JSON"),
    ("unknown puzzle", json.dumps({"puzzle": "minimal/digit", "program": "halt"}).encode(),
     "application/json", 404, "did you mean minimal/digits"),
    ("malformed puzzle id", json.dumps({"puzzle": "<script>", "program": "halt"}).encode(),
     "application/json", 400, "PACK/PUZZLE"),
    ("long name", json.dumps({"puzzle": DIGITS, "program": COUNTDOWN, "name": "n" * 500}
                             ).encode(), "application/json", 400, "at most 40"),
    ("text body", COUNTDOWN.encode(), "text/plain", 415, "application/json"),
    ("form body", b"a=1", "application/x-www-form-urlencoded", 415, "application/json"),
]


@pytest.mark.parametrize(("body", "content_type", "status", "says"),
                         [g[1:] for g in GARBAGE], ids=[g[0] for g in GARBAGE])
def test_garbage_is_refused_with_a_clear_one_line_message(
        board: Server, body: bytes, content_type: str, status: int, says: str) -> None:
    before = board.histogram()["solutions"]
    got, data = board.json("POST", "/api/submissions", body, content_type)
    assert got == status, data
    assert says in data["error"]
    assert "Traceback" not in data["error"]
    assert board.histogram()["solutions"] == before


def test_an_oversized_body_is_refused_from_its_declared_length_unread(board: Server) -> None:
    """Only the headers are sent: the board answers without waiting for 100 MB."""
    with socket.create_connection((board.host, board.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"POST /api/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/json\r\nContent-Length: 100000000\r\n\r\n")
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"limited to 8,388,608" in body


def test_an_oversized_chunked_body_is_refused_once_past_the_cap(board: Server) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"puzzle": "minimal/digits", "program": "'
        for _ in range(9):
            yield b"x" * (1024 * 1024)

    connection = http.client.HTTPConnection(board.host, board.port, timeout=TIMEOUT)
    try:
        connection.request("POST", "/api/submissions", body=chunks(),
                           headers={"Content-Type": "application/json"}, encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 413
        assert "more than 8,388,608 bytes" in json.loads(response.read())["error"]
    except (BrokenPipeError, ConnectionResetError):
        pass  # the board may close the connection before the last chunks are sent
    finally:
        connection.close()


def test_unknown_pages_and_methods_are_json_errors(board: Server) -> None:
    assert board.json("GET", "/nowhere")[0] == 404
    assert board.json("GET", "/api/submissions")[0] == 405
    status, data = board.json("GET", "/api/puzzles/minimal/nope/histogram")
    assert status == 404 and "has no puzzle 'nope'" in data["error"]


def test_the_puzzle_list_pareto_front_and_programs_are_served(board: Server) -> None:
    board.submit(COUNTDOWN)
    status, listing = board.json("GET", "/api/puzzles")
    assert status == 200
    ids = {p["id"]: p["solutions"] for p in listing["puzzles"]}
    assert set(ids) == {e.id for e in Catalog().entries()}
    assert ids[DIGITS] == board.histogram()["solutions"] >= 1
    status, pareto = board.json("GET", f"/api/puzzles/{DIGITS}/pareto")
    digest, scores = local_score(COUNTDOWN)
    assert status == 200 and pareto["axes"] == ["cycles", "instructions"]
    assert {"hash": digest, **scores} in pareto["front"]  # 24 cycles, 8 instructions: the best
    status, program = board.json("GET", f"/api/puzzles/{DIGITS}/programs/{digest}")
    assert status == 200 and content_hash(parse_program(program["program"])) == digest
    assert board.json("GET", f"/api/puzzles/{DIGITS}/programs/{'0' * 64}")[0] == 404


def test_the_pages_list_puzzles_and_show_histograms_escaped(board: Server) -> None:
    board.submit(COUNTDOWN)
    status, headers, page = board.request("GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    text = page.decode()
    assert 'href="/puzzles/minimal/digits"' in text and "<script" not in text
    status, _, page = board.request("GET", "/puzzles/minimal/digits")
    assert status == 200 and "<pre>instructions" in page.decode()
    status, headers, page = board.request("GET", "/puzzles/minimal/%3Cscript%3E")
    assert status == 404 and headers["content-type"] == "application/json"  # never as HTML


# --- the commands -------------------------------------------------------------------------------

def test_submit_exits_0_when_accepted_1_when_wrong_2_when_unreadable(
        board: Server, tmp_path: Path) -> None:
    good = SOLUTIONS_DIR / "minimal/digits/countdown.vasm"
    done = vliw("board", "submit", str(good), "--puzzle", DIGITS, "--url", board.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("accepted: minimal/digits instructions 8, cycles 24")
    wrong = tmp_path / "wrong.vasm"
    wrong.write_text(WRONG, encoding="utf-8")
    done = vliw("board", "submit", str(wrong), "--puzzle", DIGITS, "--url", board.url)
    assert done.returncode == 1
    assert done.stderr.startswith(f"rejected: {wrong}: case 'nine nines': word 1")
    binary = tmp_path / "binary.vasm"
    binary.write_bytes(b"\xff\xfe\x00")
    done = vliw("board", "submit", str(binary), "--puzzle", DIGITS, "--url", board.url)
    assert done.returncode == 2 and "is not a text file" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    other = SOLUTIONS_DIR / "minimal/gcd/swap.vasm"
    done = vliw("board", "submit", str(other), "--puzzle", DIGITS, "--url", board.url)
    assert done.returncode == 2 and "names puzzle minimal/gcd" in done.stderr


def test_submit_exits_2_when_the_board_is_unreachable_or_garbled(tmp_path: Path) -> None:
    good = str(SOLUTIONS_DIR / "minimal/digits/countdown.vasm")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    done = vliw("board", "submit", good, "--puzzle", DIGITS, "--url", f"http://127.0.0.1:{port}")
    assert done.returncode == 2 and "cannot reach the board" in done.stderr
    with garbling_server() as url:
        done = vliw("board", "submit", good, "--puzzle", DIGITS, "--url", url)
    assert done.returncode == 2 and "not JSON" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    done = vliw("board", "submit", good, "--puzzle", DIGITS, "--url", "file:///etc/passwd")
    assert done.returncode == 2 and "http://" in done.stderr


class garbling_server:
    """A loopback server that answers every request with a page of nonsense."""

    def __enter__(self) -> str:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(TIMEOUT)
        self.thread = threading.Thread(target=self._answer, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _answer(self) -> None:
        try:
            connection, _ = self.sock.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(TIMEOUT)
            connection.recv(65536)
            connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>hi")

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        self.thread.join(timeout=TIMEOUT)


def test_hist_url_shows_the_boards_histogram_and_its_count(board: Server) -> None:
    board.submit(COUNTDOWN)
    served = board.histogram()
    done = vliw("hist", DIGITS, "--url", board.url, "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["solutions"] == served["solutions"] == len(shown["points"]) >= 1
    assert shown["metrics"]["cycles"]["counts"] == served["metrics"]["cycles"]["counts"]
    done = vliw("hist", DIGITS, "--url", board.url, "--width", "60")
    assert done.returncode == 0, done.stderr
    count = served["solutions"]
    assert f"instructions ({served['metrics']['instructions']['scale']} scale, " \
           f"{count} recorded solution{'s' * (count != 1)})" in done.stdout
    assert fetch_histogram(board.url, DIGITS).puzzle == DIGITS
    with pytest.raises(BoardError, match="not JSON"), garbling_server() as url:
        fetch_histogram(url, DIGITS)


def test_the_rate_limit_refuses_a_client_past_its_burst(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--workers", "1", "--rate", "0.01", "--burst", "2")
    try:
        answers = [server.submit(COUNTDOWN)[0] for _ in range(3)]
        assert answers[:2] == [201, 200]
        status, headers, raw = server.request(
            "POST", "/api/submissions", b"{}", {"Content-Type": "application/json"})
        assert status == 429 and int(headers["retry-after"]) >= 1
        assert "too many requests from 127.0.0.1" in json.loads(raw)["error"]
        assert answers[2] == 429
        assert server.json("GET", "/api/puzzles")[0] == 200  # reading has its own bucket
    finally:
        stop_server(server.process)


def test_serve_refuses_a_taken_port_and_a_bad_database_in_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = vliw("board", "serve", "--db", str(tmp_path / "b.db"), "--port", str(port))
    assert done.returncode == 2 and "cannot listen on 127.0.0.1:" in done.stderr
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    done = vliw("board", "serve", "--db", str(bad), "--port", "0")
    assert done.returncode == 2 and "cannot open the board's database" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_check_does_not_import_the_board() -> None:
    loaded = modules_loaded("check", str(PACKED))
    assert under(loaded, ("game.board", "starlette", "uvicorn", "urllib.request")) == []


# --- the parts ----------------------------------------------------------------------------------

def test_storage_counts_a_program_once_and_ignores_older_rules(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    point = Point("a" * 64, {"cycles": 5, "instructions": 3, "scratch": 1}, "[]")
    storage = SqliteStorage(path)
    try:
        assert storage.record(DIGITS, point, "x").new
        again = storage.record(DIGITS, point, None)
        assert not again.new and again.solutions == 1
        assert storage.submissions(DIGITS) == 2 and storage.counts() == {DIGITS: 1}
        with pytest.raises(ValueError, match="program"):
            storage.record(DIGITS, point.without_program(), None)
    finally:
        storage.close()
    newer = SqliteStorage(path, rule=99)
    try:
        assert newer.points(DIGITS) == [] and newer.program(DIGITS, "a" * 64) is None
        assert newer.record(DIGITS, point, None).new  # measured again under the new rule
    finally:
        newer.close()


def test_storage_refuses_a_database_of_another_schema(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 7")
    db.close()
    with pytest.raises(StorageError, match="schema version 7"):
        SqliteStorage(path)


def test_the_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=3, max_clients=2, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.take("a") == 0.0
    assert limiter.take("b") == 0.0 and limiter.take("c") == 0.0  # "a" is forgotten
    assert limiter.take("a") == 0.0


def test_the_pool_ends_a_validation_past_its_time_limit_and_goes_on() -> None:
    async def scenario() -> None:
        pool = ValidationPool(time.sleep, workers=1, queue_limit=1, time_limit=0.5)
        await pool.start()
        try:
            started = time.monotonic()
            with pytest.raises(ValidationTimeout):
                await pool.run(60)
            assert time.monotonic() - started < 10
            assert await asyncio.wait_for(pool.run(0), TIMEOUT) is None  # a fresh worker
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_the_pool_refuses_work_past_its_queue() -> None:
    async def scenario() -> None:
        pool = ValidationPool(time.sleep, workers=1, queue_limit=1, time_limit=TIMEOUT)
        await pool.start()
        try:
            running = asyncio.ensure_future(pool.run(1))
            await asyncio.sleep(0.2)
            waiting = asyncio.ensure_future(pool.run(0))
            await asyncio.sleep(0.1)
            assert pool.waiting == 1
            with pytest.raises(PoolBusy):
                await pool.run(0)
            await asyncio.wait_for(asyncio.gather(running, waiting), TIMEOUT)
        finally:
            await pool.close()

    asyncio.run(scenario())



def test_the_listening_socket_says_it_is_tcp() -> None:
    """asyncio turns Nagle's algorithm off only on sockets whose protocol is IPPROTO_TCP;
    without that, each answer after the first on a kept-alive connection waits 40 ms."""
    from game.cli.board_commands import _listen

    listening = _listen("127.0.0.1", 0)
    try:
        assert listening.proto == socket.IPPROTO_TCP
    finally:
        listening.close()
