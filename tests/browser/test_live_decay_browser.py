"""The decay answered in the browser (`ema_lab.ui.live_decay`): while the slider moves, the
main chart's EMA lines are computed in the page, equal to `ema_core`'s; the server is asked
once the reader lets go (a drag released, a burst of key presses over), and its chart is then
the same, number for number.

One tab per page walks several decays: arrow keys, End, Home, a drag. What the page computed
is read from the chart (``__emaLabLive``), what it drew from the line's SVG path, what the
server drew from Plotly's own data.
"""

from __future__ import annotations

import numpy as np
import pytest

import ema_core as ec
from app_support import LIVE_CHART
from browser_support import ARTIFACTS, CAUGHT_UP, CHARTS_FIT, settle
from ema_lab.lessons import bias_correction, home
from ema_lab.model.decay_scale import DECAY_GRID
from ema_lab.model.variants import VARIANTS
from ema_lab.plot.live_lines import BROWSER_VARIANTS
from ema_lab.ui import controls
from ema_lab.ui.live_decay import KEY, QUIET_MS, STATIC

# Each page's followed lines as `ema_core` computes them, written here, for its signal.
SMOOTHING_SIGNAL = controls.generated("noisy_sine", 1000, 0.3, 0)
BIAS_SIGNAL = controls.generated("noisy_constant", 200, 0.3, 0)
TF_SIGNAL = controls.generated("step", 2000, 0.3, 0)


def home_lines(decay):
    x = controls.generated(*home.view.signal_for(decay))
    return {"EMA": ec.ema_series(x, decay, initial=None)}


def smoothing_lines(decay, x=SMOOTHING_SIGNAL):
    return {
        VARIANTS["biased"].label: ec.ema_series(x, decay),
        VARIANTS["debiased"].label: ec.ema_series(x, decay, debias=True),
        VARIANTS["tensorflow"].label: ec.ema_series(x, ec.tf_decay(decay, np.arange(len(x)))),
    }


def bias_lines(decay):
    x, view = BIAS_SIGNAL, bias_correction.view
    return {
        view.ZERO_START: ec.ema_series(x, decay),
        view.DEBIASED: ec.ema_series(x, decay, debias=True),
        view.FIRST_VALUE: ec.ema_series(x, decay, initial=None),
    }


def tf_lines(decay):
    return smoothing_lines(decay, TF_SIGNAL)


PATHS = {
    "home": "",
    "smoothing": "smoothing",
    "bias_correction": "bias_correction",
    "tf_dynamic_decay": "tf_dynamic_decay",
}
FOLLOWED = {
    "home": home_lines,
    "smoothing": smoothing_lines,
    "bias_correction": bias_lines,
    "tf_dynamic_decay": tf_lines,
}

COMPUTED = """(key) => {
    // (null while a rerun replaces the chart)
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    const live = gd && gd.__emaLabLive;
    if (!live) return null;
    const lines = {};
    for (const [name, y] of Object.entries(live.lines || {})) lines[name] = Array.from(y);
    return { decay: live.decay, live: live.live, lines };
}"""

# The y of every point of a line's path, back from pixels through the chart's own axis.
DRAWN = """([key, name]) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    const trace = gd._fullData.find((t) => t.name === name);
    const d = gd.querySelector(`.trace${trace.uid} .js-line`).getAttribute('d');
    return d.slice(1).split(/[ML]/).map((p) => gd._fullLayout.yaxis.p2c(Number(p.split(',')[1])));
}"""

SERVER = """([key, name]) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    const k = gd._fullData.findIndex((t) => t.name === name);
    return gd.calcdata[k].map((p) => p.y);
}"""


def _check_stop(
    tab, page: str, decay: float, *, dragging: bool = False, server: bool = True
) -> None:
    """The browser's lines at ``decay``; while ``dragging`` (the server not asked yet) what
    the chart draws; with ``server``, the server's chart once it has caught up."""
    key = LIVE_CHART[page]
    expected = FOLLOWED[page](decay)
    computed = tab.wait_for_function(
        f"(d) => {{ const c = ({COMPUTED})('{key}'); return c && c.decay === d && c; }}",
        arg=decay,
        timeout=30_000,  # (a stop the browser cannot draw remounts the element on the way)
        polling=50,
    ).json_value()
    if page == "home" and len(home_lines(decay)["EMA"]) != len(home_lines(0.9)["EMA"]):
        # A slower decay draws a longer signal: the server draws it (the page waits, faded).
        assert computed["live"] is False
    else:
        assert computed["live"] is True
        assert set(computed["lines"]) == set(expected)
        for name, y in expected.items():
            np.testing.assert_allclose(computed["lines"][name], y, rtol=1e-12, atol=0)
            if dragging:  # drawn through every point (a line drawn whole: ≤ 2,000 of them)
                drawn = np.array(tab.evaluate(DRAWN, [key, name]))
                assert len(drawn) == len(y)
                span = float(np.ptp(y)) or 1.0
                np.testing.assert_allclose(drawn, y.astype(np.float32), atol=span / 500)
    if dragging or not server:
        return
    # The server's chart follows (the page no longer faded), equal to what the browser drew
    # (float32, as it sends it).
    tab.wait_for_function(CAUGHT_UP, timeout=30_000)
    if not computed["live"]:
        return
    for name, y in expected.items():
        server = np.array(tab.evaluate(SERVER, [key, name]), dtype=np.float64)
        np.testing.assert_array_equal(server, y.astype(np.float32))


@pytest.mark.parametrize("page", list(FOLLOWED))
def test_the_decay_moves_the_lines_in_the_browser_as_ema_core_computes_them(tabs, server, page):
    with tabs.open(1280, 800) as tab:
        sent: list[str] = []

        def heard(ws) -> None:
            ws.on("framesent", lambda p: sent.append(p))

        tab.on("websocket", heard)
        tab.goto(f"{server}/{PATHS[page]}?decay=0.9")
        settle(tab)
        key = LIVE_CHART[page]
        assert tab.locator(f'[class*="st-key-{KEY}"]').count() == 1
        slider = tab.locator(".st-key-decay").get_by_role("slider")
        slider.focus()
        at = DECAY_GRID.index(0.9)
        # The server's chart is compared at the first stop and at the drag's release.
        stops = ((["ArrowLeft"] * 3, at - 3), (["End"], len(DECAY_GRID) - 1), (["Home"], 0))
        for k, (keys, stop) in enumerate(stops):
            for key_name in keys:
                # At a quick reader's pace, 8 a second: three presses within a few
                # milliseconds once left the server a stop behind the slider in CI.
                tab.keyboard.press(key_name)
                tab.wait_for_timeout(120)
            _check_stop(tab, page, DECAY_GRID[stop], server=k == 0)
            if keys == ["End"] and page == "home":
                # A stop the browser cannot draw: its element goes, the server's chart stands,
                # and a redraw of that chart (a resize) leaves the page as it is. The gone
                # element's handler once faded it again, for 15 s.
                tab.wait_for_function("() => location.search.includes('decay=0.9999')")
                settle(tab, 100)
                tab.set_viewport_size({"width": 1000, "height": 800})
                tab.wait_for_function(CHARTS_FIT, timeout=10_000)
                tab.wait_for_timeout(200)
                assert tab.evaluate(CAUGHT_UP), "faded again after a resize"
                tab.set_viewport_size({"width": 1280, "height": 800})
        tab.wait_for_function(CAUGHT_UP, timeout=30_000)
        # A drag: the lines follow every move, and the server hears of it once, at the release.
        sent.clear()
        thumb = tab.locator(".st-key-decay [data-testid=stSliderThumbValue]").locator("xpath=..")
        box = thumb.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        tab.mouse.move(x, y)
        tab.mouse.down()
        decays = []
        for step in range(1, 9):
            tab.mouse.move(x + 12 * step, y)
            tab.wait_for_timeout(60)
            decays.append((tab.evaluate(COMPUTED, key) or {}).get("decay"))
        assert len(set(decays)) >= 4, decays  # the lines moved with the thumb
        _check_stop(tab, page, decays[-1], dragging=True)
        assert tab.evaluate("() => document.body.classList.contains('ema-lab-previewing')")
        # What still shows the last stop is faded: every chart but the one that follows.
        opacity = tab.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(
                (el) => [el.hasAttribute('aria-busy'), Number(getComputedStyle(el).opacity)])"""
        )
        assert [busy for busy, _ in opacity].count(True) == 1, opacity
        assert all(o == 1 if busy else o < 0.5 for busy, o in opacity), opacity
        tab.screenshot(path=str(ARTIFACTS / f"live-decay-{page}-mid-drag.png"))
        assert not sent, sent  # nothing yet
        tab.mouse.up()
        released = decays[-1]
        _check_stop(tab, page, released)
        assert len(sent) == 1  # the release
        assert (tab.evaluate(COMPUTED, key) or {}).get("decay") in (released, None)
        # Keys too: presses quicker than the slider's rest are one run, when it rests.
        tab.wait_for_function(CAUGHT_UP, timeout=30_000)
        sent.clear()
        slider.focus()
        tab.evaluate(
            """() => { window.__keyTimes = [];
            const note = (e) => window.__keyTimes.push(e.timeStamp);
            document.addEventListener("keydown", note, true); }"""
        )
        for _ in range(6):
            tab.keyboard.press("ArrowLeft")
            tab.wait_for_timeout(60)
        _check_stop(tab, page, DECAY_GRID[DECAY_GRID.index(released) - 6])
        # One run, and one more for each pause of the slider's rest between two presses (a
        # loaded machine may hold a press back that long); none for a press within it. (One
        # more message, seen once in 20 runs with four pages at once, is allowed: not yet
        # explained. Before, every press was a run: 5 or 6 messages here.)
        gaps = np.diff(tab.evaluate("window.__keyTimes"))
        assert len(gaps) == 5, gaps
        rests = int(np.sum(gaps >= QUIET_MS - 10))
        assert 1 <= len(sent) <= 2 + rests, (len(sent), gaps)
        tab.remove_listener("websocket", heard)


ENGINE_RUN = """([values, decay, initial]) => {
    const x = Float64Array.from(values, (v) => (v === null ? NaN : v));
    const out = {};
    for (const [name, compute] of Object.entries(EmaEngine.VARIANTS)) {
        const line = compute(x, decay, initial);
        out[name] = line === null ? null : Array.from(line, (v) => (Number.isNaN(v) ? null : v));
    }
    return out;
}"""


def test_the_browser_engine_is_ema_core_to_the_last_bit(tabs):
    # One engine for the live pages and the offline figures (ema_lab/static/ema_engine.js):
    # every variant it knows, on odd series, at the grid's ends and between.
    with tabs.open() as tab:
        tab.add_script_tag(
            content=(STATIC / "ema_engine.js").read_text() + "\nwindow.EmaEngine = EmaEngine;"
        )
        assert tab.evaluate("() => Object.keys(EmaEngine.VARIANTS)") == list(BROWSER_VARIANTS)
        rng = np.random.default_rng(7)
        gappy = rng.standard_normal(300)
        gappy[[5, 120]] = np.nan
        series = {
            "noise": rng.standard_normal(1000),
            "huge": rng.uniform(-1e300, 1e300, 200),  # past float32: drawn in float64
            "tiny": rng.standard_normal(200) * 1e-300,
            "a gap": gappy,
            "one value": np.array([3.0]),
        }
        for label, x in series.items():
            for decay in (0.0, 0.5, 0.9, 0.99905, 0.9999):
                for initial in (0.0, -2.5, None):
                    got = tab.evaluate(
                        ENGINE_RUN, [[None if np.isnan(v) else v for v in x], decay, initial]
                    )
                    want = {k: VARIANTS[k].compute(x, decay, initial) for k in BROWSER_VARIANTS}
                    for name, line in want.items():
                        drawn = np.array(got[name], dtype=np.float64)  # None -> nan
                        np.testing.assert_array_equal(
                            drawn, line, err_msg=f"{label} {name} {decay}"
                        )
