"""Widgets shared by the pages: page set-up, the decay and signal pickers, URL checks.

Every control is bound to the URL (``bind="query-params"``), so a copied link
reproduces the view. Streamlit drops a URL value that a widget cannot take; the
pages announce it first (`announce_bad_params`), so the user knows the default
is shown instead.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import ema_core as ec
from ema_lab import figures, memory
from ema_lab.numbers import readable
from ema_lab.offline import OfflineView, offline_html
from ema_lab.style import MARKDOWN_COLORS

PAGES: tuple[tuple[str, str, str], ...] = (
    ("app.py", "Home", "🏠"),
    ("pages/smoothing.py", "Smoothing a signal", "〰️"),
    ("pages/bias_correction.py", "Bias correction", "⚖️"),
    ("pages/tf_dynamic_decay.py", "TensorFlow decay", "⏱️"),
    ("pages/choosing_decay.py", "Choosing a decay", "🎚️"),
    ("pages/weights_lab.py", "Weights lab", "🧪"),
)


def setup_page(title: str, icon: str) -> None:
    """Page config and the sidebar's navigation; call first on every page."""
    memory.keep_lean()
    st.set_page_config(
        page_title=f"{title} · EMA Lab",
        page_icon=icon,
        layout="wide",
        initial_sidebar_state="collapsed" if embedded() else "auto",
    )
    if embedded():
        return  # an iframe in a blog post has no room for navigation
    with st.sidebar:
        st.markdown("### 📈 EMA Lab")
        for path, label, page_icon in PAGES:
            st.page_link(path, label=label, icon=page_icon)
        st.caption("ema = β·ema + (1 − β)·x")
        st.radio(
            "chart images download as",
            IMAGE_FORMATS,
            horizontal=True,
            key="image_format",
            bind="query-params",
            help="The camera button of every chart's tool bar saves it in this format.",
        )


IMAGE_FORMATS = ("png", "svg")


def embedded() -> bool:
    """Whether the page runs in an iframe (``?embed=true``): a compact layout then."""
    return bool(st.context.is_embedded)


def page_title(title: str) -> None:
    """The page's title; embedded, a one-line caption that leaves room for the chart."""
    if embedded():
        st.caption(f"**EMA Lab** · {title}")
    else:
        st.title(title)


def columns(spec: Sequence[float], gap: str = "large") -> list:
    """Side-by-side columns; embedded, containers one above the other, so that the layout
    is the same in a 700 px column and a 360 px one (where columns would stack anyway)."""
    if embedded():
        return [st.container() for _ in spec]
    return st.columns(spec, gap=gap)


def end_of_embed() -> None:
    """Embedded pages stop here: the chart and its controls, no long sections."""
    if embedded():
        st.stop()


def prose(text: str) -> None:
    """Explanatory Markdown, left out of the compact embedded layout."""
    if not embedded():
        st.markdown(text)


def chart_config(name: str) -> dict:
    """Plotly's configuration for one chart: image export named after it."""
    fmt = st.session_state.get("image_format", "png")
    return figures.config(f"ema-lab_{name}", fmt if fmt in IMAGE_FORMATS else "png")


def show(fig: go.Figure, key: str, where=st) -> None:
    """Draw a chart (in ``where``, a container) with its key and its image export name."""
    where.plotly_chart(fig, config=chart_config(key), key=key)


EMBED_HEIGHTS: dict[str, int] = {
    "": 580,
    "smoothing": 710,
    "bias_correction": 670,
    "tf_dynamic_decay": 620,
    "choosing_decay": 680,
    "weights_lab": 760,
}
"""The iframe height of each page's embedded layout, in px: it holds the whole layout in a
700 px column and in a 360 px one (measured by tests/test_blog_embeds.py)."""

EMBED_MAX_WIDTH = 860
"""The widest an embed grows in a wide column: the layout is made for 360 to 860 px."""


def view_link(page: str, *, embed: bool = False) -> str:
    """The link to this page with every control of the view (and ``embed=true`` if asked)."""
    base = (st.context.url or f"http://localhost:8501/{page}").split("?")[0]
    params = [(k, v) for k in st.query_params if k != "embed" for v in st.query_params.get_all(k)]
    if embed:
        params.append(("embed", "true"))
    query = urlencode(params)
    return f"{base}?{query}" if query else base


def embed_snippet(src: str, page: str, title: str) -> str:
    """An iframe that fills its column up to `EMBED_MAX_WIDTH` px, at the page's height."""
    return (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" loading="lazy" '
        f'style="width:100%;max-width:{EMBED_MAX_WIDTH}px;height:{EMBED_HEIGHTS[page]}px;'
        'border:0"></iframe>'
    )


def share_panel(
    page: str,
    *,
    offline: Callable[[], OfflineView] | None = None,
    where=st,
) -> None:
    """Beside the main chart: this view's link, a responsive embed snippet, and the chart as
    one offline HTML file with its own snippet."""
    if embedded():
        return
    link = view_link(page)
    with where.popover("🔗 Share, embed or download this view"):
        st.markdown("**A link to exactly this view**: every control is in it.")
        st.code(link, language=None, wrap_lines=True)
        st.markdown("**Embed it live** in a blog post or a slide (it fits any column):")
        st.code(
            embed_snippet(view_link(page, embed=True), page, "EMA Lab"),
            language="html",
            wrap_lines=True,
        )
        if offline is None:
            return
        name = f"ema-lab_{page or 'home'}.html"
        st.markdown(
            "**No server?** Download this chart as one HTML file with a decay slider inside "
            "(every curve precomputed by ema_core), put it next to your post and embed it:"
        )
        st.download_button(
            "⬇️ Offline interactive figure (HTML)",
            data=lambda: offline_html(offline()).encode(),
            file_name=name,
            mime="text/html",
            key=f"{page or 'home'}_offline",
            on_click="ignore",
        )
        st.code(embed_snippet(name, page, "EMA Lab figure"), language="html", wrap_lines=True)


def embed_footer(fig: go.Figure, page: str) -> None:
    """Embedded: a one-line key of the chart's lines and the way to the full page.

    Markdown only (no raw HTML anywhere in the app): each line's colour is the nearest of
    Streamlit's named Markdown colours.
    """
    if not embedded():
        return
    keys = [
        f":{MARKDOWN_COLORS.get(str(t.line.color).upper(), 'gray')}[━] {escape_markdown(t.name)}"
        for t in fig.data
        if isinstance(t, go.Scatter) and t.name and t.showlegend is not False and t.line.color
    ]
    link = view_link(page).replace(" ", "%20").replace(")", "%29")
    st.caption("  ".join(keys) + f"  ·  [Open in EMA Lab ↗]({link})")


def embed_chart(fig: go.Figure, height: int = 300) -> go.Figure:
    """The embedded chart: shorter, its legend replaced by `embed_footer`'s key."""
    if embedded():
        fig.update_layout(height=height, showlegend=False)
    return fig


# -- decays ------------------------------------------------------------------------------


def _decay_grid() -> tuple[float, ...]:
    # Fine near 1: as many stops from 0.99 to 0.999 as from 0.9 to 0.99.
    parts = [
        np.arange(0.0, 0.5, 0.1),
        np.arange(0.5, 0.9, 0.05),
        np.arange(0.9, 0.99, 0.005),
        np.arange(0.99, 0.999, 0.0005),
        np.arange(0.999, 0.9999, 0.00005),
        [0.9999],
    ]
    return tuple(sorted({round(float(v), 6) for part in parts for v in part}))


DECAY_GRID: tuple[float, ...] = _decay_grid()
"""The stops of every decay slider; 0.9, 0.99, 0.999 and 0.9999 among them."""


DECAY_ALLOWED = "a decay on the slider, from 0 to 0.9999, such as 0.9, 0.99, 0.995 or 0.999"


def fmt_decay(decay: float) -> str:
    """How a decay is written in labels and URLs: ``0.99``, ``0.99905``."""
    return f"{decay:g}"


@dataclass(frozen=True)
class DecayUnit:
    """Another way to state a decay, with its conversions and its input's range."""

    key: str
    label: str
    to_decay: Callable
    from_decay: Callable
    low: float
    high: float


DECAY_UNITS: dict[str, DecayUnit] = {
    "half-life": DecayUnit(
        "half_life", "half-life (steps)", ec.decay_from_half_life, ec.half_life, 0.1, 1e6
    ),
    "window": DecayUnit(
        "window", "window 1/(1−β) (steps)", ec.decay_from_window, ec.effective_window, 1.0, 1e6
    ),
    "span": DecayUnit("span", "span (as in pandas)", ec.decay_from_span, ec.span, 1.0, 2e6),
}
DECAY_BY: tuple[str, ...] = ("decay", *DECAY_UNITS)


def decay_input(default: float = 0.99, *, key: str = "decay") -> float:
    """Pick a decay directly on a scale fine near 1, or through half-life, window or span.

    Returns the decay in effect, and shows it in every unit. Switching the unit keeps the
    decay in effect: the new input starts at its value in that unit.
    """
    in_effect = f"{key}_in_effect"

    def carry_over() -> None:
        # Runs before the rerun, so the input about to be drawn can still be set.
        decay = st.session_state.get(in_effect, default)
        by = st.session_state[f"{key}_by"]
        if by == "decay":
            st.session_state[key] = min(DECAY_GRID, key=lambda d: abs(d - decay))
        else:
            unit = DECAY_UNITS[by]
            # Ten digits, not the two shown: the decay in effect stays as it was (to 1e-10),
            # and the link reads window=20, not window=19.999999999999982.
            amount = float(f"{float(unit.from_decay(decay)):.10g}")
            st.session_state[unit.key] = float(np.clip(amount, unit.low, unit.high))

    # Embedded, the decay slider alone: an iframe has no room for the other units.
    by = (
        "decay"
        if embedded()
        else st.radio(
            "set the decay by",
            DECAY_BY,
            horizontal=True,
            key=f"{key}_by",
            bind="query-params",
            on_change=carry_over,
        )
    )
    # A default only for an input whose value was not carried over (Streamlit warns otherwise).
    if by == "decay":
        decay = st.select_slider(
            "decay β",
            options=DECAY_GRID,
            **({} if key in st.session_state else {"value": default}),
            format_func=fmt_decay,
            key=key,
            bind="query-params",
            help="The fraction of the old average kept at each step. "
            "Arrow keys step through the stops; 0.9, 0.99, 0.999 and 0.9999 are among them.",
        )
    else:
        unit = DECAY_UNITS[by]
        amount = st.number_input(
            unit.label,
            min_value=unit.low,
            max_value=unit.high,
            **({} if unit.key in st.session_state else {"value": float(unit.from_decay(default))}),
            step=1.0,
            key=unit.key,
            bind="query-params",
        )
        decay = float(unit.to_decay(amount))
    st.session_state[in_effect] = float(decay)
    if not embedded():
        st.caption(decay_readout(decay))
    return float(decay)


def decay_readout(decay: float) -> str:
    """One line: the decay in every unit."""
    return (
        f"β = {decay:.6g} · window {readable(ec.effective_window(decay))} · "
        f"half-life {readable(ec.half_life(decay))} · span {readable(ec.span(decay))} · "
        f"lag {readable(ec.center_of_mass(decay))} steps"
    )


# -- signals -----------------------------------------------------------------------------

LENGTHS: tuple[int, ...] = tuple(
    int(m * 10**e) for e in range(2, 8) for m in (1, 2, 5) if m * 10**e <= 10**7
)
DATASET = "seattle_temperature"
GAPPY_DATASET = "mauna_loa_co2"
UPLOAD = "upload_csv"
DATASETS = {DATASET: ec.signals.seattle_weather, GAPPY_DATASET: ec.signals.mauna_loa_co2}
SIGNAL_OPTIONS: tuple[str, ...] = (*ec.signals.SIGNALS, *DATASETS, UPLOAD)
SIGNAL_HELP = {
    "noisy_sine": "four periods of a sine under noise",
    "noisy_constant": "a constant 1 under noise: what averaging is for",
    "step": "a jump from 0 to 1: how fast the EMA follows",
    "square_wave": "jumps up and down",
    "random_walk": "a wandering level, like a training loss",
    "chirp": "a sine that gets faster: the EMA damps the fast end",
    "impulse": "a single spike: the EMA draws its own weights",
    "constant": "a constant 1: the zero start's bias, alone",
    DATASET: "Seattle's daily maximum temperature, 2012-2015 (NOAA)",
    GAPPY_DATASET: "weekly CO₂ at Mauna Loa, 1958-2001, with its 59 missing weeks (Scripps)",
    UPLOAD: "a column of numbers from your own CSV file, with a date or time column if it has one",
}


@st.cache_resource(max_entries=6, show_spinner=False)
def generated(name: str, n: int, noise: float, seed: int) -> np.ndarray:
    """A generated signal, cached by its (scalar) parameters and shared read-only.

    ``cache_resource``, not ``cache_data``: the latter hands every rerun a pickled
    copy, 0.15 s for 10^7 samples; the array is made read-only instead.
    """
    values = ec.signals.generate(name, n, noise=noise, seed=seed)
    values.flags.writeable = False
    return values


@dataclass(frozen=True)
class Signal:
    """What the pages plot: the values, a label, and dates when there are any."""

    values: np.ndarray
    label: str
    dates: np.ndarray | None = None  # datetime64, or plain numbers from a CSV's time column
    unit: str = ""
    key: tuple = ()  # what identifies the values, for caches keyed on scalars
    time_title: str = "date"  # the x axis' title when there are dates
    repeated_times: int = 0


def signal_input(
    *, default: str = "noisy_sine", default_n: int = 1000, key: str = "csv", in_row: bool = False
) -> Signal:
    """Signal, length, noise and seed controls; returns the signal they describe.

    ``in_row`` lays the four controls side by side, for a full-width row. Embedded,
    the length, noise and seed fold into an expander (still read from the URL).
    """
    if embedded():  # one folded line: the chart comes first
        more = st.expander("signal, length, noise, seed")
        boxes = [more, more, *more.columns(2)]
    elif in_row:
        boxes = st.columns([3, 3, 2, 2])
    else:
        top, middle = st.container(), st.container()
        boxes = [top, middle, *middle.columns(2)]
    name = boxes[0].selectbox(
        "signal",
        SIGNAL_OPTIONS,
        index=SIGNAL_OPTIONS.index(default),
        key="signal",
        bind="query-params",
    )
    if not embedded():
        boxes[0].caption(SIGNAL_HELP[name])
    fixed = name in (*DATASETS, UPLOAD)
    n = boxes[1].select_slider(
        "length n", options=LENGTHS, value=default_n, key="n", bind="query-params", disabled=fixed
    )
    noise = boxes[2].slider(
        "noise σ", 0.0, 2.0, 0.3, 0.05, key="noise", bind="query-params", disabled=fixed
    )
    seed = whole_number_input("seed", 0, 2**31 - 1, 0, key="seed", disabled=fixed, where=boxes[3])
    if name in DATASETS:
        data = DATASETS[name]()
        return Signal(data.values, data.name, data.dates, data.unit, key=(name,))
    if name == UPLOAD:
        return _uploaded_signal(key)
    params = (name, int(n), float(noise), int(seed))
    return Signal(generated(*params), name.replace("_", " "), key=params)


def whole_number_input(
    label: str, low: int, high: int, value: int, *, key: str, step: int = 1, where=st, **kwargs
) -> int:
    """A whole number, bound to the URL.

    A float input shown without decimals: Streamlit 1.67's integer input crashes
    the page on ``?key=inf`` (``int(inf)`` while seeding from the URL), while a
    float input refuses non-finite values and falls back to the default.
    """
    number = where.number_input(
        label,
        float(low),
        float(high),
        float(value),
        float(step),
        format="%.0f",
        key=key,
        bind="query-params",
        **kwargs,
    )
    return int(number)


NO_TIME = "(none: count rows)"


def _store_upload(key: str, upload, series: ec.signals.CsvSeries) -> Signal:
    st.session_state[f"{key}_time_columns"] = series.time_columns
    note = f", {series.dropped:,} rows without a value left out" if series.dropped else ""
    label = f"{upload.name}: {series.column}{note}"
    signal = Signal(
        series.values,
        label,
        dates=series.times,
        key=(UPLOAD, upload.file_id, series.time_column),
        time_title=series.time_column or "date",
        repeated_times=series.repeated_times,
    )
    st.session_state[f"{key}_signal"] = signal
    return signal


def _read_upload(key: str, upload, time_column: str | None) -> Signal | None:
    """Read the upload into the session's signal; on a problem say so and keep the last one."""
    try:
        series = ec.signals.read_csv(upload.getvalue(), time_column=time_column)
    except ValueError as exc:
        st.error(
            f"Could not use {escape_markdown(upload.name)}: {escape_markdown(str(exc))} "
            "The previous signal stays."
        )
        return None
    return _store_upload(key, upload, series)


def _read_new_upload(key: str, upload) -> Signal | None:
    """A new file: one read that also takes the first time column found. Only if that
    column cannot be used (it runs backwards, say) is the file read again, counting rows."""
    try:
        return _store_upload(
            key, upload, ec.signals.read_csv(upload.getvalue(), time_column="auto")
        )
    except ValueError as auto_problem:
        signal = _read_upload(key, upload, None)  # says so itself if the file is unusable
        if signal is not None:
            st.warning(
                f"{escape_markdown(upload.name)}: {escape_markdown(str(auto_problem))} Its "
                "values are used counting rows instead."
            )
        return signal


def _uploaded_signal(key: str) -> Signal:
    stored: Signal | None = st.session_state.get(f"{key}_signal")
    upload = st.file_uploader(
        "CSV file (one numeric column is used, with a date or time column if there is one)",
        type=["csv", "txt"],
        key=f"{key}_file",
    )
    if upload is not None and st.session_state.get(f"{key}_read") != upload.file_id:
        st.session_state[f"{key}_read"] = upload.file_id
        st.session_state[f"{key}_time_columns"] = ()
        first = _read_new_upload(key, upload)
        read_with = first.key[2] if first is not None else None  # the time column, if any
        if first is not None and st.session_state.get(f"{key}_time_columns"):
            st.session_state[f"{key}_time"] = read_with or NO_TIME
        st.session_state[f"{key}_tried"] = read_with
        stored = st.session_state.get(f"{key}_signal")
    found = st.session_state.get(f"{key}_time_columns", ())
    if upload is not None and found:
        chosen = st.selectbox(
            "time column",
            (NO_TIME, *found),
            key=f"{key}_time",
            help="The values were observed at these times: the time-aware EMA lets the "
            "past fade by a half-life in time, across the gaps too.",
        )
        wanted = None if chosen == NO_TIME else chosen
        # Each choice is read once: a column that fails says so once, not on every rerun.
        if wanted != st.session_state.get(f"{key}_tried"):
            st.session_state[f"{key}_tried"] = wanted
            stored = _read_upload(key, upload, wanted) or stored
    if stored is None:
        st.info("No file yet: showing the noisy sine until a CSV file is read.")
        params = ("noisy_sine", 1000, 0.3, 0)
        return Signal(generated(*params), "noisy sine (no file yet)", key=params)
    st.caption(f"Using {escape_markdown(stored.label)} ({len(stored.values):,} values).")
    return stored


@st.cache_resource(max_entries=8, show_spinner=False)
def scrubber(_values: np.ndarray, signal_key: tuple) -> go.Figure:
    """The in-chart decay scrubber of a signal, built once per signal (24 EMAs)."""
    return figures.scrubber_figure(_values, initial=None)


# -- URL parameters ----------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """What a URL parameter may hold, for `announce_bad_params`."""

    key: str
    allowed: str
    valid: Callable[[str], bool]
    many: bool = False
    once: bool = False  # a slider: Streamlit refuses a key given twice, as a range


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def number_param(
    key: str, low: float, high: float, *, whole: bool = False, once: bool = False
) -> Param:
    def valid(text: str) -> bool:
        v = _number(text)
        return v is not None and low <= v <= high and (not whole or v == int(v))

    kind = "a whole number" if whole else "a number"
    return Param(key, f"{kind} from {low:,g} to {high:,g}", valid, once=once)


def choice_param(
    key: str, options: Sequence[str], *, many: bool = False, allowed: str = "", once: bool = False
) -> Param:
    choices = set(options)
    shown = allowed or "one of " + ", ".join(options[:8]) + (", …" if len(options) > 8 else "")
    return Param(key, shown, lambda text: text in choices, many, once)


def decay_params(key: str = "decay") -> list[Param]:
    """The parameters of `decay_input`."""
    return [
        choice_param(f"{key}_by", DECAY_BY),
        choice_param(key, [fmt_decay(d) for d in DECAY_GRID], allowed=DECAY_ALLOWED, once=True),
        *(number_param(u.key, u.low, u.high) for u in DECAY_UNITS.values()),
    ]


SIGNAL_PARAMS = [
    choice_param("signal", SIGNAL_OPTIONS),
    choice_param(
        "n",
        [str(n) for n in LENGTHS],
        allowed="a length on the slider: 100, 200, 500, 1000, … 10000000",
        once=True,
    ),
    number_param("noise", 0.0, 2.0, once=True),
    number_param("seed", 0, 2**31 - 1, whole=True),
]


def announce_bad_params(params: Sequence[Param]) -> None:
    """Say which URL values are unusable: their widgets fall back to the default."""
    problems = []
    for p in [*params, choice_param("image_format", IMAGE_FORMATS)]:
        if p.key not in st.query_params:
            continue
        values = st.query_params.get_all(p.key)
        checked = values if p.many or p.once else values[-1:]
        if not checked or (p.once and len(checked) > 1) or not all(map(p.valid, checked)):
            shown = escape_markdown(", ".join(checked)[:40]) or "(empty)"
            problems.append(f"**{p.key}** = {shown} (expected {p.allowed})")
    if problems:
        st.warning(
            "Some values in this link could not be used, so the defaults are shown instead: "
            + "; ".join(problems),
            icon="⚠️",
        )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_markdown(text: str) -> str:
    """User text made inert for Streamlit's Markdown: no HTML, links, images or maths."""
    printable = "".join(ch for ch in text if ch.isprintable())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable)


# -- downloads ---------------------------------------------------------------------------


def csv_download(
    columns: dict[str, np.ndarray] | Callable[[], dict[str, np.ndarray]],
    file_name: str,
    *,
    key: str,
) -> None:
    """A button that writes the full series as CSV, with a step column ``t``, built on click.

    ``columns`` may be a function, so that long series are computed only when asked for.
    """

    def build() -> bytes:
        import pandas as pd

        table_columns = columns() if callable(columns) else columns
        n = len(next(iter(table_columns.values())))
        table = pd.DataFrame({"t": np.arange(1, n + 1), **table_columns})
        return table.to_csv(index=False, float_format="%.10g").encode()

    st.download_button(
        "⬇️ Download the series (CSV)",
        data=build,
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
    )
