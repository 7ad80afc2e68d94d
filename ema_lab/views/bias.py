"""/bias_correction's replay of Keras' documented ``moving_average_update`` example."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import ema_core as ec
from ema_lab.numbers import readable


@dataclass(frozen=True)
class KerasReplay:
    """The table of the replay: one row per update, and the sentence under it."""

    rows: dict[str, list]
    skipped: int
    caption: str


def keras_replay(values: Sequence[float | None], momentum: float) -> KerasReplay:
    """``x = tf.Variable(0.0)`` updated by ``moving_average_update(x, value, momentum)``.

    Each update is ``x = momentum * x + (1 - momentum) * value`` from ``x = 0``; the
    corrected value divides by ``1 - momentum ** num_updates``.

    Examples
    --------
    >>> r = keras_replay([2.0], 0.9)  # Keras' documented example
    >>> r.rows["x (biased)"], r.rows["x / (1 − momentum^num_updates)"]
    ([0.2], [2.0])
    """
    kept = [float(v) for v in values if v is not None and np.isfinite(v)]
    skipped = len(values) - len(kept)
    steps = np.arange(1, len(kept) + 1)
    if kept:
        biased = ec.ema_series(kept, momentum, initial=0.0)
        correction = ec.bias_correction(momentum, steps)
        corrected = (
            ec.ema_series(kept, momentum, initial=0.0, debias=True)
            if momentum < 1
            else np.full(len(kept), np.nan)
        )
    else:
        biased = correction = corrected = np.array([])
    rows = {
        "num_updates": steps.tolist(),
        "value": kept,
        "x (biased)": [round(float(v), 12) for v in biased],
        "1 − momentum^num_updates": [round(float(v), 12) for v in np.atleast_1d(correction)],
        "x / (1 − momentum^num_updates)": [round(float(v), 12) for v in corrected],
    }
    caption = (
        f"After {len(kept)} update(s) with momentum {momentum:g}, the zero start still holds "
        f"{readable(momentum ** len(kept), 3)} of x's weight; the division removes it."
        if kept
        else "No values: add one to replay the update."
    )
    return KerasReplay(rows=rows, skipped=skipped, caption=caption)
