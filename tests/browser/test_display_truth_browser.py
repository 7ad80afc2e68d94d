"""The display-truth sweep in a real browser: every page at five decays on every screen a
class uses, and embedded.

At 1440×900 (a lecturer's screen), a 1280×720 and a 1024×768 projector, 1280 px at 200%
zoom (640×360 of layout), 390×844 (a phone) and inside a 700×500 iframe (a blog's embed):
every chart's title stays inside its chart, legends are not cut, tables and formulas fit
their column without a sideways scroll, metrics are not cut, a page never scrolls sideways,
the embed fits its frame's width. A screenshot of each lands in ``test-artifacts/display/``.

Each view is loaded once and resized from screen to screen (`browser_support.Views`).
"""

from __future__ import annotations

import pytest

from app_support import DECAYS, PAGES, address, query_for
from browser_support import ARTIFACTS

pytest.importorskip("playwright.sync_api")

SHOTS = ARTIFACTS / "display"
# Largest first: a page drawn at a width lays out as one loaded there (`Views`).
SCREENS = {
    "desktop": (1440, 900),
    "1280x720": (1280, 720),
    "1024x768": (1024, 768),
    "1280-zoom200": (640, 360),  # 1280×720 at 200% zoom: 640×360 of layout
    "phone": (390, 844),
}
EMBED = (700, 500)  # a blog's iframe
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


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_nothing_clipped_or_overflowing_on_any_screen(views, case):
    page, query = case
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for screen, (width, height) in SCREENS.items():
        tab = views.at(address(page, query), width, height)
        tab.screenshot(path=str(SHOTS / f"{case_id(case)}-{screen}.png"))
        found = tab.evaluate(OVERFLOWS)
        if found:
            problems[screen] = found
    assert not problems, f"{page} at {query}: {problems}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_embed_fits_its_frame(views, case):
    # A 700×500 screen showing ``embed=true`` is what a 700×500 iframe shows: Streamlit
    # takes the embed from the link, and the frame's width is the page's. Measured on 21
    # cases side by side: the same overflows, page heights, axe findings and first titles
    # (8 px lower in the iframe: its host page's margin). A real iframe in a blog's column
    # is test_blog_embeds.py's.
    page, query = case
    tab = views.at(address(page, query, embed=True), *EMBED)
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{case_id(case)}-embed.png"))
    problems = tab.evaluate(OVERFLOWS)
    assert not problems, f"{page} at {query} embedded: {problems}"
    box = tab.locator(".js-plotly-plot .gtitle").first.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= EMBED[1], "the first chart's title is below the frame"
