r"""Decay strategies for an EMA of model weights, as per-step decay schedules.

Each function returns :math:`\beta_1, \dots, \beta_T`, the decay of the update made
after training step :math:`t`, ready for ``ema_series(weights, schedule, initial=w0)``.
Two conventions make every practical variant a schedule: a decay of 0 copies the
weights into the average, and a decay of 1 leaves the average as it is.
"""

from __future__ import annotations

import numpy as np

from ema_core._validation import check_at_least, check_scalar_decay, check_whole
from ema_core.schedules import tf_decay, warmup_decay

__all__ = [
    "constant_schedule",
    "every_k_steps",
    "keras_schedule",
    "scaled_decay",
    "start_after",
    "tf_schedule",
    "warmup_schedule",
]


def constant_schedule(steps: int, decay: float) -> np.ndarray:
    r"""The same decay at every step: :math:`\beta_t = \beta`.

    Examples
    --------
    >>> constant_schedule(3, 0.9)
    array([0.9, 0.9, 0.9])
    """
    return np.full(check_whole(steps, "steps"), check_scalar_decay(decay))


def tf_schedule(steps: int, decay: float) -> np.ndarray:
    r"""TensorFlow's ``num_updates`` rule, with ``num_updates`` the steps done before.

    .. math:: \beta_t = \min\left(\beta, \frac{1 + (t-1)}{10 + (t-1)}\right)

    so the first update uses 0.1, and the window :math:`1/(1-\beta_t)` is
    :math:`(9+t)/9` until the crossover.

    Examples
    --------
    >>> tf_schedule(3, 0.99)
    array([0.1       , 0.18181818, 0.25      ])
    """
    return tf_decay(check_scalar_decay(decay), np.arange(check_whole(steps, "steps")))


def warmup_schedule(
    steps: int,
    decay: float,
    *,
    inv_gamma: float = 1.0,
    power: float = 2 / 3,
    min_decay: float = 0.0,
) -> np.ndarray:
    r"""The warm-up of timm's ModelEmaV3, ema-pytorch and diffusers' EMAModel.

    Their step counter starts at 0 for the first update, which therefore copies the
    weights; then :math:`\beta_t = \operatorname{clip}(1 - (1 + (t-1)/\gamma^{-1})^{-p},
    \beta_{\min}, \beta)` (see `warmup_decay`).

    Examples
    --------
    >>> warmup_schedule(4, 0.999, power=1.0)
    array([0.        , 0.5       , 0.66666667, 0.75      ])
    """
    t = np.arange(check_whole(steps, "steps"))
    return warmup_decay(t, decay=decay, inv_gamma=inv_gamma, power=power, min_decay=min_decay)


def keras_schedule(steps: int, decay: float) -> np.ndarray:
    r"""Keras 3's optimizer EMA (``use_ema=True``): the first step copies the weights.

    .. math:: \beta_1 = 0, \qquad \beta_t = \beta \text{ (``ema_momentum``) for } t > 1

    Examples
    --------
    >>> keras_schedule(3, 0.99)
    array([0.  , 0.99, 0.99])
    """
    out = constant_schedule(steps, decay)
    out[0] = 0.0
    return out


def start_after(schedule: np.ndarray, n: int) -> np.ndarray:
    r"""Copy the weights for the first ``n`` steps, then follow ``schedule``.

    .. math:: \beta'_t = 0 \text{ for } t \le n, \qquad \beta'_t = \beta_t \text{ after}

    As ema-pytorch's ``update_after_step``: the average starts from the weights
    reached after ``n`` steps instead of from the random start.

    Examples
    --------
    >>> start_after(np.full(4, 0.9), 2)
    array([0. , 0. , 0.9, 0.9])
    """
    out = np.array(schedule, dtype=np.float64)
    out[: check_whole(n, "n", 0)] = 0.0
    return out


def every_k_steps(schedule: np.ndarray, k: int) -> np.ndarray:
    r"""Update only every ``k``-th step, with the decay raised to the ``k``-th power.

    .. math:: \beta'_t = \beta_t^k \text{ if } k \mid t, \qquad \beta'_t = 1 \text{ otherwise}

    :math:`\beta^k` per update keeps the horizon in steps: after :math:`k` steps the
    old average keeps :math:`\beta^k` of its weight either way. A decay of 0 (a copy)
    stays 0 on the steps it falls on.

    Examples
    --------
    >>> every_k_steps(np.full(4, 0.9), 2)
    array([1.  , 0.81, 1.  , 0.81])
    """
    k = check_whole(k, "k")
    base = np.asarray(schedule, dtype=np.float64)
    t = np.arange(1, base.shape[0] + 1)
    return np.where(t % k == 0, base**k, 1.0)


def scaled_decay(decay: float, factor: float) -> float:
    r"""The decay for a batch ``factor`` times larger, at the same horizon in samples.

    .. math:: \beta' = \beta^{k}

    With batches :math:`k` times larger there are :math:`k` times fewer steps per
    epoch; raising the decay to the :math:`k`-th power keeps the half-life measured in
    samples (Busbridge et al. 2023, "How to Scale Your EMA").

    Examples
    --------
    >>> round(scaled_decay(0.999, 8), 6)
    0.992028
    """
    k = float(check_at_least(factor, "factor", 0, strict=True))
    return float(check_scalar_decay(decay) ** k)
