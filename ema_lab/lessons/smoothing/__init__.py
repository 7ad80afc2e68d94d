"""smoothing"""
