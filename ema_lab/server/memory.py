"""The server's memory: what a class used goes back to the system once it has left.

Measured with ``benchmarks/bench_load.py`` (30 sessions, then one more visitor): the
server stayed 42% above its idle memory after the class had left; with what is done
here, 9-11%. Four causes:

- glibc's malloc maps a large block on its own at first, but raises that threshold
  each time it frees one (up to 32 MiB); after that, the arrays and chart messages of
  a few hundred KB that every decay change makes come from the heap, fragment it, and
  stay resident. Setting the threshold explicitly turns the adjustment off.
- Streamlit drops a session that has left only when its session store next changes
  (the next visitor), and what the session held is cyclic garbage: Python collects
  it only once enough new objects were allocated, which an idle server never does.
  A thread collects it.
- A session that has left is kept for ``server.disconnectedSessionTTL`` seconds (120),
  for a reader who reconnects. Streamlit's store then drops it from its table when it is
  next written to, without shutting it down: its uploaded files stay in the upload
  manager for good (three students' 49.5 MB uploads kept 505 MB of a 226 MB server after
  they had left). The tidy thread shuts such sessions down as Streamlit does those it
  closes itself.
- A full collection walks the ~200,000 objects of Streamlit, Plotly, NumPy and numba
  (0.1 s here, holding the GIL); frozen after start-up (`gc.freeze`), they are skipped,
  and a collection costs microseconds.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import gc
import logging
import sys
import threading
import time

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
LARGE_BLOCK = 128 * 1024  # glibc's own starting threshold
TIDY_EVERY = 30.0  # seconds, at most

_log = logging.getLogger(__name__)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)  # the C library this process runs on
    except OSError:
        return None


def return_large_blocks() -> bool:
    """Have malloc map every block of `LARGE_BLOCK` bytes or more on its own, for good.

    Returns whether the setting took (False off Linux or without glibc's ``mallopt``).
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK) == 1


def close_sessions_that_left() -> int:
    """Shut down the sessions whose time to reconnect has run out (their uploads, their
    media and their script thread go); returns how many. Nothing outside a running
    Streamlit server.

    Streamlit's session store has no public way to do this: its table and lock are read
    where Streamlit 1.67 keeps them, and if they move, this says so in the log once and
    does nothing (``tests/serving/test_memory.py`` fails then).
    """
    from streamlit import runtime

    if not runtime.exists():
        return 0
    rt = runtime.get_instance()
    manager = getattr(rt, "_session_mgr", None)
    table = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    lock = getattr(manager, "_storage_lock", None)
    if not callable(getattr(table, "expire", None)) or lock is None:
        _warn_once("Streamlit's session store has changed: sessions that left are not closed")
        return 0

    async def close() -> int:
        # On the event loop, as Streamlit closes sessions: the store is not thread-safe.
        with lock:
            expired = table.expire()
        for _, info in expired:
            info.session.shutdown()
        return len(expired)

    loop = rt._get_async_objs().eventloop
    return asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=30)


@functools.cache
def _warn_once(message: str) -> None:
    _log.warning(message)


def tidy() -> None:
    """Close the sessions that left for good, collect cyclic garbage, then give the heap's
    free pages back (glibc's ``malloc_trim``)."""
    try:
        close_sessions_that_left()
    except Exception:  # the tidy thread carries on: memory is not worth a dead thread
        _log.exception("closing the sessions that left failed")
    gc.collect()
    malloc_trim = getattr(_libc(), "malloc_trim", None)
    if malloc_trim is not None:
        malloc_trim.argtypes = [ctypes.c_size_t]
        malloc_trim(0)


def _tidy_forever(seconds: float) -> None:
    while True:
        time.sleep(seconds)
        tidy()


def tidy_interval() -> float:
    """How often to tidy: `TIDY_EVERY`, or a quarter of the time a session that left is
    kept if that is shorter (a server started with a short one, as the tests do), so that
    a session's memory goes back within 1.25 times that time."""
    from streamlit import config

    kept = float(config.get_option("server.disconnectedSessionTTL"))
    return min(TIDY_EVERY, max(0.5, kept / 4))


@functools.cache
def keep_lean(every: float | None = None) -> threading.Thread:
    """Set the allocator up, freeze what start-up made, and tidy every ``every`` seconds
    (`tidy_interval` by default).

    Once per process (cached): the router calls it on every run.
    """
    every = tidy_interval() if every is None else every
    return_large_blocks()
    # called from the first page run: the first session's own objects are frozen too,
    # a few hundred KB that stay for the life of the process
    gc.freeze()
    thread = threading.Thread(target=_tidy_forever, args=(every,), name="ema-lab-tidy", daemon=True)
    thread.start()
    return thread
