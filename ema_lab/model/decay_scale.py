"""The scale of every decay slider: stops fine near 1, and how a decay is written."""

from __future__ import annotations

import numpy as np


def _decay_grid() -> tuple[float, ...]:
    # Fine near 1: as many stops from 0.99 to 0.999 as from 0.9 to 0.99.
    parts = [
        np.arange(0.0, 0.5, 0.1),
        np.arange(0.5, 0.9, 0.05),
        np.arange(0.9, 0.99, 0.005),
        np.arange(0.99, 0.999, 0.0005),
        np.arange(0.999, 0.9999, 0.00005),
        [0.9999],
    ]
    return tuple(sorted({round(float(v), 6) for part in parts for v in part}))


DECAY_GRID: tuple[float, ...] = _decay_grid()
"""The stops of every decay slider; 0.9, 0.99, 0.999 and 0.9999 among them."""

DECAY_ALLOWED = "a decay on the slider, from 0 to 0.9999, such as 0.9, 0.99, 0.995 or 0.999"


def fmt_decay(decay: float) -> str:
    """How a decay is written in labels and URLs: ``0.99``, ``0.99905``."""
    return f"{decay:g}"
