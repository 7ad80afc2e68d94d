"""Numbers as a learner reads them: 10,000 not 1e+04, 0.0000159 not 1.59e-05."""

from __future__ import annotations

import math

__all__ = ["readable"]


def readable(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits, in plain decimal notation with thousands commas.

    Examples
    --------
    >>> readable(10_000.0), readable(46_049.3), readable(68.9676), readable(1.59e-05, 3)
    ('10,000', '46,050', '68.97', '0.0000159')
    >>> readable(float("inf")), readable(float("nan")), readable(0.0), readable(-1234.5)
    ('∞', '—', '0', '-1,234')

    A whole number is written whole, however many digits: at β = 0.9999 the span
    2/(1 − β) − 1 is 19,999 (not "20,000" beside the lag 9,999).

    >>> readable(2 / (1 - 0.9999) - 1), readable(0.9999 / (1 - 0.9999))
    ('19,999', '9,999')
    """
    x = float(x)
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    if abs(x) >= 1 and abs(x - round(x)) <= 1e-9 * abs(x):  # whole, but for float rounding
        return f"{round(x):,}"
    rounded = float(f"{x:.{digits}g}")  # the significant digits, then plain notation
    magnitude = math.floor(math.log10(abs(rounded)))
    if magnitude >= digits - 1:
        return f"{rounded:,.0f}"
    decimals = digits - 1 - magnitude
    text = f"{rounded:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(n: float, unit: str, plural: str | None = None, digits: int = 4) -> str:
    """``n`` ``unit``s, grammatical: "1 step", "2 steps", "6.58 steps", "1,234,567 values"
    (a whole number exactly, with commas; any other to ``digits`` significant digits).

    Examples
    --------
    >>> count(1, "step"), count(9, "step"), count(6.5788, "step"), count(3, "batch", "batches")
    ('1 step', '9 steps', '6.579 steps', '3 batches')
    >>> count(12_345_678, "value")
    '12,345,678 values'
    """
    x = float(n)
    text = f"{int(x):,}" if x.is_integer() and abs(x) < 2**53 else readable(x, digits)
    return f"{text} {unit if text == '1' else (plural or unit + 's')}"


def signed_percent(x: float) -> str:
    """A change as a signed percentage, with a true minus sign (−, not a hyphen).

    >>> signed_percent(-0.3361), signed_percent(0.05)
    ('−33.6%', '+5.0%')
    """
    return f"{x:+.1%}".replace("-", "−")
