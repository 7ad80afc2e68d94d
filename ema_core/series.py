"""The whole EMA of a series: every value of the average, one per update."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ema_core import _kernels
from ema_core._validation import as_real_array, check_decay, data_dtype

__all__ = ["ema_series"]


def ema_series(
    values: ArrayLike,
    decay: ArrayLike,
    *,
    initial: ArrayLike | None = 0.0,
    debias: bool = False,
) -> np.ndarray:
    r"""The exponential moving average after each update of a series.

    .. math::

        s_0 = \text{initial}, \qquad
        s_t = \beta_t\, s_{t-1} + (1-\beta_t)\, x_t, \quad t = 1, \dots, T

    With ``debias=True`` the result is the exact bias-corrected average

    .. math::

        \hat s_t = \frac{s_t - P_t\,s_0}{1 - P_t}, \qquad P_t = \prod_{k \le t} \beta_k

    which for a constant decay is :math:`(s_t - \beta^t s_0)/(1-\beta^t)`: the
    initial value drops out entirely, the weights on the data sum to one, and for
    ``initial=0`` it is Adam's correction :math:`s_t / (1-\beta^t)`. It equals
    ``pandas.Series.ewm(alpha=1 - decay, adjust=True).mean()``.

    Parameters
    ----------
    values : array_like, shape (T, ...)
        The observations :math:`x_1, \dots, x_T`. Time runs along axis 0; any
        further axes hold independent series.
    decay : float or array_like of shape (T,)
        :math:`\beta \in [0, 1]`: one decay for every step, or one per step (a
        schedule such as `tf_decay` of the step number).
    initial : float, array_like or None, default 0.0
        :math:`s_0`, the average before the first update; broadcast against
        ``values[0]``. ``None`` starts at the first value, as pandas'
        ``adjust=False`` and the shadow of an eager TensorFlow variable do.
    debias : bool, default False
        Return the bias-corrected average :math:`\hat s_t` instead of
        :math:`s_t`.

    Returns
    -------
    ndarray
        Same shape as ``values``: float32 if ``values`` is float32, else float64.

    Raises
    ------
    ValueError
        For an empty series, a decay outside [0, 1], a decay array whose length is
        not ``len(values)``, an ``initial`` that does not broadcast against
        ``values[0]``, or ``debias=True`` while :math:`P_t = 1` (a leading run of
        decays equal to 1 puts no weight on the data, so there is nothing to
        average and no finite correction).

    Examples
    --------
    >>> ema_series([1.0, 1.0, 1.0], 0.5)
    array([0.5  , 0.75 , 0.875])
    >>> ema_series([1.0, 1.0, 1.0], 0.5, debias=True)
    array([1., 1., 1.])
    >>> ema_series([4.0, 0.0], [0.0, 0.5], initial=None)
    array([4., 2.])
    """
    x = as_real_array(values, "values")
    if x.ndim == 0:
        raise ValueError("values must have a time axis (at least 1-D), got a scalar")
    if x.shape[0] == 0:
        raise ValueError("values must hold at least one observation, got an empty series")
    dtype = data_dtype(x)
    x = np.ascontiguousarray(x, dtype=dtype)
    steps = x.shape[0]

    d = check_decay(decay).astype(dtype, copy=False)
    if d.ndim > 1 or (d.ndim == 1 and d.shape[0] != steps):
        raise ValueError(
            f"decay must be a scalar or a 1-D array with one decay per step "
            f"({steps}), got shape {d.shape}"
        )
    one = dtype.type(1)

    if initial is None:
        s0 = x[0].copy()
    else:
        s0 = as_real_array(initial, "initial").astype(dtype, copy=False)
        try:
            s0 = np.broadcast_to(s0, x.shape[1:]).copy()
        except ValueError:
            raise ValueError(
                f"initial must broadcast against one observation of shape "
                f"{x.shape[1:]}, got shape {s0.shape}"
            ) from None

    if debias and d.flat[0] == 1:
        run = int(np.argmax(d != 1)) if d.ndim and (d != 1).any() else steps
        raise ValueError(
            "debias=True needs a decay below 1: with decay 1 the average keeps all "
            f"its weight on the initial value for the first {run} step(s), so "
            "there is no data to rescale (the correction 1 - decay**t is 0)"
        )

    out = np.empty_like(x)
    per_step = d.reshape(-1)  # one entry: the same decay at every step
    if x.ndim == 1 and debias:
        _kernels.series_1d_debiased(x, per_step, one, s0[()], out)
    elif x.ndim == 1:
        _kernels.series_1d(x, per_step, one, s0[()], out)
    else:
        x2, out2, s2 = x.reshape(steps, -1), out.reshape(steps, -1), s0.reshape(-1)
        _kernels.series_2d(x2, per_step, one, s2, out2)
        if debias:
            _kernels.debias_2d(out2, per_step, one, s2)
    return out
