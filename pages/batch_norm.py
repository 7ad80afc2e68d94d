"""Batch norm's running statistics: an EMA never debiased, and two meanings of momentum."""

import streamlit as st

from ema_lab.lessons import batch_norm as lesson
from ema_lab.model.site import BY_NAME
from ema_lab.ui import cache, controls, frame, sharing, state, widgets

frame.rerun_unless_routed()

LAYOUT = state.layout()

PAGE = BY_NAME["batch_norm"]
view_for = cache.shared(max_entries=16)(lesson.view.view_of)

frame.page_title(PAGE)

left, main = frame.columns([4, 11])
with left:
    before = state.last_shown(lesson.controls.CONVENTION.key)
    convention = widgets.draw(lesson.controls.CONVENTION)
    typed = state.widget_value(lesson.controls.MOMENTUM.key)
    if before not in (None, (convention,)) and typed is not None:
        # Another framework, the same EMA: its momentum in the new framework's words.
        kept = lesson.view.batchnorm_decay(float(typed), before[0])
        state.preset(lesson.controls.MOMENTUM.key, lesson.view.momentum_for(kept, convention))
    default = lesson.controls.DEFAULT_MOMENTUM[convention]
    carried = controls.carried_decay()  # a decay chosen on another page, in this unit
    start = default if carried is None else lesson.view.momentum_for(carried, convention)
    momentum = float(widgets.draw(lesson.controls.MOMENTUM, default=default, start=start))
    decay = lesson.view.batchnorm_decay(momentum, convention)
    at_default = lesson.view.batchnorm_decay(default, convention)
    state.chose_decay(decay, at_default, lesson.controls.MOMENTUM.key)
    if not LAYOUT.compact:  # the embed's room is for the chart; its link has the rest
        st.caption(lesson.view.momentum_caption(momentum, convention))
    with st.expander("the stream: batch size, drift, spread, length, seed"):
        size = widgets.draw(lesson.controls.BATCH_SIZE)
        drift, spread = widgets.draw(lesson.controls.DRIFT), widgets.draw(lesson.controls.SPREAD)
        steps, seed = widgets.draw(lesson.controls.BATCHES), widgets.draw(controls.SEED)
view = view_for(int(steps), int(size), float(drift), float(spread), int(seed), convention, momentum)

with main:
    sharing.main_chart_may_stop(view.mean_chart, PAGE)
    frame.stop_if_compact()
    # Under the chart: above it, it pushed the chart below a projector's fold.
    frame.prose(
        "Every batch-norm layer keeps an **EMA of its batches' mean and variance** for "
        "inference, started at mean 0 and variance 1 and **never debiased**. PyTorch and Keras "
        "both call its knob *momentum*, and mean opposite things by it."
    )
    sharing.share_panel(PAGE)
    st.markdown(view.start_sentence())

sharing.show(view.error_chart, "batchnorm_error_chart")
st.table(view.end_readings(), hide_index=True)
sharing.show(view.var_chart, "batchnorm_var_chart")

st.subheader("One word, two meanings")
st.table(lesson.view.NAMING, hide_index=True)
st.markdown(
    f"**Your momentum {momentum:g} in {lesson.view.FRAMEWORK[convention]}** is this EMA in every "
    "framework's words:"
)
st.table([lesson.view.converted(momentum, convention)], hide_index=True)
st.markdown(
    "**Ported with the same number**: each framework's default typed into the other keeps "
    "almost nothing but the last batch, and a model is evaluated with one batch's noise:"
)
st.table(lesson.view.trap_rows(view.stream), hide_index=True)

a, b = st.columns(2)
with a:
    st.markdown(
        "**The start.** Keras' documented `moving_average_update` example: from 0, a batch of "
        "2.0 at momentum 0.9. Each update keeps $1-\\beta^t$ of the data's weight:"
    )
    st.table(lesson.view.keras_replay(), hide_index=True)
with b:
    st.markdown(
        "**Small batches.** PyTorch keeps the batch variance with Bessel's correction "
        "$n/(n-1)$, Keras 3 without it:"
    )
    st.table(lesson.view.bessel_rows(), hide_index=True)
sharing.csv_download(
    lambda: lesson.view.csv_columns(view), f"ema-lab_batch_norm_{convention}_{momentum:g}.csv",
    key="batchnorm_csv",
)  # fmt: skip
