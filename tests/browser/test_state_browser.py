"""A class's session in Chromium (`ema_lab.ui.state`): the sidebar from page to page at a
non-default decay, a notice still shown after the page settles, and a server restarted
under an open tab that had moved the decay."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from browser_support import (
    ARTIFACTS,
    free_port,
    press_slider,
    settle,
    streamlit_server,
)
from ema_lab.model.site import PAGES

pytest.importorskip("playwright.sync_api")

CRASHED = "This app has encountered an error"


LEGACY_NAVIGATION_GONE = """() => {
    const nav = document.querySelector('[data-testid="stSidebarNav"]');
    return !nav || !nav.checkVisibility();
}"""


def decay_shown(page) -> str | None:
    box = page.locator('[data-testid="stSlider"]').filter(has_text="decay β")
    if not box.count():
        return None
    return box.first.locator('[data-testid="stSliderThumbValue"]').text_content()


def main_title(page) -> str:
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
    return titles[0] if titles else ""


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_the_sidebar_carries_the_decay_and_every_address_redraws_its_page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # Every address shown is opened in a session of its own: a tab of another context
    # (which keeps Streamlit's scripts in its cache, as a returning student's browser does).
    elsewhere = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server}/smoothing?decay=0.95")
    settle(page)
    entries = page.evaluate("() => history.length")
    for key in ("ArrowLeft", "ArrowLeft", "ArrowRight"):  # 0.95 -> 0.945, a stop no page opens at
        press_slider(page, "decay β", key)
        settle(page)
    page.wait_for_function("() => location.search.includes('decay=0.945')")
    # Back steps between pages, not between slider positions (issue #39, item 4).
    assert page.evaluate("() => history.length") == entries
    order = ["bias_correction", "tf_dynamic_decay", "choosing_decay", "weights_lab", ""]
    for name in [*order, "smoothing", "bias_correction"]:
        label = next(p.label for p in PAGES if p.name == name)
        links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
        links.filter(has_text=label).first.click()
        page.wait_for_function(f"() => location.pathname === '/{name}'")
        settle(page)
        shown = query(page)
        assert CRASHED not in page.content(), name
        entries += 1  # one entry per page moved to
        assert page.evaluate("() => history.length") == entries, name
        if name == "choosing_decay":
            assert "0.945" in shown["decays"], shown
        else:
            assert decay_shown(page) == "0.945", name
            assert shown["decay"] == ["0.945"], (name, shown)
            assert set(shown) == {"decay"}, (name, shown)  # nothing else followed
        if "β = " in main_title(page):
            assert "β = 0.945" in main_title(page), (name, main_title(page))
        # The address the page shows, opened in a new browser session, draws the same.
        fresh = elsewhere.new_page()
        fresh.goto(page.url)
        settle(fresh)
        assert decay_shown(fresh) == decay_shown(page), name
        assert main_title(fresh) == main_title(page), name
        fresh.close()
    # Back: the page before, as it was left.
    page.go_back()
    page.wait_for_function("() => location.pathname === '/smoothing'")
    settle(page)
    assert decay_shown(page) == "0.945"
    assert query(page) == {"decay": ["0.945"]}
    elsewhere.close()
    context.close()


@pytest.mark.parametrize("link", ["decay=2", "decay=abc", "n=-5", "decay=1"])
def test_a_link_notice_is_still_shown_after_the_page_settles(tabs, server, link):
    with tabs.open(1400, 1000) as page:
        page.goto(f"{server}/smoothing?{link}")
        settle(page)
        page.wait_for_timeout(5_000)
        alerts = " ".join(page.locator('[data-testid="stAlert"]').all_text_contents())
        assert "could not be used" in alerts
        assert link.split("=")[0] in alerts


def test_a_server_restarted_under_an_open_tab_gives_the_view_back(browser):
    port = free_port()
    log = ARTIFACTS / "state-restart-server.log"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    with streamlit_server(log=log, port=port) as base:
        page.goto(f"{base}/smoothing")
        settle(page)
        press_slider(page, "decay β", "ArrowRight")  # 0.99 -> 0.9905
        page.wait_for_function("() => location.search.includes('decay=0.9905')")
        settle(page)
        decay_by = page.get_by_role("radiogroup").filter(has_text="half-life")
        decay_by.get_by_text("window", exact=True).click()
        page.wait_for_function("() => location.search.includes('decay_by=window')")
        settle(page)
        before = (page.url, main_title(page))
    # The tab stays open while the server is down, then reconnects on its own.
    with streamlit_server(log=log.with_suffix(".2.log"), port=port):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            if main_title(page) and page.locator('[data-testid="stStatusWidget"]').count() == 0:
                break
        # A restarted server runs the page's file itself until the router takes over (its
        # own navigation shows meanwhile, 0.5-1 s here): the view is back once it has.
        page.wait_for_function(LEGACY_NAVIGATION_GONE, timeout=30_000)
        settle(page)
        page.screenshot(path=str(ARTIFACTS / "state-after-restart.png"))
        assert CRASHED not in page.content()
        assert (page.url, main_title(page)) == before
        assert "β = 0.9905" in before[1]
        # And the view still answers the reader.
        amount = page.locator('[data-testid="stNumberInput"]').filter(has_text="window")
        amount.locator("input").fill("30")
        amount.locator("input").press("Enter")
        page.wait_for_function("() => location.search.includes('window=30')")
        settle(page)
        assert CRASHED not in page.content()
        assert "β = 0.966667" in main_title(page)
    page.close()
