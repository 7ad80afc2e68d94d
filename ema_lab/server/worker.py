"""``python -m ema_lab.server.worker [streamlit run's options]``: one process of the lecture
hall, ready before it says so.

Streamlit answers its health check as soon as it listens, and imports a page's modules
(pandas, Plotly, the lessons) and loads `ema_core`'s compiled kernels on the first run
that needs them. A restarted worker, healthy to nginx, took its returning students'
first runs 8-10 s each on this machine under a test suite's load (2 s idle), against 0.3 s
warm. Here they are imported, and the kernels loaded from numba's cache, before Streamlit
starts; the first run only runs.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def warm() -> None:
    """Import every module of EMA Lab (the pages import theirs from it), and load every
    compiled kernel."""
    import pandas  # noqa: F401  (whole before any session thread: see app.py)

    import ema_lab
    from ema_core import _kernels

    for module in pkgutil.walk_packages(ema_lab.__path__, "ema_lab."):
        if not module.name.endswith("__main__"):  # a command, not a module to load
            importlib.import_module(module.name)
    _kernels.warm_up()


def main(argv: list[str] | None = None) -> None:
    warm()
    from streamlit.web import cli  # this module is a Streamlit process's entry point

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
