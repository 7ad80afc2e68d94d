"""Headless: what a page hands the browser to redraw its main chart as the decay moves
(`ema_lab.ui.live_decay`); the browser's side is `tests/browser/test_live_decay_browser.py`."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from app_support import LIVE_CHART, open_page
from ema_lab.model.decay_scale import DECAY_GRID
from ema_lab.plot.figures import decoded

FOLLOWED = {
    "home": {"EMA": "first_value"},
    "smoothing": {
        "EMA (biased)": "biased",
        "EMA (debiased)": "debiased",
        "EMA (TensorFlow dynamic decay)": "tensorflow",
    },
    "bias_correction": {
        "zero start (biased)": "biased",
        "zero start, debiased": "debiased",
        "start at the first value": "first_value",
    },
    "tf_dynamic_decay": {
        "EMA (biased)": "biased",
        "EMA (TensorFlow dynamic decay)": "tensorflow",
        "EMA (debiased)": "debiased",
    },
}


def _live(at):
    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    found = [
        json.loads(e.proto.json)
        for e in walk(at._tree)
        if getattr(e, "type", None) == "bidi_component"
        and e.proto.component_name == "ema_lab_live_decay"
    ]
    assert len(found) <= 1
    return found[0] if found else None


def _chart(at, key):
    return next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(key)
    )


@pytest.mark.parametrize("page", list(FOLLOWED))
def test_a_page_hands_the_browser_its_series_and_which_line_is_which(page):
    at = open_page(page, {"decay": "0.95"})
    data = _live(at)
    key = LIVE_CHART[page]
    assert data is not None
    assert data["chart"] == key
    assert {line["name"]: line["variant"] for line in data["lines"]} == FOLLOWED[page]
    assert data["decays"] == list(DECAY_GRID)
    # The series is the signal the chart draws, every value of it, exactly.
    values = np.frombuffer(base64.b64decode(data["values"]), dtype="<f8")
    traces = {t["name"]: t for t in decoded(_chart(at, key))}
    signal = traces["signal"]["y"]
    assert len(values) == len(signal)
    np.testing.assert_array_equal(values.astype(signal.dtype), signal)
    assert set(FOLLOWED[page]) <= set(traces)


def test_what_the_browser_gets_does_not_change_with_the_decay():
    # So Streamlit sends it once: an element over 10 kB it has sent before goes as a reference.
    first = _live(open_page("smoothing", {"decay": "0.9"}))
    assert _live(open_page("smoothing", {"decay": "0.999"})) == first
    assert len(json.dumps(first)) > 10_000


def test_the_home_page_follows_only_the_decays_that_draw_its_signal():
    data = _live(open_page("home", {"decay": "0.9"}))
    live = [data["decays"][k] for k in data["live"]]
    assert 0.5 in live
    assert 0.99 in live
    assert 0.999 not in live  # five windows need 5,000 steps there: another signal


def test_a_line_drawn_decimated_is_left_to_the_server():
    # 5,000 values are drawn decimated by the lines' own shape, which moves with the decay.
    assert _live(open_page("smoothing", {"n": "2000"})) is not None
    assert _live(open_page("smoothing", {"n": "5000"})) is None
