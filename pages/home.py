"""EMA Lab's home page: the idea on one screen, and the way to every page."""

import streamlit as st

from ema_lab.lessons import home as lesson
from ema_lab.model.site import HOME, PAGES
from ema_lab.ui import controls, frame, sharing, state, widgets

frame.rerun_unless_routed()

LAYOUT = state.layout()

frame.page_title(HOME)
frame.prose(
    "The **exponential moving average** keeps a running summary of a noisy stream with one "
    "number and one knob: each new value moves the average a fraction $1-\\beta$ of the way "
    "towards it."
)

left, right = frame.columns([2, 3])
with left:
    if not LAYOUT.compact:
        frame.formula(r"\mathrm{ema}_t = \beta\,\mathrm{ema}_{t-1} + (1-\beta)\,x_t")
    decay = controls.decay_input(0.9, live=True)
    x = controls.generated(*lesson.view.signal_for(decay))
    view = lesson.view.home_view(x, decay)
    frame.prose(view.memory)
    frame.prose(
        "It is everywhere: the running statistics of **batch normalization**, the moment "
        "estimates of the **Adam** optimizer, the **EMA of model weights** that diffusion and "
        "self-supervised models evaluate with, and the moving averages of **finance**."
    )
with right:
    sharing.main_chart_may_stop(view.chart, HOME, live=view.live)
    sharing.share_panel(HOME, offline=lambda link: lesson.view.offline(x, decay, link))

frame.stop_if_compact()
st.subheader("The recurrence, step by step")
STEP = lesson.controls.STEP
st.button(
    "▶ Play the steps",
    key="play_steps",
    on_click=state.play,
    args=(STEP.key,),
    help=f"From step 1 to {STEP.high:g}, one step every {lesson.controls.PLAY_EVERY:g} s",
)


# Only the stepper reruns on each tick of the play (and the play ticks only while it has
# steps to show: the run after its last step drops the timer).
@st.fragment(run_every=lesson.controls.PLAY_EVERY if state.is_playing(STEP.key) else None)
def recurrence_by_step() -> None:
    playing = state.next_play_step(STEP.key, int(STEP.high))
    if playing is not None:
        state.preset(STEP.key, playing)
    t = int(widgets.draw(STEP))
    step = lesson.view.recurrence(decay, t)
    frame.formula(step.update)
    a, b = st.columns([2, 3])
    a.table(step.rows(), hide_index=True)
    a.markdown(step.sentence())
    sharing.show(step.chart, "weights_bar_chart", b)
    if playing == STEP.high:
        st.rerun(scope="app")


recurrence_by_step()

st.subheader("Explore")
# Three to a row: five side by side cut their labels ("Smoothing a signa") even at 1440 px.
lessons = PAGES[1:]
cards = [card for _ in range(0, len(lessons), 3) for card in st.columns(3)]
for card, page in zip(cards, lessons, strict=False):
    with card.container(border=True, height="stretch"):
        st.page_link(page.file, label=f"**{page.label}**", icon=page.icon)
        st.caption(page.description)

st.caption(
    f"Every number on these pages comes from `ema_core` {lesson.view.VERSION}, tested against "
    "TensorFlow's and Keras' documented examples and pandas."
)
