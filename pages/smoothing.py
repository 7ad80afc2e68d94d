"""Smoothing a signal: raw, biased, debiased and TensorFlow EMA, with the effective window."""

import streamlit as st

from ema_lab.lessons import smoothing as lesson
from ema_lab.model.site import BY_NAME
from ema_lab.ui import cache, controls, frame, readouts, sharing, state, widgets
from ema_lab.ui.controls import INITIAL

frame.rerun_unless_routed()

LAYOUT = state.layout()

PAGE = BY_NAME["smoothing"]


# Keyed on scalars (the signal's identity, not its values): a class opening one link or a
# student toggling lines reuses the drawn lines; only a new decay or start computes.
lines_for = cache.shared(64)(lesson.view.drawn_lines)
time_aware_for = cache.shared(32)(lesson.view.time_aware)
scrubber_for = cache.shared(8)(lesson.view.scrubber_curves)


def time_controls(signal, decay: float):
    """The time-aware EMA's controls, for a signal observed at times: its view and line."""
    if signal.dates is None or not widgets.draw(
        lesson.controls.TIME_AWARE, default=lesson.time_aware.has_gaps(signal.dates)
    ):
        return None
    # One above the other: side by side in the controls' column, the unit read "day".
    amount, unit = st.container(), (st.container() if signal.calendar is not None else None)
    half_life = widgets.draw(lesson.controls.TIME_HALF_LIFE, amount)
    unit_name = widgets.draw(lesson.controls.TIME_UNIT, unit) if unit is not None else "days"
    if half_life is not None and half_life <= 0:
        st.warning(
            "A half-life of 0 would forget everything at once; using the step EMA's "
            "half-life instead."
        )
        half_life = None
    return time_aware_for(signal, decay, half_life, unit_name)


frame.page_title(PAGE)


# Moving the decay (or anything else here) reruns only this fragment: the scrubber under it
# stays as it is, and the server sends only the chart. The decay comes first after the
# title, for a keyboard too, and the signal's controls folded under it: in a row above the
# chart, they pushed it below a 1280×720 projector's fold.
@st.fragment
def decay_and_main_chart():
    left, main = frame.columns([4, 11])
    with left:
        decay = controls.decay_input(0.99, live=True)
        signal = controls.signal_input(folded=True)
        # Folded, so that on a phone (columns stack) the chart follows the decay slider.
        more = st.expander("start ema₀, shaded window")
    state.rerun_page_if_changed("signal", signal.key)  # the scrubber below draws the signal
    n = len(signal.values)
    with more:
        initial = widgets.draw(INITIAL)
        middle = lesson.view.band_end(n)
        # A slider needs two ends: a one-value upload has only step 1.
        end = widgets.draw(lesson.controls.WINDOW_END, default=middle, high=n) if n > 1 else 1
    with left:  # in view, not folded: what the time-aware lesson is about
        timed = time_controls(signal, decay)
    with main:
        # Embedded, the line picker folds away with the start and the band: chart first.
        shown = widgets.draw(lesson.controls.VIEWS, more if LAYOUT.compact else st)
        lines = lines_for(signal, decay, initial)
        view = lesson.view.smoothing_view(
            signal, decay, initial, end, shown, lines, timed, compact=LAYOUT.compact
        )
        sharing.main_chart_may_stop(view.chart, PAGE, live=view.live)
        if LAYOUT.compact:
            return signal  # the chart and its controls; the read-outs are on the full page
        controls.offer_length(signal, decay)
        sharing.share_panel(
            PAGE, offline=lambda link: lesson.view.offline(signal, decay, initial, shown, link)
        )
        if view.zoom is not None:
            sharing.show(view.zoom, "gap_chart")
        readouts.metrics(decay, ("window", "half_life", "lag", "noise_std", "cutoff"))
        # One above the other: three side by side were cut at a 1280 px projector.
        frame.formula(r"s_t = \beta\, s_{t-1} + (1-\beta)\, x_t")
        st.caption(
            "The EMA s moves a fraction 1−β of the way to each value. The window 1/(1−β) "
            "holds about 1 − 1/e ≈ 63% of the weight."
        )
        frame.formula(r"\hat s_t = \frac{s_t - \beta^t s_0}{1-\beta^t}")
        st.caption(
            "Debiased: the weight still on the start s₀ is removed, the rest rescaled to one."
        )
        frame.formula(r"\beta_t = \min\!\left(\beta, \frac{1+t}{10+t}\right)")
        st.caption(
            "TensorFlow's num_updates rule: a short memory early on, β from t* = (10β−1)/(1−β)."
        )
        for note in view.notes:
            st.caption(note)
        sharing.csv_download(
            lambda: lesson.view.csv_columns(signal, decay, initial, timed.view if timed else None),
            view.csv_name,
            key="smoothing_csv",
        )
    return signal


signal = decay_and_main_chart()

if not LAYOUT.compact and widgets.draw(lesson.controls.SCRUBBER):
    curves = scrubber_for(signal)
    sharing.show(lesson.figures.scrubber_figure(signal.values, curves=curves), "scrubber_chart")
    st.caption(lesson.view.scrubber_note(len(signal.values)))
