"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.decay_scale import DECAY_ALLOWED, DECAY_GRID, fmt_decay
from ema_lab.model.params import Control
from ema_lab.model.readings import UNITS

FALLBACK = (0.9, 0.99)
"""The decays compared until the reader has picked two."""

DECAYS = Control(
    "decays",
    "decays to compare (2 to 4)",
    "multiselect",
    default=list(FALLBACK),
    options=DECAY_GRID,
    format_func=fmt_decay,
    allowed=DECAY_ALLOWED,
    extra={"max_selections": 4},
)

CALC_BY = Control(
    "calc_by",
    "from",
    "radio",
    default="half-life",
    options=tuple(UNITS),
    extra={"horizontal": True},
)

CALC_VALUE = Control("calc_value", "amount", "number", low=0.0, high=1e7, step=1.0)
