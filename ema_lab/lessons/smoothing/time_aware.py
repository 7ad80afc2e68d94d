"""/smoothing on data observed at times: the time-aware EMA beside the step-counting one.

A step-counting EMA treats a gap like one step; the time-aware EMA
(`ema_core.ema_at_times`) lets the past fade by a half-life in time across it.
`time_view` returns the line, the gaps to shade and the words, without Streamlit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

import ema_core as ec
from ema_lab.model.numbers import readable
from ema_lab.model.signal import debiased

GAP_FACTOR = 1.5
"""A gap is a spacing more than this many times the typical (median) spacing."""

MAX_SHADED_GAPS = 60
"""At most this many gaps are shaded (the longest); the words count them all."""

TIME_UNITS: dict[str, np.timedelta64] = {
    "minutes": np.timedelta64(60, "s"),
    "hours": np.timedelta64(3600, "s"),
    "days": np.timedelta64(86400, "s"),
    "weeks": np.timedelta64(7 * 86400, "s"),
}
"""The units a half-life in time is stated in, for dates."""


def _seconds(amount: float | np.timedelta64) -> float:
    """A duration as float seconds: a timedelta64, or a number of seconds already."""
    if isinstance(amount, np.timedelta64):
        return float(amount / np.timedelta64(1, "s"))
    return float(amount)


def duration(amount: float | np.timedelta64, *, dated: bool = True) -> str:
    """A duration in the largest unit that keeps it at one or more: ``3.5 days``, ``8 weeks``
    (a timedelta64, or float seconds: a half-life of 100,000 weeks does not fit in ns).

    For plain-number times, the number itself with "time units".
    """
    if not dated:
        return f"{readable(float(amount))} time units"
    seconds = _seconds(amount)
    for name, size in reversed(TIME_UNITS.items()):
        per = float(size / np.timedelta64(1, "s"))
        if seconds >= per or name == "minutes":
            value = seconds / per
            word = name if readable(value, 3) != "1" else name[:-1]
            return f"{readable(value, 3)} {word}"
    raise AssertionError("unreachable")  # pragma: no cover


def _typical_spacing(times: np.ndarray):
    """The median spacing, or the mean where most observations share their time; None for
    a single observation."""
    spacings = np.diff(times)
    if not len(spacings):
        return None
    typical = np.median(spacings)
    if typical == np.zeros((), spacings.dtype):
        typical = (times[-1] - times[0]) / (len(times) - 1)
    return typical


def _long_gaps(times: np.ndarray, typical) -> np.ndarray:
    """Indices ``i`` whose spacing to ``i + 1`` exceeds `GAP_FACTOR` times ``typical``."""
    spacings = np.diff(times)
    if typical is None or not typical > np.zeros((), spacings.dtype):
        return np.array([], dtype=np.int64)
    return np.flatnonzero(spacings > GAP_FACTOR * typical)


def has_gaps(times: np.ndarray) -> bool:
    """Whether any spacing exceeds `GAP_FACTOR` times the typical one."""
    return len(_long_gaps(times, _typical_spacing(times))) > 0


# Time arithmetic is in float seconds: a half-life of 10^9 weeks, or a gap of centuries,
# would overflow (or silently wrap) a timedelta64 in nanoseconds.


def _in_time(steps: float, typical, dated: bool) -> float:
    """``steps`` steps at the ``typical`` spacing: float seconds for dates, else a number."""
    return float(steps) * (_seconds(typical) if dated else float(typical))


def _to_span(amount: float, unit: str, dated: bool) -> float:
    return float(amount) * (_seconds(TIME_UNITS[unit]) if dated else 1.0)


@dataclass(frozen=True)
class TimeView:
    """What /smoothing adds for a series with times."""

    ema: np.ndarray | None  # the time-aware EMA, one value per observation (None: `lean`)
    half_life: float  # in seconds for dates, in time units for plain numbers
    half_life_text: str
    matched: bool  # the half-life is the step EMA's half-life at the typical spacing
    spacing_text: str
    gaps: tuple[tuple[object, object], ...]  # (start, end) of the gaps shaded, longest first
    gap_count: int
    longest_gap_text: str
    title: str
    readouts: str
    note: str  # what happens at repeated times, when there are any
    step_ema: np.ndarray | None  # the step EMA it is compared with (debiased, as adjust=True)
    # (None at a decay of 1, where nothing is debiased, and in a `lean` view)
    zoom: tuple[int, int] | None  # observations around the longest gap, [first, last)
    zoom_title: str
    value_range: tuple[float, float]  # the y range that serves the comparison


def time_view(
    values: np.ndarray,
    times: np.ndarray,
    decay: float,
    *,
    half_life: float | None = None,
    unit: str = "days",
    repeated: int | None = None,
) -> TimeView:
    """The time-aware EMA of ``values`` at ``times`` and what the page says of it.

    ``half_life`` in ``unit`` (ignored for plain-number times); ``None`` matches the
    step-counting EMA: its half-life in steps times the typical spacing, so that the
    two agree where the data is evenly spaced and part only across the gaps.
    Raises ``ValueError`` for a half-life that is not positive.
    """
    dated = times.dtype.kind == "M"
    spacings = np.diff(times)
    typical = _typical_spacing(times)
    # β = 0 forgets at once: a half-life of 0 has no time-aware twin, a hundredth of a
    # step has (it too keeps only the newest value).
    step_half_life = max(ec.half_life(decay), 0.01)
    matched = half_life is None
    if matched:
        if (
            typical is None
            or typical == np.zeros((), spacings.dtype)
            or not np.isfinite(step_half_life)
        ):
            span = 86400.0 if dated else 1.0
        else:
            span = _in_time(step_half_life, typical, dated)
    else:
        if not half_life > 0:
            raise ValueError(f"half_life must be > 0, got {half_life:g}")
        span = _to_span(half_life, unit, dated)
    ema = ec.ema_at_times(values, clock(times), span)

    clock_times = clock(times)
    long = _long_gaps(times, typical)
    longest = long[np.argsort(spacings[long])[::-1]]
    gaps = tuple((times[i], times[i + 1]) for i in longest[:MAX_SHADED_GAPS])
    spacing_text = duration(typical, dated=dated) if typical is not None else "none"
    half_text = duration(span, dated=dated)
    window_time = ec.effective_window(decay)
    readouts = (
        f"In time, at the typical spacing of {spacing_text}: the step EMA's window of "
        f"{_steps(window_time)} spans about "
        f"{_scaled(typical, window_time, dated)}, its half-life of {_steps(step_half_life)} "
        f"about {_scaled(typical, step_half_life, dated)}, its lag about "
        f"{_scaled(typical, ec.center_of_mass(decay), dated)}. The time-aware EMA's "
        f"half-life: {half_text}" + (" (matched to the step EMA's)." if matched else ".")
    )
    title = (
        f"step EMA (β = {decay:g}) and time-aware EMA (half-life {half_text}): "
        f"{len(long):,} gap{'s' if len(long) != 1 else ''} shaded"
    )
    step_ema = debiased(values, decay)
    zoom, zoom_title = None, ""
    if len(longest):
        i = int(longest[0])
        reach = max(float(clock_times[i + 1] - clock_times[i]), 4 * span)
        first = int(np.searchsorted(clock_times, clock_times[i] - reach))
        last = int(np.searchsorted(clock_times, clock_times[i + 1] + reach, side="right"))
        zoom = (first, last)
        # In numbers, what the lines show only where the decay is short: across the gap the
        # step EMA keeps β of its past, as after any step; the time-aware EMA keeps less.
        kept = float(ec.time_decay(clock_times[i + 1] - clock_times[i], span))
        zoom_title = (
            f"The longest gap ({duration(spacings[i], dated=dated)}): the time-aware EMA keeps "
            f"{_percent(kept)} of its past across it, the step EMA {_percent(decay)}"
        )
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = 0.05 * (high - low) or 1.0
    note = ""
    if repeated:
        note = (
            f"{repeated:,} observation{'s share' if repeated != 1 else ' shares'} its time with "
            "the one before: the time-aware EMA weighs observations at one time equally "
            "(as pandas' ewm with adjust=True); the step EMA counts each as a step."
        )
    return TimeView(
        ema=ema,
        half_life=span,
        half_life_text=half_text,
        matched=matched,
        spacing_text=spacing_text,
        gaps=gaps,
        gap_count=len(long),
        longest_gap_text=duration(spacings[longest[0]], dated=dated) if len(longest) else "",
        title=title,
        readouts=readouts,
        note=note,
        step_ema=step_ema,
        zoom=zoom,
        zoom_title=zoom_title,
        value_range=(low - pad, high + pad),
    )


def _percent(share: float) -> str:
    """A share kept, to a tenth of a percent: 99.0%, 82.4%; never 100.0% for less than all
    or 0.0% for more than nothing."""
    text = f"{100 * share:.1f}%"
    if text == "100.0%" and share < 1:
        return "over 99.9%"
    return "under 0.1%" if text == "0.0%" and share > 0 else text


def clock(times: np.ndarray) -> np.ndarray:
    """Dates as seconds since the first; plain-number times as they are."""
    return (times - times[0]) / np.timedelta64(1, "s") if times.dtype.kind == "M" else times


def time_aware_ema(values: np.ndarray, times: np.ndarray, view: TimeView) -> np.ndarray:
    """The whole time-aware EMA of ``view`` (its half-life), computed again where a page
    needs every value (the CSV download): a `lean` view does not keep it."""
    return ec.ema_at_times(values, clock(times), view.half_life)


def lean(view: TimeView) -> TimeView:
    """``view`` without its full-length series: what a cache keeps many of."""
    return dataclasses.replace(view, ema=None, step_ema=None)


def _scaled(typical, steps: float, dated: bool) -> str:
    if typical is None or not np.isfinite(steps):
        return "forever" if not np.isfinite(steps) else "—"
    return duration(_in_time(steps, typical, dated), dated=dated)


def _steps(count: float) -> str:
    return f"{readable(count)} step{'' if readable(count) == '1' else 's'}"
