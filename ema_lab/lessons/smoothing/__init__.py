"""/smoothing: a signal with its biased, debiased and TensorFlow EMA, and the window."""

from ema_lab.lessons.smoothing import controls, figures, time_aware, view

__all__ = ["controls", "figures", "time_aware", "view"]
