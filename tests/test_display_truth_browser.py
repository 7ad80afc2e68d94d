"""The display-truth sweep in a real browser: every page at five decays, three screens.

At 1440×900 (a lecturer's screen), 390×844 (a phone) and inside a 700×500 iframe (a
blog's embed): every chart's title stays inside its chart, tables fit their column
without a sideways scroll, a phone page never scrolls sideways, the embed fits its
frame's width. A screenshot of each lands in ``test-artifacts/display/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_display_truth import DECAYS, query_for

from app_support import PAGES
from browser_support import ARTIFACTS, CHROMIUM, PAGE_DONE, chromium, streamlit_server

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"CI needs Debian's Chromium at {CHROMIUM} for the browser tests")
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "display"
SCREENS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def server():
    with streamlit_server(log=ARTIFACTS / "display-server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def url(base: str, page: str, decay: float, *, embed: bool = False) -> str:
    params = [(k, v) for k, vs in query_for(page, decay).items() for v in np_list(vs)]
    if embed:
        params.append(("embed", "true"))
    query = "&".join(f"{k}={v}" for k, v in params)
    return f"{base}/{(PAGES[page] and page) or ''}?{query}"


def np_list(value) -> list:
    return value if isinstance(value, list) else [value]


def settle(frame) -> None:
    frame.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    frame.wait_for_function(PAGE_DONE, timeout=60_000)
    frame.wait_for_timeout(600)


# Measured in the page: what sticks out where it should not.
OVERFLOWS = """() => {
    const out = [];
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
        const svg = gd.querySelector('.main-svg');
        const title = gd.querySelector('.gtitle');
        if (!svg || !title) continue;
        const s = svg.getBoundingClientRect(), t = title.getBoundingClientRect();
        if (t.right > s.right + 1 || t.left < s.left - 1)
            out.push(`title "${title.textContent}" runs past its chart`);
    }
    for (const el of document.querySelectorAll('.dvn-scroller'))
        if (el.scrollWidth > el.clientWidth + 2) out.push('a data frame scrolls sideways');
    for (const el of document.querySelectorAll('[data-testid="stTable"]'))
        if (el.scrollWidth > el.clientWidth + 2) out.push('a table scrolls sideways');
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    if (main.scrollWidth > main.clientWidth + 2)
        out.push(`the page scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
    return out;
}"""


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("decay", DECAYS)
@pytest.mark.parametrize("page", list(PAGES))
def test_nothing_clipped_or_overflowing(browser, server, page, decay, screen):
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        tab = context.new_page()
        tab.goto(url(server, page, decay))
        settle(tab)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"{page}-{decay:g}-{screen}.png"))
        problems = tab.evaluate(OVERFLOWS)
        assert not problems, f"{page} at β = {decay} on the {screen}: {problems}"
    finally:
        context.close()


@pytest.mark.parametrize("decay", DECAYS)
@pytest.mark.parametrize("page", list(PAGES))
def test_embed_fits_its_frame(browser, server, page, decay):
    context = browser.new_context(viewport={"width": 760, "height": 560})
    try:
        tab = context.new_page()
        src = url(server, page, decay, embed=True)
        tab.set_content(f'<iframe src="{src}" width="700" height="500" style="border:0"></iframe>')
        frame = tab.frame_locator("iframe")
        inner = next(f for f in tab.frames if f.url.startswith(server))
        settle(inner)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"{page}-{decay:g}-embed.png"))
        problems = inner.evaluate(OVERFLOWS)
        assert not problems, f"{page} at β = {decay} embedded: {problems}"
        first_title = frame.locator(".js-plotly-plot .gtitle").first
        box = first_title.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 500, "the first chart's title is below the frame"
    finally:
        context.close()
