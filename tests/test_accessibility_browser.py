"""WCAG 2.1 AA by axe-core (the copy bundled in axe-playwright-python) in Chromium: every
page, light and dark, on a desktop, on a phone and embedded, with no violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app_support import PAGES
from browser_support import ARTIFACTS, CHROMIUM, PAGE_DONE, chromium, streamlit_server

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"CI needs Debian's Chromium at {CHROMIUM} for the browser tests")
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
axe_package = pytest.importorskip("axe_playwright_python")
pytestmark = pytest.mark.browser

AXE = (Path(axe_package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENS = {  # (width, height, color scheme, embedded)
    "desktop-light": (1400, 900, "light", False),
    "desktop-dark": (1400, 900, "dark", False),
    "phone-light": (390, 844, "light", False),
    "embed-light": (700, 500, "light", True),
}


@pytest.fixture(scope="module")
def server():
    with streamlit_server(log=ARTIFACTS / "a11y-server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def violations(frame) -> list[str]:
    frame.add_script_tag(content=AXE)
    found = frame.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => `${v.id} (${v.nodes.length}): ${v.nodes[0].html.slice(0, 120)} `"
        " + (v.nodes[0].any[0] || {}).message)",
        RULES,
    )
    return found


# Known, and tracked here until fixed (strict: the test fails once they pass):
KNOWN = {
    # Streamlit draws a multiselect's tags as white text on the primary colour, and a
    # slider's value as the primary colour on the page: on its dark background no one
    # colour passes both (one needs a luminance under 0.183, the other over 0.21). EMA Lab
    # keeps every slider readable; choosing_decay's decay tags stay at 2.4:1.
    ("choosing_decay", "desktop-dark"): "multiselect tags: white on the primary colour",
    # Tables wider than a 390 px phone scroll sideways in a region a keyboard cannot focus.
    ("choosing_decay", "phone-light"): "tables wider than the phone",
    ("batch_norm", "phone-light"): "tables wider than the phone",
}


CASES = [
    pytest.param(
        page,
        screen,
        id=f"{page}-{screen}",
        marks=[pytest.mark.xfail(reason=KNOWN[page, screen], strict=True)]
        if (page, screen) in KNOWN
        else [],
    )
    for page in PAGES
    for screen in SCREENS
]


@pytest.mark.parametrize(("page", "screen"), CASES)
def test_no_wcag_violation(browser, server, page, screen):
    width, height, scheme, embed = SCREENS[screen]
    path = "" if PAGES[page] is None else page
    url = f"{server}/{path}" + ("?embed=true" if embed else "")
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    try:
        tab = context.new_page()
        if embed:
            tab.set_content(f'<iframe src="{url}" width="{width}" height="{height}"></iframe>')
            frame = tab.locator("iframe").element_handle().content_frame()
        else:
            tab.goto(url)
            frame = tab
        frame.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        frame.wait_for_function(PAGE_DONE, timeout=60_000)
        frame.wait_for_timeout(800)
        assert violations(frame) == [], f"{page} ({screen})"
    finally:
        context.close()
