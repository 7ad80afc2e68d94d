"""/weights_lab: an EMA of model weights by every strategy, and post-hoc EMA."""
