"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.params import Control

TABLE_DECAY = Control(
    "table_decay", "decay of the table", "number", 0.99, low=0.0, high=1.0, step=0.001,
    extra={"format": "%.4f"},
)  # fmt: skip
