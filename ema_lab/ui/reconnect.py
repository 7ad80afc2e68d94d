"""A browser that reconnects gets its page run again.

Streamlit's client asks for a run on reconnecting only if the connection dropped during
one (streamlit#9083). Behind the lecture hall's nginx the server never looks down (another
worker answers the health check), so a browser whose worker died, or that goes back home
to its own worker (below), reconnects to a *new* session that never runs: the page
stays on screen, but a change inside a fragment (the decay on /smoothing) names a fragment
that session does not know, and nothing happens ("The fragment ... does not exist
anymore" in the worker's log). A few lines of script notice a stream reopened and ask for
a run, as a click would. Delete this module once Streamlit reruns on such reconnects.
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ema_lab.model.site import WORKER_ENV

KEY = "ema_lab_reconnect"

# Wraps the page's WebSocket once: the stream the page opened first is already open, so
# every stream opened after it is a reconnection; once it is open, a trigger asks for a
# run. (The trigger of the component mounted last: a rerun mounts it anew.)
#
# Behind the hall's nginx it also brings a moved browser home. Each run tells the watcher
# which process ran it (the launcher names each one, as nginx names it in X-EMA-Lab-Worker);
# the first is the page's home. A run elsewhere (its home died, and nginx moved it) has the
# page ask /_stcore/health every few seconds which process answers it now; once its home
# does, and the reader has been idle for a moment, it closes its stream: Streamlit's client
# reconnects, nginx sends it home by its cookie, and the trigger runs the page there from
# its widgets (a reconnection that lands elsewhere again starts the asking again). Input
# is held back until the new stream is open (a change made as a stream closed could be
# lost); a browser that never moved is never disturbed.
_JS = r"""
export default function ({ data, setTriggerValue }) {
  window.__emaLabRerun = () => setTriggerValue("reconnected", true);
  if (window.__emaLabRanOn) return window.__emaLabRanOn(data.worker);
  const IDLE_MS = 2000, ASK_EVERY_MS = 4000, ASK_FOR_MS = 30 * 60 * 1000;
  const home = data.worker;
  let stream = null, lastInput = 0, returning = false, asking = null;
  const answering = async () => {
    try {
      const r = await fetch("/_stcore/health", { cache: "no-store" });
      return r.headers.get("X-EMA-Lab-Worker");
    } catch (e) {
      return null;
    }
  };
  for (const type of ["keydown", "pointerdown", "pointermove", "input"]) {
    document.addEventListener(type, (event) => {
      if (type !== "pointermove" || event.buttons) lastInput = performance.now();
      if (returning && type !== "pointermove") {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, { capture: true });
  }
  const idle = () => performance.now() - lastInput > IDLE_MS
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.body.classList.contains("ema-lab-previewing");  // a drag's lines ahead
  const askUntilHome = () => {
    const since = performance.now();
    clearInterval(asking);
    asking = setInterval(async () => {
      if (performance.now() - since > ASK_FOR_MS) return clearInterval(asking);
      if (!stream || (await answering()) !== home || !idle()) return;
      clearInterval(asking);
      returning = true;
      setTimeout(() => { returning = false; }, 10000);  // never held for good
      stream.close();
    }, ASK_EVERY_MS);
  };
  // Where each run ran: the page's home, or elsewhere (a test reads it on the page too).
  window.__emaLabRanOn = (worker) => {
    document.documentElement.dataset.emaLabWorker = worker;
    if (!home || !worker) return;
    if (worker === home) clearInterval(asking);
    else askUntilHome();
  };
  window.__emaLabRanOn(data.worker);
  const Native = window.WebSocket;
  function Watched(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).includes("/_stcore/stream")) {
      stream = socket;
      socket.addEventListener("open", () => {
        returning = false;
        setTimeout(() => window.__emaLabRerun(), 250);
      }, { once: true });
    }
    return socket;
  }
  Watched.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Watched[name] = Native[name];
  window.WebSocket = Watched;
}
"""
# Not isolated, so that its style reaches the page: the element takes no room.
_component = st.components.v2.component(
    KEY, js=_JS, css=f'[class*="st-key-{KEY}"] {{\n  display: none;\n}}', isolate_styles=False
)


# The process this session runs in, as the hall's launcher names it ("" elsewhere).
WORKER = os.environ.get(WORKER_ENV, "")


def watch() -> None:
    """Mount the watcher (the router does, after the page, on every run). Its key names
    the process and the session, so that a run in another one mounts it anew and tells the
    page where it ran: a return home that nginx still routed elsewhere lands in a new
    session on the same worker as before, and keyed by the process alone the watcher stayed
    mounted there, untold, and the page stopped asking to go home."""
    ctx = get_script_run_ctx()
    session = ctx.session_id if ctx else ""
    _component(
        key=f"{KEY}-{WORKER}-{session}",  # "-": Streamlit refuses "__" in a key
        data={"worker": WORKER},
        on_reconnected_change=_rerun,
        height=0,
    )


def _rerun() -> None:
    """Nothing to do: the trigger's run is the point (and a new session can run this)."""
