"""Momentum and Adam: the EMAs that drive the optimizer, and why Adam divides out their start."""

import streamlit as st

from ema_lab.lessons import adam as lesson
from ema_lab.model.site import BY_NAME
from ema_lab.ui import cache, controls, frame, sharing, state, widgets

frame.rerun_unless_routed()

PAGE = BY_NAME["adam"]
view_for = cache.shared(32, "Training…")(lesson.view.adam_view)

frame.page_title(PAGE)
left, main = frame.columns([4, 11])
with left:  # the decay (β₁) first after the title, for a keyboard too
    beta1 = controls.decay_input(0.9)
    # Embedded, the rest folds into a pop-over: the decay is the one control a reader moves.
    with st.popover("β₂ and learning rate") if state.layout().compact else st.container():
        beta2 = float(widgets.draw(lesson.controls.BETA2))
        learning_rate = float(widgets.draw(lesson.controls.LEARNING_RATE))
view = view_for(beta1, beta2, learning_rate)

with main:
    sharing.main_chart_may_stop(view.chart, PAGE)
    frame.stop_if_compact()
    frame.prose(
        "Every Adam step is built from two EMAs of the gradient $g_t$, both started at 0: the "
        "decay β on this page is Adam's β₁. Here Adam trains the weights lab's two weights on "
        "the same bowl, from the same start, on the same mini-batches: once as the paper "
        "writes it, once without dividing out the zero start."
    )
    sharing.share_panel(
        PAGE, offline=lambda link: lesson.view.offline(beta1, beta2, learning_rate, link)
    )
    st.markdown(view.first_step)

left, right = st.columns([3, 2], gap="medium")
sharing.show(view.paths_chart, "adam_paths_chart", left)
with right:
    st.markdown("**Adam** (Kingma & Ba 2015, Algorithm 1), from $m_0 = v_0 = 0$:")
    # One equation a line: two a line ran past a 1280 px projector's column on other pages.
    for line in (
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t",
        r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\,g_t^2",
        r"\hat m_t = \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t}",
        r"\theta_t = \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}",
    ):
        frame.formula(line)
    st.table(view.readings, hide_index=True)

sharing.show(view.noisy_chart, "adam_noisy_chart")
st.caption(
    "The same two Adams on a one-weight problem whose every gradient is noisy: the EMAs "
    "average the noise away in both, and the correction decides how far the first steps go."
)

st.subheader("Where ε goes: PyTorch against Keras")
st.markdown(
    "PyTorch, optax and the paper's Algorithm 1 add ε to $\\sqrt{\\hat v_t}$. Keras and "
    "TensorFlow fold both corrections into the step size, "
    "$\\alpha_t = \\eta\\sqrt{1-\\beta_2^t}/(1-\\beta_1^t)$, and add ε to $\\sqrt{v_t}$ "
    "(the paper's §2 order): there ε counts $1/\\sqrt{1-\\beta_2^t}$ times more, which shows "
    "where gradients are as small as ε. Step 1 for one weight, ε = 10⁻⁸ in both:"
)
st.table(view.eps_rows, hide_index=True)
st.markdown(
    "**Momentum** is the same EMA without the correction: PyTorch's `SGD(momentum=μ)` keeps "
    "$b_t = \\mu\\,b_{t-1} + (1-\\tau)\\,g_t$ from $b_1 = g_1$. With dampening τ = μ it is an "
    "EMA of the gradients with β = μ started at the first one; with the default τ = 0 it "
    "runs $1/(1-\\mu)$ times larger, the heavy ball (`ema_core.momentum_updates`)."
)
