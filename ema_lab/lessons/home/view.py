"""The home page: one noisy signal, its EMA, and what the decay means in words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.home.controls import STEPPER_INPUTS
from ema_lab.model import readings
from ema_lab.model.decay_scale import DECAY_GRID
from ema_lab.model.numbers import count, readable
from ema_lab.model.style import COLORS
from ema_lab.plot import figures
from ema_lab.plot.live_lines import LiveLines
from ema_lab.plot.offline import MovingLine, OfflineView

SIGNAL = ("noisy_sine", 500, 0.4, 0)
"""The home page's signal: name, length, noise and seed."""


def signal_for(decay: float) -> tuple[str, int, float, int]:
    """`SIGNAL`, lengthened to hold five windows of ``decay`` where 500 steps would not:
    at β = 0.9999 a 500-step EMA is a flat line that shows nothing of the average.

    >>> signal_for(0.9), signal_for(0.9999)
    (('noisy_sine', 500, 0.4, 0), ('noisy_sine', 50000, 0.4, 0))
    """
    name, n, noise, seed = SIGNAL
    return name, readings.length_to_show(decay, n), noise, seed


VERSION = ec.__version__
TITLE = "A noisy signal and its EMA (started at the first value)"


@dataclass(frozen=True)
class HomeView:
    memory: str  # what the decay remembers, in words
    chart: go.Figure
    live: LiveLines  # the chart's EMA, as the browser redraws it while the decay moves


def home_view(values: np.ndarray, decay: float) -> HomeView:
    """The chart and the sentence for ``decay``.

    Examples
    --------
    >>> v = home_view(np.ones(10), 0.9)
    >>> "**10 values**" in v.memory, "65%" in v.memory
    (True, True)
    """
    window = ec.effective_window(decay)
    steps = max(1, round(window))  # values are counted whole
    memory = (
        f"With $\\beta = {decay:g}$ the average remembers about the last "
        f"**{count(steps, 'value')}** (its *effective window* $1/(1-\\beta)$), which hold "
        f"{ec.weight_in_last(decay, steps):.0%} of its weight (the 63% quoted elsewhere, "
        "1 − 1/e, is the limit as β nears 1)."
    )
    if len(values) > SIGNAL[1]:
        memory += (
            f" The signal is {count(len(values), 'step')} long here, five windows: "
            f"{SIGNAL[1]} would show a flat line."
        )
    ema = ec.ema_series(values, decay, initial=None)
    chart = figures.time_figure(
        [figures.raw_line(values), figures.Line(ema, "EMA", COLORS["biased"])],
        title=TITLE,
        height=360,
    )
    # Redrawn in the browser at the stops that draw this same signal (not lengthened).
    same = [d for d in DECAY_GRID if signal_for(d)[1] == len(values)]
    live = LiveLines(values, {"EMA": "first_value"}, initial=None, decays=same)
    return HomeView(memory=memory, chart=chart, live=live)


def offline(values: np.ndarray, decay: float, link: str) -> OfflineView:
    """The home chart as an offline figure with a decay slider."""
    return OfflineView(
        values=values,
        decay=decay,
        initial=None,
        title=TITLE,
        moving=(MovingLine.of("first_value", "EMA", color=COLORS["biased"], dash=None),),
        fixed=(figures.raw_line(values),),
        link=link,
    )


# -- the recurrence, step by step ------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Step ``t`` of the recurrence from a zero start, and the weights it has put on the data."""

    t: int
    decay: float
    inputs: np.ndarray  # x_1 .. x_t
    emas: np.ndarray  # ema_1 .. ema_t
    weights: np.ndarray  # (1 − β) β^(t−k) on x_1 .. x_t
    start_weight: float  # β^t, still on the zero start
    moving_average: float  # the mean of the last `averaged` inputs
    averaged: int  # round(1/(1 − β)) inputs, as many as there are so far

    @property
    def update(self) -> str:
        """The update at this step, its numbers filled in (LaTeX)."""
        b, previous = self.decay, (self.emas[-2] if self.t > 1 else 0.0)
        return (
            f"\\mathrm{{ema}}_{{{self.t}}} = {b:g} \\cdot {readable(previous)} + "
            f"{readable(1 - b)} \\cdot {readable(self.inputs[-1])} = {readable(self.emas[-1])}"
        )

    def rows(self) -> list[dict[str, str]]:
        return [
            {"t": str(k + 1), "xₜ": f"{x:g}", "emaₜ": readable(e), "weight on xₜ now": readable(w)}
            for k, (x, e, w) in enumerate(zip(self.inputs, self.emas, self.weights, strict=True))
        ]

    @property
    def debiased(self) -> float:
        """emaₜ / (1 − βᵗ): the zero start's share taken out (Adam's bias correction)."""
        return float(ec.debias(self.emas[-1], self.decay, self.t))

    def sentence(self) -> str:
        n = self.averaged
        return (
            f"After {self.t} step{'s' if self.t != 1 else ''} the weights on the data sum to "
            f"1 − βᵗ = {readable(1 - self.start_weight)}; the other {readable(self.start_weight)} "
            f"still sits on the zero start, so emaₜ = {readable(self.emas[-1])} is low. Divided "
            f"by 1 − βᵗ (bias correction) it is {readable(self.debiased)}, beside "
            f"{readable(self.moving_average)} for a simple moving average of the last {n} "
            f"inputs: that one weighs each of them equally, 1/{n}, and forgets the one before "
            "at once, where the EMA lets every weight fade by β a step."
        )

    @property
    def chart(self) -> go.Figure:
        labels = ["start", *(f"x{k + 1}" for k in range(self.t))]
        values = [self.start_weight, *self.weights]
        fig = go.Figure(
            go.Bar(x=labels, y=values, marker_color=[COLORS["raw"], *[COLORS["biased"]] * self.t],
                   hovertemplate="%{x}: %{y:.4f}<extra></extra>", name="weight")
        )  # fmt: skip
        title = (
            f"Step {self.t}: weights (1 − β)βᵗ⁻ᵏ on the inputs sum to "
            f"{readable(1 - self.start_weight)}; βᵗ = {readable(self.start_weight)} on the start"
        )
        # Room above 1: its tick label at the plot's very top printed over the title.
        fig.update_yaxes(range=[0, 1.08], tickvals=[0, 0.25, 0.5, 0.75, 1])
        return figures.titled(fig, title=title, x_title="what the EMA holds", y_title="weight")


def recurrence(decay: float, t: int, inputs=STEPPER_INPUTS) -> Step:
    """Step ``t`` of ``ema = β·ema + (1 − β)·x`` over ``inputs`` from 0.

    Examples
    --------
    >>> s = recurrence(0.9, 3, (1.0, 1.0, 1.0))
    >>> round(float(s.emas[-1]), 6), round(s.start_weight, 6), s.weights.round(3).tolist()
    (0.271, 0.729, [0.081, 0.09, 0.1])
    """
    x = np.asarray(inputs[:t], dtype=np.float64)
    emas = ec.ema_series(x, decay)
    weights = (1 - decay) * decay ** np.arange(t - 1, -1, -1, dtype=np.float64)
    window = ec.effective_window(decay) if decay < 1 else np.inf
    n = min(t, max(1, round(window))) if np.isfinite(window) else t
    return Step(t, decay, x, emas, weights, float(decay**t), float(x[-n:].mean()), n)
