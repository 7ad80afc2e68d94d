"""/weights_lab: an EMA of model weights by every strategy, and post-hoc EMA."""

from ema_lab.lessons.weights_lab import controls, posthoc, view

__all__ = ["controls", "posthoc", "view"]
