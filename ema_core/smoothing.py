r"""The smoothing sliders of training dashboards, as they draw a logged curve.

TensorBoard's scalar charts smooth with a debiased EMA over the points they keep (a
reservoir sample of at most 1,000 per series by default); Weights & Biases (its default,
"TWEMA") and SwanLab with a *time-weighted* EMA whose decay per point depends on the gap
in x. Each function here follows its tool's own code or documented reference code:

=============================  ==================================================
`tensorboard_smoothing`        TensorBoard ``classicSmoothing``
                               (``webapp/widgets/line_chart_v2/data_transformer.ts``)
`time_weighted_smoothing`      W&B's and SwanLab's documented TWEMA reference code
`tensorboard_sample`           TensorBoard's ``Reservoir`` (``backend/event_processing/
                               reservoir.py``), 1,000 scalars a series by default
=============================  ==================================================
"""

from __future__ import annotations

import math
import random

import numpy as np
from numpy.typing import ArrayLike

from ema_core import _kernels
from ema_core._validation import as_real_array, check_whole

__all__ = [
    "TENSORBOARD_SCALAR_SAMPLES",
    "WANDB_MAX_WEIGHT",
    "tensorboard_sample",
    "tensorboard_smoothing",
    "time_weighted_smoothing",
]

TENSORBOARD_SCALAR_SAMPLES = 1000
"""Points TensorBoard keeps of each scalar series by default (``DEFAULT_TENSOR_SIZE_GUIDANCE``;
``--samples_per_plugin=scalars=0`` keeps them all)."""

WANDB_MAX_WEIGHT = 0.999
"""The largest per-unit weight of W&B's time-weighted EMA: ``min(sqrt(s), 0.999)``."""


def _curve(values: ArrayLike, name: str = "values") -> np.ndarray:
    y = as_real_array(values, name).astype(np.float64)  # a browser's numbers are doubles
    if y.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one logged curve), got shape {y.shape}")
    return y


def tensorboard_smoothing(values: ArrayLike, weight: float) -> np.ndarray:
    r"""TensorBoard's smoothed scalar curve, point for point.

    Over the finite points, counted :math:`k = 1, 2, \dots`, a zero-started EMA divided by
    the weight it has put on the data:

    .. math::

        m_k = s\,m_{k-1} + (1-s)\,y_k, \quad m_0 = 0, \qquad
        \hat y_k = \frac{m_k}{1 - s^k}

    TensorBoard's rules, all kept: ``weight`` (its "Smoothing" slider, 0 to 0.999 in the
    UI) is clamped to [0, 1] and taken as 0 when it is not finite; a point that is NaN or
    ±inf is drawn as it is and not counted; a series whose points are all equal (or an
    empty one) is returned unchanged; at weight 1 the divisor is 1, so every finite point
    is drawn at 0 (the average never leaves its zero start).

    Parameters
    ----------
    values : array_like, shape (n,)
        The logged values, in step order (the points the chart holds).
    weight : float
        The smoothing weight :math:`s`.

    Returns
    -------
    ndarray, shape (n,)
        The smoothed curve (float64, as the browser computes it).

    Examples
    --------
    >>> tensorboard_smoothing([1.0, 3.0, 2.0], 0.5).tolist()
    [1.0, 2.333333333333333, 2.142857142857143]
    >>> tensorboard_smoothing([1.0, float("nan"), 3.0], 0.5).tolist()
    [1.0, nan, 2.333333333333333]
    >>> tensorboard_smoothing([5.0, 5.0], 0.9).tolist()  # a flat line stays flat
    [5.0, 5.0]
    >>> tensorboard_smoothing([1.0, 2.0], 1).tolist()  # weight 1: the zero start, forever
    [0.0, 0.0]
    """
    y = _curve(values)
    s = float(weight)
    s = min(max(s, 0.0), 1.0) if math.isfinite(s) else 0.0
    if y.size == 0 or bool(np.all(y == y[0])):  # tensorboard#786: a flat line stays flat
        return y.copy()
    out = np.empty_like(y)
    _kernels.tensorboard(y, s, out)
    return out


def time_weighted_smoothing(
    x: ArrayLike, values: ArrayLike, weight: float, *, x_scale: float = 1.0
) -> np.ndarray:
    r"""The time-weighted EMA of W&B (its default smoothing, "TWEMA") and SwanLab.

    A point's weight decays by :math:`w = \min(\sqrt{s}, 0.999)` per unit of x, so a gap
    twice as wide forgets twice as much; the sum of weights divides it out:

    .. math::

        a_i = w^{(x_i - x_{i-1})\,c}, \qquad
        N_i = a_i N_{i-1} + y_i, \quad D_i = a_i D_{i-1} + 1, \qquad
        \hat y_i = N_i / D_i

    from :math:`N_0 = D_0 = 0` (and :math:`a_1 = 1`), with :math:`c` = ``x_scale``. On
    x = 0, 1, 2, ... with ``x_scale=1`` it is TensorBoard's curve at weight
    :math:`\sqrt{s}`.

    W&B documents the code with ``changeInX = (x_i - x_{i-1}) / rangeOfX *
    VIEWPORT_SCALE``: the gap measured in the chart's *visible* x range, so that the same
    slider looks the same on runs of any length, and the curve changes when the reader
    zooms. ``x_scale`` is ``VIEWPORT_SCALE / rangeOfX``; W&B does not document the value
    of ``VIEWPORT_SCALE``. The reference code has no rule for non-finite values: a NaN
    or inf makes every later point NaN or inf, here as there.

    Parameters
    ----------
    x : array_like, shape (n,)
        The points' x (steps, or time), non-decreasing.
    values : array_like, shape (n,)
        The logged values.
    weight : float in [0, 1]
        The smoothing slider :math:`s`.
    x_scale : float, optional
        Multiplies every gap in x (>= 0).

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If the lengths differ, x decreases or is not finite, ``weight`` is outside
        [0, 1] (the slider's range) or ``x_scale`` is negative or not finite.

    Examples
    --------
    >>> time_weighted_smoothing([0, 1, 2], [1.0, 3.0, 2.0], 0.25).tolist()
    [1.0, 2.333333333333333, 2.142857142857143]
    >>> time_weighted_smoothing([0, 1, 3], [1.0, 3.0, 2.0], 0.25).round(6).tolist()
    [1.0, 2.333333, 2.090909]
    """
    t = _curve(x, "x")
    y = _curve(values)
    if t.shape != y.shape:
        raise ValueError(f"x and values must have the same length, got {t.size} and {y.size}")
    s = float(weight)
    if not 0 <= s <= 1:
        raise ValueError(f"weight must be in [0, 1] (the smoothing slider), got {weight!r}")
    scale = float(x_scale)
    if not (math.isfinite(scale) and scale >= 0):
        raise ValueError(f"x_scale must be a finite number >= 0, got {x_scale!r}")
    if not np.isfinite(t).all():
        raise ValueError(f"x must be finite, got {t[~np.isfinite(t)][0]!r}")
    if t.size > 1 and (drop := np.flatnonzero(np.diff(t) < 0)).size:
        i = int(drop[0]) + 1
        raise ValueError(f"x must not decrease: x[{i}] = {t[i]:g} after {t[i - 1]:g}")
    out = np.empty_like(y)
    _kernels.time_weighted(t, y, min(math.sqrt(s), WANDB_MAX_WEIGHT), scale, out)
    return out


def tensorboard_sample(
    num_points: int, size: int = TENSORBOARD_SCALAR_SAMPLES, *, seed: int = 0
) -> np.ndarray:
    r"""The indices of the points TensorBoard keeps of a series of ``num_points``.

    TensorBoard's deterministic reservoir (``always_keep_last=True``): the first ``size``
    points are kept; the point number :math:`i` (from 0) draws
    :math:`r \sim U\{0, \dots, i\}` from Python's ``random.Random(seed)``, and if
    :math:`r <` ``size`` the kept point :math:`r` leaves and the new one is appended,
    otherwise it replaces the last kept one. Each point is kept with equal probability,
    the last one always, and the points kept stay in step order. ``size=0`` keeps all.

    Smoothing runs over the points kept, so on a run logged for longer the same weight
    averages over more steps (tensorboard#1518).

    Examples
    --------
    >>> tensorboard_sample(5, 10).tolist()
    [0, 1, 2, 3, 4]
    >>> kept = tensorboard_sample(10_000)
    >>> kept.size, int(kept[0]), int(kept[-1])
    (1000, 18, 9999)
    """
    n = check_whole(num_points, "num_points", low=0)
    size = check_whole(size, "size", low=0)
    if size == 0 or n <= size:
        return np.arange(n)
    rng = random.Random(seed)
    kept = list(range(size))
    for seen in range(size, n):
        r = rng.randint(0, seen)
        if r < size:
            kept.pop(r)
            kept.append(seen)
        else:
            kept[-1] = seen
    return np.asarray(kept)
