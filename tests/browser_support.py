"""A Streamlit server on a free localhost port and Debian's Chromium, for the browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from ema_lab.ui.first_paint import WATCHER

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"


# The page is whole: no run under way (Streamlit's status widget), no element waiting for
# its code (a skeleton stands in until the chunk of its kind is loaded), and no watcher
# of a session's first run, which stops at the main chart (`ema_lab.ui.first_paint`).
FIRST_RUN_WATCHER = f".st-key-{WATCHER}"
PAGE_DONE = f"""() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('{FIRST_RUN_WATCHER}')"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(str):
    """The base URL of a running server, with the server's process id and log."""

    pid: int
    log: Path


@contextlib.contextmanager
def streamlit_server(
    script: str = "app.py", *, log: Path | None = None, root: Path = ROOT, port: int = 0
) -> Iterator[str]:
    """Start ``streamlit run <script>`` fresh in ``root`` (this checkout, or another one
    to compare with) on ``port`` (a free one by default) and yield its base URL; stop it
    after."""
    port = port or free_port()
    log = log or ARTIFACTS / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    base.log = log
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def press_slider(page, label: str, key: str = "ArrowRight") -> None:
    """Focus the slider labelled ``label`` and press ``key``, as a keyboard user does.

    ``page`` may be a Playwright page or a frame (an embed)."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).get_by_role("slider")
    slider.first.focus()
    slider.first.press(key)  # works in a page and inside an iframe's frame alike
