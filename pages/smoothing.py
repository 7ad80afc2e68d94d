"""Smoothing a signal: raw, biased, debiased and TensorFlow EMA, with the effective window."""

import numpy as np
import streamlit as st

import ema_core as ec
from ema_lab import figures
from ema_lab.widgets import (
    SIGNAL_PARAMS,
    Signal,
    announce_bad_params,
    choice_param,
    csv_download,
    decay_input,
    decay_params,
    embedded,
    html_download,
    number_param,
    page_title,
    scrubber,
    setup_page,
    share_panel,
    show,
    signal_input,
)

VIEWS = ("signal", "biased", "debiased", "TensorFlow")  # the lines, as the URL names them


def smoothing_series(x: np.ndarray, decay: float, initial: float) -> dict[str, np.ndarray]:
    """The three averages of the page, on the full series."""
    return {
        "biased": ec.ema_series(x, decay, initial=initial),
        "debiased": ec.ema_series(x, decay, initial=initial, debias=True) if decay < 1 else None,
        "tensorflow": ec.ema_series(x, ec.tf_decay(decay, np.arange(len(x))), initial=initial),
    }


# Keyed on scalars (the signal's identity, not its values): a class opening one link
# or a student toggling lines reuses the drawn lines; only a new decay or start computes.
@st.cache_resource(max_entries=64, show_spinner=False)
def drawn_lines(_signal: Signal, signal_key: tuple, decay: float, initial: float) -> dict:
    series = smoothing_series(_signal.values, decay, initial)
    series["debiased"] = series["debiased"] if series["debiased"] is not None else series["biased"]
    lines = figures.smoothing_lines(_signal.values, **series)
    return {
        key: figures.decimated(line, _signal.dates)
        for key, line in zip(("raw", *series), lines, strict=True)
    }


setup_page("Smoothing a signal", "〰️")
announce_bad_params(
    [
        *SIGNAL_PARAMS,
        *decay_params(),
        number_param("initial", -1e6, 1e6),
        choice_param("views", VIEWS, many=True),
        number_param("window_end", 1, 10**7, whole=True, once=True),
        choice_param("scrubber", ["true", "false"]),
    ]
)
page_title("〰️ Smoothing a signal")
signal = signal_input(in_row=True)


# Moving the decay (or anything below) reruns only this fragment: the signal, its
# controls and the scrubber stay as they are, and the server sends only the chart.
@st.fragment
def smoothing_view(signal: Signal) -> None:
    x = signal.values
    n = len(x)
    controls, main = st.columns([4, 11], gap="large")
    with controls:
        decay = decay_input(0.99)
        more = st.expander("start, window") if embedded() else st.container()
    with more:
        initial = st.number_input(
            "initial value ema₀",
            -1e6,
            1e6,
            0.0,
            0.1,
            key="initial",
            bind="query-params",
            help="The average before the first update. 0 is the usual, biased, start.",
        )
        window = ec.effective_window(decay)
        end = (  # a slider needs two ends: a one-value upload has only step 1
            st.slider(
                "effective window ends at step",
                1,
                n,
                max(1, n // 2),
                key="window_end",
                bind="query-params",
                help="Move the shaded band: it covers the last 1/(1−β) steps up to this one.",
            )
            if n > 1
            else 1
        )
    lines = drawn_lines(signal, signal.key, decay, initial)
    covered = min(window, end)
    share = ec.weight_in_last(decay, covered)
    first = max(1, round(end - covered + 1))
    band = (
        (first, end) if signal.dates is None else (signal.dates[first - 1], signal.dates[end - 1])
    )

    with main:
        views = st.pills(
            "show",
            VIEWS,
            default=VIEWS,
            selection_mode="multi",
            key="views",
            bind="query-params",
        )
        shown = {
            "raw": "signal",
            "biased": "biased",
            "debiased": "debiased",
            "tensorflow": "TensorFlow",
        }
        fig = figures.time_figure(
            [line for key, line in lines.items() if shown[key] in views],
            title=f"{signal.label}, β = {decay:g}, ema₀ = {initial:g}: the last "
            f"{window:,.4g} steps hold {share:.1%} of the weight",
            x=signal.dates,
            x_title="date" if signal.dates is not None else "step t",
            y_title=signal.unit or "value",
            window=(*band, "1/(1−β)"),
            height=265 if embedded() else 480,
            length=n,
        )
        if embedded():  # narrow: a short title, and a one-line key instead of the legend
            fig.update_layout(
                title_text=f"β = {decay:g}: the last {window:,.4g} steps hold {share:.1%}",
                showlegend=False,
            )
        show(fig, "smoothing_chart")
        if embedded():
            st.caption(
                ":gray[━ signal]  :orange[━ biased]  :blue[━ debiased]  :green[╍ TensorFlow]  "
                "(full page: remove embed=true)"
            )

        if embedded():
            return  # the chart and its controls; the read-outs are on the full page

        cutoff = ec.cutoff_frequency(decay)
        std_left = np.sqrt(ec.noise_variance_ratio(decay))
        m = st.columns(5)
        m[0].metric("window 1/(1−β)", f"{window:,.4g}", help="steps; about 63% of the weight")
        m[1].metric(
            "half-life", f"{ec.half_life(decay):,.4g}", help="steps until a value's weight halves"
        )
        m[2].metric(
            "lag",
            f"{ec.center_of_mass(decay):,.4g}",
            help="center of mass: steps the EMA trails a ramp",
        )
        m[3].metric(
            "noise ratio",
            f"{ec.noise_variance_ratio(decay):.3g}",
            help=f"white noise, variance out / in; its standard deviation shrinks {std_left:.3g}×",
        )
        m[4].metric(
            "cutoff (−3 dB)",
            "none" if np.isnan(cutoff) else f"{cutoff / (2 * np.pi):.3g}",
            help="cycles per step where the gain falls to 1/√2; none below β = 0.172, "
            "where the gain never falls that far",
        )

        a, b, c = st.columns(3)
        with a:
            st.latex(r"s_t = \beta\, s_{t-1} + (1-\beta)\, x_t")
            st.caption(
                "The EMA s moves a fraction 1−β of the way to each value. The window 1/(1−β) "
                "holds about 1 − 1/e ≈ 63% of the weight."
            )
        with b:
            st.latex(r"\hat s_t = \frac{s_t - \beta^t s_0}{1-\beta^t}")
            st.caption(
                "Debiased: the weight still on the start s₀ is removed, the rest rescaled to one."
            )
        with c:
            st.latex(r"\beta_t = \min\!\left(\beta, \tfrac{1+t}{10+t}\right)")
            st.caption(
                "TensorFlow's num_updates rule: a short memory early on, β from t* = (10β−1)/(1−β)."
            )

        st.caption(
            f"Computed on all {n:,} values; the chart draws at most {figures.MAX_POINTS:,} points "
            "per line (each bucket's minimum and maximum)."
        )
        csv_download(
            lambda: {
                "signal": x,
                **{
                    f"ema_{k}": v
                    for k, v in smoothing_series(x, decay, initial).items()
                    if v is not None
                },
            },
            f"ema_smoothing_decay{decay:g}.csv",
            key="smoothing_csv",
        )
        html_download(signal, "ema-lab_smoothing_scrubber", key="smoothing_html")
        share_panel("smoothing")


smoothing_view(signal)

if not embedded() and st.toggle(
    "Instant scrubber: a decay slider inside the chart, answered by the browser alone",
    key="scrubber",
    bind="query-params",
):
    show(scrubber(signal.values, signal.key), "scrubber_chart")
    st.caption(
        f"{len(figures.SCRUBBER_DECAYS)} decays precomputed by ema_core on all "
        f"{len(signal.values):,} values (each EMA started at the first value), "
        f"{figures.SCRUBBER_POINTS} points per frame."
    )
