"""The weights lab's charts: paths on the loss map, loss over training, schedules, post-hoc EMA."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.model import strategies
from ema_lab.model.style import COLORS
from ema_lab.plot.decimate import evenly
from ema_lab.plot.figures import Line, as_drawn, decimated, layout, log_axis, time_figure

PATH_POINTS = 500
"""Points per weight path and per schedule line in the weights lab's charts."""


MAP_GREYS = [[0.0, "#b5b5b5"], [1.0, "#f5f5f5"]]
"""The loss map's colours, from its minimum to its highest band."""


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
            # Light greys, opaque: the same light ground under the paths in the dark theme
            # too, where a see-through map turned dark grey and hid the raw weights and
            # the dark-blue constant-decay line.
            colorscale=MAP_GREYS,
            showscale=False,
            ncontours=18,
            # Filled bands rather than a smoothed image under the lines: the same map, and
            # on a first load ~0.15 s less of the browser's time (bench_first_load.py).
            contours={"coloring": "fill"},
            hoverinfo="skip",
            name="held-out loss",
        )
    )
    # The map fills the plot: the axes span its grid (no white margin around a smaller
    # box), and the equal scale shrinks the plot's area rather than widening the range.
    fig.update_xaxes(range=[gx[0], gx[-1]], constrain="domain")
    fig.update_yaxes(range=[gy[0], gy[-1]], constrain="domain")
    return fig


def _point(at: np.ndarray, name: str, symbol: str, size: int, fill: str, edge: str) -> go.Scatter:
    # One marked point of the plane, outlined so that it shows on the light and the dark map.
    marker = {"symbol": symbol, "size": size, "color": fill, "line": {"color": edge, "width": 2}}
    return go.Scatter(x=[at[0]], y=[at[1]], mode="markers", marker=marker, name=name)


def _finish_contour(
    fig: go.Figure, problem: ec.training.LeastSquares, title: str, start: np.ndarray
) -> go.Figure:
    fig.add_trace(_point(start, "start (step 0)", "circle", 11, "#FFFFFF", "#000000"))
    fig.add_trace(_point(problem.minimum(), "held-out minimum", "star", 14, "#000000", "#FFFFFF"))
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    fig.update_layout(hovermode="closest")
    return layout(fig, title=title, x_title="w₁", y_title="w₂", height=520)


def _path_trace(path: np.ndarray, name: str, color: str, **line) -> go.Scatter:
    p = _path(path)
    return go.Scatter(x=p[:, 0], y=p[:, 1], mode="lines", name=name, line={"color": color, **line})


def weights_contour_figure(run: ec.training.WeightsRun, names: Sequence[str]) -> go.Figure:
    """The held-out loss as a contour map, with the raw weight path and each EMA's path."""
    paths = [run.weights, *(run.tracks[n] for n in names)]
    keras = run.keras_weights is not None and "keras" in names
    fig = _loss_contour(run.problem, [*paths, run.keras_weights] if keras else paths)
    for name, path in zip(["raw", *names], paths, strict=True):
        trace = _path_trace(
            path, strategies.label(name), strategies.color(name), width=1 if name == "raw" else 2.5
        )
        trace.opacity = 0.7 if name == "raw" else 1.0
        fig.add_trace(trace)
    if keras:
        fig.add_trace(
            _path_trace(
                run.keras_weights,
                "Keras raw weights (overwritten by the EMA)",
                strategies.color("keras"),
                width=1,
                dash="dot",
            )
        )
    return _finish_contour(fig, run.problem, "Weight paths on the held-out loss", run.weights[0])


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
    return _finish_contour(fig, run.problem, f"Weight paths, σ_rel {v.sigma_rel:g}", run.weights[0])


RAW_MEAN = 20
"""Steps the post-hoc loss chart averages the raw weights' loss over."""


def posthoc_loss_figure(v) -> go.Figure:
    """Held-out loss: raw weights, the tracked power EMA, the rebuilt one at the snapshots."""
    steps = np.arange(len(v.raw_loss))  # 0: the initial weights, before any step
    # The raw weights' loss jumps from step to step: drawn as is, a thousand spikes made a
    # solid grey block. Their mean over the last RAW_MEAN steps shows their level.
    raw = ec.training.trailing_mean(v.raw_loss, RAW_MEAN)
    raw_label = f"{strategies.label('raw')} (mean of {RAW_MEAN} steps)"
    lines = [
        decimated(
            Line(values, label, strategies.color(key), width), x=steps, max_points=2 * PATH_POINTS
        )
        for values, label, key, width in (
            (raw, raw_label, "raw", 1.5),
            (v.tracked_loss, strategies.label("power"), "power", 2.0),
        )
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
    return layout(
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
        # Short: "Σ cᵢ · snapshot profileᵢ" was cut at the legend's edge in its column.
        (v.rebuilt_profile, "rebuilt from snapshots", strategies.color("posthoc"), "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=v.tau,
                y=as_drawn(values),
                name=name,
                mode="lines",
                line={"color": color, "width": 2.5, "dash": dash},
                hovertemplate="%{y:.3g}",
            )
        )
    fig.update_xaxes(range=[0, v.tau[-1]])
    return layout(
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
    return layout(fig, title="Decay schedules", x_title="step t", y_title="", height=360)


def _early_and_log_spread(steps: np.ndarray, early: int = 200, later: int = 300) -> np.ndarray:
    """All of the first ``early`` entries, then ``later`` spread evenly in log of the step."""
    if len(steps) <= early + later:
        return steps
    rest = steps[early:]
    picks = np.geomspace(rest[0], rest[-1], later)
    idx = np.unique(np.clip(np.searchsorted(rest, picks), 0, len(rest) - 1))
    return np.concatenate([steps[:early], rest[idx]])
