"""Share links, the embedded layout and the self-contained HTML export."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import ema_core as ec
from app_support import open_page
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, streamlit_server
from ema_lab import figures


def codes(at):
    return [c.value for c in at.code]


def test_share_panel_carries_every_non_default_control():
    at = open_page("smoothing", {"decay": "0.95", "signal": "step", "n": "2000"})
    link = next(c for c in codes(at) if c.startswith("http"))
    query = parse_qs(urlparse(link).query)
    assert query == {"decay": ["0.95"], "signal": ["step"], "n": ["2000"]}
    snippet = next(c for c in codes(at) if c.startswith("<iframe"))
    assert 'width="700" height="500"' in snippet
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(src).query)["embed"] == ["true"]


@pytest.mark.parametrize(
    "page", ["home", "bias_correction", "tf_dynamic_decay", "choosing_decay", "weights_lab"]
)
def test_every_page_has_a_share_panel(page):
    at = open_page(page)
    assert any(c.startswith("<iframe") for c in codes(at))


def test_chart_images_are_named_and_take_the_chosen_format():
    import json

    at = open_page("smoothing", {"image_format": "svg"})
    element = next(e for e in at.get("plotly_chart") if e.proto.id.endswith("smoothing_chart"))
    options = json.loads(element.proto.config)["toImageButtonOptions"]
    assert options["format"] == "svg"
    assert options["filename"] == "ema-lab_smoothing_chart"


def test_interactive_html_is_one_self_contained_file(tmp_path):
    x = ec.signals.generate("noisy_sine", 5000, noise=0.3)
    html = figures.scrubber_figure(x, initial=None).to_html(include_plotlyjs=True, full_html=True)
    assert len(html) > 3_000_000  # plotly.js is inside
    assert not re.search(r'<script[^>]+src="https?://', html)  # nothing to fetch


needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason=f"no Chromium at {CHROMIUM}"
)


@needs_chromium
def test_interactive_html_works_from_disk_with_the_network_blocked():
    sync_api = pytest.importorskip("playwright.sync_api")
    x = ec.signals.generate("random_walk", 20_000, noise=0.2, seed=1)
    path = ARTIFACTS / "ema-lab_scrubber.html"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        figures.scrubber_figure(x, initial=None).to_html(include_plotlyjs=True, full_html=True)
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1000, "height": 600})
        attempted = []

        def block(route):
            if route.request.url.startswith(("file:", "data:", "blob:")):
                route.continue_()
            else:
                attempted.append(route.request.url)
                route.abort()

        page.route("**/*", block)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=30_000)
        read = "() => Array.from(document.querySelector('.js-plotly-plot')._fullData[1].y)"
        before = np.array(page.evaluate(read))
        rail = page.locator(".slider-rail-rect").first
        box = rail.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)
        page.wait_for_function(
            "(b) => { const y = document.querySelector('.js-plotly-plot')._fullData[1].y;"
            " return y[y.length - 1] !== b; }",
            arg=float(before[-1]),
            timeout=10_000,
        )
        after = np.array(page.evaluate(read))
        page.screenshot(path=str(ARTIFACTS / "interactive-html-from-disk.png"))
        browser.close()
    assert not np.array_equal(before, after)
    # the frame shown is ema_core's EMA for one of the scrubber's decays
    steps = np.unique(np.linspace(0, 19_999, figures.SCRUBBER_POINTS).round().astype(int))
    candidates = [
        ec.ema_series(x, d, initial=None)[steps].astype(np.float32) for d in figures.SCRUBBER_DECAYS
    ]
    assert any(np.array_equal(after.astype(np.float32), c) for c in candidates)
    assert not attempted, attempted
    assert not errors, errors


@needs_chromium
def test_embedded_page_fits_a_700_by_500_iframe():
    sync_api = pytest.importorskip("playwright.sync_api")
    with (
        streamlit_server(log=ARTIFACTS / "embed-server.log") as base,
        sync_api.sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 760, "height": 560})
        src = f"{base}/smoothing?decay=0.95&signal=step&embed=true"
        page.set_content(f'<iframe src="{src}" width="700" height="500" style="border:0"></iframe>')
        frame = page.frame_locator("iframe")
        frame.locator(
            ".st-key-smoothing_chart .js-plotly-plot .scatterlayer .trace"
        ).first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "embedded-700x500.png"))
        inner = page.frames[1]
        # compact: no sidebar, no long prose, no share pop-over; the chart fits the frame
        assert inner.locator('[data-testid="stSidebar"]').count() == 0
        assert inner.get_by_text("Share or embed").count() == 0
        assert inner.locator('[data-testid="stMetric"]').count() == 0
        top = inner.evaluate(
            "() => document.querySelector('.st-key-smoothing_chart').getBoundingClientRect().top"
        )
        assert top < 250
        browser.close()
