"""A class of 30 on one server: concurrent sessions over Streamlit's own websocket protocol.

    python benchmarks/bench_load.py [--sessions 30] [--changes 20] [--n 100000]
                                    [--against DIR]

Starts one EMA Lab server on localhost. Each simulated student opens /smoothing with a
seed of their own (so that every chart can be checked against their own signal: no
cross-talk), then moves the decay ``--changes`` times, waiting for each answer as a
person would. The clients speak the protocol the browser speaks (protobuf BackMsg and
ForwardMsg from the ``streamlit`` package over ``/_stcore/stream``); each change reruns
the decay's fragment, as the browser asks.

Reports the time from sending a change to receiving the new chart (p50, p95), the
server's resident memory idle, with every session open, after they all left (past
Streamlit's 120 s session TTL) and after one more visitor, and checks every chart and
the server log.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import sys
import time
import weakref
from pathlib import Path

import numpy as np
import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import ema_core as ec  # noqa: E402
from browser_support import ARTIFACTS, streamlit_server  # noqa: E402
from ema_lab.model.decay_scale import DECAY_GRID, fmt_decay  # noqa: E402
from ema_lab.server.memory import TIDY_EVERY  # noqa: E402
from ema_lab.ui.first_paint import WATCHER  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of the server process and its children, in MB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields["Pid"]) == pid or int(fields.get("PPid", 0)) == pid:
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def rerun(
    query: str,
    widgets: dict[str, str] | None = None,
    fragment: str = "",
    painted: str = "",
    page: str = "",
) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = "smoothing"
    # As the browser does once it knows the page (from the navigation message): a rerun
    # without the page's hash is a page switch, which clears the link's query parameters.
    msg.rerun_script.page_script_hash = page
    msg.rerun_script.fragment_id = fragment  # the browser reruns only the decay's fragment
    for widget_id, value in (widgets or {}).items():
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = widget_id
        state.string_array_value.data.append(value)
    if painted:  # what the first run's watcher (ema_lab.ui.first_paint) reports in a browser
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = _make_trigger_id(painted, "events")
        state.json_trigger_value = json.dumps([{"event": "painted", "value": True}])
    return msg.SerializeToString()


# Per connection: the messages Streamlit may later send again as a reference (``ref_hash``).
_SENT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def until_finished(ws) -> tuple[dict, dict, float | None, list[str]]:
    """Read one script run: widget ids, the chart's spec, when it arrived, errors."""
    widgets, chart, chart_at, errors = {}, {}, None, []
    widgets["fragment"] = ""
    sent_before = _SENT.setdefault(ws, {})
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(await ws.recv())
        kind = fm.WhichOneof("type")
        if kind == "ref_hash":  # a message this session was sent before, named by its hash
            fm = sent_before[fm.ref_hash]
            kind = fm.WhichOneof("type")
        elif fm.metadata.cacheable:
            sent_before[fm.hash] = fm
        if kind == "navigation":  # the page being shown, as the browser learns it
            widgets["page"] = fm.navigation.page_script_hash
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            element = fm.delta.new_element
            which = element.WhichOneof("type")
            if which == "slider":
                widgets[element.slider.label] = element.slider.id
            elif which == "plotly_chart" and element.plotly_chart.id.endswith("smoothing_chart"):
                chart, chart_at = json.loads(element.plotly_chart.spec), time.perf_counter()
                widgets["fragment"] = fm.delta.fragment_id
            elif which == "exception":
                errors.append(element.exception.message)
            elif which == "bidi_component" and element.bidi_component.id.endswith(WATCHER):
                widgets["watcher"] = element.bidi_component.id
        elif (
            kind == "script_finished"
            # A run that ends in a rerun is not the answer: the first link to a fresh
            # server runs a page file, which hands over to the router (app.py).
            and fm.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
        ):
            return widgets, chart, chart_at, errors


def check_chart(chart: dict, x: np.ndarray, decay: float) -> None:
    trace = next(t for t in chart["data"] if t["name"] == "EMA (biased)")
    steps = np.frombuffer(base64.b64decode(trace["x"]["bdata"]), dtype=trace["x"]["dtype"])
    y = np.frombuffer(base64.b64decode(trace["y"]["bdata"]), dtype=trace["y"]["dtype"])
    np.testing.assert_array_equal(y, ec.ema_series(x, decay)[steps - 1].astype(y.dtype))


async def open_smoothing(ws, query: str, x: np.ndarray, decay: float) -> tuple[dict, float]:
    """Open /smoothing as a browser does: the first run's chart alone, then (once the
    watcher reports the paint) the whole page. Checks both charts; returns the whole
    page's widget ids and when the first chart arrived."""
    widgets, chart, first_chart, errors = await until_finished(ws)
    assert not errors, errors
    if "watcher" in widgets:
        check_chart(chart, x, decay)
        await ws.send(rerun(query, painted=widgets["watcher"], page=widgets["page"]))
        widgets, chart, _, errors = await until_finished(ws)
        assert not errors, errors
        assert "watcher" not in widgets
    check_chart(chart, x, decay)
    return widgets, first_chart


async def student(
    url: str,
    i: int,
    n: int,
    changes: int,
    finished: asyncio.Event,
    stay: asyncio.Event,
    headers: dict[str, str] | None = None,
    arrivals: list[float] | None = None,
):
    """One student: opens /smoothing, then moves the decay ``changes`` times; returns the
    change latencies, and adds the time from arriving to the first chart to ``arrivals``."""
    query = f"n={n}&seed={i}"
    x = ec.signals.generate("noisy_sine", n, noise=0.3, seed=i)
    latencies = []
    try:
        async with websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, additional_headers=headers
        ) as ws:
            arrived_at = time.perf_counter()
            await ws.send(rerun(query))
            widgets, first_chart = await open_smoothing(ws, query, x, 0.99)
            if arrivals is not None:
                arrivals.append(first_chart - arrived_at)
            start = DECAY_GRID.index(0.99)
            for k in range(changes):
                decay = DECAY_GRID[(start + 1 + (i + k) % 20) % len(DECAY_GRID)]
                sent = time.perf_counter()
                changed = {widgets["decay β"]: fmt_decay(decay)}
                await ws.send(rerun(query, changed, widgets["fragment"], page=widgets["page"]))
                fragment = widgets["fragment"]
                _, chart, arrived, errors = await until_finished(ws)
                widgets["fragment"] = fragment
                assert not errors, errors
                check_chart(chart, x, decay)  # this student's signal, this student's decay
                latencies.append(arrived - sent)
            finished.set()
            await stay.wait()  # all stay connected until memory is measured
    finally:
        finished.set()  # a failure must not leave the others waiting
    return latencies


async def one_class(url: str, pid: int, first_seed: int, args) -> dict:
    """A class arrives, changes the decay, leaves; then one more visitor comes."""
    events = [asyncio.Event() for _ in range(args.sessions)]
    stay = asyncio.Event()
    arrivals = []
    t0 = time.perf_counter()
    tasks = [
        asyncio.create_task(
            student(url, first_seed + i, args.n, args.changes, events[i], stay, arrivals=arrivals)
        )
        for i in range(args.sessions)
    ]
    # every student has made all their changes and is still connected
    await asyncio.gather(*(e.wait() for e in events))
    for task in tasks:
        if task.done() and task.exception():
            raise task.exception()
    loaded = rss_mb(pid)
    stay.set()
    results = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    # Streamlit keeps a disconnected session for server.disconnectedSessionTTL
    # (120 s) in case it reconnects. Expired sessions are dropped at the next
    # write to its session store (the next disconnect), and the download
    # buttons' callables at the next script run: both come with the next visitor.
    await asyncio.sleep(args.linger)
    expired = rss_mb(pid)
    await student(url, first_seed + 999, args.n, 1, asyncio.Event(), stay)
    await asyncio.sleep(TIDY_EVERY + 5)  # ema_lab.server.memory's tidying thread has run
    latencies = sorted(t for r in results for t in r)
    return {
        "latencies": latencies,
        "arrivals": sorted(arrivals),
        "elapsed": elapsed,
        "loaded": loaded,
        "expired": expired,
        "after": rss_mb(pid),
    }


async def measure(root: Path, args) -> dict:
    """One server from the checkout ``root``: idle memory, then ``--classes`` classes."""
    log = ARTIFACTS / f"load-server-{root.name}.log"
    with streamlit_server(log=log, root=root) as base:
        url = base.replace("http", "ws") + "/_stcore/stream"
        stay = asyncio.Event()
        stay.set()
        await student(url, 10_000, args.n, 2, asyncio.Event(), stay)  # imports, compiles
        await asyncio.sleep(3)
        idle = rss_mb(base.pid)
        classes = [await one_class(url, base.pid, 1000 * k, args) for k in range(args.classes)]
    text = log.read_text()
    clean = "Traceback" not in text and "Error" not in text
    return {"idle": idle, "classes": classes, "clean": clean, "log": log}


def report(name: str, m: dict, args) -> dict:
    idle = m["idle"]
    print(f"{name}: server memory idle: {idle:.0f} MB")
    summary = {}
    for k, c in enumerate(m["classes"], 1):
        latencies = c["latencies"]
        p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[-1]
        per_session = (c["loaded"] - idle) / args.sessions
        print(f"class {k}: {args.sessions} sessions × {args.changes} changes, n = {args.n:,}")
        arrivals = c["arrivals"]
        print(f"  all arriving at once → first chart: p50 {statistics.median(arrivals):.3f} s, "
              f"max {arrivals[-1]:.3f} s")  # fmt: skip
        print(f"  change → new chart: p50 {p50:.3f} s, p95 {p95:.3f} s, max {latencies[-1]:.3f} s")
        print(f"  charts checked against ema_core (own seed, own decay): {len(latencies)}")
        print(f"  {args.sessions} open: {c['loaded']:.0f} MB ({per_session:.1f} MB per session)")
        print(f"  {args.linger:.0f} s after they left: {c['expired']:.0f} MB "
              f"({(c['expired'] - idle) / idle:+.1%} of idle)")  # fmt: skip
        print(f"  after one more visitor: {c['after']:.0f} MB ({(c['after'] - idle) / idle:+.1%})")
        summary = {"first chart p50": statistics.median(arrivals), "change p50": p50,
                   "change p95": p95, "memory open": c["loaded"]}  # fmt: skip
    print(f"server log: {'clean' if m['clean'] else 'ERRORS, see ' + str(m['log'])}")
    return summary


async def main_async(args) -> None:
    # With --against, the other checkout is measured in the same run, right after this one
    # and then this one again, so that a drift of the shared machine shows as a spread.
    order = [ROOT] if args.against is None else [ROOT, args.against.resolve(), ROOT]
    measured = [(root, await measure(root, args)) for root in order]
    summaries = [(root, report(str(root), m, args)) for root, m in measured]
    if args.against is not None:
        (_, now1), (_, before), (_, now2) = summaries
        print("\nthis checkout / the other (the two runs of this one):")
        for key in before:
            print(f"  {key}: {now1[key] / before[key]:.2f}× and {now2[key] / before[key]:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--linger", type=float, default=150, help="seconds before 'after'")
    parser.add_argument("--classes", type=int, default=1, help="classes one after the other")
    parser.add_argument("--against", type=Path, help="another checkout, measured in the same run")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
