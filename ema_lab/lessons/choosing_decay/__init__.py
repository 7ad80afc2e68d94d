"""/choosing_decay: decays compared by their responses, their noise and lag, and every unit."""
