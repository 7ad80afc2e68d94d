"""The presenter view in Chromium: every slide fits a 1280×720 and a 1024×768 projector
(the chart whole above the fold, nothing wider than the screen), a clicker's PageDown /
PageUp walk the path with the decay carried, and a short signal lengthens in one click.
Screenshots in test-artifacts/presenter/."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from browser_support import ARTIFACTS, CHARTS_FIT, OVERFLOWS, PAGE_DONE, POLL_MS, settle
from ema_lab.model.questions import QUESTIONS
from ema_lab.model.site import BY_NAME, PAGES
from ema_lab.ui.frame import slides

pytest.importorskip("playwright.sync_api")

SHOTS = ARTIFACTS / "presenter"
PROJECTORS = [(1280, 720), (1024, 768)]
# The slides whose lesson turns on one slider (the decay, TensorBoard's smoothing).
SLIDER_PAGES = [p for p in PAGES if p.name not in ("choosing_decay", "batch_norm")]


def layout(page) -> dict:
    return page.evaluate(
        """() => {
        const chart = document.querySelector('[data-testid="stPlotlyChart"]');
        const box = chart.getBoundingClientRect();
        return {bottom: box.bottom, right: box.right, height: innerHeight, width: innerWidth,
                scrollWidth: document.documentElement.scrollWidth,
                title: chart.querySelector('.gtitle')?.textContent || '',
                legend: chart.querySelector('.legend')?.getBoundingClientRect().bottom ?? 0,
                header: [...document.querySelectorAll('h1')].map(h => h.textContent)};
        }"""
    )


@pytest.mark.parametrize(("width", "height"), PROJECTORS)
@pytest.mark.parametrize("site_page", PAGES, ids=lambda p: p.name or "home")
def test_every_slide_fits_the_projector(views, site_page, width, height):
    page = views.at(f"{site_page.name}?present=true&decay=0.95", width, height)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{site_page.name or 'home'}_{width}x{height}.png")
    seen = layout(page)
    assert seen["bottom"] <= seen["height"] + 1, "the chart runs below the fold"
    assert seen["legend"] <= seen["height"] + 1, "the legend runs below the fold"
    assert seen["scrollWidth"] <= seen["width"], "the slide is wider than the screen"
    assert any(site_page.title in h for h in seen["header"])
    assert page.locator(".katex").count() >= 1  # the page's formula
    assert not page.locator('[data-testid="stSidebarNav"]').is_visible()
    assert page.evaluate(OVERFLOWS) == []  # the display sweep's checks: titles, formulas, …


@pytest.mark.parametrize("site_page", SLIDER_PAGES, ids=lambda p: p.name or "home")
def test_a_slide_fits_at_both_ends_of_its_decay(views, site_page):
    # A lecturer takes the slider to its ends (End, Home) to show the extremes: β 0.9999
    # and β 0 (TensorBoard's smoothing: 0.999 and 0).
    address = f"{site_page.name}?present=true&decay=0.95"
    page = views.at(address, *PROJECTORS[-1])
    try:
        for key in ("End", "Home"):
            slider = page.locator('[data-testid="stSlider"]').get_by_role("slider")
            before = page.evaluate("() => location.search")
            slider.first.focus()
            slider.first.press(key)
            page.wait_for_function("(b) => location.search !== b", arg=before, timeout=30_000)
            settle(page, 300)
            for width, height in PROJECTORS:
                page.set_viewport_size({"width": width, "height": height})
                # A resize is handled in the next frame: until then the charts "fit" the
                # old size (a chart read mid-redraw plotted in 0 px, once in CI).
                page.wait_for_timeout(50)
                page.wait_for_function(CHARTS_FIT, timeout=10_000)
                shot = f"{site_page.name or 'home'}_{key}_{width}x{height}.png"
                page.screenshot(path=SHOTS / shot)
                seen = layout(page)
                where = (key, width, height, seen["title"])
                assert seen["bottom"] <= seen["height"] + 1, where
                assert seen["scrollWidth"] <= seen["width"], where
                assert page.evaluate(OVERFLOWS) == [], where
    finally:
        views.discard(address)  # moved: no longer the view its address names


def reached(page, site_page, kind: str) -> None:
    """Wait for the slide: the page's lesson (``kind`` ""), or its question or answer."""
    page.wait_for_function(
        """([path, kind]) => location.pathname === path
            && (new URLSearchParams(location.search).get('slide') || '') === kind""",
        arg=[f"/{site_page.name}", kind],
        timeout=30_000,
    )
    if kind:  # no chart on a question's slide
        page.wait_for_function(PAGE_DONE, timeout=30_000, polling=POLL_MS)
        page.wait_for_timeout(300)
        page.wait_for_function(PAGE_DONE, timeout=30_000, polling=POLL_MS)
    else:
        settle(page)


def test_a_clicker_walks_the_path_with_the_decay(server, tabs):
    # Every slide in order, PageDown alone: each page's question, its answer, its lesson.
    with tabs.open(1280, 720) as page:
        page.goto(f"{server}/?present=true&decay=0.95")
        settle(page)
        order = slides()
        for site_page, kind in order[order.index((PAGES[0], "")) + 1 :]:
            page.keyboard.press("PageDown")
            reached(page, site_page, kind)
            query = parse_qs(urlparse(page.url).query)
            assert query.get("present") == ["true"], page.url
            if kind:
                # Waited for, not read at once: on a loaded machine the slide's rerun may
                # start after the address has changed and the page looked done.
                prompt = QUESTIONS[site_page.name].prompt.split(":")[0]
                page.wait_for_function(
                    "(p) => [...document.querySelectorAll('h2')]"
                    ".some(h => h.textContent.includes(p))",
                    arg=prompt,
                    timeout=30_000,
                    polling=POLL_MS,
                )
                assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
            else:
                assert query.get("decay", ["0.95"]) == ["0.95"], page.url
        # The last slide has no next: PageDown stays; PageUp goes back, slide by slide.
        page.keyboard.press("PageDown")
        page.wait_for_timeout(500)
        assert urlparse(page.url).path.endswith(order[-1][0].name)
        back_to = order.index((BY_NAME["weights_lab"], ""))
        for site_page, kind in reversed(order[back_to:-1]):
            page.keyboard.press("PageUp")
            reached(page, site_page, kind)
        # The weights lab, reached backwards, still at the lecture's decay.
        thumb = page.locator('[data-testid="stSlider"]').filter(has_text="decay β")
        assert thumb.locator('[data-testid="stSliderThumbValue"]').text_content() == "0.95"


def test_arrow_keys_move_the_slider_not_the_slide(server, tabs):
    with tabs.open(1280, 720) as page:
        page.goto(f"{server}/smoothing?present=true&decay=0.95")
        settle(page)
        slider = page.locator('[data-testid="stSlider"]').get_by_role("slider").first
        slider.focus()
        slider.press("ArrowRight")
        page.wait_for_function("() => location.search.includes('decay=0.955')", timeout=30_000)
        assert urlparse(page.url).path.endswith("/smoothing")


def test_embedded_present_is_still_an_embed(server, tabs):
    with tabs.open(700, 600) as page:
        page.goto(f"{server}/smoothing?embed=true&present=true")
        settle(page)
        assert page.locator(".st-key-present_next").count() == 0
        assert page.get_by_text("Open in EMA Lab").count() == 1


def test_a_short_signal_lengthens_in_one_click(server, tabs):
    with tabs.open(1440, 900) as page:
        page.goto(f"{server}/smoothing?decay=0.9999")
        settle(page)
        # (a wrapped title's lines join without a space in its text)
        assert "longerthanthedata(1,000steps)" in layout(page)["title"].replace(" ", "")
        page.get_by_role("button", name="Lengthen the signal to 50,000 steps").click()
        page.wait_for_function("() => location.search.includes('n=50000')", timeout=60_000)
        settle(page)
        claim = "the last 10,000 steps hold 63.2% of the weight".replace(" ", "")
        assert claim in layout(page)["title"].replace(" ", "")
        query = parse_qs(urlparse(page.url).query)
        assert query["decay"] == ["0.9999"]
        page.screenshot(path=SHOTS / "smoothing_lengthened.png")
        assert page.get_by_role("button", name="Lengthen the signal").count() == 0
