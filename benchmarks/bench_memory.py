"""A worker's memory under heavy uploads: before, at the peak, and after the sessions end.

    python benchmarks/bench_memory.py [--sessions 3] [--changes 20] [--rows 1000000]
                                      [--big-mb 150] [--wait 180] [--against DIR]

Serves EMA Lab (and, with ``--against``, another checkout beside it: ``git worktree add
/tmp/before <rev>``) and drives each with Chromium as a class would: ``--sessions``
students one after the other open /smoothing, upload a dated CSV of ``--rows`` rows (one
a minute, a day's gap in the middle, so the time-aware EMA runs), change the decay
``--changes`` times, and close their tab; then one uploads a plain CSV of ``--big-mb``
MB. Meanwhile the server's resident memory (VmRSS of its process) is sampled every
50 ms. Reported per server, in MB: the memory once warm (one page drawn), the peak, and
what stays after the dated sessions and after the big upload (each closed, 10 s later);
then how long after the last session left the server was back within 1.2 times its warm
memory (waiting at most ``--wait`` seconds), and what it held at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))

from browser_support import (  # noqa: E402
    ARTIFACTS,
    PAGE_DONE,
    chromium,
    press_slider,
    resident_mb,
    streamlit_server,
)

BACK = 1.2  # "back near idle": within this many times the warm server's memory


class Sampler(threading.Thread):
    """The server's memory every 50 ms, and its peak since the last `mark`."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            with contextlib.suppress(OSError):
                self.peak = max(self.peak, resident_mb(self.pid))
            time.sleep(0.05)


def dated_csv(path: Path, rows: int) -> Path:
    rng = np.random.default_rng(0)
    times = np.datetime64("2000-01-01T00:00") + np.arange(rows) * np.timedelta64(1, "m")
    times[rows // 2 :] += np.timedelta64(1, "D")  # a gap: the time-aware EMA runs
    values = np.cumsum(rng.normal(size=rows))
    with open(path, "w") as f:
        f.write("time,value\n")
        for start in range(0, rows, 100_000):
            stop = min(rows, start + 100_000)
            f.writelines(
                f"{t},{v:.6f}\n"
                for t, v in zip(times[start:stop].astype(str), values[start:stop], strict=True)
            )
    return path


def plain_csv(path: Path, megabytes: int) -> Path:
    """A training log: a step and a loss a row, about 19 bytes each, under the row limit."""
    rng = np.random.default_rng(1)
    rows = min(megabytes * 10**6 // 19, 9_900_000)
    with open(path, "w") as f:
        f.write("step,loss\n")
        for start in range(0, rows, 500_000):
            stop = min(rows, start + 500_000)
            block = np.column_stack([np.arange(start, stop), rng.normal(size=stop - start)])
            np.savetxt(f, block, fmt=["%d", "%.7f"], delimiter=",")
    return path


def settle(page) -> None:
    """The page whole: its chart drawn, the session's first run over (a file dropped during
    it is lost: the run that follows the first paint draws the uploader anew)."""
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
    page.wait_for_function(PAGE_DONE, timeout=120_000)


def one_session(browser, base: str, upload: Path, changes: int) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{base}/smoothing?signal=upload_csv")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    try:
        page.wait_for_selector("text=Using", timeout=300_000)  # the file read
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "bench_memory-failed.png"), full_page=True)
        raise
    page.wait_for_function(PAGE_DONE, timeout=300_000)
    for _ in range(changes):
        before = page.url
        press_slider(page, "decay β", "ArrowLeft")
        page.wait_for_function(f"() => location.href !== {before!r}", timeout=60_000)
        page.wait_for_function(PAGE_DONE, timeout=120_000)
    context.close()


def measure(root: Path, label: str, files: dict[str, Path], args) -> dict[str, float]:
    # Streamlit sizes its resource caches only when asked (else it counts their entries).
    sized = ("--server.enableExpensiveMemoryStats", "true")
    with streamlit_server(root=root, options=sized) as base, chromium() as browser:
        sampler = Sampler(base.pid)
        sampler.start()
        warm = browser.new_page()
        warm.goto(f"{base}/smoothing")
        settle(warm)
        warm.close()
        time.sleep(2)
        out = {"warm": resident_mb(base.pid)}
        sampler.peak = out["warm"]
        for _ in range(args.sessions):
            one_session(browser, base, files["dated"], args.changes)
        out["peak, dated"] = sampler.peak
        time.sleep(10)
        out["after dated"] = resident_mb(base.pid)
        sampler.peak = out["after dated"]
        one_session(browser, base, files["big"], 2)
        out["peak, big"] = sampler.peak
        time.sleep(10)
        out["after big"] = resident_mb(base.pid)
        sampler.running = False
        # The class has left: how long until the server is back near its idle memory
        # (each session is kept 120 s for a reconnect).
        left, back = time.monotonic() - 10, None
        while back is None and time.monotonic() - left < args.wait:
            time.sleep(1)
            if resident_mb(base.pid) <= BACK * out["warm"]:
                back = time.monotonic() - left
        out["at the end"] = resident_mb(base.pid)
        held = streamlit_holds(base)
    words = ", ".join(f"{k} {v:,.0f} MB" for k, v in out.items())
    after = f"{back:.0f} s" if back is not None else f"not within {args.wait:.0f} s"
    print(f"{label:>8}: {words}; within {BACK}x warm {after} after the last left", flush=True)
    print(f"{'':>8}  Streamlit's caches at the end: {held}", flush=True)
    return out


def streamlit_holds(base: str) -> str:
    """What Streamlit's own metrics say its caches hold, by cache, in MB: what the process
    keeps on purpose, against what its allocators keep."""
    url = f"{base}/_stcore/metrics?families=cache_memory_bytes"
    with urllib.request.urlopen(url, timeout=10) as response:
        lines = response.read().decode().splitlines()
    held: dict[str, float] = {}
    for line in lines:
        if line.startswith("cache_memory_bytes{"):
            labels, value = line.rsplit(" ", 1)
            kind = re.search(r'cache_type="([^"]*)"', labels)
            name = kind.group(1) if kind else labels
            held[name] = held.get(name, 0.0) + float(value) / 1e6
    return ", ".join(f"{k} {v:,.1f} MB" for k, v in sorted(held.items())) or "nothing"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big-mb", type=int, default=150)
    parser.add_argument("--wait", type=float, default=180.0, help="seconds, at most")
    parser.add_argument("--against", type=Path, help="another checkout, measured the same way")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "dated": dated_csv(Path(folder) / "dated.csv", args.rows),
            "big": plain_csv(Path(folder) / "big.csv", args.big_mb),
        }
        sizes = ", ".join(f"{k} {p.stat().st_size / 1e6:,.0f} MB" for k, p in files.items())
        print(
            f"{args.sessions} sessions x {args.changes} decay changes on the dated file, "
            f"then one on the big one; files: {sizes}",
            flush=True,
        )
        measure(ROOT, "now", files, args)
        if args.against:
            measure(args.against.resolve(), "before", files, args)


if __name__ == "__main__":
    main()
