"""/bias_correction: three starts of one EMA, where the start's weight sits, Adam's
corrections, and the replay of Keras' documented ``moving_average_update`` example."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.bias_correction import figures
from ema_lab.model.numbers import count, readable
from ema_lab.model.readings import whole_steps_to_forget
from ema_lab.model.signal import NO_DEBIASED, Signal, debiased_or_gaps
from ema_lab.model.variants import VARIANTS, computed
from ema_lab.plot import figures as kit
from ema_lab.plot.live_lines import LiveLines
from ema_lab.plot.offline import MovingLine, OfflineView, of_signal

ADAM_STEPS = (1, 10, 100, 1000)


@dataclass(frozen=True)
class BiasView:
    """What /bias_correction shows for one signal and decay."""

    chart: go.Figure  # the three starts
    gap_caption: str  # how far the debiased and the first-value starts stay apart
    factor_steps: tuple[float, int]  # the decay, and the steps the weight chart spans
    fade: str  # when the start stops mattering, in words ("" at a decay of 1)
    adam_table: dict[str, list]
    csv: Callable[[], dict[str, np.ndarray]]
    csv_name: str
    live: LiveLines  # the three starts, redrawn in the browser while the decay moves

    # Built when first drawn: a session's first run stops at the main chart (first_paint).
    @cached_property
    def factor_chart(self) -> go.Figure:
        """Where the weight sits after t updates."""
        return figures.bias_factor_figure(*self.factor_steps)


# The lesson's words for three variants (`ema_lab.model.variants`): three starts.
ZERO_START, DEBIASED, FIRST_VALUE = (
    "zero start (biased)",
    "zero start, debiased",
    "start at the first value",
)


def series(signal: Signal, decay: float) -> dict[str, np.ndarray | None]:
    """The three starts on the full series: zero, the first value, and zero debiased
    (None at a decay of 1)."""
    return computed(("biased", "first_value", "debiased"), signal.values, decay, 0.0)


def bias_view(signal: Signal, decay: float) -> BiasView:
    """The three starts of ``signal`` at ``decay`` (`series`), the weight chart and the
    words.

    Examples
    --------
    >>> v = bias_view(Signal(np.ones(50), "ones"), 0.9)
    >>> "step 44" in v.fade, v.adam_table["t"]
    (True, [1, 10, 100, 1000])
    """
    x = signal.values
    starts = series(signal, decay)
    zero_start, first_value, corrected = (
        starts["biased"],
        starts["first_value"],
        starts["debiased"],
    )
    lines = [
        kit.raw_line(x),
        kit.variant_line(VARIANTS["biased"], zero_start, label=ZERO_START),
        *(
            # A broad, light band (its variant's look): the dotted line drawn over it stays
            # visible where the two coincide (a full-strength line hid the dots from step 20).
            [kit.variant_line(VARIANTS["debiased"], corrected, label=DEBIASED)]
            if corrected is not None
            else []
        ),
        # Drawn last, dotted, over the debiased line it often nearly covers.
        kit.variant_line(VARIANTS["first_value"], first_value, label=FIRST_VALUE),
    ]
    chart = kit.time_figure(
        lines, title=f"Three starts, β = {decay:g}", x=signal.dates, y_title=signal.y_title
    )
    # The zero start is the lesson: 0 stays on the axis, however far the data lies from it.
    drawn = np.concatenate([np.asarray(line.values, dtype=float) for line in lines])
    drawn = drawn[np.isfinite(drawn)]
    low, high = min(0.0, float(drawn.min())), max(0.0, float(drawn.max()))
    pad = 0.04 * (high - low) or 1.0
    chart.update_yaxes(range=[low - pad, high + pad])
    if corrected is None:
        gap_caption = NO_DEBIASED
    else:
        gap = float(np.max(np.abs(first_value - corrected)))
        gap_caption = (
            "The dotted “start at the first value” line runs close to the debiased one: neither "
            "puts weight on a made-up start. They differ only in how the first values are "
            f"weighted (here by at most {readable(gap, 3)}), and the gap fades with the "
            "start's weight βᵗ."
        )
    # The x axis follows the decay: the start's weight fades over a few windows, however
    # long the signal is (at β = 0.9999 that is 46,000 steps for n = 200).
    fade_1 = ec.forget_steps(decay, 0.01) if 0 < decay < 1 else 10.0
    fade = ""
    if decay < 1:
        window = ec.effective_window(decay)
        # Whole steps, as the page's question counts them: the first t with βᵗ ≤ 10%, 1%.
        to_10, to_1 = (whole_steps_to_forget(decay, f) for f in (0.1, 0.01))
        fade = (
            f"**When does it stop mattering?** The start's weight βᵗ is down to 10% at step "
            f"{to_10:,} and to 1% at **step {to_1:,}** ({to_1 / window:.1f} windows of "
            f"{readable(window)}). After a few windows, biased and debiased averages agree; "
            "before that the correction is what keeps early values honest."
        )
    adam_table = {
        "t": list(ADAM_STEPS),
        "1 − 0.9ᵗ (β₁)": [f"{ec.bias_correction(0.9, t):.4f}" for t in ADAM_STEPS],
        "1 − 0.999ᵗ (β₂)": [f"{ec.bias_correction(0.999, t):.4f}" for t in ADAM_STEPS],
    }
    return BiasView(
        chart=chart,
        gap_caption=gap_caption,
        factor_steps=(decay, int(max(10, np.ceil(1.25 * fade_1)))),
        fade=fade,
        adam_table=adam_table,
        csv=lambda: {
            "signal": x,
            "ema_zero_start": zero_start,
            VARIANTS["first_value"].column: first_value,
            **({VARIANTS["debiased"].column: corrected} if corrected is not None else {}),
        },
        csv_name=f"ema_bias_correction_decay{decay:g}.csv",
        live=LiveLines(
            x, {ZERO_START: "biased", DEBIASED: "debiased", FIRST_VALUE: "first_value"}, 0.0
        ),
    )


def offline(signal: Signal, decay: float, link: str) -> OfflineView:
    """The three starts as an offline figure with a decay slider."""
    return of_signal(
        signal,
        decay=decay,
        initial=0.0,
        title=f"{signal.label}: three starts as β moves",
        moving=(
            MovingLine.of("biased", ZERO_START),
            MovingLine.of("debiased", DEBIASED),
            MovingLine.of("first_value", FIRST_VALUE),
        ),
        link=link,
    )


@dataclass(frozen=True)
class KerasReplay:
    """The table of the replay: one row per update, and the sentence under it."""

    rows: dict[str, list]
    skipped: int
    caption: str


def _six(value: float) -> float:
    return float(f"{float(value):.6g}")


def keras_replay(values: Sequence[float | None], momentum: float) -> KerasReplay:
    """``x = tf.Variable(0.0)`` updated by ``moving_average_update(x, value, momentum)``.

    Each update is ``x = momentum * x + (1 - momentum) * value`` from ``x = 0``; the
    corrected value divides by ``1 - momentum ** num_updates``.

    Examples
    --------
    >>> r = keras_replay([2.0], 0.9)  # Keras' documented example
    >>> r.rows["x (biased)"], r.rows["x / (1 − momentumⁿ)"]
    ([0.2], [2.0])
    """
    kept = [float(v) for v in values if v is not None and np.isfinite(v)]
    skipped = len(values) - len(kept)
    steps = np.arange(1, len(kept) + 1)
    if kept:
        biased = ec.ema_series(kept, momentum, initial=0.0)
        correction = ec.bias_correction(momentum, steps)
        corrected = debiased_or_gaps(np.asarray(kept), momentum)
    else:
        biased = correction = corrected = np.array([])
    # Short headers and six digits: at a 1280 px projector the last column, the answer,
    # ran off a sideways-scrolling table under "x / (1 − momentum^num" (n is num_updates).
    rows = {
        "n": steps.tolist(),
        "value": kept,
        "x (biased)": [_six(v) for v in biased],
        "1 − momentumⁿ": [_six(v) for v in np.atleast_1d(correction)],
        "x / (1 − momentumⁿ)": [_six(v) for v in corrected],
    }
    caption = (
        f"After {count(len(kept), 'update')} with momentum {momentum:g}, the zero start "
        f"still holds {readable(momentum ** len(kept), 3)} of x's weight; the division removes it "
        "(n is Keras' num_updates)."
        if kept
        else "No values: add one to replay the update."
    )
    return KerasReplay(rows=rows, skipped=skipped, caption=caption)
