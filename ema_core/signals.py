"""Test signals: deterministic generators, a real data set, and a CSV reader.

Every generator takes the length ``n``, a ``noise`` level (the standard deviation
of Gaussian noise added to the clean shape) and a ``seed``; the same arguments
always give the same array.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ema_core._validation import check_at_least, check_whole

__all__ = [
    "MAX_ROWS",
    "SIGNALS",
    "CsvSeries",
    "DataSet",
    "chirp",
    "constant",
    "generate",
    "impulse",
    "mauna_loa_co2",
    "noisy_constant",
    "noisy_sine",
    "random_walk",
    "read_csv",
    "seattle_weather",
    "square_wave",
    "step",
]

MAX_ROWS = 10_000_000
"""Default row limit of `read_csv` (the app's longest series)."""

_DATA = Path(__file__).parent / "data"


def _check(n: int, noise: float) -> tuple[int, float]:
    level = float(check_at_least(noise, "noise", 0))
    if not np.isfinite(level):
        raise ValueError(f"noise must be finite, got {noise!r}")
    return check_whole(n, "n"), level


def _with_noise(clean: np.ndarray, noise: float, seed: int) -> np.ndarray:
    if noise == 0:
        return clean
    rng = np.random.default_rng(seed)
    return clean + noise * rng.standard_normal(clean.shape[0])


def constant(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A constant 1, plus noise.

    Examples
    --------
    >>> constant(3)
    array([1., 1., 1.])
    """
    n, noise = _check(n, noise)
    return _with_noise(np.ones(n), noise, seed)


def noisy_constant(n: int, *, noise: float = 0.5, seed: int = 0) -> np.ndarray:
    """A constant 1 under Gaussian noise: what averaging is for.

    Examples
    --------
    >>> x = noisy_constant(100_000, noise=0.5, seed=1)
    >>> round(float(x.mean()), 2), round(float(x.std()), 2)
    (1.0, 0.5)
    """
    return constant(n, noise=noise, seed=seed)


def step(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """0 for the first quarter, then 1: how fast the average follows a jump.

    Examples
    --------
    >>> step(8)
    array([0., 0., 1., 1., 1., 1., 1., 1.])
    """
    n, noise = _check(n, noise)
    clean = np.zeros(n)
    clean[n // 4 :] = 1.0
    return _with_noise(clean, noise, seed)


def impulse(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A single 1 a tenth of the way in: the average traces its own weights.

    Examples
    --------
    >>> impulse(10)
    array([0., 1., 0., 0., 0., 0., 0., 0., 0., 0.])
    """
    n, noise = _check(n, noise)
    clean = np.zeros(n)
    clean[n // 10] = 1.0
    return _with_noise(clean, noise, seed)


def noisy_sine(n: int, *, noise: float = 0.3, seed: int = 0) -> np.ndarray:
    """Four periods of a unit sine, plus noise.

    Examples
    --------
    >>> np.round(noisy_sine(4, noise=0), 12)
    array([ 0., -0.,  0., -0.])
    """
    n, noise = _check(n, noise)
    t = np.arange(n)
    return _with_noise(np.sin(2 * np.pi * 4 * t / n), noise, seed)


def square_wave(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Four periods of a wave switching between -1 and 1.

    Examples
    --------
    >>> square_wave(8)
    array([ 1., -1.,  1., -1.,  1., -1.,  1., -1.])
    """
    n, noise = _check(n, noise)
    phase = (4 * np.arange(n) / n) % 1.0
    return _with_noise(np.where(phase < 0.5, 1.0, -1.0), noise, seed)


def random_walk(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A Gaussian random walk from 0 (steps of 0.1), plus observation noise.

    Examples
    --------
    >>> x = random_walk(5, seed=3)
    >>> x.shape, bool(np.all(x == random_walk(5, seed=3)))
    ((5,), True)
    """
    n, noise = _check(n, noise)
    rng = np.random.default_rng([seed, 1])  # a stream apart from the noise's
    walk = np.cumsum(0.1 * rng.standard_normal(n))
    return _with_noise(walk, noise, seed)


def chirp(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    r"""A unit sine whose frequency sweeps linearly from 0 to 0.1 cycles per step.

    The average passes the slow start and damps the fast end: its frequency
    response, read along the time axis.

    Examples
    --------
    >>> float(chirp(3)[0])
    0.0
    """
    n, noise = _check(n, noise)
    t = np.arange(n)
    phase = 2 * np.pi * 0.1 * t**2 / (2 * n)
    return _with_noise(np.sin(phase), noise, seed)


SIGNALS: dict[str, Callable[..., np.ndarray]] = {
    "noisy_sine": noisy_sine,
    "noisy_constant": noisy_constant,
    "step": step,
    "square_wave": square_wave,
    "random_walk": random_walk,
    "chirp": chirp,
    "impulse": impulse,
    "constant": constant,
}
"""The generators by name."""


def generate(name: str, n: int, *, noise: float, seed: int = 0) -> np.ndarray:
    """Call the generator ``name`` of `SIGNALS`.

    Examples
    --------
    >>> generate("step", 4, noise=0.0)
    array([0., 1., 1., 1.])
    """
    if name not in SIGNALS:
        raise ValueError(f"signal must be one of {', '.join(SIGNALS)}; got {name!r}")
    return SIGNALS[name](n, noise=noise, seed=seed)


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


@dataclass(frozen=True)
class CsvSeries:
    """A numeric column read from a CSV file by `read_csv`, with its times if asked for."""

    values: np.ndarray
    column: str
    columns: tuple[str, ...]
    dropped: int
    times: np.ndarray | None = None  # datetime64, or float64 for a numeric time column
    time_column: str | None = None
    time_columns: tuple[str, ...] = ()  # the columns that read as dates or times
    repeated_times: int = 0  # observations that share their time with the one before


_NUMBER = re.compile(r"^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*$")


def _is_utf8(raw: bytes, chunk: int = 1 << 20) -> bool:
    """Whether ``raw`` is UTF-8, checked a megabyte at a time (no decoded copy of it)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), chunk):
            decoder.decode(view[start : start + chunk], final=start + chunk >= len(raw))
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_csv(
    data: bytes,
    *,
    column: str | None = None,
    time_column: str | None = None,
    max_rows: int = MAX_ROWS,
) -> CsvSeries:
    """Read one numeric column of an uploaded CSV file as a float64 series.

    Detects the separator (``,``, ``;``, tab or ``|``), decimal commas (with a
    ``;`` or tab separator), a header row (or its absence) and quoted numbers.
    Without ``column`` it takes the column with the most numeric entries. Entries
    that are empty, text or not finite are dropped and counted, as long as they
    are at most half of the column.

    Parameters
    ----------
    data : bytes
        The file's content.
    column : str, optional
        The column to read (a header name, or ``"column 1"``, ... without a header).
    time_column : str, optional
        A column of dates or times (parsed by pandas), or of plain numbers such as
        a training step, at which the values were observed; ``"auto"`` takes the
        first column that reads as times, if any. Rows whose value is
        missing are left out, which leaves a gap in time; the times must not
        decrease (equal times are allowed and counted in ``repeated_times``).
    max_rows : int, default `MAX_ROWS`
        Refuse files with more data rows than this.

    Returns
    -------
    CsvSeries

    Raises
    ------
    ValueError
        For an empty or binary file, a file with no data rows or no numeric
        column, an unknown ``column``, a column that is mostly not numbers, or
        more than ``max_rows`` rows; for a ``time_column`` that is unknown, cannot
        be read as times, or runs backwards.

    Examples
    --------
    >>> s = read_csv(b"day;temp\\n1;20,5\\n2;21,0\\n")
    >>> s.column, s.values
    ('temp', array([20.5, 21. ]))
    >>> s = read_csv(b"date,v\\n2024-01-01,1\\n2024-01-02,\\n2024-01-05,3\\n", time_column="date")
    >>> s.values, [str(t)[:10] for t in s.times]
    (array([1., 3.]), ['2024-01-01', '2024-01-05'])
    """
    import pandas as pd  # only the upload path needs pandas' CSV parser

    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    raw = bytes(data)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" and PowerShell's default: UTF-16 with its byte-order mark.
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("The file starts as UTF-16 text but does not decode as it; "
                             "save it as UTF-8 CSV.") from None  # fmt: skip
    if not raw.strip():
        raise ValueError("The file is empty.")
    if b"\x00" in raw[:65536]:
        raise ValueError(
            "This looks like a binary file, not CSV text (if it is text saved as UTF-16 "
            "without a byte-order mark, save it as UTF-8 CSV)."
        )
    if not _is_utf8(raw):
        raise ValueError("The file is not UTF-8 text; save it as UTF-8 CSV.")

    # (a character that the sample's end cuts in two is dropped from the sample only)
    sample = raw[:65536].decode("utf-8-sig", errors="ignore")
    sep = _sniff_delimiter(sample)
    decimal = "," if sep != "," and re.search(r"\d,\d", sample) else "."
    first = next(csv.reader(io.StringIO(sample.lstrip().splitlines()[0]), delimiter=sep))
    has_header = not all(_NUMBER.match(f) for f in first if f.strip())
    try:
        # The bytes themselves, not a decoded copy: a str of the file and a StringIO of it
        # held about three times a 180 MB file more at the peak (benchmarks/bench_memory.py).
        frame = pd.read_csv(
            io.BytesIO(raw),
            encoding="utf-8-sig",
            sep=sep,
            decimal=decimal,
            header=0 if has_header else None,
            nrows=max_rows + 1,
            skipinitialspace=True,
            on_bad_lines="skip",
            low_memory=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ValueError(f"The file could not be read as CSV: {exc}") from None
    if len(frame) == 0:
        raise ValueError("The file has a header but no data rows.")
    if len(frame) > max_rows:
        raise ValueError(f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}.")
    if not has_header:
        frame.columns = [f"column {i + 1}" for i in range(frame.shape[1])]
    frame.columns = [str(c) for c in frame.columns]

    numeric = {name: _as_numbers(frame[name], pd) for name in frame.columns}
    counts = {name: int(np.isfinite(v).sum()) for name, v in numeric.items()}
    candidates = tuple(name for name in frame.columns if counts[name] > 0)
    if column is None:
        if not candidates:
            raise ValueError("No column of the file holds numbers.")
        # A row number or time stamp column is rarely what the file is about.
        column = min(candidates, key=lambda name: (_index_rank(numeric[name]), -counts[name]))
    elif column not in numeric:
        raise ValueError(
            f"column {column!r} is not in the file; its columns are {list(frame.columns)}"
        )
    values = numeric[column]
    finite = np.isfinite(values)
    dropped = int((~finite).sum())
    if finite.sum() == 0 or dropped > len(values) / 2:
        raise ValueError(
            f"Column {column!r} is mostly not numbers ({dropped:,} of {len(values):,} "
            "entries are empty, text or not finite)."
        )
    # Detected on the first rows only: parsing every date of a 10^7-row file costs seconds,
    # and is done once, for the column the user picks.
    head = frame.head(1000)
    time_columns = tuple(
        name for name in frame.columns if name != column and _as_times(head[name], pd) is not None
    )
    if time_column == "auto":
        time_column = time_columns[0] if time_columns else None
    if time_column is None:
        return CsvSeries(
            values=values[finite],
            column=column,
            columns=candidates,
            dropped=dropped,
            time_columns=time_columns,
        )
    if time_column not in frame.columns:
        raise ValueError(
            f"time column {time_column!r} is not in the file; its columns are {list(frame.columns)}"
        )
    times = _as_times(frame[time_column], pd)
    if times is None:
        numbers = _as_numbers(frame[time_column], pd)
        if np.isfinite(numbers).sum() > len(numbers) / 2:
            times = numbers  # named by the caller: a step column, even 1, 2, 3 or unsorted
    if times is None:
        example = next((str(v) for v in frame[time_column] if str(v).strip()), "")
        raise ValueError(
            f"Column {time_column!r} could not be read as dates, times or numbers "
            f"(for example {example[:30]!r}); use a format such as 2024-01-31 or "
            "2024-01-31 14:00."
        )
    missing_time = np.isnat(times) if times.dtype.kind == "M" else ~np.isfinite(times)
    keep = finite & ~missing_time
    times = times[keep]
    gaps = np.diff(times)
    zero = np.zeros((), gaps.dtype)
    step_back = np.flatnonzero(gaps < zero)
    if len(step_back):
        i = int(step_back[0]) + 1
        raise ValueError(
            f"The times in {time_column!r} run backwards ({_shown(times[i], pd)} comes after "
            f"{_shown(times[i - 1], pd)}); sort the file by time."
        )
    return CsvSeries(
        values=values[keep],
        column=column,
        columns=candidates,
        dropped=int((~keep).sum()),
        times=times,
        time_column=time_column,
        time_columns=time_columns,
        repeated_times=int((gaps == zero).sum()),
    )


def _shown(t, pd) -> str:
    if isinstance(t, np.datetime64):
        return str(pd.Timestamp(t)).removesuffix(" 00:00:00")
    return f"{t:g}"


def _as_times(series, pd) -> np.ndarray | None:
    """The column as datetime64 (or float64 numbers), or None if most entries are not.

    Numbers count as times (a step, seconds) only when they never decrease and are not
    plain row numbers 1, 2, 3, ...
    """
    if series.dtype.kind in "iuf":
        numbers = series.to_numpy(dtype=np.float64)
        known = numbers[np.isfinite(numbers)]
        steps = np.diff(known)
        if len(known) > len(numbers) / 2 and len(known) > 1 and np.all(steps >= 0):
            return None if np.all(steps == 1) else numbers  # row numbers are no clock
        return None
    text = series.astype("string").str.strip()
    if text.str.fullmatch(r"[-+]?\d+([.,]\d*)?").mean() > 0.5:  # numbers stored as text
        return None
    try:
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        return None
    if parsed.notna().sum() <= len(parsed) / 2:
        return None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.to_numpy()


def _index_rank(values: np.ndarray) -> int:
    """0 for a column that looks measured; 1 if it only grows (steps, time stamps);
    2 for row numbers (steps of exactly 1): the last to pick as the signal."""
    known = values[np.isfinite(values)]
    steps = np.diff(known)
    if len(known) < 2 or not np.all(steps > 0):
        return 0
    return 2 if np.all(steps == 1) else int(len(known) > 2)


def _as_numbers(series, pd) -> np.ndarray:
    if series.dtype.kind in "iuf":
        return series.to_numpy(dtype=np.float64)
    text = series.astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isfinite(values).sum() < len(values) / 2:  # "1,5" under a comma separator
        swapped = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        alt = swapped.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isfinite(alt).sum() > np.isfinite(values).sum():
            values = alt
    return values
