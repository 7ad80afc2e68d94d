"""Lesson: reading training curves through TensorBoard"s and W&B"s smoothing slider."""

from ema_lab.lessons.training_curves import calculator, controls, exports, view

__all__ = ["calculator", "controls", "exports", "view"]
