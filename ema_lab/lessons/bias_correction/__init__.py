"""bias_correction"""
