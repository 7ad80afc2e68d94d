"""ema_lab.server.memory: large blocks go back to the system, garbage is collected while idle."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import time
import urllib.request
import weakref

import numpy as np
import pytest

from browser_support import ARTIFACTS, resident_mb, settle, streamlit_server
from ema_lab.server import memory
from ema_lab.ui import sessions

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(memory._libc(), "mallinfo2"),
    reason="glibc's malloc only",
)

# In a fresh interpreter: free one large mapped block (which makes glibc raise its
# threshold), then allocate a 300 KB array and report whether it got a mapping of its own.
MAPPED_AFTER_A_LARGE_FREE = textwrap.dedent(
    """
    import ctypes, sys
    import numpy as np
    from ema_lab.server import memory

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"
        ).split()]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    if sys.argv[1] == "fixed":
        assert memory.return_large_blocks()
    big = np.ones(4 * 2**20, dtype=np.uint8)
    del big
    libc.malloc_trim(0)  # malloc maps a block only when its heap's free top cannot hold it
    before = libc.mallinfo2().hblks
    block = np.ones(300_000, dtype=np.uint8)
    print(libc.mallinfo2().hblks - before)
    """
)


def mapped_blocks(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", MAPPED_AFTER_A_LARGE_FREE, mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)


@glibc
def test_large_blocks_keep_their_own_mapping_after_a_larger_one_was_freed():
    # glibc's default: the freed 4 MiB block raised the threshold, so 300 KB comes
    # from the heap (and its pages stay with the process once freed)
    assert mapped_blocks("default") == 0
    assert mapped_blocks("fixed") == 1


def test_tidy_collects_cycles_that_automatic_collection_left():
    class Node:
        pass

    gc.disable()  # an idle server allocates nothing, so nothing triggers a collection
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
        assert alive() is not None
        memory.tidy()
        assert alive() is None
    finally:
        gc.enable()


def test_keep_lean_starts_one_daemon_thread_and_freezes_start_up_objects():
    thread = memory.keep_lean()
    assert memory.keep_lean() is thread  # pages call it on every run
    assert thread.is_alive()
    assert thread.daemon
    assert gc.get_freeze_count() > 0


def uploaded_bytes(base: str) -> int:
    """What the server's upload manager holds, in bytes (Streamlit's own metrics)."""
    url = f"{base}/_stcore/metrics?families=cache_memory_bytes"
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return sum(
        int(float(line.rsplit(" ", 1)[1]))
        for line in text.splitlines()
        if line.startswith("cache_memory_bytes") and "UploadedFileManager" in line
    )


@pytest.mark.browser
@glibc
def test_a_session_that_left_gives_its_upload_and_memory_back(browser, tmp_path):
    # A student uploads a file and closes the tab. Streamlit keeps the session for a
    # reconnect (2 s here, 120 s by default), then drops it from its table without
    # shutting it down: the file stayed in the upload manager until the server stopped.
    # Shut down, the session stayed alive still, held by Streamlit's event loop until its
    # next message to anybody: with the signal read from the file and what was drawn of
    # it (`ema_lab.ui.sessions.empty`).
    path = tmp_path / "steps.csv"
    values = np.sin(np.arange(2_000_000) / 50)
    np.savetxt(path, values, fmt="%.6f", header="value", comments="")
    options = ("--server.disconnectedSessionTTL", "2")
    with streamlit_server(options=options, log=ARTIFACTS / "server-ttl.log") as base:
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(f"{base}/smoothing?signal=upload_csv")
        settle(tab)
        before = resident_mb(base.pid)
        tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        tab.get_by_text("Using", exact=False).first.wait_for(timeout=60_000)
        settle(tab)
        held = uploaded_bytes(base)
        assert held >= path.stat().st_size
        grown = resident_mb(base.pid) - before
        assert grown > 30, grown  # the file (18 MB), its signal (16 MB), what was drawn of it
        context.close()
        deadline = time.monotonic() + 20  # 2 s kept, tidied every 0.5 s
        while uploaded_bytes(base) and time.monotonic() < deadline:
            time.sleep(0.25)
        assert uploaded_bytes(base) == 0
        # What a first upload leaves for good (code run for the first time) is 8 MB here.
        while resident_mb(base.pid) - before > grown / 3 and time.monotonic() < deadline:
            time.sleep(0.25)
        kept = resident_mb(base.pid) - before
        assert kept <= grown / 3, f"{kept:.0f} of {grown:.0f} MB still held after the session"
        assert "Traceback" not in base.log.read_text()


def test_the_tidy_interval_follows_a_short_session_lifetime(monkeypatch):
    from streamlit import config

    assert sessions.tidy_interval(30.0) == 30.0  # 120 s kept: every 30 s
    monkeypatch.setattr(config, "get_option", lambda name: 2)
    assert sessions.tidy_interval(30.0) == 0.5


def test_tidy_runs_its_first_step_and_survives_its_failure():
    ran = []
    memory.tidy(lambda: ran.append(1))
    memory.tidy(lambda: 1 / 0)  # logged; the tidy thread carries on
    assert ran == [1]
    assert sessions.close_those_that_left() == 0  # no server in this process
