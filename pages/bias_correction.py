"""Bias correction: why a zero start drags the EMA to 0, and how 1 − βᵗ undoes it."""

import streamlit as st

from ema_lab.lessons import bias_correction as lesson
from ema_lab.model.site import BY_NAME
from ema_lab.ui import cache, controls, frame, sharing, widgets

frame.rerun_unless_routed()

PAGE = BY_NAME["bias_correction"]
view_for = cache.shared(32)(lesson.view.bias_view)

frame.page_title(PAGE)
frame.prose(
    "Started at $\\mathrm{ema}_0 = 0$, the average spends its first steps pulled towards 0: "
    "after $t$ updates only $1-\\beta^t$ of its weight sits on the data, the remaining "
    "$\\beta^t$ still on the zero start. Dividing by $1-\\beta^t$ rescales the weights on the "
    "data so that they sum to one."
)

left, main = frame.columns([4, 11])
with left:  # the decay first after the title, for a keyboard too
    decay = controls.decay_input(0.9, live=True)
    signal = controls.signal_input(default="noisy_constant", default_n=200, folded=True)
view = view_for(signal, decay)

with main:
    sharing.main_chart_may_stop(view.chart, PAGE, live=view.live)
    frame.stop_if_compact()
    controls.offer_length(signal, decay)
    sharing.share_panel(PAGE, offline=lambda link: lesson.view.offline(signal, decay, link))
    st.caption(view.gap_caption)
    # One above the other: three side by side were cut at a 1280 px projector.
    frame.formula(r"s_t = (1-\beta)\sum_{k \le t}\beta^{t-k}x_k")
    st.caption("From a zero start, the EMA s is a weighted sum of the values seen so far...")
    frame.formula(r"\sum_{k \le t}(1-\beta)\beta^{t-k} = 1-\beta^t")
    st.caption("...whose weights sum to less than one: the rest, βᵗ, sits on the zero start.")
    frame.formula(r"\hat s_t = \frac{s_t}{1-\beta^t}")
    st.caption(
        "Dividing rescales them to sum to one: exactly pandas' ewm(alpha=1−β, adjust=True).mean(), "
        "the weighted mean so far (the test suite checks it to 12 decimal places)."
    )

left, right = st.columns([3, 2], gap="medium")
sharing.show(view.factor_chart, "factor_chart", left)
with right:
    if view.fade:
        st.markdown(view.fade)
    st.markdown(
        "**Adam** (Kingma & Ba 2015, §3) keeps two such averages of the gradient $g_t$, both "
        "zero-started, and corrects both:"
    )
    # One equation a line: two a line ran past a 1280 px projector's column.
    for line in (
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t",
        r"\hat m_t = \frac{m_t}{1-\beta_1^t}",
        r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2",
        r"\hat v_t = \frac{v_t}{1-\beta_2^t}",
    ):
        frame.formula(line)
    st.markdown(
        "With $\\beta_2 = 0.999$ the second moment is biased for thousands of steps: without "
        "the correction the first updates would be far too large."
    )
    st.table(view.adam_table, hide_index=True)


# Editing the example reruns only this section: the charts above stay as they are.
@st.fragment
def keras_example() -> None:
    st.markdown(
        "`tf.keras.backend.moving_average_update(x, value, momentum)` documents it with "
        "`x = tf.Variable(0.0)`, `momentum = 0.9` and one update with `value = 2.0`: `x` becomes "
        "**0.2**, biased towards its zero start; dividing by `1 - momentum ** num_updates` with "
        "`num_updates = 1` gives back **2.0**. Keras' `momentum` is the decay β. Edit the "
        "values or add rows: every update recomputes."
    )
    inputs, table = st.columns([1, 2], gap="large")
    momentum = widgets.draw(lesson.controls.MOMENTUM, inputs)
    updates = inputs.data_editor(
        {"value": [2.0]},
        num_rows="dynamic",
        column_config={
            "value": st.column_config.NumberColumn("value", format="%.6g", required=True)
        },
        key="keras_values",
    )
    replay = lesson.view.keras_replay(updates["value"], momentum)
    with table.container(key="keras_replay"):
        if replay.skipped:
            st.warning(f"{replay.skipped} empty or non-finite value(s) were left out.")
        st.table(replay.rows, hide_index=True)
        st.caption(replay.caption)


frame.folded(
    "**Keras' documented example, step by step**: edit the values, every update recomputes",
    "keras_example",
    keras_example,
    (lesson.controls.MOMENTUM,),
)
sharing.csv_download(view.csv, view.csv_name, key="bias_csv")
