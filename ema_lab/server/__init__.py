"""Serving EMA Lab: several processes behind nginx (``python -m ema_lab.server``), their
memory, and the HTML page a link opens."""
