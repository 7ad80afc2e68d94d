"""The home page: one noisy signal, its EMA, and what the decay means in words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab import figures
from ema_lab.numbers import readable
from ema_lab.offline import MovingLine, OfflineView
from ema_lab.style import COLORS

SIGNAL = ("noisy_sine", 500, 0.4, 0)
"""The home page's signal: name, length, noise and seed."""
VERSION = ec.__version__
TITLE = "A noisy signal and its EMA (started at the first value)"


@dataclass(frozen=True)
class HomeView:
    memory: str  # what the decay remembers, in words
    chart: go.Figure


def home_view(values: np.ndarray, decay: float) -> HomeView:
    """The chart and the sentence for ``decay``.

    Examples
    --------
    >>> v = home_view(np.ones(10), 0.9)
    >>> "**10 values**" in v.memory, "65%" in v.memory
    (True, True)
    """
    window = ec.effective_window(decay)
    memory = (
        f"With $\\beta = {decay:g}$ the average remembers about the last "
        f"**{readable(window)} values** (its *effective window* $1/(1-\\beta)$), which hold "
        f"{ec.weight_in_last(decay, window):.0%} of its weight."
    )
    ema = ec.ema_series(values, decay, initial=None)
    chart = figures.time_figure(
        [figures.raw_line(values), figures.Line(ema, "EMA", COLORS["biased"])],
        title=TITLE,
        height=360,
    )
    return HomeView(memory=memory, chart=chart)


def offline(values: np.ndarray, decay: float, link: str) -> OfflineView:
    """The home chart as an offline figure with a decay slider."""
    return OfflineView(
        values=values,
        decay=decay,
        initial=None,
        title=TITLE,
        moving=(MovingLine("first_value", "EMA", COLORS["biased"]),),
        fixed=(figures.raw_line(values),),
        link=link,
    )
