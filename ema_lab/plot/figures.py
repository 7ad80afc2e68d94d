"""Every chart of EMA Lab, built in one place so that it looks the same on every page.

Builders take plain NumPy arrays or decays and return a ``plotly.graph_objects.Figure``;
the numbers they draw come from `ema_core`. Long series are decimated for display
(`ema_lab.plot.decimate`), while every number is computed on the full series.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from ema_lab.model.style import COLORS
from ema_lab.model.text import escape_html
from ema_lab.model.variants import VARIANTS, Variant
from ema_lab.plot.decimate import MAX_POINTS, decimate

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"  # no web font to fetch


def config(filename: str = "ema-lab", image_format: str = "png") -> dict:
    """Plotly's configuration for a chart: the camera button saves ``filename.png`` or ``.svg``."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": image_format,
            "filename": filename,
            "scale": 2 if image_format == "png" else 1,  # a sharp PNG for slides
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


TITLE_LINE_CHARS = 42
"""Characters per title line: a 390 px phone's chart holds about 42 at 15 px."""


def title_lines(title: str, width: int = TITLE_LINE_CHARS) -> list[str]:
    """The title broken into lines at word boundaries: Plotly never wraps a title.

    As few lines as ``width`` allows, then as even as they can be (no lone last word).

    Examples
    --------
    >>> title_lines("Step response: the EMA of a jump from 0 to 1")
    ['Step response: the EMA', 'of a jump from 0 to 1']
    """
    lines = textwrap.wrap(title, width, break_on_hyphens=False) or [""]
    for narrower in range(width - 1, 0, -1):
        tried = textwrap.wrap(title, narrower, break_on_hyphens=False)
        if len(tried) > len(lines):
            break
        lines = tried
    return lines


TITLE_LINE_PX = 19
"""Height of each further title line, added above the plot."""


def _title_text(title: str) -> tuple[str, int]:
    # Plotly renders a few HTML tags in titles; a title may carry a file's name
    lines = title_lines(title)
    return "<br>".join(escape_html(line) for line in lines), len(lines)


def set_title(fig: go.Figure, title: str) -> go.Figure:
    """Replace a chart's title, wrapped as `_layout` wraps it, the room above kept in step."""
    old_lines = (fig.layout.title.text or "").count("<br>") + 1
    text, lines = _title_text(title)
    grow = TITLE_LINE_PX * (lines - old_lines)
    fig.update_layout(
        title_text=text,
        height=fig.layout.height + grow,
        margin_t=fig.layout.margin.t + grow,
    )
    return fig


def layout(
    fig: go.Figure, *, title: str, x_title: str, y_title: str, height: int = 420
) -> go.Figure:
    text, lines = _title_text(title)
    extra = TITLE_LINE_PX * (lines - 1)
    fig.update_layout(
        title={"text": text, "x": 0, "xanchor": "left", "font": {"size": 15}},
        height=height + extra,
        margin={"l": 10, "r": 10, "t": 44 + extra, "b": 10},
        font={"family": FONT},
        hovermode="x unified",
        # Below the plot, in the container's coordinates: Plotly then makes room for it
        # under the axis title instead of drawing over it.
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "xanchor": "left",
            "x": 0,
        },
        # Upright at the right edge: the tool bar never covers the title.
        modebar={"orientation": "v"},
        # A column's or a file's name may hold markup: axis titles render it too.
        xaxis_title=escape_html(x_title),
        yaxis_title=escape_html(y_title),
        # 10,000 on an axis, not 10k or 1e+4
        xaxis_exponentformat="none",
        xaxis_separatethousands=True,
        yaxis_exponentformat="none",
        yaxis_separatethousands=True,
        uirevision="keep",  # zoom survives a rerun with new data
    )
    return fig


PLOT_MIN_PX = 180
"""The least height of a chart's plotting area, on any screen, whatever its legend takes."""
LEGEND_ROW_PX = 19
"""Height of a legend's row (Plotly's 12 px type); a phone's chart gives each entry its row."""
AXIS_PX = 80
"""Under the plot: the x axis's tick labels (turned aslant when crowded, as 5-digit steps on
a phone are), its title."""


def legend_entries(fig: go.Figure) -> int:
    """How many entries the chart's legend lists (none for a lone trace, as Plotly draws)."""
    named = [t for t in fig.data if t.showlegend is not False and t.name]
    shown = fig.layout.showlegend
    return len(named) if (shown or (shown is None and len(fig.data) > 1)) else 0


def with_room_for_legend(fig: go.Figure, plot_min: int = PLOT_MIN_PX) -> go.Figure:
    """The chart, taller if need be, so that its plot keeps ``plot_min`` px on a phone.

    Plotly gives a legend under the plot up to half the chart: on a phone, where each
    entry takes a row, eight entries left 83 px to the curves. A copy when it grows (``fig``
    may be shared by every session); ``fig`` itself when it has the room.

    Examples
    --------
    >>> fig = go.Figure([go.Scatter(y=[0, 1], name=f"line {i}") for i in range(8)])
    >>> fig = fig.update_layout(height=360, margin_t=44, margin_b=10)
    >>> with_room_for_legend(fig).layout.height  # 44 + 10 + 80 + (8 × 19 + 10) + 180
    476
    """
    entries = legend_entries(fig)
    legend = LEGEND_ROW_PX * entries + 10 if entries else 0
    margin = fig.layout.margin
    needed = (margin.t or 0) + (margin.b or 0) + AXIS_PX + legend + plot_min
    height = fig.layout.height or 450
    return fig if height >= needed else go.Figure(fig).update_layout(height=needed)


def titled(
    fig: go.Figure, *, title: str, x_title: str, y_title: str, height: int = 340
) -> go.Figure:
    """Any figure laid out as every chart is: the title wrapped and escaped, the axes named."""
    return layout(fig, title=title, x_title=x_title, y_title=y_title, height=height)


@dataclass(frozen=True)
class Line:
    """One trace of a time chart: ``values`` against steps 1..T (or ``x``)."""

    values: np.ndarray
    name: str
    color: str
    width: float = 2.0
    dash: str | None = None
    opacity: float = 1.0
    at: np.ndarray | None = None  # x of each value, once decimated (see `decimated`)


RAW_LABEL = "signal"
"""The legend's name for the data itself."""


def raw_line(values: np.ndarray) -> Line:
    """The signal itself, thin and grey, under the averages drawn over it."""
    return Line(values, RAW_LABEL, COLORS["raw"], width=1.0, opacity=0.6)


_F32_MAX = float(np.finfo(np.float32).max)


def as_drawn(values: np.ndarray) -> np.ndarray:
    """``values`` as a chart sends them: float32 (7 digits, more than a chart or its
    6-digit hover shows, and half the bytes), unless a value lies past float32's range,
    where it would turn infinite and vanish from the chart: float64 then.

    >>> as_drawn(np.array([0.5, np.nan])).dtype, as_drawn(np.array([1e308, -2.0])).dtype
    (dtype('float32'), dtype('float64'))
    """
    values = np.asarray(values, dtype=np.float64)
    # Two NumPy calls (fmax skips a gap's NaN): this runs for every line of every move.
    if np.fmax.reduce(np.abs(values), axis=None, initial=0.0) > _F32_MAX:
        return values
    return values.astype(np.float32)


def decimated(line: Line, x: np.ndarray | None = None, max_points: int = MAX_POINTS) -> Line:
    """The line as drawn: at most ``max_points`` values with their x (steps 1..T, or ``x``).

    Small enough to cache and to send; a line already decimated is returned as is.
    """
    if line.at is not None:
        return line
    y = np.asarray(line.values, dtype=np.float64)
    idx = decimate(y, max_points)
    # steps 1..T unless x is given; never materialise a full-length step axis
    at = (idx + 1).astype(np.int32) if x is None else x[idx]
    return replace(line, values=as_drawn(y[idx]), at=at)


def scatter(x: np.ndarray | None, line: Line) -> go.Scatter:
    line = decimated(line, x)
    return go.Scatter(
        x=line.at,
        y=line.values,
        name=line.name,
        mode="lines",
        line={"color": line.color, "width": line.width, "dash": line.dash},
        opacity=line.opacity,
        hovertemplate="%{y:.6g}",
    )


def time_figure(
    lines: Sequence[Line],
    *,
    title: str,
    y_title: str = "value",
    x: np.ndarray | None = None,
    x_title: str | None = None,
    window: tuple[float, float, str] | None = None,
    height: int = 420,
    length: int | None = None,
) -> go.Figure:
    """Lines against time; each longer than `MAX_POINTS` is decimated for display.

    ``window`` = (first, last, label) shades the band of steps the effective window
    covers, with its label. ``length`` is the series' length when the lines come
    already `decimated`.
    """
    if x_title is None:  # dates under dates, steps under steps
        x_title = "date" if x is not None and np.asarray(x).dtype.kind == "M" else "step t"
    fig = go.Figure()
    n = length if length is not None else (len(lines[0].values) if lines else 0)
    for line in lines:
        fig.add_trace(scatter(x, line))
    first_x, last_x = (1, n) if x is None else (x[0], x[-1])
    if n:
        fig.update_xaxes(range=[first_x, last_x])
    if window is not None:
        first, last, label = window
        fig.add_vrect(
            x0=first,
            x1=last,
            fillcolor=COLORS["window"],
            opacity=0.18,
            line_width=0,
            annotation_text=label,
            # inside the band, on the side with room for the text
            annotation_position="top left" if first - first_x < last_x - last else "top right",
            annotation_font_color=COLORS["window"],
        )
    return layout(fig, title=title, x_title=x_title, y_title=y_title, height=height)


def shade_gaps(fig: go.Figure, gaps: Sequence[tuple[object, object]]) -> go.Figure:
    """Shade each (start, end) gap in the observations, behind the lines."""
    for start, end in gaps:
        fig.add_vrect(
            x0=start, x1=end, fillcolor=COLORS["gap"], opacity=0.22, line_width=0, layer="below"
        )
    return fig


def variant_line(variant: Variant, values: np.ndarray, *, label: str | None = None) -> Line:
    """A variant's line (`ema_lab.model.variants`), in its colour, dash, width and opacity;
    ``label`` for a lesson that names it in its own words."""
    name = variant.label if label is None else label
    return Line(values, name, variant.color, variant.width, variant.dash, variant.opacity)


def smoothing_lines(
    values: np.ndarray,
    *,
    biased: np.ndarray | None = None,
    debiased: np.ndarray | None = None,
    tensorflow: np.ndarray | None = None,
    show_raw: bool = True,
) -> list[Line]:
    """The standard set of lines: raw signal, biased, debiased and TensorFlow EMA."""
    series = {"biased": biased, "debiased": debiased, "tensorflow": tensorflow}
    lines = [raw_line(values)] if show_raw else []
    return lines + [variant_line(VARIANTS[k], v) for k, v in series.items() if v is not None]


def log_axis(axis) -> None:
    """A log axis labelled at each decade in plain numbers: 0.0001, 1, 100, 10,000."""
    axis.update(type="log", dtick=1, tickformat=",~r", exponentformat="none", minor={"ticks": ""})


def decoded(fig_json: Mapping) -> list[dict]:
    """The traces of a figure's JSON with ``bdata`` arrays decoded (for tests and checks)."""
    import base64

    def arr(v):
        if isinstance(v, dict) and "bdata" in v:
            return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return np.asarray(v) if isinstance(v, list) else v

    return [{k: arr(v) for k, v in trace.items()} for trace in fig_json["data"]]


__all__ = [
    "MAX_POINTS",
    "Line",
    "as_drawn",
    "config",
    "decimated",
    "decoded",
    "log_axis",
    "raw_line",
    "set_title",
    "shade_gaps",
    "smoothing_lines",
    "time_figure",
    "variant_line",
]
