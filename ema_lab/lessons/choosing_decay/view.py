"""/choosing_decay: two to four decays side by side, every reading of them, and the names
libraries give the knob."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.choosing_decay import figures
from ema_lab.lessons.choosing_decay.controls import FALLBACK
from ema_lab.model.decay_scale import DECAY_GRID
from ema_lab.model.signal import Signal
from ema_lab.model.style import COLORS, DECAY_COLORS, decay_color
from ema_lab.plot import figures as kit
from ema_lab.plot.offline import MovingLine, OfflineView, of_signal

TOO_FEW = "Pick at least two decays to compare; showing 0.9 and 0.99 meanwhile."


def starting_decays(carried: float | None) -> list[float]:
    """The decays compared when the link names none: the two defaults, and the decay
    carried from the last page (its nearest stop) beside them.

    >>> starting_decays(None), starting_decays(0.945), starting_decays(0.99)
    ([0.9, 0.99], [0.9, 0.945, 0.99], [0.9, 0.99])
    """
    if carried is None:
        return list(FALLBACK)
    stop = min(DECAY_GRID, key=lambda d: abs(d - carried))
    return sorted({*FALLBACK, stop})


@dataclass(frozen=True)
class CompareView:
    """The decays compared, and every chart of them."""

    decays: tuple[float, ...]  # sorted
    notice: str  # why other decays are shown than those picked ("" if none)
    chart: go.Figure  # the signal and its EMAs
    lines: tuple[kit.Line, ...]
    csv: Callable[[], dict[str, np.ndarray]]

    # Built when first drawn: a session's first run stops at the main chart (first_paint).
    @cached_property
    def responses(self) -> dict[str, go.Figure]:
        """The decays' responses, by chart key: impulse, step, frequency, trade-off."""
        return {
            "impulse_chart": figures.impulse_figure(self.decays),
            "step_chart": figures.step_figure(self.decays),
            "frequency_chart": figures.frequency_figure(self.decays),
            "tradeoff_chart": figures.tradeoff_figure(self.decays),
        }


def compared(picked: Sequence[float]) -> tuple[tuple[float, ...], str]:
    """The decays compared, sorted (`FALLBACK` for fewer than two), and why if not those."""
    if len(picked) >= 2:
        return tuple(sorted(picked)), ""
    return FALLBACK, TOO_FEW


def averages(signal: Signal, decays: Sequence[float]) -> dict[float, np.ndarray]:
    """The EMA for each decay, each started at the first value, on the full series."""
    return {d: ec.ema_series(signal.values, d, initial=None) for d in decays}


def compare_view(signal: Signal, picked: Sequence[float]) -> CompareView:
    """The picked decays (two to four; `FALLBACK` for fewer) compared on ``signal``.

    Examples
    --------
    >>> v = compare_view(Signal(np.ones(20), "ones"), [0.9])
    >>> v.decays, v.notice == TOO_FEW, sorted(v.responses)
    ((0.9, 0.99), True, ['frequency_chart', 'impulse_chart', 'step_chart', 'tradeoff_chart'])
    """
    decays, notice = compared(picked)
    x = signal.values
    emas = averages(signal, decays)
    lines = (
        kit.raw_line(x),
        *(kit.Line(e, f"β = {d:g}", decay_color(i)) for i, (d, e) in enumerate(emas.items())),
    )
    chart = kit.time_figure(
        lines,
        title="The same signal, several decays (each started at the first value)",
        x=signal.dates,
        height=440,  # with the decays above it, it ends above a 1280×720 fold
    )
    return CompareView(
        decays=decays,
        notice=notice,
        chart=chart,
        lines=lines,
        csv=lambda: {"signal": x, **{f"ema_decay{d:g}": e for d, e in emas.items()}},
    )


def slider_start(decays: Sequence[float]) -> float:
    """Where the offline figure's slider starts: the app's stop between the decays compared
    (its window nearest their windows' geometric mean), not one of them, whose line it hid.

    >>> slider_start((0.9, 0.99))
    0.97
    """
    middle = np.mean([np.log(ec.effective_window(d)) for d in decays])
    stops = [d for d in DECAY_GRID if d not in decays and d < 1]
    return min(stops, key=lambda d: abs(np.log(ec.effective_window(d)) - middle))


def offline(signal: Signal, view: CompareView, link: str) -> OfflineView:
    """The comparison as an offline figure, with one more decay on a slider."""
    return of_signal(
        signal,
        decay=slider_start(view.decays),
        initial=None,
        title=f"{signal.label}: the decays compared, and one more on the slider",
        moving=(
            MovingLine.of(
                "first_value",
                "β on the slider",
                # A colour of its own: it was the second decay's, and started on the first.
                color=(*DECAY_COLORS, COLORS["window"])[len(view.decays)],
                dash="dash",
            ),
        ),
        fixed=view.lines,  # the chart's own: the signal and the decays compared
        link=link,
    )


NAMING: tuple[dict[str, str], ...] = tuple(
    {"library": library, "parameter": parameter, "means": means, "for β = 0.99": example}
    for library, parameter, means, example in (
        ("TensorFlow tf.train.ExponentialMovingAverage", "decay", "β", "0.99"),
        ("Keras optimizers (use_ema=True)", "ema_momentum", "β", "0.99"),
        ("Keras BatchNormalization", "momentum", "β", "0.99"),
        ("timm ModelEmaV3, ema-pytorch, diffusers EMAModel", "decay / beta", "β", "0.99"),
        ("PyTorch BatchNorm", "momentum", "1 − β", "0.01"),
        ("ignite EMAHandler", "momentum", "1 − β", "0.01"),
        ("pandas ewm", "alpha (or span, com, halflife)", "1 − β", "alpha=0.01, span=199"),
    )
)
"""What libraries call the decay, and what they mean by it."""
