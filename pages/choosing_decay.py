"""Choosing a decay: two to four decays side by side, and a calculator between units."""

import streamlit as st

from ema_lab.lessons import choosing_decay as lesson
from ema_lab.model import readings
from ema_lab.model.site import BY_NAME
from ema_lab.ui import cache, controls, frame, readouts, sharing, widgets
from ema_lab.ui.controls import UNITS

frame.rerun_unless_routed()

PAGE = BY_NAME["choosing_decay"]
view_for = cache.shared(32)(lesson.view.compare_view)

frame.page_title(PAGE)

# Full width: four chosen decays stay readable as chips (a side column cut them off).
# The decay carried from the last page is compared beside the two defaults.
picked = widgets.draw(
    lesson.controls.DECAYS, start=lesson.view.starting_decays(controls.carried_decay())
)
left, main = frame.columns([4, 11])
with left:
    signal = controls.signal_input(default="noisy_sine", default_n=1000)
view = view_for(signal, tuple(picked))
if view.notice:
    st.info(view.notice)
with main:
    sharing.main_chart_may_stop(view.chart, PAGE)
    frame.stop_if_compact()
    # Under the chart: above it, it pushed the chart below a 1280×720 projector's fold.
    frame.prose(
        "A longer memory smooths more and lags more. Put two to four decays side by side and "
        "see the trade-off from every angle."
    )
    controls.offer_length(signal, max(view.decays))
    sharing.share_panel(PAGE, offline=lambda link: lesson.view.offline(signal, view, link))

a, b = st.columns(2)
for where, key in zip((a, b, a, b), view.responses, strict=True):
    sharing.show(view.responses[key], key, where)
readouts.table(view.decays, where=st.container(key="readings_table"))
# Two quantities a line: on one line, the formula was wider than a phone. Full-size fractions:
# small ones (\tfrac) set their terms at 13.6 px, under the text's 16.
frame.formula(
    r"\begin{aligned} N &= \frac{1}{1-\beta} & h &= \frac{\ln 0.5}{\ln\beta} \\ "
    r"\mathrm{span} &= \frac{2}{1-\beta}-1 & \mathrm{lag} &= \frac{\beta}{1-\beta} \\ "
    r"\frac{\sigma_{out}}{\sigma_{in}} &= \sqrt{\frac{1-\beta}{1+\beta}} \end{aligned}"
)


# The calculator reruns alone: the charts above stay as they are.
@st.fragment
def calculator() -> None:
    st.subheader("Calculator")
    c1, c2 = st.columns([1, 2])
    unit = UNITS[widgets.draw(lesson.controls.CALC_BY, c1)]
    amount = widgets.draw(
        lesson.controls.CALC_VALUE,
        c1,
        default=max(unit.low, 100.0),
        low=unit.low,
        label=unit.label,
    )
    result, shown = readings.calculate(unit.name, amount)
    c2.metric("decay β", shown)
    readouts.table([result], where=c2)


calculator()
st.subheader("The naming trap")
st.markdown(
    "Libraries name the knob differently, and three of them mean **1 − β**: PyTorch's "
    "`BatchNorm` momentum, ignite's `EMAHandler` momentum and pandas' `alpha`. For a window of "
    "100 steps (β = 0.99) you write:"
)
st.table(lesson.view.NAMING, hide_index=True)
sharing.csv_download(view.csv, "ema_choosing_decay.csv", key="choose_csv")
