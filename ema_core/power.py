r"""Power-function EMA: an average whose length grows with training (EDM2).

Karras et al., "Analyzing and Improving the Training Dynamics of Diffusion
Models" (EDM2, CVPR 2024, Section 3 and Appendix C) average the weights seen up
to step :math:`t` with the profile

.. math:: p_t(\tau) = \frac{(\gamma+1)\,\tau^{\gamma}}{t^{\gamma+1}}, \qquad 0 \le \tau \le t,

so the average always covers the same *fraction* of training. Its width is stated
as the relative standard deviation :math:`\sigma_\text{rel}`, the profile's
standard deviation divided by :math:`t`.

The map :math:`\gamma \mapsto \sigma_\text{rel}` rises on :math:`(-1, \gamma^*]`
and falls after, with :math:`\gamma^* = (\sqrt5 - 3)/2 \approx -0.382` (the root of
:math:`\gamma^2 + 3\gamma + 1`, where the derivative of
:math:`\ln\sigma_\text{rel}^2` vanishes) and the peak
:math:`\sigma_\text{rel}(\gamma^*) = \varphi^{-5/2} \approx 0.30028`
(:math:`\varphi` the golden ratio: there :math:`\gamma+1 = 1/\varphi`,
:math:`\gamma+2 = \varphi`, :math:`\gamma+3 = \varphi^2`). Widths are therefore
accepted in :math:`(0, \varphi^{-5/2}]`, and the inverse returns the branch
:math:`\gamma \ge \gamma^*` (the largest real root of EDM2's eq. 126), as EDM2
does; :math:`\gamma = 0`, a plain running mean, has :math:`\sigma_\text{rel} =
1/\sqrt{12} \approx 0.2887`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import as_real_array, check_at_least, to_output

__all__ = [
    "GAMMA_AT_PEAK",
    "SIGMA_REL_MAX",
    "decay_from_sigma_rel",
    "gamma_to_sigma_rel",
    "power_decay",
    "power_profile",
    "sigma_rel_to_gamma",
]

GAMMA_AT_PEAK: float = (np.sqrt(5.0) - 3.0) / 2.0
"""The exponent of the widest power-function profile, :math:`(\\sqrt5-3)/2`."""

SIGMA_REL_MAX: float = float(((1.0 + np.sqrt(5.0)) / 2.0) ** -2.5)
"""The widest relative standard deviation a power-function EMA has, :math:`\\varphi^{-5/2}`."""


def _check_gamma(gamma: ArrayLike) -> np.ndarray:
    g = as_real_array(gamma, "gamma").astype(np.float64, copy=False)
    if not (g > -1).all():  # NaN fails too
        raise ValueError(
            f"gamma must be > -1 (the profile tau**gamma must be integrable on [0, t]), "
            f"got {g[~(g > -1)].flat[0]!r}"
        )
    if not np.isfinite(g).all():
        raise ValueError(f"gamma must be finite, got {g[~np.isfinite(g)].flat[0]!r}")
    return g


def _check_sigma_rel(sigma_rel: ArrayLike, name: str = "sigma_rel") -> np.ndarray:
    s = as_real_array(sigma_rel, name).astype(np.float64, copy=False)
    ok = (s > 0) & (s <= SIGMA_REL_MAX)
    if not ok.all():
        raise ValueError(
            f"{name} must be in (0, {SIGMA_REL_MAX:.5f}] (the widest power-function "
            f"profile, at gamma = {GAMMA_AT_PEAK:.4f}), got {s[~ok].flat[0]!r}"
        )
    return s


def gamma_to_sigma_rel(gamma: ArrayLike) -> Any:
    r"""The relative standard deviation of the profile with exponent :math:`\gamma > -1`.

    .. math:: \sigma_\text{rel} = \sqrt{\frac{\gamma+1}{(\gamma+2)^2(\gamma+3)}}

    EDM2's eq. 123.

    Examples
    --------
    >>> round(gamma_to_sigma_rel(6.94), 4)
    0.1
    >>> round(gamma_to_sigma_rel(0.0), 4)  # a running mean: 1/sqrt(12)
    0.2887
    """
    g = _check_gamma(gamma)
    return to_output(np.sqrt((g + 1) / ((g + 2) ** 2 * (g + 3))), gamma)


def sigma_rel_to_gamma(sigma_rel: ArrayLike) -> Any:
    r"""The exponent :math:`\gamma \ge \gamma^*` of the profile of width :math:`\sigma_\text{rel}`.

    The largest real root of EDM2's eq. 126,

    .. math:: \gamma^3 + 7\gamma^2 + (16 - \sigma_\text{rel}^{-2})\gamma
              + (12 - \sigma_\text{rel}^{-2}) = 0,

    that is :math:`(\gamma+2)^2(\gamma+3) = \sigma_\text{rel}^{-2}(\gamma+1)`, found
    by Newton's method from :math:`1/\sigma_\text{rel}`, which lies above the root:
    the cubic is convex there, so the iterates fall monotonically onto it (to
    round-off; linearly only at the double root :math:`\sigma_\text{rel} =
    \varphi^{-5/2}`).

    Parameters
    ----------
    sigma_rel : array_like
        Widths in :math:`(0, \varphi^{-5/2}]`, :math:`\varphi^{-5/2} \approx 0.30028`.

    Examples
    --------
    >>> round(sigma_rel_to_gamma(0.05), 2), round(sigma_rel_to_gamma(0.10), 2)
    (16.97, 6.94)
    """
    s = _check_sigma_rel(sigma_rel)
    inv2 = s**-2.0
    g = 1 / s
    for _ in range(200):
        p = (g + 2) ** 2 * (g + 3) - inv2 * (g + 1)
        dp = (g + 2) * (3 * g + 8) - inv2
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(dp > 0, p / dp, 0.0)
        new = np.maximum(g - step, GAMMA_AT_PEAK)
        # The iterates only fall; once none does, round-off is all that is left.
        if not (new < g).any():
            break
        g = new
    return to_output(g, sigma_rel)


def power_decay(t: ArrayLike, gamma: ArrayLike) -> Any:
    r"""The per-step decay that tracks a power-function EMA: :math:`\beta_t = (1 - 1/t)^{\gamma+1}`.

    EDM2's eq. 127 with a step of one. At :math:`t = 1` the decay is 0, so the
    first update copies the weights; after :math:`t` updates the value of step
    :math:`k` has weight :math:`(k^{\gamma+1} - (k-1)^{\gamma+1})/t^{\gamma+1}`, the
    exact integral of :math:`p_t` over :math:`[k-1, k]`. Hence
    ``ema_series(x, power_decay(np.arange(1, n + 1), gamma))`` is the
    power-function EMA of ``x`` after every step.

    Parameters
    ----------
    t : array_like of whole numbers >= 1
        Steps, counted from 1 for the first update.
    gamma : array_like
        Exponents :math:`> -1` (broadcast against ``t``).

    Examples
    --------
    >>> power_decay([1, 2, 4], 1.0)
    array([0.    , 0.25  , 0.5625])
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> ema_series(x, power_decay(np.arange(1, 5), 0.0))  # gamma 0: the running mean
    array([1. , 1.5, 2. , 2.5])
    """
    steps = check_at_least(t, "t", 1)
    if steps.dtype.kind == "f" and not (np.isfinite(steps) & (steps == np.round(steps))).all():
        raise ValueError("t must hold whole steps (1, 2, 3, ...)")
    g = _check_gamma(gamma)
    return to_output((1 - 1 / steps.astype(np.float64)) ** (g + 1), t, gamma)


def power_profile(tau: ArrayLike, t: ArrayLike, gamma: ArrayLike) -> Any:
    r"""The weight density of a power-function EMA at time :math:`t`, at the past time :math:`\tau`.

    .. math:: p_t(\tau) = \frac{(\gamma+1)\,\tau^{\gamma}}{t^{\gamma+1}}
              \text{ for } 0 \le \tau \le t, \quad 0 \text{ after}

    It integrates to 1 over :math:`[0, t]`.

    Examples
    --------
    >>> power_profile([0.0, 5.0, 10.0, 11.0], 10.0, 1.0)
    array([0. , 0.1, 0.2, 0. ])
    """
    tau_ = as_real_array(tau, "tau").astype(np.float64, copy=False)
    t_ = check_at_least(t, "t", 0, strict=True).astype(np.float64, copy=False)
    g = _check_gamma(gamma)
    inside = (tau_ >= 0) & (tau_ <= t_)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = (g + 1) * np.where(inside, tau_ / t_, 0.0) ** g / t_
    return to_output(np.where(inside, density, 0.0), tau, t, gamma)


def decay_from_sigma_rel(sigma_rel: ArrayLike, t: ArrayLike) -> Any:
    r"""The constant decay whose EMA has the width :math:`\sigma_\text{rel}\,t` at step :math:`t`.

    A classic EMA's weights :math:`(1-\beta)\beta^k` on the value :math:`k` steps
    back have standard deviation :math:`\sqrt\beta/(1-\beta)` (ignoring the start of
    training, so for :math:`\sigma_\text{rel} t` well below :math:`t`); setting it to
    :math:`w = \sigma_\text{rel}\,t` and solving the quadratic in :math:`\sqrt\beta`:

    .. math:: \sqrt\beta = \frac{\sqrt{1 + 4w^2} - 1}{2w} = \frac{2w}{\sqrt{1 + 4w^2} + 1}

    This is how a power-function EMA at the end of training translates into the
    familiar :math:`\beta`.

    Examples
    --------
    >>> round(decay_from_sigma_rel(0.05, 2000), 5)  # width 100 steps
    0.99005
    """
    s = _check_sigma_rel(sigma_rel)
    w = s * check_at_least(t, "t", 0, strict=True)
    root = 2 * w / (np.sqrt(1 + 4 * w**2) + 1)  # the second form: no cancellation
    return to_output(root**2, sigma_rel, t)
