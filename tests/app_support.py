"""Run pages with AppTest and read their charts back as numbers."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from ema_lab.model import site
from ema_lab.plot.figures import decoded
from ema_lab.ui import frame, state

ROOT = Path(__file__).resolve().parents[1]
PAGES = {p.name or "home": None if p is site.HOME else p.file for p in site.PAGES}
"""The file of every page by its name (home: None, the router's default page)."""


MAIN_CHART = {p.name or "home": p.main_chart for p in site.PAGES}
"""The key of each page's main chart (what a first run draws, what an embed shows)."""

LIVE_CHART = {**MAIN_CHART, "tf_dynamic_decay": "tf_signal_chart"}
"""The chart that follows the decay in the browser: the main one, but where the main chart
draws no EMA (TensorFlow's schedule: its axis moves with the decay)."""

DECAYS = (0.5, 0.9, 0.99, 0.999, 0.9999)
"""The decays every page is checked at (the display-truth sweeps): both ends and between."""


def query_for(page: str, decay: float) -> dict:
    """The link that sets ``page``'s decay to ``decay``, in the page's own words."""
    if page == "choosing_decay":
        other = 0.9 if decay != 0.9 else 0.99
        return {"decays": [f"{decay:g}", f"{other:g}"]}
    if page == "training_curves":  # TensorBoard's smoothing is the decay, up to 0.999
        return {"smoothing": f"{min(decay, 0.999):g}"}
    if page == "batch_norm":  # Keras' momentum is the decay itself
        return {"convention": "keras", "momentum": f"{decay:g}"}
    return {"decay": f"{decay:g}"}


OPENS_AT = {
    "home": 0.9,
    "smoothing": 0.99,
    "bias_correction": 0.9,
    "tf_dynamic_decay": 0.999,
    "choosing_decay": 0.9,  # with 0.99 beside it
    "weights_lab": 0.99,
    "adam": 0.9,  # β₁
}
"""The decay a page opens at when its link is bare, for the pages that open at one of
`DECAYS` (batch norm opens at PyTorch's momentum, the training curves at TensorBoard's 0.6):
the bare address draws what ``query_for(page, OPENS_AT[page])`` draws (test_display_truth)."""


def address(page: str, query: dict, *, embed: bool = False) -> str:
    """The page's path and query, as a browser opens it: ``smoothing?decay=0.9``. The link
    the page opens at is written bare (``smoothing``), so that the browser sweeps load it once
    for every check of that view."""
    if page in OPENS_AT and query == query_for(page, OPENS_AT[page]):
        query = {}
    params = [(k, v) for k, vs in query.items() for v in (vs if isinstance(vs, list) else [vs])]
    if embed:
        params.append(("embed", "true"))
    path = "" if PAGES[page] is None else page
    return f"{path}?{urlencode(params)}" if params else path


def open_page(
    page: str, query: dict | None = None, *, first_run: bool = False, unfold: bool = False
) -> AppTest:
    """Run ``page`` (a key of `PAGES`) with the given URL query; fail on any exception.

    The whole page, as a browser has it once its first chart is painted; ``first_run``:
    the session's first run, which stops at the main chart (`ema_lab.ui.first_paint`);
    ``unfold``: with every folded section open (`ema_lab.ui.frame.folded`).
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if first_run:  # a browser's first run: AppTest's sessions are drawn whole otherwise
        at.session_state[state.DEFER_FIRST_RUN] = True
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if PAGES[page]:
        at.switch_page(PAGES[page])
    at.run()
    assert_clean(at)
    if unfold:
        for key in folds(at):
            at.session_state[key] = True
        at.run()
        assert_clean(at)
    return at


def folds(at: AppTest) -> list[str]:
    """The keys of the page's folded sections."""
    return [e.key for e in at.expander if e.key and e.key.startswith(frame.FOLD)]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def charts(at: AppTest) -> dict[str, list[dict]]:
    """Every chart of the page, by its widget key, as decoded traces."""
    out = {}
    for element in at.get("plotly_chart"):
        out[element.key] = decoded(json.loads(element.proto.spec))
    return out


def chart_specs(at: AppTest) -> dict[str, str]:
    """Every chart's figure JSON, by widget key: equal strings, equal charts."""
    return {e.key: e.proto.spec for e in at.get("plotly_chart")}


def figures(at: AppTest) -> dict[str, go.Figure]:
    """Every chart of the page, by its widget key, as the figure the page drew."""
    out = {}
    for key, spec in chart_specs(at).items():
        fig = json.loads(spec)
        out[key] = go.Figure({"data": decoded(fig), "layout": fig["layout"]}, skip_invalid=True)
    return out


def trace(at: AppTest, chart: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the trace called ``name`` in ``chart``."""
    for t in charts(at)[chart]:
        if t.get("name") == name:
            return np.asarray(t["x"]), np.asarray(t["y"], dtype=float)
    raise AssertionError(
        f"no trace {name!r} in {chart}: {[t.get('name') for t in charts(at)[chart]]}"
    )


def drawn(values) -> np.ndarray:
    """What a time chart draws of these values: each one rounded to float32."""
    return np.asarray(values, dtype=np.float64).astype(np.float32)


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def widget(at: AppTest, key: str):
    """The widget with this key, whatever its type."""
    try:
        return at.get_by_key(key)
    except KeyError:
        raise AssertionError(f"no widget with key {key!r}") from None


def table(at: AppTest, key: str):
    """The table inside the container with this key, as a data frame."""
    return at.get_by_key(key).table[0].value
