"""Argument checks shared by the public functions (internal).

Validation happens at the public boundary only; the kernels trust their input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ema_core import _kernels

__all__ = [
    "as_real_array",
    "check_at_least",
    "check_below_one",
    "check_decay",
    "check_nonnegative",
    "check_scalar_decay",
    "check_whole",
    "data_dtype",
    "to_output",
]


def as_real_array(x: Any, name: str) -> np.ndarray:
    """``x`` as an array of real numbers, or a ``TypeError`` naming ``name``."""
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of real numbers: {exc}") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers (int or float), got dtype {arr.dtype}")
    return arr


def data_dtype(*inputs: Any) -> np.dtype:
    """float32 when every input is float32, float64 otherwise.

    Python numbers are weak, as in NumPy 2: ``float32 array * 0.5`` is float32.
    """
    typed = [np.asarray(x).dtype for x in inputs if not isinstance(x, (int, float))]
    if typed and all(t == np.float32 for t in typed):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def check_decay(decay: Any, name: str = "decay") -> np.ndarray:
    """``decay`` as a float64 array, every element in [0, 1], or a ``ValueError``."""
    d = as_real_array(decay, name)
    d = d.astype(np.float32 if d.dtype == np.float32 else np.float64, copy=False)
    flat = d.reshape(-1)
    bad = _kernels.first_outside_unit_interval(flat)  # one pass, no temporaries
    if bad >= 0:
        raise ValueError(f"{name} must be in [0, 1] (a fraction kept per step), got {flat[bad]!r}")
    return d


def check_scalar_decay(decay: Any, name: str = "decay") -> float:
    """One decay in [0, 1] as a float, or a ``ValueError``."""
    d = check_decay(decay, name)
    if d.ndim:
        raise ValueError(f"{name} must be a scalar, got shape {d.shape}")
    return float(d)


def check_nonnegative(x: float, name: str) -> float:
    """``x`` as a float, finite and >= 0 (a rate, an epsilon), or a ``ValueError``."""
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number >= 0, got {x!r}")
    if not (np.isfinite(x) and x >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return float(x)


def check_below_one(x: float, name: str) -> float:
    """One decay in [0, 1) as a float, or a ``ValueError``: at 1 a bias correction
    would divide by zero."""
    d = float(as_real_array(x, name)) if np.ndim(x) == 0 else check_scalar_decay(x, name)
    if not 0 <= d < 1:  # NaN fails too
        raise ValueError(f"{name} must be in [0, 1) (a fraction kept per step), got {d!r}")
    return d


def check_whole(x: Any, name: str, low: int = 1) -> int:
    """``x`` as an int >= ``low`` (a count: no bool, no float), or a ``ValueError``."""
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {x!r}")
    return int(x)


def check_at_least(x: Any, name: str, low: float, *, strict: bool = False) -> np.ndarray:
    """``x`` as an int or float array with every element >= ``low`` (> if ``strict``).

    Integers stay integers: a long ``np.arange`` of steps is checked in place, not copied.
    """
    a = as_real_array(x, name)
    if a.size and (a.min() > low if strict else a.min() >= low):  # NaN fails too
        return a
    ok = (a > low) if strict else (a >= low)
    if not ok.all():
        bound = f"> {low:g}" if strict else f">= {low:g}"
        raise ValueError(f"{name} must be {bound}, got {a[~ok].flat[0]!r}")
    return a


def to_output(result: np.ndarray, *inputs: np.ndarray) -> np.ndarray | float:
    """A plain float when every input was a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs):
        return float(result)
    return result
