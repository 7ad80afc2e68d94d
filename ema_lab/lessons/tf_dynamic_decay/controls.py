"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.params import typed_decay

TABLE_DECAY = typed_decay("table_decay", "decay of the table", 0.99, high=1.0, step=0.001)
