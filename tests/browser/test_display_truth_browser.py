"""The display-truth sweep in a real browser: every page at five decays, three screens,
and at its extreme decays on a lecture hall's screens.

At 1440×900 (a lecturer's screen), 390×844 (a phone) and inside a 700×500 iframe (a
blog's embed), and at 1280×720, 1024×768 and 1280 px at 200% zoom: every chart's title
stays inside its chart, tables and formulas fit their column without a sideways scroll,
metrics are not cut, a page never scrolls sideways, the embed fits its frame's width. A
screenshot of each lands in ``test-artifacts/display/``.
"""

from __future__ import annotations

import pytest
from test_display_truth import DECAYS, query_for

from app_support import PAGES
from browser_support import ARTIFACTS, PAGE_DONE

pytest.importorskip("playwright.sync_api")

SHOTS = ARTIFACTS / "display"
SCREENS = {"desktop": (1440, 900), "phone": (390, 844)}
BATCH_NORM_MOMENTA = ("0.01", "0.1", "0.5", "0.9", "0.99", "0.999")


# Every page at every decay; batch norm at PyTorch's momenta too (β down to 0.001), the
# training curves at TensorBoard's ends and default.
CASES = (
    [(page, query_for(page, decay)) for page in PAGES for decay in DECAYS]
    + [("batch_norm", {"convention": "pytorch", "momentum": m}) for m in BATCH_NORM_MOMENTA]
    + [("training_curves", {"smoothing": s}) for s in ("0", "0.6")]
    + [("weights_lab", {"posthoc_sigma": "0.07"})]  # the post-hoc section, opened
)


def case_id(case) -> str:
    page, query = case
    return f"{page}-" + "-".join(str(v) for v in query.values())


def url(base: str, page: str, query: dict, *, embed: bool = False) -> str:
    params = [(k, v) for k, vs in query.items() for v in np_list(vs)]
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
        // Plotly clips a legend to its box: a label longer than the room is cut there.
        const legend = gd.querySelector('.legend .bg');
        const edge = legend ? Math.min(legend.getBoundingClientRect().right, s.right) : s.right;
        for (const item of gd.querySelectorAll('.legend .traces text')) {
            const b = item.getBoundingClientRect();
            if (b.right > edge + 1) out.push(`legend "${item.textContent}" is cut`);
        }
    }
    for (const el of document.querySelectorAll('.dvn-scroller'))
        if (el.scrollWidth > el.clientWidth + 2) out.push('a data frame scrolls sideways');
    for (const el of document.querySelectorAll('[data-testid="stTable"]'))
        if (el.scrollWidth > el.clientWidth + 2) out.push('a table scrolls sideways');
    // KaTeX neither wraps nor shrinks: a formula wider than its column lost its right end.
    for (const el of document.querySelectorAll('.katex-display'))
        if (el.scrollWidth > el.clientWidth + 1)
            out.push(`formula cut: ${el.textContent.slice(0, 40)}`);
    for (const el of document.querySelectorAll(
            '[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p'))
        if (el.scrollWidth > el.clientWidth + 1) out.push(`metric cut: ${el.textContent}`);
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    if (main.scrollWidth > main.clientWidth + 2)
        out.push(`the page scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
    return out;
}"""


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_nothing_clipped_or_overflowing(browser, server, case, screen):
    width, height = SCREENS[screen]
    assert_nothing_clipped(browser, server, case, screen, width, height)


def assert_nothing_clipped(browser, server, case, screen: str, width, height, zoom=1) -> None:
    """Open the case on a ``width``×``height`` screen at ``zoom`` (its layout is the size
    divided by the zoom), keep a screenshot, and fail on anything `OVERFLOWS` finds."""
    page, query = case
    context = browser.new_context(
        viewport={"width": width // zoom, "height": height // zoom}, device_scale_factor=zoom
    )
    try:
        tab = context.new_page()
        tab.goto(url(server, page, query))
        settle(tab)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"{case_id(case)}-{screen}.png"))
        problems = tab.evaluate(OVERFLOWS)
        assert not problems, f"{page} at {query} on the {screen}: {problems}"
    finally:
        context.close()


# A lecture hall's screens: a 1280×720 and a 1024×768 projector, and 1280 px at 200% zoom
# (640 px of layout, at twice the pixels), at each page's extreme decays.
PROJECTORS = {
    "1280x720": (1280, 720, 1),
    "1024x768": (1024, 768, 1),
    "1280-zoom200": (1280, 720, 2),
}
EXTREMES = [(page, query_for(page, decay)) for page in PAGES for decay in (DECAYS[0], DECAYS[-1])]


@pytest.mark.parametrize("screen", list(PROJECTORS))
@pytest.mark.parametrize("case", EXTREMES, ids=case_id)
def test_nothing_clipped_at_a_projector_or_zoomed(browser, server, case, screen):
    # At 1024 px the home formula and the weights lab's lost their right ends; at 150%
    # zoom, the power warm-up's too.
    assert_nothing_clipped(browser, server, case, screen, *PROJECTORS[screen])


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_embed_fits_its_frame(browser, server, case):
    page, query = case
    context = browser.new_context(viewport={"width": 760, "height": 560})
    try:
        tab = context.new_page()
        src = url(server, page, query, embed=True)
        tab.set_content(f'<iframe src="{src}" width="700" height="500" style="border:0"></iframe>')
        frame = tab.frame_locator("iframe")
        inner = next(f for f in tab.frames if f.url.startswith(server))
        settle(inner)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"{case_id(case)}-embed.png"))
        problems = inner.evaluate(OVERFLOWS)
        assert not problems, f"{page} at {query} embedded: {problems}"
        first_title = frame.locator(".js-plotly-plot .gtitle").first
        box = first_title.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 500, "the first chart's title is below the frame"
    finally:
        context.close()
