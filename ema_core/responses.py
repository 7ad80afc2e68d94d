r"""The EMA as a linear filter: impulse, step and frequency responses.

As a filter, :math:`s_t = \beta s_{t-1} + (1-\beta) x_t` has the transfer function
:math:`H(z) = (1-\beta)/(1 - \beta z^{-1})`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import (
    as_real_array,
    check_decay,
    check_scalar_decay,
    check_whole,
    to_output,
)

__all__ = [
    "cutoff_cycles",
    "cutoff_frequency",
    "frequency_response",
    "impulse_response",
    "step_response",
]


def impulse_response(decay: float, n: int) -> np.ndarray:
    r"""The weights on past values: :math:`w_k = (1-\beta)\beta^k`, :math:`k = 0, \dots, n-1`.

    :math:`w_k` is the weight of the value :math:`k` steps back; they sum to
    :math:`1 - \beta^n`.

    Examples
    --------
    >>> impulse_response(0.5, 3)
    array([0.5  , 0.25 , 0.125])
    """
    d = check_scalar_decay(decay)
    return (1 - d) * d ** np.arange(check_whole(n, "n"), dtype=np.float64)


def step_response(decay: float, n: int) -> np.ndarray:
    r"""The EMA of a unit step from a zero start: :math:`1 - \beta^{k+1}`, :math:`k < n`.

    Entry :math:`k` is the average after :math:`k+1` updates towards 1.

    Examples
    --------
    >>> step_response(0.5, 3)
    array([0.5  , 0.75 , 0.875])
    """
    d = check_scalar_decay(decay)
    return 1 - d ** np.arange(1, check_whole(n, "n") + 1, dtype=np.float64)


def frequency_response(decay: ArrayLike, omega: ArrayLike) -> Any:
    r"""The complex gain at angular frequency :math:`\omega` (radians per step).

    .. math:: H(e^{i\omega}) = \frac{1-\beta}{1 - \beta e^{-i\omega}}

    :math:`|H|` is 1 at :math:`\omega = 0` (a constant passes unchanged) and falls to
    :math:`(1-\beta)/(1+\beta)` at the Nyquist frequency :math:`\omega = \pi`.

    Parameters
    ----------
    decay : array_like
        :math:`\beta \in [0, 1]`.
    omega : array_like
        Angular frequency in radians per step, usually in :math:`[0, \pi]`.

    Returns
    -------
    complex or ndarray of complex128

    Examples
    --------
    >>> frequency_response(0.5, 0.0)
    (1+0j)
    >>> abs(frequency_response(0.5, np.pi))
    0.3333333333333333
    """
    d = check_decay(decay).astype(np.float64, copy=False)
    w = as_real_array(omega, "omega").astype(np.float64, copy=False)
    h = (1 - d) / (1 - d * np.exp(-1j * w))
    if np.ndim(decay) == 0 and np.ndim(omega) == 0:
        return complex(h)
    return h


def cutoff_frequency(decay: ArrayLike) -> Any:
    r"""The -3 dB point: the :math:`\omega` where :math:`|H|^2 = 1/2`, exactly.

    .. math:: \omega_c = 2 \arcsin\frac{1-\beta}{2\sqrt{\beta}}

    (from :math:`1 - \cos\omega_c = (1-\beta)^2/(2\beta)`). Below
    :math:`\beta = 3 - 2\sqrt 2 \approx 0.172` the gain never falls to -3 dB: even
    at the Nyquist frequency it is :math:`(1-\beta)/(1+\beta) > 1/\sqrt 2`. There
    the cutoff does not exist and the result is ``nan``. In cycles per step it is
    :math:`\omega_c / 2\pi`.

    Examples
    --------
    >>> round(cutoff_frequency(0.9), 6)
    0.105458
    >>> cutoff_frequency(0.1)
    nan
    """
    d = check_decay(decay).astype(np.float64, copy=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (1 - d) / (2 * np.sqrt(d))
        omega = np.where(ratio <= 1, 2 * np.arcsin(np.minimum(ratio, 1)), np.nan)
    return to_output(omega, decay)


def cutoff_cycles(decay: ArrayLike) -> Any:
    r"""The -3 dB point in cycles per step: :math:`\omega_c / 2\pi` (see `cutoff_frequency`).

    ``nan`` below :math:`\beta = 3 - 2\sqrt 2`, where the gain never falls that far.

    Examples
    --------
    >>> round(cutoff_cycles(0.9), 6)
    0.016784
    """
    return to_output(np.asarray(cutoff_frequency(decay)) / (2 * np.pi), decay)
