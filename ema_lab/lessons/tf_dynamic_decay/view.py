"""/tf_dynamic_decay: TensorFlow's ``num_updates`` rule, on a signal, and replayed step by step
with ``tf.train.ExponentialMovingAverage``'s own arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.tf_dynamic_decay import figures
from ema_lab.model.numbers import readable
from ema_lab.model.signal import NO_DEBIASED, Signal
from ema_lab.model.variants import VARIANTS, computed
from ema_lab.plot import figures as kit
from ema_lab.plot.live_lines import LiveLines
from ema_lab.plot.offline import OfflineView, of_signal, standard_moving

DOC_EXAMPLE = {"v1": [0.0, 5.0, 10.0, 10.0], "num_updates": [0, 0, 10000, 10000]}
"""The replay's first rows: ``v1`` and ``num_updates`` of TensorFlow's documented use."""


@dataclass(frozen=True)
class ScheduleView:
    """The rule for one decay: its chart and where it gives way to the decay itself."""

    chart: go.Figure
    crossover: str  # in words


def schedule_view(decay: float) -> ScheduleView:
    """The window in effect at each step, up to ten times the crossover step.

    Examples
    --------
    >>> "t\\\\* = 890" in schedule_view(0.99).crossover
    True
    >>> "never binds" in schedule_view(0.05).crossover
    True
    """
    crossover = float(ec.tf_crossover(decay))
    horizon = int(min(max(10 * crossover, 1000), 10**8)) if np.isfinite(crossover) else 10**8
    if np.isfinite(crossover) and crossover > 0:
        words = (
            f"For β = {decay:g} the rule gives way to the constant decay at "
            f"**t\\* = {crossover:,.0f}**. "
            f"At t = 0 the decay is 0.1; at t = 10 it is {readable(ec.tf_decay(decay, 10), 3)}; "
            f"at t = 100, {readable(ec.tf_decay(decay, 100))}."
        )
    else:
        words = f"For β = {decay:g} the rule never binds: (1+t)/(10+t) ≥ 0.1 > β from the start."
    return ScheduleView(chart=figures.schedule_figure(decay, horizon), crossover=words)


@dataclass(frozen=True)
class SignalView:
    """The rule on a signal, beside the biased and the debiased EMA."""

    chart: go.Figure
    caption: str
    csv: Callable[[], dict[str, np.ndarray]]
    csv_name: str
    live: LiveLines  # the three EMAs, redrawn in the browser while the decay moves


def series(signal: Signal, decay: float, initial: float) -> dict[str, np.ndarray | None]:
    """On the full series: TensorFlow's decay at each step, and the biased, dynamic and
    debiased EMA (None at a decay of 1)."""
    values = signal.values
    return {
        "decay_tf": ec.tf_decay(decay, np.arange(len(values))),
        **computed(("biased", "tensorflow", "debiased"), values, decay, initial),
    }


def signal_view(signal: Signal, decay: float, initial: float) -> SignalView:
    """The biased EMA, TensorFlow's dynamic decay and the debiased EMA of ``signal``
    (`series`)."""
    x = signal.values
    averages = series(signal, decay, initial)
    fixed, schedule = averages["biased"], averages["decay_tf"]
    dynamic, corrected = averages["tensorflow"], averages["debiased"]
    chart = kit.time_figure(
        kit.smoothing_lines(x, biased=fixed, debiased=corrected, tensorflow=dynamic),
        title=f"The biased EMA, TensorFlow's dynamic decay and the debiased EMA, β = {decay:g}",
        x=signal.dates,
        y_title=signal.y_title,
    )
    caption = (
        "Both the dynamic decay and debiasing undo the zero start's drag; the dynamic decay "
        "also keeps reacting fast for a while (a short window early on), debiasing keeps the "
        "full window from step 1."
    )
    return SignalView(
        chart=chart,
        caption=caption if corrected is not None else f"{caption} {NO_DEBIASED}",
        csv=lambda: {
            "signal": x,
            "decay_tf": schedule,
            VARIANTS["biased"].column: fixed,
            VARIANTS["tensorflow"].column: dynamic,
            **({VARIANTS["debiased"].column: corrected} if corrected is not None else {}),
        },
        csv_name=f"ema_tf_dynamic_decay{decay:g}.csv",
        live=LiveLines(
            x,
            {VARIANTS[k].label: k for k in ("biased", "tensorflow", "debiased")},
            initial=initial,
        ),
    )


def offline(signal: Signal, decay: float, initial: float, link: str) -> OfflineView:
    """The signal chart as an offline figure with a decay slider."""
    return of_signal(
        signal,
        decay=decay,
        initial=initial,
        title=f"{signal.label}: TensorFlow's dynamic decay as β moves",
        moving=standard_moving(["biased", "debiased", "tensorflow"]),
        link=link,
    )


@dataclass(frozen=True)
class Replay:
    """The step-by-step table: one row per ``apply``, its cells as shown."""

    rows: dict[str, list]
    skipped: int  # rows with an empty, non-finite or negative entry


def replay(
    values: Sequence[float | None], num_updates: Sequence[float | None], decay: float
) -> Replay:
    """``ExponentialMovingAverage(decay, num_updates=...)`` applied to ``v1`` row by row,
    with and without ``zero_debias``, and the exact correction beside them.

    Examples
    --------
    >>> r = replay(DOC_EXAMPLE["v1"], DOC_EXAMPLE["num_updates"], 0.99)
    >>> r.rows["shadow"]
    ['0', '4.5', '4.555', '4.60945']
    """
    plain = ec.ExponentialMovingAverage(decay, num_updates=0)
    zero_debiased = ec.ExponentialMovingAverage(decay, num_updates=0, zero_debias=True)
    rows: dict[str, list] = {
        "apply": [],
        "v1": [],
        "num_updates": [],
        "decay in effect": [],
        "shadow": [],
        "shadow, zero_debias": [],
        "exact: ÷ (1 − Πd)": [],
    }
    skipped = 0
    for value, steps in zip(values, num_updates, strict=True):
        if value is None or steps is None or not np.isfinite(value) or steps < 0:
            skipped += 1
            continue
        for ema in (plain, zero_debiased):
            ema.num_updates = int(steps)
            ema.apply({"v1": float(value)})
        rows["apply"].append(len(rows["apply"]) + 1)
        rows["v1"].append(float(value))
        rows["num_updates"].append(int(steps))
        rows["decay in effect"].append(plain.current_decay())
        rows["shadow"].append(plain.average("v1"))
        rows["shadow, zero_debias"].append(zero_debiased.average("v1"))
    if rows["v1"]:
        # The exact correction of a zero-started average: divide by 1 − the product of every
        # decay used so far (what zero_debias does only while the decay stays the same).
        rows["exact: ÷ (1 − Πd)"] = ec.ema_series(
            rows["v1"], rows["decay in effect"], initial=0.0, debias=True
        ).tolist()
    # Ten digits show TensorFlow's arithmetic.
    shown = {
        k: [readable(v, 10) if isinstance(v, float) else v for v in column]
        for k, column in rows.items()
    }
    return Replay(rows=shown, skipped=skipped)
