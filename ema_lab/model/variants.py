"""The EMA variants the lessons draw, one entry each: name, label, colour, dash, and how
each is computed from ``(values, decay, initial)`` by `ema_core`.

Every chart, offline figure and CSV download takes a variant's words and looks from here,
so a line reads and looks the same on every page. Adding a variant is one entry in
`VARIANTS`; a lesson then names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

import ema_core as ec
from ema_lab.model.signal import debiased
from ema_lab.model.style import COLORS

Compute = Callable[[np.ndarray, float, float | None], np.ndarray | None]


@dataclass(frozen=True)
class Variant:
    """One EMA variant: how it is named, drawn and computed."""

    name: str  # as links, code and CSV columns name it
    label: str  # as a chart's legend names it
    color: str
    dash: str | None = None
    compute: Compute | None = None  # None: computed elsewhere, from more than a decay
    width: float = 2.0
    opacity: float = 1.0

    @property
    def column(self) -> str:
        """Its column in a CSV download."""
        return f"ema_{self.name}"


def _biased(values: np.ndarray, decay: float, initial: float | None) -> np.ndarray:
    return ec.ema_series(values, decay, initial=initial)


def _tensorflow(values: np.ndarray, decay: float, initial: float | None) -> np.ndarray:
    # tf.train.ExponentialMovingAverage(decay, num_updates=t): min(β, (1+t)/(10+t))
    return ec.ema_series(values, ec.tf_decay(decay, np.arange(len(values))), initial=initial)


def _first_value(values: np.ndarray, decay: float, initial: float | None) -> np.ndarray:
    return ec.ema_series(values, decay, initial=None)


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("biased", "EMA (biased)", COLORS["biased"], compute=_biased),
        # A broad, light band: where it meets the biased or the first-value line (after a
        # few windows they coincide), the line still shows through it, so colour is not
        # the only thing that tells them apart.
        Variant(
            "debiased",
            "EMA (debiased)",
            COLORS["debiased"],
            compute=debiased,
            width=5.0,
            opacity=0.5,
        ),
        Variant(
            "tensorflow",
            "EMA (TensorFlow dynamic decay)",
            COLORS["tensorflow"],
            "dash",
            compute=_tensorflow,
        ),
        Variant(
            "first_value",
            "EMA (started at the first value)",
            COLORS["reference"],
            "dot",
            compute=_first_value,
        ),
        # From the times of the observations: `ema_lab.lessons.smoothing.time_aware`.
        Variant("time_aware", "EMA (time-aware)", COLORS["time"], "dashdot"),
    )
}
"""Every variant by name, in the order a legend lists them."""


def computed(
    names: Iterable[str], values: np.ndarray, decay: float, initial: float | None = 0.0
) -> dict[str, np.ndarray | None]:
    """The named variants of ``values`` on the full series (None where one does not exist:
    no debiased EMA at a decay of 1).

    Examples
    --------
    >>> s = computed(["biased", "debiased"], np.array([2.0, 4.0]), 0.5)
    >>> s["biased"].tolist(), s["debiased"].tolist()
    ([1.0, 2.5], [2.0, 3.3333333333333335])
    """
    return {name: VARIANTS[name].compute(values, decay, initial) for name in names}
