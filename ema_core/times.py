r"""The EMA of values observed at irregular times, with a half-life in time units.

An EMA that counts steps forgets as much across a week-long gap as across one
day. Measured in time, the weight of an observation made :math:`\Delta t` ago is
:math:`0.5^{\Delta t / h}` for a half-life :math:`h`, so between two observations
the decay in effect is

.. math:: \beta_i = 0.5^{(t_i - t_{i-1})/h}

and a gap simply makes it smaller. `ema_at_times` is pandas'
``Series.ewm(halflife=h, times=t).mean()``, computed without pandas.

For evenly spaced times, :math:`t_i = t_0 + i\,\Delta`, it is the step-counting
EMA with the constant decay :math:`\beta = 0.5^{\Delta/h}` (a half-life of
:math:`h/\Delta` steps): ``adjust=True`` equals ``ema_series(x, β, debias=True)``
and ``adjust=False`` equals ``ema_series(x, β, initial=None)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core import _kernels
from ema_core._validation import as_real_array, to_output

__all__ = ["ema_at_times", "time_decay"]


def _is_time(a: np.ndarray) -> bool:
    return a.dtype.kind in "mM"


def _elapsed_in_half_lives(times: np.ndarray, half_life: Any, *, name: str = "times") -> np.ndarray:
    """``np.diff(times) / half_life`` as float64, computed as pandas does for datetimes."""
    h = np.asarray(half_life)
    if times.dtype.kind == "M":
        if h.dtype.kind != "m":
            raise ValueError(
                f"half_life must be a timedelta64 (for example np.timedelta64(3, 'D')) when "
                f"{name} are datetime64, got {half_life!r}"
            )
        if np.isnat(times).any():
            raise ValueError(f"{name} must not hold NaT (a missing time)")
        if np.isnat(h) or h <= np.timedelta64(0):
            raise ValueError(f"half_life must be a positive duration, got {half_life!r}")
        # The finer of the two units, so that neither is rounded; then, as pandas
        # does, the integer counts go to float64 before the difference.
        unit = np.datetime_data(np.promote_types(times.dtype, h.dtype))[0]
        counts = times.astype(f"datetime64[{unit}]").view(np.int64).astype(np.float64)
        return np.diff(counts) / float(h.astype(f"timedelta64[{unit}]").view(np.int64))
    if h.dtype.kind in "mM":
        raise ValueError(f"half_life must be a plain number when {name} are plain numbers")
    if times.dtype.kind == "m":
        raise ValueError(f"{name} must be datetime64 or plain numbers, not timedelta64")
    t = as_real_array(times, name).astype(np.float64, copy=False)
    if not np.isfinite(t).all():
        raise ValueError(f"{name} must be finite numbers")
    hl = float(as_real_array(half_life, "half_life"))
    if not (hl > 0 and np.isfinite(hl)):
        raise ValueError(f"half_life must be > 0 and finite, got {half_life!r}")
    # A gap of more than ~10^308 half-lives is +inf of them: 0.5**inf = 0, the exact limit.
    with np.errstate(over="ignore"):
        return np.diff(t) / hl


def time_decay(elapsed: ArrayLike, half_life: Any) -> Any:
    r"""The decay in effect over a time :math:`\Delta t`: :math:`0.5^{\Delta t / h}`.

    Parameters
    ----------
    elapsed : array_like of timedelta64 or numbers, >= 0
        The time between two observations.
    half_life : timedelta64 or number, > 0
        In the same kind of unit as ``elapsed``.

    Examples
    --------
    >>> time_decay(np.timedelta64(3, "D"), np.timedelta64(3, "D"))
    0.5
    >>> time_decay([0.0, 1.0, 7.0], 7.0).round(4)
    array([1.    , 0.9057, 0.5   ])
    """
    e = np.asarray(elapsed)
    if e.dtype.kind == "m":
        h = np.asarray(half_life)
        if h.dtype.kind != "m" or np.isnat(h) or h <= np.timedelta64(0):
            raise ValueError(f"half_life must be a positive timedelta64, got {half_life!r}")
        if np.isnat(e).any() or (e < np.timedelta64(0)).any():
            raise ValueError("elapsed must be durations >= 0")
        ratio = e / h
    else:
        e = as_real_array(elapsed, "elapsed")
        hl = float(as_real_array(half_life, "half_life"))
        if not (hl > 0 and np.isfinite(hl)):
            raise ValueError(f"half_life must be > 0 and finite, got {half_life!r}")
        if not (e >= 0).all():
            raise ValueError("elapsed must be >= 0 (times run forwards)")
        with np.errstate(over="ignore"):  # more half-lives than a float holds: weight 0
            ratio = e / hl
    return to_output(0.5**ratio, elapsed)


def ema_at_times(
    values: ArrayLike,
    times: ArrayLike,
    half_life: Any,
    *,
    adjust: bool = True,
    ignore_na: bool = False,
) -> np.ndarray:
    r"""The EMA of ``values`` observed at ``times``, forgetting by a half-life in time.

    Between observations :math:`i-1` and :math:`i` the past keeps the fraction
    :math:`\beta_i = 0.5^{(t_i - t_{i-1})/h}` of its weight. With ``adjust=True``
    the result is the weighted mean

    .. math:: y_i = \frac{\sum_{j \le i} 0.5^{(t_i - t_j)/h}\, x_j}
                         {\sum_{j \le i} 0.5^{(t_i - t_j)/h}}

    and with ``adjust=False`` the recursion :math:`y_i = \beta_i\,y_{i-1} +
    (1-\beta_i)\,x_i` from :math:`y_0 = x_0`. Both equal pandas'
    ``Series(values).ewm(halflife=half_life, times=times, adjust=adjust,
    ignore_na=ignore_na).mean()``, missing values included:

    - a NaN value contributes nothing; the output holds the last average (NaN
      before the first observation);
    - ``ignore_na=False``: the time across missing values still counts;
    - ``ignore_na=True``: as pandas, a missing value's step is skipped, so only the
      time from the last missing value to the next observation counts;
    - repeated times (:math:`\Delta t = 0`, decay 1): with ``adjust=True`` the
      observations at one time are weighted equally; with ``adjust=False`` the
      later ones get weight :math:`1 - 1 = 0`, so the first one at a time stands.

    Parameters
    ----------
    values : array_like, shape (n,)
        The observations; NaN marks a missing one.
    times : array_like, shape (n,)
        Non-decreasing; ``datetime64`` (then ``half_life`` is a ``timedelta64``),
        or plain numbers (then ``half_life`` is a number in the same unit).
    half_life : timedelta64 or float
        :math:`h > 0`: the time over which a value's weight halves.
    adjust : bool, default True
        The weighted mean (pandas' default) or the recursion from the first value.
    ignore_na : bool, default False
        pandas' option of the same name (see above).

    Returns
    -------
    ndarray, shape (n,), float64

    Notes
    -----
    pandas converts the half-life to the unit of the times, dropping what is
    finer (a half-life of 1.5 s against times in whole seconds becomes 1 s); here
    both are converted to the finer of the two units, so nothing is dropped. The
    two agree exactly whenever the half-life is a whole number of the times' unit.

    Raises
    ------
    ValueError
        For times that decrease or are missing, a half-life that is not positive
        (or of the wrong kind for the times), lengths that differ, or values that
        are not 1-D.

    Examples
    --------
    pandas' own example (``df.ewm(halflife='4 days', times=...)``):

    >>> t = np.array(["2020-01-01", "2020-01-03", "2020-01-10", "2020-01-15",
    ...               "2020-01-17"], dtype="datetime64[D]")
    >>> ema_at_times([0.0, 1.0, 2.0, np.nan, 4.0], t, np.timedelta64(4, "D"))
    array([0.        , 0.58578644, 1.52388878, 1.52388878, 3.23368584])

    Evenly spaced, it is the step-counting EMA with decay :math:`0.5^{\Delta/h}`:

    >>> x = [1.0, 4.0, 2.0]
    >>> bool(np.allclose(ema_at_times(x, [0, 2, 4], 2.0, adjust=False),
    ...                  ema_series(x, 0.5, initial=None)))
    True
    """
    x = as_real_array(values, "values").astype(np.float64)
    if x.ndim != 1:
        raise ValueError(f"values must be 1-D (one series), got shape {x.shape}")
    t = np.asarray(times)
    if t.ndim != 1:
        raise ValueError(f"times must be 1-D, got shape {t.shape}")
    if t.shape[0] != x.shape[0]:
        raise ValueError(
            f"times and values must have the same length, got {t.shape[0]} and {x.shape[0]}"
        )
    if x.shape[0] == 0:
        raise ValueError("values must hold at least one observation, got an empty series")
    deltas = _elapsed_in_half_lives(t, half_life)
    if (deltas < 0).any():
        i = int(np.argmax(deltas < 0)) + 1
        raise ValueError(
            f"times must not decrease: times[{i}] = {t[i]} comes before times[{i - 1}] = "
            f"{t[i - 1]}; sort the observations by time"
        )
    out = np.empty_like(x)
    _kernels.ema_at_times(x, deltas, bool(adjust), bool(ignore_na), out)
    return out
