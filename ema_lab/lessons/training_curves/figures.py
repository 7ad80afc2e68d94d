"""The lesson's charts, built with the shared Plotly kit (`ema_lab.plot.figures`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ema_lab.model.style import COLORS
from ema_lab.plot import figures as kit

STEP = "step"


def _raw(values: np.ndarray, name: str = "logged (raw)") -> kit.Line:
    return kit.Line(values, name, COLORS["raw"], width=1.0, opacity=0.6)


def _tensorboard(values: np.ndarray, name: str = "TensorBoard (smoothed)") -> kit.Line:
    return kit.Line(values, name, COLORS["debiased"], width=2.5)


def _wandb(values: np.ndarray, name: str = "W&B (time-weighted EMA)") -> kit.Line:
    return kit.Line(values, name, COLORS["tensorflow"], width=2.0, dash="dash")


def curves_figure(view) -> go.Figure:
    """The logged curve, TensorBoard's and W&B's smoothing of it, each curve's best marked."""
    c = view.curve
    lines = [_raw(c.values), _tensorboard(view.tensorboard), _wandb(view.wandb)]
    fig = kit.time_figure(lines, title=view.title, x=c.steps, x_title=STEP, y_title=c.name)
    if c.low is not None and c.high is not None:
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([c.steps, c.steps[::-1]]),
                y=kit.as_drawn(np.concatenate([c.high, c.low[::-1]])),
                fill="toself",
                line={"width": 0},
                fillcolor=COLORS["raw"],
                opacity=0.2,
                name="W&B's band (min to max)",
                hoverinfo="skip",
            )
        )
    for (label, best), color in zip(
        view.bests().items(), (COLORS["raw"], COLORS["debiased"], COLORS["tensorflow"]), strict=True
    ):
        fig.add_trace(
            go.Scatter(
                x=[best.step],
                y=[best.value],
                mode="markers",
                marker={
                    "size": 11,
                    "color": color,
                    "symbol": "diamond",
                    "line": {"width": 1, "color": "white"},
                },
                name=f"best, {label}: step {best.step:,.0f}",
                hovertemplate="%{x:,} · %{y:.4g}",
            )
        )
    marked = [b.value for b in view.bests().values()]
    smoothed = np.concatenate([view.tensorboard, view.wandb, marked])
    fig.update_yaxes(range=_range(smoothed, c.values))
    return fig


def _range(smoothed: np.ndarray, raw: np.ndarray) -> tuple[float, float]:
    """Room for the smoothed curves and most of the raw one (its 1st to 99th percentile):
    a single spike must not squeeze the curves the reader came to compare."""
    shown = smoothed[np.isfinite(smoothed)]
    logged = raw[np.isfinite(raw)]
    if logged.size:
        shown = np.concatenate([shown, np.percentile(logged, [1, 99])])
    if not shown.size:
        return (0.0, 1.0)
    low, high = float(shown.min()), float(shown.max())
    pad = 0.06 * (high - low or abs(high) or 1.0)
    return low - pad, high + pad


def sampling_figure(view) -> go.Figure:
    """The first tenth of the run: smoothed over every point, and over TensorBoard's sample."""
    c = view.curve
    part = slice(0, view._first_part)
    steps = c.steps[part]
    lines = [
        _raw(c.values[part]),
        _tensorboard(view.tensorboard[part], "TensorBoard, every point kept"),
    ]
    fig = kit.time_figure(
        lines, title=_sampling_title(view), x=steps, x_title=STEP, y_title=c.name, height=360
    )
    if view.sampled:
        inside = c.steps[view.kept] <= steps[-1]
        fig.add_trace(
            go.Scatter(
                x=c.steps[view.kept][inside],
                y=kit.as_drawn(view.tensorboard_sampled[inside]),
                mode="lines+markers",
                marker={"size": 4},
                name=f"TensorBoard, {view.kept.size:,} of {c.values.size:,} kept",
                line={"color": COLORS["biased"], "width": 2},
                hovertemplate="%{y:.6g}",
            )
        )
    fig.update_yaxes(range=_range(view.tensorboard[part], c.values[part]))
    return fig


def _sampling_title(view) -> str:
    if not view.sampled:
        n = view.curve.values.size
        return f"The first tenth of the run: TensorBoard keeps all {n:,} points of this one"
    return (
        f"The first tenth: TensorBoard smooths over the {view.kept.size:,} points it kept of "
        f"{view.curve.values.size:,}, not over every one"
    )


def rate_figure(view) -> go.Figure:
    """The learning rate's step schedule, and TensorBoard's smoothing of it: a ramp."""
    r = view.rate
    lines = [
        kit.Line(r.values, "learning rate (as logged)", COLORS["raw"], width=2.0),
        _tensorboard(view.rate_smoothed, f"TensorBoard at {view.smoothing:g}"),
    ]
    fig = kit.time_figure(
        lines,
        title=f"The step schedule, smoothed at {view.smoothing:g}: a ramp",
        x=r.steps,
        x_title=STEP,
        y_title="learning rate",
        height=340,
    )
    kit.log_axis(fig.layout.yaxis)
    return fig


def start_figure(view) -> go.Figure:
    """The first points: TensorBoard's debiased curve against the zero-started EMA."""
    c = view.curve
    part = slice(0, min(c.values.size, max(50, int(5 * min(view.tb_points, 1e6)))))
    lines = [
        _raw(c.values[part]),
        _tensorboard(view.tensorboard[part], "TensorBoard (divided by 1 − sᵗ)"),
        kit.Line(view.biased[part], "zero start, not divided", COLORS["biased"], dash="dot"),
    ]
    fig = kit.time_figure(
        lines,
        title=f"The start at smoothing {view.smoothing:g}: why TensorBoard divides",
        x=c.steps[part],
        x_title=STEP,
        y_title=c.name,
        height=340,
    )
    return fig


def zoom_figure(view) -> go.Figure:
    """The last tenth of the run: W&B's curve with the whole run visible, and zoomed in."""
    part, whole, zoomed = view.zoom
    c = view.curve
    lines = [
        _raw(c.values[part]),
        _wandb(whole, "W&B, whole run visible"),
        kit.Line(zoomed, "W&B, zoomed to this range", COLORS["reference"], width=2.5),
    ]
    return kit.time_figure(
        lines,
        title="W&B's curve depends on what the chart shows: the same slider, zoomed in",
        x=c.steps[part],
        x_title=STEP,
        y_title=c.name,
        height=340,
    )
