"""EMA Lab: see and understand the exponential moving average."""

import streamlit as st

import ema_core as ec

st.set_page_config(page_title="EMA Lab", page_icon="📈", layout="wide")
st.title("EMA Lab")
st.latex(r"\mathrm{ema}_t = \beta\,\mathrm{ema}_{t-1} + (1-\beta)\,x_t")
decay = st.slider("decay β", 0.5, 0.999, 0.9, key="decay")
x = ec.signals.noisy_sine(500, noise=0.3)
st.line_chart({"signal": x, "EMA": ec.ema_series(x, decay, initial=None)})
st.caption(f"Effective window 1/(1−β) = {ec.effective_window(decay):.1f} steps.")
