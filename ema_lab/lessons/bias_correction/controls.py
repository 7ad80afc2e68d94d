"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.params import Control

MOMENTUM = Control(
    "keras_momentum", "momentum (the decay β)", "number", 0.9, low=0.0, high=0.9999, step=0.01,
    extra={"format": "%.4f"},
)  # fmt: skip
