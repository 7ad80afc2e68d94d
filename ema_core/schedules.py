"""Decay schedules: the decay in effect at each step of training."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core import _kernels
from ema_core._validation import as_real_array, check_at_least, check_decay, to_output

__all__ = ["tf_crossover", "tf_decay", "warmup_decay"]


def tf_decay(decay: ArrayLike, num_updates: ArrayLike) -> Any:
    r"""TensorFlow's ``num_updates`` rule: :math:`\min\left(\beta, \frac{1+n}{10+n}\right)`.

    ``tf.train.ExponentialMovingAverage(decay, num_updates=n)`` uses this decay, so
    that early in training the average follows the weights quickly. The two meet at
    the crossover step :math:`n^* = (10\beta - 1)/(1 - \beta)` (890 for 0.99, 8990
    for 0.999); from there on the decay is :math:`\beta`. Early on the effective
    window :math:`1/(1-\text{decay})` is :math:`(10+n)/9`.

    Parameters
    ----------
    decay : array_like
        :math:`\beta \in [0, 1]`, the decay the schedule rises to.
    num_updates : array_like
        :math:`n \ge 0`, the step count (broadcast against ``decay``).

    Returns
    -------
    float or ndarray

    Notes
    -----
    TensorFlow evaluates this in float32; this function uses float64, so
    TensorFlow's own decay differs from it by about 1e-7 relative.

    Examples
    --------
    >>> tf_decay(0.99, 0)
    0.1
    >>> tf_decay(0.99, [10, 890, 10_000])
    array([0.55, 0.99, 0.99])
    """
    d = check_decay(decay).astype(np.float64, copy=False)
    n = check_at_least(num_updates, "num_updates", 0)
    return to_output(_kernels.tf_rule(d, n), decay, num_updates)


def tf_crossover(decay: ArrayLike) -> Any:
    r"""The step from which TensorFlow's rule uses ``decay`` itself.

    .. math:: n^* = \frac{10\beta - 1}{1 - \beta}

    Solving :math:`(1+n)/(10+n) = \beta` for :math:`n`. At or below 0 (a decay of at
    most 0.1) the rule never binds: :math:`(1+n)/(10+n) \ge 0.1 \ge \beta` from the
    start. A decay of 1 never is reached: the crossover is ``inf``.

    Examples
    --------
    >>> tf_crossover([0.99, 0.999])
    array([ 890., 8990.])
    >>> tf_crossover(1.0)
    inf
    """
    d = check_decay(decay).astype(np.float64, copy=False)
    with np.errstate(divide="ignore"):
        n = (10 * d - 1) / (1 - d)  # 9 / 0 = inf at a decay of 1
    return to_output(n, decay)


def warmup_decay(
    step: ArrayLike,
    *,
    decay: float,
    inv_gamma: float = 1.0,
    power: float = 2 / 3,
    min_decay: float = 0.0,
) -> Any:
    r"""The warm-up of timm's ModelEmaV3, ema-pytorch and diffusers' EMAModel.

    .. math::

        \beta_t = \operatorname{clip}\left(1 - (1 + t/\gamma^{-1})^{-p},\;
        \beta_{\min},\; \beta\right) \text{ for } t > 0, \qquad \beta_t = 0
        \text{ for } t \le 0

    The implied window :math:`1/(1-\beta_t)` grows like :math:`(1 + t/\gamma^{-1})^p`.
    With :math:`p = 2/3` the decay reaches 0.999 near 31.6k steps and 0.9999 near
    1M; with :math:`p = 3/4`, near 10k and 215k. :math:`\gamma^{-1} = p = 1` gives
    :math:`1 - 1/(t+1)`, the plain running mean.

    Parameters
    ----------
    step : array_like
        :math:`t`, the optimisation step (the library's own step count, after any
        ``update_after_step`` offset).
    decay : float
        :math:`\beta \in [0, 1]`, the ceiling.
    inv_gamma : float, default 1.0
        :math:`\gamma^{-1} > 0`, the time scale of the warm-up.
    power : float, default 2/3
        :math:`p > 0`.
    min_decay : float, default 0.0
        :math:`\beta_{\min} \in [0, \beta]`, the floor.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> warmup_decay([0, 1, 3], decay=0.999, power=1.0)
    array([0.  , 0.5 , 0.75])
    """
    t = as_real_array(step, "step").astype(np.float64, copy=False)
    ceiling = float(check_decay(decay))
    gamma = float(check_at_least(inv_gamma, "inv_gamma", 0, strict=True))
    p = float(check_at_least(power, "power", 0, strict=True))
    floor = float(check_decay(min_decay, "min_decay"))
    if floor > ceiling:
        raise ValueError(f"min_decay must be in [0, decay={ceiling}], got {floor}")
    with np.errstate(invalid="ignore"):  # negative steps are masked below
        raw = 1 - (1 + t / gamma) ** (-p)
    value = np.where(t > 0, np.clip(raw, floor, ceiling), 0.0)
    return to_output(value, step)
