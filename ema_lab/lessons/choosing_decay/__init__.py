"""/choosing_decay: decays compared by their responses, their noise and lag, and every unit."""

from ema_lab.lessons.choosing_decay import controls, view

__all__ = ["controls", "view"]
