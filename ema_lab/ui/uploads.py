"""What uploads may take from a process: one CSV parse at a time, and a budget per session.

A parse holds about three times its file at its peak (``benchmarks/bench_memory.py``): a
200 MB file, 600 MB. Parses one after the other keep a worker's peak at one file's; a
session that keeps sending files is stopped at `MAX_FILES` files or `MAX_BYTES` bytes
(the files themselves are the browser's, at most ``server.maxUploadSize`` each).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ema_lab.model.numbers import count
from ema_lab.ui import state

MAX_FILES = 20
"""Files one session may have read (a class rarely needs more than two or three)."""
MAX_BYTES = 2 * 10**9
"""Bytes one session may have read: ten files at the 200 MB limit."""

_PARSING = threading.Lock()


@contextmanager
def parsing() -> Iterator[None]:
    """Hold the process's one place for a CSV parse (the others wait their turn)."""
    with _PARSING:
        yield


def admit(size: int) -> str | None:
    """Count a new file of ``size`` bytes against the session's budget: None if it may be
    read, else why not (and it is not counted)."""
    spent = state.upload_budget()
    if spent.files + 1 > MAX_FILES or spent.bytes + size > MAX_BYTES:
        return (
            f"This session has read {count(spent.files, 'file')} "
            f"({spent.bytes / 1e6:,.0f} MB), its limit is {count(MAX_FILES, 'file')} or "
            f"{MAX_BYTES / 1e6:,.0f} MB; reload the page to start a new session."
        )
    spent.files += 1
    spent.bytes += size
    return None
