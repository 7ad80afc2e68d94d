r"""Batch normalization's running statistics: the EMA inside every CNN.

While training, a batch-norm layer normalizes each batch by the batch's own mean and
variance, and keeps an EMA of both for inference, started at mean 0 and variance 1 and
never debiased. The frameworks agree on that and disagree on what "momentum" means:

============================  ==========================================  =========
convention                    update                                      default
============================  ==========================================  =========
Keras 3, TensorFlow, Flax     :math:`r \leftarrow m\,r + (1-m)\,b`        m = 0.99
PyTorch                       :math:`r \leftarrow (1-m)\,r + m\,b`        m = 0.1
============================  ==========================================  =========

so Keras' momentum is the decay :math:`\beta` and PyTorch's is :math:`1-\beta`: PyTorch
0.1 is Keras 0.9. PyTorch also keeps the batch variance with Bessel's correction
(:math:`n-1`), and with ``momentum=None`` the plain cumulative average (the factor
:math:`1/t` after :math:`t` batches). Keras 3 (``BatchNormalization.call`` with
``ops.moments``) keeps the biased variance (:math:`n`); tf.keras 2's fused kernel, the
default on GPUs there, applied Bessel's correction to the moving variance instead.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import as_real_array, check_scalar_decay
from ema_core.series import ema_series

__all__ = ["CONVENTIONS", "batchnorm_decay", "batchnorm_running_stats"]

Convention = Literal["pytorch", "keras"]
CONVENTIONS: tuple[str, ...] = ("pytorch", "keras")
"""The conventions `batchnorm_running_stats` follows, by the framework that set them."""


def _check_convention(convention: str) -> str:
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(CONVENTIONS)}; got {convention!r}")
    return convention


def batchnorm_decay(momentum: float, *, convention: Convention) -> float:
    r"""The EMA's decay :math:`\beta` that a framework's batch-norm ``momentum`` means.

    Keras, TensorFlow and Flax: :math:`\beta = m`. PyTorch: :math:`\beta = 1 - m`.

    Examples
    --------
    >>> batchnorm_decay(0.1, convention="pytorch"), batchnorm_decay(0.99, convention="keras")
    (0.9, 0.99)
    """
    m = check_scalar_decay(momentum, "momentum")
    return 1.0 - m if _check_convention(convention) == "pytorch" else m


def batchnorm_running_stats(
    batches: ArrayLike, momentum: float | None, *, convention: Convention
) -> tuple[np.ndarray, np.ndarray]:
    r"""The running mean and variance of batch normalization after each batch.

    From :math:`\mu_0 = 0` and :math:`\sigma^2_0 = 1`, with the batch's mean
    :math:`\bar x_t` and variance :math:`s^2_t` over its :math:`n` samples:

    .. math::

        \text{pytorch:}\quad \mu_t = (1-m)\,\mu_{t-1} + m\,\bar x_t, \qquad
        \sigma^2_t = (1-m)\,\sigma^2_{t-1} + m\,\tfrac{n}{n-1}\,s^2_t

        \text{keras:}\quad \mu_t = m\,\mu_{t-1} + (1-m)\,\bar x_t, \qquad
        \sigma^2_t = m\,\sigma^2_{t-1} + (1-m)\,s^2_t

    PyTorch's ``momentum=None`` uses :math:`1/t` for :math:`m` at batch :math:`t`: the
    plain average of the batches' statistics, the start forgotten at the first batch.

    Parameters
    ----------
    batches : array_like, shape (steps, batch, features)
        One training batch a step; the statistics are taken over axis 1.
    momentum : float in [0, 1], or None
        The framework's own momentum (see the module's table). ``None``, PyTorch only:
        the cumulative average.
    convention : {"pytorch", "keras"}
        Whose update and variance: PyTorch's ``_BatchNorm``, or Keras 3's
        ``BatchNormalization`` (also TensorFlow's ``moving_average_update`` and Flax).

    Returns
    -------
    mean, var : ndarray, shape (steps, features)
        The running statistics after each batch (float64).

    Raises
    ------
    ValueError
        If ``momentum`` is outside [0, 1] (or None for Keras), ``convention`` is
        unknown, ``batches`` is not 3-D, or a PyTorch batch holds one sample (PyTorch:
        "Expected more than 1 value per channel when training").

    Examples
    --------
    Keras' documented ``moving_average_update`` example, one feature: a batch whose mean
    is 2 moves the moving mean from 0 to 0.2 at momentum 0.9.

    >>> mean, var = batchnorm_running_stats([[[1.0], [3.0]]], 0.9, convention="keras")
    >>> float(mean[0, 0]), float(var[0, 0])
    (0.2, 1.0)
    >>> mean, var = batchnorm_running_stats([[[1.0], [3.0]]], 0.1, convention="pytorch")
    >>> float(mean[0, 0]), float(var[0, 0])
    (0.2, 1.1)
    """
    convention = _check_convention(convention)
    x = as_real_array(batches, "batches").astype(np.float64, copy=False)
    if x.ndim != 3:
        raise ValueError(f"batches must have shape (steps, batch, features), got {x.shape}")
    steps, size, _ = x.shape
    if size < 1:
        raise ValueError("batches must hold at least one sample a batch")
    if convention == "pytorch" and size < 2:
        raise ValueError(
            "batches must hold at least 2 samples a batch for PyTorch's unbiased variance "
            "(PyTorch: 'Expected more than 1 value per channel when training')"
        )
    if momentum is None:
        if convention != "pytorch":
            raise ValueError("momentum=None (a cumulative average) is PyTorch's only")
        decay: float | np.ndarray = 1.0 - 1.0 / np.arange(1, steps + 1)
    else:
        m = check_scalar_decay(momentum, "momentum")
        decay = 1.0 - m if convention == "pytorch" else m
    ddof = 1 if convention == "pytorch" else 0
    batch_mean = x.mean(axis=1)
    batch_var = x.var(axis=1, ddof=ddof)
    return (
        ema_series(batch_mean, decay, initial=0.0),
        ema_series(batch_var, decay, initial=1.0),
    )
