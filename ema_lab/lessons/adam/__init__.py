"""/adam: the EMAs inside Adam, and why their zero start is divided out."""

from ema_lab.lessons.adam import controls, view

__all__ = ["controls", "view"]
