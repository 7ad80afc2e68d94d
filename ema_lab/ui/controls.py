"""The controls pages share: the decay (by itself or by half-life, window, span or lag),
the signal (generated, a shipped data set or an uploaded CSV), the start and the seed.

Each is a `Control` declared once here; a page draws it where it wants it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import streamlit as st

import ema_core as ec
from ema_lab.model import readings
from ema_lab.model.decay_scale import DECAY_ALLOWED, DECAY_GRID, fmt_decay
from ema_lab.model.numbers import count
from ema_lab.model.params import UNSET, Control
from ema_lab.model.readings import UNITS
from ema_lab.model.signal import (
    DATASETS,
    LENGTHS,
    SIGNAL_HELP,
    UPLOAD,
    Signal,
)
from ema_lab.ui import cache, first_paint, frame, live_decay, readouts, state, uploads, widgets


@dataclass(frozen=True)
class DecayControls:
    """The URL-bound controls of one decay input: the decay, the unit, one amount per unit."""

    decay: Control
    by: Control
    amounts: dict[str, Control]


@functools.cache
def decay_controls(key: str = "decay") -> DecayControls:
    """The controls of the decay input ``key``. The page's own decay keeps the names links
    have always used (``decay``, ``half_life``, ``window``, ``span``); another one on the
    same page is namespaced (``fast_half_life``)."""
    prefix = "" if key == "decay" else f"{key}_"
    return DecayControls(
        decay=Control(
            key,
            "decay β",
            "select_slider",
            default=0.99,
            options=DECAY_GRID,
            format_func=fmt_decay,
            allowed=DECAY_ALLOWED,
            extra={
                "help": "The fraction of the old average kept at each step. Arrow keys step "
                "through the stops; 0.9, 0.99, 0.999 and 0.9999 are among them."
            },
        ),
        by=Control(
            f"{key}_by",
            "set the decay by",
            "radio",
            default="decay",
            options=("decay", *UNITS),
            extra={"horizontal": True},
        ),
        amounts={
            u.name: Control(
                prefix + u.name.replace("-", "_"),
                u.label,
                "number",
                low=u.low,
                high=u.high,
                step=1.0,
            )
            for u in UNITS.values()
        },
    )


def decay_input(
    default: float = 0.99, *, key: str = "decay", readout: bool = True, live: bool = False
) -> float:
    """Pick a decay directly on a scale fine near 1, or through half-life, window, span or
    lag; returns the decay in effect, and shows it in every unit under the input.

    ``live``: the page's main chart follows the decay slider in the browser
    (`ema_lab.ui.live_decay`), so the server is told its value once the reader lets go, not
    at every stop on the way.

    Switching the unit keeps the decay in effect: the new input, drawn anew, starts at
    its value there (for the page's own decay, the one carried from page to page).
    Embedded, the decay slider alone: an iframe has no room for the other units.
    """
    controls = decay_controls(key)
    compact = state.layout().compact
    by = "decay" if compact else widgets.draw(controls.by)
    shown = controls.decay if by == "decay" else controls.amounts[by]
    if by == "decay" and live:
        decay = float(widgets.draw(shown, default=default, on_change="ignore"))
        if not first_paint.pending():  # a first run's slider is held, never moved
            live_decay.tell_server_on_release(shown.key)
    elif by == "decay":
        decay = float(widgets.draw(shown, default=default))
    else:
        unit = UNITS[by]

        def in_unit(decay: float) -> float:
            # Ten digits, not the two shown: the decay in effect stays as it was (to
            # 1e-10), and the link reads window=20, not window=19.999999999999982.
            value = float(f"{float(unit.from_decay(decay)):.10g}")
            return float(np.clip(value, unit.low, unit.high))

        start = state.carried_decay(default) if key == state.CARRIED else default
        at_default = float(unit.from_decay(default))
        value = widgets.draw(
            shown, default=at_default, start=at_default if start == default else in_unit(start)
        )
        decay = float(unit.to_decay(value))
        if key == state.CARRIED:
            state.chose_decay(decay, default, shown.key)
    # What the other inputs showed before a switch leaves the link with them.
    state.unpublish(c.key for c in (controls.decay, *controls.amounts.values()) if c is not shown)
    if readout and not compact:
        readouts.line(decay)
    return decay


def carried_decay() -> float | None:
    """The decay a page that words it otherwise (several decays, a momentum, TensorBoard's
    smoothing) starts from: the link's own ``decay`` if it names a usable one (a link
    written for a page that shows the decay itself), else the decay carried from an
    earlier page, else None. The page's own control then writes it in the link, in its
    words; a ``decay`` it cannot use is named in the notice."""
    decay = decay_controls().decay
    values = state.link_values(decay.key)
    if values is not None:
        found = decay.parse(values)
        if found is UNSET:
            state.note(decay.key, decay.problem(values), ())
        else:  # named by the link: chosen, whatever its value
            state.chose_decay(float(found), float(found), decay.key)
        state.publish(decay.key, None)
    return state.carried_decay(None)


INITIAL = Control(
    "initial",
    "initial value ema₀",
    "number",
    default=0.0,
    low=-1e6,
    high=1e6,
    step=0.1,
    extra={"help": "The average before the first update. 0 is the usual, biased, start."},
)
SEED = Control("seed", "seed", "number", default=0, low=0, high=2**31 - 1, whole=True)

# -- signals -----------------------------------------------------------------------------

SIGNAL = Control(
    "signal",
    "signal",
    "selectbox",
    default="noisy_sine",
    options=(*ec.signals.SIGNALS, *DATASETS, UPLOAD),
)
LENGTH = Control(
    "n",
    "length n",
    "select_slider",
    default=1000,
    options=LENGTHS,
    allowed="a length on the slider: 100, 200, 500, 1000, … 10000000",
)
NOISE = Control("noise", "noise σ", "slider", default=0.3, low=0.0, high=2.0, step=0.05)


@cache.shared(max_entries=6)
def generated(name: str, n: int, noise: float, seed: int) -> np.ndarray:
    """A generated signal, cached by its (scalar) parameters and shared read-only."""
    return ec.signals.generate(name, n, noise=noise, seed=seed)


def signal_input(
    *, default: str = "noisy_sine", default_n: int = 1000, key: str = "csv", folded: bool = False
) -> Signal:
    """Signal, length, noise and seed controls, one above the other in a column of
    controls; returns the signal they describe. Embedded, they fold into an expander,
    presenting into the slide's header (still read from the URL).

    ``folded``: on the full page too, in an expander under the decay (open when the link
    sets one of them), so that on a phone, where the columns stack, the chart follows the
    decay slider instead of four more controls.
    """
    compact = state.layout().compact
    label = "signal, length, noise, seed"
    where = frame.folded_controls(label, "signal")
    if folded and not compact:
        linked = any(state.link_values(c.key) is not None for c in (SIGNAL, LENGTH, NOISE, SEED))
        where = st.expander(label, expanded=linked)
    top, middle, bottom = where.container(), where.container(), where.container()
    boxes = [top, middle, *bottom.columns(2)]  # noise and seed under the length
    name = widgets.draw(SIGNAL, boxes[0], default=default)
    if not compact:
        boxes[0].caption(SIGNAL_HELP[name])
    # A data set or a file has its own length, and no noise or seed: a disabled "length n
    # 1000" beside Mauna Loa's 2,225 weeks said what is not so. Its length is said instead.
    if name in DATASETS:
        data = DATASETS[name]()
        boxes[1].caption(f"{count(len(data.values), 'value')}, as observed; no noise or seed.")
        return Signal(data.values, data.name, data.dates, data.unit, key=(name,))
    if name == UPLOAD:
        boxes[1].caption("The file's own values: no length, noise or seed to set.")
        return uploads.uploaded_signal(key, _stand_in)
    n = widgets.draw(LENGTH, boxes[1], default=default_n)
    noise = widgets.draw(NOISE, boxes[2])
    seed = widgets.draw(SEED, boxes[3])
    params = (name, int(n), float(noise), int(seed))
    return Signal(generated(*params), name.replace("_", " "), key=params)


def offer_length(signal: Signal, decay: float, where=st) -> None:
    """Under a chart whose signal holds fewer than three windows of ``decay``: say so, and
    for a generated signal offer, in one click, the length that shows five."""
    n = len(signal.values)
    note = readings.short_data(decay, n)
    if note is None or state.layout().compact:
        return
    length = readings.length_to_show(decay, n)
    generated_here = state.widget_value(SIGNAL.key) in ec.signals.SIGNALS
    if not generated_here or length <= n:
        where.info(note, icon="📏")
        return
    where.info(f"{note} Lengthened to {count(length, 'step')}, it shows the EMA settle.", icon="📏")
    if where.button(f"Lengthen the signal to {count(length, 'step')}", key="lengthen"):
        state.relink_and_rerun(LENGTH.key, str(length))


def _stand_in(why: str) -> Signal:
    """The noisy sine a page shows where no uploaded file can be."""
    params = ("noisy_sine", 1000, 0.3, 0)
    return Signal(generated(*params), f"noisy sine ({why})", key=params)
