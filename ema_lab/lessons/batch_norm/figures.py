"""The lesson's charts, built with the shared Plotly kit (`ema_lab.plot.figures`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ema_lab.model.style import COLORS
from ema_lab.plot import figures as kit


def stat_figure(view, stat: str, title: str) -> go.Figure:
    """The running mean (``stat="mean"``) or variance of every setting against the
    truth, with the batches' own statistic thin and grey under them."""
    s = view.stream
    own = s.batches.mean(axis=1)[:, 0] if stat == "mean" else s.batches.var(axis=1)[:, 0]
    truth = s.true_mean if stat == "mean" else s.true_var
    name = "mean" if stat == "mean" else "variance"
    lines = [
        kit.Line(own, f"each batch's {name}", COLORS["raw"], width=1.0, opacity=0.5),
        kit.Line(truth, f"true {name}", COLORS["window"], width=3.0),
        *(
            kit.Line(getattr(t, stat), t.label, t.color, width=2.5 if t is view.yours else 2.0,
                     dash=t.dash)
            for t in view.trackers
        ),
    ]  # fmt: skip
    fig = kit.time_figure(lines, title=title, y_title=f"running {name}", x_title="batch t")
    start = 0.0 if stat == "mean" else 1.0
    fig.update_yaxes(range=_range(np.concatenate([truth, getattr(view.yours, stat), [start]])))
    return fig


def _range(values: np.ndarray) -> tuple[float, float]:
    """The y range that holds the truth, the reader's line and the start, with a margin:
    the batches' own noisy statistics may run off it."""
    low, high = float(np.min(values)), float(np.max(values))
    pad = 0.08 * (high - low or 1.0)
    return low - pad, high + pad


def error_figure(view) -> go.Figure:
    """The error a model evaluated after each batch would make, on a log axis."""
    fig = kit.time_figure(
        [kit.Line(np.maximum(t.error, 1e-6), t.label, t.color, dash=t.dash) for t in view.trackers],
        title="Error of the normalized output, evaluated after each batch "
        "(running statistics instead of the truth)",
        y_title="RMS error (× output std)",
        x_title="batch t",
        height=360,
    )
    kit.log_axis(fig.layout.yaxis)
    return fig
