"""/bias_correction: a zero-started EMA, its drag, and the division by 1 − βᵗ that removes it."""

from ema_lab.lessons.bias_correction import controls, view

__all__ = ["controls", "view"]
