"""/tf_dynamic_decay: TensorFlow"s min(β, (1+n)/(10+n)) against a fixed decay."""

from ema_lab.lessons.tf_dynamic_decay import controls, view

__all__ = ["controls", "view"]
