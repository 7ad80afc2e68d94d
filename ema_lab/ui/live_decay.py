"""The decay answered in the browser while the reader moves it.

Streamlit's slider tells the server its value when the reader lets go of it (and on each
key press); until the server's chart arrives, about 0.2-0.5 s later, the chart used to
stand still. A chart that draws EMA variants of one series (`ema_lab.model.variants`; a
page's main chart, or /tf_dynamic_decay's signal chart) hands that series to the browser
once, with which trace is which variant: `ema_lab/static/ema_engine.js` computes the lines
at the slider's stop in float64, as `ema_core`'s kernels do, and `live_decay.js` redraws
them in the next animation frame. The server's chart, when it comes, is the same to the
last bit; until then the page's other words about the decay are faded and the chart is
marked busy.

While the lines are answered in the page, the server is told the decay once the reader lets
go (`tell_server_on_release`): the slider holds its moves in the browser (Streamlit's
``on_change="ignore"``), and a watcher beside it asks for one run when a drag is let go, or
when no key has moved it for `QUIET_MS`. Twenty arrow-key presses were twenty reruns, each a
NumPy run and a chart for the server to send; they are one.

The lines are described by the lesson's view (`ema_lab.plot.live_lines.LiveLines`). The
element's data does not depend on the decay, so Streamlit sends it once and, while it stays
the same, only a reference to it (its ForwardMsg cache, for elements over 10 kB).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import streamlit as st

from ema_lab.model.decay_scale import DECAY_GRID, fmt_decay
from ema_lab.model.text import base64_floats
from ema_lab.plot.live_lines import LiveLines

STATIC = Path(__file__).resolve().parents[1] / "static"
KEY = "ema_lab_live_"  # the key of each chart's live element starts so

# While the lines are ahead of the server: what the page says about the decay fades (the
# chart's title and band, the read-outs, the formulas' numbers), the slider and lines stay.
_CSS = f"""
[class*="st-key-{KEY}"] {{
  display: none;
}}
body.ema-lab-previewing [data-testid="stMain"] :is(
    [data-testid="stMarkdown"], [data-testid="stMetric"], [data-testid="stTable"]
  ):not(:has(h1)):not([data-testid="stWidgetLabel"] *) {{
  opacity: 0.4;
}}
body.ema-lab-previewing .js-plotly-plot :is(.gtitle, .annotation, .shapelayer) {{
  opacity: 0.4 !important;  /* over Plotly's own inline opacity */
}}
/* A chart that does not follow the slider (TensorFlow's schedule, its legend's "constant
   β = 0" while the slider shows 0.93) is the last stop's, whole. */
body.ema-lab-previewing [data-testid="stPlotlyChart"]:not([aria-busy]) {{
  opacity: 0.4;
}}
"""

_component = st.components.v2.component(
    "ema_lab_live_decay",
    js=(STATIC / "ema_engine.js").read_text() + (STATIC / "live_decay.js").read_text(),
    css=_CSS,
    isolate_styles=False,
)


def follow_decay(chart_key: str, live: LiveLines, where=st, *, slider: str = "decay") -> None:
    """Have the browser redraw the chart ``chart_key``'s lines as the decay slider
    ``slider`` moves (nothing if they cannot be followed whole)."""
    if not live.followed:
        return
    stops, drawn = [float(d) for d in DECAY_GRID], {float(d) for d in live.decays}
    with contextlib.nullcontext() if where is st else where:
        _component(
            data={
                "chart": chart_key,
                "slider": slider,
                "decays": stops,
                "texts": [fmt_decay(d) for d in stops],
                "live": [k for k, d in enumerate(stops) if d in drawn],
                "values": base64_floats(live.values),
                "initial": None if live.initial is None else float(live.initial),
                "lines": [{"name": n, "variant": v} for n, v in live.lines.items()],
            },
            key=f"{KEY}{chart_key}",
            height=0,
        )


QUIET_MS = 250
"""How long the slider rests, its pointer up, before the server is told its value: longer than
the gap between a reader's key presses (a clicker's, or a key held down, repeats faster)."""

# The server is asked (a trigger's run) once the reader lets go: RELEASE_MS after a drag's
# pointer is up, or once keys have left the slider alone for QUIET_MS; never while the
# pointer holds it, and only if its stop differs from the one the server last ran with.
_RELEASE_JS = f"""
export default function ({{ data, setTriggerValue }}) {{
  const QUIET_MS = {QUIET_MS}, RELEASE_MS = 30;
  const box = () => document.querySelector(`.st-key-${{data.slider}}`);
  const shown = () => box()?.querySelector('input[type="range"]')?.getAttribute("aria-valuetext");
  // One watcher a slider: a run may mount this element anew while the last one still
  // watches, and two asked twice for one move. The new one takes over what the last knew.
  const registry = (window.__emaLabRelease = window.__emaLabRelease || {{}});
  const before = registry[data.slider];
  const last = before?.stop();
  const samePage = before?.page === location.pathname;
  // The stop the server last ran with: a run that draws the slider again sets its value
  // text again (the same text), which is no move.
  let told = samePage ? last.told : shown(), held = samePage && last.held;
  let letGo = false, timer = 0;
  const ask = () => {{
    timer = 0;
    letGo = false;
    const now = shown();
    if (held || now === undefined || now === told) return;
    told = now;
    setTriggerValue("released", true);
  }};
  const rest = (ms = QUIET_MS) => {{
    clearTimeout(timer);
    timer = setTimeout(ask, ms);
  }};
  // (The slider sets its last stop's text after the pointer is up: still the drag's end.)
  const observer = new MutationObserver((changes) => {{
    if (changes.some((c) => box()?.contains(c.target))) rest(letGo ? RELEASE_MS : QUIET_MS);
  }});
  observer.observe(document.body, {{
    subtree: true, attributes: true, attributeFilter: ["aria-valuetext"],
  }});
  const down = (event) => {{
    if (box()?.contains(event.target)) held = true;
  }};
  const up = () => {{
    if (!held) return;
    held = false;
    letGo = true;
    rest(RELEASE_MS);  // a drag let go is over: asked once the slider has drawn its stop
  }};
  const key = () => {{
    letGo = false;
  }};
  document.addEventListener("keydown", key, {{ capture: true }});
  document.addEventListener("pointerdown", down, {{ capture: true }});
  for (const type of ["pointerup", "pointercancel"]) window.addEventListener(type, up);
  if (samePage && last.waiting) rest();  // a move the last one had not told yet
  const stop = () => {{
    observer.disconnect();
    const waiting = timer !== 0;
    clearTimeout(timer);
    document.removeEventListener("pointerdown", down, {{ capture: true }});
    document.removeEventListener("keydown", key, {{ capture: true }});
    for (const type of ["pointerup", "pointercancel"]) window.removeEventListener(type, up);
    if (registry[data.slider]?.stop === stop) delete registry[data.slider];
    return {{ told, held, waiting }};
  }};
  registry[data.slider] = {{ stop, page: location.pathname }};
  return stop;
}}
"""
RELEASE_KEY = "ema_lab_release_"  # the key of each slider's watcher starts so

_release = st.components.v2.component(
    "ema_lab_release",
    js=_RELEASE_JS,
    css=f'[class*="st-key-{RELEASE_KEY}"] {{\n  display: none;\n}}',
    isolate_styles=False,
)


def tell_server_on_release(slider: str) -> None:
    """Mount the watcher that asks for a run once the reader lets go of the slider
    ``slider`` (drawn with ``on_change="ignore"``), where the slider is, so that the run is
    its fragment's if it has one."""
    _release(
        key=f"{RELEASE_KEY}{slider}",
        data={"slider": slider},
        on_released_change=_told,
        height=0,
    )


def _told() -> None:
    """Nothing to do: the run is the point (the slider's value comes with it)."""
