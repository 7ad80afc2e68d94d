"""The TensorFlow lesson's own chart: the dynamic decay against the fixed one."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.model.numbers import readable
from ema_lab.model.style import COLORS
from ema_lab.plot.figures import layout, log_axis


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
    return layout(
        fig,
        title="The window 1/(1 − decay) in effect at step t",
        x_title="step t (log scale)",
        y_title="window in steps (log scale)",
    )
