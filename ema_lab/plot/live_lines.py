"""What the browser needs to redraw a chart's EMA lines at any decay (`ema_lab.ui.live_decay`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ema_lab.model.decay_scale import DECAY_GRID
from ema_lab.plot.decimate import MAX_POINTS

BROWSER_VARIANTS = ("biased", "debiased", "tensorflow", "first_value")
"""The variants (`ema_lab.model.variants`) the browser engine computes from a decay alone
(``ema_lab/static/ema_engine.js``, its ``VARIANTS``)."""


@dataclass(frozen=True)
class LiveLines:
    """A chart's EMA lines as the browser recomputes them: the series, its start, and the
    variant each trace draws (by the trace's name)."""

    values: np.ndarray
    lines: Mapping[str, str]  # trace name -> variant name (`ema_lab.model.variants`)
    initial: float | None = 0.0
    # The stops at which the chart draws this series (a page that lengthens its signal
    # for a slow decay draws another one there): every stop by default.
    decays: Sequence[float] = DECAY_GRID

    @property
    def followed(self) -> bool:
        """Whether the browser can draw these lines whole (and there are some): a series
        longer than `MAX_POINTS` is decimated by its lines' own shape, which moves with the
        decay, so it is drawn by the server alone."""
        known = all(v in BROWSER_VARIANTS for v in self.lines.values())
        return bool(self.lines) and known and 0 < len(self.values) <= MAX_POINTS
