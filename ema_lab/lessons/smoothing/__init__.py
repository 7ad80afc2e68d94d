"""/smoothing: a signal with its biased, debiased and TensorFlow EMA, and the window."""
