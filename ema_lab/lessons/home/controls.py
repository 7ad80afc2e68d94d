"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.params import Control

STEPPER_INPUTS = (4.0, 2.0, 5.0, 3.0, 6.0, 4.0, 7.0, 5.0)
"""A short wobbling, rising sequence: few enough numbers to follow by hand."""

STEP = Control(
    "step", "step t", "slider", default=3, low=1, high=len(STEPPER_INPUTS), step=1,
    extra={"help": "Step through the recurrence: the arrow keys move the slider."},
)  # fmt: skip
PLAY_EVERY = 1.5
"""Seconds between two steps when the stepper plays: time to read the update at each."""
