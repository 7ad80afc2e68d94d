"""A lecture hall: 60 students on one EMA Lab process against two behind nginx, in one run.

    python benchmarks/bench_hall.py [--students 60] [--changes 20] [--n 100000] [--loads 5]

Starts, one after the other, (a) one EMA Lab process reached directly, (b) the same
behind nginx, (c) two processes behind nginx (`python -m ema_lab.serve`'s `Cluster`),
and sends each the same class: every simulated student first fetches the page (and
gets nginx's affinity cookie, as a browser does), then opens a session over
Streamlit's websocket protocol with that cookie and moves the decay ``--changes``
times (``benchmarks/bench_load.py``'s student). Every chart is checked against
`ema_core` for the student's own seed and decay: no cross-talk across processes.

Then the first page load of /smoothing in fresh Chromium contexts, ``--loads`` times,
directly from a worker and through nginx: bytes over the wire (gzip) and the time
until the chart has painted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_load import student  # noqa: E402

from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, streamlit_server  # noqa: E402
from ema_lab.serve import Cluster  # noqa: E402


def cookie_for(base: str) -> tuple[dict[str, str], str]:
    """Fetch the page as a browser's first request does: the cookie and the worker."""
    with urllib.request.urlopen(f"{base}/smoothing") as r:
        set_cookie = r.headers.get("Set-Cookie")
        worker = r.headers.get("X-EMA-Lab-Worker", "direct")
    headers = {"Cookie": set_cookie.split(";")[0]} if set_cookie else {}
    return headers, worker


async def lecture(base: str, args) -> dict:
    url = base.replace("http", "ws") + "/_stcore/stream"
    stay = asyncio.Event()
    stay.set()
    headers, _ = cookie_for(base)
    await student(url, 99_999, args.n, 1, asyncio.Event(), stay, headers)  # warm every cache
    cookies = [cookie_for(base) for _ in range(args.students)]
    placed = Counter(worker for _, worker in cookies)
    t0 = time.perf_counter()
    results = await asyncio.gather(
        *(
            student(url, i, args.n, args.changes, asyncio.Event(), stay, cookies[i][0])
            for i in range(args.students)
        )
    )
    elapsed = time.perf_counter() - t0
    latencies = sorted(t for r in results for t in r)
    return {"latencies": latencies, "elapsed": elapsed, "placed": dict(placed)}


def first_loads(base: str, loads: int) -> tuple[list[float], list[int]]:
    """Fresh browser contexts: time to the chart painted, and bytes received."""
    from playwright.sync_api import sync_playwright

    times, sizes = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(loads + 1):  # the first one warms the server
            context = browser.new_context(viewport={"width": 1400, "height": 1200})
            page = context.new_page()
            received = []
            page.on("requestfinished", lambda r, got=received: got.append(r))
            start = time.perf_counter()
            page.goto(f"{base}/smoothing")
            page.wait_for_selector(".st-key-smoothing_chart .js-plotly-plot .scatterlayer .trace")
            times.append(time.perf_counter() - start)
            page.wait_for_timeout(500)
            total = 0
            for r in received:
                s = r.sizes()
                total += max(0, s["responseBodySize"]) + max(0, s["responseHeadersSize"])
            sizes.append(total)
            context.close()
        browser.close()
    return times[1:], sizes[1:]


def report(name: str, result: dict, students: int, changes: int) -> None:
    lat = result["latencies"]
    p50, p95 = statistics.median(lat), statistics.quantiles(lat, n=20)[-1]
    print(
        f"  {name:<28} p50 {p50:.2f} s  p95 {p95:.2f} s  max {lat[-1]:.2f} s  "
        f"({len(lat)} of {students * changes} charts checked; class took "
        f"{result['elapsed']:.0f} s; students per process {result['placed']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=5, help="first loads per route")
    args = parser.parse_args()
    results = {}
    loads = {}
    with streamlit_server() as base:
        results["1 process, direct"] = asyncio.run(lecture(base, args))
        loads["worker directly"] = first_loads(base, args.loads)
    for workers in (1, 2):
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="ema-lab-hall-") as run:
            cluster = Cluster(workers, port, Path(run), host="127.0.0.1", say=lambda _: None)
            try:
                cluster.start()
                base = f"http://127.0.0.1:{port}"
                name = f"{workers} process{'es' if workers > 1 else ''} behind nginx"
                results[name] = asyncio.run(lecture(base, args))
                if workers == 2:
                    loads["through nginx (gzip)"] = first_loads(base, args.loads)
            finally:
                cluster.stop()

    print(
        f"{args.students} students × {args.changes} decay changes on /smoothing?n={args.n:,} "
        "(change → new chart):"
    )
    for name, result in results.items():
        report(name, result, args.students, args.changes)
    print(f"first load of /smoothing in a fresh browser context (median of {args.loads}):")
    for name, (times, sizes) in loads.items():
        print(
            f"  {name:<24} chart painted {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}); "
            f"{statistics.median(sizes) / 1e6:.2f} MB received"
        )


if __name__ == "__main__":
    main()
