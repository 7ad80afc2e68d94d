"""/bias_correction: a zero-started EMA, its drag, and the division by 1 − βᵗ that removes it."""
