"""A decay's readings as a page words them: one label, value and explanation each."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import ema_core as ec
from ema_lab.model.numbers import count, readable


def whole_steps_to_forget(decay: float, fraction: float) -> float:
    """Whole steps until a zero start holds at most ``fraction`` of the weight:
    ``⌈ln f / ln β⌉`` (1 at β = 0, ∞ at β = 1).

    >>> [whole_steps_to_forget(b, f) for b, f in ((0.9, 0.01), (0.99, 0.05), (1.0, 0.01))]
    [44, 299, inf]
    """
    if decay <= 0:
        return 1
    if decay >= 1:
        return math.inf
    # The few ulps of ln's rounding must not push an exact power one step further.
    return math.ceil(ec.forget_steps(decay, fraction) * (1 - 1e-12))


SHOWN_WINDOWS = 5
"""How many windows a signal lengthened for its decay holds: enough to see the EMA leave
its start and follow the signal for a while."""
FEW_WINDOWS = 3
"""Below this many windows a page offers to lengthen its signal."""
LONGEST = 10**7


def length_to_show(decay: float, at_least: int = 0) -> int:
    """The shortest length on the 1-2-5 scale of the length sliders (100 to 10⁷) that
    holds `SHOWN_WINDOWS` windows 1/(1 − β), and ``at_least``.

    >>> length_to_show(0.99), length_to_show(0.9999), length_to_show(0.9, 500)
    (500, 50000, 500)
    """
    window = float(ec.effective_window(decay))
    need = max(at_least, round(SHOWN_WINDOWS * window, 6))  # 1/(1 − 0.9999) is 10,000.0000001
    for exponent in range(2, 8):
        for mantissa in (1, 2, 5):
            if mantissa * 10**exponent >= need:
                return min(mantissa * 10**exponent, LONGEST)
    return LONGEST


def window_vs_data(decay: float, n: int) -> str | None:
    """What a chart says instead of "the last N steps hold 63% of the weight" when the
    window is longer than the data: the claim would be about steps that are not there.

    >>> window_vs_data(0.9999, 1000)
    'the window 1/(1−β) = 10,000 steps is longer than the data (1,000 steps)'
    >>> window_vs_data(0.99, 1000) is None
    True
    """
    window = round(float(ec.effective_window(decay)), 6)
    if window <= n:
        return None
    return (
        f"the window 1/(1−β) = {count(window, 'step')} is longer than the data ({count(n, 'step')})"
    )


def short_data(decay: float, n: int) -> str | None:
    """The note under a chart whose data holds fewer than `FEW_WINDOWS` windows, or None.

    >>> print(short_data(0.999, 1000))
    The data (1,000 steps) holds fewer than three windows of 1/(1−β) = 1,000 steps: the
    EMA has hardly left its start.
    >>> short_data(0.99, 1000) is None
    True
    """
    window = round(float(ec.effective_window(decay)), 6)
    if not math.isfinite(window) or FEW_WINDOWS * window <= n:
        return None
    return (
        f"The data ({count(n, 'step')}) holds fewer than three windows of 1/(1−β) = "
        f"{count(window, 'step')}: the EMA has hardly left its start."
    )


@dataclass(frozen=True)
class Reading:
    label: str
    value: str
    help: str


def every_reading(decay: float) -> dict[str, Reading]:
    """Every reading of ``decay``, by name, from `ema_core.decay_readings`.

    Examples
    --------
    >>> r = every_reading(0.9)
    >>> r["window"].value, r["cutoff"].value
    ('10', '0.0168')
    """
    r = ec.decay_readings(decay)
    return {
        "decay": Reading("decay β", f"{r.decay:g}", "the fraction of the old average kept"),
        # Short labels: a metric shows its label on one line, and five share a 1280 px
        # projector's column ("noise variance ratio" was cut to "noise varia…").
        "window": Reading("window", readable(r.window), "1/(1−β) steps: about 63% of the weight"),
        "half_life": Reading(
            "half-life", readable(r.half_life), "steps until a value's weight halves"
        ),
        "span": Reading("span", readable(r.span), "pandas' span: alpha = 2/(span+1) = 1−β"),
        "lag": Reading(
            "lag",
            readable(r.center_of_mass),
            "center of mass: the steps the EMA trails a ramp",
        ),
        "noise_std": Reading(
            "noise left",
            readable(r.noise_std_ratio, 3),
            "white noise's standard deviation, out / in: √((1−β)/(1+β))",
        ),
        "cutoff": Reading(
            "cutoff",
            "none" if np.isnan(r.cutoff_cycles) else readable(r.cutoff_cycles, 3),
            "cycles per step where the gain falls to 1/√2 (−3 dB); none below β = 0.172, "
            "where the gain never falls that far",
        ),
    }


def line(decay: float) -> str:
    """One line: the decay in every unit.

    Examples
    --------
    >>> line(0.9)
    'β = 0.9 · window 10 · half-life 6.58 · span 19 · lag 9 steps'
    """
    r = every_reading(decay)
    return (
        f"β = {decay:.6g} · window {r['window'].value} · half-life {r['half_life'].value} · "
        f"span {r['span'].value} · lag {r['lag'].value} step{'' if r['lag'].value == '1' else 's'}"
    )


def table_row(decay: float, names: tuple[str, ...]) -> dict[str, str]:
    """The readings ``names`` of ``decay`` as one table row, by label."""
    r = every_reading(decay)
    return {r[n].label: r[n].value for n in names}


@dataclass(frozen=True)
class DecayUnit:
    """Another way to state a decay, with its conversions and its input's range."""

    name: str  # as the "set the decay by" choice reads: "half-life"
    label: str
    to_decay: Callable
    from_decay: Callable
    low: float
    high: float


UNITS: dict[str, DecayUnit] = {
    u.name: u
    for u in (
        DecayUnit(
            "half-life", "half-life (steps)", ec.decay_from_half_life, ec.half_life, 0.1, 1e6
        ),
        DecayUnit(
            "window",
            "window 1/(1−β) (steps)",
            ec.decay_from_window,
            ec.effective_window,
            1.0,
            1e6,
        ),
        DecayUnit("span", "span (as in pandas)", ec.decay_from_span, ec.span, 1.0, 2e6),
        DecayUnit(
            "lag",
            "lag / center of mass (steps)",
            ec.decay_from_center_of_mass,
            ec.center_of_mass,
            0.0,
            1e6,
        ),
    )
}
"""The ways to state a decay besides the decay itself, by name."""


def calculate(unit: str, amount: float) -> tuple[float, str]:
    """The decay whose reading ``unit`` is ``amount``, and how it is shown (8 digits).

    Examples
    --------
    >>> calculate("span", 19)
    (0.9, '0.9')
    """
    decay = float(UNITS[unit].to_decay(amount))
    return decay, readable(decay, 8)
