"""Choosing a decay: two to four decays side by side, and a calculator between units."""

import numpy as np
import streamlit as st

import ema_core as ec
from ema_lab import figures
from ema_lab.numbers import readable
from ema_lab.offline import MovingLine, OfflineView
from ema_lab.style import COLORS, decay_color
from ema_lab.widgets import (
    DECAY_ALLOWED,
    DECAY_GRID,
    SIGNAL_PARAMS,
    announce_bad_params,
    choice_param,
    columns,
    csv_download,
    embed_chart,
    embed_footer,
    end_of_embed,
    fmt_decay,
    number_param,
    page_title,
    prose,
    setup_page,
    share_panel,
    show,
    signal_input,
    view_link,
)

UNITS = {
    "half-life": ("half-life (steps)", ec.decay_from_half_life, 0.1),
    "window": ("window 1/(1−β) (steps)", ec.decay_from_window, 1.0),
    "span": ("span (pandas)", ec.decay_from_span, 1.0),
    "lag": ("lag / center of mass (steps)", ec.decay_from_center_of_mass, 0.0),
}

setup_page("Choosing a decay", "🎚️")
announce_bad_params(
    [
        *SIGNAL_PARAMS,
        choice_param(
            "decays", [fmt_decay(d) for d in DECAY_GRID], many=True, allowed=DECAY_ALLOWED
        ),
        choice_param("calc_by", list(UNITS)),
        number_param("calc_value", 0.0, 1e7),
    ]
)
page_title("🎚️ Choosing a decay")
prose(
    "A longer memory smooths more and lags more. Put two to four decays side by side and see the "
    "trade-off from every angle."
)

# Full width: four chosen decays stay readable as chips (a side column cut them off).
decays = st.multiselect(
    "decays to compare (2 to 4)",
    DECAY_GRID,
    default=[0.9, 0.99],
    format_func=fmt_decay,
    max_selections=4,
    key="decays",
    bind="query-params",
)
if len(decays) < 2:
    st.info("Pick at least two decays to compare; showing 0.9 and 0.99 meanwhile.")
    decays = [0.9, 0.99]
decays = sorted(decays)
controls, main = columns([4, 11])
with controls:
    signal = signal_input(default="noisy_sine", default_n=1000)
x = signal.values
emas = {d: ec.ema_series(x, d, initial=None) for d in decays}
lines = [figures.raw_line(x)]
lines += [figures.Line(e, f"β = {d:g}", decay_color(i)) for i, (d, e) in enumerate(emas.items())]
compare = figures.time_figure(
    lines,
    title="The same signal, several decays (each started at the first value)",
    x=signal.dates,
    height=480,
)
with main:
    show(embed_chart(compare), "compare_chart")
    embed_footer(compare, "choosing_decay")
    end_of_embed()
    share_panel(
        "choosing_decay",
        offline=lambda: OfflineView(
            values=x,
            decay=decays[0],
            initial=None,
            title=f"{signal.label}: the decays compared, and one more on the slider",
            moving=(MovingLine("first_value", "β on the slider", COLORS["biased"], "dash"),),
            fixed=tuple(lines),  # the chart's own: the signal and the decays compared
            dates=signal.dates,
            link=view_link("choosing_decay"),
        ),
    )

a, b = st.columns(2)
show(figures.impulse_figure(decays), "impulse_chart", a)
show(figures.step_figure(decays), "step_chart", b)
show(figures.frequency_figure(decays), "frequency_chart", a)
show(figures.tradeoff_figure(decays), "tradeoff_chart", b)


def readings(d: float) -> dict[str, str]:
    wc = ec.cutoff_frequency(d)
    return {
        "decay β": f"{d:g}",
        "window 1/(1−β)": readable(ec.effective_window(d)),
        "half-life": readable(ec.half_life(d)),
        "span": readable(ec.span(d)),
        "lag (center of mass)": readable(ec.center_of_mass(d)),
        "noise std left": readable(np.sqrt(ec.noise_variance_ratio(d)), 3),
        "cutoff (cycles/step)": "none" if np.isnan(wc) else readable(wc / (2 * np.pi), 3),
    }


st.table([readings(d) for d in decays], hide_index=True)
st.latex(
    r"N = \tfrac{1}{1-\beta},\quad h = \tfrac{\ln 0.5}{\ln\beta},\quad "
    r"\mathrm{span} = \tfrac{2}{1-\beta}-1,\quad \mathrm{lag} = \tfrac{\beta}{1-\beta},\quad "
    r"\tfrac{\sigma^2_{out}}{\sigma^2_{in}} = \tfrac{1-\beta}{1+\beta}"
)

st.subheader("Calculator")
c1, c2 = st.columns([1, 2])
unit = c1.radio("from", list(UNITS), horizontal=True, key="calc_by", bind="query-params")
label, to_decay, low = UNITS[unit]
amount = c1.number_input(
    label,
    min_value=low,
    max_value=1e7,
    value=max(low, 100.0),
    step=1.0,
    key="calc_value",
    bind="query-params",
)
result = float(to_decay(amount))
c2.metric("decay β", readable(result, 8))
c2.table([readings(result)], hide_index=True)

st.subheader("The naming trap")
st.markdown(
    "Libraries name the knob differently, and three of them mean **1 − β**: PyTorch's "
    "`BatchNorm` momentum, ignite's `EMAHandler` momentum and pandas' `alpha`. For a window of "
    "100 steps (β = 0.99) you write:"
)
st.table(
    [
        {
            "library": "TensorFlow tf.train.ExponentialMovingAverage",
            "parameter": "decay",
            "means": "β",
            "for β = 0.99": "0.99",
        },
        {
            "library": "Keras optimizers (use_ema=True)",
            "parameter": "ema_momentum",
            "means": "β",
            "for β = 0.99": "0.99",
        },
        {
            "library": "Keras BatchNormalization",
            "parameter": "momentum",
            "means": "β",
            "for β = 0.99": "0.99",
        },
        {
            "library": "timm ModelEmaV3, ema-pytorch, diffusers EMAModel",
            "parameter": "decay / beta",
            "means": "β",
            "for β = 0.99": "0.99",
        },
        {
            "library": "PyTorch BatchNorm",
            "parameter": "momentum",
            "means": "1 − β",
            "for β = 0.99": "0.01",
        },
        {
            "library": "ignite EMAHandler",
            "parameter": "momentum",
            "means": "1 − β",
            "for β = 0.99": "0.01",
        },
        {
            "library": "pandas ewm",
            "parameter": "alpha (or span, com, halflife)",
            "means": "1 − β",
            "for β = 0.99": "alpha=0.01, span=199",
        },
    ],
    hide_index=True,
)
csv_download(
    {"signal": x, **{f"ema_decay{d:g}": e for d, e in emas.items()}},
    "ema_choosing_decay.csv",
    key="choose_csv",
)
