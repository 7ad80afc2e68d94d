"""The home page: the update, one step at a time, and the EMA of a short signal."""
