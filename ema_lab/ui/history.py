"""The browser's Back steps between pages, not between slider positions.

Streamlit's client pushes a history entry each time a run changes the link's query
(EMA Lab writes every control's value there: `ema_lab.ui.state.publish`), so five decay
moves took six Back presses to leave a page, and a blog's embed filled its host page's
history. Streamlit's own widget binding (``bind="query-params"``) replaces the entry
instead; a few lines of script do the same here: a new query on the same path replaces
the current entry, a new path (another page) still adds one. Back then returns to the
page before, as the reader last left it.
"""

from __future__ import annotations

import streamlit as st

KEY = "ema_lab_history"

_JS = r"""
export default function () {
  if (window.__emaLabHistory) return;
  window.__emaLabHistory = true;
  const push = window.history.pushState.bind(window.history);
  window.history.pushState = (data, unused, url) => {
    const next = url == null ? null : new URL(url, document.location.href);
    if (next && next.pathname === document.location.pathname) {
      window.history.replaceState(data, unused, url);
    } else {
      push(data, unused, url);
    }
  };
}
"""
# Not isolated, so that its style reaches the page: the element takes no room.
_component = st.components.v2.component(
    KEY, js=_JS, css=f".st-key-{KEY} {{\n  display: none;\n}}", isolate_styles=False
)


def keep_one_entry_per_page() -> None:
    """Mount the script (the router does, after the page, on every run: a run that
    mounts it again finds it in place)."""
    _component(key=KEY, height=0)
