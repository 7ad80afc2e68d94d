"""The home page: the update, one step at a time, and the EMA of a short signal."""

from ema_lab.lessons.home import controls, view

__all__ = ["controls", "view"]
