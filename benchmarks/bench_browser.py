"""Slider to chart in a real browser, at every length, beside the naive way.

    python benchmarks/bench_browser.py [--sizes 1000 100000 1000000 10000000] [--presses 10]

For each length n it opens ``/smoothing?n=...`` in Debian's Chromium (Playwright) and
measures, over ``--presses`` presses of ArrowRight on the decay slider:

- key press to repainted chart (median and 90th percentile), in the browser's own clock:
  from just before the key event to the first animation frame after the chart's data
  changed;
- bytes the server sent over the websocket per rerun (median);
- the server's script time per rerun (median over the same decays, via AppTest);

and the same for ``benchmarks/naive_app.py`` (every point sent). It also times the first
load of /smoothing at the largest n on a warm server, and the in-chart scrubber: from a
click on its rail to the repainted frame. Machines are shared and noisy: compare the two
columns of one run, not runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402
from browser_support import PAGE_DONE as BUSY_DONE  # noqa: E402

MARK = """([key, name]) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    const t = gd && (gd._fullData || []).find((t) => t.name === name);
    window.__sig = t ? `${t.y.length}:${t.y[t.y.length >> 1]}:${t.y[t.y.length - 1]}` : null;
    window.__mark = performance.now();
}"""

WAIT = """([key, name]) => new Promise((resolve) => {
    const sig = () => {
        const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
        const t = gd && (gd._fullData || []).find((t) => t.name === name);
        return t ? `${t.y.length}:${t.y[t.y.length >> 1]}:${t.y[t.y.length - 1]}` : null;
    };
    const limit = window.__mark + 60000;
    const poll = () => {
        const now = sig();
        if (now !== null && now !== window.__sig) {
            requestAnimationFrame(() => resolve(performance.now() - window.__mark));
        } else if (performance.now() > limit) {
            resolve(-1);
        } else {
            requestAnimationFrame(poll);
        }
    };
    poll();
})"""


def open_page(browser, url: str, chart: str, received: list[int], context=None):
    """Open ``url`` in a new page (of ``context``, else of a new context: cold cache)."""
    viewport = {"width": 1400, "height": 1100}
    page = context.new_page() if context else browser.new_page(viewport=viewport)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.append(len(p))))
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(f".st-key-{chart} .js-plotly-plot .scatterlayer .trace", timeout=120_000)
    page.wait_for_function(BUSY_DONE)
    return page, time.perf_counter() - start


def key_presses(page, chart: str, trace: str, received: list[int], presses: int):
    slider = (
        page.locator('[data-testid="stSlider"]').filter(has_text="decay β").get_by_role("slider")
    )
    slider.first.focus()
    times, sizes = [], []
    for _ in range(presses):
        page.wait_for_timeout(300)
        received.clear()
        page.evaluate(MARK, [chart, trace])
        page.keyboard.press("ArrowRight")
        elapsed = page.evaluate(WAIT, [chart, trace])
        page.wait_for_function(BUSY_DONE)
        page.wait_for_timeout(200)
        times.append(elapsed / 1000)
        sizes.append(sum(received))
    return times, sizes


def script_times(page: str, n: int, presses: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    from ema_lab.model.decay_scale import DECAY_GRID

    at = AppTest.from_file(str(ROOT / page), default_timeout=300)
    at.query_params["n"] = str(n)
    if page == "app.py":
        at.switch_page("pages/smoothing.py")
    at.run()
    start = DECAY_GRID.index(0.99)
    out = []
    for decay in DECAY_GRID[start + 1 : start + 1 + presses]:
        at.select_slider(key="decay").set_value(decay)
        t = time.perf_counter()
        at.run()
        out.append(time.perf_counter() - t)
    return out


def scrubber(page) -> list[float]:
    """Click along the in-chart slider's rail; time each repaint (browser clock)."""
    rail = page.locator(".st-key-scrubber_chart .slider-rail-rect")
    if rail.count() == 0:
        return []
    rail.first.scroll_into_view_if_needed()
    box = rail.first.bounding_box()
    times = []
    for i in range(1, 11):
        x = box["x"] + box["width"] * i / 11
        page.evaluate(MARK, ["scrubber_chart", "EMA (scrubber)"])
        page.mouse.click(x, box["y"] + box["height"] / 2)
        times.append(page.evaluate(WAIT, ["scrubber_chart", "EMA (scrubber)"]) / 1000)
    return [t for t in times if t >= 0]


def fmt(values: list[float], unit: str = "s") -> str:
    if not values:
        return "-"
    if unit == "KB":
        return f"{statistics.median(values) / 1024:,.0f} KB"
    q90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
    return f"{statistics.median(values):.3f} s (p90 {q90:.3f})"


def fmt_median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000, 10_000_000]
    )
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--loads", type=int, default=7, help="first loads timed, each way")
    parser.add_argument(
        "--naive-max", type=int, default=1_000_000, help="largest n for the naive page"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with (
        streamlit_server() as lab,
        streamlit_server("benchmarks/naive_app.py") as naive,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for n in args.sizes:
            row = {"n": n}
            pages = (
                (
                    "lab",
                    f"{lab}/smoothing?n={n}&scrubber=true",
                    "smoothing_chart",
                    "EMA (biased)",
                    "app.py",
                ),
                ("naive", f"{naive}/?n={n}", "naive_chart", "EMA", "benchmarks/naive_app.py"),
            )
            for name, url, chart, trace, script in pages:
                if name == "naive" and n > args.naive_max:
                    row[name] = ([], [], [])  # 10^7 points per trace: minutes per rerun, if at all
                    continue
                received: list[int] = []
                page, _ = open_page(browser, url, chart, received)
                # the naive page ships ~27 MB per rerun at 10^6: fewer presses there
                presses = args.presses if name == "lab" or n < 10**6 else 3
                times, sizes = key_presses(page, chart, trace, received, presses)
                row[name] = (times, sizes, script_times(script, n, min(args.presses, 5)))
                if name == "lab":
                    row["scrubber"] = scrubber(page)
                page.close()
            rows.append(row)
            print(
                f"n = {n:>10,}: lab {fmt(row['lab'][0])}, naive {fmt(row['naive'][0])}", flush=True
            )
        received = []
        page, _ = open_page(
            browser, f"{lab}/smoothing?n={args.sizes[-1]}", "smoothing_chart", received
        )
        page.close()
        url = f"{lab}/smoothing?n={args.sizes[-1]}"
        cold, warm = [], []
        # keeps its HTTP cache between pages; one load fills it
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        open_page(browser, url, "smoothing_chart", received, context)[0].close()
        for _ in range(args.loads):
            page, elapsed = open_page(browser, url, "smoothing_chart", received)
            cold.append(elapsed)
            page.close()
            page, elapsed = open_page(browser, url, "smoothing_chart", received, context)
            warm.append(elapsed)
            page.close()
        small_url = f"{lab}/smoothing?n=1000"
        open_page(browser, small_url, "smoothing_chart", received, context)[0].close()
        small = []
        for _ in range(args.loads):
            page, elapsed = open_page(browser, small_url, "smoothing_chart", received, context)
            small.append(elapsed)
            page.close()
        browser.close()

    print()
    print(
        "| n | key press → chart, EMA Lab | naive | sent per rerun, EMA Lab | naive "
        "| script time, EMA Lab | naive | scrubber |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---|")
    for row in rows:
        (lt, ls, lx), (nt, ns, nx) = row["lab"], row["naive"]
        print(
            f"| {row['n']:,} | {fmt(lt)} | {fmt(nt)} | {fmt(ls, 'KB')} | {fmt(ns, 'KB')} | "
            f"{fmt_median(lx)} | {fmt_median(nx)} "
            f"| {fmt(row['scrubber'])} |"
        )
    n = args.sizes[-1]
    print(f"\nFirst load of /smoothing?n={n:,}, warm server (page opened, chart painted):")
    print(f"  new browser profile (cold cache): {fmt(cold)}")
    print(f"  browser cache warm:               {fmt(warm)}")
    print(f"  the same at n=1,000, cache warm:  {fmt(small)}: the fixed cost of Streamlit + Plotly")


if __name__ == "__main__":
    main()
