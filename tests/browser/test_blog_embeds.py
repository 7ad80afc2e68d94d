"""Blog-ready: the live embed fits any column, and the offline figure carries the view.

The offline figure is checked as data (every curve is ema_core's, the slider's grid),
as a file (self-contained, under 5 MB) and in Chromium from ``file://`` inside a host
page with every other request refused. The live embed is checked in host pages with
columns of 700 px and 360 px: nothing overflows, nothing scrolls inside, the key and
the way back to EMA Lab are visible, and the decay still answers.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest

import ema_core as ec
from app_support import PAGES, open_page
from browser_support import ARTIFACTS, CHARTS_FIT, PAGE_DONE, press_slider
from ema_lab.model.site import BY_NAME
from ema_lab.model.site import PAGES as SITE_PAGES
from ema_lab.plot import offline
from ema_lab.plot.figures import raw_line
from ema_lab.ui.sharing import embed_snippet


def smoothing_view(n: int = 2000, decay: float = 0.95) -> offline.OfflineView:
    x = ec.signals.generate("noisy_sine", n, noise=0.3, seed=2)
    return offline.OfflineView(
        values=x,
        decay=decay,
        initial=0.5,
        title="noisy sine",
        moving=offline.standard_moving(["biased", "debiased", "tensorflow"]),
        fixed=(raw_line(x),),
    )


def floats(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype="<f4")


def _want(x: np.ndarray, d: float, initial: float = 0.5) -> dict[str, np.ndarray]:
    return {
        "biased": ec.ema_series(x, d, initial=initial),
        "debiased": ec.ema_series(x, d, initial=initial, debias=True),
        "tensorflow": ec.ema_series(x, ec.tf_decay(d, np.arange(len(x))), initial=initial),
    }


def test_the_file_carries_the_series_for_the_browser_engine():
    view = smoothing_view()
    data = offline.figure_data(view)
    decays = np.array(data["decays"])
    assert len(decays) >= 60
    assert decays[data["start"]] == 0.95  # opens at the page's β exactly
    assert (decays >= 0.99).sum() >= 20  # dense near 1
    assert data["frames"] is None
    values = np.frombuffer(base64.b64decode(data["values"]), dtype="<f8")
    np.testing.assert_array_equal(values, view.values)  # every value, exactly
    assert data["grid"] == (np.asarray(data["x"]) - 1).tolist()
    assert data["initial"] == 0.5
    assert [m["kind"] for m in data["moving"]] == ["biased", "debiased", "tensorflow"]
    assert data["labels"][data["start"]] == "β = 0.95 · window 20 steps · ema₀ = 0.5"


def test_a_series_too_long_to_carry_comes_as_ema_cores_frames():
    view = smoothing_view(offline.IN_BROWSER_MAX + 1)
    data = offline.figure_data(view)
    assert data["values"] is None
    steps = np.asarray(data["x"]) - 1
    for i in (0, data["start"], len(data["decays"]) - 1):
        want = _want(view.values, float(data["decays"][i]))
        for drawn, kind in zip(
            data["frames"][i], ("biased", "debiased", "tensorflow"), strict=True
        ):
            np.testing.assert_array_equal(floats(drawn), want[kind][steps].astype(np.float32))


@pytest.mark.parametrize("n", [1000, 1_000_000])
def test_one_self_contained_file_under_5_mb(n):
    html = offline.offline_html(smoothing_view(n))
    assert len(html.encode()) < 5_000_000
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?https?://", html)
    assert "plotly.js (basic - minified) v4.1.1" in html


def test_the_title_cannot_break_the_file():
    view = smoothing_view(100)
    hostile = offline.OfflineView(**{**view.__dict__, "title": "</script><b>__DATA__</b>"})
    html = offline.offline_html(hostile)
    assert "</script><b>" not in html
    assert html.count('<script id="ema-lab-data"') == 1


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("home", {"decay": "0.95"}),
        ("smoothing", {"decay": "0.95"}),
        ("bias_correction", {"decay": "0.95"}),
        ("tf_dynamic_decay", {"decay": "0.95"}),
        ("choosing_decay", {"decays": ["0.9", "0.99"]}),
        ("adam", {"decay": "0.95"}),
    ],
)
def test_time_chart_pages_offer_the_offline_figure(page, query):
    at = open_page(page, query, unfold=True)
    assert any(b.key == f"{page}_offline" for b in at.get("download_button"))
    snippets = [c.value for c in at.code if c.value.startswith("<iframe")]
    assert any(f'src="ema-lab_{page}.html"' in s for s in snippets)


@pytest.mark.browser
def test_offline_figure_from_disk_in_a_host_page(browser, tmp_path):
    pytest.importorskip("playwright.sync_api")
    view = smoothing_view(20_000, decay=0.99)
    (tmp_path / "ema-lab_smoothing.html").write_text(offline.offline_html(view))
    host = tmp_path / "post.html"
    host.write_text(
        "<!doctype html><html><body style='max-width:720px;margin:20px auto;font:16px serif'>"
        "<p>Some words of a blog post.</p>"
        + embed_snippet("ema-lab_smoothing.html", BY_NAME["smoothing"], "EMA Lab figure")
        + "<p>More words.</p></body></html>"
    )
    data = offline.figure_data(view)
    for scheme in ("light", "dark"):
        _check_offline_page(browser, host, data, scheme)


def _check_offline_page(browser, host: Path, data: dict, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 760, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    refused, errors = [], []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(host.as_uri())
    frame = next(f for f in page.frames if f.url.endswith("ema-lab_smoothing.html"))
    frame.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=30_000)
    read = """(name) => Array.from(document.querySelector('.js-plotly-plot')._fullData
        .find(t => t.name === name).y)"""
    x, steps = smoothing_view(data["n"], decay=0.99).values, np.asarray(data["grid"])
    start = np.array(frame.evaluate(read, "EMA (biased)"))
    # Computed in the file by the browser engine: ema_core's numbers, in float64.
    at = lambda k: _want(x, data["decays"][k])["biased"][steps]  # noqa: E731
    np.testing.assert_allclose(start, at(data["start"]), rtol=1e-12, atol=0)
    assert frame.locator("#readout").inner_text().startswith("β = 0.99 ·")
    page.screenshot(path=str(ARTIFACTS / f"offline-in-a-post-{scheme}.png"))
    names = frame.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.name)"
    )
    assert set(names) == {"signal", "EMA (biased)", "EMA (debiased)",
                          "EMA (TensorFlow dynamic decay)"}  # fmt: skip
    page.wait_for_timeout(5000)  # it must not move by itself
    np.testing.assert_array_equal(np.array(frame.evaluate(read, "EMA (biased)")), start)
    assert frame.locator("#decay").input_value() == str(data["start"])
    # Arrow keys step through the grid; the slider jumps anywhere.
    frame.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    frame.wait_for_timeout(200)
    moved = np.array(frame.evaluate(read, "EMA (biased)"))
    np.testing.assert_allclose(moved, at(data["start"] + 1), rtol=1e-12, atol=0)
    for k in (len(data["decays"]) - 1, 0):  # the other lines too, at both ends
        frame.locator("#decay").fill(str(k))
        frame.wait_for_timeout(200)
        want = _want(x, data["decays"][k])
        for kind, name in (("debiased", "EMA (debiased)"),
                           ("tensorflow", "EMA (TensorFlow dynamic decay)")):  # fmt: skip
            drawn = np.array(frame.evaluate(read, name))
            np.testing.assert_allclose(drawn, want[kind][steps], rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        np.array(frame.evaluate(read, "EMA (biased)")), at(0), rtol=1e-12, atol=0
    )
    # Tick labels stay inside the figure.
    outside = frame.evaluate(
        """() => {
            const svg = document.querySelector('.js-plotly-plot .main-svg')
                .getBoundingClientRect();
            return Array.from(document.querySelectorAll('.xtick text, .ytick text'))
                .filter(t => {
                    const b = t.getBoundingClientRect();
                    return b.left < svg.left - 1 || b.right > svg.right + 1;
                }).map(t => t.textContent);
        }"""
    )
    assert outside == [], outside
    # Light whatever the reader's system says: dark, it was a black block in a light post.
    background = frame.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)", (scheme, background)
    assert not refused, refused
    assert not errors, errors
    context.close()


# The live page inside a blog's column: 700 px on a laptop, 360 px on a phone.
HOST = (
    "<!doctype html><html><body style='margin:0'><div style='width:{w}px;margin:0 auto'>"
    "<p>A paragraph of the post.</p>{snippet}<p>The next paragraph.</p></div></body></html>"
)

QUERIES = {p.name or "home": p.sample_query for p in SITE_PAGES}

FITS = """() => {
    const doc = document.scrollingElement || document.documentElement;
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    return {
        sideways: Math.max(doc.scrollWidth - doc.clientWidth, main.scrollWidth - main.clientWidth),
        below: Math.max(doc.scrollHeight - doc.clientHeight, main.scrollHeight - main.clientHeight),
        height: Math.max(doc.scrollHeight, main.scrollHeight),
    };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("page", list(PAGES))
def test_live_embed_fits_a_blog_column(browser, server, page):
    # One load: the column is 700 px (a laptop), then 360 px (a phone), as a reader's window
    # narrows; the page inside lays out as one loaded there (`browser_support.Views`).
    pytest.importorskip("playwright.sync_api")
    path = "" if PAGES[page] is None else page
    src = f"{server}/{path}?{QUERIES[page]}&embed=true"
    key = "" if page == "home" else page
    snippet = embed_snippet(src, BY_NAME[key], "EMA Lab")
    # A context of its own: in a tab that had shown a page and then about:blank, Chromium
    # loaded no frame of this server into a page written by set_content (an error page).
    context = browser.new_context(viewport={"width": 730, "height": 900})
    tab = context.new_page()
    tab.set_content(HOST.format(w=700, snippet=snippet))
    tab.frame_locator("iframe").locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    frame = next(f for f in tab.frames if f.url.startswith(server))
    frame.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
    frame.wait_for_function(PAGE_DONE)
    frame.wait_for_timeout(800)
    for width in (700, 360):
        if width != 700:
            tab.set_viewport_size({"width": width + 30, "height": 900})
            tab.evaluate(f"() => {{ document.querySelector('div').style.width = '{width}px'; }}")
            frame.wait_for_function(PAGE_DONE)
            frame.wait_for_timeout(50)
            frame.wait_for_function(CHARTS_FIT, timeout=10_000)
        tab.screenshot(path=str(ARTIFACTS / f"blog-{page}-{width}.png"), full_page=True)
        fit = frame.evaluate(FITS)
        where = f"{page} in a {width} px column"
        assert fit["sideways"] <= 1, f"{where}: scrolls sideways"
        assert fit["below"] <= 1, (
            f"{where}: {fit['height']} px in a {BY_NAME[key].embed_height} px frame"
        )
        link = frame.get_by_text("Open in EMA Lab")
        assert link.count() == 1
        box = link.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= BY_NAME[key].embed_height + 1, where
        # A phone's column has no hover: Plotly's tool bar would sit over the curves.
        bars = frame.locator(".modebar-container")
        shown = bars.evaluate_all("bs => bs.map(b => getComputedStyle(b).display !== 'none')")
        assert not any(shown) if width <= 640 else all(shown), (where, shown)
    if page == "smoothing":  # the decay still answers inside the frame
        before = frame.evaluate(
            "() => Array.from(document.querySelector('.js-plotly-plot')._fullData[1].y)"
        )
        press_slider(frame, "decay β")
        frame.wait_for_function(
            """(b) => { const gd = document.querySelector('.js-plotly-plot');
                        if (!gd || !gd._fullData || !gd._fullData[1]) return false;
                        return Array.from(gd._fullData[1].y).some((v, i) => v !== b[i]); }""",
            arg=before,
            timeout=30_000,
        )
    context.close()


def test_embed_heights_cover_every_page():
    assert {p.name for p in SITE_PAGES} == {"" if p == "home" else p for p in PAGES}
    for page in SITE_PAGES:
        assert 300 <= page.embed_height <= 900


def test_offline_data_reads_back_as_json():
    html = offline.offline_html(smoothing_view(100))
    blob = html.split('<script id="ema-lab-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(blob.replace("<\\/", "</"))["n"] == 100


@pytest.mark.browser
@pytest.mark.parametrize("hostile", ["<!--<script>", "</script><b>x</b>", "<!-- & -->"])
def test_a_hostile_name_leaves_the_offline_figure_working(tabs, tmp_path, hostile):
    # A file's or column's name reaches the offline figure's title and its JSON: an HTML
    # comment opener inside the script's data once swallowed its end and drew nothing.
    pytest.importorskip("playwright.sync_api")
    view = smoothing_view(500)
    hostile_view = offline.OfflineView(**{**view.__dict__, "title": f"{hostile}.csv: loss"})
    path = tmp_path / "figure.html"
    path.write_text(offline.offline_html(hostile_view))
    with tabs.open() as page:
        page.goto(path.as_uri())
        page.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for(timeout=30_000)
        assert page.locator("#title").inner_text() == f"{hostile}.csv: loss"
        # plotly.js, the engine, the data and the figure's own: nothing the name brought in
        assert page.evaluate("() => document.querySelectorAll('script').length") == 4


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 700])
def test_the_offline_figure_in_a_narrow_column_and_on_a_dark_blog(tabs, tmp_path, width):
    # At 360 px the x axis' title overprinted the source line: the chart's box shrank when
    # the source wrapped, and Plotly followed only the window. A dark blog asks for #dark.
    pytest.importorskip("playwright.sync_api")
    file = tmp_path / "figure.html"
    file.write_text(offline.offline_html(smoothing_view(1000)))
    with tabs.open(width, 560) as page:
        for hash_, background in (("", "rgb(255, 255, 255)"), ("#dark", "rgb(14, 17, 23)")):
            page.goto(file.as_uri() + hash_)
            page.reload()
            page.wait_for_selector(".js-plotly-plot .g-xtitle", timeout=30_000)
            page.wait_for_timeout(500)
            title, source = page.evaluate(
                """() => [document.querySelector('.g-xtitle').getBoundingClientRect().bottom,
                          document.getElementById('source').getBoundingClientRect().top]"""
            )
            assert title <= source + 0.5, (title, source)
            assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == (
                background
            )
            page.screenshot(path=str(ARTIFACTS / f"offline-{width}{hash_.replace('#', '-')}.png"))


def test_the_adam_figure_trains_adam_again_at_every_decay_of_its_slider():
    # Its lines are Adam's step lengths, not EMAs of a signal: each frame is both runs,
    # written here from ema_core.training, at that frame's β₁ (β₂ and η as on the page).
    from ema_lab.lessons.adam import view as adam

    data = offline.figure_data(adam.offline(0.95, 0.99, 0.02, "http://localhost/adam"))
    assert data["decays"][data["start"]] == 0.95
    assert data["symbol"] == "β₁"
    assert data["log_axes"] == [True, True]
    assert data["n"] == data["points"] == adam.STEPS
    assert [m["name"] for m in data["moving"]] == ["without bias correction",
                                                  "with bias correction (Adam)"]  # fmt: skip
    problem = ec.training.least_squares(adam.SEED)
    for k in (0, data["start"], len(data["decays"]) - 1):
        beta1 = data["decays"][k]
        runs = [
            ec.training.adam(problem, learning_rate=0.02, steps=adam.STEPS,
                             batch_size=adam.BATCH, seed=adam.SEED, beta1=beta1, beta2=0.99,
                             eps=adam.EPS, bias_correction=corrected)
            for corrected in (False, True)
        ]  # fmt: skip
        for drawn, run in zip(data["frames"][k], runs, strict=True):
            lengths = np.linalg.norm(run.updates, axis=1).astype("<f4")
            np.testing.assert_array_equal(floats(drawn), lengths)
        ratio = float(np.linalg.norm(runs[0].updates[0]) / np.linalg.norm(runs[1].updates[0]))
        assert data["labels"][k].startswith(f"β₁ = {beta1:.6g} ·")
        assert f"step 1 is {ratio:.3g} times" in data["labels"][k]


@pytest.mark.browser
def test_the_adam_figure_draws_on_log_axes_and_its_slider_says_beta1(tabs, tmp_path):
    pytest.importorskip("playwright.sync_api")
    from ema_lab.lessons.adam import view as adam

    view = adam.offline(0.9, 0.999, 0.05, "")
    data = offline.figure_data(view)
    file = tmp_path / "ema-lab_adam.html"
    file.write_text(offline.offline_html(view))
    with tabs.open(700, 500) as page:
        page.goto(file.as_uri())
        page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=30_000)
        axes = page.evaluate(
            """() => { const l = document.querySelector('.js-plotly-plot')._fullLayout;
                       return [l.xaxis.type, l.yaxis.type]; }"""
        )
        assert axes == ["log", "log"]
        slider = page.get_by_role("slider", name="decay β₁")
        assert page.locator("label[for=decay]").inner_text() == "β₁"
        read = """() => Array.from(document.querySelector('.js-plotly-plot')._fullData
            .find(t => t.name === 'with bias correction (Adam)').y)"""
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        moved = np.array(page.evaluate(read))
        np.testing.assert_array_equal(moved, floats(data["frames"][data["start"] + 1][1]))
        assert page.locator("#readout").inner_text() == data["labels"][data["start"] + 1]
        page.screenshot(path=str(ARTIFACTS / "offline-adam.png"))
