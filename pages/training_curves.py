"""Reading training curves: TensorBoard's and W&B's smoothing slider, and what it hides."""

import streamlit as st

from ema_lab.lessons import training_curves as lesson
from ema_lab.model import signal
from ema_lab.model.site import BY_NAME
from ema_lab.model.text import escape_markdown
from ema_lab.ui import cache, controls, frame, sharing, state, uploads, widgets

frame.rerun_unless_routed()

PAGE = BY_NAME["training_curves"]
UPLOAD = "training_csv"
view_for = cache.shared(max_entries=16)(lesson.view.view_of)

frame.page_title(PAGE)


left, main = frame.columns([4, 11])
with left:
    # The decay carried from another page is the smoothing: TensorBoard's is an EMA's β.
    carried = controls.carried_decay()
    fits = carried is not None and carried <= lesson.controls.SMOOTHING.high
    start = round(carried, 3) if fits else lesson.controls.SMOOTHING.default
    smoothing = float(widgets.draw(lesson.controls.SMOOTHING, start=start))
    state.chose_decay(smoothing, lesson.controls.SMOOTHING.default, lesson.controls.SMOOTHING.key)
    if carried is not None and not fits and smoothing == lesson.controls.SMOOTHING.default:
        st.caption(
            f"The decay {carried:g} from the last page is past TensorBoard's slider "
            f"(0 to {lesson.controls.SMOOTHING.high:g}): smoothing starts at its default."
        )
    with st.expander("your own curve (CSV upload)"):
        mine = uploads.uploaded_curve(
            UPLOAD,
            "your curve: a TensorBoard or W&B CSV export, or any CSV with a step and a value",
            lesson.exports.read_export,
            shipped="the shipped run",
        )
    if mine is not None:
        st.caption(escape_markdown(mine.description))
loss, rate = lesson.exports.shipped_run()
curve = mine or loss
# An upload's key starts with signal.UPLOAD: its view is kept with the session (ui.cache).
key = ("shipped",) if mine is None else (signal.UPLOAD, state.upload(UPLOAD).file_id, mine.name)
view = view_for(curve, key, smoothing, rate)

with main:
    sharing.main_chart_may_stop(view.main_chart, PAGE)
    frame.stop_if_compact()
    # Under the chart: above it, it pushed the chart below a projector's fold.
    frame.prose(
        "The EMA practitioners look at most is the **smoothing slider** over their loss "
        "curves. TensorBoard's draws a debiased EMA over the points it kept; W&B's default (and "
        "SwanLab's) a time-weighted EMA whose window follows the chart's visible range. Here "
        "is exactly what each draws, on a real run or on your own export, and what the slider "
        "hides."
    )
    sharing.share_panel(PAGE)
    if mine is None:
        st.caption(
            "The run: a small network learning Seattle's weather type (NOAA data shipped "
            "with EMA Lab) by SGD, its loss logged every 10 steps, the learning rate divided "
            "by 10 at steps 15,000 and 24,000."
        )

st.subheader("The lag and the best checkpoint")
st.markdown(
    "A smoothed curve lags behind the run by about $s/(1-s)$ logged points; picking a "
    "checkpoint from it, or from the raw curve's luckiest batch, picks a different step:"
)
st.table(view.best_rows(), hide_index=True)
st.table(view.reading_rows(), hide_index=True)

st.subheader("How much does the slider average?")
a, b = st.columns(2)
with a:
    every = int(widgets.draw(lesson.controls.LOG_EVERY))
    over = int(widgets.draw(lesson.controls.AVERAGE_OVER))
with b:
    found = lesson.calculator.smoothing_for(every, over, view.x_range)
    st.markdown(lesson.calculator.calculator_text(found, every, over, view.x_range))

st.subheader("TensorBoard's sampling")
st.markdown(view.sampling_sentence())
sharing.show(view.sampling_chart, "sampling_chart")

if view.rate_chart is not None:
    st.subheader("A step schedule becomes a ramp")
    st.markdown(view.ramp_sentence())
    sharing.show(view.rate_chart, "rate_chart")

st.subheader("A two-point line, and the start")
c, d = st.columns(2)
with c:
    st.markdown(
        "TensorBoard smooths a line of two points too (tensorboard#1127): the second "
        "point is $(s\\,y_1 + y_2)/(1+s)$, not $y_2$."
    )
    st.table(view.two_points(), hide_index=True)
with d:
    st.markdown(view.start_sentence())
sharing.show(view.start_chart, "start_chart")

st.subheader("W&B and the visible range")
st.markdown(view.zoom_sentence())
sharing.show(view.zoom_chart, "zoom_chart")
sharing.csv_download(
    view.csv_columns, f"ema-lab_training_curves_{smoothing:g}.csv", key="training_csv_download"
)
