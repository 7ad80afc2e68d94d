"""The choosing-a-decay lesson's charts: impulse, step and frequency responses, noise versus lag."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.model.style import COLORS, decay_color
from ema_lab.plot.figures import layout, log_axis


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
    # The newest value is age 1. On log axes, to 8.5 windows of the longest memory: its curve
    # then meets the axis' floor (e⁻⁸ below its start) inside the plot; at 6 windows it ran
    # off the right edge.
    age = _response_steps(decays, 3 if not log else 8.5, log=log)
    fig = go.Figure()
    for i, d in enumerate(decays):
        color = decay_color(i)
        weights = ec.impulse_response(d, int(age[-1]))[age - 1]
        fig.add_trace(go.Scatter(x=age, y=weights, name=f"β = {d:g}", line={"color": color}))
        fig.add_vline(x=ec.effective_window(d), line={"color": color, "dash": "dot", "width": 1})
    if log:
        log_axis(fig.layout.xaxis)
        log_axis(fig.layout.yaxis)
        # Down to where the longest memory has fallen e⁻⁸ below its start (about six
        # decades): the short memories plunge out of view by then, and the axis no longer
        # spends 13 decades, to 0.000000000001, on weights nobody reads.
        low = min(float(ec.impulse_response(d, int(age[-1]))[-1]) for d in decays)
        floor = min((1 - d) * np.exp(-8) for d in decays if d < 1) if min(decays) < 1 else low
        fig.update_yaxes(range=[np.log10(max(low, floor)) - 0.2, 0.1])
    return layout(
        fig,
        title="Weight on each past value (dotted: window 1/(1−β))",
        x_title="age in steps" + (" (log scale)" if log else " (1 = the newest value)"),
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
    return layout(
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
    return layout(
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
    return layout(
        fig, title="Noise versus lag", x_title="lag (steps)", y_title="noise std left (out / in)"
    )
