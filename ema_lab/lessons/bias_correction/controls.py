"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.params import typed_decay

MOMENTUM = typed_decay("keras_momentum", "momentum (the decay β)", 0.9, high=0.9999, step=0.01)
