"""Real series shipped with the project, with their sources: nothing is fetched at run time."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["DataSet", "mauna_loa_co2", "seattle_weather"]

_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DataSet:
    """A real series shipped with the project."""

    values: np.ndarray
    dates: np.ndarray
    name: str
    unit: str
    source: str


@cache
def _dated_series(file: str, value_column: str) -> tuple[np.ndarray, np.ndarray]:
    """A shipped CSV's ``date`` column (2012/01/01 or 19580329) and one value column,
    read-only; rows without a value are left out (a gap in the dates)."""
    with open(_DATA / file, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r[value_column].strip()]
    digits = [r["date"].replace("/", "").replace("-", "") for r in rows]
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in digits], dtype="datetime64[D]")
    values = np.array([float(r[value_column]) for r in rows])
    dates.flags.writeable = False
    values.flags.writeable = False
    return dates, values


def seattle_weather() -> DataSet:
    """Daily maximum temperature in Seattle, 2012-2015 (1,461 days, °C).

    Source: NOAA daily records (public domain), as published in the
    ``vega-datasets`` package (``seattle-weather.csv``, MIT licence); shipped in
    ``ema_core/data`` so nothing is fetched at run time.

    Examples
    --------
    >>> data = seattle_weather()
    >>> len(data.values), str(data.dates[0]), float(data.values[0])
    (1461, '2012-01-01', 12.8)
    """
    dates, temps = _dated_series("seattle-weather.csv", "temp_max")
    return DataSet(
        values=temps,
        dates=dates,
        name="Seattle daily maximum temperature, 2012-2015",
        unit="°C",
        source="NOAA (public domain), via the vega-datasets package",
    )


def mauna_loa_co2() -> DataSet:
    """Weekly atmospheric CO₂ at Mauna Loa, 1958-2001 (ppm), with its real gaps.

    2,225 weekly averages of continuous air samples; 59 of the 2,284 weeks have
    none (the instrument's steady-air rule was not met, or it was down), the
    longest gap 19 weeks in 1964. The missing weeks are left out, so ``dates``
    jump: a series for a time-aware EMA (`ema_core.ema_at_times`).

    Source: Keeling and Whorf (2004), Scripps Institution of Oceanography (public
    domain), as shipped in the ``statsmodels`` package (``datasets/co2``, BSD
    licence); in ``ema_core/data`` so nothing is fetched at run time.

    Examples
    --------
    >>> data = mauna_loa_co2()
    >>> len(data.values), str(data.dates[0]), float(data.values[0])
    (2225, '1958-03-29', 316.1)
    >>> int(np.diff(data.dates).max() / np.timedelta64(1, "D"))  # the longest gap, in days
    133
    """
    dates, co2 = _dated_series("mauna-loa-co2-weekly.csv", "co2")
    return DataSet(
        values=co2,
        dates=dates,
        name="Mauna Loa CO₂, weekly, 1958-2001",
        unit="ppm",
        source="Scripps (Keeling & Whorf 2004; public domain), via the statsmodels package",
    )
