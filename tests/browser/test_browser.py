"""Every page in a real browser: Debian's Chromium driven by Playwright.

Each test checks what a person would: the charts paint, the console stays free of
errors, nothing is fetched from any host but the app's, a keyboard move of a
slider updates the chart and the URL, and a deep link reproduces its view.
Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import ema_core as ec
from app_support import drawn
from browser_support import ARTIFACTS, PAGE_DONE, press_slider, streamlit_server
from ema_lab.ui import first_paint

pytest.importorskip("playwright.sync_api")

# The page path, the label of the slider a keyboard user moves, and the trace it changes.
PAGES = {
    "": ("decay β", "home_chart", "EMA"),
    "smoothing": ("decay β", "smoothing_chart", "EMA (biased)"),
    "bias_correction": ("decay β", "bias_chart", "zero start (biased)"),
    "tf_dynamic_decay": ("decay β", "schedule_chart", "TensorFlow: min(β, (1+t)/(10+t))"),
    "choosing_decay": ("length n", "compare_chart", "β = 0.9"),
    "weights_lab": ("decay β", "loss_chart", "constant decay"),
    "adam": ("decay β", "adam_steps_chart", "with bias correction (Adam)"),
    "batch_norm": ("framework", "batchnorm_mean_chart", "PyTorch momentum=0.1"),
    "training_curves": ("smoothing", "curves_chart", "TensorBoard (smoothed)"),
}


class Watched:
    """A page whose console errors and requests outside its server are recorded, in a tab
    lent by `browser_support.Tabs` (the listeners go with `close`, the tab goes back)."""

    def __init__(self, tab, base: str):
        self.page = tab
        self.errors: list[str] = []
        self.outside: list[str] = []
        self._host = urlparse(base).netloc
        self._listeners = {
            "console": self._console,
            "pageerror": lambda exc: self.errors.append(f"pageerror: {exc}"),
            "request": self._request,
        }
        for event, listener in self._listeners.items():
            tab.on(event, listener)

    def _request(self, request) -> None:
        # Recorded rather than blocked: blocking (a route) turns the browser's cache off
        # for the page, and this machine has no network to reach anyway.
        url = request.url
        if urlparse(url).netloc not in (self._host, "") and not url.startswith(("data:", "blob:")):
            self.outside.append(url)

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        # Opened at /<page>, Streamlit's page first asks /<page>/_stcore/health (and
        # host-config), gets a 404, and asks the root (streamlit/streamlit#7074): a probe it
        # recovers from, not an error. The same at the root would be one.
        path = urlparse(url).path
        if "404" in msg.text and "/_stcore/" in path and not path.startswith("/_stcore/"):
            return
        self.errors.append(f"{msg.text} @ {url}")

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_function(PAGE_DONE, timeout=60_000)
        self.page.wait_for_timeout(300)

    def trace(self, chart_key: str, name: str) -> np.ndarray:
        # _fullData holds the arrays plotly.js decoded from the figure's binary ``bdata``.
        js = """([key, name]) => {
            const box = document.querySelector(`.st-key-${key}`) || document;
            for (const gd of box.querySelectorAll('.js-plotly-plot')) {
                for (const t of gd._fullData || []) if (t.name === name) return Array.from(t.y);
            }
            return null;
        }"""
        values = self.page.evaluate(js, [chart_key, name])
        assert values is not None, f"no trace {name!r} in {chart_key}"
        return np.asarray(values, dtype=float)

    def wait_for_change(self, chart_key: str, name: str, before: np.ndarray) -> None:
        """Until the trace ``name`` of ``chart_key`` differs from ``before``, then settled."""
        self.page.wait_for_function(
            """([chart, name, before]) => {
                const box = document.querySelector(`.st-key-${chart}`);
                for (const gd of box.querySelectorAll('.js-plotly-plot'))
                    for (const t of gd._fullData || []) if (t.name === name)
                        return t.y.length !== before.length
                            || Array.from(t.y).some((v, i) => v !== before[i]);
                return false;
            }""",
            arg=[chart_key, name, before.tolist()],
            timeout=30_000,
        )
        self.settle()

    def close(self) -> None:
        for event, listener in self._listeners.items():
            self.page.remove_listener(event, listener)


@contextlib.contextmanager
def watching(tabs, base: str) -> Iterator[Watched]:
    with tabs.open(1400, 1500) as tab:
        w = Watched(tab, base)
        try:
            yield w
        finally:
            w.close()


@pytest.fixture
def watched(tabs, server):
    with watching(tabs, server) as w:
        yield w


SLIDER_PAGES = [p for p in PAGES if p != "batch_norm"]  # its momentum is typed: see below


@pytest.mark.parametrize("path", SLIDER_PAGES, ids=lambda p: p or "home")
def test_page_paints_quietly_and_follows_the_keyboard(watched, server, path):
    label, chart, name = PAGES[path]
    watched.open(f"{server}/{path}")
    painted = watched.page.locator(".js-plotly-plot .scatterlayer .trace").count()
    assert painted > 0
    watched.page.screenshot(path=str(ARTIFACTS / f"page-{path or 'home'}.png"))

    before = watched.trace(chart, name)
    press_slider(watched.page, label)
    key = {"length n": "n", "smoothing": "smoothing"}.get(label, "decay")
    watched.page.wait_for_function(
        f"() => new URLSearchParams(location.search).has('{key}')", timeout=30_000
    )
    watched.wait_for_change(chart, name, before)
    assert not np.array_equal(watched.trace(chart, name), before)
    assert not watched.errors, watched.errors
    assert not watched.outside, watched.outside


def wait_for_query(page, expected: dict) -> None:
    page.wait_for_function(
        """(want) => { const q = new URLSearchParams(location.search);
                       return Object.entries(want).every(([k, v]) => q.get(k) === v); }""",
        arg=expected,
        timeout=30_000,
    )


def test_batch_norm_by_the_keyboard_alone(watched, server):
    import ema_core as ec
    from ema_lab.lessons.batch_norm import view as bn_view

    watched.open(f"{server}/batch_norm")
    watched.page.screenshot(path=str(ARTIFACTS / "page-batch_norm.png"))
    box = watched.page.get_by_label("momentum", exact=True)
    box.focus()
    box.press("Control+a")
    box.press_sequentially("0.3")
    box.press("Enter")
    wait_for_query(watched.page, {"momentum": "0.3"})
    watched.page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(gd =>"
        " (gd._fullData || []).some(t => t.name === 'PyTorch momentum=0.3'))",
        timeout=30_000,
    )
    watched.settle()
    s = bn_view.stream(1000, 32, 1.0, 1.0, 0)
    mean, _ = ec.batchnorm_running_stats(s.batches, 0.3, convention="pytorch")
    drawn = watched.trace("batchnorm_mean_chart", "PyTorch momentum=0.3")
    np.testing.assert_array_equal(drawn, mean[:, 0].astype(np.float32))
    # The framework radio by arrow key: the same EMA in Keras' words.
    watched.page.get_by_role("radio", name="pytorch").focus()
    watched.page.keyboard.press("ArrowRight")
    wait_for_query(watched.page, {"convention": "keras", "momentum": "0.7"})
    # The address changes before the rerun that draws it: under load it had not begun
    # when the page first looked whole.
    watched.page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(gd =>"
        " (gd._fullData || []).some(t => t.name === 'Keras momentum=0.7'))",
        timeout=30_000,
    )
    watched.settle()
    keras = ("batchnorm_mean_chart", "Keras momentum=0.7")
    np.testing.assert_array_equal(watched.trace(*keras), drawn)
    # The address shown, opened fresh, draws the same.
    watched.open(watched.page.url)
    assert watched.page.get_by_label("momentum", exact=True).input_value() == "0.7000"
    np.testing.assert_array_equal(watched.trace(*keras), drawn)
    assert not watched.errors, watched.errors
    assert not watched.outside, watched.outside


def test_a_tensorboard_export_uploaded_in_the_browser_is_drawn_exactly(watched, server, tmp_path):
    import ema_core as ec

    steps = np.arange(0, 5000, 25)
    values = np.float32(2 * np.exp(-steps / 1500) + 0.1 * np.sin(steps / 37))
    lines = ["Wall time,Step,Value"] + [
        f"{1.7e9 + i:.1f},{s},{float(v)!r}"
        for i, (s, v) in enumerate(zip(steps, values, strict=True))
    ]
    path = tmp_path / "run-mine-tag-val_loss.csv"
    path.write_text("\n".join(lines) + "\n")
    watched.open(f"{server}/training_curves?smoothing=0.9")
    watched.page.get_by_text("your own curve (CSV upload)").click()
    watched.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    watched.page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(t => t.textContent.startsWith('val_loss'))",
        timeout=60_000,
    )
    watched.settle()
    drawn = watched.trace("curves_chart", "TensorBoard (smoothed)")
    want = ec.tensorboard_smoothing(values.astype(np.float64), 0.9).astype(np.float32)
    np.testing.assert_array_equal(drawn, want)
    watched.page.screenshot(path=str(ARTIFACTS / "training_curves-upload.png"), full_page=True)
    assert not watched.errors, watched.errors
    assert not watched.outside, watched.outside


def test_posthoc_width_moves_with_the_keyboard(watched, server):
    # The weights lab rebuilds any width from stored snapshots, without retraining.
    watched.open(f"{server}/weights_lab?posthoc_sigma=0.07")
    name = "power EMA, rebuilt post hoc"
    section = watched.page.get_by_text("Choose the length after training")
    section.scroll_into_view_if_needed()
    before = watched.trace("posthoc_loss_chart", name)
    press_slider(watched.page, "σ_rel to rebuild")
    watched.page.wait_for_function(
        "() => new URLSearchParams(location.search).get('posthoc_sigma') === '0.0725'",
        timeout=30_000,
    )
    watched.wait_for_change("posthoc_loss_chart", name, before)
    after = watched.trace("posthoc_loss_chart", name)
    assert not np.array_equal(after, before)
    assert watched.page.get_by_text("σ_rel = 0.0725 (γ").count() >= 1
    watched.page.screenshot(path=str(ARTIFACTS / "weights-lab-posthoc.png"))
    assert not watched.errors, watched.errors
    assert not watched.outside, watched.outside


def test_a_folded_worked_example_loads_its_editor_only_once_opened(watched, server):
    watched.open(f"{server}/bias_correction")
    grid = watched.page.locator('[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]')
    assert grid.count() == 0
    assert watched.page.locator(".st-key-keras_replay").count() == 0
    watched.page.get_by_text("Keras' documented example, step by step").click()
    watched.page.wait_for_selector(".st-key-keras_replay table", timeout=60_000)
    watched.settle()
    assert grid.count() > 0  # the data editor, now that the reader asked for it
    # Keras' documented step: x = 0.2 after one update of 2.0, and 2.0 once debiased.
    cells = [c.strip() for c in watched.page.locator(".st-key-keras_replay td").all_inner_texts()]
    assert [float(c) for c in cells[2:]] == [0.2, 0.1, 2.0], cells
    watched.page.screenshot(path=str(ARTIFACTS / "bias-keras-example-open.png"))
    assert not watched.errors, watched.errors
    assert not watched.outside, watched.outside


def test_time_aware_ema_on_gappy_real_data(watched, server):
    watched.open(f"{server}/smoothing?signal=mauna_loa_co2&decay=0.9")
    co2 = ec.signals.mauna_loa_co2()
    shown = watched.trace("smoothing_chart", "EMA (time-aware)")
    assert len(shown) > 1000
    assert watched.page.get_by_text("22 gaps shaded").count() >= 1
    zoom = watched.page.locator(".st-key-gap_chart .js-plotly-plot .scatterlayer .trace")
    assert zoom.count() == 3
    gap = watched.page.locator(".st-key-gap_chart")
    gap.scroll_into_view_if_needed()
    watched.page.screenshot(path=str(ARTIFACTS / "time-aware-co2.png"))
    assert shown.min() >= co2.values.min() - 1e-3
    assert not watched.errors, watched.errors
    assert not watched.outside, watched.outside


def test_deep_link_reproduces_the_view(watched, server):
    watched.open(f"{server}/smoothing?signal=step&n=2000&decay=0.95&initial=0.5&noise=0.1&seed=3")
    x = ec.signals.generate("step", 2000, noise=0.1, seed=3)
    np.testing.assert_array_equal(
        watched.trace("smoothing_chart", "EMA (debiased)"),
        drawn(ec.ema_series(x, 0.95, initial=0.5, debias=True)),
    )
    query = parse_qs(urlparse(watched.page.url).query)
    assert query["decay"] == ["0.95"]
    assert query["signal"] == ["step"]
    assert watched.page.get_by_text("β = 0.95 · window 20").count() >= 1
    watched.page.screenshot(path=str(ARTIFACTS / "deep-link-smoothing.png"))
    assert not watched.errors, watched.errors


@pytest.mark.parametrize(
    ("path", "chart"), [("smoothing", "smoothing_chart"), ("weights_lab", "contour_chart")]
)
def test_first_load_paints_the_chart_first_then_the_whole_page_around_it(
    watched, server, path, chart, request
):
    # A fresh session stops at the main chart; the watcher reruns for the whole page.
    # What the page held when the chart was first painted, noted in the page itself (by a
    # script the tab keeps for every page it loads: it is not lent again).
    page = watched.page
    request.addfinalizer(page.close)
    page.add_init_script(
        f"""(() => {{
            const note = () => {{
                const svg = document.querySelector('.st-key-{chart} .js-plotly-plot .main-svg');
                if (!svg) return requestAnimationFrame(note);
                window.__firstPlot = svg.closest('.js-plotly-plot');
                window.__first = {{
                    top: window.__firstPlot.getBoundingClientRect().top,
                    widgets: document.querySelectorAll('[data-testid="stMain"] '
                        + ':is([data-testid="stSlider"], input, [role="radiogroup"])').length,
                }};
            }};
            requestAnimationFrame(note);
            // The watcher comes in the first run's last message, which may arrive after the
            // chart's paint: seen at any time, it says that the first run stopped there.
            new MutationObserver((_, seen) => {{
                if (!document.querySelector('.st-key-{first_paint.WATCHER}')) return;
                window.__watcherSeen = true;
                seen.disconnect();
            }}).observe(document, {{ childList: true, subtree: true }});
        }})()"""
    )
    page.goto(f"{server}/{path}?decay=0.95&n=500&steps=500")
    page.wait_for_function("() => window.__first", timeout=60_000)
    first = page.evaluate("window.__first")
    assert first["widgets"] == 0, first  # the chart came alone
    watched.settle()
    assert page.evaluate("window.__watcherSeen === true"), "no first run stopped at the chart"
    after = page.evaluate(
        """(chart) => ({
            same: document.querySelector(`.st-key-${chart} .js-plotly-plot`) === window.__firstPlot,
            top: window.__firstPlot.getBoundingClientRect().top,
            sliders: document.querySelectorAll('[data-testid="stMain"] [data-testid="stSlider"]')
                .length,
        })""",
        chart,
    )
    assert after["same"], "the chart was drawn a second time"
    assert after["sliders"] >= 2, after
    # Blanks of the widgets' heights held their places: the chart barely moved.
    assert abs(after["top"] - first["top"]) <= 40, (first, after)
    # Every widget shows the link's value (the first run left none behind in the session).
    decay = page.locator('[data-testid="stSlider"]').filter(has_text="decay β")
    assert decay.get_by_text("0.95", exact=True).count() == 1
    wanted = "length n" if path == "smoothing" else "steps"
    steps = page.locator('[data-testid="stSlider"]').filter(has_text=wanted)
    assert steps.get_by_text("500", exact=True).count() == 1
    page.screenshot(path=str(ARTIFACTS / f"first-load-{path}.png"))
    assert not watched.errors, watched.errors


def test_long_series_sends_a_small_chart(watched, server):
    watched.open(f"{server}/smoothing?n=1000000")
    for name in ("signal", "EMA (biased)", "EMA (debiased)", "EMA (TensorFlow dynamic decay)"):
        assert len(watched.trace("smoothing_chart", name)) <= 2000
    assert not watched.errors, watched.errors


# Two pages, each on a server of its own: every page meets a fresh server's first deep link
# the same way, by its first line (`frame.rerun_unless_routed`, which
# tests/views/test_views.py::test_pages_only_lay_out requires of every page). The two
# are the one with a fragment and the one with an uploader before its chart.
@pytest.mark.parametrize("path", ["smoothing", "training_curves"], ids=str)
def test_deep_link_on_a_fresh_server_renders_that_page(tabs, path):
    # A fresh server has never run app.py: the deep link alone must give the full page.
    with streamlit_server(log=ARTIFACTS / f"fresh-{path}.log") as base, watching(tabs, base) as w:
        w.open(f"{base}/{path}?decay_by=decay")
        _, chart, name = PAGES[path]
        assert len(w.trace(chart, name)) > 0
        # The router's navigation: a link to every page in the sidebar.
        links = w.page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
        present = links.filter(has_text="Presenter view")
        assert present.count() == 1  # and the way to the presenter view
        assert links.count() - present.count() == len(PAGES)
        assert not w.errors, w.errors


def test_server_log_stays_clean(server, watched):
    # Runs after the page tests on the same server (file order): no traceback, no
    # error, and no attempt to reach outside (the external-IP look-up is configured away).
    watched.open(f"{server}/smoothing?n=100")
    log = server.log.read_text()
    assert "Traceback" not in log
    assert "Error" not in log
    assert "external IP" not in log
