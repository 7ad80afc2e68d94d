"""A chart in words, for a screen reader: its accessible name and description.

The name is the chart's own title, which carries the view's numbers ("β = 0.99: the last
100 steps hold 63.4% of the weight"); the description says what is drawn against what and
where each line goes, read from the figure's data (which the view computed), so that a
reader who cannot see the picture hears what a sighted one sees in it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ema_lab.model.numbers import readable
from ema_lab.plot.decimate import TABLE_ROWS

MAX_TRACES = 6
"""Lines described one by one; more are counted."""


def plain(text: str | None) -> str:
    """Plotly's title text as words: line breaks as spaces, no markup, entities decoded."""
    text = re.sub(r"<br\s*/?>", " ", text or "")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def _value(v) -> str:
    """A number as a reader hears it: four significant digits (a whole number whole), or a
    power of ten.

    >>> _value(0.99341), _value(12345.6), _value(12345.0), _value(4.3351e-29)
    ('0.9934', '12,350', '12,345', '4.34 times 10 to the −29')
    """
    if isinstance(v, np.datetime64):
        return str(v)[:10]
    x = float(v)
    if x != 0 and abs(x) < 1e-4:
        mantissa, exponent = f"{x:.2e}".split("e")
        return f"{float(mantissa):g} times 10 to the {int(exponent)}".replace("-", "−")
    text = readable(x)
    return "−" + text[1:] if text.startswith("-") else text  # a true minus sign


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
        if _points(trace) is not None  # the lines drawn; not a map's surface
        for words in [_trace_words(trace)]
        if words
    ]
    shown = lines[:MAX_TRACES]
    more = f" And {len(lines) - MAX_TRACES} more." if len(lines) > MAX_TRACES else ""
    body = " ".join(f"{words}." for words in shown)
    return name, f"A chart{against}. {body}{more}".strip()


@dataclass(frozen=True)
class DataTable:
    """A chart's data as a table, a step away from the picture: its columns (each a list
    of readable numbers, by heading) and what the rows are."""

    columns: dict[str, list[str]]
    note: str


def _points(trace) -> tuple[np.ndarray, np.ndarray] | None:
    # A map's surface (z over x and y) is the ground the lines walk on, not a line.
    if getattr(trace, "y", None) is None or trace.showlegend is False or "z" in trace:
        return None
    y = np.asarray(trace.y, dtype=float).ravel()
    x = np.arange(1, len(y) + 1) if trace.x is None else np.asarray(trace.x).ravel()
    keep = np.isfinite(y)
    return (x[keep], y[keep]) if keep.any() and len(x) == len(y) else None


def _cell(v) -> str:
    """A value in a table cell: a number with a true minus sign, a date, or a label."""
    try:
        return _value(v)
    except (TypeError, ValueError):
        return str(v)


def _rows(n: int, rows: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, rows)).round().astype(int))


def _as_number(x: np.ndarray) -> np.ndarray:
    """Positions along x: dates in seconds, labels (a bar chart's) by their order."""
    if x.dtype.kind == "M":
        return x.astype("datetime64[s]").astype(float)
    try:
        return x.astype(float)
    except (TypeError, ValueError):
        return np.arange(len(x), dtype=float)


def _exact_rows(xs: list[np.ndarray], longest: np.ndarray, rows: int) -> np.ndarray:
    """Indices into ``longest`` of the table's rows: evenly spaced, each moved to the
    nearest x (within half a row's spacing) where every line of ``xs`` spanning it has a
    point."""
    along = _as_number(longest)
    exact = np.ones(len(along), dtype=bool)
    for x in xs:
        spanned = (along >= x[0]) & (along <= x[-1])
        exact &= ~spanned | np.isin(along, x)
    wanted = _rows(len(along), rows)
    pool = np.flatnonzero(exact)
    if not len(pool) or len(wanted) < 2:
        return wanted
    reach = (along[-1] - along[0]) / (2 * (len(wanted) - 1))
    nearest = pool[np.abs(along[pool][:, None] - along[wanted]).argmin(axis=0)]
    moved = np.where(np.abs(along[nearest] - along[wanted]) <= reach, nearest, wanted)
    return np.unique(moved)


def data_table(fig: go.Figure, rows: int = TABLE_ROWS) -> DataTable | None:
    """The lines of ``fig`` as a table of at most ``rows`` rows, or None if it draws none.

    Lines drawn against a common x axis share one table: a row for each of ``rows``
    points spread evenly along the longest line, moved to the nearest x where every line
    drawn there has a point of its own (a decimated line's value between the points it
    kept is not its value; `decimate` keeps evenly spaced ones for these rows). A line
    with no point of its own near a row is read between its points, as drawn; outside its
    span it is blank. Paths that turn back on x (a walk over a map) are listed point by
    point instead.

    >>> fig = go.Figure([go.Scatter(x=[1, 2, 3], y=[1.0, 1, 1], name="signal"),
    ...                  go.Scatter(x=[1, 3], y=[0.0, 0.75], name="EMA")])
    >>> _ = fig.update_layout(xaxis_title="step t")
    >>> data_table(fig).columns
    {'step t': ['1', '2', '3'], 'signal': ['1', '1', '1'], 'EMA': ['0', '0.375', '0.75']}
    """
    lines = [(plain(t.name) or f"line {i + 1}", p) for i, t in enumerate(fig.data)
             for p in [_points(t)] if p is not None]  # fmt: skip
    if not lines:
        return None
    x_title = _axis_title(fig, "xaxis") or "x"
    along = [_as_number(x) for _, (x, _y) in lines]  # each line's x as numbers, once
    if all(len(xs) < 2 or np.all(np.diff(xs) >= 0) for xs in along):
        longest = max((x for _, (x, _y) in lines), key=len)
        at = longest[_exact_rows(along, longest, rows)]
        columns = {x_title: [_cell(v) for v in at]}
        where = _as_number(at)
        for (name, (_x, y)), xs in zip(lines, along, strict=True):
            inside = (where >= xs[0]) & (where <= xs[-1])
            drawn = np.interp(where, xs, y)
            columns[name] = [_cell(v) if ok else "" for v, ok in zip(drawn, inside, strict=True)]
        note = f"{len(at)} of {len(longest):,} points, evenly spaced along {x_title}."
        return DataTable(columns, note)
    y_title = _axis_title(fig, "yaxis") or "y"
    columns = {"line": [], "point": [], x_title: [], y_title: []}
    for name, (x, y) in lines:
        for i in _rows(len(y), max(5, rows // len(lines))):
            for heading, text in zip(
                columns, (name, f"{i + 1:,}", _cell(x[i]), _cell(y[i])), strict=True
            ):
                columns[heading].append(text)
    return DataTable(columns, "Each line's drawn points, evenly spaced along it.")
