"""A chart in words, for a screen reader: its accessible name and description.

The name is the chart's own title, which carries the view's numbers ("β = 0.99: the last
100 steps hold 63.4% of the weight"); the description says what is drawn against what and
where each line goes, read from the figure's data (which the view computed), so that a
reader who cannot see the picture hears what a sighted one sees in it.
"""

from __future__ import annotations

import html
import re

import numpy as np
import plotly.graph_objects as go

from ema_lab.model.numbers import readable

MAX_TRACES = 6
"""Lines described one by one; more are counted."""


def plain(text: str | None) -> str:
    """Plotly's title text as words: line breaks as spaces, no markup, entities decoded."""
    text = re.sub(r"<br\s*/?>", " ", text or "")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def _value(v) -> str:
    """A number as a reader hears it: four significant digits, or a power of ten.

    >>> _value(0.99341), _value(12345.0), _value(4.3351e-29)
    ('0.9934', '12,340', '4.34 times 10 to the −29')
    """
    if isinstance(v, np.datetime64):
        return str(v)[:10]
    x = float(v)
    if x != 0 and abs(x) < 1e-4:
        mantissa, exponent = f"{x:.2e}".split("e")
        return f"{float(mantissa):g} times 10 to the {int(exponent)}".replace("-", "−")
    return readable(x)


def _axis_title(fig: go.Figure, axis: str) -> str:
    title = getattr(fig.layout, axis).title
    return plain(title.text) if title and title.text else ""


def _trace_words(trace) -> str | None:
    y = np.asarray(trace.y if trace.y is not None else [], dtype=float).ravel()
    finite = y[np.isfinite(y)]
    if not len(finite):
        return None
    name = plain(trace.name) or "a line"
    if len(finite) == 1:
        return f"{name}: {_value(finite[0])}"
    return (
        f"{name}: from {_value(finite[0])} to {_value(finite[-1])}, "
        f"between {_value(finite.min())} and {_value(finite.max())}"
    )


def describe(fig: go.Figure) -> tuple[str, str]:
    """The accessible name and description of ``fig``.

    >>> fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[0.0, 0.5, 0.75], name="EMA"))
    >>> _ = fig.update_layout(title_text="β = 0.5<br>from 0", xaxis_title="step t",
    ...                       yaxis_title="value")
    >>> describe(fig)
    ('β = 0.5 from 0', 'A chart of value against step t. EMA: from 0 to 0.75, between 0 and 0.75.')
    """
    name = plain(fig.layout.title.text) or "A chart"
    x_title, y_title = _axis_title(fig, "xaxis"), _axis_title(fig, "yaxis")
    against = f" of {y_title} against {x_title}" if x_title and y_title else ""
    lines = [
        words
        for trace in fig.data
        if getattr(trace, "y", None) is not None and trace.showlegend is not False
        for words in [_trace_words(trace)]
        if words
    ]
    shown = lines[:MAX_TRACES]
    more = f" And {len(lines) - MAX_TRACES} more." if len(lines) > MAX_TRACES else ""
    body = " ".join(f"{words}." for words in shown)
    return name, f"A chart{against}. {body}{more}".strip()
