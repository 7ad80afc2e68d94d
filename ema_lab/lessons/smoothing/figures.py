"""The smoothing lesson's own charts: the in-chart scrubber and the zoom on the longest gap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.model.signal import debiased_or_gaps
from ema_lab.model.style import COLORS
from ema_lab.model.variants import VARIANTS
from ema_lab.plot.decimate import MAX_POINTS, decimate, evenly
from ema_lab.plot.figures import RAW_LABEL, as_drawn, layout, raw_line, scatter, shade_gaps


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
    step, timed = VARIANTS["debiased"], VARIANTS["time_aware"]
    for y, name, mode, line, opacity in (
        (values, RAW_LABEL, "lines+markers", {"color": COLORS["raw"], "width": 1.0}, 1.0),
        # Each EMA in its variant's look (a band, a dash-dot): colour is not all that
        # tells two lines apart where they lie together.
        (step_ema, "step EMA (debiased)", "lines",
         {"color": step.color, "width": step.width, "dash": step.dash}, step.opacity),
        (time_ema, timed.label, "lines",
         {"color": timed.color, "width": 2.5, "dash": timed.dash}, timed.opacity),
    ):  # fmt: skip
        if y is None:  # no debiased step EMA at a decay of 1
            continue
        kept = decimate(np.asarray(y[first:last], dtype=np.float64), MAX_POINTS)
        fig.add_trace(
            go.Scatter(
                x=x[kept],
                y=y[first:last][kept],
                name=name,
                mode=mode,
                line=line,
                opacity=opacity,
                marker={"size": 4},
                hovertemplate="%{y:.6g}",
            )
        )
    shade_gaps(fig, [g for g in view.gaps if x[0] <= g[0] and g[1] <= x[-1]])
    return layout(fig, title=view.zoom_title, x_title="date", y_title="value", height=340)


SCRUBBER_DECAYS: tuple[float, ...] = (
    0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999,
)  # fmt: skip
"""The decays of the in-chart scrubber: one precomputed frame each. Plotly labels every
stop that fits, else every 2nd or 3rd; 0.9, 0.99, 0.999 and 0.9999 are every 3rd."""


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
    return as_drawn(np.stack([curve[grid] for curve in curves]))


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
            scatter(None, raw_line(x)),
            go.Scatter(
                x=steps,
                y=frames[first].data[0].y,
                name=f"EMA, ema₀ = {initial:g}" if initial is not None else "EMA",
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
    layout(fig, title=title, x_title="step t", y_title="value", height=470)
    # the slider sits below the axis: the legend goes above the plot
    fig.update_layout(legend={"yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1})
    return fig
