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
  next written to, without shutting it down: its uploaded files stayed in the upload
  manager for good. The tidy thread shuts such sessions down as Streamlit does those it
  closes itself (`ema_lab.ui.sessions`: the Streamlit side, handed in as ``first``).
  A session shut down is emptied too: Streamlit's event loop holds the last session it
  sent messages to until it sends any again (`ema_lab.ui.sessions.empty`). With both,
  ``benchmarks/bench_memory.py`` (three heavy uploads) finds the process within 1.10x its
  warm memory three minutes after the last session left, 1.8x before.
- A full collection walks the ~200,000 objects of Streamlit, Plotly, NumPy and numba
  (0.1 s here, holding the GIL); frozen after start-up (`gc.freeze`), they are skipped,
  and a collection costs microseconds.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import logging
import sys
import threading
import time
from collections.abc import Callable

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
LARGE_BLOCK = 128 * 1024  # glibc's own starting threshold
TIDY_EVERY = 30.0  # seconds

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


def tidy(first: Callable[[], object] | None = None) -> None:
    """Run ``first`` (closing the sessions that left for good: `ema_lab.ui.sessions`),
    collect cyclic garbage, then give the heap's free pages back (glibc's ``malloc_trim``)."""
    if first is not None:
        try:
            first()
        except Exception:  # the tidy thread carries on: memory is not worth a dead thread
            _log.exception("tidying: %s failed", getattr(first, "__name__", first))
    gc.collect()
    malloc_trim = getattr(_libc(), "malloc_trim", None)
    if malloc_trim is not None:
        malloc_trim.argtypes = [ctypes.c_size_t]
        malloc_trim(0)


def _tidy_forever(seconds: float, first: Callable[[], object] | None) -> None:
    while True:
        time.sleep(seconds)
        tidy(first)


@functools.cache
def keep_lean(
    every: float = TIDY_EVERY, first: Callable[[], object] | None = None
) -> threading.Thread:
    """Set the allocator up, freeze what start-up made, and tidy every ``every`` seconds,
    running ``first`` before each tidy (`tidy`).

    Once per process (cached): the router calls it on every run.
    """
    return_large_blocks()
    # called from the first page run: the first session's own objects are frozen too,
    # a few hundred KB that stay for the life of the process
    gc.freeze()
    thread = threading.Thread(
        target=_tidy_forever, args=(every, first), name="ema-lab-tidy", daemon=True
    )
    thread.start()
    return thread
