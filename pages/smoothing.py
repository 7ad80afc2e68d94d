"""Smoothing a signal: raw, biased, debiased and TensorFlow EMA, with the effective window."""

import numpy as np
import streamlit as st

import ema_core as ec
from ema_lab import figures
from ema_lab.numbers import readable
from ema_lab.offline import OfflineView, standard_moving
from ema_lab.style import COLORS, LABELS
from ema_lab.views.smoothing import window_claim
from ema_lab.views.time_aware import TIME_UNITS, TimeView, has_gaps, time_view
from ema_lab.widgets import (
    SIGNAL_PARAMS,
    Signal,
    announce_bad_params,
    choice_param,
    columns,
    csv_download,
    decay_input,
    decay_params,
    embed_chart,
    embed_footer,
    embedded,
    number_param,
    page_title,
    scrubber,
    setup_page,
    share_panel,
    show,
    signal_input,
    view_link,
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


@st.cache_resource(max_entries=32, show_spinner=False)
def time_aware(
    _signal: Signal, signal_key: tuple, decay: float, half_life: float | None, unit: str
) -> tuple[TimeView, object]:
    view = time_view(
        _signal.values,
        _signal.dates,
        decay,
        half_life=half_life,
        unit=unit,
        repeated=_signal.repeated_times,
    )
    for shared in (view.ema, view.step_ema):  # shared by every session
        shared.flags.writeable = False
    line = figures.decimated(figures.Line(view.ema, LABELS["time"], COLORS["time"]), _signal.dates)
    return view, line


def time_controls(signal: Signal, decay: float) -> tuple[TimeView | None, object]:
    """The time-aware EMA's controls, for a signal observed at times: its view and line."""
    if signal.dates is None or not st.toggle(
        "time-aware EMA",
        value=has_gaps(signal.dates),  # on where it differs: data with gaps
        key="time_aware",
        bind="query-params",
        help="Let the past fade by a half-life in time, across the gaps too "
        "(pandas' ewm with times and halflife).",
    ):
        return None, None
    dated = signal.dates.dtype.kind == "M"
    amount, unit = st.columns([3, 2]) if dated else (st.container(), None)
    half_life = amount.number_input(
        "half-life in time",
        min_value=0.0,
        value=None,
        step=1.0,
        key="time_half_life",
        bind="query-params",
        placeholder="auto",
        help="Empty: the step EMA's half-life times the typical spacing, so the two EMAs "
        "agree where the data is evenly spaced and part across the gaps.",
    )
    unit_name = (
        unit.selectbox("unit", tuple(TIME_UNITS), index=2, key="time_unit", bind="query-params")
        if unit is not None
        else "days"
    )
    if half_life is not None and half_life <= 0:
        st.warning(
            "A half-life of 0 would forget everything at once; using the step EMA's "
            "half-life instead."
        )
        half_life = None
    return time_aware(signal, signal.key, decay, half_life, unit_name)


setup_page("Smoothing a signal", "〰️")
announce_bad_params(
    [
        *SIGNAL_PARAMS,
        *decay_params(),
        number_param("initial", -1e6, 1e6),
        choice_param("views", VIEWS, many=True),
        number_param("window_end", 1, 10**7, whole=True, once=True),
        choice_param("scrubber", ["true", "false"]),
        choice_param("time_aware", ["true", "false"]),
        number_param("time_half_life", 0.0, 1e9),
        choice_param("time_unit", tuple(TIME_UNITS)),
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
    controls, main = columns([4, 11])
    with controls:
        decay = decay_input(0.99)
        # Folded, so that on a phone (columns stack) the chart follows the decay slider.
        more = st.expander("start ema₀, shaded window")
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
        if st.session_state.get("window_end", 1) > n:  # a shorter signal than before
            st.session_state["window_end"] = max(1, n // 2)
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
    with controls:  # in view, not folded: what the time-aware lesson is about
        timed, timed_line = time_controls(signal, decay)
    lines = drawn_lines(signal, signal.key, decay, initial)
    claim = window_claim(decay, end)
    first = claim.first
    band = (
        (first, end) if signal.dates is None else (signal.dates[first - 1], signal.dates[end - 1])
    )

    with main:
        # Embedded, the line picker folds away with the start and the band: chart first.
        views = (more if embedded() else st).pills(
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
        drawn = [line for key, line in lines.items() if shown[key] in views]
        title = f"{signal.label}, β = {decay:g}, ema₀ = {initial:g}: {claim.claim}"
        if timed is not None:
            drawn.append(timed_line)
            title = timed.title
        fig = figures.time_figure(
            drawn,
            title=title,
            x=signal.dates,
            x_title=signal.time_title if signal.dates is not None else "step t",
            y_title=signal.unit or "value",
            window=(*band, claim.label),
            height=480,
            length=n,
        )
        if embedded():  # narrow: a short title, and a one-line key instead of the legend
            figures.set_title(fig, f"β = {decay:g}: {claim.claim}")
        if timed is not None:
            figures.shade_gaps(fig, timed.gaps)
            # The zero start's first steps run off the axis rather than squash the data.
            fig.update_yaxes(range=timed.value_range)
        show(embed_chart(fig, 300), "smoothing_chart")
        embed_footer(fig, "smoothing")
        if embedded():
            return  # the chart and its controls; the read-outs are on the full page
        kinds = [k for k in ("biased", "debiased", "tensorflow") if shown[k] in views]
        share_panel(
            "smoothing",
            offline=lambda: OfflineView(
                values=x,
                decay=decay,
                initial=initial,
                title=f"{signal.label}: the EMA as β moves",
                moving=standard_moving(kinds),
                fixed=(figures.raw_line(x),) if "signal" in views else (),
                dates=signal.dates
                if signal.dates is not None and signal.dates.dtype.kind == "M"
                else None,
                y_title=signal.unit or "value",
                link=view_link("smoothing"),
            ),
        )
        if timed is not None and timed.zoom is not None:
            zoom = figures.gap_zoom_figure(signal.dates, x, timed.step_ema, timed.ema, timed)
            zoom.update_xaxes(title_text=signal.time_title)
            zoom.update_yaxes(title_text=signal.unit or "value")
            show(zoom, "gap_chart")

        cutoff = ec.cutoff_frequency(decay)
        std_left = np.sqrt(ec.noise_variance_ratio(decay))
        m = st.columns(5)
        m[0].metric("window 1/(1−β)", readable(window), help="steps; about 63% of the weight")
        m[1].metric(
            "half-life", readable(ec.half_life(decay)), help="steps until a value's weight halves"
        )
        m[2].metric(
            "lag",
            readable(ec.center_of_mass(decay)),
            help="center of mass: steps the EMA trails a ramp",
        )
        m[3].metric(
            "noise ratio",
            readable(ec.noise_variance_ratio(decay), 3),
            help="white noise, variance out / in; its standard deviation shrinks "
            f"{readable(std_left, 3)}×",
        )
        m[4].metric(
            "cutoff (−3 dB)",
            "none" if np.isnan(cutoff) else readable(cutoff / (2 * np.pi), 3),
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

        if timed is not None:
            st.caption(timed.readouts)
            if timed.gap_count:
                st.caption(
                    f"Shaded: the {timed.gap_count:,} gaps longer than 1.5× the typical spacing "
                    f"(the longest {timed.longest_gap_text}). Across a gap the step EMA moves "
                    "one step; the time-aware EMA lets the past fade for the whole gap."
                )
            if timed.note:
                st.caption(timed.note)
        st.caption(
            f"Computed on all {n:,} values; the chart draws at most {figures.MAX_POINTS:,} points "
            "per line (each bucket's minimum and maximum)."
        )
        csv_download(
            lambda: {
                **({"time": signal.dates} if signal.dates is not None else {}),
                "signal": x,
                **{
                    f"ema_{k}": v
                    for k, v in smoothing_series(x, decay, initial).items()
                    if v is not None
                },
                **({"ema_time_aware": timed.ema} if timed is not None else {}),
            },
            f"ema_smoothing_decay{decay:g}.csv",
            key="smoothing_csv",
        )


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
