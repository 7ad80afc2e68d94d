"""Offline interactive figures: one HTML file a blog can host, with a decay slider inside.

A page's view (its signal, ema₀ and the lines it shows) is written with plotly.js into one
self-contained file, with a slider over a grid of decays; no request leaves the file. Its EMA
lines are computed at each decay on the full series by the browser engine the live pages use
(``ema_lab/static/ema_engine.js``: `ema_core`'s kernels, in float64, to the last bit) from
the series the file carries, then sampled for drawing. A series too long to carry
(`IN_BROWSER_MAX`), or lines that are not EMAs of it (Adam's steps at each β₁), come as
frames computed by `ema_core`, one per decay of the grid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import ema_core as ec
from ema_lab.model.decay_scale import DECAY_GRID
from ema_lab.model.numbers import readable
from ema_lab.model.signal import Signal
from ema_lab.model.text import base64_floats, escape_html, json_for_script
from ema_lab.model.variants import VARIANTS
from ema_lab.plot.decimate import decimate, evenly
from ema_lab.plot.figures import Line, raw_line
from ema_lab.plot.live_lines import BROWSER_VARIANTS

PLOTLY_JS = Path(__file__).resolve().parents[1] / "static" / "plotly-basic.min.js"
POINTS = 1000
"""Points drawn per curve and frame (every number is computed on the full series)."""
IN_BROWSER_MAX = 250_000
"""The longest series the file carries whole (2 MB) for the browser engine to compute its
EMAs from; a longer one carries each decay's lines, computed here, at `POINTS` points."""
ENGINE_JS = PLOTLY_JS.with_name("ema_engine.js")


@dataclass(frozen=True)
class MovingLine:
    """A line that follows the slider: a variant (`ema_lab.model.variants`), with its label
    and look, the variant's own unless a lesson gives its own."""

    kind: str
    name: str
    color: str
    dash: str | None = None

    @classmethod
    def of(cls, kind: str, name: str | None = None, **look) -> MovingLine:
        """The variant ``kind``'s line, named ``name`` and looking like ``look`` if given."""
        variant = VARIANTS[kind]
        look = {"color": variant.color, "dash": variant.dash, **look}
        return cls(kind, variant.label if name is None else name, **look)

    def series(self, values: np.ndarray, decay: float, initial: float | None) -> np.ndarray:
        """On the full series; all gaps where the variant does not exist (nothing drawn)."""
        found = VARIANTS[self.kind].compute(values, decay, initial)
        return np.full(len(values), np.nan) if found is None else found


@dataclass(frozen=True)
class OfflineView:
    """What the exported figure shows: the page's view, at the page's decay."""

    values: np.ndarray
    decay: float
    initial: float | None
    title: str
    moving: tuple[MovingLine, ...]
    fixed: tuple[Line, ...] = ()  # lines that stay: the signal, the decays a page compares
    dates: np.ndarray | None = None
    y_title: str = "value"
    link: str = ""  # the live page with the same view, if known
    # A view whose moving lines are not EMAs of ``values`` (Adam's steps at a β₁) gives
    # them, each as long as ``values``, and its read-out, for a decay:
    lines_at: Callable[[float], Sequence[np.ndarray]] | None = None
    label_at: Callable[[float], str] | None = None
    symbol: str = "β"  # the slider's name for the decay
    log_axes: tuple[bool, bool] = (False, False)  # x, y


def of_signal(
    signal: Signal,
    *,
    decay: float,
    initial: float | None,
    title: str,
    moving: tuple[MovingLine, ...],
    link: str,
    fixed: tuple[Line, ...] | None = None,
) -> OfflineView:
    """A page's chart of ``signal`` as an offline figure: the signal drawn as the page draws
    it unless ``fixed`` says otherwise, calendar dates under dates, the signal's unit."""
    return OfflineView(
        values=signal.values,
        decay=decay,
        initial=initial,
        title=title,
        moving=moving,
        fixed=(raw_line(signal.values),) if fixed is None else fixed,
        dates=signal.calendar,
        y_title=signal.y_title,
        link=link,
    )


def standard_moving(kinds: Sequence[str]) -> tuple[MovingLine, ...]:
    """The moving lines of the smoothing family, in the variants' own words and looks."""
    return tuple(MovingLine.of(k) for k in kinds)


def decay_grid(decay: float) -> np.ndarray:
    """The slider's decays: the app's own stops (`DECAY_GRID`: 0.5, 0.9, 0.99, 0.999 and
    0.9999 among them, dense near 1) and ``decay``.

    Examples
    --------
    >>> g = decay_grid(0.95)
    >>> len(g) >= 60, 0.95 in g, float(g.max()), bool(np.all(np.diff(g) > 0))
    (True, True, 0.9999, True)
    >>> all(d in decay_grid(0.97) for d in (0.5, 0.9, 0.99, 0.999, 0.9999))
    True
    """
    return np.unique(np.append(np.asarray(DECAY_GRID, dtype=np.float64), float(decay)))


def _f32(values: np.ndarray) -> str:
    return base64_floats(values, "<f4")


def _label(decay: float, initial: float | None) -> str:
    start = "first value" if initial is None else f"{initial:g}"
    window = readable(ec.effective_window(decay), 3)
    return f"β = {decay:.6g} · window {window} steps · ema₀ = {start}"


def figure_data(view: OfflineView) -> dict:
    """Everything the file draws, as JSON-ready data: every curve from `ema_core`."""
    x = np.asarray(view.values, dtype=np.float64)
    n = len(x)
    grid = evenly(n, POINTS)
    decays = decay_grid(view.decay)
    # EMAs of the signal are computed in the file by the browser engine, in float64, from
    # the series; other lines (Adam's steps), and a series too long to carry, as frames.
    in_browser = (
        view.lines_at is None
        and all(m.kind in BROWSER_VARIANTS for m in view.moving)
        and n <= IN_BROWSER_MAX
    )
    frames = None if in_browser else []
    for d in [] if in_browser else decays:
        if view.lines_at is None:
            lines = [line.series(x, float(d), view.initial) for line in view.moving]
        else:
            lines = view.lines_at(float(d))
        frames.append([_f32(np.asarray(line)[grid]) for line in lines])
    label = view.label_at or (lambda d: _label(d, view.initial))
    if view.dates is not None:  # only the dates drawn become text, not all n of them
        at = lambda idx: np.asarray(view.dates)[idx].astype(str).tolist()  # noqa: E731
    else:
        at = lambda idx: (np.asarray(idx) + 1).tolist()  # noqa: E731
    fixed = []
    for line in view.fixed:
        idx = decimate(np.asarray(line.values, dtype=np.float64), 2 * POINTS)
        fixed.append(
            {
                "x": at(idx),
                "y": _f32(np.asarray(line.values)[idx]),
                "name": line.name,
                "color": line.color,
                "width": line.width,
                "opacity": line.opacity,
            }
        )
    return {
        "title": view.title,
        "y_title": view.y_title,
        "x_title": "date" if view.dates is not None else "step t",
        "x": at(grid),
        "fixed": fixed,
        "moving": [
            {"name": m.name, "color": m.color, "dash": m.dash or "solid", "kind": m.kind}
            for m in view.moving
        ],
        "values": base64_floats(x) if in_browser else None,
        "grid": grid.tolist() if in_browser else None,
        "initial": None if view.initial is None else float(view.initial),
        "decays": [float(d) for d in decays],
        "labels": [label(float(d)) for d in decays],
        "symbol": view.symbol,
        "log_axes": list(view.log_axes),
        "start": int(np.flatnonzero(decays == float(view.decay))[0]),
        "frames": frames,
        "n": n,
        "points": len(grid),
        "link": view.link,
    }


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
/* Light, as the blog around it most likely is: following the reader's system scheme put a
   black block inside a light page. A dark blog asks for dark: the file's address + #dark. */
:root { color-scheme: light; --fg: #262730; --bg: #ffffff; --muted: #5f6470; }
:root.dark { color-scheme: dark; --fg: #fafafa; --bg: #0e1117; --muted: #a3a8b4; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--fg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { display: flex; flex-direction: column; box-sizing: border-box; padding: 8px 10px; }
h1 { font-size: 15px; margin: 0 0 4px; font-weight: 600; }
.controls { display: flex; align-items: center; gap: 10px; font-size: 14px; flex-wrap: wrap; }
.controls input { flex: 1 1 160px; accent-color: #ff4b4b; }
#readout { font-variant-numeric: tabular-nums; }
#chart { flex: 1 1 auto; min-height: 220px; }
.source { font-size: 11px; color: var(--muted); }
.source a { color: inherit; }
</style>
</head>
<body>
<h1 id="title"></h1>
<div class="controls">
  <label for="decay" id="symbol"></label>
  <input id="decay" type="range" min="0" step="1">
  <span id="readout" aria-live="polite"></span>
</div>
<div id="chart"></div>
<div class="source" id="source"></div>
<script>__PLOTLY__</script>
<script>__ENGINE__</script>
<script id="ema-lab-data" type="application/json">__DATA__</script>
<script>
(function () {
  const D = JSON.parse(document.getElementById("ema-lab-data").textContent);
  const f32 = (b64) => EmaEngine.fromBase64(b64, Float32Array);
  // A decay's lines: computed from the whole series by the engine (every point, then the
  // drawn ones taken), or carried as computed by ema_core.
  const series = D.values === null ? null : EmaEngine.fromBase64(D.values, Float64Array);
  const computed = new Map();
  const frameAt = (i) => {
    if (!computed.has(i)) {
      computed.set(i, D.frames !== null ? D.frames[i].map(f32) : D.moving.map((m) => {
        const line = EmaEngine.VARIANTS[m.kind](series, D.decays[i], D.initial);
        return D.grid.map((k) => (line === null ? NaN : line[k]));
      }));
    }
    return computed.get(i);
  };
  const traces = D.fixed.map((l) => ({
    x: l.x, y: f32(l.y), name: l.name, mode: "lines", opacity: l.opacity,
    line: { color: l.color, width: l.width }, hovertemplate: "%{y:.6g}",
  }));
  const moving = D.moving.map((m, k) => traces.length + k);
  D.moving.forEach((m, k) => traces.push({
    x: D.x, y: frameAt(D.start)[k], name: m.name, mode: "lines",
    line: { color: m.color, width: 2.5, dash: m.dash }, hovertemplate: "%{y:.6g}",
  }));
  const dark = () => location.hash === "#dark";
  const theme = () => {
    document.documentElement.classList.toggle("dark", dark());
    const d = dark(), fg = d ? "#fafafa" : "#262730", grid = d ? "#31333f" : "#e6e9ef";
    return {
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", "font.color": fg,
      "xaxis.gridcolor": grid, "yaxis.gridcolor": grid,
      "xaxis.zerolinecolor": grid, "yaxis.zerolinecolor": grid,
    };
  };
  const layout = {
    margin: { l: 10, r: 36, t: 8, b: 10 }, hovermode: "x unified",  // r: the last x label
    font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12 },
    legend: { orientation: "h", x: 0, y: 1, yanchor: "bottom", font: { size: 11 } },
    xaxis: { title: { text: D.x_title }, automargin: true, exponentformat: "none",
             separatethousands: true },
    yaxis: { title: { text: D.y_title }, automargin: true, exponentformat: "none",
             separatethousands: true },
  };
  // A log axis labelled at each decade in plain numbers, as the live page's (figures.log_axis).
  ["xaxis", "yaxis"].forEach((axis, k) => {
    if (D.log_axes[k]) Object.assign(layout[axis], { type: "log", dtick: 1, tickformat: ",~r" });
  });
  const chart = document.getElementById("chart");
  const slider = document.getElementById("decay");
  const readout = document.getElementById("readout");
  document.getElementById("title").textContent = D.title;
  document.getElementById("symbol").textContent = D.symbol;
  slider.setAttribute("aria-label", "decay " + D.symbol);
  const source = document.getElementById("source");
  source.textContent = "EMA Lab · every curve computed by ema_core on all " +
    D.n.toLocaleString("en") + (D.x_title === "date" ? " values" : " steps") +
    " for each of " + D.decays.length +
    " decays, drawn at " + D.points.toLocaleString("en") + " points. ";
  if (D.link) {
    const a = document.createElement("a");
    a.href = D.link; a.textContent = "Open in EMA Lab"; a.target = "_blank"; a.rel = "noopener";
    source.appendChild(a);
  }
  slider.max = D.decays.length - 1;
  slider.value = D.start;
  let current = D.start;
  const show = (i) => {
    current = Math.max(0, Math.min(D.decays.length - 1, i));
    slider.value = current;
    readout.textContent = D.labels[current];
    Plotly.restyle(chart, { y: frameAt(current) }, moving);
  };
  Plotly.newPlot(chart, traces, layout, { responsive: true, displaylogo: false })
    .then(() => Plotly.relayout(chart, theme()));
  readout.textContent = D.labels[current];
  slider.addEventListener("input", () => show(Number(slider.value)));
  document.addEventListener("keydown", (e) => {
    if (e.target === slider || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowRight" || e.key === "ArrowUp") { show(current + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft" || e.key === "ArrowDown") { show(current - 1); e.preventDefault(); }
  });
  window.addEventListener("hashchange", () => Plotly.relayout(chart, theme()));
  // The chart's box shrinks when the source line wraps on a narrow column: Plotly follows
  // the window only, and its x title overprinted the source at 360 px.
  new ResizeObserver(() => Plotly.Plots.resize(chart)).observe(chart);
})();
</script>
</body>
</html>
"""


def offline_html(view: OfflineView) -> str:
    """The self-contained HTML file of ``view``: plotly.js, the data, the slider."""
    data = json_for_script(figure_data(view))
    parts = {
        "__TITLE__": escape_html(view.title),
        "__DATA__": data,
        "__PLOTLY__": PLOTLY_JS.read_text(encoding="utf-8"),
        "__ENGINE__": ENGINE_JS.read_text(encoding="utf-8"),
    }
    # One pass over the template: nothing inserted is searched for markers again.
    return re.sub("__(TITLE|DATA|PLOTLY|ENGINE)__", lambda m: parts[m.group(0)], PAGE)
