"""EMA Lab's user interface: shared figures, widgets and page set-up.

Pages in ``pages/`` lay out widgets and call these helpers; every number comes
from `ema_core`.
"""
