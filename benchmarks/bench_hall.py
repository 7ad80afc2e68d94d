"""A lecture hall: 60 students on one EMA Lab process against two behind nginx, in one run.

    python benchmarks/bench_hall.py [--students 60] [--changes 20] [--n 100000] [--loads 5]

Starts, one after the other, (a) one EMA Lab process reached directly, (b) the same
behind nginx, (c) two processes behind nginx (`python -m ema_lab.server`'s `Cluster`),
and sends each the same class: every simulated student first fetches the page (and
gets nginx's affinity cookie, as a browser does), then opens a session over
Streamlit's websocket protocol with that cookie and moves the decay ``--changes``
times (``benchmarks/bench_load.py``'s student). Every chart is checked against
`ema_core` for the student's own seed and decay: no cross-talk across processes.

Then the first page load of /smoothing in fresh Chromium contexts, ``--loads`` times,
directly from a worker and through nginx: bytes over the wire (gzip) and the time
until the chart has painted.

``--only-arrivals``: a class of ``--arrivals`` (300) arriving within ``--arrival-seconds``
(10) behind one address, through two processes behind nginx: each makes a browser's
first-load requests (the page, health and host-config at the page's path and the root,
the favicon), then opens a session; reported: the 429s, the first charts drawn (each
checked against `ema_core`), and the time from arriving to the chart.

``--only-idle-burst``: the same arrivals in three waves through two processes behind nginx:
``--burst`` students, then an idle ``--idle-seconds`` (7: past the workers' 5 s keep-alive,
when nginx once sent the next request on a connection the worker had just closed and took a
healthy worker out for 10 s), then ``--burst`` students at once; reported: each wave's
statuses, charts drawn and time to the chart, and what nginx's error log says of its workers.

Last, a fault in the middle of a class (``--fault-seconds``, 0 to skip): the students
on two processes behind nginx move the decay at a student's pace (a change every
0.5-1.5 s), one process is killed with SIGKILL a third of the way in, and its
students reconnect as the browser does (the URL holds their view) and must get the
same chart again; reported: how long each took, and whether the others noticed
(their answer times before and after the kill).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import websockets  # noqa: E402
from bench_load import check_chart, open_smoothing, rerun, student, until_finished  # noqa: E402

import ema_core as ec  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, streamlit_server  # noqa: E402
from ema_lab.model.decay_scale import DECAY_GRID, fmt_decay  # noqa: E402
from ema_lab.server.serve import Cluster  # noqa: E402


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


FIRST_LOAD = ("/_stcore/health", "/_stcore/host-config")
"""The checks a browser makes as it opens a page, at the page's path (where the client looks
for a base path) and at the root; then the favicon (Chromium's network log)."""


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as refused:
        return refused.code


async def arrival(base: str, i: int, delay: float, n: int, out: list) -> None:
    """One student arriving ``delay`` s into the class: a browser's first-load requests (a
    429 on any is counted), then a session whose first chart is checked against ema_core."""
    await asyncio.sleep(delay)
    start = time.perf_counter()
    paths = [f"/smoothing/{p.lstrip('/')}" for p in FIRST_LOAD] + [*FIRST_LOAD, "/favicon.png"]
    try:
        headers, _ = await asyncio.to_thread(cookie_for, base)
        page = 200
    except urllib.error.HTTPError as refused:
        headers, page = {}, refused.code
    codes = await asyncio.gather(*(asyncio.to_thread(_get, base + p) for p in paths))
    url = base.replace("http", "ws") + "/_stcore/stream"
    stay = asyncio.Event()
    stay.set()
    failure = None
    try:
        await student(url, i, n, 0, asyncio.Event(), stay, headers)
    except Exception as error:  # counted: a student without a chart, and why
        failure = f"{type(error).__name__}: {str(error)[:80]}"
    took = time.perf_counter() - start
    out.append({"codes": [page, *codes], "failure": failure, "took": took})


async def arrival_class(base: str, args) -> dict:
    """``--arrivals`` students arriving at random within ``--arrival-seconds``, behind one
    address (a campus NAT)."""
    found = await arrivals(base, args.arrivals, args.arrival_seconds, 100_000, random.Random(1))
    return {**found, "requests": found["codes"].total(), "429": found["codes"][429]}


async def arrivals(base: str, students: int, seconds: float, first: int, rng) -> dict:
    """``students`` arriving at random within ``seconds`` (`arrival`, seeds from ``first``):
    their statuses, the first charts drawn, why the others were not, and the time to it."""
    out: list = []
    await asyncio.gather(
        *(arrival(base, first + i, rng.uniform(0, seconds), 1000, out) for i in range(students))
    )
    took = sorted(r["took"] for r in out)
    return {
        "codes": Counter(c for r in out for c in r["codes"]),
        "drawn": sum(r["failure"] is None for r in out),
        "failures": Counter(r["failure"] for r in out if r["failure"]).most_common(3),
        "p50": statistics.median(took),
        "p95": statistics.quantiles(took, n=20)[-1],
    }


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


def _answering(base: str, headers: dict) -> str | None:
    """The worker nginx sends this student's requests to now (as the page asks)."""
    request = urllib.request.Request(f"{base}/_stcore/health", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=2) as r:
            return r.headers.get("X-EMA-Lab-Worker")
    except OSError:
        return None


async def paced_student(
    url: str, i: int, n: int, headers, clock: dict, until: float, go_home: bool = True
) -> dict:
    """Move the decay at a person's pace until ``until``; reconnect if the server goes.
    With ``go_home``, as the page does (`ema_lab.ui.reconnect`): moved to another worker,
    ask every 4 s which worker answers, and once it is home again, reconnect between two
    changes."""
    rng = random.Random(i)
    x = ec.signals.generate("noisy_sine", n, noise=0.3, seed=i)
    decay = 0.99
    record = {"latencies": [], "recovery": None, "lost": False}  # (sent, took, worker)
    widgets: dict = {}
    base = url.replace("ws", "http", 1).removesuffix("/_stcore/stream")
    home = None
    while time.perf_counter() < until:
        query = f"n={n}&seed={i}&decay={fmt_decay(decay)}"  # the URL holds the view
        try:
            async with websockets.connect(
                url, subprotocols=["streamlit"], max_size=None, additional_headers=headers
            ) as ws:
                worker = ws.response.headers.get("X-EMA-Lab-Worker", "direct")
                home = home or worker
                asked = time.perf_counter()
                await ws.send(rerun(query))
                widgets, arrived = await open_smoothing(ws, query, x, decay)
                if record["lost"] and record["recovery"] is None:
                    record["recovery"] = arrived - clock["killed"]
                k = DECAY_GRID.index(decay)
                while time.perf_counter() < until:
                    await asyncio.sleep(rng.uniform(0.5, 1.5))
                    if go_home and worker != home and time.perf_counter() - asked > 4:
                        asked = time.perf_counter()
                        if await asyncio.to_thread(_answering, base, headers) == home:
                            break  # idle between two changes: close, and reconnect home
                    decay = DECAY_GRID[k + rng.choice((-1, 1))]
                    k = DECAY_GRID.index(decay)
                    sent = time.perf_counter()
                    changed = {widgets["decay β"]: fmt_decay(decay)}
                    await ws.send(rerun(query, changed, widgets["fragment"], page=widgets["page"]))
                    _, chart, arrived, errors = await until_finished(ws)
                    assert not errors, errors
                    check_chart(chart, x, decay)
                    record["latencies"].append((sent, arrived - sent, worker))
        except (websockets.ConnectionClosed, OSError):
            record["lost"] = True
            await asyncio.sleep(0.5)  # the browser's first retry comes about this soon
    return record


async def fault_class(cluster: Cluster, base: str, args, go_home: bool = True) -> dict:
    url = base.replace("http", "ws") + "/_stcore/stream"
    cookies = [cookie_for(base) for _ in range(args.students)]
    start = time.perf_counter()
    until = start + args.fault_seconds
    clock: dict = {}
    victim = cluster.workers[0]

    async def kill_later():
        await asyncio.sleep(args.fault_seconds / 4)
        clock["killed"] = time.perf_counter()
        os.kill(victim.process.pid, signal.SIGKILL)

    stop = threading.Event()

    def supervise():  # as `python -m ema_lab.server` does: start the dead worker again
        while not stop.wait(0.5):
            cluster.supervise_once()

    watcher = threading.Thread(target=supervise, daemon=True)
    watcher.start()
    try:
        records = await asyncio.gather(
            kill_later(),
            *(
                paced_student(url, i, args.n, cookies[i][0], clock, until, go_home)
                for i in range(args.students)
            ),
        )
    finally:
        stop.set()
        watcher.join()
    records = records[1:]
    victim_name = "worker-1"  # nginx names the workers by number, in port order
    on_victim = [r for r, (_, w) in zip(records, cookies, strict=True) if w == victim_name]
    others = [r for r, (_, w) in zip(records, cookies, strict=True) if w != victim_name]
    killed = clock["killed"]
    before = sorted(t for r in others for s, t, _ in r["latencies"] if s < killed)
    after = sorted(t for r in others for s, t, _ in r["latencies"] if killed <= s < killed + 10)
    # Every student's answers, in 10 s windows from the kill: how fast, and from where.
    windows = []
    for k in range(int((until - killed) // 10)):
        low, high = killed + 10 * k, killed + 10 * (k + 1)
        took = sorted(t for r in records for s, t, _ in r["latencies"] if low <= s < high)
        served = Counter(w for r in records if (w := _worker_at(r, high)) is not None)
        windows.append((10 * k, took, dict(sorted(served.items()))))
    return {
        "on_victim": len(on_victim),
        "lost": sum(r["lost"] for r in on_victim),
        "others_lost": sum(r["lost"] for r in others),
        "recovery": sorted(r["recovery"] for r in on_victim if r["recovery"] is not None),
        "before": before,
        "after": after,
        "windows": windows,
        "restarts": victim.restarts,
        "changes": sum(len(r["latencies"]) for r in records),
    }


def _worker_at(record: dict, moment: float) -> str | None:
    """The worker that answered a student's last change before ``moment``."""
    seen = [worker for sent, _, worker in record["latencies"] if sent < moment]
    return seen[-1] if seen else None


def fault_report(name: str, fault: dict, students: int) -> None:
    p = statistics.median
    rec = fault["recovery"]
    print(f"{name}: a worker killed (SIGKILL) in a class of {students}, {fault['changes']} checked")
    print(
        f"  on the killed worker: {fault['on_victim']} students, {fault['lost']} lost their "
        f"connection, {len(rec)} got their view back: median {p(rec):.2f} s, "
        f"max {rec[-1]:.2f} s after the kill"
    )
    print(
        f"  the others: {fault['others_lost']} lost their connection; answer p50 "
        f"{p(fault['before']):.2f} s before the kill, {p(fault['after']):.2f} s in the "
        f"10 s after; the worker was started again {fault['restarts']} time(s)"
    )
    pre = fault["before"]
    print(f"  p95 before the kill (the others): {statistics.quantiles(pre, n=20)[-1]:.2f} s")
    for at, took, served in fault["windows"]:
        p95 = statistics.quantiles(took, n=20)[-1] if len(took) > 1 else float("nan")
        print(f"  {at:>3}-{at + 10} s after the kill: p95 {p95:.2f} s; students by worker {served}")


async def idle_burst(base: str, args) -> list[dict]:
    """A wave of ``--burst`` students, an idle hall, then a wave at once (the docstring)."""
    first = await arrivals(base, args.burst, 2.0, 200_000, random.Random(0))
    await asyncio.sleep(args.idle_seconds)
    return [first, await arrivals(base, args.burst, 0.0, 201_000, random.Random(1))]


def idle_burst_report(waves: list[dict], log: str, args) -> None:
    names = (f"{args.burst} students within 2 s", f"after {args.idle_seconds:g} s idle, at once")
    for name, wave in zip(names, waves, strict=True):
        codes = ", ".join(f"{n} × {c}" for c, n in sorted(wave["codes"].items()))
        print(
            f"{name}: {codes}; {wave['drawn']} of {args.burst} charts drawn; arrival to chart "
            f"p50 {wave['p50']:.2f} s, p95 {wave['p95']:.2f} s"
        )
    print("  (the 404s: Streamlit's look for a base path under the page's path, as in a browser)")
    words = ("temporarily disabled", "Connection reset by peer", "no live upstreams")
    print("nginx's error log: " + ", ".join(f'"{w}" {log.count(w)} times' for w in words))


def arrival_report(found: dict, args) -> None:
    print(
        f"{args.arrivals} students arriving within {args.arrival_seconds:g} s, two processes "
        f"behind nginx, one address: {found['requests']:,} first-load requests, "
        f"{found['429']} × 429; {found['drawn']} of {args.arrivals} first charts drawn and "
        f"checked; arrival to chart p50 {found['p50']:.2f} s, p95 {found['p95']:.2f} s"
    )
    for failure, count in found["failures"]:
        print(f"  {count} × {failure}")


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
    parser.add_argument(
        "--fault-seconds", type=float, default=45, help="length of the fault class (0: skip)"
    )
    parser.add_argument(
        "--only-fault",
        action="store_true",
        help="the fault class alone, with and without the pages' return home",
    )
    parser.add_argument("--arrivals", type=int, default=300, help="a class arriving at once")
    parser.add_argument("--arrival-seconds", type=float, default=10)
    parser.add_argument(
        "--only-arrivals", action="store_true", help="the arriving class alone, behind nginx"
    )
    parser.add_argument(
        "--only-idle-burst", action="store_true", help="a wave, an idle hall, a burst"
    )
    parser.add_argument("--burst", type=int, default=60, help="students in each wave")
    parser.add_argument("--idle-seconds", type=float, default=7)
    args = parser.parse_args()
    if args.only_idle_burst:
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="ema-lab-hall-") as run:
            cluster = Cluster(2, port, Path(run), host="127.0.0.1", say=lambda _: None)
            error_log = Path(run) / "nginx-error.log"
            try:
                cluster.start()
                waves = asyncio.run(idle_burst(f"http://127.0.0.1:{port}", args))
                log = error_log.read_text() if error_log.exists() else ""
            finally:
                cluster.stop()
        idle_burst_report(waves, log, args)
        return
    if args.only_arrivals:
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="ema-lab-hall-") as run:
            cluster = Cluster(2, port, Path(run), host="127.0.0.1", say=lambda _: None)
            try:
                cluster.start()
                found = asyncio.run(arrival_class(f"http://127.0.0.1:{port}", args))
            finally:
                cluster.stop()
        arrival_report(found, args)
        return
    if args.only_fault:
        for go_home in (True, False):
            port = free_port()
            with tempfile.TemporaryDirectory(prefix="ema-lab-hall-") as run:
                cluster = Cluster(2, port, Path(run), host="127.0.0.1", say=lambda _: None)
                try:
                    cluster.start()
                    base = f"http://127.0.0.1:{port}"
                    fault = asyncio.run(fault_class(cluster, base, args, go_home))
                finally:
                    cluster.stop()
            name = "pages return home when idle" if go_home else "pages stay where they moved"
            fault_report(name, fault, args.students)
        return
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
                    if args.fault_seconds > 0:
                        fault = asyncio.run(fault_class(cluster, base, args))
            finally:
                cluster.stop()

    print(
        f"{args.students} students × {args.changes} decay changes on /smoothing?n={args.n:,} "
        "(change → new chart):"
    )
    for name, result in results.items():
        report(name, result, args.students, args.changes)
    if args.fault_seconds > 0:
        fault_report("two processes behind nginx", fault, args.students)
    print(f"first load of /smoothing in a fresh browser context (median of {args.loads}):")
    for name, (times, sizes) in loads.items():
        print(
            f"  {name:<24} chart painted {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}); "
            f"{statistics.median(sizes) / 1e6:.2f} MB received"
        )


if __name__ == "__main__":
    main()
