"""The lesson's charts, built with the shared Plotly kit (`ema_lab.plot.figures`)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ema_lab.model.style import COLORS
from ema_lab.plot import figures as kit

CORRECTED, UNCORRECTED = "with bias correction (Adam)", "without bias correction"


def step_lengths_figure(on: np.ndarray, off: np.ndarray, title: str) -> go.Figure:
    """The length of each step, with and without the correction, on a log axis."""
    lines = [
        kit.Line(off, UNCORRECTED, COLORS["biased"], width=2.0, dash="dot"),
        kit.Line(on, CORRECTED, COLORS["debiased"], width=2.5),
    ]
    fig = kit.time_figure(lines, title=title, y_title="step length ‖uₜ‖")
    kit.log_axis(fig.layout.yaxis)
    # The correction matters in the first steps: a log axis gives them the room.
    kit.log_axis(fig.layout.xaxis)
    return fig.update_xaxes(range=[0, math.log10(len(on))])


def paths_figure(on: np.ndarray, off: np.ndarray, minimum: np.ndarray) -> go.Figure:
    """Both runs' weights on the bowl, from the same start to its bottom."""
    fig = go.Figure()
    for path, name, color, dash in (
        (off, UNCORRECTED, COLORS["biased"], "dot"),
        (on, CORRECTED, COLORS["debiased"], None),
    ):
        fig.add_trace(
            go.Scatter(
                x=path[:, 0], y=path[:, 1], name=name, mode="lines",
                line={"color": color, "width": 2, "dash": dash},
                hovertemplate="w₁ %{x:.4g}, w₂ %{y:.4g}",
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[on[0, 0], minimum[0]], y=[on[0, 1], minimum[1]], mode="markers",
            name="start and bottom of the bowl",
            marker={"size": 10, "color": COLORS["raw"], "symbol": ["circle", "star"]},
        )
    )  # fmt: skip
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return kit.titled(
        fig, title="Weight paths on the weights lab's bowl", x_title="w₁", y_title="w₂", height=420
    )


def noisy_figure(on: np.ndarray, off: np.ndarray, noise: float) -> go.Figure:
    """θ on a noisy 1-D bowl, from step 0, with and without the correction."""
    lines = [
        kit.Line(off, UNCORRECTED, COLORS["biased"], width=2.0, dash="dot"),
        kit.Line(on, CORRECTED, COLORS["debiased"], width=2.5),
    ]
    title = f"A noisy 1-D bowl, ½θ² with gradient noise σ = {noise:g}: θ from {on[0]:g}"
    return kit.time_figure(lines, title=title, x=np.arange(len(on)), y_title="θ", height=340)
