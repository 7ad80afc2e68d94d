"""Reading a numeric column, and its times, from the bytes of a CSV file.

Every problem is a `CsvError` (a `ValueError`) that states a fact about the file and
names its kind (``reason``); an app words the advice for its readers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["CLOCK_COLUMNS", "MAX_ROWS", "STEP_COLUMNS", "CsvError", "CsvSeries", "read_csv"]

MAX_ROWS = 10_000_000
"""Default row limit of `read_csv` (the app's longest series)."""


class CsvError(ValueError):
    """A file `read_csv` cannot use: the message states what is wrong with it, ``reason``
    names the kind of problem (one of `REASONS`)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


REASONS = (
    "encoding", "binary", "empty", "no_rows", "too_many_rows", "unreadable", "no_numbers",
    "unknown_column", "not_numbers", "no_values", "time_format", "time_order",
)  # fmt: skip
"""The kinds of problem a `CsvError` names."""


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


STEP_COLUMNS = ("step", "steps", "global_step", "_step", "iteration", "iter", "epoch", "batch")
"""Names (any case) of a column that counts the rows: a training step, an epoch."""
CLOCK_COLUMNS = (
    "wall time", "wall_time", "time", "timestamp", "_timestamp", "_runtime", "date", "datetime",
)  # fmt: skip
"""Names (any case) of a column that times the rows: TensorBoard's "Wall time", a date."""


def _names_an_axis(column: str) -> bool:
    """Whether a column's name says it counts or times the rows (``Step``, ``Wall time``,
    pandas' ``Unnamed: 0`` index) rather than holding what was measured."""
    name = column.strip().lower()
    return name in STEP_COLUMNS or name in CLOCK_COLUMNS or name.startswith("unnamed:")


def _pick_column(candidates: tuple[str, ...], numeric: dict, counts: dict) -> str:
    """The column a file is about: one named ``value`` (TensorBoard's export), else among
    the columns whose names do not say they count or time the rows, the most
    measured-looking, fullest one (`_index_rank`)."""
    measured = [name for name in candidates if not _names_an_axis(name)]
    named = [name for name in measured if name.strip().lower() == "value"]
    if named:
        return named[0]
    if not measured and len(candidates) > 1:
        raise CsvError(
            f"No column of values: the file's numeric columns ({', '.join(candidates)}) "
            "count or time its rows.",
            "no_values",
        )
    # A row number or time stamp column is rarely what the file is about.
    return min(measured or candidates, key=lambda name: (_index_rank(numeric[name]), -counts[name]))


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
    Without ``column`` it takes the one named ``Value`` (TensorBoard's export), else the
    fullest column whose name does not say it counts or times the rows (`STEP_COLUMNS`,
    `CLOCK_COLUMNS`) and whose values do not only grow; a file whose numeric columns all
    count or time its rows is refused. Entries
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
    CsvError
        A `ValueError`, for an empty or binary file, a file with no data rows or no numeric
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
            raise CsvError("The file starts as UTF-16 text but does not decode as it.",
                           "encoding") from None  # fmt: skip
    if not raw.strip():
        raise CsvError("The file is empty.", "empty")
    if b"\x00" in raw[:65536]:
        raise CsvError("This looks like a binary file, not CSV text.", "binary")
    if not _is_utf8(raw):
        raise CsvError("The file is not UTF-8 text.", "encoding")

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
        raise CsvError(f"The file could not be read as CSV: {exc}", "unreadable") from None
    if len(frame) == 0:
        raise CsvError("The file has a header but no data rows.", "no_rows")
    if len(frame) > max_rows:
        raise CsvError(
            f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}.", "too_many_rows"
        )
    if not has_header:
        frame.columns = [f"column {i + 1}" for i in range(frame.shape[1])]
    frame.columns = [str(c) for c in frame.columns]

    numeric = {name: _as_numbers(frame[name], pd) for name in frame.columns}
    counts = {name: int(np.isfinite(v).sum()) for name, v in numeric.items()}
    candidates = tuple(name for name in frame.columns if counts[name] > 0)
    if column is None:
        if not candidates:
            raise CsvError("No column of the file holds numbers.", "no_numbers")
        column = _pick_column(candidates, numeric, counts)
    elif column not in numeric:
        raise CsvError(
            f"column {column!r} is not in the file; its columns are {list(frame.columns)}",
            "unknown_column",
        )
    values = numeric[column]
    finite = np.isfinite(values)
    dropped = int((~finite).sum())
    if finite.sum() == 0 or dropped > len(values) / 2:
        raise CsvError(
            f"Column {column!r} is mostly not numbers ({dropped:,} of {len(values):,} "
            "entries are empty, text or not finite).",
            "not_numbers",
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
        raise CsvError(
            f"time column {time_column!r} is not in the file; its columns are "
            f"{list(frame.columns)}",
            "unknown_column",
        )
    times = _as_times(frame[time_column], pd)
    if times is None:
        numbers = _as_numbers(frame[time_column], pd)
        if np.isfinite(numbers).sum() > len(numbers) / 2:
            times = numbers  # named by the caller: a step column, even 1, 2, 3 or unsorted
    if times is None:
        example = next((str(v) for v in frame[time_column] if str(v).strip()), "")
        raise CsvError(
            f"Column {time_column!r} could not be read as dates, times or numbers "
            f"(for example {example[:30]!r}).",
            "time_format",
        )
    missing_time = np.isnat(times) if times.dtype.kind == "M" else ~np.isfinite(times)
    keep = finite & ~missing_time
    times = times[keep]
    gaps = np.diff(times)
    zero = np.zeros((), gaps.dtype)
    step_back = np.flatnonzero(gaps < zero)
    if len(step_back):
        i = int(step_back[0]) + 1
        raise CsvError(
            f"The times in {time_column!r} run backwards ({_shown(times[i], pd)} comes after "
            f"{_shown(times[i - 1], pd)}).",
            "time_order",
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
    with np.errstate(over="ignore"):  # 1e308 − (−1e308) is inf: a step, not a warning
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
