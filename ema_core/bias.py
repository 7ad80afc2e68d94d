"""Bias correction of a zero-started EMA (Adam, Kingma & Ba 2015, section 3)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import as_real_array, check_at_least, check_decay, data_dtype, to_output

__all__ = ["bias_correction", "debias"]


def bias_correction(decay: ArrayLike, num_updates: ArrayLike) -> Any:
    r"""The total weight a zero-started EMA has put on the data: :math:`1 - \beta^t`.

    After :math:`t` updates from :math:`s_0 = 0`, the weights
    :math:`(1-\beta)\beta^{t-k}` on :math:`x_1, \dots, x_t` sum to
    :math:`1 - \beta^t`; the rest, :math:`\beta^t`, still sits on the zero start.

    Parameters
    ----------
    decay : array_like
        :math:`\beta \in [0, 1]`.
    num_updates : array_like
        :math:`t \ge 1`, the number of updates so far (broadcast against
        ``decay``). At :math:`t = 0` the factor is 0 and nothing can be
        corrected, so it is refused.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> bias_correction(0.9, 1)
    0.09999999999999998
    >>> bias_correction(0.5, [1, 2, 3])
    array([0.5  , 0.75 , 0.875])
    """
    d = check_decay(decay).astype(np.float64, copy=False)
    t = check_at_least(num_updates, "num_updates", 1)
    return to_output(1 - d**t, decay, num_updates)


def debias(ema: ArrayLike, decay: ArrayLike, num_updates: ArrayLike) -> Any:
    r"""Rescale a zero-started EMA by its bias correction: :math:`s_t / (1 - \beta^t)`.

    Parameters
    ----------
    ema : array_like
        :math:`s_t`, an EMA started at 0 and updated ``num_updates`` times with a
        constant ``decay`` (for a changing decay, use
        ``ema_series(..., debias=True)``, which divides by the exact
        :math:`1 - \prod_k \beta_k`).
    decay : array_like
        :math:`\beta \in [0, 1)`. At :math:`\beta = 1` the data have no weight and
        the correction would divide by zero, so it is refused.
    num_updates : array_like
        :math:`t \ge 1`.

    Returns
    -------
    float or ndarray
        float32 for a float32 ``ema``, float64 otherwise.

    Examples
    --------
    Keras' ``moving_average_update`` example: from 0, one update towards 2 with
    momentum 0.9 gives 0.2, and the debiased value is 2.

    >>> debias(0.2, 0.9, 1)
    2.0000000000000004
    >>> from ema_core import ema_update
    >>> debias(ema_update(0.0, 2.0, 0.9), 0.9, 1)
    2.0
    """
    e = as_real_array(ema, "ema")
    d = check_decay(decay)
    if (d == 1).any():
        raise ValueError(
            "decay must be below 1 to debias: at decay 1 the average has put no "
            "weight on the data (1 - decay**t = 0)"
        )
    factor = bias_correction(d, num_updates)
    dtype = data_dtype(e)
    result = (e / np.asarray(factor)).astype(dtype, copy=False)
    return to_output(result, ema, decay, num_updates)
