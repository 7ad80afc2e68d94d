"""First load of every page against a bare Streamlit + Plotly page, measured in one run.

    python benchmarks/bench_first_load.py [--loads 5] [--pages smoothing weights_lab]
                                          [--against DIR]

Writes the floor itself (a title and one Plotly line of 2,000 points), serves it and
EMA Lab side by side, warms both servers, then opens each page in ``--loads`` fresh
Chromium contexts (an empty cache each time) and reports, per page, the medians of:
the first visible content; the first chart painted; every chart painted (the issue's
measure: the script has finished, EMA Lab's first-run watcher (`ema_lab.ui.first_paint`) is
gone, and every chart element holds a drawn plot); the page whole (besides, no element still
waits for its code: Streamlit shows a skeleton until the chunk of its kind is loaded); each
as the median of its ratios to the bare page loaded in the same round; the bytes received;
and the time the browser spent in scripting (``ScriptDuration`` of the performance
timeline). ``--against`` serves another checkout of EMA Lab beside them (``git worktree
add /tmp/before <rev>``), so that a change is measured against what it changes in the same
run.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import FIRST_RUN_WATCHER, chromium, streamlit_server  # noqa: E402

BARE = '''"""The floor: a title and one Plotly line of 2,000 points."""
import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("A bare page")
y = np.cumsum(np.random.default_rng(0).normal(size=2000))
st.plotly_chart(go.Figure(go.Scatter(y=y, mode="lines")), key="bare_chart")
'''

PAGES = ["", "smoothing", "bias_correction", "tf_dynamic_decay", "choosing_decay", "weights_lab"]

# Polled in the page from navigation start: when each milestone is first true.
MILESTONES = """([watcher, skeleton]) => new Promise((resolve) => {
    const seen = {};
    const tick = () => {
        const now = performance.now();
        const main = document.querySelector('[data-testid="stMain"]');
        if (!seen.content && main && main.innerText.trim().length > 0) seen.content = now;
        const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
        const drawn = charts.filter((c) => c.querySelector('.main-svg .cartesianlayer'));
        if (!seen.chart && drawn.length > 0) seen.chart = now;
        const running = document.querySelector('[data-testid="stStatusWidget"]');
        const every = seen.chart && !running && !document.querySelector(watcher)
            && drawn.length === charts.length;
        if (every && !seen.every) seen.every = now;
        if (every && !document.querySelector(skeleton)) {
            seen.all = now;
            seen.charts = charts.length;
            resolve(seen);
            return;
        }
        requestAnimationFrame(tick);
    };
    tick();
})"""
# What a page still waits for: the first run's watcher (`ema_lab.ui.first_paint`), then any
# element whose code is still loading (a skeleton stands in for it).
WAITING = [FIRST_RUN_WATCHER, '[data-testid="stSkeleton"]']


def load(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    received = []
    page.on("requestfinished", lambda r: received.append(r))
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url, wait_until="commit")
    seen = page.evaluate(MILESTONES, WAITING)
    page.wait_for_timeout(300)
    script = next(
        m["value"]
        for m in cdp.send("Performance.getMetrics")["metrics"]
        if m["name"] == "ScriptDuration"
    )
    size = 0
    for r in received:
        s = r.sizes()
        size += max(0, s["responseBodySize"]) + max(0, s["responseHeadersSize"])
    context.close()
    return {**{k: seen[k] / 1000 for k in ("content", "chart", "every", "all")},
            "charts": seen["charts"],
            "bytes": size, "script": script}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument(
        "--pages", nargs="*", default=PAGES, help="URL names of the pages to load ('' is home)"
    )
    parser.add_argument("--against", type=Path, help="another checkout, served beside this one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_page.py"
        bare.write_text(BARE)
        with contextlib.ExitStack() as stack:
            floor = stack.enter_context(streamlit_server(str(bare)))
            lab = stack.enter_context(streamlit_server())
            targets = [("bare page (the floor)", f"{floor}/")]
            targets += [(f"/{p}", f"{lab}/{p}") for p in args.pages]
            if args.against:
                other = stack.enter_context(streamlit_server(root=args.against.resolve()))
                targets += [(f"{args.against.name}: /{p}", f"{other}/{p}") for p in args.pages]
            b = stack.enter_context(chromium())
            for _, url in targets:  # warm: imports, compiled kernels, caches
                load(b, url)
            results = {name: [] for name, _ in targets}
            # Interleaved, so that drift hits every page alike, and every other round
            # backwards: in a fixed order, the same checkout served twice came out
            # 0.1-0.25 s apart (the first-served one slower).
            for k in range(args.loads):
                for name, url in targets if k % 2 == 0 else targets[::-1]:
                    results[name].append(load(b, url))
                    time.sleep(0.2)

    def median(name, key):
        return statistics.median(r[key] for r in results[name])

    floor_name = targets[0][0]

    def ratio(name, key):
        # Each load against the floor's load of the same round (the floor's one chart: all
        # three times are the same), then the median: the machine's drift over a run (0.2-0.4
        # s on a shared 2-core machine) moves both loads of a round alike.
        return statistics.median(
            r[key] / f["chart"] for r, f in zip(results[name], results[floor_name], strict=True)
        )

    print(f"First load, fresh Chromium context each time, median of {args.loads} (1440×900);")
    print("seconds, and the median ratio to the floor's chart loaded in the same round:")
    print(f"  {'page':<30}{'content':>9}{'1st chart':>16}{'every chart':>16}{'page whole':>16}"
          f"{'charts':>8}{'received':>11}{'scripting':>11}")  # fmt: skip
    for name, _ in targets:
        times = "".join(
            f"{median(name, k):>9.2f}s{ratio(name, k):>5.2f}×" for k in ("chart", "every", "all")
        )
        print(
            f"  {name:<30}{median(name, 'content'):>8.2f}s{times}"
            f"{int(median(name, 'charts')):>8}{median(name, 'bytes') / 1e6:>9.2f}MB"
            f"{median(name, 'script'):>10.2f}s"
        )


if __name__ == "__main__":
    main()
