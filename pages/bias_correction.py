"""Bias correction: why a zero start drags the EMA to 0, and how 1 − βᵗ undoes it."""

import numpy as np
import streamlit as st

import ema_core as ec
from ema_lab import figures
from ema_lab.numbers import readable
from ema_lab.offline import MovingLine, OfflineView
from ema_lab.style import COLORS
from ema_lab.views.bias import keras_replay
from ema_lab.widgets import (
    SIGNAL_PARAMS,
    announce_bad_params,
    columns,
    csv_download,
    decay_input,
    decay_params,
    embed_chart,
    embed_footer,
    end_of_embed,
    page_title,
    prose,
    setup_page,
    share_panel,
    show,
    signal_input,
    view_link,
)

setup_page("Bias correction", "⚖️")
announce_bad_params([*SIGNAL_PARAMS, *decay_params()])
page_title("⚖️ Bias correction")
prose(
    "Started at $\\mathrm{ema}_0 = 0$, the average spends its first steps pulled towards 0: "
    "after $t$ updates only $1-\\beta^t$ of its weight sits on the data, the remaining "
    "$\\beta^t$ still on the zero start. Dividing by $1-\\beta^t$ rescales the weights on the "
    "data so that they sum to one."
)

controls, main = columns([4, 11])
with controls:
    signal = signal_input(default="noisy_constant", default_n=200)
    decay = decay_input(0.9)
x = signal.values
n = len(x)
zero_start = ec.ema_series(x, decay, initial=0.0)
first_value = ec.ema_series(x, decay, initial=None)
debiased = ec.ema_series(x, decay, debias=True) if decay < 1 else zero_start

with main:
    lines = [
        figures.raw_line(x),
        figures.Line(zero_start, "zero start (biased)", COLORS["biased"]),
        figures.Line(debiased, "zero start, debiased", COLORS["debiased"], width=3.0),
        # Drawn last, dotted, over the debiased line it often nearly covers.
        figures.Line(first_value, "start at the first value", COLORS["reference"], dash="dot"),
    ]
    title = f"Three starts, β = {decay:g}"
    fig = figures.time_figure(lines, title=title, x=signal.dates, y_title=signal.unit or "value")
    show(embed_chart(fig), "bias_chart")
    embed_footer(fig, "bias_correction")
    end_of_embed()
    share_panel(
        "bias_correction",
        offline=lambda: OfflineView(
            values=x,
            decay=decay,
            initial=0.0,
            title=f"{signal.label}: three starts as β moves",
            moving=(
                MovingLine("biased", "zero start (biased)", COLORS["biased"]),
                MovingLine("debiased", "zero start, debiased", COLORS["debiased"]),
                MovingLine("first_value", "start at the first value", COLORS["reference"], "dot"),
            ),
            fixed=(lines[0],),  # the signal, as the chart draws it
            dates=signal.dates,
            y_title=signal.unit or "value",
            link=view_link("bias_correction"),
        ),
    )
    gap = float(np.max(np.abs(first_value - debiased))) if decay < 1 else float("nan")
    st.caption(
        "The dotted “start at the first value” line runs close to the debiased one: neither puts "
        "weight on a made-up start. They differ only in how the first values are weighted "
        f"(here by at most {readable(gap, 3)}), and the gap fades with the start's weight βᵗ."
    )
    a, b, c = st.columns(3)
    a.latex(r"s_t = (1-\beta)\sum_{k \le t}\beta^{t-k}x_k")
    a.caption("From a zero start, the EMA s is a weighted sum of the values seen so far...")
    b.latex(r"\sum_{k \le t}(1-\beta)\beta^{t-k} = 1-\beta^t")
    b.caption("...whose weights sum to less than one: the rest, βᵗ, sits on the zero start.")
    c.latex(r"\hat s_t = \frac{s_t}{1-\beta^t}")
    c.caption(
        "Dividing rescales them to sum to one: exactly pandas' ewm(alpha=1−β, adjust=True).mean(), "
        "the weighted mean so far (the test suite checks it to 12 decimal places)."
    )

left, right = st.columns([3, 2], gap="medium")
with left:
    # The x axis follows the decay: the start's weight fades over a few windows, however
    # long the signal is (at β = 0.9999 that is 46,000 steps for n = 200).
    fade = ec.forget_steps(decay, 0.01) if 0 < decay < 1 else 10.0
    show(figures.bias_factor_figure(decay, int(max(10, np.ceil(1.25 * fade)))), "factor_chart")
with right:
    if decay < 1:
        fade_1 = ec.forget_steps(decay, 0.01)
        fade_10 = ec.forget_steps(decay, 0.1)
        window = ec.effective_window(decay)
        st.markdown(
            f"**When does it stop mattering?** The start keeps 10% of the weight for "
            f"{fade_10:,.0f} steps and 1% for **{fade_1:,.0f} steps** "
            f"({fade_1 / window:.1f} windows of {readable(window)}). After a few windows, "
            "biased and debiased averages agree; before that the correction is what keeps early "
            "values honest."
        )
    st.markdown(
        "**Adam** (Kingma & Ba 2015, §3) keeps two such averages of the gradient $g_t$, both "
        "zero-started, and corrects both:"
    )
    st.latex(r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad \hat m_t = \frac{m_t}{1-\beta_1^t}")
    st.latex(r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad \hat v_t = \frac{v_t}{1-\beta_2^t}")
    st.markdown(
        "With $\\beta_2 = 0.999$ the second moment is biased for thousands of steps: without "
        "the correction the first updates would be far too large."
    )
    table = {
        "t": [1, 10, 100, 1000],
        "1 − 0.9ᵗ (β₁)": [f"{ec.bias_correction(0.9, t):.4f}" for t in (1, 10, 100, 1000)],
        "1 − 0.999ᵗ (β₂)": [f"{ec.bias_correction(0.999, t):.4f}" for t in (1, 10, 100, 1000)],
    }
    st.table(table, hide_index=True)

st.subheader("Keras' documented example, step by step")
st.markdown(
    "`tf.keras.backend.moving_average_update(x, value, momentum)` documents it with "
    "`x = tf.Variable(0.0)`, `momentum = 0.9` and one update with `value = 2.0`: `x` becomes "
    "**0.2**, biased towards its zero start; dividing by `1 - momentum ** num_updates` with "
    "`num_updates = 1` gives back **2.0**. Keras' `momentum` is the decay β. Edit the values or "
    "add rows: every update recomputes."
)
inputs, table = st.columns([1, 2], gap="large")
momentum = inputs.number_input(
    "momentum (the decay β)",
    0.0,
    0.9999,
    0.9,
    0.01,
    format="%.4f",
    key="keras_momentum",
    bind="query-params",
)
updates = inputs.data_editor(
    {"value": [2.0]},
    num_rows="dynamic",
    column_config={"value": st.column_config.NumberColumn("value", format="%.6g", required=True)},
    key="keras_values",
)
replay = keras_replay(updates["value"], momentum)
if replay.skipped:
    table.warning(f"{replay.skipped} empty or non-finite value(s) were left out.")
table.table(replay.rows, hide_index=True)
table.caption(replay.caption)

csv_download(
    {
        "signal": x,
        "ema_zero_start": zero_start,
        "ema_first_value": first_value,
        "ema_debiased": debiased,
    },
    f"ema_bias_correction_decay{decay:g}.csv",
    key="bias_csv",
)
