"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.lessons.smoothing.time_aware import TIME_UNITS
from ema_lab.model.params import Control

LINE_NAMES = ("signal", "biased", "debiased", "TensorFlow")
"""The lines the reader may show, as the URL names them (``?views=biased``)."""

VIEWS = Control("views", "show", "pills", default=LINE_NAMES, options=LINE_NAMES)

WINDOW_END = Control(
    "window_end",
    "effective window ends at step",
    "slider",
    low=1,
    high=10**7,
    whole=True,
    extra={"help": "Move the shaded band: it covers the last 1/(1−β) steps up to this one."},
)

SCRUBBER = Control(
    "scrubber",
    "Instant scrubber: a decay slider inside the chart, answered by the browser alone",
    "toggle",
    default=False,
)

TIME_AWARE = Control(
    "time_aware",
    "time-aware EMA",
    "toggle",
    extra={
        "help": "Let the past fade by a half-life in time, across the gaps too "
        "(pandas' ewm with times and halflife)."
    },
)

TIME_HALF_LIFE = Control(
    "time_half_life",
    "half-life in time",
    "number",
    low=0.0,
    high=1e9,
    step=1.0,
    extra={
        "placeholder": "auto",
        "help": "Empty: the step EMA's half-life times the typical spacing, so the two EMAs "
        "agree where the data is evenly spaced and part across the gaps.",
    },
)

TIME_UNIT = Control("time_unit", "unit", "selectbox", default="days", options=tuple(TIME_UNITS))
