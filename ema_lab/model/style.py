"""One colour per quantity, the same on every page (Okabe & Ito's colour-blind-safe set).

Every colour keeps enough contrast on Streamlit's light (#FFFFFF) and dark
(#0E1117) backgrounds; pure black and the pale yellow of the set are left out.
"""

from __future__ import annotations

COLORS: dict[str, str] = {
    "raw": "#8C8C8C",  # neutral grey: the data, not a result
    "biased": "#D55E00",  # vermillion
    "debiased": "#56B4E9",  # sky blue
    "tensorflow": "#009E73",  # bluish green
    "window": "#E69F00",  # orange: the effective-window band and marks
    "reference": "#CC79A7",  # reddish purple: a guide line (a constant decay, a target)
    "time": "#CC79A7",  # reddish purple: the time-aware EMA (no guide line shares its page)
    "gap": "#8C8C8C",  # grey shading: a gap in the observations
}

# The decays compared side by side, in order of choice.
DECAY_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")


def decay_color(i: int) -> str:
    """The colour of the ``i``-th decay of a comparison."""
    return DECAY_COLORS[i % len(DECAY_COLORS)]
