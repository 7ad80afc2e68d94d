"""WCAG 2.1 AA by axe-core (the copy bundled in axe-playwright-python) in Chromium: every
page, light and dark, on a desktop, on a phone and embedded, with no violation."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app_support import PAGES, address, query_for
from browser_support import ARTIFACTS, PAGE_DONE
from ema_lab.model import site

axe_package = pytest.importorskip("axe_playwright_python")

AXE = (Path(axe_package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENS = {  # (width, height, color scheme, embedded)
    "desktop-light": (1400, 900, "light", False),
    "desktop-dark": (1400, 900, "dark", False),
    "phone-light": (390, 844, "light", False),
    "embed-light": (700, 500, "light", True),
}


def violations(frame) -> list[str]:
    frame.add_script_tag(content=AXE)
    found = frame.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => `${v.id} (${v.nodes.length}): ${v.nodes[0].html.slice(0, 120)} `"
        " + (v.nodes[0].any[0] || {}).message)",
        RULES,
    )
    return found


# Known, and tracked here until fixed (strict: the test fails once they pass). None now:
# the dark theme's multiselect chips (white on its lighter red, 2.4:1) and the tables
# wider than a phone (a sideways scroll a keyboard could not reach) are mended in
# `ema_lab.ui.page_style.PAGE_JS`.
KNOWN: dict[tuple[str, str], str] = {}


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
def test_no_wcag_violation(views, page, screen):
    width, height, scheme, embed = SCREENS[screen]
    path = address(page, {}, embed=embed)
    # Embedded: the page a 700×500 iframe shows (test_display_truth_browser.py says why).
    assert violations(views.at(path, width, height, scheme)) == [], f"{page} ({screen})"


def test_the_page_follows_the_systems_switch_to_dark_and_back(views):
    # The dark theme's chips need the page's mark (white on its lighter red was 2.4:1); a
    # reader whose system switches scheme with the page open got the other theme's mark.
    tab = views.at(address("choosing_decay", {}), 1400, 900)
    mark = "() => document.documentElement.dataset.emaLabScheme"
    try:
        for scheme in ("dark", "light"):
            tab.emulate_media(color_scheme=scheme)  # nothing resized, nothing added
            tab.wait_for_function(f"() => ({mark})() === '{scheme}'", timeout=5_000)
    finally:
        tab.emulate_media(color_scheme="light")


# -- a screen reader's view of each chart ------------------------------------------------


def chart_title(page, key: str) -> str:
    """The chart's title as drawn, its lines joined by spaces."""
    lines = page.locator(f".st-key-{key} .gtitle tspan.line")
    if lines.count():
        return " ".join(t.strip() for t in lines.all_text_contents())
    return page.locator(f".st-key-{key} .gtitle").first.text_content().strip()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_chart_is_a_named_figure_with_its_words(views, name):
    """What a screen reader announces for each chart (its accessibility tree): a figure
    named by the chart's own title, with its numbers, described by what is drawn against
    what and where each line goes. Written to test-artifacts/screen-reader/ per page."""
    # At a decay no page opens at (a name stuck at the default would show): a view the
    # display sweep loads too.
    page = views.at(address(name, query_for(name, 0.5)), 1440, 900)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() >= 1
    heard = []
    for i in range(charts.count()):
        chart = charts.nth(i)
        key = chart.evaluate(
            "e => [...e.closest('[class*=\"st-key-\"]').classList]"
            ".find(c => c.startsWith('st-key-')).slice(7)"
        )
        page.wait_for_function(
            f"() => document.querySelector('.st-key-{key} [data-testid=\"stPlotlyChart\"]')"
            "?.getAttribute('aria-label')",
            timeout=10_000,
        )
        assert chart.get_attribute("role") == "figure"
        label = chart.get_attribute("aria-label")
        if page.locator(f".st-key-{key} .gtitle").count():
            assert label == chart_title(page, key).replace("  ", " "), key
        words = page.locator(f"#{chart.get_attribute('aria-describedby')}").text_content()
        assert words.startswith("A chart"), words
        assert any(ch.isdigit() for ch in words), words  # where the lines go, in numbers
        snapshot = chart.aria_snapshot()
        first = snapshot.splitlines()[0].replace("''", "'")  # YAML may double a quote
        assert f'figure "{label}"' in first, snapshot[:200]
        heard.append(f'{key}: figure "{label}"\n  described: {words}')
    out = ARTIFACTS / "screen-reader" / f"{name}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(heard) + "\n")
    if name == "smoothing":  # the lesson's number, heard
        assert f"the last 2 steps hold {1 - 0.5**2:.1%} of the weight" in heard[0]


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_nothing_animates_for_a_reader_who_asks_for_less_motion(server, tabs, motion):
    # WCAG 2.3.3: transitions and animations (Streamlit's skeletons, expanders, pop-overs)
    # run for 0.01 ms when the system asks for reduced motion, and as designed otherwise.
    with tabs.open(1400, 900, reduced_motion=motion) as page:
        page.goto(f"{server}/smoothing")
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        page.wait_for_function(PAGE_DONE, timeout=60_000)
        durations = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=\"stMain\"] *')].slice(0, 400)"
            ".map(e => getComputedStyle(e).transitionDuration)"
        )
        calm = {d for d in durations if d.split(",")[0].strip() in ("1e-05s", "0.00001s")}
        if motion == "reduce":
            assert len(calm) == 1
            assert all(d in calm for d in durations), sorted(set(durations))[:5]
        else:
            assert not calm


@pytest.mark.parametrize(("width", "shown"), [(390, False), (1400, True)])
def test_plotlys_tool_bar_leaves_a_phones_curves_alone(views, width, shown):
    page = views.at("smoothing", width, 844)
    bar = page.locator(".st-key-smoothing_chart .modebar-container").first
    assert (bar.evaluate("e => getComputedStyle(e).display") != "none") == shown


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_keras_worked_answer_is_on_a_projectors_screen(server, tabs, width):
    # At 1280 px the answer column (2.0000) ran off a sideways-scrolling table.
    with tabs.open(width, 720) as page:
        page.goto(f"{server}/bias_correction")
        page.wait_for_function(PAGE_DONE, timeout=60_000)
        page.get_by_text("Keras' documented example, step by step").click()
        page.wait_for_selector(".st-key-keras_replay table", timeout=60_000)
        page.wait_for_function(PAGE_DONE, timeout=60_000)
        box = page.locator(".st-key-keras_replay [data-testid='stTable']").first
        scroll, client = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client + 1, (scroll, client)
        headers = page.locator(".st-key-keras_replay th").all_inner_texts()
        assert any("x / (1 − momentumⁿ)" in h for h in headers), headers
        box.evaluate(  # its top under Streamlit's header, which stays over the page
            "e => { e.scrollIntoView({block: 'start'}); "
            "document.querySelector('[data-testid=stMain]').scrollBy(0, -150); }"
        )
        page.screenshot(path=str(ARTIFACTS / f"bias-keras-table-{width}.png"))


# The control each page's lesson turns on, first after the title (its CSS class: st-key-…).
DECAY_CONTROL = {p.name or "home": p.decay_control for p in site.PAGES}


@contextlib.contextmanager
def open_settled(tabs, server, name: str, **screen) -> Iterator:
    """Page ``name`` in a tab lent by ``tabs`` (`browser_support.Tabs.open`: ``screen``'s
    size and media), its chart drawn and the page whole."""
    with tabs.open(**screen) as tab:
        tab.goto(f"{server}/{'' if PAGES[name] is None else name}")
        tab.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        tab.wait_for_function(PAGE_DONE, timeout=60_000)
        tab.wait_for_timeout(500)
        yield tab


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["1280x720", "1024x768"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_first_screen_of_a_projector_holds_the_point(views, name, size):
    # The point of a page is its decay and its main chart, legend included. Before: the lead,
    # the question and the prose stood above them, /smoothing's chart ended at 916 px and
    # the weights lab's decay at 824 px of a 720 px projector; Streamlit's 300 px sidebar
    # took a quarter of the width. A screenshot of each is kept.
    width, height = size
    tab = views.at("" if PAGES[name] is None else name, width, height)
    chart = tab.locator('[data-testid="stPlotlyChart"]').first
    legend = tab.locator('[data-testid="stPlotlyChart"] .legend').first
    decay = tab.locator(f".st-key-{DECAY_CONTROL[name]}").first
    bottoms = {
        "chart": chart.evaluate("e => e.getBoundingClientRect().bottom"),
        "legend": legend.evaluate("e => e.getBoundingClientRect().bottom"),
        "decay control": decay.evaluate("e => e.getBoundingClientRect().bottom"),
    }
    out = ARTIFACTS / "projector" / f"{name}-{width}x{height}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(out))
    assert all(bottom <= height for bottom in bottoms.values()), bottoms
    scroll = tab.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, scroll  # nothing wider than the screen


# -- the keyboard alone ------------------------------------------------------------------

# Where Tab may stop, and where it must: a radio group or a tool bar (pills) is one stop
# (the arrows move within it), a disabled or hidden element none.
TABBABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])'
_TAB_STOP = """() => {
  const e = document.activeElement;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!e || !main.contains(e)) return null;
  const i = document.querySelectorAll('[data-tabbed]').length;
  e.dataset.tabbed = i;
  const box = e.closest('[data-testid^="st"]:not([data-testid="stMarkdownContainer"])') || e;
  box.dataset.tabbox = box.dataset.tabbox || i;
  const keyed = e.closest('[class*="st-key-"]');
  const key = keyed ? [...keyed.classList].find(c => c.startsWith('st-key-')).slice(7) : '';
  const before = document.querySelector(`[data-tabbed="${i - 1}"]`);
  const inOrder = !before
    || !!(before.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
  return {i, key, box: box.dataset.tabbox, inOrder,
          what: (e.getAttribute('aria-label') || e.innerText || e.tagName).slice(0, 40)};
}"""
_NOT_REACHED = f"""() => [...document.querySelectorAll('[data-testid="stMain"] :is({TABBABLE})')]
  .filter(e => !e.dataset.tabbed && e.tabIndex >= 0 && !e.disabled
    && e.getAttribute('aria-disabled') !== 'true' && !(e.type === 'radio' && !e.checked)
    && !e.closest('[role="toolbar"]')?.querySelector('[data-tabbed]')
    && e.checkVisibility({{visibilityProperty: true}}))
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("name", list(PAGES))
def test_a_keyboard_alone_reaches_every_control_in_reading_order(server, tabs, name):
    """From the title, Tab reaches the page's decay control first, then every control of the
    page in the order it reads (the document's), each stop visibly marked: its box looks
    different focused and unfocused. The walk is written to test-artifacts/keyboard/."""
    with open_settled(tabs, server, name, width=1400, height=900, reduced_motion="reduce") as tab:
        assert (
            tab.locator('[data-testid="stMain"] [tabindex]:not([tabindex="-1"])').evaluate_all(
                "es => es.filter(e => e.tabIndex > 0).length"
            )
            == 0
        )  # a positive tabindex would break the document's order
        tab.locator("h1").first.click()  # Tab goes on from here
        stops, focused = [], {}
        for _ in range(200):
            tab.keyboard.press("Tab")
            stop = tab.evaluate(_TAB_STOP)
            if stop is None:  # out of the page's main part: the walk is over
                break
            stops.append(stop)
            box = tab.locator(f'[data-tabbox="{stop["box"]}"]').first
            if stop["box"] not in focused and box.is_visible():
                focused[stop["box"]] = box.screenshot(animations="disabled")
        out = ARTIFACTS / "keyboard" / f"{name}.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(f"{s['i']:3} {s['key'] or '-':24} {s['what']!r}\n" for s in stops))
        assert stops, "Tab never entered the page"
        assert stops[0]["key"] == DECAY_CONTROL[name], stops[:3]
        assert all(s["inOrder"] for s in stops), [s for s in stops if not s["inOrder"]]
        assert tab.evaluate(_NOT_REACHED) == []
        tab.evaluate("() => document.activeElement.blur()")
        tab.mouse.move(0, 0)
        unmarked = [
            box
            for box, shot in focused.items()
            if tab.locator(f'[data-tabbox="{box}"]').first.screenshot(animations="disabled") == shot
        ]
        assert unmarked == [], [s for s in stops if s["box"] in unmarked]


KNOB = '.st-key-decay [data-orientation] > div[style*="translate(-50%, -50%)"]'
PHONE = {"width": 390, "height": 844, "phone": True}
"""A phone's screen, touched by a finger (`browser_support.Tabs.open`)."""


# What a finger touching the middle of ``e`` would touch: ``e`` itself, unless covered.
ON_TOP = """e => { const b = e.getBoundingClientRect();
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return !!hit && (hit === e || e.contains(hit)); }"""


@pytest.mark.parametrize("name", ["smoothing", "bias_correction"])
def test_on_a_phone_the_decay_slider_is_not_under_the_header(server, tabs, name):
    # Streamlit's header stays over the page as it scrolls: with the chart in view, it
    # covered the decay slider when four signal controls stood between them. The test
    # scrolls the chart's bottom to the screen's and touches the knob.
    with open_settled(tabs, server, name, **PHONE) as tab:
        chart = tab.locator('[data-testid="stPlotlyChart"]').first
        chart.evaluate("e => e.scrollIntoView({block: 'end'})")
        tab.wait_for_timeout(400)
        knob = tab.locator(KNOB).first
        box = knob.bounding_box()
        tab.screenshot(path=str(ARTIFACTS / f"phone-slider-and-chart-{name}.png"))
        assert box["y"] >= 0, box  # on the screen with the whole chart
        assert knob.evaluate(ON_TOP), "the slider's knob is covered"
        # A finger's target, not Streamlit's 12×12 px.
        assert min(box["width"], box["height"]) >= 24, box


def test_on_a_phone_a_wide_table_says_it_scrolls(server, tabs):
    # A phone shows no scroll bar until touched: a data table wider than the screen hid its
    # last columns without a word. A line above it says so, and stays while it scrolls.
    with open_settled(tabs, server, "smoothing", **PHONE) as tab:
        tab.locator('[data-testid="stExpander"] summary').filter(has_text="Data table").click()
        box = tab.locator('[data-testid="stTableStyledTable"]').locator("..")
        tab.wait_for_selector("[data-ema-lab-scrolls]", timeout=30_000)
        cue = "e => getComputedStyle(e, '::before').content"
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        assert "scroll sideways" in box.evaluate(cue)
        box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        box.evaluate(  # its top under Streamlit's header, which stays over the page
            "e => { e.scrollIntoView({block: 'start'}); "
            "document.querySelector('[data-testid=stMain]').scrollBy(0, -150); }"
        )
        tab.screenshot(path=str(ARTIFACTS / "phone-wide-table.png"))
        # Sticky: at the box's left edge however far the table has scrolled.
        assert box.evaluate("e => e.scrollLeft") > 0
        assert box.evaluate("e => getComputedStyle(e, '::before').position") == "sticky"
        # The table's width fits again on a wide screen: no line then.
        tab.set_viewport_size({"width": 1280, "height": 844})
        tab.wait_for_function(
            "() => !document.querySelector('[data-ema-lab-scrolls]')", timeout=10_000
        )
        assert box.evaluate(cue) == "none"


def test_on_a_phone_a_tap_on_the_track_moves_the_decay(server, tabs):
    # Reported: an emulated tap on the slider's track did nothing. It moves the knob there,
    # and the link follows.
    with open_settled(tabs, server, "smoothing", **PHONE) as tab:
        value = tab.locator('.st-key-decay input[type="range"]')
        before = value.get_attribute("aria-valuetext")
        track = tab.locator('.st-key-decay [data-orientation="horizontal"]').last.bounding_box()
        tab.touchscreen.tap(track["x"] + 0.85 * track["width"], track["y"] + track["height"] / 2)
        tab.wait_for_function(
            "(before) => document.querySelector('.st-key-decay input[type=\"range\"]')"
            ".getAttribute('aria-valuetext') !== before",
            arg=before,
            timeout=30_000,
        )
        after = float(value.get_attribute("aria-valuetext"))
        assert after > float(before)
        tab.wait_for_url(f"**decay={after:g}**", timeout=30_000)
