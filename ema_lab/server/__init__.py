"""Serving EMA Lab: several processes behind nginx (``python -m ema_lab.server``) and each
process's memory."""
