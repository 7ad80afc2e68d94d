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
    """
    x = float(x)
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    rounded = float(f"{x:.{digits}g}")  # the significant digits, then plain notation
    magnitude = math.floor(math.log10(abs(rounded)))
    if magnitude >= digits - 1:
        return f"{rounded:,.0f}"
    decimals = digits - 1 - magnitude
    text = f"{rounded:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
