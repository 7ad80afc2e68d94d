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
from browser_support import ARTIFACTS, OVERFLOWS
from ema_lab.model import site

pytest.importorskip("playwright.sync_api")

SHOTS = ARTIFACTS / "display"
# Largest first: a page drawn at a width lays out as one loaded there (`Views`).
# (1440×900 is left out: the layout of 1280×720 with more room, so nothing that fits at
# 1280 px is cut there; the accessibility checks look at 1400×900.)
SCREENS = {
    "1280x720": (1280, 720),
    "1024x768": (1024, 768),
    "1280-zoom200": (640, 360),  # 1280×720 at 200% zoom: 640×360 of layout
    "phone": (390, 844),
}
EMBED = (700, 500)  # a blog's iframe
EMBED_HEIGHT = {p.name or "home": p.embed_height for p in site.PAGES}
BATCH_NORM_MOMENTA = ("0.01", "0.1", "0.5", "0.9", "0.99", "0.999")


# Every page at every decay; batch norm at PyTorch's momenta too (β down to 0.001), the
# training curves at TensorBoard's ends and default.
CASES = (
    [(page, query_for(page, decay)) for page in PAGES for decay in DECAYS]
    + [("batch_norm", {"convention": "pytorch", "momentum": m}) for m in BATCH_NORM_MOMENTA]
    + [("training_curves", {"smoothing": s}) for s in ("0", "0.6")]
    + [("weights_lab", {"posthoc_sigma": "0.07"})]  # the post-hoc section, opened
)


def _kept_for_a_look(query: dict) -> bool:
    """Whether a case's screenshots are kept even when it passes: the decays' extremes (a
    screenshot costs a frame's raster and a PNG, 300 of them a sweep); every failure keeps
    its own."""
    return any(str(v) in ("0.5", "0.9999") for v in query.values())


def case_id(case) -> str:
    page, query = case
    return f"{page}-" + "-".join(str(v) for v in query.values())


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_nothing_clipped_or_overflowing_on_any_screen(views, case):
    page, query = case
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    extreme = _kept_for_a_look(query)
    for screen, (width, height) in SCREENS.items():
        tab = views.at(address(page, query), width, height)
        found = tab.evaluate(OVERFLOWS)
        if found or extreme:
            tab.screenshot(path=str(SHOTS / f"{case_id(case)}-{screen}.png"))
        if found:
            problems[screen] = found
    assert not problems, f"{page} at {query}: {problems}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_embed_fits_its_frame(views, case):
    # A 700×500 screen showing ``embed=true`` is what a 700×500 iframe shows: Streamlit
    # takes the embed from the link, and the frame's width is the page's. Measured on 21
    # cases side by side: the same overflows, page heights, axe findings and first titles
    # (8 px lower in the iframe: its host page's margin). A real iframe in a blog's column
    # is test_blog_embeds.py's. Then a phone-wide blog column: 360 px, as tall as the
    # page's embed snippet makes its frame.
    page, query = case
    frames = {"embed": EMBED, "embed-360": (360, EMBED_HEIGHT[page])}
    problems = {}
    extreme = _kept_for_a_look(query)
    for name, (width, height) in frames.items():
        tab = views.at(address(page, query, embed=True), width, height)
        found = tab.evaluate(OVERFLOWS)
        box = tab.locator(".js-plotly-plot .gtitle").first.bounding_box()
        if box is None or box["y"] + box["height"] > height:
            found.append("the first chart's title is below the frame")
        if width < 400 and tab.locator(".modebar-container").first.is_visible():
            found.append("Plotly's tool bar is over the curves")
        if found or extreme:
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / f"{case_id(case)}-{name}.png"))
        if found:
            problems[name] = found
    assert not problems, f"{page} at {query} embedded: {problems}"
