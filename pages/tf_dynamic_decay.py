"""TensorFlow's dynamic decay: min(β, (1+t)/(10+t)), its crossover, and a step-by-step replay."""

import numpy as np
import streamlit as st

import ema_core as ec
from ema_lab import figures
from ema_lab.numbers import readable
from ema_lab.offline import OfflineView, standard_moving
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
    number_param,
    page_title,
    prose,
    setup_page,
    share_panel,
    show,
    signal_input,
    view_link,
)

setup_page("TensorFlow's dynamic decay", "⏱️")
announce_bad_params([*SIGNAL_PARAMS, *decay_params(), number_param("initial", -1e6, 1e6)])
page_title("⏱️ TensorFlow's dynamic decay")
prose(
    "`tf.train.ExponentialMovingAverage(decay, num_updates=step)` does not use `decay` from "
    "the start: it uses the smaller of `decay` and $(1+t)/(10+t)$, so that early in training the "
    "average follows the weights quickly (its window is $(10+t)/9$ steps), and only later "
    "settles on the long memory you asked for."
)

decay = decay_input(0.999)
crossover = (10 * decay - 1) / (1 - decay) if decay < 1 else float("inf")
left, right = columns([3, 2], gap="medium")
with left:
    horizon = int(min(max(10 * crossover, 1000), 10**8)) if np.isfinite(crossover) else 10**8
    schedule_fig = figures.schedule_figure(decay, horizon)
    show(embed_chart(schedule_fig), "schedule_chart")
    embed_footer(schedule_fig, "tf_dynamic_decay")
    end_of_embed()
with right:
    st.latex(r"\beta_t = \min\!\left(\beta,\ \frac{1+t}{10+t}\right)")
    st.latex(r"t^* = \frac{10\beta-1}{1-\beta}")
    if np.isfinite(crossover) and crossover > 0:
        st.markdown(
            f"For β = {decay:g} the rule gives way to the constant decay at "
            f"**t\\* = {crossover:,.0f}**. "
            f"At t = 0 the decay is 0.1; at t = 10 it is {readable(ec.tf_decay(decay, 10), 3)}; "
            "at t = 100, "
            f"{readable(ec.tf_decay(decay, 100))}."
        )
    else:
        st.markdown(
            f"For β = {decay:g} the rule never binds: (1+t)/(10+t) ≥ 0.1 > β from the start."
        )

st.subheader("On a signal")
controls, main = st.columns([4, 11], gap="large")
with controls:
    signal = signal_input(default="step", default_n=2000)
    initial = st.number_input(
        "initial value ema₀", -1e6, 1e6, 0.0, 0.1, key="initial", bind="query-params"
    )
x = signal.values
n = len(x)
fixed = ec.ema_series(x, decay, initial=initial)
schedule = ec.tf_decay(decay, np.arange(n))
dynamic = ec.ema_series(x, schedule, initial=initial)
debiased = ec.ema_series(x, decay, initial=initial, debias=True) if decay < 1 else fixed
show(
    figures.time_figure(
        figures.smoothing_lines(x, biased=fixed, debiased=debiased, tensorflow=dynamic),
        title=f"The biased EMA, TensorFlow's dynamic decay and the debiased EMA, β = {decay:g}",
        x=signal.dates,
        y_title=signal.unit or "value",
    ),
    "tf_signal_chart",
    main,
)
main.caption(
    "Both the dynamic decay and debiasing undo the zero start's drag; the dynamic decay also "
    "keeps reacting fast for a while (a short window early on), debiasing keeps the full window "
    "from step 1."
)
share_panel(
    "tf_dynamic_decay",
    offline=lambda: OfflineView(
        values=x,
        decay=decay,
        initial=initial,
        title=f"{signal.label}: TensorFlow's dynamic decay as β moves",
        moving=standard_moving(["biased", "debiased", "tensorflow"]),
        fixed=(figures.raw_line(x),),
        dates=signal.dates,
        y_title=signal.unit or "value",
        link=view_link("tf_dynamic_decay"),
    ),
    where=main,
)
csv_download(
    {
        "signal": x,
        "decay_tf": schedule,
        "ema_biased": fixed,
        "ema_tensorflow": dynamic,
        "ema_debiased": debiased,
    },
    f"ema_tf_dynamic_decay{decay:g}.csv",
    key="tf_csv",
)

st.subheader("Step by step, as TensorFlow does it")
st.markdown(
    "A worked example of `tf.train.ExponentialMovingAverage(decay, num_updates=...)`: decay "
    "0.99, a variable `v1` and a step counter, replayed with TensorFlow's own arithmetic. Edit "
    "any value or `num_updates`, add or delete rows: every row recomputes. The first row "
    "creates the shadow from `v1`."
)
table_decay = st.number_input(
    "decay of the table",
    0.0,
    1.0,
    0.99,
    0.001,
    format="%.4f",
    key="table_decay",
    bind="query-params",
)
DOC_EXAMPLE = {"v1": [0.0, 5.0, 10.0, 10.0], "num_updates": [0, 0, 10000, 10000]}
rows = st.data_editor(
    DOC_EXAMPLE,
    num_rows="dynamic",
    column_config={
        "v1": st.column_config.NumberColumn("v1 (value)", format="%.6g", required=True),
        "num_updates": st.column_config.NumberColumn(
            "num_updates", min_value=0, step=1, format="%d", required=True
        ),
    },
    key="tf_steps",
)
plain = ec.ExponentialMovingAverage(table_decay, num_updates=0)
zero_debiased = ec.ExponentialMovingAverage(table_decay, num_updates=0, zero_debias=True)
replay = {
    "apply": [],
    "v1": [],
    "num_updates": [],
    "decay in effect": [],
    "shadow": [],
    "shadow, zero_debias": [],
    "exact: ÷ (1 − Πd)": [],
}
skipped = 0
for value, steps in zip(rows["v1"], rows["num_updates"], strict=True):
    if value is None or steps is None or not np.isfinite(value) or steps < 0:
        skipped += 1
        continue
    for ema in (plain, zero_debiased):
        ema.num_updates = int(steps)
        ema.apply({"v1": float(value)})
    replay["apply"].append(len(replay["apply"]) + 1)
    replay["v1"].append(float(value))
    replay["num_updates"].append(int(steps))
    replay["decay in effect"].append(plain.current_decay())
    replay["shadow"].append(plain.average("v1"))
    replay["shadow, zero_debias"].append(zero_debiased.average("v1"))
if replay["v1"]:
    # The exact correction of a zero-started average: divide by 1 − the product of every
    # decay used so far (what zero_debias does only while the decay stays the same).
    replay["exact: ÷ (1 − Πd)"] = ec.ema_series(
        replay["v1"], replay["decay in effect"], initial=0.0, debias=True
    ).tolist()
if skipped:
    st.warning(f"{skipped} row(s) with an empty, non-finite or negative entry were left out.")
# A static table wraps its headers and fits a phone; ten digits show TensorFlow's arithmetic.
st.table(
    {
        k: [readable(v, 10) if isinstance(v, float) else v for v in column]
        for k, column in replay.items()
    },
    hide_index=True,
)
st.caption(
    "`shadow, zero_debias` is TensorFlow's arithmetic as written, not something TensorFlow "
    "shows for `v1`: it applies `zero_debias` only to plain tensors, never to a `tf.Variable`, "
    "and eager mode refuses such tensors. Where `num_updates` changes the decay it divides by "
    "1 − dᵗ with the decay in effect *now* and overshoots (153.36 for data between 0 and 10); "
    "the exact column divides by 1 − Πd and stays within the data."
)
st.markdown(
    "**zero_debias** keeps a zero-started accumulator $b$ and its own count $t$, and shows "
    "$b/(1-d^t)$ with the decay $d$ in effect *now*. While the decay is constant that is the exact "
    "correction; when `num_updates` changes it, the exact correction would divide by "
    "$1-\\prod_k d_k$ instead, and the two differ.  \n"
    "**float32**: TensorFlow computes the decay in float32, so its own numbers differ from "
    "these float64 ones in the seventh significant digit (4.5549998 rather than 4.555)."
)
