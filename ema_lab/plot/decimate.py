"""Shape-preserving decimation for display: every number stays on the full series."""

from __future__ import annotations

import functools

import numpy as np
from tsdownsample import MinMaxDownsampler

MAX_POINTS = 2000
"""Points sent to the browser per trace, at most."""

TABLE_ROWS = 30
"""Rows of a chart's data table (`ema_lab.plot.chart_text.data_table`): enough to follow
each line, few enough to read. A decimated line keeps these evenly spaced points, so that
each row holds the line's own value, not one read between two points it kept."""


def evenly(n: int, max_points: int) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spaced samples of ``n``, both ends kept.

    Examples
    --------
    >>> evenly(10, 4).tolist(), evenly(3, 5).tolist()
    ([0, 3, 6, 9], [0, 1, 2])
    """
    return np.unique(np.linspace(0, n - 1, min(n, max_points)).round().astype(np.int64))


@functools.lru_cache(maxsize=64)
def _table_rows(n: int, rows: int) -> np.ndarray:
    # Few lengths, many lines: a class of 30 moving the decay decimates 4 lines a move, and
    # each small NumPy call waits for the GIL there (py-spy: 6% of the server's time).
    found = evenly(n, rows)
    found.flags.writeable = False
    return found


def decimate(y: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of the points of ``y`` to draw: all of them, or each bucket's min and max.

    ``y`` is cut into equal buckets and the minimum and the maximum of each are kept, in
    time order, so every peak and trough of the full series appears in the chart (M4 /
    MinMax decimation, via tsdownsample); and `TABLE_ROWS` evenly spaced points, the rows
    of the chart's data table.

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
    rows = _table_rows(n, min(TABLE_ROWS, max_points // 4))
    n_out = max_points - len(rows)
    idx = MinMaxDownsampler().downsample(np.ascontiguousarray(y), n_out=n_out - n_out % 2)
    idx = np.asarray(idx, dtype=np.int64)
    # Both sorted: the rows MinMax left out, each put in its place (a tenth of union1d's time).
    at = np.searchsorted(idx, rows)
    missing = rows[(at == len(idx)) | (idx[np.minimum(at, len(idx) - 1)] != rows)]
    return np.insert(idx, np.searchsorted(idx, missing), missing)
