"""The bias-correction lesson's own chart: the weight on the data and on the start."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.model.numbers import readable
from ema_lab.model.style import COLORS
from ema_lab.plot.figures import layout


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
    return layout(
        fig,
        title="Where the weight sits after t updates",
        x_title=f"step t (window N = 1/(1−β) = {readable(window)})",
        y_title="share of weight",
    )
