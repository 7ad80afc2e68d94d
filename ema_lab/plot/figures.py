"""Every chart of EMA Lab, built in one place so that it looks the same on every page.

Builders take plain NumPy arrays or decays and return a ``plotly.graph_objects.Figure``;
the numbers they draw come from `ema_core`. Long series are decimated for display
(`ema_lab.plot.decimate`), while every number is computed on the full series.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.model import strategies
from ema_lab.model.numbers import readable
from ema_lab.model.signal import debiased_or_gaps
from ema_lab.model.style import COLORS, LABELS, decay_color
from ema_lab.model.text import escape_html
from ema_lab.plot.decimate import MAX_POINTS, decimate, evenly

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"  # no web font to fetch


def config(filename: str = "ema-lab", image_format: str = "png") -> dict:
    """Plotly's configuration for a chart: the camera button saves ``filename.png`` or ``.svg``."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": image_format,
            "filename": filename,
            "scale": 2 if image_format == "png" else 1,  # a sharp PNG for slides
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


TITLE_LINE_CHARS = 42
"""Characters per title line: a 390 px phone's chart holds about 42 at 15 px."""


def title_lines(title: str, width: int = TITLE_LINE_CHARS) -> list[str]:
    """The title broken into lines at word boundaries: Plotly never wraps a title.

    As few lines as ``width`` allows, then as even as they can be (no lone last word).

    Examples
    --------
    >>> title_lines("Step response: the EMA of a jump from 0 to 1")
    ['Step response: the EMA', 'of a jump from 0 to 1']
    """
    lines = textwrap.wrap(title, width, break_on_hyphens=False) or [""]
    for narrower in range(width - 1, 0, -1):
        tried = textwrap.wrap(title, narrower, break_on_hyphens=False)
        if len(tried) > len(lines):
            break
        lines = tried
    return lines


TITLE_LINE_PX = 19
"""Height of each further title line, added above the plot."""


def _title_text(title: str) -> tuple[str, int]:
    # Plotly renders a few HTML tags in titles; a title may carry a file's name
    lines = title_lines(title)
    return "<br>".join(escape_html(line) for line in lines), len(lines)


def set_title(fig: go.Figure, title: str) -> go.Figure:
    """Replace a chart's title, wrapped as `_layout` wraps it, the room above kept in step."""
    old_lines = (fig.layout.title.text or "").count("<br>") + 1
    text, lines = _title_text(title)
    grow = TITLE_LINE_PX * (lines - old_lines)
    fig.update_layout(
        title_text=text,
        height=fig.layout.height + grow,
        margin_t=fig.layout.margin.t + grow,
    )
    return fig


def _layout(
    fig: go.Figure, *, title: str, x_title: str, y_title: str, height: int = 420
) -> go.Figure:
    text, lines = _title_text(title)
    extra = TITLE_LINE_PX * (lines - 1)
    fig.update_layout(
        title={"text": text, "x": 0, "xanchor": "left", "font": {"size": 15}},
        height=height + extra,
        margin={"l": 10, "r": 10, "t": 44 + extra, "b": 10},
        font={"family": FONT},
        hovermode="x unified",
        # Below the plot, in the container's coordinates: Plotly then makes room for it
        # under the axis title instead of drawing over it.
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "xanchor": "left",
            "x": 0,
        },
        # Upright at the right edge: the tool bar never covers the title.
        modebar={"orientation": "v"},
        # A column's or a file's name may hold markup: axis titles render it too.
        xaxis_title=escape_html(x_title),
        yaxis_title=escape_html(y_title),
        # 10,000 on an axis, not 10k or 1e+4
        xaxis_exponentformat="none",
        xaxis_separatethousands=True,
        yaxis_exponentformat="none",
        yaxis_separatethousands=True,
        uirevision="keep",  # zoom survives a rerun with new data
    )
    return fig


def titled(
    fig: go.Figure, *, title: str, x_title: str, y_title: str, height: int = 340
) -> go.Figure:
    """Any figure laid out as every chart is: the title wrapped and escaped, the axes named."""
    return _layout(fig, title=title, x_title=x_title, y_title=y_title, height=height)


@dataclass(frozen=True)
class Line:
    """One trace of a time chart: ``values`` against steps 1..T (or ``x``)."""

    values: np.ndarray
    name: str
    color: str
    width: float = 2.0
    dash: str | None = None
    opacity: float = 1.0
    at: np.ndarray | None = None  # x of each value, once decimated (see `decimated`)


def raw_line(values: np.ndarray) -> Line:
    """The signal itself, thin and grey, under the averages drawn over it."""
    return Line(values, LABELS["raw"], COLORS["raw"], width=1.0, opacity=0.6)


def decimated(line: Line, x: np.ndarray | None = None, max_points: int = MAX_POINTS) -> Line:
    """The line as drawn: at most ``max_points`` values with their x (steps 1..T, or ``x``).

    Small enough to cache and to send; a line already decimated is returned as is.
    """
    if line.at is not None:
        return line
    y = np.asarray(line.values, dtype=np.float64)
    idx = decimate(y, max_points)
    # steps 1..T unless x is given; never materialise a full-length step axis
    at = (idx + 1).astype(np.int32) if x is None else x[idx]
    # float32 is 7 digits, more than a chart or its 6-digit hover shows, and half the bytes
    return replace(line, values=y[idx].astype(np.float32), at=at)


def _scatter(x: np.ndarray | None, line: Line) -> go.Scatter:
    line = decimated(line, x)
    return go.Scatter(
        x=line.at,
        y=line.values,
        name=line.name,
        mode="lines",
        line={"color": line.color, "width": line.width, "dash": line.dash},
        opacity=line.opacity,
        hovertemplate="%{y:.6g}",
    )


def time_figure(
    lines: Sequence[Line],
    *,
    title: str,
    y_title: str = "value",
    x: np.ndarray | None = None,
    x_title: str | None = None,
    window: tuple[float, float, str] | None = None,
    height: int = 420,
    length: int | None = None,
) -> go.Figure:
    """Lines against time; each longer than `MAX_POINTS` is decimated for display.

    ``window`` = (first, last, label) shades the band of steps the effective window
    covers, with its label. ``length`` is the series' length when the lines come
    already `decimated`.
    """
    if x_title is None:  # dates under dates, steps under steps
        x_title = "date" if x is not None and np.asarray(x).dtype.kind == "M" else "step t"
    fig = go.Figure()
    n = length if length is not None else (len(lines[0].values) if lines else 0)
    for line in lines:
        fig.add_trace(_scatter(x, line))
    first_x, last_x = (1, n) if x is None else (x[0], x[-1])
    if n:
        fig.update_xaxes(range=[first_x, last_x])
    if window is not None:
        first, last, label = window
        fig.add_vrect(
            x0=first,
            x1=last,
            fillcolor=COLORS["window"],
            opacity=0.18,
            line_width=0,
            annotation_text=label,
            # inside the band, on the side with room for the text
            annotation_position="top left" if first - first_x < last_x - last else "top right",
            annotation_font_color=COLORS["window"],
        )
    return _layout(fig, title=title, x_title=x_title, y_title=y_title, height=height)


def shade_gaps(fig: go.Figure, gaps: Sequence[tuple[object, object]]) -> go.Figure:
    """Shade each (start, end) gap in the observations, behind the lines."""
    for start, end in gaps:
        fig.add_vrect(
            x0=start, x1=end, fillcolor=COLORS["gap"], opacity=0.22, line_width=0, layer="below"
        )
    return fig


def gap_zoom_figure(
    times: np.ndarray,
    values: np.ndarray,
    step_ema: np.ndarray | None,
    time_ema: np.ndarray,
    view,
) -> go.Figure:
    """The observations around the longest gap: the signal, the step EMA, the time-aware EMA.

    At most `MAX_POINTS` drawn per line, like every time chart: around a year's gap in
    minute data the zoom holds a million observations, which froze the browser."""
    first, last = view.zoom
    x = times[first:last]
    fig = go.Figure()
    for y, key, name, mode in (
        (values, "raw", LABELS["raw"], "lines+markers"),
        (step_ema, "debiased", "step EMA (debiased)", "lines"),
        (time_ema, "time", LABELS["time"], "lines"),
    ):
        if y is None:  # no debiased step EMA at a decay of 1
            continue
        kept = decimate(np.asarray(y[first:last], dtype=np.float64), MAX_POINTS)
        fig.add_trace(
            go.Scatter(
                x=x[kept],
                y=y[first:last][kept],
                name=name,
                mode=mode,
                line={"color": COLORS[key], "width": 1.0 if key == "raw" else 2.5},
                marker={"size": 4},
                hovertemplate="%{y:.6g}",
            )
        )
    shade_gaps(fig, [g for g in view.gaps if x[0] <= g[0] and g[1] <= x[-1]])
    return _layout(fig, title=view.zoom_title, x_title="date", y_title="value", height=340)


SCRUBBER_DECAYS: tuple[float, ...] = (
    0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.985, 0.99,
    0.992, 0.994, 0.995, 0.996, 0.997, 0.998, 0.999, 0.9995, 0.9998, 0.9999,
)  # fmt: skip
"""The decays of the in-chart scrubber: one precomputed frame each."""

SCRUBBER_POINTS = 800
"""Points per frame: frames hold only y, on one shared grid of steps."""


def scrubber_curves(
    values: np.ndarray,
    *,
    initial: float | None = 0.0,
    debias: bool = False,
    decays: Sequence[float] = SCRUBBER_DECAYS,
) -> np.ndarray:
    """The scrubber's frames: the EMA for each decay, computed by `ema_core` on the full
    series and sampled on a shared grid of at most `SCRUBBER_POINTS` steps, as float32."""
    x = np.asarray(values, dtype=np.float64)
    grid = evenly(len(x), SCRUBBER_POINTS)
    curves = [
        debiased_or_gaps(x, d, initial) if debias else ec.ema_series(x, d, initial=initial)
        for d in decays
    ]
    return np.stack([curve[grid] for curve in curves]).astype(np.float32)


def scrubber_figure(
    values: np.ndarray,
    *,
    initial: float | None = 0.0,
    debias: bool = False,
    start: float = 0.99,
    decays: Sequence[float] = SCRUBBER_DECAYS,
    title: str = "Drag the decay: every frame is precomputed, the browser redraws alone",
    curves: np.ndarray | None = None,
) -> go.Figure:
    """The signal and its EMA, with a decay slider inside the chart (Plotly frames).

    Each frame holds one of `scrubber_curves` (given as ``curves``, or computed here);
    moving the slider swaps frames in the browser with no server round trip. The figure
    is self-contained: it also works as a static HTML file.
    """
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    steps = (evenly(n, SCRUBBER_POINTS) + 1).astype(np.int32)
    if curves is None:
        curves = scrubber_curves(x, initial=initial, debias=debias, decays=decays)
    frames = [
        go.Frame(name=f"{d:g}", data=[go.Scatter(y=curve)], traces=[1])
        for d, curve in zip(decays, curves, strict=True)
    ]
    first = list(decays).index(start) if start in decays else 0
    fig = go.Figure(
        data=[
            _scatter(None, raw_line(x)),
            go.Scatter(
                x=steps,
                y=frames[first].data[0].y,
                name="EMA (scrubber)",
                mode="lines",
                line={"color": COLORS["debiased" if debias else "biased"], "width": 2.5},
                hovertemplate="%{y:.6g}",
            ),
        ],
        frames=frames,
    )
    fig.update_layout(
        sliders=[
            {
                "active": first,
                "currentvalue": {"prefix": "β = ", "font": {"size": 14}},
                "pad": {"t": 40},
                "steps": [
                    {
                        "label": frame.name,
                        "method": "animate",
                        "args": [
                            [frame.name],
                            # "immediate" leaves a rejected promise uncaught when a click
                            # interrupts a frame; with zero durations "afterall" is as fast
                            {
                                "mode": "afterall",
                                "frame": {"duration": 0, "redraw": False},
                                "transition": {"duration": 0},
                            },
                        ],
                    }
                    for frame in frames
                ],
            }
        ]
    )
    fig.update_xaxes(range=[1, n])
    _layout(fig, title=title, x_title="step t", y_title="value", height=470)
    # the slider sits below the axis: the legend goes above the plot
    fig.update_layout(legend={"yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1})
    return fig


def smoothing_lines(
    values: np.ndarray,
    *,
    biased: np.ndarray | None = None,
    debiased: np.ndarray | None = None,
    tensorflow: np.ndarray | None = None,
    show_raw: bool = True,
) -> list[Line]:
    """The standard set of lines: raw signal, biased, debiased and TensorFlow EMA."""
    lines = [raw_line(values)] if show_raw else []
    for key, series in (("biased", biased), ("debiased", debiased), ("tensorflow", tensorflow)):
        if series is not None:
            lines.append(
                Line(series, LABELS[key], COLORS[key], dash="dash" if key == "tensorflow" else None)
            )
    return lines


def bias_factor_figure(decay: float, n: int) -> go.Figure:
    """The weight on the data, 1 - decay**t, and the weight left on the start, decay**t."""
    t = np.arange(1, n + 1)
    on_data = ec.bias_correction(decay, t)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=t, y=on_data, name="1 − βᵗ: weight on the data", line={"color": COLORS["debiased"]}
        )
    )
    fig.add_trace(
        go.Scatter(
            x=t,
            y=1 - on_data,
            name="βᵗ: weight left on the initial value",
            line={"color": COLORS["biased"]},
        )
    )
    window = ec.effective_window(decay)
    for k in (1, 2, 3, 5):
        if k * window <= n:
            fig.add_vline(
                x=k * window,
                line={"color": COLORS["window"], "dash": "dot", "width": 1},
                # short labels: at small windows the lines stand a few pixels apart
                annotation_text="N" if k == 1 else f"{k}N",
                annotation_font_color=COLORS["window"],
            )
    fig.update_yaxes(range=[0, 1.02])
    return _layout(
        fig,
        title="Where the weight sits after t updates",
        x_title=f"step t (window N = 1/(1−β) = {readable(window)})",
        y_title="share of weight",
    )


def schedule_figure(decay: float, n: int) -> go.Figure:
    """TensorFlow's schedule as the window 1/(1 − decay) in effect, log-log, crossover marked.

    A decay near 1 is all in its distance from 1: on a linear decay axis 0.99, 0.999 and
    0.9999 are one flat line, while their windows are 100, 1,000 and 10,000 steps. The
    hover still reads the decay itself.
    """
    t = np.unique(np.round(np.geomspace(1, max(n, 10), 400)).astype(np.int64))
    dynamic = ec.tf_decay(decay, t)
    fig = go.Figure()
    with np.errstate(divide="ignore"):
        fig.add_trace(
            go.Scatter(
                x=t,
                y=ec.effective_window(dynamic),
                customdata=dynamic,
                name="TensorFlow: min(β, (1+t)/(10+t))",
                line={"color": COLORS["tensorflow"]},
                hovertemplate="t = %{x:,}: decay %{customdata:.6f}, window %{y:,.4~r}",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=t,
                y=np.full(t.shape, ec.effective_window(decay)),
                name=f"constant β = {decay:g}",
                line={"color": COLORS["reference"], "dash": "dot"},
                hovertemplate=f"decay {decay:g}, window %{{y:,.4~r}}",
            )
        )
    crossover = ec.tf_crossover(decay)
    if 1 <= crossover < np.inf:
        fig.add_trace(
            go.Scatter(
                x=[crossover],
                y=[ec.effective_window(decay)],
                mode="markers+text",
                marker={"size": 10, "color": COLORS["window"]},
                text=[f"t* = {readable(crossover)}"],
                textposition="top left",
                name="crossover t*",
            )
        )
    log_axis(fig.layout.xaxis)
    log_axis(fig.layout.yaxis)
    top = float(np.log10(max(ec.effective_window(min(decay, 0.999999)), 2)))
    fig.update_yaxes(range=[-0.05, top + 0.45])  # room for the t* label above its point
    fig.update_layout(hovermode="closest")
    return _layout(
        fig,
        title="The window 1/(1 − decay) in effect at step t",
        x_title="step t (log scale)",
        y_title="window in steps (log scale)",
    )


def log_axis(axis) -> None:
    """A log axis labelled at each decade in plain numbers: 0.0001, 1, 100, 10,000."""
    axis.update(type="log", dtick=1, tickformat=",~r", exponentformat="none", minor={"ticks": ""})


def _decades_apart(decays: Sequence[float]) -> bool:
    # Windows five times apart or more: on a linear axis the shorter is a near-vertical line.
    windows = ec.effective_window(np.asarray(decays, dtype=np.float64))
    return bool(windows.max() >= 5 * windows.min())


def _response_steps(decays: Sequence[float], windows: float, *, log: bool) -> np.ndarray:
    # Up to `windows` windows of the longest memory; on a log axis, spread evenly in log.
    n = int(min(max(windows * ec.effective_window(max(decays)), 20), 100_000))
    if not log:
        return np.arange(1, n + 1)
    return np.unique(np.round(np.geomspace(1, n, 600)).astype(np.int64))


def impulse_figure(decays: Sequence[float]) -> go.Figure:
    """The weights (1-β)β^k on the value k steps back, each window marked.

    Decays a decade or more apart are drawn on log axes, where each curve keeps its
    weight (1 − β) flat until its window and then falls: on linear axes the shorter
    memories would be a vertical line at 0 and the longer ones a flat line.
    """
    log = _decades_apart(decays)
    age = _response_steps(decays, 3 if not log else 6, log=log)  # the newest value is age 1
    fig = go.Figure()
    for i, d in enumerate(decays):
        color = decay_color(i)
        weights = ec.impulse_response(d, int(age[-1]))[age - 1]
        fig.add_trace(go.Scatter(x=age, y=weights, name=f"β = {d:g}", line={"color": color}))
        fig.add_vline(x=ec.effective_window(d), line={"color": color, "dash": "dot", "width": 1})
    if log:
        log_axis(fig.layout.xaxis)
        log_axis(fig.layout.yaxis)
        low = min(float(ec.impulse_response(d, int(age[-1]))[-1]) for d in decays)
        fig.update_yaxes(range=[np.log10(max(low, 1e-12)) - 0.2, 0.1])
    return _layout(
        fig,
        title="Weight on each past value (dotted: window 1/(1−β))",
        x_title="age in steps (1 = the newest value)" + (", log scale" if log else ""),
        y_title="weight" + (" (log scale)" if log else ""),
    )


def step_figure(decays: Sequence[float]) -> go.Figure:
    """How fast each decay follows a jump from 0 to 1 (log steps for decays decades apart)."""
    log = _decades_apart(decays)
    t = _response_steps(decays, 5, log=log)
    fig = go.Figure()
    for i, d in enumerate(decays):
        fig.add_trace(
            go.Scatter(
                x=t,
                y=ec.step_response(d, int(t[-1]))[t - 1],
                name=f"β = {d:g}",
                line={"color": decay_color(i)},
            )
        )
    fig.add_hline(
        y=1 - np.exp(-1),
        line={"color": COLORS["window"], "dash": "dot", "width": 1},
        annotation_text="63%",
    )
    if log:
        log_axis(fig.layout.xaxis)
    return _layout(
        fig,
        title="Step response: the EMA of a jump from 0 to 1",
        x_title="steps after the jump" + (" (log scale)" if log else ""),
        y_title="EMA",
    )


def frequency_figure(decays: Sequence[float]) -> go.Figure:
    """|H| against frequency on log axes, with each -3 dB cutoff marked."""
    fig = go.Figure()
    f = np.geomspace(1e-5, 0.5, 400)  # cycles per step, up to Nyquist
    lowest = 1.0
    for i, d in enumerate(decays):
        color = decay_color(i)
        gain = np.abs(ec.frequency_response(d, 2 * np.pi * f))
        lowest = min(lowest, float(gain.min()))
        fig.add_trace(go.Scatter(x=f, y=gain, name=f"β = {d:g}", line={"color": color}))
        wc = ec.cutoff_frequency(d)
        if np.isfinite(wc):
            fig.add_trace(
                go.Scatter(
                    x=[wc / (2 * np.pi)],
                    y=[np.sqrt(0.5)],
                    mode="markers",
                    marker={"color": color, "size": 9, "symbol": "diamond"},
                    name=f"cutoff β = {d:g}",
                    showlegend=False,
                )
            )
    fig.add_hline(
        y=np.sqrt(0.5),
        line={"color": COLORS["window"], "dash": "dot", "width": 1},
        annotation_text="−3 dB",
    )
    log_axis(fig.layout.xaxis)
    log_axis(fig.layout.yaxis)
    fig.update_yaxes(range=[np.log10(lowest) - 0.1, 0.1])
    return _layout(
        fig,
        title="Frequency response |H(f)|",
        x_title="frequency (cycles per step)",
        y_title="gain |H|",
    )


def tradeoff_figure(decays: Sequence[float]) -> go.Figure:
    """Noise left (std out / std in) against lag, for all decays, the chosen ones as points."""
    grid = 1 - np.geomspace(0.5, 1e-4, 300)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=ec.center_of_mass(grid),
            y=np.sqrt(ec.noise_variance_ratio(grid)),
            name="every decay",
            line={"color": COLORS["raw"]},
            customdata=grid,
            hovertemplate="β = %{customdata:.5g}<br>lag %{x:.4g}<br>noise %{y:.3g}<extra></extra>",
        )
    )
    for i, d in enumerate(decays):
        fig.add_trace(
            go.Scatter(
                x=[ec.center_of_mass(d)],
                y=[np.sqrt(ec.noise_variance_ratio(d))],
                mode="markers",
                marker={"color": decay_color(i), "size": 12},
                name=f"β = {d:g}",
            )
        )
    log_axis(fig.layout.xaxis)
    log_axis(fig.layout.yaxis)
    fig.update_layout(hovermode="closest")
    return _layout(
        fig, title="Noise versus lag", x_title="lag (steps)", y_title="noise std left (out / in)"
    )


PATH_POINTS = 500
"""Points per weight path and per schedule line in the weights lab's charts."""


def _path(points: np.ndarray, limit: int = PATH_POINTS) -> np.ndarray:
    # A path in the plane keeps its order: thin it evenly, keep both ends.
    if len(points) <= limit:
        return points
    idx = evenly(len(points), limit)
    return points[idx]


def _loss_contour(problem: ec.training.LeastSquares, paths: Sequence[np.ndarray]) -> go.Figure:
    # The held-out loss as a grey map over the box that holds every path, and its minimum.
    allpts = np.concatenate(paths)
    lo, hi = allpts.min(axis=0), allpts.max(axis=0)
    pad = 0.08 * (hi - lo).max()
    gx = np.linspace(lo[0] - pad, hi[0] + pad, 80)
    gy = np.linspace(lo[1] - pad, hi[1] + pad, 80)
    grid = np.stack(np.meshgrid(gx, gy), axis=-1)
    loss = problem.loss(grid)
    fig = go.Figure(
        go.Contour(
            x=gx,
            y=gy,
            z=np.log10(loss - loss.min() + 1e-3).astype(np.float32),
            colorscale="Greys",
            reversescale=True,
            showscale=False,
            opacity=0.45,
            ncontours=18,
            # Filled bands rather than a smoothed image under the lines: the same map, and
            # on a first load ~0.15 s less of the browser's time (bench_first_load.py).
            contours={"coloring": "fill"},
            hoverinfo="skip",
            name="held-out loss",
        )
    )
    return fig


def _finish_contour(fig: go.Figure, problem: ec.training.LeastSquares, title: str) -> go.Figure:
    best = problem.minimum()
    fig.add_trace(
        go.Scatter(
            x=[best[0]],
            y=[best[1]],
            mode="markers",
            marker={
                "symbol": "star",
                "size": 14,
                "color": "#000000",
                "line": {"color": "#FFFFFF", "width": 1},
            },
            name="held-out minimum",
        )
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    fig.update_layout(hovermode="closest")
    return _layout(fig, title=title, x_title="w₁", y_title="w₂", height=520)


def _path_trace(path: np.ndarray, name: str, color: str, **line) -> go.Scatter:
    p = _path(path)
    return go.Scatter(x=p[:, 0], y=p[:, 1], mode="lines", name=name, line={"color": color, **line})


def weights_contour_figure(run: ec.training.WeightsRun, names: Sequence[str]) -> go.Figure:
    """The held-out loss as a contour map, with the raw weight path and each EMA's path."""
    paths = [run.weights, *(run.tracks[n] for n in names)]
    fig = _loss_contour(run.problem, paths)
    for name, path in zip(["raw", *names], paths, strict=True):
        trace = _path_trace(
            path, strategies.label(name), strategies.color(name), width=1 if name == "raw" else 2.5
        )
        trace.opacity = 0.7 if name == "raw" else 1.0
        fig.add_trace(trace)
    if run.keras_weights is not None and "keras" in names:
        fig.add_trace(
            _path_trace(
                run.keras_weights,
                "Keras raw weights (overwritten by the EMA)",
                strategies.color("keras"),
                width=1,
                dash="dot",
            )
        )
    return _finish_contour(fig, run.problem, "Weight paths on the held-out loss")


def posthoc_paths_figure(run: ec.training.WeightsRun, v) -> go.Figure:
    """The power EMA of one width: tracked during training, and rebuilt from snapshots."""
    fig = _loss_contour(run.problem, [run.weights, v.tracked_path])
    raw = _path_trace(run.weights, strategies.label("raw"), strategies.color("raw"), width=1)
    raw.opacity = 0.7
    fig.add_trace(raw)
    fig.add_trace(
        _path_trace(v.tracked_path, strategies.label("power"), strategies.color("power"), width=2.5)
    )
    fig.add_trace(
        go.Scatter(
            x=v.rebuilt_path[:, 0],
            y=v.rebuilt_path[:, 1],
            mode="markers",
            name=strategies.label("posthoc"),
            marker={"color": strategies.color("posthoc"), "size": 6, "symbol": "circle-open"},
            customdata=v.rebuilt_steps,
            hovertemplate="step %{customdata:,}<br>(%{x:.4f}, %{y:.4f})",
        )
    )
    return _finish_contour(fig, run.problem, f"Weight paths, σ_rel {v.sigma_rel:g}")


def posthoc_loss_figure(v) -> go.Figure:
    """Held-out loss: raw weights, the tracked power EMA, the rebuilt one at the snapshots."""
    steps = np.arange(len(v.raw_loss))  # 0: the initial weights, before any step
    lines = [
        decimated(
            Line(values, strategies.label(key), strategies.color(key), width),
            x=steps,
            max_points=2 * PATH_POINTS,
        )
        for values, key, width in ((v.raw_loss, "raw", 1.0), (v.tracked_loss, "power", 2.0))
    ]
    fig = time_figure(
        lines,
        title=f"Held-out loss, σ_rel {v.sigma_rel:g}",
        x=steps,
        x_title="step t",
        y_title="held-out loss",
        height=380,
        length=len(steps),
    )
    fig.add_trace(
        go.Scatter(
            x=v.rebuilt_steps,
            y=v.rebuilt_loss,
            name=strategies.label("posthoc"),
            mode="markers",
            marker={"color": strategies.color("posthoc"), "size": 7, "symbol": "circle-open"},
            hovertemplate="%{y:.6g}",
        )
    )
    # The axis serves the comparison of the two averages; the raw weights' spikes
    # run off the top rather than flatten both averages into one band.
    low = min(v.tracked_loss.min(), v.rebuilt_loss.min()) / 1.02
    high = max(v.rebuilt_loss.max(), np.quantile(v.tracked_loss, 0.95)) * 1.05
    fig.update_yaxes(type="log", range=[np.log10(low), np.log10(high)])
    return fig


def posthoc_sweep_figure(study, sigma_rel: float) -> go.Figure:
    """Held-out loss at the end against the width, from reconstructions alone."""
    fig = go.Figure()
    for values, name, key, width, dash in (
        (study.sweep_tracked, "tracked directly (a run per width)", "power", 1.5, "dot"),
        (study.sweep_rebuilt, "rebuilt post hoc (one run)", "posthoc", 2.5, None),
    ):
        fig.add_trace(
            go.Scatter(
                x=study.sweep,
                y=values,
                name=name,
                mode="lines",
                line={"color": strategies.color(key), "width": width, "dash": dash},
                hovertemplate="%{y:.6g}",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[study.best],
            y=[study.best_loss],
            name=f"least loss: σ_rel = {study.best:.4g}",
            mode="markers",
            marker={"color": strategies.color("posthoc"), "size": 12, "symbol": "star"},
        )
    )
    fig.add_vline(x=sigma_rel, line_color=COLORS["window"], line_dash="dash")
    return _layout(
        fig,
        title=f"Sweep after training: least held-out loss at σ_rel = {study.best:.4g}",
        x_title="σ_rel (the average's width over the run's length)",
        y_title="held-out loss at the end",
        height=380,
    )


def posthoc_profile_figure(v) -> go.Figure:
    """What the least squares fits: the target profile and the snapshots' combination."""
    fig = go.Figure()
    for values, name, color, dash in (
        (v.target_profile, f"target: σ_rel {v.sigma_rel:g}", COLORS["reference"], None),
        (v.rebuilt_profile, "Σ cᵢ · snapshot profileᵢ", strategies.color("posthoc"), "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=v.tau,
                y=values.astype(np.float32),
                name=name,
                mode="lines",
                line={"color": color, "width": 2.5, "dash": dash},
                hovertemplate="%{y:.3g}",
            )
        )
    fig.update_xaxes(range=[0, v.tau[-1]])
    return _layout(
        fig,
        title="Weight of each past step at the end",
        x_title="past step τ",
        y_title="weight per step",
        height=380,
    )


def weights_loss_figure(run: ec.training.WeightsRun, names: Sequence[str]) -> go.Figure:
    """Held-out loss above its minimum after every step, raw and each EMA, on log-log axes.

    Above the minimum, because that is what an EMA changes: late in training every
    average sits near the bottom and their differences are a few thousandths, which a
    log axis of the loss itself squeezes into one band under the raw weights' spikes.
    Log steps, because the warm-ups differ in the first tens of steps.
    """
    steps = np.arange(len(run.weights))  # 0: the initial weights, before any step
    best = float(run.problem.loss(run.problem.minimum()))
    excess = {n: run.test_loss(n) - best for n in ["raw", *names]}
    lines = [
        decimated(
            Line(
                excess[n],
                strategies.label(n),
                strategies.color(n),
                1.0 if n == "raw" else 2.0,
                opacity=0.5 if n == "raw" else 1.0,
            ),
            x=steps,
            max_points=2 * PATH_POINTS,
        )
        for n in excess
    ]
    fig = time_figure(
        lines,
        title="Held-out loss above its minimum, against the step",
        x=steps,
        x_title="step t (log scale)",
        y_title="loss above its minimum",
        height=380,
        length=len(steps),
    )
    log_axis(fig.layout.xaxis)
    log_axis(fig.layout.yaxis)
    fig.update_xaxes(range=[0, np.log10(max(10, steps[-1]))])
    averages = np.concatenate([excess[n][1:] for n in names or ["raw"]])
    # The averages' own spread sets the axis; a moment when one crosses the very bottom
    # (an excess of 1e-7) would otherwise stretch it by decades.
    low = max(float(np.quantile(averages, 0.02)), 1e-12)
    high = float(averages.max())
    fig.update_yaxes(range=[np.log10(low) - 0.3, np.log10(high) + 0.2])
    return fig


def decay_in_effect_figure(
    run: ec.training.WeightsRun, names: Sequence[str], every: int = 1
) -> go.Figure:
    """The decay each strategy uses at each update, and the window it implies, in steps.

    Every one of the first updates is drawn (Keras jumps from 0 to β at step 2, and the
    warm-ups differ most there); later ones are spread evenly on the log step axis.
    """
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=("decay in effect", "window (steps)"))
    for name in names:
        d = run.decays[name]
        t = np.flatnonzero(d != 1) + 1  # update steps only (every k steps holds in between)
        t = _early_and_log_spread(t)
        decay = d[t - 1]
        window = every / (1 - decay)
        style = {"color": strategies.color(name), "shape": "hv"}  # a decay holds until the next
        fig.add_trace(
            go.Scatter(x=t, y=decay, name=strategies.label(name), line=style), row=1, col=1
        )
        fig.add_trace(
            go.Scatter(x=t, y=window, name=strategies.label(name), line=style, showlegend=False),
            row=1,
            col=2,
        )
    fig.update_xaxes(title_text="step t (log scale)")
    for axis in (fig.layout.xaxis, fig.layout.xaxis2, fig.layout.yaxis2):
        log_axis(axis)
    return _layout(fig, title="Decay schedules", x_title="step t", y_title="", height=360)


def _early_and_log_spread(steps: np.ndarray, early: int = 200, later: int = 300) -> np.ndarray:
    """All of the first ``early`` entries, then ``later`` spread evenly in log of the step."""
    if len(steps) <= early + later:
        return steps
    rest = steps[early:]
    picks = np.geomspace(rest[0], rest[-1], later)
    idx = np.unique(np.clip(np.searchsorted(rest, picks), 0, len(rest) - 1))
    return np.concatenate([steps[:early], rest[idx]])


def decoded(fig_json: Mapping) -> list[dict]:
    """The traces of a figure's JSON with ``bdata`` arrays decoded (for tests and checks)."""
    import base64

    def arr(v):
        if isinstance(v, dict) and "bdata" in v:
            return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return np.asarray(v) if isinstance(v, list) else v

    return [{k: arr(v) for k, v in trace.items()} for trace in fig_json["data"]]


__all__ = [
    "MAX_POINTS",
    "Line",
    "bias_factor_figure",
    "config",
    "decay_in_effect_figure",
    "decimated",
    "decoded",
    "frequency_figure",
    "gap_zoom_figure",
    "impulse_figure",
    "log_axis",
    "posthoc_loss_figure",
    "posthoc_paths_figure",
    "posthoc_profile_figure",
    "posthoc_sweep_figure",
    "raw_line",
    "schedule_figure",
    "scrubber_curves",
    "scrubber_figure",
    "set_title",
    "shade_gaps",
    "smoothing_lines",
    "step_figure",
    "time_figure",
    "tradeoff_figure",
    "weights_contour_figure",
    "weights_loss_figure",
]
