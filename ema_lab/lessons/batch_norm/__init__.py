"""/batch_norm: batch normalization"s running statistics, an EMA that is never debiased,
and a "momentum" that means opposite things in PyTorch and Keras."""

from ema_lab.lessons.batch_norm import controls, view

__all__ = ["controls", "view"]
