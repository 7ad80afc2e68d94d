"""What a learner sees is right at every setting: every page at decays 0.5 to 0.9999.

AppTest half (this file): every number a title, caption or read-out states agrees with
`ema_core` and with its own words; no scientific notation in text meant for people;
curves that rise or fall show their change over a readable part of their axis; and
switching the unit of the decay keeps the decay in effect. The browser half, at
1440×900, 390×844 and in a 700×500 embed, is `test_display_truth_browser.py`.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import ema_core as ec
from app_support import DECAYS, OPENS_AT, PAGES, open_page, query_for, widget

SCIENTIFIC = re.compile(r"(?<![\w.])\d+(\.\d+)?[eE][+-]?\d+\b")
CLAIM = re.compile(r"the last ([\d,.]+) steps? holds? ([\d.]+)% of the weight")
LONGER = re.compile(r"the window 1/\(1−β\) = [\d,]+ steps is longer than the data")


def shown_text(at) -> list[str]:
    """Every piece of text the page shows: prose, read-outs, tables and every chart's words."""
    texts = [e.value for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("dataframe", "table"):
        for frame in at.get(kind):
            value = frame.value
            texts += [str(c) for c in value.columns]
            texts += [str(v) for v in value.to_numpy().ravel()]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec["layout"]
        texts.append(layout.get("title", {}).get("text", ""))
        for name, axis in layout.items():
            if name.startswith(("xaxis", "yaxis")):
                texts.append(axis.get("title", {}).get("text", ""))
        texts += [a.get("text", "") for a in layout.get("annotations", [])]
        texts += [t.get("name", "") for t in spec["data"]]
        texts += [str(t) for trace in spec["data"] for t in np.atleast_1d(trace.get("text", []))]
    return [t.replace("<br>", " ") for t in texts if t]


def chart_layouts(at) -> dict[str, dict]:
    return {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


@pytest.fixture(scope="module", params=[(p, d) for p in PAGES for d in DECAYS], ids=str)
def page_at(request):
    page, decay = request.param
    return page, decay, open_page(page, query_for(page, decay))


@pytest.mark.parametrize("page", list(OPENS_AT))
def test_a_bare_address_draws_the_decay_it_opens_at(page):
    # The browser sweeps load a page's bare address for the view at OPENS_AT (one load for
    # the accessibility, projector and display checks): it must be that view.
    bare, linked = open_page(page), open_page(page, query_for(page, OPENS_AT[page]))
    assert chart_layouts(bare) == chart_layouts(linked)
    assert shown_text(bare) == shown_text(linked)


def test_no_scientific_notation(page_at):
    page, decay, at = page_at
    for text in shown_text(at):
        # LaTeX and code spans may hold exponents (β^t); plain text may not hold 1e+04.
        prose = re.sub(r"\$[^$]*\$|`[^`]*`", "", text)
        assert not SCIENTIFIC.search(prose), f"{page} at β = {decay}: {text!r}"


def test_powers_are_written_as_superscripts(page_at):
    # As everywhere else ("1 − βᵗ"): a caret reads as code, "β^(t−k)" on the home stepper.
    page, decay, at = page_at
    for text in shown_text(at):
        prose = re.sub(r"\$[^$]*\$|`[^`]*`", "", text)
        assert "^" not in prose, f"{page} at β = {decay}: {text!r}"


def test_every_window_claim_matches_its_words(page_at):
    page, decay, at = page_at
    claims = [m for text in shown_text(at) for m in CLAIM.finditer(text)]
    if page == "smoothing" and ec.effective_window(decay) <= 1000:
        assert claims, "the smoothing chart states its window's share"
    elif page == "smoothing":  # its 1,000 steps are shorter than the window
        assert not claims
        assert any(LONGER.search(text) for text in shown_text(at))
    for match in claims:
        n = float(match.group(1).replace(",", ""))
        share = float(match.group(2))
        assert share == pytest.approx(100 * ec.weight_in_last(decay, n), abs=0.051)
        # whole steps, the nearest to 1/(1 − β): steps are counted, not measured
        assert match.group(1) == f"{max(1, round(ec.effective_window(decay))):,}"


def _axis_fraction(values: np.ndarray, axis: dict, data_x: np.ndarray) -> np.ndarray:
    """Where ``values`` sit along the axis, 0 at its start and 1 at its end."""
    log = axis.get("type") == "log"
    low, high = axis.get("range") or [
        np.log10(data_x.min()) if log else data_x.min(),
        np.log10(data_x.max()) if log else data_x.max(),
    ]
    pos = np.log10(values) if log else values
    return (pos - low) / (high - low)


def _transition(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """x where y has made 10% and 90% of its total change (first crossing)."""
    y0, y1 = y[0], y[-1]
    done = (y - y0) / (y1 - y0)
    return float(x[np.argmax(done >= 0.1)]), float(x[np.argmax(done >= 0.9)])


# The rising or falling curves, by page: (chart key, trace names or None for every one).
MOVING = {
    "bias_correction": [("factor_chart", ["1 − βᵗ: weight on the data"])],
    "tf_dynamic_decay": [("schedule_chart", ["TensorFlow: min(β, (1+t)/(10+t))"])],
    "choosing_decay": [("step_chart", None)],
}


def test_the_action_is_visible(page_at):
    page, decay, at = page_at
    for key, names in MOVING.get(page, []):
        spec = chart_layouts(at)[key]
        axis = spec["layout"].get("xaxis", {})
        for trace in spec["data"]:
            if names is not None and trace.get("name") not in names:
                continue
            if not trace.get("name", "").startswith(("β", "1 −", "TensorFlow")):
                continue
            x = np.asarray(_decode(trace["x"]), dtype=float)
            y = np.asarray(_decode(trace["y"]), dtype=float)
            if np.isclose(y[0], y[-1]):
                continue  # no change to show (TensorFlow's rule at β = 0.5 barely binds)
            start, end = _axis_fraction(np.array(_transition(x, y)), axis, x)
            where = f"{page} {key} {trace['name']} at β = {decay}"
            assert 0 <= start <= end <= 1, f"{where}: the change is off the axis"
            assert end - start >= 0.05, f"{where}: squeezed into {end - start:.1%} of the axis"


def _decode(values):
    if isinstance(values, dict) and "bdata" in values:
        import base64

        raw = base64.b64decode(values["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(values["dtype"]))
    return np.asarray(values)


@pytest.mark.parametrize("decay", DECAYS)
@pytest.mark.parametrize("unit", ["half-life", "window", "span"])
def test_switching_the_unit_keeps_the_decay(unit, decay):
    at = open_page("smoothing", {"decay": f"{decay:g}"})
    widget(at, "decay_by").set_value(unit).run()
    readout = next(c.value for c in at.caption if c.value.startswith("β ="))
    assert readout.startswith(f"β = {decay:.6g} ·"), readout
    widget(at, "decay_by").set_value("decay").run()
    assert widget(at, "decay").value == decay


UNGRAMMATICAL = re.compile(r"(?<![\d.,])1 (steps|samples|values|updates|batches|points)\b|\w\(s\)")


def test_counts_are_grammatical(page_at):
    page, decay, at = page_at
    for text in shown_text(at):
        assert not UNGRAMMATICAL.search(text), f"{page} at β = {decay}: {text!r}"
