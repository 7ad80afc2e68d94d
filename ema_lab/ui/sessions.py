"""Sessions that have left: shut down once their time to come back has run out.

Streamlit keeps a session whose browser went away for ``server.disconnectedSessionTTL``
seconds (120), for a reader who reconnects. Its store then drops the session from its table
when the table is next written to, without shutting it down: the session's uploaded files
stayed in the upload manager until the server stopped (``tests/serving/test_memory.py``
reads the manager's size from Streamlit's metrics). `close_those_that_left` shuts such sessions
down as Streamlit shuts down those it closes itself; the router hands it to the tidy
thread (`ema_lab.server.memory.keep_lean`), which runs it before each collection, every
`tidy_interval` seconds.

A session shut down is also emptied: its state and its fragments (whose functions hold the
page's globals, the reader's signal among them). Streamlit's event loop keeps the last
session it sent messages to in a local variable until it next sends any, to another
visitor (``Runtime._loop_coroutine`` in 1.67): with nobody on the server that was the whole
session, a student's upload and the results of it, until the next visitor came
(``benchmarks/bench_memory.py``: 1.8 times the warm memory three minutes after the class
left).
"""

from __future__ import annotations

import asyncio
import functools
import logging

from streamlit import config, runtime

_log = logging.getLogger(__name__)


def tidy_interval(longest: float) -> float:
    """How often to look, in seconds: every ``longest``, or every quarter of the time a
    session that left is kept if that is shorter (a server started with a short one, as a
    test does), so that a session's memory goes back within 1.25 times that time."""
    kept = float(config.get_option("server.disconnectedSessionTTL"))
    return min(longest, max(0.5, kept / 4))


def close_those_that_left() -> int:
    """Shut down the sessions whose time to reconnect has run out (their uploads, their
    media and their script thread go); returns how many. Nothing outside a running server.

    Streamlit has no public way to do this: its store's table and lock are read where
    Streamlit 1.67 keeps them. If they move, this says so in the log once and does nothing
    (and ``tests/serving/test_memory.py`` fails).
    """
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
        # On the event loop, where Streamlit closes sessions: the store is not thread-safe.
        with lock:
            expired = table.expire()
        for _, info in expired:
            info.session.shutdown()
            empty(info.session)
        return len(expired)

    loop = rt._get_async_objs().eventloop
    return asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=30)


def empty(session) -> None:
    """Drop what a shut-down ``session`` holds (the module's note): its state, and its
    fragments with the page globals they hold."""
    session.session_state.clear()
    fragments = getattr(session, "_fragment_storage", None)
    if fragments is not None:
        fragments.clear()


@functools.cache
def _warn_once(message: str) -> None:
    _log.warning(message)
