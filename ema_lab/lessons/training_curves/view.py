"""What /training_curves shows, without Streamlit: a logged curve, TensorBoard's and W&B's
smoothing of it, and what the slider hides (the lag and the best checkpoint, the window
in steps, TensorBoard's sampling, a step schedule turned into a ramp, a two-point line,
the start, W&B's dependence on the visible range). Every number comes from `ema_core`."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.training_curves import figures
from ema_lab.lessons.training_curves.exports import Curve
from ema_lab.model.numbers import readable
from ema_lab.model.readings import whole_steps_to_forget

WANDB_VIEWPORT_SCALE = 1000.0
"""W&B's ``VIEWPORT_SCALE``: not documented; taken as 1,000 (a gap counted in thousandths
of the visible x range). Every W&B number on the page depends on it; the page says so."""

ZOOM = 10
"""The W&B comparison zooms into the last 1/ZOOM of the run."""


def wandb_scale(x_range: float) -> float:
    """`ema_core.time_weighted_smoothing`'s ``x_scale`` for a chart showing ``x_range`` of x."""
    return WANDB_VIEWPORT_SCALE / x_range if x_range > 0 else 1.0


def tensorboard_window(smoothing: float) -> float:
    """Logged points TensorBoard's smoothing averages over: 1/(1 − s) (∞ at s = 1)."""
    return math.inf if smoothing >= 1 else float(ec.effective_window(smoothing))


def wandb_decay(smoothing: float, gap: float, x_scale: float) -> float:
    """The decay W&B applies across one gap of ``gap`` in x: min(√s, 0.999)^(gap·scale).

    >>> round(wandb_decay(0.6, 10, 1000 / 30_000), 4)
    0.9184
    """
    return min(math.sqrt(smoothing), ec.WANDB_MAX_WEIGHT) ** (gap * x_scale)


def _window(decay: float) -> float:
    return math.inf if decay >= 1 else 1 / (1 - decay)


def _steps(n: float) -> str:
    return "every point so far" if math.isinf(n) else f"{readable(n)} steps"


def points_shown(n: float) -> str:
    if math.isinf(n):
        return "every point so far"
    return f"{readable(n)} logged point{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Best:
    """Where a curve has its best value."""

    step: float
    value: float  # the curve's own value there
    raw: float  # the logged value at that step


def _best(steps: np.ndarray, curve: np.ndarray, raw: np.ndarray, higher: bool) -> Best:
    finite = np.where(np.isfinite(curve), curve, -np.inf if higher else np.inf)
    i = int(np.argmax(finite) if higher else np.argmin(finite))
    return Best(float(steps[i]), float(curve[i]), float(raw[i]))


@dataclass(frozen=True)
class TrainingView:
    curve: Curve
    smoothing: float
    rate: Curve | None  # a learning-rate schedule logged beside it (the shipped run)

    # -- the curves -------------------------------------------------------------------

    @functools.cached_property
    def tensorboard(self) -> np.ndarray:
        return ec.tensorboard_smoothing(self.curve.values, self.smoothing)

    @property
    def x_range(self) -> float:
        s = self.curve.steps
        return float(s[-1] - s[0]) if s.size else 0.0

    @functools.cached_property
    def wandb(self) -> np.ndarray:
        c = self.curve
        return ec.time_weighted_smoothing(
            c.steps, c.values, self.smoothing, x_scale=wandb_scale(self.x_range)
        )

    @property
    def interval(self) -> float:
        """The logging interval: the median gap between logged steps (1 for one point).
        Repeated steps (a run resumed from a checkpoint logs some again) are not gaps: a
        median of them named "0 steps" an interval."""
        gaps = np.diff(self.curve.steps)
        gaps = gaps[gaps > 0]
        return float(np.median(gaps)) if gaps.size else 1.0

    # -- readings -----------------------------------------------------------------------

    @property
    def tb_points(self) -> float:
        return tensorboard_window(self.smoothing)

    @property
    def tb_steps(self) -> float:
        return self.tb_points * self.interval

    @property
    def wandb_point_decay(self) -> float:
        """The decay W&B applies across one logging interval, the whole run visible."""
        return wandb_decay(self.smoothing, self.interval, wandb_scale(self.x_range))

    @property
    def wandb_points(self) -> float:
        return _window(self.wandb_point_decay)

    @property
    def tb_lag_steps(self) -> float:
        """The smoothed curve's lag behind a trend: its center of mass, s/(1 − s) points."""
        return (
            math.inf if self.smoothing >= 1 else ec.center_of_mass(self.smoothing) * self.interval
        )

    @property
    def title(self) -> str:
        c = self.curve
        return (
            f"{c.name}: TensorBoard's smoothing {self.smoothing:g} averages about "
            f"{points_shown(self.tb_points)} ({_steps(self.tb_steps)}); W&B's about "
            f"{points_shown(self.wandb_points)}"
        )

    def bests(self) -> dict[str, Best]:
        c, higher = self.curve, self.curve.higher_is_better
        return {
            "raw": _best(c.steps, c.values, c.values, higher),
            "TensorBoard": _best(c.steps, self.tensorboard, c.values, higher),
            "W&B": _best(c.steps, self.wandb, c.values, higher),
        }

    def best_rows(self) -> list[dict[str, str]]:
        """The best checkpoint each curve points to, and what the raw curve says there."""
        bests = self.bests()
        raw = bests["raw"]
        word = "highest" if self.curve.higher_is_better else "lowest"
        rows = []
        for label, b in bests.items():
            rows.append(
                {
                    "curve": "raw (as logged)" if label == "raw" else f"{label}, smoothed",
                    f"{word} at step": f"{b.step:,.0f}",
                    "its value": readable(b.value, 4),
                    "logged value there": readable(b.raw, 4),
                    "after the raw best by": ""
                    if label == "raw"
                    else _signed_steps(b.step - raw.step),
                }
            )
        return rows

    def reading_rows(self) -> list[dict[str, str]]:
        """The window and lag in steps for this run's logging interval."""
        return [
            {
                "reading": "logging interval (median gap)",
                "value": f"{readable(self.interval)} steps",
            },
            {
                "reading": "TensorBoard: window 1/(1 − s)",
                "value": f"{points_shown(self.tb_points)} = {_steps(self.tb_steps)}",
            },
            {
                "reading": "TensorBoard: lag behind a trend, s/(1 − s)",
                "value": _steps(self.tb_lag_steps),
            },
            {
                "reading": "W&B: decay per logged point, min(√s, 0.999) "
                "to the power gap·1000/range",
                "value": readable(self.wandb_point_decay, 4),
            },
            {
                "reading": "W&B: window",
                "value": f"{points_shown(self.wandb_points)} = "
                f"{_steps(self.wandb_points * self.interval)}",
            },
        ]

    # -- TensorBoard's sampling ----------------------------------------------------------

    @functools.cached_property
    def kept(self) -> np.ndarray:
        """The indices TensorBoard keeps of this curve (all, up to 1,000)."""
        return ec.tensorboard_sample(self.curve.values.size)

    @property
    def sampled(self) -> bool:
        return self.kept.size < self.curve.values.size

    @functools.cached_property
    def tensorboard_sampled(self) -> np.ndarray:
        return ec.tensorboard_smoothing(self.curve.values[self.kept], self.smoothing)

    def sampling_sentence(self) -> str:
        n, kept = self.curve.values.size, self.kept.size
        if not self.sampled:
            note = ""
            if self.curve.source == "TensorBoard export" and n == ec.TENSORBOARD_SCALAR_SAMPLES:
                note = (
                    " A TensorBoard export of exactly 1,000 points is most likely its sample "
                    "of a longer run: the smoothing you saw ran over these, not over every "
                    "step logged."
                )
            return (
                f"TensorBoard keeps up to {ec.TENSORBOARD_SCALAR_SAMPLES:,} points of a "
                f"series (a reservoir sample that always keeps the last), so it draws all "
                f"{n:,} of this one.{note}"
            )
        gap = self.x_range / (kept - 1)
        first = self._first_part
        return (
            f"TensorBoard keeps {kept:,} of these {n:,} points (a reservoir sample that "
            f"always keeps the last; `--samples_per_plugin=scalars=0` keeps all) and "
            f"smooths over the points it kept: one every {readable(gap)} steps on average, "
            f"so smoothing {self.smoothing:g} averages about {_steps(self.tb_points * gap)}. "
            f"On the run's first tenth ({first:,} points, all kept) the same slider "
            f"averages {_steps(self.tb_points * self.interval)}: a longer run looks smoother "
            "at the same setting (tensorboard#1518)."
        )

    @property
    def _first_part(self) -> int:
        return max(2, self.curve.values.size // 10)

    # -- the step schedule, the two-point line, the start --------------------------------

    @functools.cached_property
    def rate_smoothed(self) -> np.ndarray | None:
        return (
            None
            if self.rate is None
            else ec.tensorboard_smoothing(self.rate.values, self.smoothing)
        )

    def ramp_sentence(self) -> str:
        """How long each drop of the learning rate takes to show in the smoothed curve."""
        if self.rate is None or self.rate_smoothed is None:
            return ""
        r, smooth = self.rate, self.rate_smoothed
        drops = np.flatnonzero(np.diff(r.values) != 0) + 1
        parts = []
        for i in drops:
            before, after = r.values[i - 1], r.values[i]
            done = (smooth[i:] - before) / (after - before)
            reached = np.flatnonzero(done >= 0.9)
            if reached.size:
                parts.append(
                    f"the drop at step {r.steps[i]:,.0f} ({before:g} → {after:g}) reaches 90% "
                    f"in the smoothed curve {_steps(r.steps[i + reached[0]] - r.steps[i])} later"
                )
        if not parts:
            return "The learning rate never changes: there is no step to smear."
        return (
            f"Smoothed at {self.smoothing:g}, the step schedule becomes a ramp: "
            + "; ".join(parts)
            + ". A loss that drops at the same step looks as if it fell gradually."
        )

    def two_points(self) -> list[dict[str, str]]:
        """A line of two points, 1 then 0: TensorBoard still "smooths" it (#1127); W&B, its
        two points the whole visible range, keeps the second as it is."""
        values = np.array([1.0, 0.0])
        tb = ec.tensorboard_smoothing(values, self.smoothing)
        wb = ec.time_weighted_smoothing(
            [0.0, 1.0], values, self.smoothing, x_scale=WANDB_VIEWPORT_SCALE
        )
        return [
            {"point": str(k + 1), "logged": f"{v:g}", "TensorBoard": _value(t), "W&B": _value(w)}
            for k, (v, t, w) in enumerate(zip(values, tb, wb, strict=True))
        ]

    @functools.cached_property
    def biased(self) -> np.ndarray:
        """The zero-started EMA without TensorBoard's division: where the start would be."""
        finite = np.isfinite(self.curve.values)
        out = self.curve.values.copy()
        out[finite] = ec.ema_series(self.curve.values[finite], min(self.smoothing, 1.0))
        return out

    def start_sentence(self) -> str:
        s, first = self.smoothing, self.curve.values[0]
        share = 1 - s
        return (
            f"Without its division by 1 − sᵗ, TensorBoard's first smoothed point would be "
            f"(1 − s)·y₁ = {readable(share * first, 4)} instead of {readable(first, 4)}: the "
            f"curve would start at {share:.0%} of the logged value and need "
            f"{points_shown(whole_steps_to_forget(s, 0.05))} "
            "to come within 5% of it."
        )

    # -- W&B and the visible range -------------------------------------------------------

    @functools.cached_property
    def zoom(self) -> tuple[slice, np.ndarray, np.ndarray]:
        """The last 1/ZOOM of the run: W&B's curve on the whole range and when zoomed in."""
        c = self.curve
        start = int(np.searchsorted(c.steps, c.steps[-1] - self.x_range / ZOOM))
        part = slice(min(start, c.steps.size - 2) if c.steps.size > 1 else 0, None)
        steps, values = c.steps[part], c.values[part]
        zoomed = ec.time_weighted_smoothing(
            steps, values, self.smoothing, x_scale=wandb_scale(float(steps[-1] - steps[0]))
        )
        return part, self.wandb[part], zoomed

    def zoom_sentence(self) -> str:
        part, _, _ = self.zoom
        steps = self.curve.steps[part]
        zoomed_range = float(steps[-1] - steps[0])
        whole = self.wandb_points
        near = _window(wandb_decay(self.smoothing, self.interval, wandb_scale(zoomed_range)))
        return (
            f"W&B measures each gap in the chart's visible x range, so the same slider smooths "
            f"less when you zoom in: over the whole run ({self.x_range:,.0f} steps) it averages "
            f"about {points_shown(whole)}, zoomed to steps {steps[0]:,.0f}–{steps[-1]:,.0f} about "
            f"{points_shown(near)}. (W&B's scale constant is not documented; EMA Lab takes 1,000.)"
        )

    # -- charts ---------------------------------------------------------------------------

    @functools.cached_property
    def main_chart(self) -> go.Figure:
        return figures.curves_figure(self)

    @functools.cached_property
    def sampling_chart(self) -> go.Figure:
        return figures.sampling_figure(self)

    @functools.cached_property
    def rate_chart(self) -> go.Figure | None:
        return None if self.rate is None else figures.rate_figure(self)

    @functools.cached_property
    def start_chart(self) -> go.Figure:
        return figures.start_figure(self)

    @functools.cached_property
    def zoom_chart(self) -> go.Figure:
        return figures.zoom_figure(self)

    def csv_columns(self) -> dict[str, np.ndarray]:
        return {
            "step": self.curve.steps,
            "value": self.curve.values,
            "tensorboard": self.tensorboard,
            "wandb_twema": self.wandb,
            "zero_start_undebiased": self.biased,
        }


def _value(x: float) -> str:
    """A smoothed value to four significant digits; one too small to read, as 0.0000."""
    return readable(x, 4) if x == 0 or abs(x) >= 1e-4 else f"{x:.4f}"


def _signed_steps(n: float) -> str:
    if n == 0:
        return "0 steps"
    return f"{n:+,.0f} steps"


def view_of(_curve: Curve, key: tuple, smoothing: float, _rate: Curve | None) -> TrainingView:
    """The page's view, for a cache keyed on ``key`` (the curve's file) and the smoothing."""
    return TrainingView(_curve, smoothing, _rate)
