"""What several views share: the signal they are given, the signals a reader may pick,
and the one debias policy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import ema_core as ec
from ema_lab.model.numbers import count


@dataclass(frozen=True)
class Signal:
    """What the pages plot: the values, a label, and dates when there are any."""

    values: np.ndarray
    label: str
    dates: np.ndarray | None = None  # datetime64, or plain numbers from a CSV's time column
    unit: str = ""
    key: tuple = ()  # what identifies the values, for caches keyed on scalars
    time_title: str = "date"  # the x axis' title when there are dates
    repeated_times: int = 0

    @property
    def y_title(self) -> str:
        return self.unit or "value"

    @property
    def x_title(self) -> str:
        return self.time_title if self.dates is not None else "step t"

    @property
    def calendar(self) -> np.ndarray | None:
        """The dates, when they are calendar dates (not plain numbers)."""
        return self.dates if self.dates is not None and self.dates.dtype.kind == "M" else None


def check_drawable(n: int) -> None:
    """Refuse a file of ``n`` usable values if that is too few to draw: a line and an
    average need two (a one-row file drew an empty chart under a title about "the last 100
    steps").

    >>> check_drawable(1)
    Traceback (most recent call last):
    ...
    ValueError: The file holds 1 usable value; an average needs at least two to draw.
    """
    if n < 2:
        raise ValueError(
            f"The file holds {count(n, 'usable value')}; an average needs at least two to draw."
        )


UPLOAD = "upload_csv"
"""The signal picker's name for an uploaded file."""

LENGTHS: tuple[int, ...] = tuple(
    int(m * 10**e) for e in range(2, 8) for m in (1, 2, 5) if m * 10**e <= 10**7
)
DATASET = "seattle_temperature"
GAPPY_DATASET = "mauna_loa_co2"
DATASETS = {DATASET: ec.signals.seattle_weather, GAPPY_DATASET: ec.signals.mauna_loa_co2}
SIGNAL_HELP = {
    "noisy_sine": "four periods of a sine under noise",
    "noisy_constant": "a constant 1 under noise: what averaging is for",
    "step": "a jump from 0 to 1: how fast the EMA follows",
    "square_wave": "jumps up and down",
    "random_walk": "a wandering level, like a training loss",
    "chirp": "a sine that gets faster: the EMA damps the fast end",
    "impulse": "a single spike: the EMA draws its own weights",
    "constant": "a constant 1: the zero start's bias, alone",
    DATASET: "Seattle's daily maximum temperature, 2012-2015 (NOAA)",
    GAPPY_DATASET: "weekly CO₂ at Mauna Loa, 1958-2001, with its 59 missing weeks (Scripps)",
    UPLOAD: "a column of numbers from your own CSV file, with a date or time column if it has one",
}


NO_DEBIASED = (
    "At β = 1 the average never leaves its start: no weight is on the data, so there is "
    "nothing to rescale and no debiased EMA."
)


def debiased(values: np.ndarray, decay, initial: float | None = 0.0) -> np.ndarray | None:
    """The debiased EMA, or None at a decay of 1: every page draws no debiased line then,
    writes no ``ema_debiased`` column, and says why (`NO_DEBIASED`).

    Examples
    --------
    >>> debiased(np.array([2.0, 4.0]), 0.5).tolist()
    [2.0, 3.3333333333333335]
    >>> debiased(np.array([2.0, 4.0]), 1.0) is None
    True
    """
    if np.all(np.asarray(decay) >= 1):
        return None
    return ec.ema_series(values, decay, initial=initial, debias=True)


def debiased_or_gaps(values: np.ndarray, decay, initial: float | None = 0.0) -> np.ndarray:
    """`debiased`, for a curve that must exist (a frame of a slider): all gaps at a decay
    of 1, so that nothing is drawn."""
    series = debiased(values, decay, initial)
    return np.full(len(values), np.nan) if series is None else series
