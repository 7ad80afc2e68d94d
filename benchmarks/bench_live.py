"""The decay slider's input to paint, in Chromium, this checkout against another one.

    python benchmarks/bench_live.py [--against DIR] [--presses 20] [--drag-seconds 2]

``--against`` serves another checkout beside this one (``git worktree add /tmp/before
<rev>``), so that both are measured in one run on the same machine: compare the columns
of one run, not runs. For each page whose main chart follows the decay in the browser
(`ema_lab.ui.live_decay`), in the browser's own clock:

- **keys**: ``--presses`` presses of an arrow key on the decay slider, 250 ms apart (a
  reader stepping through the stops): from the key's event to the first animation frame
  after the chart's first EMA line was redrawn; then the same presses 50 ms apart (a quick
  reader, a key held down); and for each, the messages the browser sent the server;
- **drag**: the thumb dragged across the rail, a pointer move every 16 ms for
  ``--drag-seconds``: for each move that changed the slider's stop, the time to the first
  frame that drew it; moves not drawn before the release are counted apart ("unanswered");
  then from the release to the drawn chart;
- the messages the browser sent the server during the drag and after its release.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, settle, streamlit_server  # noqa: E402

# page path, main chart key, its first EMA line
PAGES = (
    ("", "home_chart", "EMA"),
    ("smoothing", "smoothing_chart", "EMA (biased)"),
    ("bias_correction", "bias_chart", "zero start (biased)"),
)

# In the page from its start: each input that changes the decay slider's stop waits for
# the first frame whose chart draws a new path for the line.
WATCH = """() => {
  const W = (window.__inputToPaint = { pending: [], done: [], unanswered: 0, last: 0 });
  const note = (e) => {
    W.last = e.timeStamp;
    if (e.type === "pointerup" && W.armed) {  // the release: until the server's chart
      W.armed = false;
      W.pending.push(e.timeStamp);
    }
  };
  for (const kind of ["keydown", "pointermove", "pointerup"])
    document.addEventListener(kind, note, true);
  W.path = () => {
    const gd = document.querySelector(`.st-key-${W.chart} .js-plotly-plot`);
    const t = gd && (gd._fullData || []).find((t) => t.name === W.trace);
    const p = t && gd.querySelector(`.trace${t.uid} .js-line`);
    return p ? p.getAttribute("d") : null;
  };
  new MutationObserver(() => {
    const input = document.querySelector('.st-key-decay input[type="range"]');
    const text = input && input.getAttribute("aria-valuetext");
    if (W.chart && text !== W.text) {
      W.text = text;
      W.pending.push(W.last);
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["aria-valuetext"] });
  const frame = (now) => {
    const d = W.chart ? W.path() : null;
    if (d !== null && d !== W.drawn) {
      W.drawn = d;
      for (const t of W.pending) W.done.push(now - t);
      W.pending = [];
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}"""

START = """([chart, trace, release]) => {
  const W = window.__inputToPaint;
  Object.assign(W, { chart, trace, pending: [], done: [], armed: release });
  W.drawn = W.path();
  W.text = document.querySelector('.st-key-decay input[type="range"]')
    .getAttribute("aria-valuetext");
}"""

RESULTS = "() => ({done: window.__inputToPaint.done, pending: window.__inputToPaint.pending})"
IDLE = "() => window.__inputToPaint.pending.length === 0"


def measure(browser, base: str, page: str, chart: str, trace: str, args) -> dict:
    tab = browser.new_page(viewport={"width": 1280, "height": 800})
    sent: list[str] = []
    tab.on("websocket", lambda ws: ws.on("framesent", lambda p: sent.append(p)))
    tab.add_init_script(f"({WATCH})()")
    tab.goto(f"{base}/{page}?decay=0.9")
    settle(tab)
    slider = tab.locator(".st-key-decay").get_by_role("slider")
    slider.focus()
    tab.evaluate(START, [chart, trace, False])
    sent.clear()
    for k in range(args.presses):
        tab.keyboard.press("ArrowRight" if (k // 5) % 2 == 0 else "ArrowLeft")
        tab.wait_for_timeout(250)
    tab.wait_for_function(IDLE, timeout=60_000, polling=50)
    keys = tab.evaluate(RESULTS)["done"]
    stuck = not _caught_up(tab)
    keys_sent = len(sent)
    # A burst: the same presses 50 ms apart (a quick reader, a key held down).
    tab.evaluate(START, [chart, trace, False])
    sent.clear()
    for _ in range(args.presses):  # one way: a burst that came back would draw nothing new
        tab.keyboard.press("ArrowRight")
        tab.wait_for_timeout(50)
    tab.wait_for_function(IDLE, timeout=60_000, polling=50)
    burst = tab.evaluate(RESULTS)["done"]
    stuck |= not _caught_up(tab)
    burst_sent = len(sent)
    # The drag, from the thumb towards the rail's right end (ending elsewhere than it
    # started: a drag back to its stop tells the server nothing).
    thumb = tab.locator(".st-key-decay [data-testid=stSliderThumbValue]").locator("xpath=..")
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    tab.evaluate(START, [chart, trace, False])
    tab.mouse.move(x, y)
    tab.mouse.down()
    sent.clear()
    moves = int(args.drag_seconds * 1000 / 16)
    for k in range(moves):
        tab.mouse.move(x + 60 * (k + 1) / moves, y)
        tab.wait_for_timeout(16)
    during = tab.evaluate(RESULTS)
    sent_during = len(sent)
    tab.evaluate(START, [chart, trace, True])
    tab.mouse.up()
    tab.wait_for_function(IDLE, timeout=60_000, polling=50)
    release = tab.evaluate(RESULTS)["done"]
    settle(tab, 300)
    tab.close()
    return {
        "keys": keys,
        "keys_sent": keys_sent,
        "burst": burst,
        "burst_sent": burst_sent,
        "stuck": stuck,
        "drag": during["done"],
        "unanswered": len(during["pending"]),
        "release": release,
        "sent_during": sent_during,
        "sent_after": len(sent) - sent_during,
    }


def _caught_up(tab) -> bool:
    """Whether the server's chart caught up with the slider within 10 s; if not, the page
    is left to give up waiting (15 s after the last move) before the next measurement."""
    from playwright.sync_api import TimeoutError

    try:
        settle(tab, 300)
        return True
    except TimeoutError:
        tab.wait_for_timeout(15_000)
        settle(tab, 300)
        return False


def ms(values: list[float]) -> str:
    if not values:
        return "-"
    p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
    return f"{statistics.median(values):.0f} ms (p95 {p95:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout, served beside this one")
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--drag-seconds", type=float, default=2.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        targets = [("this checkout", stack.enter_context(streamlit_server()))]
        if args.against:
            other = stack.enter_context(streamlit_server(root=args.against.resolve()))
            targets.append((args.against.name, other))
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        rows = []
        for page, chart, trace in PAGES:
            for name, base in targets:
                found = measure(browser, base, page, chart, trace, args)
                rows.append((page or "home", name, found))
                print(f"/{page}: {name}: keys {ms(found['keys'])}", flush=True)
        browser.close()

    print()
    print(
        "| page | served | key → paint | sent, keys 250 ms apart | key → paint, burst "
        "| sent, keys 50 ms apart | drag move → paint | drag moves unanswered "
        "| release → paint | sent during drag / after |"
    )
    print("|---|---|---|---:|---|---:|---|---:|---|---|")
    for page, name, r in rows:
        print(
            f"| /{page} | {name} | {ms(r['keys'])} | {r['keys_sent']} | {ms(r['burst'])} "
            f"| {r['burst_sent']} | {ms(r['drag'])} | {r['unanswered']} "
            f"| {ms(r['release'])} | {r['sent_during']} / {r['sent_after']} |"
            + (
                " the server's chart did not catch up with the keys within 10 s |"
                if r["stuck"]
                else ""
            )
        )
    if args.against:
        print("\nRatios, this checkout over the other (median key → paint):")
        for k in range(0, len(rows), 2):
            (page, _, here), (_, _, there) = rows[k], rows[k + 1]
            if here["keys"] and there["keys"]:
                ratio = statistics.median(here["keys"]) / statistics.median(there["keys"])
                print(f"  /{page}: {ratio:.3f}×")


if __name__ == "__main__":
    main()
