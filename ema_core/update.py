"""One EMA step: ``ema = decay * ema + (1 - decay) * value``."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core import _kernels
from ema_core._validation import as_real_array, check_decay, data_dtype, to_output

__all__ = ["ema_update"]


def ema_update(
    ema: ArrayLike,
    value: ArrayLike,
    decay: ArrayLike,
    *,
    out: np.ndarray | None = None,
) -> Any:
    r"""Apply one exponential-moving-average update, elementwise.

    .. math:: \mathrm{ema}' = \beta\,\mathrm{ema} + (1-\beta)\,x

    Parameters
    ----------
    ema : array_like
        The average before the update.
    value : array_like
        The new observation :math:`x`; broadcast against ``ema``.
    decay : array_like
        :math:`\beta \in [0, 1]`, the fraction of the old average kept. 1 keeps
        ``ema``; 0 replaces it by ``value``. Called ``decay`` in TensorFlow and
        ``momentum`` / ``ema_momentum`` in Keras.
    out : ndarray, optional
        Where to write the result, typically ``ema`` itself: the update then runs
        in place with no full-size temporary, which is what a large array of
        shadow weights needs.

    Returns
    -------
    float or ndarray
        The updated average: float32 when ``ema`` and ``value`` are float32,
        float64 otherwise, and a plain ``float`` when every input is a scalar.

    Examples
    --------
    >>> ema_update(10.0, 20.0, 0.9)
    11.0
    >>> shadow = np.zeros(3, dtype=np.float32)
    >>> _ = ema_update(shadow, np.ones(3, np.float32), 0.5, out=shadow)
    >>> shadow
    array([0.5, 0.5, 0.5], dtype=float32)
    """
    e = as_real_array(ema, "ema")
    v = as_real_array(value, "value")
    dtype = data_dtype(ema, value)
    d = check_decay(decay).astype(dtype, copy=False)
    try:
        shape = np.broadcast_shapes(e.shape, v.shape, d.shape)
    except ValueError:
        raise ValueError(
            f"ema, value and decay must broadcast together, got shapes "
            f"{e.shape}, {v.shape} and {d.shape}"
        ) from None
    complement = dtype.type(1) - d
    if out is None:
        result = _kernels.ema_step(
            e.astype(dtype, copy=False), v.astype(dtype, copy=False), d, complement
        )
        return to_output(result, ema, value, decay)
    if not isinstance(out, np.ndarray) or out.dtype.kind != "f":
        raise TypeError("out must be a float32 or float64 NumPy array")
    if out.shape != shape:
        raise ValueError(f"out must have the broadcast shape {shape}, got {out.shape}")
    # Both kernels read an element of ``ema`` before writing that element, so
    # ``out=ema`` is safe, as for any NumPy ufunc.
    flat = [a for a in (e, v, out) if a.shape == shape and a.flags.c_contiguous]
    if len(flat) == 3 and d.ndim == 0 and e.dtype == v.dtype == out.dtype == dtype:
        _kernels.ema_step_flat(e.reshape(-1), v.reshape(-1), d[()], complement[()], out.reshape(-1))
        return out
    return _kernels.ema_step(e, v, d, complement, out=out, casting="same_kind")
