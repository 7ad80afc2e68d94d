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

import streamlit as st

KEY = "ema_lab_reconnect"

# Wraps the page's WebSocket once: the stream the page opened first is already open, so
# every stream opened after it is a reconnection; once it is open, a trigger asks for a
# run. (The trigger of the component mounted last: a rerun mounts it anew.)
#
# Behind the hall's nginx it also brings a moved browser home. Each response names the
# process that answered (X-EMA-Lab-Worker), and nginx routes a browser's requests and its
# stream alike, by its cookie: the process that answers the health check when the page
# first mounts this is its home. A reconnection that lands elsewhere (its home died) asks every
# few seconds until home answers again, and then, once the reader has been idle for a
# moment, closes the stream: Streamlit's client reconnects, home, and the trigger runs the
# page there from its widgets. Input is held back until the new stream is open (a change
# made as a stream closed could be lost); a browser that never moved is never disturbed.
_JS = r"""
export default function ({ setTriggerValue }) {
  window.__emaLabRerun = () => setTriggerValue("reconnected", true);
  if (window.__emaLabStreams) return;
  window.__emaLabStreams = true;
  const IDLE_MS = 2000, ASK_EVERY_MS = 4000, ASK_FOR_MS = 30 * 60 * 1000;
  const answering = async () => {
    try {
      const r = await fetch("/_stcore/health", { cache: "no-store" });
      return r.headers.get("X-EMA-Lab-Worker") || null;
    } catch (e) {
      return null;
    }
  };
  let home = null, stream = null, lastInput = 0, returning = false, asking = null;
  answering().then((worker) => { home = worker; });  // where the page's stream is now
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
      if ((await answering()) !== home || !idle()) return;
      clearInterval(asking);
      returning = true;
      setTimeout(() => { returning = false; }, 10000);  // never held for good
      stream.close();
    }, ASK_EVERY_MS);
  };
  const Native = window.WebSocket;
  function Watched(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).includes("/_stcore/stream")) {
      stream = socket;
      socket.addEventListener("open", async () => {
        returning = false;
        setTimeout(() => window.__emaLabRerun(), 250);
        const here = await answering();
        if (home && here && here !== home) askUntilHome();
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
    KEY, js=_JS, css=f".st-key-{KEY} {{\n  display: none;\n}}", isolate_styles=False
)


def watch() -> None:
    """Mount the watcher (the router does, after the page, on every run)."""
    _component(key=KEY, on_reconnected_change=_rerun, height=0)


def _rerun() -> None:
    """Nothing to do: the trigger's run is the point (and a new session can run this)."""
