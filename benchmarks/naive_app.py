"""The naive way, for comparison: one Streamlit page that sends every point to the browser.

    streamlit run benchmarks/naive_app.py   (then open /?n=1000000)

Same signal, same compiled EMA, same decay slider as /smoothing, but two full-length
traces and no decimation, no caching, no fragment: what a plain Streamlit + Plotly
page does. ``benchmarks/bench_browser.py`` measures it beside EMA Lab.
"""

import plotly.graph_objects as go
import streamlit as st

import ema_core as ec
from ema_lab.model.decay_scale import DECAY_GRID, fmt_decay

n = int(st.query_params.get("n", 1000))
decay = st.select_slider(
    "decay β", options=DECAY_GRID, value=0.99, format_func=fmt_decay, key="decay"
)
x = ec.signals.generate("noisy_sine", n, noise=0.3, seed=0)
fig = go.Figure(
    [
        go.Scatter(y=x, name="signal", mode="lines"),
        go.Scatter(y=ec.ema_series(x, decay), name="EMA", mode="lines"),
    ]
)
st.plotly_chart(fig, key="naive_chart")
