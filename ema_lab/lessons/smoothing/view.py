"""/smoothing: the averages of a signal, the claim about the effective window and the band
that illustrates it, the time-aware EMA for data with gaps, the CSV and the offline figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.smoothing import figures
from ema_lab.lessons.smoothing.time_aware import (
    TimeView,
    lean,
    time_aware_ema,
    time_view,
)
from ema_lab.model import readings
from ema_lab.model.numbers import count, readable
from ema_lab.model.signal import NO_DEBIASED, Signal
from ema_lab.model.text import escape_html
from ema_lab.model.variants import VARIANTS, computed
from ema_lab.plot import figures as kit
from ema_lab.plot.live_lines import LiveLines
from ema_lab.plot.offline import OfflineView, of_signal, standard_moving


@dataclass(frozen=True)
class WindowClaim:
    """What the chart's title says of the window, and the shaded band beside it."""

    window: float  # 1/(1 - decay), steps
    share: float  # the weight on the last round(window) steps: 1 - decay**round(window)
    claim: str  # "the last 1,000 steps hold 63.2% of the weight"
    first: int  # the band, in steps 1..n
    last: int
    label: str  # the band's label; it says when the band is cut at the start


def window_claim(decay: float, end: int) -> WindowClaim:
    """The title's claim for ``decay`` and the band of the window ending at step ``end``.

    The claim always speaks of the whole window: the share is ``weight_in_last(decay,
    window)`` for the very window it names. The band cannot reach before step 1; when
    it is cut, its label says how many steps it shows.

    Examples
    --------
    >>> c = window_claim(0.999, 500)
    >>> c.claim, c.first, c.label
    ('the last 1,000 steps hold 63.2% of the weight', 1, 'first 500 of 1/(1−β) = 1,000 steps')
    """
    window = float(ec.effective_window(decay))
    if not np.isfinite(window):  # a decay of 1 never forgets: the band is all of it
        return WindowClaim(
            window=window,
            share=0.0,
            claim="the average never leaves its start",
            first=1,
            last=end,
            label="1/(1−β) = ∞",
        )
    # Steps are counted whole: "the last 15.38 steps" (β = 0.935) names no steps one can
    # count; the claim names the nearest whole window and the share of exactly those steps.
    steps = max(1, round(window))
    share = float(ec.weight_in_last(decay, steps))
    first = max(1, round(end - window + 1))
    shown = end - first + 1
    label = (
        "1/(1−β)"
        if shown >= round(window)
        else (f"first {readable(shown)} of 1/(1−β) = {readable(window)} steps")
    )
    return WindowClaim(
        window=window,
        share=share,
        claim=f"the last {count(steps, 'step')} {'holds' if steps == 1 else 'hold'} "
        f"{share:.1%} of the weight",
        first=first,
        last=end,
        label=label,
    )


# -- the page ------------------------------------------------------------------------------

_SHOWN_AS = {
    "raw": "signal",
    "biased": "biased",
    "debiased": "debiased",
    "tensorflow": "TensorFlow",
}


def band_end(n: int) -> int:
    """Where the shaded window ends until the reader moves it: the middle of the signal."""
    return max(1, n // 2)


def averages(values: np.ndarray, decay: float, initial: float) -> dict[str, np.ndarray | None]:
    """The page's three averages on the full series (no debiased one at a decay of 1)."""
    return computed(("biased", "debiased", "tensorflow"), values, decay, initial)


def drawn_lines(signal: Signal, decay: float, initial: float) -> dict[str, kit.Line]:
    """The signal and the averages as drawn: decimated, small enough to share."""
    series = averages(signal.values, decay, initial)
    lines = kit.smoothing_lines(signal.values, **series)
    keys = ["raw", *(k for k, v in series.items() if v is not None)]
    return {key: kit.decimated(line, signal.dates) for key, line in zip(keys, lines, strict=True)}


@dataclass(frozen=True)
class Timed:
    """The time-aware EMA as /smoothing keeps it: what it draws and says. A page's cache
    holds 32 of them per signal, so no full-length series: on a 10⁶-row upload each
    decay change kept two of 8 MB before (``benchmarks/bench_memory.py``)."""

    view: TimeView  # `time_aware.lean`: its readings, title, gaps and range
    line: kit.Line  # decimated, as drawn
    zoom: go.Figure | None  # the longest gap, for data with gaps


def time_aware(signal: Signal, decay: float, half_life: float | None, unit: str) -> Timed:
    """The time-aware EMA of a signal with times: its line as drawn and its gap chart."""
    view = time_view(
        signal.values,
        signal.dates,
        decay,
        half_life=half_life,
        unit=unit,
        repeated=signal.repeated_times,
    )
    line = kit.decimated(kit.variant_line(VARIANTS["time_aware"], view.ema), signal.dates)
    zoom = None
    if view.zoom is not None:
        zoom = figures.gap_zoom_figure(signal.dates, signal.values, view.step_ema, view.ema, view)
        zoom.update_xaxes(title_text=escape_html(signal.time_title))
        zoom.update_yaxes(title_text=escape_html(signal.y_title))
    return Timed(lean(view), line, zoom)


@dataclass(frozen=True)
class SmoothingView:
    """What /smoothing shows for one setting of its controls."""

    chart: go.Figure
    zoom: go.Figure | None  # the longest gap, for data with gaps
    notes: tuple[str, ...]  # under the formulas
    csv_name: str
    live: LiveLines | None = None  # its EMAs, redrawn in the browser while the decay moves


def smoothing_view(
    signal: Signal,
    decay: float,
    initial: float,
    window_end: int,
    shown: Sequence[str],
    lines: dict[str, kit.Line],
    timed: Timed | None = None,
    *,
    compact: bool = False,
) -> SmoothingView:
    """The chart with its title's claim and its band, the gap zoom, and the notes.

    ``shown`` are the `LINE_NAMES` the reader picked; ``compact`` is the embedded layout's
    short title.
    """
    n = len(signal.values)
    claim = window_claim(decay, window_end)
    band = (
        (claim.first, window_end)
        if signal.dates is None
        else (signal.dates[claim.first - 1], signal.dates[window_end - 1])
    )
    drawn = [line for key, line in lines.items() if _SHOWN_AS[key] in shown]
    followed = {VARIANTS[k].label: k for k in lines if k != "raw" and _SHOWN_AS[k] in shown}
    # The time-aware line is computed from the times too: the server alone draws it.
    live = LiveLines(signal.values, followed, initial=initial) if timed is None else None
    said = readings.window_vs_data(decay, n) or claim.claim
    title = f"{signal.label}, β = {decay:g}, ema₀ = {initial:g}: {said}"
    if timed is not None:
        drawn.append(timed.line)
        title = timed.view.title
    chart = kit.time_figure(
        drawn,
        title=f"β = {decay:g}: {said}" if compact else title,
        x=signal.dates,
        x_title=signal.x_title,
        y_title=signal.y_title,
        window=(*band, claim.label),
        height=440,  # with its controls' row, it ends above a 1280×720 projector's fold
        length=n,
    )
    notes = [] if "debiased" in lines or "debiased" not in shown else [NO_DEBIASED]
    zoom = None
    if timed is not None:
        view = timed.view
        kit.shade_gaps(chart, view.gaps)
        # The zero start's first steps run off the axis rather than squash the data.
        chart.update_yaxes(range=view.value_range)
        zoom = timed.zoom
        notes.append(view.readouts)
        if view.gap_count:
            notes.append(
                f"Shaded: the {view.gap_count:,} gaps longer than 1.5× the typical spacing "
                f"(the longest {view.longest_gap_text}). Across a gap the step EMA moves "
                "one step; the time-aware EMA lets the past fade for the whole gap."
            )
        if view.note:
            notes.append(view.note)
    notes.append(
        f"Computed on all {n:,} values; the chart draws at most {kit.MAX_POINTS:,} points "
        "per line (each bucket's minimum and maximum)."
    )
    return SmoothingView(
        chart=chart,
        zoom=zoom,
        notes=tuple(notes),
        csv_name=f"ema_smoothing_decay{decay:g}.csv",
        live=live,
    )


def csv_columns(
    signal: Signal, decay: float, initial: float, timed: TimeView | None
) -> dict[str, np.ndarray]:
    """The CSV download: the signal (with its times) and every average, on the full series."""
    return {
        **({"time": signal.dates} if signal.dates is not None else {}),
        "signal": signal.values,
        **{
            VARIANTS[k].column: v
            for k, v in averages(signal.values, decay, initial).items()
            if v is not None
        },
        **(
            {VARIANTS["time_aware"].column: time_aware_ema(signal.values, signal.dates, timed)}
            if timed is not None
            else {}
        ),
    }


def offline(
    signal: Signal, decay: float, initial: float, shown: Sequence[str], link: str
) -> OfflineView:
    """The chart as an offline figure: the lines shown, with a decay slider."""
    kinds = [k for k in ("biased", "debiased", "tensorflow") if _SHOWN_AS[k] in shown]
    return of_signal(
        signal,
        decay=decay,
        initial=initial,
        title=f"{signal.label}: the EMA as β moves",
        moving=standard_moving(kinds),
        fixed=None if "signal" in shown else (),
        link=link,
    )


def scrubber_curves(signal: Signal) -> np.ndarray:
    """The in-chart scrubber's frames for ``signal``: each EMA started at 0, as the chart
    above starts it by default (its legend says so)."""
    return figures.scrubber_curves(signal.values, initial=0.0)


SCRUBBER_NOTE = (
    "{decays} decays precomputed by ema_core on all {n:,} values (each EMA started at 0, "
    "like the chart above by default), {points} points per frame."
)


def scrubber_note(n: int) -> str:
    """What the in-chart scrubber holds."""
    return SCRUBBER_NOTE.format(
        decays=len(figures.SCRUBBER_DECAYS), n=n, points=figures.SCRUBBER_POINTS
    )
