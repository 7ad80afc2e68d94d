"""``python -m ema_lab.server``: a lecture hall, several EMA Lab processes behind nginx."""

from ema_lab.server.serve import main

main()
