"""EMA Lab's home page: the idea on one screen, and the way to every page."""

import streamlit as st

import ema_core as ec
from ema_lab import figures
from ema_lab.numbers import readable
from ema_lab.offline import MovingLine, OfflineView
from ema_lab.style import COLORS
from ema_lab.widgets import (
    PAGES,
    announce_bad_params,
    columns,
    decay_input,
    decay_params,
    embed_chart,
    embed_footer,
    embedded,
    end_of_embed,
    generated,
    page_title,
    prose,
    setup_page,
    share_panel,
    show,
    view_link,
)

setup_page("Home", "📈")
announce_bad_params(decay_params())

page_title("📈 EMA Lab")
prose(
    "The **exponential moving average** keeps a running summary of a noisy stream with one "
    "number and one knob: each new value moves the average a fraction $1-\\beta$ of the way "
    "towards it."
)

left, right = columns([2, 3])
with left:
    if not embedded():
        st.latex(r"\mathrm{ema}_t = \beta\,\mathrm{ema}_{t-1} + (1-\beta)\,x_t")
    decay = decay_input(0.9)
    window = ec.effective_window(decay)
    prose(
        f"With $\\beta = {decay:g}$ the average remembers about the last "
        f"**{readable(window)} values** (its *effective window* $1/(1-\\beta)$), which hold "
        f"{ec.weight_in_last(decay, window):.0%} of its weight."
    )
    prose(
        "It is everywhere: the running statistics of **batch normalization**, the moment "
        "estimates of the **Adam** optimizer, the **EMA of model weights** that diffusion and "
        "self-supervised models evaluate with, and the moving averages of **finance**."
    )
with right:
    x = generated("noisy_sine", 500, 0.4, 0)
    ema = ec.ema_series(x, decay, initial=None)
    title = "A noisy signal and its EMA (started at the first value)"
    fig = figures.time_figure(
        [
            figures.raw_line(x),
            figures.Line(ema, "EMA", COLORS["biased"]),
        ],
        title=title,
        height=360,
    )
    show(embed_chart(fig), "home_chart")
    embed_footer(fig, "")
    share_panel(
        "",
        offline=lambda: OfflineView(
            values=x,
            decay=decay,
            initial=None,
            title=title,
            moving=(MovingLine("first_value", "EMA", COLORS["biased"]),),
            fixed=(figures.raw_line(x),),
            link=view_link(""),
        ),
    )

end_of_embed()
st.subheader("Explore")
DESCRIPTIONS = {
    "pages/smoothing.py": "Any signal, any decay: raw, biased, debiased and TensorFlow's EMA, "
    "with the effective window drawn.",
    "pages/bias_correction.py": "Why a zero start drags the average to 0, and how dividing by "
    "1 − βᵗ fixes it (Adam).",
    "pages/tf_dynamic_decay.py": "TensorFlow's min(β, (1+t)/(10+t)), replayed step by step.",
    "pages/weights_lab.py": "An EMA of model weights, trained live: every decay strategy "
    "side by side.",
    "pages/choosing_decay.py": "Compare decays: weights, step and frequency responses, "
    "noise against lag.",
}
# Three to a row: five side by side cut their labels ("Smoothing a signa") even at 1440 px.
cards = [*st.columns(3), *st.columns(3)]
for card, (path, label, icon) in zip(cards, PAGES[1:], strict=False):
    with card.container(border=True, height="stretch"):
        st.page_link(path, label=f"**{label}**", icon=icon)
        st.caption(DESCRIPTIONS[path])

st.caption(
    f"Every number on these pages comes from `ema_core` {ec.__version__}, tested against "
    "TensorFlow's and Keras' documented examples and pandas."
)
