"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.params import Control

SMOOTHING = Control(
    "smoothing",
    "smoothing",
    "slider",
    default=0.6,  # TensorBoard's default
    low=0.0,
    high=0.999,  # TensorBoard's slider stops there
    step=0.001,
    extra={
        "format": "%.3f",
        "help": "TensorBoard's smoothing slider, with its range and default (0 to 0.999, "
        "0.6). W&B's slider has the same name and range and means something else.",
    },
)
LOG_EVERY = Control(
    "log_every", "I log every … steps", "number", default=100, low=1, high=10**7, whole=True
)
AVERAGE_OVER = Control(
    "average_over",
    "and want to average over about … steps",
    "number",
    default=10_000,
    low=1,
    high=10**9,
    whole=True,
)
