r"""Ways of reading a decay :math:`\beta`, each with its inverse.

People state the memory of an EMA in several units: the decay itself, the
"window" :math:`1/(1-\beta)` of Andrew Ng's course, a half-life, pandas' ``span``
and ``com``, or the lag it adds. Each function here converts one way; the
``decay_from_*`` functions go back. A decay of exactly 1 never forgets: its
window, half-life, span and center of mass are ``inf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import check_at_least, check_decay, check_scalar_decay, to_output
from ema_core.responses import cutoff_cycles

__all__ = [
    "DecayReadings",
    "center_of_mass",
    "decay_from_center_of_mass",
    "decay_from_half_life",
    "decay_from_span",
    "decay_from_window",
    "decay_readings",
    "effective_window",
    "forget_steps",
    "half_life",
    "noise_variance_ratio",
    "span",
    "weight_in_last",
]


def _decay64(decay: ArrayLike) -> np.ndarray:
    return check_decay(decay).astype(np.float64, copy=False)


def effective_window(decay: ArrayLike) -> Any:
    r"""The effective window :math:`N = 1/(1-\beta)`, in steps.

    The EMA weighs the last :math:`N` values by about :math:`1 - e^{-1} \approx 63\%`
    (see `weight_in_last`); its weights sum like a plain average over :math:`N` values.

    Examples
    --------
    >>> effective_window(0.9)
    10.000000000000002
    >>> effective_window([0.5, 0.99])
    array([  2., 100.])
    """
    d = _decay64(decay)
    with np.errstate(divide="ignore"):
        return to_output(1 / (1 - d), decay)


def decay_from_window(window: ArrayLike) -> Any:
    r"""The decay whose effective window is :math:`N \ge 1`: :math:`\beta = 1 - 1/N`.

    Examples
    --------
    >>> decay_from_window(100)
    0.99
    """
    n = check_at_least(window, "window", 1)
    return to_output(1 - 1 / n, window)


def half_life(decay: ArrayLike) -> Any:
    r"""Steps until a value's weight halves: :math:`h = \ln 0.5 / \ln \beta`.

    Examples
    --------
    >>> half_life(0.5)
    1.0
    >>> round(half_life(0.99), 2)
    68.97
    """
    d = _decay64(decay)
    with np.errstate(divide="ignore"):
        # ln 2 / |ln d|: +inf, not -inf, at decay 1 where ln d = +0
        return to_output(np.log(2) / np.abs(np.log(d)), decay)


def forget_steps(decay: ArrayLike, fraction: ArrayLike = 0.01) -> Any:
    r"""Steps until the weight on everything older falls to ``fraction``: :math:`\ln f / \ln \beta`.

    After this many updates an initial value keeps only ``fraction`` of the weight,
    so a zero start's bias has faded to that share; `half_life` is the case
    :math:`f = 1/2`. For :math:`f = 1\%` it is about 4.6 windows.

    Examples
    --------
    >>> round(forget_steps(0.9), 1)
    43.7
    >>> forget_steps(0.5, 0.25)
    2.0
    """
    d = _decay64(decay)
    f = check_at_least(fraction, "fraction", 0, strict=True)
    if (f >= 1).any():
        raise ValueError(f"fraction must be in (0, 1), got {f[f >= 1].flat[0]!r}")
    with np.errstate(divide="ignore"):
        return to_output(np.abs(np.log(f)) / np.abs(np.log(d)), decay, fraction)


def decay_from_half_life(half_life: ArrayLike) -> Any:
    r"""The decay with half-life :math:`h > 0`: :math:`\beta = 0.5^{1/h}`.

    Examples
    --------
    >>> decay_from_half_life(1)
    0.5
    """
    h = check_at_least(half_life, "half_life", 0, strict=True)
    return to_output(0.5 ** (1 / h), half_life)


def span(decay: ArrayLike) -> Any:
    r"""pandas' and TA-Lib's span: :math:`s = 2/(1-\beta) - 1`, so :math:`\alpha = 2/(s+1)`.

    Examples
    --------
    >>> span(0.9)
    19.000000000000004
    """
    d = _decay64(decay)
    with np.errstate(divide="ignore"):
        return to_output(2 / (1 - d) - 1, decay)


def decay_from_span(span: ArrayLike) -> Any:
    r"""The decay for a span :math:`s \ge 1`: :math:`\beta = 1 - 2/(s+1)`.

    Examples
    --------
    >>> decay_from_span(19)
    0.9
    """
    s = check_at_least(span, "span", 1)
    return to_output(1 - 2 / (s + 1), span)


def center_of_mass(decay: ArrayLike) -> Any:
    r"""The mean age of the weights: :math:`\bar k = \beta/(1-\beta)` steps.

    It is also the lag of the EMA behind a ramp: fed :math:`x_t = a t`, the average
    settles at :math:`a (t - \bar k)`. pandas calls it ``com``.

    Examples
    --------
    >>> center_of_mass(0.9)
    9.000000000000002
    """
    d = _decay64(decay)
    with np.errstate(divide="ignore"):
        return to_output(d / (1 - d), decay)


def decay_from_center_of_mass(center_of_mass: ArrayLike) -> Any:
    r"""The decay for a center of mass :math:`c \ge 0`: :math:`\beta = c/(1+c)`.

    Examples
    --------
    >>> decay_from_center_of_mass(9)
    0.9
    """
    c = check_at_least(center_of_mass, "center_of_mass", 0)
    return to_output(c / (1 + c), center_of_mass)


def noise_variance_ratio(decay: ArrayLike) -> Any:
    r"""Variance out over variance in for white noise: :math:`(1-\beta)/(1+\beta)`.

    The sum of the squared weights :math:`(1-\beta)^2 \sum_k \beta^{2k}`, in the
    steady state. Its square root is the factor by which the noise's standard
    deviation shrinks.

    Examples
    --------
    >>> noise_variance_ratio(0.9)
    0.05263157894736841
    """
    d = _decay64(decay)
    return to_output((1 - d) / (1 + d), decay)


def weight_in_last(decay: ArrayLike, n: ArrayLike) -> Any:
    r"""The share of the weight on the latest :math:`n` values: :math:`1 - \beta^n`.

    For :math:`n = 1/(1-\beta)` it is close to :math:`1 - e^{-1} \approx 63.2\%`.

    Examples
    --------
    >>> round(weight_in_last(0.99, 100), 3)
    0.634
    """
    d = _decay64(decay)
    k = check_at_least(n, "n", 0)
    return to_output(1 - d**k, decay, n)


@dataclass(frozen=True)
class DecayReadings:
    """Every way to read one decay, in steps unless named otherwise (see `decay_readings`)."""

    decay: float
    window: float  # 1/(1 - decay)
    half_life: float
    span: float  # pandas' span
    center_of_mass: float  # the lag behind a ramp
    noise_variance_ratio: float
    noise_std_ratio: float  # its square root: how much the noise's spread shrinks
    cutoff_cycles: float  # the -3 dB point in cycles per step; nan where there is none


def decay_readings(decay: float) -> DecayReadings:
    r"""One decay read every way people reason about it.

    .. math:: N = \tfrac{1}{1-\beta},\; h = \tfrac{\ln 0.5}{\ln\beta},\;
        \mathrm{span} = \tfrac{2}{1-\beta} - 1,\; \mathrm{lag} = \tfrac{\beta}{1-\beta},\;
        \tfrac{\sigma^2_{out}}{\sigma^2_{in}} = \tfrac{1-\beta}{1+\beta}

    Examples
    --------
    >>> r = decay_readings(0.9)
    >>> round(r.window, 6), round(r.span, 6), round(r.center_of_mass, 6)
    (10.0, 19.0, 9.0)
    >>> round(r.noise_std_ratio, 4), round(r.cutoff_cycles, 4)
    (0.2294, 0.0168)
    """
    d = check_scalar_decay(decay)
    ratio = float(noise_variance_ratio(d))
    return DecayReadings(
        decay=d,
        window=float(effective_window(d)),
        half_life=float(half_life(d)),
        span=float(span(d)),
        center_of_mass=float(center_of_mass(d)),
        noise_variance_ratio=ratio,
        noise_std_ratio=float(np.sqrt(ratio)),
        cutoff_cycles=float(cutoff_cycles(d)),
    )
