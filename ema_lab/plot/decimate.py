"""Shape-preserving decimation for display: every number stays on the full series."""

from __future__ import annotations

import numpy as np
from tsdownsample import MinMaxDownsampler

MAX_POINTS = 2000
"""Points sent to the browser per trace, at most."""


def evenly(n: int, max_points: int) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spaced samples of ``n``, both ends kept.

    Examples
    --------
    >>> evenly(10, 4).tolist(), evenly(3, 5).tolist()
    ([0, 3, 6, 9], [0, 1, 2])
    """
    return np.unique(np.linspace(0, n - 1, min(n, max_points)).round().astype(np.int64))


def decimate(y: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of the points of ``y`` to draw: all of them, or each bucket's min and max.

    ``y`` is cut into ``max_points // 2`` equal buckets and the minimum and the
    maximum of each are kept, in time order, so every peak and trough of the
    full series appears in the chart (M4 / MinMax decimation, via tsdownsample).

    Examples
    --------
    >>> y = np.sin(np.linspace(0, 20, 100_000))
    >>> idx = decimate(y, 1000)
    >>> len(idx) <= 1000, float(y[idx].max()) == float(y.max())
    (True, True)
    """
    n = len(y)
    if n <= max_points:
        return np.arange(n)
    idx = MinMaxDownsampler().downsample(np.ascontiguousarray(y), n_out=max_points - max_points % 2)
    return np.asarray(idx, dtype=np.int64)
