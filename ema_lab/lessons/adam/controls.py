"""The lesson's controls, each declared once (`ema_lab.model.params.Control`). β₁ is the
page's decay (`ema_lab.ui.controls.decay_input`), carried from page to page."""

from __future__ import annotations

from ema_lab.model.params import Control

BETA2 = Control(
    "beta2", "β₂ (the squared gradient's decay)", "select_slider", 0.999,
    (0.9, 0.99, 0.999, 0.9999), format_func="{:g}".format,
    extra={"help": "PyTorch's, Keras' and optax's default is 0.999."},
)  # fmt: skip

LEARNING_RATE = Control(
    "learning_rate", "learning rate η", "select_slider", 0.05,
    (0.005, 0.01, 0.02, 0.05, 0.1, 0.2), format_func="{:g}".format,
)  # fmt: skip
