"""TensorFlow's dynamic decay: min(β, (1+t)/(10+t)), its crossover, and a step-by-step replay."""

import streamlit as st

from ema_lab.lessons import tf_dynamic_decay as lesson
from ema_lab.model.site import BY_NAME
from ema_lab.ui import cache, controls, frame, sharing, widgets

frame.rerun_unless_routed()

PAGE = BY_NAME["tf_dynamic_decay"]
schedule_for = cache.shared(16)(lesson.view.schedule_view)
view_for = cache.shared(32)(lesson.view.signal_view)

frame.page_title(PAGE)
# The decay and the formulas beside the chart, the prose under them: above the chart they
# pushed it below a 1280×720 projector's fold.
left, right = frame.columns([2, 3], gap="medium")
with left:
    decay = controls.decay_input(0.999, live=True)
schedule = schedule_for(decay)
sharing.main_chart_may_stop(schedule.chart, PAGE, where=right)
frame.stop_if_compact()
with left:
    frame.formula(r"\beta_t = \min\!\left(\beta,\ \frac{1+t}{10+t}\right)")
    frame.formula(r"t^* = \frac{10\beta-1}{1-\beta}")
    st.markdown(schedule.crossover)
frame.prose(
    "`tf.train.ExponentialMovingAverage(decay, num_updates=step)` does not use `decay` from "
    "the start: it uses the smaller of `decay` and $(1+t)/(10+t)$, so that early in training the "
    "average follows the weights quickly (its window is $(10+t)/9$ steps), and only later "
    "settles on the long memory you asked for."
)

st.subheader("On a signal")
left, main = st.columns([4, 11], gap="large")
with left:
    signal = controls.signal_input(default="step", default_n=2000)
    initial = widgets.draw(controls.INITIAL, help=None)
view = view_for(signal, decay, initial)
sharing.show(view.chart, "tf_signal_chart", main, live=view.live)
main.caption(view.caption)
controls.offer_length(signal, decay, main)
sharing.share_panel(
    PAGE, offline=lambda link: lesson.view.offline(signal, decay, initial, link), where=main
)
sharing.csv_download(view.csv, view.csv_name, key="tf_csv")


# Editing the replay reruns only this section.
@st.fragment
def step_by_step() -> None:
    st.markdown(
        "A worked example of `tf.train.ExponentialMovingAverage(decay, num_updates=...)`: decay "
        "0.99, a variable `v1` and a step counter, replayed with TensorFlow's own arithmetic. Edit "
        "any value or `num_updates`, add or delete rows: every row recomputes. The first row "
        "creates the shadow from `v1`."
    )
    table_decay = widgets.draw(lesson.controls.TABLE_DECAY)
    rows = st.data_editor(
        lesson.view.DOC_EXAMPLE,
        num_rows="dynamic",
        column_config={
            "v1": st.column_config.NumberColumn("v1 (value)", format="%.6g", required=True),
            "num_updates": st.column_config.NumberColumn(
                "num_updates", min_value=0, step=1, format="%d", required=True
            ),
        },
        key="tf_steps",
    )
    replay = lesson.view.replay(rows["v1"], rows["num_updates"], table_decay)
    with st.container(key="tf_replay"):
        if replay.skipped:
            st.warning(
                f"{replay.skipped} row(s) with an empty, non-finite or negative entry were "
                "left out."
            )
        # A static table wraps its headers and fits a phone.
        st.table(replay.rows, hide_index=True)
    st.caption(
        "`shadow, zero_debias` is TensorFlow's arithmetic as written, not something TensorFlow "
        "shows for `v1`: it applies `zero_debias` only to plain tensors, never to a `tf.Variable`, "
        "and eager mode refuses such tensors. Where `num_updates` changes the decay it divides by "
        "1 − dᵗ with the decay in effect *now* and overshoots (153.36 for data between 0 and 10); "
        "the exact column divides by 1 − Πd and stays within the data."
    )
    st.markdown(
        "**zero_debias** keeps a zero-started accumulator $b$ and its own count $t$, and shows "
        "$b/(1-d^t)$ with the decay $d$ in effect *now*. While the decay is constant that is "
        "the exact correction; when `num_updates` changes it, the exact correction would divide by "
        "$1-\\prod_k d_k$ instead, and the two differ.  \n"
        "**float32**: TensorFlow computes the decay in float32, so its own numbers differ from "
        "these float64 ones in the seventh significant digit (4.5549998 rather than 4.555)."
    )


frame.folded(
    "**Step by step, as TensorFlow does it**: the documented example, editable",
    "tf_steps",
    step_by_step,
    (lesson.controls.TABLE_DECAY,),
)
