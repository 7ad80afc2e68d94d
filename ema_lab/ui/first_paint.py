"""The first load of a page: its main chart first, then everything else.

A browser that opens EMA Lab for the first time fetches and evaluates Streamlit's 4.7 MB
Plotly chunk, and mounts every widget (each kind with a chunk of its own: sliders,
select boxes, KaTeX, ...) on the same main thread. Everything then paints in one long
task, the chart with the last widget. Measured (``benchmarks/bench_first_load.py``),
each kind of widget adds 5-10% to the time a bare page takes to paint its chart.

So the first run of a session draws the page only up to its main chart and stops:

- every `Control` is drawn inside a closed pop-over in the sidebar (a closed pop-over
  mounts nothing in the browser), so that its value is the widget's own, from the same
  key, link and default; a blank of its height holds its place on the page, so that
  every element keeps its position and the chart is not drawn twice;
- a watcher beside the chart reports once the browser has painted it; the rerun that
  follows (`PAINTED` set) draws the whole page, with the chart where it already is.

A session does this once: a later page, or a change, draws the whole page straight away.
Only a browser's session does it (one without a browser, such as AppTest's, is drawn
whole at once unless it sets `ema_lab.ui.state.DEFER_FIRST_RUN`). The state it keeps is in
`ema_lab.ui.state`, like all of a session's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import (
    ScriptControlException,
    StopException,
)

from ema_lab.ui import state
from ema_lab.ui.state import PAINTED

__all__ = ["PAINTED", "WATCHER", "begin", "pending", "place", "stage", "stop_if_first_run"]

_log = logging.getLogger(__name__)
WATCHER = "ema_lab_first_paint"  # the watcher's key (and its element's class)

# A widget's height with its label, in px, as measured in Chromium: 68 for most kinds.
HEIGHT = {"pills": 60, "toggle": 24, "file_uploader": 106}

# Polls with timers, not animation frames: a tab opened in the background still loads.
# After 8 s without a chart (a browser that cannot draw it), it carries on anyway.
_WATCH = r"""
export default function ({ setTriggerValue }) {
  const start = performance.now();
  const check = () => {
    const painted = document.querySelector('[data-testid="stPlotlyChart"] .main-svg');
    if (painted || performance.now() - start > 8000) {
      requestAnimationFrame(() => setTimeout(() => setTriggerValue("painted", true), 0));
    } else {
      setTimeout(check, 25);
    }
  };
  check();
}
"""


def pending() -> bool:
    """Whether this run is a session's first, which stops at the main chart.

    Not in the compact layouts: an iframe or the presenter view shows one control and its
    chart (little to defer), and has no sidebar to hold the pop-over (one with content
    there leaves its toggle on the page).
    """
    return not state.layout().compact and not state.painted()


def begin() -> None:
    """Called by the router before the page: on a first run, the closed pop-over that
    holds the controls, in the sidebar (out of the page's own layout). A session that no
    browser opened is drawn whole from the start."""
    if not state.from_browser():
        state.mark_painted()
    if pending():
        state.current_run().held_in = st.sidebar.popover("Loading the controls…", disabled=True)


def place(where, key: str, widget: str):
    """Where the widget of the control ``key`` goes: ``where`` itself, or on a first run
    the closed pop-over, with a blank of the widget's height left in ``where`` (so that
    nothing moves when the widgets arrive)."""
    run = state.current_run()
    if run.held_in is None or not pending():
        return where
    run.held_keys.append(key)
    where.container(height=HEIGHT.get(widget, 68), border=False)
    return run.held_in


class _ChartDrawn(StopException):
    """A first run's stop at the main chart. A `StopException`, so that a fragment lets
    it through (it catches anything else) and Streamlit ends the run quietly if it gets
    out; `stage` catches it to mount the watcher."""


def stop_if_first_run() -> None:
    """Called after the page's main chart: a first run stops here."""
    if pending():
        raise _ChartDrawn()


@contextmanager
def stage() -> Iterator[None]:
    """The router's run of a page. On a first run, it ends at the main chart with the
    watcher mounted; a page that drew no main chart (or failed before it) is drawn whole
    at once, so that nothing waits for a paint that will not come."""
    watching = False
    try:
        yield
    except _ChartDrawn:
        # The browser never held these widgets: drawn anew, each takes its value from
        # the link or its default again, and shows it (a value left in the session
        # would not be sent, and the widget would show its bare minimum).
        state.forget(state.current_run().held_keys)
        watcher = st.components.v2.component(WATCHER, js=_WATCH)
        watcher(key=WATCHER, on_painted_change=_painted, height=0)
        watching = True
    except ScriptControlException:  # a stop or a rerun of Streamlit's own, not an error
        raise
    except Exception:
        if pending():  # the rerun below would replace the error: say what it was first
            _log.exception("a first run failed before its main chart; drawing it whole")
        raise
    finally:
        if pending() and not watching:
            _log.info("a first run drew no main chart; drawing the page whole")
            state.mark_painted()
            st.rerun()


def _painted() -> None:
    state.mark_painted()
