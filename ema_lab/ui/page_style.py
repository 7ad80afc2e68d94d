"""What every page gets after it is drawn: a style sheet and a small script for what
Streamlit's own markup gets wrong for a reader (reduced motion, a phone's tool bar and
knob, a formula or a table wider than its column, the dark theme's chips).

Mounted by the router after the page (`page_style`), never before the main chart."""

from __future__ import annotations

import streamlit as st

# Every page's style while it is mounted. For a reader who asks the system for less motion
# (WCAG 2.3.3): nothing animates or slides, Streamlit's own transitions and skeletons
# included. On a phone, where nothing hovers, Plotly's tool bar stayed shown over the
# curves and their labels: it is left out there (the share panel has the downloads).
PAGE_STYLE = """
@media (max-width: 640px) {
  .modebar-container { display: none !important; }
  /* A phone's screen (or 200% zoom): the title leaves room for the lesson. */
  [data-testid="stMainBlockContainer"] h1 { font-size: 2rem; }
}
@media (pointer: coarse) {
  /* A finger's target: Streamlit's slider knob is 12×12 px. */
  [data-testid="stSlider"] [data-orientation] > div[style*="translate(-50%, -50%)"] {
    width: 24px !important;
    height: 24px !important;
  }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after {
    animation-duration: 0.01ms !important;
    animation-iteration-count: 1 !important;
    transition-duration: 0.01ms !important;
    scroll-behavior: auto !important;
  }
}
/* Read-outs three to a row: at Streamlit's 2.25rem a cutoff of 0.0000159 was cut at a
   1024 px projector. */
[data-testid="stMetricValue"] { font-size: 1.75rem; }
html[data-ema-lab-scheme="dark"] [data-testid="stMultiSelectTagsContainer"] [data-tag] {
  color: #000000 !important;
}
.st-key-page_style { display: none; }
/* A table wider than its column scrolls (marked by PAGE_JS): said above it, in a line that
   stays put while the table moves, since a phone shows no scroll bar until touched. */
[data-ema-lab-scrolls]::before {
  content: "⇆ more columns: swipe or scroll sideways";
  display: block;
  position: sticky;
  left: 0;
  width: max-content;
  padding: 0 0 0.25rem;
  font-size: 0.875rem;
}
"""
# What CSS alone cannot do, redone whenever the page changes or the window is resized:
# - A displayed formula wider than its column (a 1024 px projector's side column, 150% zoom)
#   lost its right end: KaTeX neither wraps nor shrinks. Each is fitted to its column.
# - A table wider than a phone scrolls sideways, in a region a keyboard could not reach
#   (axe: scrollable-region-focusable). Such a table takes focus, named as a region, and is
#   marked for the line that tells a reader who sees it (`PAGE_STYLE`).
# - Streamlit draws a multiselect's chips as white on the primary colour, which on the dark
#   theme's lighter red is 2.4:1. The page is marked dark or light, for `PAGE_STYLE`.
PAGE_JS = r"""
export default function () {
  if (window.emaLabPage) return;
  window.emaLabPage = true;
  const luminance = (color) => {
    const [r, g, b] = (color.match(/[\d.]+/g) || [255, 255, 255]).slice(0, 3).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const tidy = () => {
    for (const box of document.querySelectorAll(".katex-display")) {
      const formula = box.querySelector(":scope > .katex");
      if (!formula) continue;
      formula.style.fontSize = "";
      const over = box.scrollWidth / Math.max(box.clientWidth, 1);
      if (over > 1.002) formula.style.fontSize = `${(1.21 / over - 0.01).toFixed(3)}em`;
    }
    for (const drawn of document.querySelectorAll('[data-testid="stTableStyledTable"]')) {
      const table = drawn.parentElement;  // the box that scrolls
      if (table.scrollWidth > table.clientWidth + 1) {
        table.tabIndex = 0;
        table.setAttribute("role", "region");
        table.setAttribute("aria-label", "a table, scrolls sideways");
        table.dataset.emaLabScrolls = "";
      } else if (table.getAttribute("role") === "region") {
        table.removeAttribute("tabindex");
        table.removeAttribute("role");
        table.removeAttribute("aria-label");
        delete table.dataset.emaLabScrolls;
      }
    }
    const app = document.querySelector(".stApp");
    if (app) {
      const dark = luminance(getComputedStyle(app).backgroundColor) < 128;
      document.documentElement.dataset.emaLabScheme = dark ? "dark" : "light";
    }
  };
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; tidy(); });
  };
  new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", soon);
  // The system's scheme changed: Streamlit repaints in the other theme without adding an
  // element, once React has rendered it (the mark read the old background at once).
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    for (const ms of [0, 100, 400, 1000]) setTimeout(soon, ms);
  });
  soon();
}
"""
_page_style = st.components.v2.component(
    "ema_lab_page_style", css=PAGE_STYLE, js=PAGE_JS, isolate_styles=False
)


def mount() -> None:
    """Mount `PAGE_STYLE` and `PAGE_JS`. The router calls it after the page: mounted before
    the main chart, a class of 20 arriving at once got its first chart 1.5-1.6 times later
    than without it (``benchmarks/bench_load.py --against``, one run); after the page, 0.9
    times."""
    _page_style(key="page_style", height=0)
