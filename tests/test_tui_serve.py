"""`vliw serve`: the game in a web browser, tested for real on a free loopback port.

The server runs as `python -m game serve`; the page is fetched over HTTP, then
loaded in a headless Chromium (the distribution's package) driven through its
DevTools protocol. Chromium resolves no host but 127.0.0.1, so the page's web
font link goes nowhere. Where no Chromium is installed that test is skipped.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.cli import main

PAGE_WAIT = 30.0
"""Seconds the server and the browser get to show the game (a cold start is slow here)."""
SPLASH_BYTES = 50_000
"""The loading splash screenshots to about 11 kB; the game's first screen to over 100 kB."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--home", str(tmp_path / "home")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + PAGE_WAIT
        while True:
            try:
                get(url)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("vliw serve did not answer") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_server_answers_with_the_page(server: str) -> None:
    status, page = get(server)
    assert status == 200
    assert f'data-session-websocket-url="ws://127.0.0.1:{server.split(":")[2][:-1]}/ws"' in page


def test_a_bad_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0"]) == 2
    assert capsys.readouterr().err.strip().endswith("--port must be between 1 and 65535, not 0")


async def screenshot_when_drawn(url: str, port: int, profile: Path) -> bytes:
    """Load `url` in headless Chromium; the first screenshot richer than the splash.
    Chromium's own traffic (updates, sync, first-run pages) is turned off: this machine's
    network refuses it."""
    import aiohttp

    browser = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         f"--remote-debugging-port={port}", "--window-size=1280,800", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + PAGE_WAIT
        while True:
            try:
                pages = json.loads(get(f"http://127.0.0.1:{port}/json/list")[1])
                break
            except OSError:
                assert time.monotonic() < deadline, "Chromium did not start"
                await asyncio.sleep(0.2)
        socket_url = next(p for p in pages if p["type"] == "page")["webSocketDebuggerUrl"]
        async with aiohttp.ClientSession() as session, \
                session.ws_connect(socket_url, max_msg_size=0) as devtools:
            calls = 0

            async def call(method: str, **params: object) -> dict[str, object]:
                nonlocal calls
                calls += 1
                await devtools.send_json({"id": calls, "method": method, "params": params})
                async for message in devtools:
                    answer = json.loads(message.data)
                    if answer.get("id") == calls:
                        return answer.get("result", {})
                raise AssertionError("Chromium closed the DevTools connection")

            await call("Page.navigate", url=url)
            while True:
                await asyncio.sleep(1)
                shot = await call("Page.captureScreenshot", format="png")
                png = base64.b64decode(str(shot["data"]))
                if len(png) > SPLASH_BYTES or time.monotonic() > deadline:
                    return png
    finally:
        browser.terminate()
        browser.wait(timeout=10)


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="no headless browser: install Debian's chromium package")
def test_chromium_shows_the_first_screen(server: str, tmp_path: Path) -> None:
    png = asyncio.run(screenshot_when_drawn(server, free_port(), tmp_path / "chromium"))
    (tmp_path / "served.png").write_bytes(png)
    if shown := os.environ.get("VLIW_SCREENSHOT"):  # keep it where a person can look at it
        Path(shown).write_bytes(png)
    assert png.startswith(b"\x89PNG")
    assert len(png) > SPLASH_BYTES, f"only the loading screen was drawn: {tmp_path / 'served.png'}"
