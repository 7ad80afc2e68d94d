"""/batch_norm: batch normalization's running statistics, an EMA that is never debiased,
and a "momentum" that means opposite things in PyTorch and Keras."""
