"""A browser that reconnects gets its page run again.

Streamlit's client asks for a run on reconnecting only if the connection dropped during
one (streamlit#9083). Behind the lecture hall's nginx the server never looks down (another
worker answers the health check), so a browser whose worker died, or that nginx's reload
sends back to its own worker, reconnects to a *new* session that never runs: the page
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
_JS = r"""
export default function ({ setTriggerValue }) {
  window.__emaLabRerun = () => setTriggerValue("reconnected", true);
  if (window.__emaLabStreams) return;
  window.__emaLabStreams = true;
  const Native = window.WebSocket;
  function Watched(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).includes("/_stcore/stream")) {
      socket.addEventListener("open", () => setTimeout(() => window.__emaLabRerun(), 250),
                              { once: true });
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
