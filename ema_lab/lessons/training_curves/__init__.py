"""Lesson: reading training curves through TensorBoard's and W&B's smoothing slider."""
