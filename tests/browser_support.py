"""A Streamlit server on a free localhost port and Debian's Chromium, for the browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from ema_lab.ui.first_paint import WATCHER

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    # Chromium 156's headless mode keeps its address bar's pop-up (a page of its own, never
    # shown) and updates it on every navigation: a fifth of a page load's CPU time here.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
]  # fmt: skip
ARTIFACTS = ROOT / "test-artifacts"


# The page is whole: no run under way (Streamlit's status widget), no element waiting for
# its code (a skeleton stands in until the chunk of its kind is loaded), and no watcher
# of a session's first run, which stops at the main chart (`ema_lab.ui.first_paint`).
FIRST_RUN_WATCHER = f".st-key-{WATCHER}"
PAGE_DONE = f"""() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('{FIRST_RUN_WATCHER}')"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(str):
    """The base URL of a running server, with the server's process id and log."""

    pid: int
    log: Path


@contextlib.contextmanager
def streamlit_server(
    script: str = "app.py",
    *,
    log: Path | None = None,
    root: Path = ROOT,
    port: int = 0,
    options: Sequence[str] = (),
) -> Iterator[str]:
    """Start ``streamlit run <script>`` fresh in ``root`` (this checkout, or another one
    to compare with) on ``port`` (a free one by default), with Streamlit's command-line
    ``options`` too, and yield its base URL; stop it after."""
    port = port or free_port()
    log = log or ARTIFACTS / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        *options,
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    base.log = log
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def resident_mb(pid: int) -> float:
    """The resident memory of process ``pid`` (its VmRSS), in MB; NaN if it has none."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# Every chart drawn at its box's width: Plotly has followed a resize (0.1-0.35 s here; the
# overflows found then are those found 0.7 s later).
CHARTS_FIT = """() => [...document.querySelectorAll('.js-plotly-plot')].every((plot) => {
    const svg = plot.querySelector('.main-svg');
    return svg && Math.abs(svg.getBoundingClientRect().width
                           - plot.getBoundingClientRect().width) < 1;
})"""


# The sidebar where a window this wide keeps it: folded away at 768 px and narrower, fully out
# above (measured at 766-769 px). Streamlit slides it for about 0.3 s when a resize crosses
# that line, starting a frame or more later, and narrows its links on the way (seen cut once
# in CI at 1024 -> 640 px).
SIDEBAR_AT_REST = """() => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (!bar) return true;
    const r = bar.getBoundingClientRect();
    return window.innerWidth <= 768 ? r.right <= 0 : r.left >= 0;  // hidden: 0 wide at 0
}"""


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
        // Plotly gives a legend under the plot up to half the chart: the curves must keep
        // their room (ema_lab.plot.figures.PLOT_MIN_PX, less a few px of rounding).
        const plot = Math.max(0, ...[...gd.querySelectorAll('.nsewdrag')].map(
            (d) => d.getBoundingClientRect().height));
        const key = gd.querySelector('.legend');
        const keyHeight = key ? key.getBoundingClientRect().height : 0;
        if (plot < 170 || keyHeight > plot)
            out.push(`"${title.textContent}" plots in ${Math.round(plot)} px `
                     + `(its legend: ${Math.round(keyHeight)} px)`);
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
    // A fraction's terms in a displayed formula, as large as the text around it (16 px):
    // KaTeX sets a small fraction's (tfrac) at 70% of the formula's 19 px: 13.6 px, digits
    // 9 px tall at 1280 px; a formula fitted to its column shrinks further. Indices may be
    // smaller.
    for (const el of document.querySelectorAll('.katex-display .mfrac .mord')) {
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < 15.5 && el.textContent.trim() && !el.closest('.msupsub'))
            out.push(`formula type ${size.toFixed(1)} px: ${el.textContent.slice(0, 20)}`);
    }
    for (const el of document.querySelectorAll(
            '[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p'))
        if (el.scrollWidth > el.clientWidth + 1) out.push(`metric cut: ${el.textContent}`);
    // A link's label (the sidebar's pages, previous and next) ends in an ellipsis when cut.
    // (On a phone the sidebar is folded away, off the screen: not looked at there.)
    for (const el of document.querySelectorAll('[data-testid="stPageLink-NavLink"] p')) {
        const r = el.getBoundingClientRect();
        const shown = r.width > 0 && r.right > 0 && r.left < window.innerWidth;
        if (shown && el.scrollWidth > el.clientWidth + 1) out.push(`link cut: ${el.textContent}`);
    }
    // A page left faded: the browser drew a decay ahead of the server and never saw the
    // server's chart catch up (ema_lab/ui/live_decay.py).
    if (document.body.classList.contains('ema-lab-previewing'))
        out.push('the page is still faded, waiting for the server');
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    if (main.scrollWidth > main.clientWidth + 2)
        out.push(`the page scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
    return out;
}"""


CAUGHT_UP = "() => !document.body.classList.contains('ema-lab-previewing')"
"""Whether the server's chart has caught up with a decay the browser drew ahead of it."""


# How often a wait checks the page: Playwright's default, every animation frame, has the
# renderer and the compositor produce 60 frames a second while nothing changes (5% more
# CPU time over a display sweep, measured twice).
POLL_MS = 50


def settle(tab, wait_ms: int = 600) -> None:
    """Until the page (or frame) has drawn a chart and is whole, ``wait_ms`` more, and whole
    still (a rerun its last message asked for has begun by then). Waiting for the chart
    first: a page still connecting is "whole" too, with nothing in it (under load, a fresh
    tab's address then read as a page without its decay)."""
    tab.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    tab.wait_for_function(PAGE_DONE, timeout=60_000, polling=POLL_MS)
    tab.wait_for_timeout(wait_ms)
    tab.wait_for_function(PAGE_DONE, timeout=60_000, polling=POLL_MS)
    # A decay the browser drew ahead of the server keeps the page faded until the server's
    # chart shows it: the page is not whole before. Within 10 s: the page gives up waiting
    # at 15 s (live_decay.js), so a page that never catches up still fails here.
    tab.wait_for_function(CAUGHT_UP, timeout=10_000, polling=POLL_MS)


class Views:
    """Pages a test process keeps open for the checks that only look: what a screen shows,
    axe's findings, what a screen reader hears. An address is loaded once, then resized or
    switched to the other colour scheme for the next screen, as a reader's window is.

    Measured before relying on it: a page resized to 1280×720, 1024×768, 640×360 or 390×844
    lays out as one loaded at that size (the sidebar, every chart's box, the decay's place
    and every overflow alike), and one switched to the dark scheme as one opened dark (the
    colours and axe's findings alike).

    The tabs share one browser context, so that Streamlit's scripts come from its cache: a
    fresh context per tab cost each load 0.6 s more CPU time (its fetch, a new renderer).
    Once ``keep`` tabs are open, a new address is loaded into the one used longest ago (a
    new page and session, in the renderer that tab already has). A test that types or
    clicks opens a page of its own instead.

    Few tabs, each brought to the front when used. A new tab costs Chromium 4.1-4.7 CPU-s
    a page load here, a load into a tab already open 2.4-2.8. A tab behind another one is
    hidden: it gets no animation frames and its timers are slowed, and a load into it took
    7 s, not 2.5. The four sweep files took 500 s with 8 tabs, 467 s with 8 brought to the
    front, 426-429 s with 3 or 1 (one run each; 123, 129 and 153 page loads: an address
    is seldom met again after three others).
    """

    def __init__(self, browser, server: str, keep: int = 3):
        self._context = browser.new_context()
        self._server, self._keep = server, keep
        self._open: dict[str, tuple] = {}  # address: (tab, scheme), the latest used last

    def at(self, address: str, width: int, height: int, scheme: str = "light"):
        """The page at ``address`` (``smoothing?decay=0.9``) on a ``width``×``height``
        screen in the ``scheme`` colour scheme, whole and scrolled to its top."""
        tab, shown = self._open.pop(address, (None, None))
        if tab is None:
            if len(self._open) < self._keep:
                tab = self._context.new_page()
            else:
                tab, _ = self._open.pop(next(iter(self._open)))
            tab.bring_to_front()
            tab.set_viewport_size({"width": width, "height": height})
            tab.emulate_media(color_scheme=scheme)
            tab.goto(f"{self._server}/{address}")
            settle(tab)
        else:
            tab.bring_to_front()
            changed = tab.viewport_size != {"width": width, "height": height}
            if changed:
                tab.set_viewport_size({"width": width, "height": height})
            if shown != scheme:
                tab.emulate_media(color_scheme=scheme)
                # The page marks its scheme (`ema_lab.ui.page_style`) for the styles that
                # differ by theme: a reader's page follows the system's switch too.
                tab.wait_for_function(
                    "(s) => document.documentElement.dataset.emaLabScheme === s",
                    arg=scheme,
                    timeout=10_000,
                    polling=POLL_MS,
                )
                changed = True
            tab.evaluate("() => window.scrollTo(0, 0)")
            if changed:
                tab.wait_for_function(PAGE_DONE, timeout=60_000, polling=POLL_MS)
                tab.wait_for_timeout(50)  # a resize event is handled in the next frame
                tab.wait_for_function(SIDEBAR_AT_REST, timeout=10_000, polling=POLL_MS)
                tab.wait_for_function(CHARTS_FIT, timeout=10_000, polling=POLL_MS)
        self._open[address] = (tab, scheme)
        return tab

    def discard(self, address: str) -> None:
        """Close the page at ``address`` (a test moved it away from what its address says)."""
        tab, _ = self._open.pop(address, (None, None))
        if tab is not None:
            tab.close()

    def close(self) -> None:
        self._context.close()
        self._open.clear()


class Tabs:
    """Tabs a test process lends to the tests that type, click or listen: a test borrows a
    tab for its time, loads its page into it, and gives it back (`open`).

    A tab keeps its renderer from one test to the next: a page load into a tab that held
    one before cost Chromium 2.5-3.0 CPU-s here, in a new tab 5.0-5.5, in a new context
    5.9-6.9 (one run each, ``/smoothing`` and ``/bias_correction``). A tab comes back blank
    (``about:blank``: the page's session ends, as when a tab closes) and is lent again only
    if the test left nothing on it; a listener or a route it added closes it instead, so no
    handler outlives its test. A test that needs what only a fresh context gives (an empty
    history, storage of its own) makes one itself.
    """

    def __init__(self, browser):
        self._browser = browser
        self._idle: dict[bool, tuple] = {}  # phone: (context, idle tabs)

    @contextlib.contextmanager
    def open(
        self,
        width: int = 1280,
        height: int = 720,
        *,
        phone: bool = False,
        reduced_motion: str = "no-preference",
        color_scheme: str = "light",
    ) -> Iterator:
        """A tab of ``width``×``height`` (a phone's touch screen with ``phone``), with the
        given media features, blank, for the ``with`` block."""
        if phone not in self._idle:
            options = _PHONE if phone else {}
            self._idle[phone] = (self._browser.new_context(**options), [])
        context, idle = self._idle[phone]
        tab = idle.pop() if idle else context.new_page()
        tab.bring_to_front()
        tab.set_viewport_size({"width": width, "height": height})
        tab.emulate_media(reduced_motion=reduced_motion, color_scheme=color_scheme)
        try:
            yield tab
        finally:
            if not tab.is_closed():
                if _left_clean(tab):
                    tab.goto("about:blank")
                    idle.append(tab)
                else:
                    tab.close()

    def close(self) -> None:
        for context, _ in self._idle.values():
            context.close()
        self._idle.clear()


# What a page cannot change once made: its context's (a touch screen). Everything else, the
# window's size and the media features, is set on a tab each time it is lent.
_PHONE = {"has_touch": True, "is_mobile": True}

# What Playwright itself listens to on a page; any other listener is a test's.
_OWN_EVENTS = {"close", "crash"}


def _left_clean(tab) -> bool:
    """Whether a test left no listener and no route on ``tab`` (Playwright's page object,
    read where Playwright 1.65 keeps them; if they move, no tab is lent twice)."""
    impl = getattr(tab, "_impl_obj", None)
    names = getattr(impl, "event_names", None)
    routes = getattr(impl, "_routes", None)
    if names is None or routes is None:
        return False
    return set(names()) <= _OWN_EVENTS and not routes


def press_slider(page, label: str, key: str = "ArrowRight") -> None:
    """Focus the slider labelled ``label`` and press ``key``, as a keyboard user does.

    ``page`` may be a Playwright page or a frame (an embed)."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).get_by_role("slider")
    slider.first.focus()
    slider.first.press(key)  # works in a page and inside an iframe's frame alike
